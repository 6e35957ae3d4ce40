// The voter's pages (/vote): choosing a vote, the voting code and its errors, a
// whole vote in each ballot format ending on the receipt (checked through the API),
// a keyboard-only vote, a retry after a lost answer with the same Idempotency-Key,
// the warning on leaving a half-filled ballot, Arabic (right to left) and Polish,
// a 360 px phone and 200% zoom, and axe in every step in every language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startServer, launchBrowser, newPage, open, checkA11yEveryLanguage, assertClean, screenshot, tabTo, Officer,
} from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const BUDGET = 'riverside-budget-2026';
const PILOTS = 'riverside-pilots-2026';
const POINTS = JSON.parse(readFileSync(path.join(here, 'fixtures/voter-cumulative.json'), 'utf8'));

let server;
let browser;
const codes = {}; // unused codes: budget-north, budget-south, pilots, points-east
let usedCode = null; // a code that has voted (from the first test)
let officer;

const take = (list) => {
  assert.ok(codes[list].length > 0, `no unused ${list} code left`);
  return codes[list].shift();
};

before(async () => {
  server = await startServer({ ballots: 0 });
  browser = await launchBrowser();
  const [budget, pilots] = server.demo.elections;
  codes['budget-north'] = budget.codes.filter((c) => c.district === 'north').map((c) => c.code);
  codes['budget-south'] = budget.codes.filter((c) => c.district === 'south').map((c) => c.code);
  codes.pilots = pilots.codes.map((c) => c.code);
  // A third election with a cumulative contest (the demo has none) and a ward
  // contest answered by approval with at most 2 choices.
  officer = await Officer.signIn(server.url, server.demo.officer);
  await officer.must('POST', '/officer/elections', POINTS);
  const csv = await officer.must('POST', `/officer/elections/${POINTS.election}/codes`, { count: 3, district: 'east' });
  codes['points-east'] = csv.trim().split('\n').slice(1).map((line) => line.split(',')[0]);
  await officer.must('POST', `/officer/elections/${POINTS.election}/open`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// ---- helpers ----------------------------------------------------------------------------

async function api(route) {
  const r = await fetch(`${server.url}/api/v1${route}`);
  return { status: r.status, body: await r.json() };
}

async function assertReceiptKnown(election, leaf) {
  const r = await api(`/elections/${election}/receipts/${leaf}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(['pending', 'included'].includes(r.body.status), `receipt status ${r.body.status}`);
  assert.equal(r.body.leaf, leaf);
}

async function enterCode(page, election, code) {
  await open(page, server.url, `/vote/${election}`);
  await page.fill('#vote-code', code);
  await page.click('.vote-continue');
  await page.waitForSelector('.ballot-contest');
}

async function toReview(page) {
  await page.click('.ballot-to-review');
  await page.waitForSelector('.ballot-cast');
}

// Casts, waits for the receipt, returns {code, leaf, body (the request's answers), key}.
async function cast(page, election) {
  const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/elections/${election}/ballot`));
  await page.click('.ballot-cast');
  const sent = await request;
  await page.waitForSelector('.ballot-receipt__code');
  return {
    code: (await page.textContent('.ballot-receipt__code')).trim(),
    leaf: (await page.textContent('.ballot-receipt__leaf')).trim(),
    answers: JSON.parse(sent.postData()).answers,
    key: sent.headers()['idempotency-key'],
  };
}

const texts = (page, selector) => page.$$eval(selector, (els) => els.map((e) => e.textContent.trim()));
// Waits until the live region says something starting with `start`.
const announced = (page, start) => page.waitForFunction(
  (text) => document.getElementById('announcer').textContent.startsWith(text), start);
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return { tag: el.tagName, id: el.id, focus: el.dataset.focus || '', cls: el.className };
});

