// The officer console, through the UI only (mouse and keyboard): sign-in, the
// election list, the form editor and the JSON path with the server's problems,
// importing a CSV (a bad line shown with its number), voting codes as a download,
// the lifecycle (open, close, tally with a seed, publish), comparing rules, paper
// ballots keyed by two officers with a third look, kiosk tokens and the officer
// log. The tests run in order on one server and share the election they build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  startServer, launchBrowser, newPage, open, notBusy, checkA11y, checkA11yEveryLanguage, assertClean, screenshot, tabTo, Officer,
} from './harness.mjs';

const ID = 'park-2027';
// Refusals the tests provoke on purpose (signed out, wrong password, bad files).
const EXPECTED = [/status of 40[019]/, /status of 42[29]/];

let server;
let browser;
let admin; // the demo officer (an admin) through the API, to set a scene
let page; // the demo officer's browser page, shared by the tests in order
let codes = [];

before(async () => {
  server = await startServer({ ballots: 20 });
  browser = await launchBrowser();
  admin = await Officer.signIn(server.url, server.demo.officer.username, server.demo.officer.password);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function officerPage(options = {}) {
  const p = await newPage(browser, { allow: EXPECTED, ...options });
  p.on('dialog', (d) => d.accept()); // "leave without saving?" after a test's deliberate edits
  return p;
}

// Fills the sign-in form shown at any console address and waits for the page behind it.
async function signIn(p, username, password) {
  await p.waitForSelector('h1:text("Staff sign-in")');
  await p.fill('#officer-username', username);
  await p.fill('#officer-password', password);
  await p.keyboard.press('Enter');
  await p.waitForSelector('.officer-bar__who');
  await ready(p);
}

async function alertText(p, scope = 'main') {
  await p.waitForSelector(`${scope} [role="alert"] .notice`);
  return p.textContent(`${scope} [role="alert"] .notice`);
}

async function ready(p) {
  await notBusy(p);
}

// Follows a link of the election's menu.
async function menu(p, label) {
  await p.click(`.officer-menu a:text-is("${label}")`);
  await p.waitForSelector(`.officer-menu a[aria-current="page"]:text-is("${label}")`);
  await ready(p);
}

test('sign-in: a wrong password is refused with the server\'s words, then the officer signs in with the keyboard', async () => {
  page = await officerPage();
  await open(page, server.url, '/officer');
  assert.equal(await page.textContent('h1'), 'Staff sign-in');
  await checkA11yEveryLanguage(page, 'sign-in');
  await screenshot(page, 'officer-signin');

  await page.fill('#officer-username', server.demo.officer.username);
  await page.fill('#officer-password', 'not the password');
  await page.click('button:text("Sign in")');
  assert.match(await alertText(page), /the user name or the password is wrong/);
  assert.equal(await page.inputValue('#officer-password'), '');
  await checkA11yEveryLanguage(page, 'sign-in refused');

  // After five failures a user name is locked, whether or not it exists.
  for (let i = 0; i < 5; i += 1) {
    const r = await fetch(`${server.url}/api/v1/officer/signin`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'visitor', password: 'guess' }),
    });
    assert.equal(r.status, 401);
  }
  await page.fill('#officer-username', 'visitor');
  await page.fill('#officer-password', 'guess again');
  await page.click('button:text("Sign in")');
  assert.match(await alertText(page), /too many failed sign-ins with this user name: try again in 15 minutes/);

  await page.fill('#officer-username', server.demo.officer.username);
  await page.focus('#officer-password');
  await page.keyboard.type(server.demo.officer.password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('h1:text("All elections")');
  assert.match(await page.textContent('.officer-bar__who'), /Signed in as officer \(administrator\)/);
  const cards = await page.$$eval('.officer-card h2', (hs) => hs.map((x) => x.textContent));
  assert.deepEqual(cards.sort(), ['Riverside Borough budget 2026', 'Which services should we redesign first?']);
  await checkA11yEveryLanguage(page, 'election list');
  await screenshot(page, 'officer-list');
  assertClean(page);
});

