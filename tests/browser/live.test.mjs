// The live screen: the turnout of an open election, updated as ballots arrive; the
// winners as soon as the result is published, with a replay that can be paused; at
// projector sizes (1920x1080 and 1280x720) without sideways scrolling; axe in each
// state. Also the results page of an election not published yet, and the three
// pages for an election that does not exist.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, open, checkA11yEveryLanguage, assertClean, screenshot, Officer,
} from './harness.mjs';
import { castBallot, getJson } from './fixtures/results-api.mjs';

const PILOTS = 'riverside-pilots-2026';
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

const ballotsShown = (page) => page.getAttribute('.live-turnout__number', 'data-ballots');
const waitForBallots = (page, n) => page.waitForFunction(
  (count) => document.querySelector('.live-turnout__number')?.dataset.ballots === String(count), n, { timeout: 15000 },
);

test('the live screen follows the turnout, then shows the winners once published', async () => {
  const page = await newPage(browser, { viewport: { width: 1920, height: 1080 } });
  await open(page, server.url, `/live/${PILOTS}`);
  assert.equal(await page.textContent('h1'), 'Which services should we redesign first?');
  assert.equal(await ballotsShown(page), '0');
  assert.match(await page.textContent('.live-turnout__label'), /ballots cast so far/);
  await checkA11yEveryLanguage(page, 'live screen, open');

  const codes = server.demo.elections.find((e) => e.id === PILOTS).codes;
  await castBallot(server.url, PILOTS, codes[0].code, { pilots: { options: ['waste', 'parking'] } });
  await waitForBallots(page, 1);
  assert.match(await page.textContent('.live-turnout__label'), /^ballot cast so far$/);
  await castBallot(server.url, PILOTS, codes[1].code, { pilots: { options: ['parking'] } });
  await castBallot(server.url, PILOTS, codes[2].code, { pilots: { options: ['youth', 'waste'] } });
  await waitForBallots(page, 3);
  assert.equal(await page.textContent('.live-turnout__number'), '3');
  await screenshot(page, 'live-open-1920');

  const officer = await Officer.signIn(server.url, server.demo.officer);
  await officer.closeTallyPublish(PILOTS);
  const result = await getJson(`${server.url}/api/v1/elections/${PILOTS}/result`);
  await page.waitForSelector('.live-winners', { timeout: 15000 });
  const winners = await page.$$eval('.live-winners li', (lis) => lis.map((li) => li.dataset.option));
  assert.deepEqual(winners, result.contests[0].result.winners);
  assert.equal(await page.textContent('.results-replay__play'), 'Pause');
  assert.equal(await page.getAttribute('.results-replay__counter', 'aria-live'), 'off', 'not read out while playing');
  await page.click('.results-replay__play');
  assert.equal(await page.textContent('.results-replay__play'), 'Play');
  assert.equal(await page.getAttribute('.results-replay__counter', 'aria-live'), 'polite');
  await page.keyboard.press('Home'); // the focus is on Pause/Play, in the replay's controls
  const rounds = result.contests[0].result.rounds.length;
  assert.equal(await page.textContent('.results-replay__counter'), `Choose 2 of 7 services to pilot: round 1 of ${rounds}`);
  await page.click('.results-replay__next');
  assert.equal(await page.textContent('.results-replay__counter'), `Choose 2 of 7 services to pilot: round 2 of ${rounds}`);
  await checkA11yEveryLanguage(page, 'live screen, published');
  assert.equal(await page.textContent('.results-replay__play'), 'Play', 'the pause survives a language change');
  await screenshot(page, 'live-published-1920');
  for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }]) {
    await page.setViewportSize(viewport);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the live screen is ${overflow}px wider than ${viewport.width}x${viewport.height}`);
  }
  await screenshot(page, 'live-published-1280');
  assertClean(page);
});

test('the replay advances by itself until paused', async () => {
  const page = await newPage(browser, { viewport: { width: 1280, height: 720 } });
  await page.clock.install();
  await open(page, server.url, `/live/${PILOTS}`);
  await page.waitForSelector('.results-replay__counter');
  assert.match(await page.textContent('.results-replay__counter'), /round 1 of/);
  await page.clock.runFor(6500);
  assert.match(await page.textContent('.results-replay__counter'), /round 2 of/);
  await page.click('.results-replay__play');
  await page.clock.runFor(20000);
  assert.match(await page.textContent('.results-replay__counter'), /round 2 of/);
  await checkA11yEveryLanguage(page, 'live screen at 1280x720, paused');
  await page.clock.runFor(20000);
  assert.match(await page.textContent('.results-replay__counter'), /round 2 of/, 'still paused after the language switches');
  assertClean(page);
});

test('the results page of an election still open says the results are not published', async () => {
  const page = await newPage(browser);
  await open(page, server.url, `/results/${BUDGET}`);
  assert.match(await page.textContent('.notice'), /not published yet/);
  assert.ok(await page.$(`a[href="/live/${BUDGET}"]`));
  await checkA11yEveryLanguage(page, 'results, not published');
  assertClean(page);
});

test('an unknown election gets a plain message on the live, results and audit pages', async () => {
  const page = await newPage(browser, { allow: [/status of 404/] });
  for (const route of ['/live/no-such-vote', '/results/no-such-vote', '/audit/no-such-vote']) {
    await open(page, server.url, route);
    assert.match(await page.textContent('.notice--error'), /There is no vote with this name/, route);
    assert.ok(await page.$('main a[href="/"]'), route);
    await checkA11yEveryLanguage(page, `${route}, unknown election`);
  }
  assertClean(page);
});