async function noSidewaysScroll(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${label}: the page is ${overflow}px wider than the window`);
}

// ---- tests --------------------------------------------------------------------------------

test('approval budget vote: meter, options that do not fit, review, receipt checked through the API', async () => {
  const page = await newPage(browser);
  await open(page, server.url, '/vote');
  assert.equal(await page.textContent('h1'), 'Choose a vote');
  const links = await page.$$eval('main a[href^="/vote/"]', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links.sort(), [`/vote/${BUDGET}`, `/vote/${PILOTS}`, `/vote/${POINTS.election}`]);
  await checkA11yEveryLanguage(page, 'voter: choose a vote');
  await screenshot(page, 'voter-choose-election');

  await page.click(`a[href="/vote/${BUDGET}"]`);
  await page.waitForSelector('#vote-code');
  assert.equal(await page.textContent('h1'), 'Enter your voting code');
  assert.equal(await page.getAttribute('#vote-code', 'autocomplete'), 'off');
  assert.match(await page.textContent('#vote-code-hint'), /14 letters and numbers/);
  await checkA11yEveryLanguage(page, 'voter: code entry');
  await screenshot(page, 'voter-code');

  const code = take('budget-north');
  usedCode = code;
  await page.fill('#vote-code', ` ${code.toLowerCase().replace(/-/g, ' ')} `); // forgiving: any case, spaces
  await page.click('.vote-continue');
  await page.waitForSelector('.ballot-contest');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
  assert.deepEqual(await texts(page, '.ballot-contest__title'), ['Projects for the whole borough', 'Projects for the North ward']);
  assert.match(await page.textContent('#ballot-rules-borough'), /Spend up to £150,000\./);
  await checkA11yEveryLanguage(page, 'voter: approval ballot');
  await screenshot(page, 'voter-ballot-approval');

  const status = (id) => page.textContent(`section:has(#ballot-contest-${id}) .ballot-status__text`);
  const option = (id) => `input[value="${id}"]`;
  await page.check(option('B04')); // £60,000
  assert.equal(await status('borough'), '£60,000 spent of £150,000. £90,000 left.');
  await announced(page, 'Chosen: Protected cycle lane on the High Street. £90,000 left.');
  await page.check(option('B01')); // £45,000
  await page.check(option('B07')); // £35,000 -> £140,000, £10,000 left
  assert.equal(await status('borough'), '£140,000 spent of £150,000. £10,000 left.');
  assert.equal(await page.isDisabled(option('B02')), true, 'B02 (£28,000) does not fit in £10,000');
  const reasonB02 = await page.$eval(option('B02'), (el) => document.getElementById(el.getAttribute('aria-describedby').split(' ').pop()).textContent);
  assert.equal(reasonB02, 'Does not fit: £10,000 left.');
  assert.equal(await page.isDisabled(option('B05')), false, 'B05 (£9,000) fits');
  const width = await page.$eval('section:has(#ballot-contest-borough) .meter__fill', (el) => parseFloat(el.style.width));
  assert.ok(Math.abs(width - (140000 / 150000) * 100) < 0.01, `meter at ${width}%`);
  await page.uncheck(option('B07'));
  assert.equal(await page.isDisabled(option('B02')), false, 'B02 fits again once B07 is unticked');
  assert.equal(await page.isHidden(`section:has(#ballot-contest-borough) li:has(${option('B02')}) .ballot-option__reason`), true);
  await page.check(option('B05')); // £114,000 in all
  await page.check(option('N3')); // £20,000
  await page.check(option('N1')); // £15,000 -> £5,000 left
  assert.equal(await page.isDisabled(option('N2')), true);
  assert.equal(await page.isDisabled(option('N4')), true);
  assert.equal(await page.isDisabled(option('N5')), true);
  await checkA11yEveryLanguage(page, 'voter: approval ballot with options that do not fit');
  await screenshot(page, 'voter-ballot-approval-filled');

  await toReview(page);
  assert.equal(await page.textContent('h1'), 'Check your choices');
  assert.deepEqual(await texts(page, '.ballot-review__total'), ['Total: £114,000 of £150,000', 'Total: £35,000 of £40,000']);
  assert.deepEqual(await texts(page, 'section:has(#ballot-review-north) li'), ['Pond restoration in North Green £15,000', 'Resurface Mill Lane £20,000']);
  await checkA11yEveryLanguage(page, 'voter: review');
  await screenshot(page, 'voter-review');

  // "Change" goes back to that contest with every choice kept.
  await page.click('section:has(#ballot-review-north) .ballot-change');
  await page.waitForSelector('.ballot-contest');
  assert.equal((await focused(page)).id, 'ballot-contest-north');
  assert.equal(await page.isChecked(option('N3')), true);
  await toReview(page);

  const receipt = await cast(page, BUDGET);
  assert.deepEqual(receipt.answers, { borough: { options: ['B01', 'B04', 'B05'] }, north: { options: ['N1', 'N3'] } });
  assert.match(receipt.key, /^[0-9a-f]{32}$/);
  assert.equal(await page.textContent('h1'), 'Your vote has been counted');
  assert.match(receipt.code, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  assert.match(receipt.leaf, /^[0-9a-f]{64}$/);
  assert.equal(await page.getAttribute('.ballot-check-link', 'href'), `/audit/${BUDGET}?leaf=${receipt.leaf}`);
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('.ballot-download')]);
  const saved = JSON.parse(readFileSync(await file.path(), 'utf8'));
  assert.equal(saved.receipt_code, receipt.code);
  assert.equal(saved.receipt.allot, 'receipt/2');
  assert.equal(saved.receipt.leaf, receipt.leaf);
  await assertReceiptKnown(BUDGET, receipt.leaf);
  await checkA11yEveryLanguage(page, 'voter: receipt');
  await screenshot(page, 'voter-receipt');

  // The ballot is gone from memory: leaving asks nothing.
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.type()); d.dismiss(); });
  await page.click('.site-name');
  await page.waitForURL(`${server.url}/`);
  assert.deepEqual(dialogs, []);
  assertClean(page);
  await page.context().close();
});

