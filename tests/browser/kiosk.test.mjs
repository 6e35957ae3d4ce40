// Kiosk mode: staff sign in and set up a kiosk; residents vote one after another
// and the page resets after each; with the network gone the kiosk keeps taking
// ballots and sends them when it is back, none lost and none doubled (also when an
// answer is lost on the way back); inactivity clears a half-filled ballot; the page
// reloads without network; accessibility of every screen in every language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, open, notBusy, checkA11y, checkA11yEveryLanguage, assertClean, screenshot, Officer } from './harness.mjs';

const BUDGET = 'riverside-budget-2026';
let server;
let browser;

before(async () => {
  server = await startServer({ ballots: 0 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function ballotsStored() {
  const r = await fetch(`${server.url}/api/v1/elections/${BUDGET}/turnout`);
  const body = await r.json();
  return typeof body.ballots === 'number' ? body.ballots : body.ballots.total;
}

// A kiosk page set up for the budget vote in the north ward, on the welcome screen.
async function setUpKiosk(name, options = {}) {
  const page = await newPage(browser, { ...options, allow: [...(options.allow || []), /status of 401/] });
  if (options.clock) await page.clock.install();
  await open(page, server.url, '/kiosk');
  await page.waitForSelector('input[autocomplete="username"]');
  await page.fill('input[autocomplete="username"]', server.demo.officer.username);
  await page.fill('input[autocomplete="current-password"]', server.demo.officer.password);
  await page.click('button[type="submit"]');
  await page.waitForSelector('h1:text("Set up this kiosk")');
  await page.selectOption('select >> nth=0', BUDGET);
  await page.waitForSelector('option[value="north"]', { state: 'attached' });
  await page.fill('input[maxlength="80"]', name);
  await page.selectOption('select >> nth=1', 'north');
  await page.click('button[type="submit"]');
  await page.waitForSelector('.kiosk-start');
  return page;
}

// One resident's vote from the welcome screen: the north ward's ballot.
async function voteOnce(page, project = 'B03') {
  await page.click('.kiosk-start');
  await page.waitForSelector('.ballot-contest');
  await page.check(`input[value="${project}"]`);
  await page.click('.ballot-to-review');
  await page.waitForSelector('.ballot-cast');
  await page.click('.ballot-cast');
  await page.waitForSelector('h1:text("Thank you for voting")');
}

async function backToWelcome(page) {
  await page.click('button:text("Finish")');
  await page.waitForSelector('.kiosk-start');
}

// The set-up form loads the districts again whenever the election is chosen again;
// a district already picked must stay picked (a late answer once reset it, and the
// kiosk was registered without its ward).
test('a district picked while the election loads again stays picked', async () => {
  const page = await newPage(browser, { allow: [/status of 401/] });
  await open(page, server.url, '/kiosk');
  await page.waitForSelector('input[autocomplete="username"]');
  await page.fill('input[autocomplete="username"]', server.demo.officer.username);
  await page.fill('input[autocomplete="current-password"]', server.demo.officer.password);
  await page.click('button[type="submit"]');
  const electionSelect = page.locator('select').first();
  const districtSelect = page.locator('select').nth(1);
  await electionSelect.waitFor();
  if ((await electionSelect.inputValue()) !== BUDGET) await electionSelect.selectOption(BUDGET);
  await page.waitForSelector('option[value="north"]', { state: 'attached' });

  // Hold the next load of the election until the district is picked.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const route = `**/api/v1/elections/${BUDGET}`;
  await page.route(route, async (r) => { await held; await r.continue(); });
  await electionSelect.dispatchEvent('change');
  await page.fill('input[maxlength="80"]', 'Reloaded stand');
  await districtSelect.selectOption('north');
  await page.$eval('option[value="north"]', (o) => { o.dataset.before = 'yes'; });
  release();
  await page.waitForSelector('option[value="north"]:not([data-before])', { state: 'attached' }); // drawn again
  await page.unroute(route);
  assert.equal(await districtSelect.inputValue(), 'north');

  await page.click('button[type="submit"]');
  await page.waitForSelector('.kiosk-start');
  const officer = await Officer.signIn(server.url, server.demo.officer);
  const { kiosks } = await officer.must('GET', `/officer/elections/${BUDGET}/kiosks`);
  assert.equal(kiosks.find((k) => k.name === 'Reloaded stand')?.district, 'north');
  assertClean(page);
});

test('staff set up a kiosk; residents vote one after another and nothing of the last stays on screen', async () => {
  const page = await setUpKiosk('Central Library');
  await checkA11yEveryLanguage(page, 'kiosk welcome');
  await screenshot(page, 'kiosk-welcome');
  const before = await ballotsStored();

  await page.click('.kiosk-start');
  await page.waitForSelector('.ballot-contest');
  const contests = await page.$$eval('.ballot-contest h2', (hs) => hs.map((x) => x.textContent));
  assert.equal(contests.length, 2, `the north ward kiosk shows the borough and north contests: ${contests}`);
  await checkA11yEveryLanguage(page, 'kiosk ballot');
  await page.check('input[value="B05"]');
  await page.click('.ballot-to-review');
  await page.waitForSelector('.ballot-cast');
  await page.click('.ballot-cast');
  await page.waitForSelector('.kiosk-receipt');
  const receipt = (await page.textContent('.kiosk-receipt')).trim();
  assert.match(receipt, /^[0-9A-Z-]{6,}$/);
  await checkA11yEveryLanguage(page, 'kiosk thank-you');
  await screenshot(page, 'kiosk-thanks');
  await backToWelcome(page);
  assert.equal(await page.evaluate(() => document.body.textContent.includes('Street trees')), false);
  assert.equal(await page.evaluate((r) => document.body.textContent.includes(r), receipt), false);

  // The next resident starts with an empty ballot.
  await page.click('.kiosk-start');
  await page.waitForSelector('.ballot-contest');
  assert.equal(await page.isChecked('input[value="B05"]'), false);
  await page.click('button:text("Stop and clear this vote")');
  await page.waitForSelector('.kiosk-start');

  assert.equal(await ballotsStored(), before + 1);
  const kiosks = await (await fetch(`${server.url}/api/v1/elections/${BUDGET}/turnout`)).json();
  assert.ok(JSON.stringify(kiosks).includes('kiosk'), 'turnout counts kiosk ballots by channel');
  assertClean(page);
});

test('without network the kiosk queues ballots and sends each exactly once when it is back', async () => {
  const page = await setUpKiosk('Community Centre', { allow: [/Failed to load resource/, /net::ERR_/] });
  const before = await ballotsStored();
  await page.context().setOffline(true);
  for (const project of ['B01', 'B02', 'B03']) {
    await voteOnce(page, project);
    assert.match(await page.textContent('main'), /saved on this kiosk/);
    await backToWelcome(page);
  }
  await page.click('button:text("Staff")');
  await page.waitForSelector('.kiosk-waiting');
  assert.equal((await page.textContent('.kiosk-waiting')).trim(), '3');
  await checkA11yEveryLanguage(page, 'kiosk staff panel, offline with a queue');
  await screenshot(page, 'kiosk-staff-offline');
  assert.equal(await ballotsStored(), before, 'nothing reached the server while offline');

  await page.context().setOffline(false);
  await page.waitForFunction(() => document.querySelector('.kiosk-waiting')?.textContent.trim() === '0');
  assert.equal(await ballotsStored(), before + 3);
  assert.equal((await page.textContent('.kiosk-sent')).trim(), '3');
  assertClean(page);
});

test('an answer lost on the way back is resent with the same key and stored once', async () => {
  const page = await setUpKiosk('Town Hall', { allow: [/Failed to load resource/, /net::ERR_/] });
  const before = await ballotsStored();
  const keys = [];
  let dropped = false;
  await page.route('**/kiosk-ballot', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    const response = await route.fetch(); // the server stores the ballot ...
    if (!dropped) {
      dropped = true;
      await route.abort('connectionreset'); // ... but its answer never arrives
      return;
    }
    await route.fulfill({ response });
  });
  await voteOnce(page, 'B09');
  assert.match(await page.textContent('main'), /saved on this kiosk/);
  assert.equal(await ballotsStored(), before + 1);
  await backToWelcome(page);
  await page.click('button:text("Staff")');
  await page.click('.kiosk-send');
  await page.waitForFunction(() => document.querySelector('.kiosk-waiting')?.textContent.trim() === '0');
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'the resend carries the first Idempotency-Key');
  assert.equal(await ballotsStored(), before + 1, 'the resend did not store a second ballot');
  assertClean(page);
});

test('inactivity warns, then clears a half-filled ballot; "I need more time" keeps it', async () => {
  const page = await setUpKiosk('Library desk 3', { clock: true });
  await page.click('.kiosk-start');
  await page.waitForSelector('.ballot-contest');
  await page.check('input[value="B12"]');
  // The warning in each language (a language switch redraws the ballot, so the
  // warning is raised again in each).
  for (const lang of ['ar', 'pl', 'en']) {
    await page.click(`.language-switcher__button[lang="${lang}"]`);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    await page.waitForSelector('.ballot-contest');
    await page.clock.fastForward(121_000);
    await page.waitForSelector('[role="alertdialog"]');
    await checkA11y(page, `kiosk inactivity warning [${lang}]`);
    if (lang !== 'en') await page.click('[role="alertdialog"] button');
  }
  await page.click('[role="alertdialog"] button');
  assert.equal(await page.$('[role="alertdialog"]'), null);
  assert.equal(await page.isChecked('input[value="B12"]'), true, 'more time keeps the choices');
  await page.clock.fastForward(121_000);
  await page.waitForSelector('[role="alertdialog"]');
  await page.clock.fastForward(31_000);
  await page.waitForSelector('.kiosk-start');
  assert.equal(await page.evaluate(() => document.body.textContent.includes('Step-free access')), false);
  assertClean(page);
});

test('a kiosk page loaded once opens again without network', async () => {
  const page = await setUpKiosk('Market stall', { allow: [/Failed to load resource/, /net::ERR_/] });
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForSelector('.kiosk-start'); // loaded once more with the network, through the worker
  await page.context().setOffline(true);
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  await page.waitForSelector('.kiosk-start');
  await voteOnce(page, 'B06');
  assert.match(await page.textContent('main'), /saved on this kiosk/);
  await page.context().setOffline(false);
  await backToWelcome(page);
  await page.click('button:text("Staff")');
  await page.click('.kiosk-send');
  await page.waitForFunction(() => document.querySelector('.kiosk-waiting')?.textContent.trim() === '0');
  assertClean(page);
});

test('officers see each kiosk and retire one; a ballot still queued on it is refused and shown to staff', async () => {
  const allow = [/Failed to load resource/, /net::ERR_/];
  const kiosk = await setUpKiosk('Pop-up stand', { allow });
  const before = await ballotsStored();
  await kiosk.context().setOffline(true);
  await voteOnce(kiosk, 'B08');
  await backToWelcome(kiosk);

  const officer = await Officer.signIn(server.url, server.demo.officer);
  const page = await newPage(browser, { allow });
  const [name, value] = officer.cookie.split('=');
  await page.context().addCookies([{ name, value, url: server.url }]);
  await open(page, server.url, `/officer/elections/${BUDGET}`);
  await page.waitForSelector('#officer-kiosks-heading');
  await page.waitForSelector('tr:has-text("Pop-up stand") button');
  await checkA11yEveryLanguage(page, 'officer election page with registered kiosks');
  await page.click('tr:has-text("Pop-up stand") button');
  await page.click('button:text("Retire the kiosk")');
  await page.waitForSelector('tr:has-text("Pop-up stand") td:text("Retired")');

  await kiosk.context().setOffline(false);
  await kiosk.click('button:text("Staff")');
  await kiosk.click('.kiosk-send');
  await kiosk.waitForSelector('#kiosk-refused');
  assert.match(await kiosk.textContent('main'), /retired/);
  assert.equal((await kiosk.textContent('.kiosk-waiting')).trim(), '0');
  assert.equal(await ballotsStored(), before, 'a retired kiosk stores nothing');
  await checkA11yEveryLanguage(kiosk, 'kiosk staff panel with a refused ballot');
  assertClean(kiosk);
  assertClean(page);
});

test('the staff sign-in and set-up screens pass axe in every language', async () => {
  const page = await newPage(browser, { allow: [/status of 401/] });
  await open(page, server.url, '/kiosk');
  await page.waitForSelector('input[autocomplete="username"]');
  await checkA11yEveryLanguage(page, 'kiosk sign-in');
  await page.fill('input[autocomplete="username"]', server.demo.officer.username);
  await page.fill('input[autocomplete="current-password"]', server.demo.officer.password);
  await page.click('button[type="submit"]');
  await page.waitForSelector('h1:text("Set up this kiosk")');
  await checkA11yEveryLanguage(page, 'kiosk set-up');
  assertClean(page);
});

test('after staff sign in, the set-up screen is marked busy until its form is drawn', async () => {
  // The list of elections is held back until the test lets it go, so the page is
  // seen while it loads (no timing involved).
  let release;
  const held = new Promise((r) => { release = r; });
  let asked;
  const askedFor = new Promise((r) => { asked = r; });
  const page = await newPage(browser, { allow: [/status of 401/] });
  await page.route((url) => url.pathname === '/api/v1/elections', async (route) => {
    asked();
    await held;
    await route.continue();
  });
  await open(page, server.url, '/kiosk');
  await page.waitForSelector('input[autocomplete="username"]');
  await page.fill('input[autocomplete="username"]', server.demo.officer.username);
  await page.fill('input[autocomplete="current-password"]', server.demo.officer.password);
  await page.click('button[type="submit"]');
  await askedFor;
  await page.waitForSelector('h1:text("Set up this kiosk")');
  assert.equal(await page.getAttribute('#main', 'aria-busy'), 'true', 'busy while the elections load');
  release();
  await page.waitForSelector('select');
  await notBusy(page);
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SELECT', 'the election list takes the focus');
  assertClean(page);
});
