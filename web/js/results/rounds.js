// One round of a count, drawn for the replay (results page and live screen): what
// happened in a sentence, the engine's own record of it (English), and the round's
// figures: for a budget, the money spent so far and who paid what per voter in an
// equal-shares purchase; for ranked counts, the tallies of the round as a chart with
// the quota, and the votes that moved.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { barChart } from './chart.js';
import { figure, formatCount } from './data.js';
import { payments, roundSentence, spentAfter } from './explain.js';

// A sentence built in the page's language, and the engine's English words under it;
// only the engine's words when no sentence could be built.
function sentenceWithRecord(built, engineText, cls) {
  if (!built) return [h('p', { class: cls, lang: 'en' }, engineText)];
  return [
    h('p', { class: cls }, built),
    engineText ? h('p', { class: 'results-record-text' },
      h('span', {}, t('results.engine_words')), ' ', h('span', { lang: 'en' }, engineText)) : null,
  ];
}

// The spent / budget figures and a meter of them.
export function spentMeter(model, spent) {
  const budget = model.result.budget;
  const share = budget > 0 ? Math.min(spent / budget, 1) : 0;
  const fill = h('div', { class: ['meter__fill', share >= 1 && 'meter__fill--full'] });
  fill.style.width = `${(share * 100).toFixed(2)}%`;
  return h('div', { class: 'results-spent' },
    h('p', { class: 'results-spent__text' }, t('results.spent_of', { spent: model.money(spent), budget: model.money(budget), left: model.money(budget - spent) })),
    h('div', { class: 'meter', 'aria-hidden': 'true' }, fill));
}

function paymentTable(model, r) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'results-table results-payments' },
      h('caption', {}, t('results.payments_caption')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('results.payments_who')),
        h('th', { scope: 'col', class: 'number' }, t('results.payments_voters')),
        h('th', { scope: 'col', class: 'number' }, t('results.payments_paid')))),
      h('tbody', {}, payments(model, r.figures).map((p) => h('tr', { dataset: { payers: p.key } },
        h('th', { scope: 'row' }, t(p.key === 'full' ? 'results.payments_full' : 'results.payments_partial')),
        h('td', { class: 'number' }, formatCount(p.count)),
        h('td', { class: 'number' }, t(p.key === 'full' ? 'results.amount_each' : 'results.amount_together', { amount: p.amount })))))));
}

function tallyChart(model, r, index, compact) {
  const electedBefore = new Set(model.result.rounds.slice(0, index + 1).flatMap((x) => x.elected || []));
  const eliminated = new Set(r.eliminated || []);
  const rows = Object.entries(r.tally)
    .map(([id, v]) => ({ id, label: model.name(id), value: figure(v), display: formatCount(v), marked: electedBefore.has(id) }))
    .sort((a, b) => b.value - a.value);
  const threshold = r.figures && r.figures.threshold !== undefined ? figure(r.figures.threshold) : null;
  const state = (row) => (electedBefore.has(row.id) ? t('results.state_elected') : eliminated.has(row.id) ? t('results.state_eliminated') : t('results.state_continuing'));
  return barChart({
    title: t('results.tally_title', { round: index + 1 }),
    description: rows.map((row) => `${row.label.text}: ${row.display}`).join('; '),
    rows,
    line: threshold !== null ? { value: threshold, label: t('results.quota_mark', { votes: formatCount(r.figures.threshold) }) } : null,
    caption: t('results.tally_caption', { round: index + 1 }),
    columns: compact ? null : [
      { heading: t('results.col_candidate'), cell: (row) => model.nameNode(row.id) },
      { heading: t('results.col_votes'), cell: (row) => row.display, number: true },
      { heading: t('results.col_state'), cell: state },
    ],
  });
}

function transferTable(model, r, index) {
  const rows = [];
  for (const [from, to] of Object.entries(r.transfers)) {
    for (const [target, votes] of Object.entries(to)) {
      rows.push(h('tr', {},
        h('td', {}, model.nameNode(from)),
        h('td', {}, target === 'exhausted' ? t('results.inactive') : model.nameNode(target)),
        h('td', { class: 'number' }, formatCount(votes))));
    }
  }
  if (!rows.length) return null;
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'results-table results-transfers' },
      h('caption', {}, t('results.transfers_caption', { round: index + 1 })),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('results.col_from')),
        h('th', { scope: 'col' }, t('results.col_to')),
        h('th', { scope: 'col', class: 'number' }, t('results.col_votes')))),
      h('tbody', {}, rows)));
}

// The nodes of round `index` of the contest `model`; `compact` (the live screen)
// keeps the sentence, the money spent and the chart, without the tables.
export function roundView(model, index, compact = false) {
  const r = model.result.rounds[index];
  const purchase = r.action === 'fund' && r.figures && r.figures.full_payers !== undefined && model.budget;
  const built = roundSentence(model, index);
  return [
    compact && built ? h('p', { class: 'results-round__text' }, built) : sentenceWithRecord(built, r.text, 'results-round__text'),
    purchase && !compact ? paymentTable(model, r) : null,
    model.budget ? spentMeter(model, spentAfter(model, index)) : null,
    r.tally ? tallyChart(model, r, index, compact) : null,
    r.transfers && !compact ? transferTable(model, r, index) : null,
  ];
}