test('ranked vote: add, move up and down with the keyboard, remove; the order is what is cast', async () => {
  const page = await newPage(browser);
  await enterCode(page, PILOTS, take('pilots'));
  const rules = await page.textContent('#ballot-rules-pilots');
  assert.match(rules, /Rank at least 1\./);
  assert.match(rules, /Number 1 is your first choice\./);
  assert.match(rules, /2 will be chosen\./);
  await checkA11yEveryLanguage(page, 'voter: ranked ballot');

  await page.click('[data-focus="add:youth"]');
  await page.click('[data-focus="add:care"]');
  await page.click('[data-focus="add:repairs"]');
  assert.deepEqual(await texts(page, '.ballot-ranking__title'), ['Youth services', 'Help at home for older people', 'Council home repairs']);
  await announced(page, 'Council home repairs is now number 3 of 3. You have ranked 3.');
  assert.equal(await page.$('[data-focus="add:youth"]'), null, 'a ranked option cannot be added twice');

  await page.focus('[data-focus="up:repairs"]');
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).focus, 'up:repairs', 'the focus follows the moved option');
  await announced(page, 'Council home repairs is now number 2 of 3.');
  await page.keyboard.press('Enter');
  await announced(page, 'Council home repairs is now number 1 of 3.');
  assert.equal(await page.getAttribute('[data-focus="up:repairs"]', 'aria-disabled'), 'true');
  await page.keyboard.press('Enter'); // already first: nothing moves
  assert.deepEqual(await texts(page, '.ballot-ranking__title'), ['Council home repairs', 'Youth services', 'Help at home for older people']);
  await page.focus('[data-focus="down:youth"]');
  await page.keyboard.press('Space');
  assert.deepEqual(await texts(page, '.ballot-ranking__title'), ['Council home repairs', 'Help at home for older people', 'Youth services']);
  await page.click('[data-focus="remove:care"]');
  assert.deepEqual(await texts(page, '.ballot-ranking__title'), ['Council home repairs', 'Youth services']);
  assert.deepEqual(await texts(page, '.ballot-ranking__rank'), ['1', '2']);
  assert.equal((await focused(page)).focus, 'remove:youth');
  await checkA11yEveryLanguage(page, 'voter: ranked ballot with an order');
  await screenshot(page, 'voter-ballot-ranked');

  await toReview(page);
  assert.deepEqual(await texts(page, 'ol.ballot-review__list li'), ['Council home repairs', 'Youth services']);
  const receipt = await cast(page, PILOTS);
  assert.deepEqual(receipt.answers, { pilots: { options: ['repairs', 'youth'] } });
  await assertReceiptKnown(PILOTS, receipt.leaf);
  assertClean(page);
  await page.context().close();
});