test('the sign-in page and the list fit a 360 px phone', async () => {
  const phone = await officerPage({ viewport: { width: 360, height: 740 } });
  await open(phone, server.url, '/officer');
  const overflow = () => phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(await overflow() <= 0, 'the sign-in page is wider than the phone');
  await signIn(phone, server.demo.officer.username, server.demo.officer.password);
  await phone.waitForSelector('.officer-card');
  assert.ok(await overflow() <= 0, 'the election list is wider than the phone');
  await screenshot(phone, 'officer-list-phone');
  assertClean(phone);
  await phone.context().close();
});

test('an officer creates an election with the form editor; a refused definition lists its problems', async () => {
  await page.click('a:text("Create a new election")');
  await page.waitForSelector('h1:text("Create an election")');
  await ready(page);
  await page.fill('#f-election', ID);
  await page.fill('#f-title-en', 'Park improvements 2027');
  await page.fill('#f-description-en', 'Choose the park projects you support.');
  await page.click('button:text("Add a contest")');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-contests-0-id');
  await page.keyboard.type('parks');
  await page.fill('#f-contests-0-title-en', 'Park projects');
  await page.fill('#f-contests-0-budget', '1000.00');
  await page.fill('#f-contests-0-currency', 'GBP');
  assert.equal(await page.inputValue('#f-contests-0-rule'), 'mes-add1');
  const projects = [['P1', 'Benches', '300'], ['P2', 'Trees', '450.50'], ['P1', 'Lights', '200']]; // P1 twice on purpose
  for (const [i, [pid, title, cost]] of projects.entries()) {
    await page.click('button:text("Add a project to contest 1")');
    assert.equal(await page.evaluate(() => document.activeElement.id), `f-contests-0-options-${i}-id`);
    await page.keyboard.type(pid);
    await page.fill(`#f-contests-0-options-${i}-title-en`, title);
    await page.fill(`#f-contests-0-options-${i}-cost`, cost);
  }
  await checkA11yEveryLanguage(page, 'editor (new election)');
  await screenshot(page, 'officer-editor');

  await page.click('button:text("Create the draft")');
  await page.waitForSelector('.error-summary h2:focus');
  const problems = await page.$$eval('.error-summary li', (li) => li.map((x) => x.textContent));
  assert.ok(problems.some((p) => /Project 3 › Id: 'P1' is used twice/.test(p)), problems.join('\n'));
  assert.equal(await page.getAttribute('#f-contests-0-options-2-id', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#f-contests-0-options-2-id-error'), /used twice/);
  await checkA11yEveryLanguage(page, 'editor with problems');
  await page.click('.error-summary a:text("used twice")');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-contests-0-options-2-id');
  await page.fill('#f-contests-0-options-2-id', 'P3');

  await page.fill('#f-contests-0-options-1-cost', '12,50');
  await page.click('button:text("Create the draft")');
  await page.waitForSelector('.error-summary h2:focus');
  assert.match(await page.textContent('.error-summary'), /Cost: write the amount with digits and a dot only/);
  await page.fill('#f-contests-0-options-1-cost', '450.50');

  await page.click('button:text("Create the draft")');
  await page.waitForSelector('h1:text("Edit the draft")');
  await page.waitForSelector('.officer-status:has-text("The draft is created.")');
  const saved = await admin.must('GET', `/officer/elections/${ID}`);
  const contest = saved.definition.contests[0];
  assert.equal(contest.budget, 100000);
  assert.deepEqual(contest.options.map((o) => [o.id, o.cost]), [['P1', 30000], ['P2', 45050], ['P3', 20000]]);
  await checkA11yEveryLanguage(page, 'editor (draft)');
  assertClean(page);
});

test('the JSON path: invalid JSON and a refused definition show their problems', async () => {
  await page.click('a:text("Paste or upload the definition JSON instead")');
  await page.waitForSelector('h1:text("Edit the draft as JSON")');
  await ready(page);
  const json = JSON.parse(await page.inputValue('#officer-json-text'));
  assert.equal(json.election, ID);
  assert.equal(json.contests[0].options.length, 3);
  await checkA11yEveryLanguage(page, 'JSON editor');

  await page.fill('#officer-json-text', '{"election": ');
  await page.click('button:text("Save the draft")');
  await page.waitForSelector('.error-summary h2:focus');
  assert.match(await page.textContent('.error-summary'), /This is not valid JSON/);

  await page.setInputFiles('#officer-json-file', {
    name: 'broken.json', mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ ...json, languages: [], contests: [] })),
  });
  await page.waitForFunction(() => document.getElementById('officer-json-text').value.includes('"languages":[]'));
  await page.click('button:text("Save the draft")');
  await page.waitForSelector('.error-summary li');
  const summary = await page.textContent('.error-summary');
  assert.match(summary, /languages: must list at least one language tag/);
  assert.match(summary, /an election needs at least one contest/);
  assert.equal(await page.getAttribute('#officer-json-text', 'aria-invalid'), 'true');
  await page.click('.error-summary li a >> nth=0');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'officer-json-text');
  await checkA11yEveryLanguage(page, 'JSON editor with problems');
  const unchanged = await admin.must('GET', `/officer/elections/${ID}`);
  assert.equal(unchanged.definition.contests.length, 1);
  assertClean(page);
});

