// Shared by the browser tests: a real allot server on a loopback port with the demo
// elections, Debian's chromium driven by playwright-core, axe-core checks, officer
// API helpers for setting up a scene, and screenshots kept as artefacts.
//
// Settings (environment): ALLOT_BINARY (the allot program; default build/app/allot),
// ALLOT_CHROMIUM (default /usr/bin/chromium), ALLOT_ARTIFACTS (screenshots; default
// build/browser-artifacts). When chromium or node_modules is missing the tests
// skip with exit code 77, which CTest reports as skipped.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
export const WEB_ROOT = path.join(ROOT, 'web');
const BINARY = process.env.ALLOT_BINARY || path.join(ROOT, 'build/app/allot');
const CHROMIUM = process.env.ALLOT_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = process.env.ALLOT_ARTIFACTS || path.join(ROOT, 'build/browser-artifacts');
const require = createRequire(import.meta.url);

function skip(reason) {
  console.log(`SKIP: ${reason}`);
  process.exit(77);
}

let playwright;
try {
  playwright = require('playwright-core');
} catch (e) {
  skip('playwright-core is not installed (scripts/test runs npm ci in tests/browser)');
}
if (!existsSync(CHROMIUM)) skip(`no chromium at ${CHROMIUM} (scripts/test installs the chromium package)`);
if (!existsSync(BINARY)) skip(`no allot binary at ${BINARY}: build first`);

export const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// ---- the server -------------------------------------------------------------------

// Starts `allot serve` on 127.0.0.1 port 0 over a fresh data directory holding the
// demo (allot demo --ballots N [--publish]). Returns {url, demo, data, stop()}.
// `demo` is demo.json: {officer: {username, password}, elections: [{id, codes: [{code, district}]}]}.
export async function startServer({ ballots = 0, publish = false, args = [] } = {}) {
  const data = mkdtempSync(path.join(tmpdir(), 'allot-browser-'));
  const demoArgs = ['demo', '--data', data, '--ballots', String(ballots)];
  if (publish) demoArgs.push('--publish');
  execFileSync(BINARY, demoArgs, { stdio: ['ignore', 'ignore', 'inherit'] });
  const demo = JSON.parse(readFileSync(path.join(data, 'demo.json'), 'utf8'));
  const child = spawn(BINARY, ['serve', '--data', data, '--host', '127.0.0.1', '--port', '0', '--web', WEB_ROOT, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk.toString();
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n')) {
        child.stdout.off('data', onData);
        const m = /listening on (\S+)/.exec(line);
        if (m) resolve(m[1].replace(/\/$/, ''));
        else reject(new Error(`unexpected first line from allot serve: ${line}`));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`allot serve exited with ${code}`)));
  });
  child.stdout.resume();
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(data, { recursive: true, force: true });
  };
  return { url, demo, data, child, stop };
}

// ---- the officer API from node (to set a scene quickly) ----------------------------

export class Officer {
  constructor(url) { this.url = url; this.cookie = ''; this.csrf = ''; }
  // signIn(url, username, password) or signIn(url, {username, password}) (demo.officer).
  static async signIn(url, username, password) {
    if (typeof username === 'object') ({ username, password } = username);
    const o = new Officer(url);
    const r = await fetch(`${url}/api/v1/officer/signin`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
    });
    if (r.status !== 200) assert.fail(`sign-in failed: ${r.status} ${await r.text()}`);
    o.cookie = r.headers.get('set-cookie').split(';')[0];
    o.csrf = (await r.json()).csrf;
    return o;
  }
  // request('POST', '/officer/elections/x/close', body) -> {status, body}
  async request(method, route, body, { type } = {}) {
    const headers = { Cookie: this.cookie, 'X-CSRF-Token': this.csrf };
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string') { payload = body; headers['Content-Type'] = type || 'text/plain'; }
      else { payload = JSON.stringify(body); headers['Content-Type'] = 'application/json'; }
    }
    const r = await fetch(`${this.url}/api/v1${route}`, { method, headers, body: payload });
    const text = await r.text();
    let parsed = text;
    try { parsed = JSON.parse(text); } catch (e) { /* CSV and such */ }
    return { status: r.status, body: parsed };
  }
  async must(method, route, body, options) {
    const r = await this.request(method, route, body, options);
    assert.ok(r.status < 300, `${method} ${route} -> ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
  // close, tally with `seed`, publish.
  async closeTallyPublish(election, seed = 'browser-test-seed') {
    await this.must('POST', `/officer/elections/${election}/close`);
    await this.must('POST', `/officer/elections/${election}/tally`, { seed });
    await this.must('POST', `/officer/elections/${election}/publish`);
  }
}

// ---- the browser -----------------------------------------------------------------------

export async function launchBrowser() {
  return playwright.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-dev-shm-usage'],
  });
}

// What every page of this test file did, for a failing run: each page's console
// messages, page errors, failed requests and answers of 400 or more, with the time
// since the file started. Printed (the last lines of each page) when the process
// exits with a failure, so that a failure seen once in CI can be read afterwards.
const started = Date.now();
const pageLogs = [];
const kLogLines = 60;
process.on('exit', (code) => {
  if (code === 0 || code === 77 || pageLogs.length === 0) return;
  const out = ['', `--- what the ${pageLogs.length} page(s) of this file did (last ${kLogLines} lines each) ---`];
  pageLogs.forEach((log, i) => {
    out.push(`page ${i + 1}:`);
    for (const line of log.slice(-kLogLines)) out.push(`  ${line}`);
  });
  process.stderr.write(`${out.join('\n')}\n`);
});

function recordPage(page) {
  const log = [];
  pageLogs.push(log);
  const note = (text) => log.push(`${String(Date.now() - started).padStart(6)} ms  ${text}`);
  const pathOf = (url) => {
    try {
      const u = new URL(url);
      return u.pathname + u.search;
    } catch {
      return url;
    }
  };
  page.on('console', (m) => note(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => note(`page error: ${e.message}`));
  page.on('requestfailed', (r) => note(`request failed: ${r.method()} ${pathOf(r.url())} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) note(`answer ${r.status()}: ${r.request().method()} ${pathOf(r.url())}`);
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) note(`at ${pathOf(f.url())}`);
  });
}