test('cumulative vote: points with − and +, limits enforced, unfinished questions explained', async () => {
  const page = await newPage(browser);
  await enterCode(page, POINTS.election, take('points-east'));
  const rules = await page.textContent('#ballot-rules-points');
  assert.match(rules, /Give up to 10 points in all\./);
  assert.match(rules, /Give at least 1 point in all\./);
  assert.match(rules, /Give at most 3 points to one project\./);
  assert.match(await page.textContent('#ballot-rules-east-board'), /Choose up to 2 options\./);

  // Nothing given yet: the points contest is not finished, the ward contest may stay empty.
  await page.click('.ballot-to-review');
  await page.waitForSelector('.error-summary');
  assert.equal((await focused(page)).cls, 'error-summary');
  assert.deepEqual(await texts(page, '.error-summary li'), ['Projects for the harbour: Give at least 1 point in all.']);
  assert.equal(await page.isVisible('#ballot-error-points'), true);
  assert.equal(await page.isVisible('#ballot-error-east-board'), false);
  await checkA11yEveryLanguage(page, 'voter: unfinished questions');
  await screenshot(page, 'voter-ballot-incomplete');

  const plus = (id) => `[data-option="${id}"][data-delta="1"]`;
  const minus = (id) => `[data-option="${id}"][data-delta="-1"]`;
  const points = (id) => page.$eval(`li:has(${plus(id)}) input[type="number"]`, (el) => Number(el.value));
  for (let i = 0; i < 3; i += 1) await page.click(plus('h1'));
  assert.equal(await points('h1'), 3);
  assert.equal(await page.getAttribute(plus('h1'), 'aria-disabled'), 'true', 'at most 3 points for one project');
  await page.focus(plus('h1'));
  await page.keyboard.press('Enter'); // a dimmed button says why instead
  await announced(page, 'At most 3 points for one option.');
  assert.equal(await points('h1'), 3);
  assert.equal(await page.isVisible('#ballot-error-points'), false, 'the contest is finished now');
  const input = `li:has(${plus('h2')}) input[type="number"]`;
  await page.fill(input, '9');
  await page.press(input, 'Tab');
  assert.equal(await points('h2'), 3, 'typing more than allowed gives the most allowed');
  assert.match(await page.textContent(`li:has(${plus('h2')}) .ballot-option__reason`), /at most 3 points now/);
  await page.click(plus('h3'));
  await page.click(plus('h3'));
  await page.click(plus('h3'));
  await page.click(plus('h4'));
  assert.equal(await page.textContent('section:has(#ballot-contest-points) .ballot-status__text'), 'You have given 10 of 10 points. 0 points left.');
  assert.equal(await page.getAttribute(plus('h4'), 'aria-disabled'), 'true', 'no points left');
  await page.click(minus('h2'));
  assert.equal(await points('h2'), 2);
  await announced(page, 'Fishing pier: 2 points. 1 point left.');

  await page.check('input[value="e1"]');
  await page.check('input[value="e2"]');
  assert.equal(await page.isDisabled('input[value="e3"]'), true);
  assert.match(await page.textContent('li:has(input[value="e3"]) .ballot-option__reason'), /already chosen 2, the most you can/);
  await checkA11yEveryLanguage(page, 'voter: cumulative ballot filled');
  await screenshot(page, 'voter-ballot-cumulative');

  await toReview(page);
  assert.deepEqual(await texts(page, '.ballot-review__total'), ['Total: 9 of 10 points']);
  const receipt = await cast(page, POINTS.election);
  assert.deepEqual(receipt.answers, {
    points: { options: ['h1', 'h2', 'h3', 'h4'], points: [3, 2, 3, 1] },
    'east-board': { options: ['e1', 'e2'] },
  });
  await assertReceiptKnown(POINTS.election, receipt.leaf);
  assertClean(page);
  await page.context().close();
});