test('import: a CSV with a bad line names the line and shows it; a good CSV replaces the projects', async () => {
  await open(page, server.url, `/officer/elections/${ID}/import`);
  await page.waitForSelector('h1:text("Import projects")');
  assert.equal(await page.inputValue('#officer-import-contest'), 'parks');
  await page.selectOption('#officer-import-format', 'csv');
  await page.setInputFiles('#officer-import-file', {
    name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('id,title,cost\nP1,Benches,100\nP2,Trees,12,000\nP3,Lights,50\n'),
  });
  await page.click('button:text("Import")');
  const refusal = await alertText(page);
  assert.match(refusal, /line 3: 4 fields, but the header row has 3/);
  assert.match(refusal, /The problem is on line 3 of the file/);
  assert.equal(await page.textContent('.officer-line--bad mark'), 'P2,Trees,12,000');
  assert.equal(await page.textContent('.officer-line--bad th'), '3');
  await checkA11yEveryLanguage(page, 'import refused');

  await page.setInputFiles('#officer-import-file', {
    name: 'projects.csv', mimeType: 'text/csv',
    buffer: Buffer.from('id,title,cost,description\nP1,New benches,300.00,"Ten benches, painted green."\nP2,Street trees,450.50,\nP3,Park lights,200,\n'),
  });
  await page.click('button:text("Import")');
  await page.waitForSelector('.notice--success:has-text("Contest parks now has 3 options from the file.")');
  const saved = await admin.must('GET', `/officer/elections/${ID}`);
  const contest = saved.definition.contests[0];
  assert.equal(contest.budget, 100000);
  assert.equal(contest.currency, 'GBP');
  assert.deepEqual(contest.options.map((o) => [o.id, o.title.en, o.cost]), [['P1', 'New benches', 30000], ['P2', 'Street trees', 45050], ['P3', 'Park lights', 20000]]);
  await checkA11yEveryLanguage(page, 'import done');
  await screenshot(page, 'officer-import');
  assertClean(page);
});

