// The front page and the shell: election list, language switching (with a
// right-to-left language), the 404 page, accessibility in every language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, open, checkA11yEveryLanguage, assertClean, screenshot } from './harness.mjs';

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

test('the front page lists the open demo elections with a way to vote', async () => {
  const page = await newPage(browser);
  await open(page, server.url, '/');
  await assert.doesNotReject(page.waitForSelector('h1:text("Have your say")'));
  const links = await page.$$eval('a[href^="/vote/"]', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links.sort(), ['/vote/riverside-budget-2026', '/vote/riverside-pilots-2026']);
  await checkA11yEveryLanguage(page, 'front page');
  await screenshot(page, 'home-en');
  assertClean(page);
});

test('switching to Arabic turns the page right to left and keeps the choice', async () => {
  const page = await newPage(browser);
  await open(page, server.url, '/');
  await page.click('.language-switcher__button[lang="ar"]');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  assert.equal(await page.textContent('h1'), 'شارك برأيك');
  assert.equal(await page.getAttribute('.language-switcher__button[lang="ar"]', 'aria-pressed'), 'true');
  await screenshot(page, 'home-ar');
  await open(page, server.url, '/');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
  assertClean(page);
});

test('an unknown address shows a page that says so, with a way back', async () => {
  const page = await newPage(browser);
  await open(page, server.url, '/no/such/page');
  assert.equal(await page.textContent('h1'), 'Page not found');
  assert.ok(await page.$('main a[href="/"]'));
  assertClean(page);
});

test('the front page fits a 360 px phone without sideways scrolling', async () => {
  const page = await newPage(browser, { viewport: { width: 360, height: 740 } });
  await open(page, server.url, '/');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  assertClean(page);
});