test('a whole vote with the keyboard only (Tab, Space, Enter)', async () => {
  const page = await newPage(browser);
  await open(page, server.url, `/vote/${POINTS.election}`);
  await tabTo(page, '#vote-code');
  await page.keyboard.type(take('points-east'));
  await page.keyboard.press('Enter');
  await page.waitForSelector('.ballot-contest');
  assert.equal((await focused(page)).tag, 'H1');
  await tabTo(page, '[data-option="h3"][data-delta="1"]');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Space');
  await tabTo(page, 'input[value="e2"]');
  await page.keyboard.press('Space');
  await tabTo(page, '.ballot-to-review');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.ballot-cast');
  assert.equal((await focused(page)).tag, 'H1');
  const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/ballot'));
  await tabTo(page, '.ballot-cast');
  await page.keyboard.press('Enter');
  const answers = JSON.parse((await request).postData()).answers;
  assert.deepEqual(answers, { points: { options: ['h3'], points: [2] }, 'east-board': { options: ['e2'] } });
  await page.waitForSelector('.ballot-receipt__code');
  assert.equal((await focused(page)).tag, 'H1');
  await tabTo(page, '.ballot-download');
  await tabTo(page, '.ballot-check-link');
  assertClean(page);
  await page.context().close();
});

test('code errors: wrong length, a typing mistake, an unknown code, too many attempts, offline, already used', async () => {
  const page = await newPage(browser, { allow: [/status of 4\d\d/, /ERR_INTERNET_DISCONNECTED/] });
  const sessions = [];
  page.on('request', (r) => { if (r.url().endsWith('/session')) sessions.push(r.postData()); });
  await open(page, server.url, `/vote/${BUDGET}`);
  const tryCode = async (code, expected) => {
    await page.fill('#vote-code', code);
    await page.click('.vote-continue');
    await page.waitForFunction((text) => document.getElementById('vote-code-error')?.textContent === text, expected);
    assert.equal(await page.getAttribute('#vote-code', 'aria-invalid'), 'true');
    assert.equal(await page.getAttribute('#vote-code', 'aria-describedby'), 'vote-code-hint vote-code-error');
    assert.equal((await focused(page)).cls, 'error-summary');
    assert.equal(await page.textContent('.error-summary a'), expected);
  };
  await tryCode('abc-12', 'A voting code has 14 letters and numbers. You typed 5.');
  assert.deepEqual(sessions, [], 'a code of the wrong length is not sent');
  await checkA11yEveryLanguage(page, 'voter: code error');
  await screenshot(page, 'voter-code-error');

  const real = codes['budget-south'][0];
  const last = real.slice(-1);
  await tryCode(real.slice(0, -1) + (last === '7' ? '8' : '7'), 'This code has a typing mistake. Check each letter and number against your letter.');
  assert.equal(JSON.parse(sessions.at(-1)).code, (real.slice(0, -1) + (last === '7' ? '8' : '7')).replace(/-/g, ''));
  await tryCode(codes.pilots[0], 'We cannot find this code. Check that you typed it as it is on your letter, and that it is for this vote.');

  await page.route('**/session', (route) => route.fulfill({
    status: 429, headers: { 'Retry-After': '42' }, contentType: 'application/json',
    body: JSON.stringify({ error: 'rate_limited', message: 'too many codes', retry_after: 42 }),
  }));
  await tryCode(real, 'Too many codes that do not work were tried. Please wait 42 seconds, then try again.');
  await page.unroute('**/session');
  await page.route('**/session', (route) => route.abort('internetdisconnected'));
  await tryCode(real, 'You are not connected to the internet. Check your connection and try again.');
  await page.unroute('**/session');

  assert.ok(usedCode, 'the first test voted');
  await tryCode(usedCode, 'This code has already been used to vote. Each code can vote only once. If you did not vote with it, ask for help.');
  await checkA11yEveryLanguage(page, 'voter: code already used');
  assertClean(page);
  await page.context().close();
});