test('codes: the CSV downloads at once, with a warning that it is the only copy', async () => {
  await menu(page, 'Voting codes');
  await page.fill('#officer-codes-count', '5');
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('button:text("Make the codes")')]);
  assert.equal(file.suggestedFilename(), `${ID}-codes.csv`);
  const csv = readFileSync(await file.path(), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'code,district');
  codes = csv.slice(1).map((line) => line.split(',')[0]);
  assert.equal(codes.length, 5);
  await page.waitForSelector('.officer-codes-ready:focus');
  assert.match(await page.textContent('.officer-codes-ready'), /5 codes are ready.*This is the only copy/s);
  const [again] = await Promise.all([page.waitForEvent('download'), page.click('button:text("Download the codes again")')]);
  assert.deepEqual(readFileSync(await again.path(), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]), codes);
  await checkA11yEveryLanguage(page, 'codes made');
  assertClean(page);
});

test('a draft can be deleted after confirming', async () => {
  await admin.must('POST', '/officer/elections', {
    election: 'scratch', languages: ['en'], title: { en: 'Scratch draft' },
    contests: [{ id: 'c', kind: 'selection', format: 'approval', title: { en: 'C' }, rule: 'av', options: [{ id: 'a', title: { en: 'A' } }] }],
  });
  await open(page, server.url, '/officer/elections/scratch');
  // The confirmation in each language (a language switch redraws the page and closes
  // it, so it is opened again in each; Cancel keeps the draft).
  for (const lang of ['ar', 'pl']) {
    await page.click(`.language-switcher__button[lang="${lang}"]`);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    await page.click('.actions button.button--danger');
    await page.waitForSelector('.officer-confirm h3:focus');
    await checkA11y(page, `delete confirmation [${lang}]`);
    await page.click('.officer-confirm button:not(.button--danger)');
    await page.waitForSelector('.officer-confirm', { state: 'detached' });
  }
  await page.click('.language-switcher__button[lang="en"]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.click('button:text("Delete the draft")');
  await page.waitForSelector('.officer-confirm h3:focus');
  await checkA11y(page, 'delete confirmation [en]');
  await page.click('.officer-confirm button:text("Yes, delete it")');
  await page.waitForSelector('h1:text("All elections")');
  await ready(page);
  assert.equal(await page.$('a[href="/officer/elections/scratch"]'), null);
  assert.equal((await admin.request('GET', '/officer/elections/scratch')).status, 404);
  assertClean(page);
});

test('open: the officer confirms with the keyboard, then sees the manifest fingerprint; kiosk tokens', async () => {
  await open(page, server.url, `/officer/elections/${ID}`);
  await page.waitForSelector('h1:text("Park improvements 2027")');
  await checkA11yEveryLanguage(page, 'overview (draft)');
  await page.click('button:text("Open voting")');
  await page.waitForSelector('.officer-confirm h3:focus');
  await tabTo(page, '.officer-confirm .button--primary');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Yes, open voting');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.officer-flash:focus');
  assert.match(await page.textContent('.officer-flash'), /Voting is open/);
  const hash = await page.textContent('.officer-hash-line .officer-hash');
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.equal(hash, (await admin.must('GET', `/elections/${ID}`)).manifest_hash);
  await checkA11yEveryLanguage(page, 'overview (open)');
  await screenshot(page, 'officer-overview-open');

  await page.click('button:text("Issue a kiosk token")');
  await page.waitForSelector('.officer-token__value');
  assert.match(await page.textContent('.officer-token__value'), /^[0-9A-Z-]{10,}$/);
  await checkA11yEveryLanguage(page, 'kiosk token');
  assertClean(page);
});

test('a resident votes through the API with one of the codes', async () => {
  const base = `${server.url}/api/v1/elections/${ID}`;
  const s = await fetch(`${base}/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: codes[0] }) });
  assert.equal(s.status, 200);
  const { session } = await s.json();
  const b = await fetch(`${base}/ballot`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session}`, 'Idempotency-Key': 'officer-test-ballot-1' },
    body: JSON.stringify({ answers: { parks: { options: ['P1', 'P2'] } } }),
  });
  assert.equal(b.status, 201, await b.text());
});

