// The results page of a published election: the winners are those of the signed
// result (GET /result), the charts and their tables show the result's figures, the
// round-by-round replay works with the keyboard and announces the round, the page
// is right to left in Arabic with mirrored charts, fits a phone, and passes axe in
// every language and state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, open, checkA11yEveryLanguage, assertClean, screenshot, tabTo,
} from './harness.mjs';
import { getJson, moneyText } from './fixtures/results-api.mjs';

const BUDGET = 'riverside-budget-2026';
const PILOTS = 'riverside-pilots-2026';

let server;
let browser;
const data = {}; // election id -> {election, result}

before(async () => {
  server = await startServer({ ballots: 300, publish: true });
  browser = await launchBrowser();
  for (const id of [BUDGET, PILOTS]) {
    data[id] = {
      election: await getJson(`${server.url}/api/v1/elections/${id}`),
      result: await getJson(`${server.url}/api/v1/elections/${id}/result`),
    };
  }
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const titleOf = (contest, id) => contest.options.find((o) => o.id === id).title.en;
const counter = (page, contest) => page.textContent(`[data-contest="${contest}"] .results-replay__counter`);

// Each chart of a contest as [{id, value}] of its bars, and its table as [{id, figure}].
async function charts(page, contest) {
  return page.$$eval(`[data-contest="${contest}"] > .results-chart`, (els) => els.map((el) => ({
    bars: [...el.querySelectorAll('rect')].map((r) => ({ id: r.dataset.option, value: Number(r.dataset.value) })),
    table: [...el.querySelectorAll('tbody tr')].map((tr) => ({ id: tr.dataset.option, figure: tr.querySelector('td.number').textContent })),
    image: el.querySelector('svg').getAttribute('role'),
    label: [...el.querySelectorAll('svg title, svg desc')].map((n) => n.textContent).join(' '),
  })));
}

for (const id of [BUDGET, PILOTS]) {
  test(`the results of ${id} show the signed result's winners and figures`, async () => {
    const { election, result } = data[id];
    const page = await newPage(browser);
    await open(page, server.url, `/results/${id}`);
    assert.match(await page.textContent('h1'), new RegExp(election.title.en.replace('?', '\\?')));
    for (const tally of result.contests) {
      const contest = election.manifest.contests.find((c) => c.id === tally.contest);
      const r = tally.result;
      const section = `[data-contest="${tally.contest}"]`;
      const winners = await page.$$eval(`${section} .results-winner`, (els) => els.map((e) => ({
        id: e.dataset.option, name: e.querySelector('.results-winner__name').textContent,
      })));
      assert.deepEqual(winners, r.winners.map((w) => ({ id: w, name: titleOf(contest, w) })), `winners of ${tally.contest}`);

      const drawn = await charts(page, tally.contest);
      const support = r.options.map((o) => ({ id: o.id, value: o.support })).sort((a, b) => b.value - a.value);
      const votes = drawn[drawn.length - 1];
      assert.deepEqual([...votes.bars].sort((a, b) => b.value - a.value || 0).map((b) => b.value), support.map((s) => s.value));
      for (const bar of votes.bars) assert.equal(bar.value, r.options.find((o) => o.id === bar.id).support);
      assert.deepEqual(votes.table.map((row) => [row.id, row.figure]), votes.bars.map((b) => [b.id, String(b.value)]));
      assert.equal(votes.image, 'img');
      if (contest.kind === 'budget') {
        const money = drawn[0];
        const expected = r.winners.map((w) => ({ id: w, value: r.options.find((o) => o.id === w).cost }));
        assert.deepEqual(money.bars, expected, `money chart of ${tally.contest}`);
        assert.deepEqual(money.table, expected.map((e) => ({ id: e.id, figure: moneyText(e.value, contest.currency, contest.money_decimals) })));
        assert.ok(money.label.includes(moneyText(r.spent, contest.currency, contest.money_decimals)), 'the chart says what was spent');
        const spent = await page.textContent(`${section} > .results-spent`);
        assert.ok(spent.includes(`${moneyText(r.spent, contest.currency, contest.money_decimals)} spent of ${moneyText(r.budget, contest.currency, contest.money_decimals)}`), spent);
      }
      const why = await page.$$eval(`${section} .results-why__item`, (els) => els.map((e) => e.dataset.option).sort());
      assert.deepEqual(why, r.options.map((o) => o.id).sort(), 'every option is explained');
      assert.match(await page.textContent(`${section} .results-facts`), new RegExp(`\\(${r.rule.name}\\)[\\s\\S]*${result.seed}`));
    }
    assert.equal(await page.getAttribute('.results-check .notice', 'data-check'), 'pass');
    assert.ok((await page.textContent('.results-check')).includes(result.manifest));
    assert.equal(await page.getAttribute(`.results-check a[href="/audit/${id}"]`, 'href'), `/audit/${id}`);
    await checkA11yEveryLanguage(page, `results of ${id}`);
    await screenshot(page, `results-${id}-en`);
    assertClean(page);
  });
}

test('the replay of a ranked count steps by keyboard and announces each round', async () => {
  const { result } = data[PILOTS];
  const rounds = result.contests[0].result.rounds;
  const page = await newPage(browser);
  await open(page, server.url, `/results/${PILOTS}`);
  const replay = '[data-contest="pilots"] .results-replay';
  assert.equal(await counter(page, 'pilots'), `Round 1 of ${rounds.length}`);
  assert.equal(await page.getAttribute(`${replay} .results-replay__counter`, 'aria-live'), 'polite');

  await tabTo(page, `${replay} .results-replay__next`);
  await page.keyboard.press('Enter');
  assert.equal(await counter(page, 'pilots'), `Round 2 of ${rounds.length}`);
  const bars = await page.$$eval(`${replay} rect`, (els) => Object.fromEntries(els.map((r) => [r.dataset.option, r.dataset.value])));
  assert.deepEqual(bars, rounds[1].tally, 'the chart shows the tallies of round 2');
  const step = await page.textContent(`${replay} .results-replay__step`);
  assert.ok(step.includes('Votes needed to be elected: 101.'), step);
  assert.ok(step.includes('Help at home for older people'), 'round 2 eliminates care');

  await page.keyboard.press('Space');
  assert.equal(await counter(page, 'pilots'), `Round 3 of ${rounds.length}`);
  await page.keyboard.press('End');
  assert.equal(await counter(page, 'pilots'), `Round ${rounds.length} of ${rounds.length}`);
  assert.equal(await page.getAttribute(`${replay} .results-replay__next`, 'aria-disabled'), 'true');
  await page.keyboard.press('Enter'); // Next at the end does nothing, and keeps the focus
  assert.equal(await counter(page, 'pilots'), `Round ${rounds.length} of ${rounds.length}`);
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains('results-replay__next')));
  await page.keyboard.press('Shift+Tab'); // Previous (Play is not on this page)
  await page.keyboard.press('Enter');
  assert.equal(await counter(page, 'pilots'), `Round ${rounds.length - 1} of ${rounds.length}`);
  await page.keyboard.press('Shift+Tab'); // First
  await page.keyboard.press('Enter');
  assert.equal(await counter(page, 'pilots'), `Round 1 of ${rounds.length}`);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab'); // Last
  await page.keyboard.press('Enter');
  assert.equal(await counter(page, 'pilots'), `Round ${rounds.length} of ${rounds.length}`);
  await page.keyboard.press('Home');
  assert.equal(await counter(page, 'pilots'), `Round 1 of ${rounds.length}`);
  await page.keyboard.press('ArrowRight');
  assert.equal(await counter(page, 'pilots'), `Round 2 of ${rounds.length}`);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await counter(page, 'pilots'), `Round 1 of ${rounds.length}`);
  await page.keyboard.press('ArrowRight');
  await page.click('.language-switcher__button[lang="ar"]');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  assert.equal(await counter(page, 'pilots'), `الجولة 2 من ${rounds.length}`);
  await screenshot(page, 'results-replay-ar');
  await checkA11yEveryLanguage(page, 'results replay, round 2');
  assert.equal(await counter(page, 'pilots'), `Round 2 of ${rounds.length}`);
  assertClean(page);
});