test('a lost answer while casting: Try again resends with the same Idempotency-Key, one ballot stored', async () => {
  const page = await newPage(browser, { allow: [/ERR_INTERNET_DISCONNECTED/] });
  await enterCode(page, BUDGET, take('budget-north'));
  await page.check('input[value="B03"]');
  await toReview(page);
  const before = (await api(`/elections/${BUDGET}/turnout`)).body.ballots;
  const keys = [];
  const statuses = [];
  await page.route(`**/api/v1/elections/${BUDGET}/ballot`, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length === 1) {
      const response = await route.fetch(); // the ballot reaches the server...
      statuses.push(response.status());
      return route.abort('internetdisconnected'); // ...but the answer is lost
    }
    return route.continue();
  });
  await page.click('.ballot-cast');
  await page.waitForSelector('.ballot-cast-error');
  assert.equal((await focused(page)).cls.includes('ballot-cast-error'), true);
  assert.match(await page.textContent('.ballot-cast-error'), /connection was lost/);
  assert.equal((await api(`/elections/${BUDGET}/turnout`)).body.ballots, before + 1, 'the first attempt was stored');
  await checkA11yEveryLanguage(page, 'voter: cast failed');
  await screenshot(page, 'voter-cast-error');

  const retried = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/ballot'));
  await page.click('.ballot-retry');
  statuses.push((await retried).status());
  await page.waitForSelector('.ballot-receipt__code');
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'the retry reuses the Idempotency-Key');
  assert.deepEqual(statuses, [201, 200], 'the server answers the retry with the stored receipt');
  assert.equal((await api(`/elections/${BUDGET}/turnout`)).body.ballots, before + 1, 'exactly one ballot');
  await assertReceiptKnown(BUDGET, (await page.textContent('.ballot-receipt__leaf')).trim());
  assertClean(page);
  await page.context().close();
});

test('a session that ran out asks for the code again and keeps every choice', async () => {
  const page = await newPage(browser, { allow: [/status of 401/] });
  const code = take('pilots');
  await enterCode(page, PILOTS, code);
  await page.click('[data-focus="add:care"]');
  await page.click('[data-focus="add:waste"]');
  await toReview(page);
  await page.route(`**/api/v1/elections/${PILOTS}/ballot`, (route) => (route.request().method() === 'POST'
    ? route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: 'session_required', message: 'no session' }) })
    : route.continue()));
  await page.click('.ballot-cast');
  await page.waitForSelector('#vote-code');
  assert.equal(await page.textContent('.vote-notice'), 'Your time to vote ran out. Enter your code again: your choices are kept.');
  assert.equal(await page.inputValue('#vote-code'), '', 'the code is not kept after it was exchanged');
  assert.equal((await focused(page)).tag, 'H1');
  await checkA11yEveryLanguage(page, 'voter: session ran out');
  await page.unroute(`**/api/v1/elections/${PILOTS}/ballot`);
  await page.fill('#vote-code', code);
  await page.click('.vote-continue');
  await page.waitForSelector('.ballot-cast');
  assert.deepEqual(await texts(page, 'ol.ballot-review__list li'), ['Help at home for older people', 'Bulky waste collection']);
  const receipt = await cast(page, PILOTS);
  assert.deepEqual(receipt.answers, { pilots: { options: ['care', 'waste'] } });
  await assertReceiptKnown(PILOTS, receipt.leaf);
  assertClean(page);
  await page.context().close();
});