test('kiosk staff see only kiosk tokens; an auditor sees the election but cannot change it', async () => {
  await admin.must('POST', '/officer/users', { username: 'kiosk-1', password: 'kiosk-1-password', role: 'kiosk-staff' });
  await admin.must('POST', '/officer/users', { username: 'auditor-1', password: 'auditor-1-password', role: 'auditor' });

  const kiosk = await officerPage();
  await open(kiosk, server.url, '/officer');
  await signIn(kiosk, 'kiosk-1', 'kiosk-1-password');
  await kiosk.waitForSelector(`.officer-card a[href="/officer/elections/${ID}"]`);
  assert.equal(await kiosk.$('a:text("Create a new election")'), null);
  await kiosk.click(`.officer-card h2 a[href="/officer/elections/${ID}"]`);
  await kiosk.waitForSelector('h1:text("Park improvements 2027")');
  await ready(kiosk);
  assert.deepEqual(await kiosk.$$eval('.officer-menu a', (as) => as.map((a) => a.textContent)), ['Overview']);
  assert.equal(await kiosk.$('button:text("Close voting")'), null);
  await kiosk.click('button:text("Issue a kiosk token")');
  await kiosk.waitForSelector('.officer-token__value');
  await checkA11yEveryLanguage(kiosk, 'overview (kiosk staff)');
  assertClean(kiosk);
  await kiosk.context().close();

  const auditor = await officerPage();
  await open(auditor, server.url, `/officer/elections/${ID}`);
  await signIn(auditor, 'auditor-1', 'auditor-1-password');
  await auditor.waitForSelector('h1:text("Park improvements 2027")');
  assert.deepEqual(await auditor.$$eval('.officer-menu a', (as) => as.map((a) => a.textContent)), ['Overview', 'Paper ballots', 'Officer log']);
  assert.match(await auditor.textContent('main'), /Your role can look at this election but not change it/);
  assert.equal(await auditor.$('button:text("Close voting")'), null);
  assert.equal(await auditor.$('button:text("Issue a kiosk token")'), null);
  await checkA11yEveryLanguage(auditor, 'overview (auditor)');
  assertClean(auditor);
  await auditor.context().close();
});

// Keys one paper ballot (batch box-1, `serial`, ticking `ticks`) and returns the outcome's text.
async function keyPaper(p, serial, ticks) {
  await p.fill('#officer-paper-batch', 'box-1');
  await p.fill('#officer-paper-serial', serial);
  for (const label of ticks) await p.check(`.officer-answers label:text-is("${label}")`);
  await p.click('button:text("Save this entry")');
  await p.waitForSelector('#officer-paper-serial:focus');
  return p.textContent('.officer-outcome');
}