test('the replay of an equal-shares count says who paid what, and keeps its round across a language change', async () => {
  const { result } = data[BUDGET];
  const r = result.contests[0].result;
  const page = await newPage(browser);
  await open(page, server.url, `/results/${BUDGET}`);
  const replay = '[data-contest="borough"] .results-replay';
  await page.click(`${replay} .results-replay__next`);
  assert.equal(await counter(page, 'borough'), `Round 2 of ${r.rounds.length}`);
  const round = r.rounds[1];
  const payers = await page.$$eval(`${replay} .results-payments tbody tr`, (trs) => trs.map((tr) => [tr.dataset.payers, tr.querySelector('td').textContent]));
  assert.deepEqual(payers, [['full', round.figures.full_payers]]);
  const each = moneyText(Number(round.figures.payment), 'GBP', 2).replace(/(\.\d\d)\d*/, '$1');
  assert.ok((await page.textContent(`${replay} .results-payments`)).includes(each), `each paid ${each}`);
  await page.click('.language-switcher__button[lang="pl"]');
  await page.waitForFunction(() => document.documentElement.lang === 'pl');
  assert.equal(await counter(page, 'borough'), `Runda 2 z ${r.rounds.length}`);
  await screenshot(page, 'results-replay-pl');
  await checkA11yEveryLanguage(page, 'results replay of an equal-shares count');
  assert.equal(await counter(page, 'borough'), `Round 2 of ${r.rounds.length}`);
  assertClean(page);
});

test('in Arabic the page is right to left and the charts grow from the right', async () => {
  const { election } = data[BUDGET];
  const page = await newPage(browser);
  await open(page, server.url, `/results/${BUDGET}`);
  await page.click('.language-switcher__button[lang="ar"]');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  assert.ok((await page.textContent('h1')).includes(election.title.ar));
  const bars = await page.$$eval('[data-contest="borough"] > .results-chart rect', (rects) => rects.map((r) => {
    const box = r.getBoundingClientRect();
    const chart = r.ownerSVGElement.getBoundingClientRect();
    return { right: Math.round(chart.right - box.right), left: Math.round(box.left - chart.left) };
  }));
  for (const bar of bars) assert.ok(bar.right <= 1, `a bar ends ${bar.right}px from the right edge`);
  assert.ok(bars.some((bar) => bar.left > 50), 'bars start from the right');
  await screenshot(page, `results-${BUDGET}-ar`);
  await page.click('.language-switcher__button[lang="en"]');
  assertClean(page);
});

test('the results fit a 360 px phone without sideways scrolling', async () => {
  const page = await newPage(browser, { viewport: { width: 360, height: 740 } });
  for (const id of [BUDGET, PILOTS]) {
    await open(page, server.url, `/results/${id}`);
    await page.click('[data-contest] .results-replay__next');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the results of ${id} are ${overflow}px wider than the phone`);
  }
  await checkA11yEveryLanguage(page, 'results on a phone');
  await screenshot(page, 'results-phone');
  assertClean(page);
});