test('leaving a half-filled ballot warns (in-site link and closing the tab)', async () => {
  const page = await newPage(browser);
  await enterCode(page, PILOTS, take('pilots'));
  await page.click('[data-focus="add:waste"]');
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push({ type: d.type(), message: d.message() });
    return d.type() === 'beforeunload' ? d.accept() : d.dismiss();
  });
  await page.click('.site-name');
  assert.equal(dialogs.length, 1);
  assert.equal(dialogs[0].type, 'confirm');
  assert.equal(dialogs[0].message, 'If you leave this page, your choices will be lost and your vote will not be cast.');
  assert.equal(new URL(page.url()).pathname, `/vote/${PILOTS}`, 'answering "stay" keeps the ballot');
  assert.deepEqual(await texts(page, '.ballot-ranking__title'), ['Bulky waste collection']);
  assertClean(page);
  const closed = new Promise((resolve) => page.once('close', resolve));
  await page.close({ runBeforeUnload: true });
  await closed;
  assert.equal(dialogs.length, 2);
  assert.equal(dialogs[1].type, 'beforeunload', 'closing the tab asks first');
  await page.context().close();
});

test('a vote in Arabic, right to left, with English fallbacks marked', async () => {
  const page = await newPage(browser);
  await open(page, server.url, `/vote/${BUDGET}`);
  await page.click('.language-switcher__button[lang="ar"]');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  assert.equal(await page.textContent('h1'), 'أدخل رمز التصويت');
  await page.fill('#vote-code', take('budget-south'));
  await page.click('.vote-continue');
  await page.waitForSelector('.ballot-contest');
  assert.equal(await page.textContent('h1'), 'ورقة اقتراعك');
  assert.deepEqual(await texts(page, '.ballot-contest__title'), ['مشاريع للحي بأكمله', 'مشاريع للدائرة الجنوبية']);
  // Option descriptions exist in English only: shown as English, left to right.
  assert.equal(await page.getAttribute('section:has(#ballot-contest-borough) .ballot-option__description', 'lang'), 'en');
  assert.equal(await page.getAttribute('section:has(#ballot-contest-borough) .ballot-option__description', 'dir'), 'ltr');
  assert.equal(await page.getAttribute('section:has(#ballot-contest-south) .ballot-contest__description', 'lang'), 'en');
  assert.equal(await page.$('section:has(#ballot-contest-borough) .ballot-option__title[lang]'), null, 'titles are in Arabic');
  await page.check('input[value="S2"]');
  assert.match(await page.textContent('section:has(#ballot-contest-south) .ballot-status__text'), /المتبقي/);
  await noSidewaysScroll(page, 'Arabic ballot');
  await screenshot(page, 'voter-ballot-ar');
  await toReview(page);
  assert.equal(await page.textContent('h1'), 'راجع اختياراتك');
  await screenshot(page, 'voter-review-ar');
  const receipt = await cast(page, BUDGET);
  assert.deepEqual(receipt.answers, { borough: { options: [] }, south: { options: ['S2'] } });
  assert.equal(await page.textContent('h1'), 'تم احتساب صوتك');
  assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
  await screenshot(page, 'voter-receipt-ar');
  await assertReceiptKnown(BUDGET, receipt.leaf);
  assertClean(page);
  await page.context().close();
});