test('paper ballots: two officers agree (counted); they differ (disputed); a third officer resolves it', async () => {
  for (const username of ['clerk-b', 'clerk-c']) {
    await admin.must('POST', '/officer/users', { username, password: `${username}-password-1`, role: 'officer' });
  }
  await open(page, server.url, `/officer/elections/${ID}/paper`);
  await page.waitForSelector('h1:text("Paper ballots")');
  await checkA11yEveryLanguage(page, 'paper ballots (empty)');
  assert.match(await keyPaper(page, '1', ['New benches']), /Waiting for the second entry/);

  const second = await officerPage();
  await open(second, server.url, `/officer/elections/${ID}/paper`);
  await signIn(second, 'clerk-b', 'clerk-b-password-1');
  await second.waitForSelector('h1:text("Paper ballots")');
  assert.match(await keyPaper(second, '1', ['New benches']), /Counted: both entries agree/);

  assert.match(await keyPaper(page, '2', ['New benches']), /Waiting for the second entry/);
  assert.match(await keyPaper(second, '2', ['Street trees']), /Disputed: the entries differ/);
  await checkA11yEveryLanguage(second, 'paper ballots (disputed)');

  // The first officer may not take the third look.
  await open(page, server.url, `/officer/elections/${ID}/paper`);
  await page.click('button:text("Key what the paper says")');
  await page.waitForSelector('h2:text("Third look: batch box-1, paper 2"):focus');
  await page.check('.officer-answers label:text-is("Street trees")');
  await page.click('button:text("Save the third look")');
  assert.match(await alertText(page, 'form'), /you keyed one of the two entries/);
  await page.click('form button:text("Cancel")');
  await page.waitForSelector('h2:text("Key a paper ballot"):focus');

  const third = await officerPage();
  await open(third, server.url, `/officer/elections/${ID}/paper`);
  await signIn(third, 'clerk-c', 'clerk-c-password-1');
  await third.waitForSelector('h2:text("1 disputed ballot")');
  const entries = await third.textContent('.officer-entries');
  assert.match(entries, /Entry 1, by officer.*Park projects: New benches/s);
  assert.match(entries, /Entry 2, by clerk-b.*Park projects: Street trees/s);
  await screenshot(third, 'officer-paper-disputed');
  await third.click('button:text("Key what the paper says")');
  await third.waitForSelector('h2:text("Third look: batch box-1, paper 2"):focus');
  assert.equal(await third.inputValue('#officer-paper-serial'), '2');
  await checkA11yEveryLanguage(third, 'paper ballots (third look)');
  await third.check('.officer-answers label:text-is("Street trees")');
  await third.click('button:text("Save the third look")');
  await third.waitForSelector('.officer-outcome:has-text("Counted after a third look")');
  await third.waitForSelector('h2:text("0 disputed ballots")');

  // A third paper is disputed too, and set aside as spoiled.
  assert.match(await keyPaper(page, '3', ['Park lights']), /Waiting for the second entry/);
  assert.match(await keyPaper(second, '3', ['Street trees']), /Disputed/);
  await open(third, server.url, `/officer/elections/${ID}/paper`);
  await third.click('button:text("Set aside as spoiled")');
  await third.waitForSelector('.officer-confirm h3:focus');
  await third.click('.officer-confirm button:text("Set aside as spoiled")');
  await third.waitForSelector('.officer-outcome:has-text("Set aside as spoiled")');
  const report = await third.$$eval('.officer-report tbody td', (td) => td.map((x) => x.textContent));
  assert.deepEqual(report.slice(0, 7), ['3', '2', '0', '1', '0', '1', '1'], `keyed, counted, pending, matched, disputed, resolved, spoiled: ${report}`);
  await checkA11yEveryLanguage(third, 'paper ballots (report)');

  // Ranked paper ballots are keyed with a number per option (the demo's pilots vote).
  await open(page, server.url, '/officer/elections/riverside-pilots-2026/paper');
  await page.fill('#officer-paper-batch', 'box-9');
  await page.fill('#officer-paper-serial', '1');
  await page.selectOption('.officer-answers .field:has(label:text-is("Youth services")) select', '1');
  await page.selectOption('.officer-answers .field:has(label:text-is("Library services")) select', '1');
  await page.click('button:text("Save this entry")');
  assert.match(await alertText(page, 'form'), /Choose 2 of 7 services to pilot: two options have the same number/);
  await page.selectOption('.officer-answers .field:has(label:text-is("Library services")) select', '2');
  await checkA11yEveryLanguage(page, 'paper ballots (ranked)');
  await page.click('button:text("Save this entry")');
  await page.waitForSelector('.officer-outcome:has-text("Waiting for the second entry")');

  for (const p of [second, third]) {
    assertClean(p);
    await p.context().close();
  }
  assertClean(page);
});