// Keeps the page's requests still waiting for an answer (page.inFlight) and a list
// of those waiting for the count to fall to zero, so a check can wait for the page to
// have its answers instead of waiting a while.
function trackRequests(page) {
  page.inFlight = new Set();
  page.idleWaiters = [];
  const done = (r) => {
    page.inFlight.delete(r);
    if (page.inFlight.size === 0) for (const wake of page.idleWaiters.splice(0)) wake();
  };
  page.on('request', (r) => page.inFlight.add(r));
  page.on('requestfinished', done);
  page.on('requestfailed', done);
}

// Waits until the router is not rendering: no aria-busy on <main>.
export async function notBusy(page) {
  await page.waitForFunction(() => !document.getElementById('main').hasAttribute('aria-busy'));
}

// Waits until the page has drawn what it was loading: no request of the page is
// waiting for an answer, the answers have been handled (two animation frames with no
// new request) and the router is not rendering (no aria-busy on <main>).
export async function settled(page) {
  for (;;) {
    if (page.inFlight.size > 0) await new Promise((wake) => page.idleWaiters.push(wake));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await notBusy(page);
    if (page.inFlight.size === 0) return;
  }
}

// A new page in its own context. Collects page errors, console errors and CSP
// violations in page.problems; assertClean(page) fails the test on any.
// options: {viewport, locale, offline, allow: [regexes of console errors that are expected]}
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: options.viewport || { width: 1280, height: 900 },
    locale: options.locale || 'en-GB',
    reducedMotion: 'reduce',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  recordPage(page);
  trackRequests(page);
  page.problems = [];
  const allowed = options.allow || [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (allowed.some((re) => re.test(text))) return;
    // The browser reports refused API calls (4xx) as console errors: the tests that
    // provoke them pass allow: [/status of 4/].
    page.problems.push(`console error: ${text}`);
  });
  return page;
}

export function assertClean(page) {
  assert.deepEqual(page.problems, [], `the page reported problems:\n${page.problems.join('\n')}`);
}

// Goes to `route` and waits until the app has drawn its first view.
export async function open(page, base, route) {
  await page.goto(base + route);
  await page.waitForSelector('html[data-ready="true"]');
  await notBusy(page);
}

// Runs axe-core (WCAG 2.0/2.1/2.2 A and AA) on the page once it has settled (see
// settled) and fails with the violations listed. `label` names the page and state.
export async function checkA11y(page, label) {
  await settled(page);
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(AXE_SOURCE); // evaluate is not subject to the page's CSP
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  });
  const text = result.map((v) => `- ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');
  assert.equal(result.length, 0, `axe found WCAG 2.2 AA violations on ${label}:\n${text}`);
}

// Runs checkA11y in every language of the site (switching with the page's own buttons).
export async function checkA11yEveryLanguage(page, label) {
  for (const lang of ['en', 'ar', 'pl']) {
    await page.click(`.language-switcher__button[lang="${lang}"]`);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    await notBusy(page);
    await checkA11y(page, `${label} [${lang}]`);
  }
  await page.click('.language-switcher__button[lang="en"]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
}

// Saves a full-page screenshot under ARTIFACTS (never committed).
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// Presses Tab until the focused element matches `selector` (at most `limit` presses);
// fails when it never gets there. For keyboard-only paths.
export async function tabTo(page, selector, limit = 80) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
  }
  assert.fail(`Tab never reached ${selector}`);
}