test('a vote in Polish; switching language keeps the step and every choice', async () => {
  const page = await newPage(browser);
  await enterCode(page, PILOTS, take('pilots'));
  await page.click('[data-focus="add:libraries"]');
  await page.click('[data-focus="add:advice"]');
  await page.click('.language-switcher__button[lang="pl"]');
  await page.waitForFunction(() => document.documentElement.lang === 'pl');
  assert.equal(await page.textContent('h1'), 'Twoja karta do głosowania');
  assert.deepEqual(await texts(page, '.ballot-ranking__title'), ['Usługi bibliotek', 'Porady finansowe i socjalne']);
  assert.match(await page.textContent('#ballot-rules-pilots'), /Uszereguj co najmniej 1 pozycję\./);
  await screenshot(page, 'voter-ballot-pl');
  await toReview(page);
  assert.equal(await page.textContent('h1'), 'Sprawdź swoje wybory');
  await page.click('.language-switcher__button[lang="en"]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await page.textContent('h1'), 'Check your choices');
  await page.click('.language-switcher__button[lang="pl"]');
  await page.waitForFunction(() => document.documentElement.lang === 'pl');
  assert.deepEqual(await texts(page, 'ol.ballot-review__list li'), ['Usługi bibliotek', 'Porady finansowe i socjalne']);
  const receipt = await cast(page, PILOTS);
  assert.deepEqual(receipt.answers, { pilots: { options: ['libraries', 'advice'] } });
  assert.equal(await page.textContent('h1'), 'Twój głos został policzony');
  await screenshot(page, 'voter-receipt-pl');
  await assertReceiptKnown(PILOTS, receipt.leaf);
  assertClean(page);
  await page.context().close();
});

test('a printed link brings the code: prefilled, not kept in the address, Continue still needed', async () => {
  const page = await newPage(browser);
  const code = take('budget-north');
  await open(page, server.url, `/vote/${BUDGET}?code=${encodeURIComponent(code)}`);
  assert.equal(await page.inputValue('#vote-code'), code);
  assert.equal(new URL(page.url()).search, '', 'the code is taken out of the address');
  assert.equal(await page.$('.ballot-contest'), null, 'nothing happens before Continue');
  await page.click('.vote-continue');
  await page.waitForSelector('.ballot-contest');
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.ok(!stored.includes(code.slice(0, 5)), 'the code is not stored in the browser');
  assertClean(page);
  await page.context().close();
});

test('every step fits a 360 px phone and 200% zoom without sideways scrolling', async () => {
  const page = await newPage(browser, { viewport: { width: 360, height: 740 } });
  const sizes = [{ width: 360, height: 740 }, { width: 640, height: 450 }]; // 1280 x 900 at 200%
  const fits = async (label) => {
    for (const size of sizes) {
      await page.setViewportSize(size);
      await noSidewaysScroll(page, `${label} at ${size.width}px`);
    }
    await page.setViewportSize(sizes[0]);
  };
  await open(page, server.url, '/vote');
  await fits('choose a vote');
  await enterCode(page, PILOTS, take('pilots'));
  await page.click('[data-focus="add:parking"]');
  await page.click('[data-focus="add:repairs"]');
  await fits('ranked ballot');
  await screenshot(page, 'voter-ballot-ranked-360');
  await open(page, server.url, `/vote/${BUDGET}`);
  await fits('code entry');
  await screenshot(page, 'voter-code-360');
  await page.fill('#vote-code', take('budget-north'));
  await page.click('.vote-continue');
  await page.waitForSelector('.ballot-contest');
  await page.check('input[value="B04"]');
  await page.check('input[value="B12"]');
  await page.check('input[value="B01"]');
  await fits('approval ballot');
  await screenshot(page, 'voter-ballot-approval-360');
  await toReview(page);
  await fits('review');
  await screenshot(page, 'voter-review-360');
  await cast(page, BUDGET);
  await fits('receipt');
  await screenshot(page, 'voter-receipt-360');
  assertClean(page);
  await page.context().close();
});

test('an unknown vote and a closed vote say so, with a way on', async () => {
  const page = await newPage(browser, { allow: [/status of 404/] });
  await open(page, server.url, '/vote/no-such-vote');
  assert.equal(await page.textContent('h1'), 'Page not found');
  assert.ok(await page.$('main a[href="/vote"]'));
  await checkA11yEveryLanguage(page, 'voter: unknown vote');
  await officer.must('POST', `/officer/elections/${POINTS.election}/close`);
  await open(page, server.url, `/vote/${POINTS.election}`);
  assert.equal(await page.textContent('h1'), 'Voting is not open');
  assert.equal(await page.$('#vote-code'), null);
  await checkA11yEveryLanguage(page, 'voter: vote closed');
  assertClean(page);
  await page.context().close();
});