test('close, compare the rules, preview one, count with a public seed, check the result, publish', async () => {
  await open(page, server.url, `/officer/elections/${ID}`);
  await page.click('button:text("Close voting")');
  await page.click('.officer-confirm button:text("Yes, close voting")');
  await page.waitForSelector('.officer-flash:focus');
  assert.match(await page.textContent('main'), /Choose the seed in public after voting has closed, for example the numbers of a public lottery draw/);
  await checkA11yEveryLanguage(page, 'overview (closed)');

  await menu(page, 'Compare rules');
  assert.match(await page.textContent('main'), /the official result always uses the fixed rule/);
  await page.selectOption('#officer-compare-contest', 'parks');
  await page.fill('#officer-compare-seed', 'rehearsal seed');
  await page.click('button:text("Compare")');
  await page.waitForSelector('table.officer-compare');
  assert.match(page.url(), /\/compare\?contest=parks&seed=rehearsal\+seed$/);
  const rules = await page.$$eval('table.officer-compare tbody th', (th) => th.map((x) => x.textContent));
  assert.ok(rules.length >= 5, rules.join('\n'));
  assert.ok(rules.some((r) => /Equal Shares with completion \(mes-add1\)official/.test(r)), rules.join('\n'));
  assert.match(await page.textContent('caption:has-text("Outcome and fairness")'), /\(3 ballots\)/);
  await checkA11yEveryLanguage(page, 'compare rules');
  await screenshot(page, 'officer-compare');

  await page.selectOption('#officer-preview-rule', 'greedy');
  await page.click('button:text("Preview")');
  await page.waitForSelector('.officer-tally h3:focus');
  assert.match(await page.textContent('.officer-tally'), /Rule: Most votes first/);
  await checkA11yEveryLanguage(page, 'rule preview');

  await page.goBack(); // the address held the contest and the seed: Back leaves the comparison
  await page.waitForURL(/\/compare$/);
  await ready(page);
  assert.equal(await page.$('table.officer-compare'), null);
  await menu(page, 'Overview');
  await page.fill('#officer-seed', 'lottery 2027-01-05: 4 17 23 31 42');
  await page.click('button:text("Count the votes")');
  await page.waitForSelector('.officer-flash:focus');
  await checkA11yEveryLanguage(page, 'overview (tallied)');

  await menu(page, 'Result');
  assert.match(await page.textContent('main'), /Not published yet/);
  assert.match(await page.textContent('.officer-facts'), /lottery 2027-01-05: 4 17 23 31 42/);
  assert.ok(await page.$('.officer-tally table'));
  await checkA11yEveryLanguage(page, 'result before publishing');
  await screenshot(page, 'officer-result');

  await menu(page, 'Overview');
  await page.click('button:text("Publish the result")');
  await page.click('.officer-confirm button:text("Yes, publish")');
  await page.waitForSelector('.officer-flash:has-text("The result is published.")');
  await checkA11yEveryLanguage(page, 'overview (published)');
  const published = await fetch(`${server.url}/api/v1/elections/${ID}/result`);
  assert.equal(published.status, 200);
  assert.equal((await published.json()).seed, 'lottery 2027-01-05: 4 17 23 31 42');
  assertClean(page);
});

test('the officer log lists every action, newest first, with who did it', async () => {
  await menu(page, 'Officer log');
  const rows = await page.$$eval('.officer-log tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.match(rows[0][3], /^Result published/);
  assert.match(rows[rows.length - 1][3], /^Draft created/);
  const actions = rows.map((r) => r[3]);
  for (const what of ['Voting opened', 'Voting codes made', 'Kiosk token issued', 'Paper ballot disputed', 'Paper ballot resolved', 'Voting closed', 'Votes counted']) {
    assert.ok(actions.some((a) => a.startsWith(what)), `${what} is missing from ${actions}`);
  }
  const actors = new Set(rows.map((r) => r[2]));
  assert.deepEqual([...actors].sort(), ['clerk-b', 'clerk-c', 'kiosk-1', 'officer']);
  await checkA11yEveryLanguage(page, 'officer log');
  await screenshot(page, 'officer-log');
  assertClean(page);
});
