// The results page (/results/:election): for every contest the funded projects or
// elected candidates first, charts of the money and the votes (each with a table of
// the same figures), why each option was or was not chosen, a round-by-round replay,
// and how it was counted (rule, parameters, tie-break seed); then what anyone can
// check: the result's signature (verified in the browser), the manifest hash, the
// ballot count and a link to the audit page.
import { ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { barChart } from '../results/chart.js';
import { contestModel, drawLoadError, electionTitle, formatCount, loadElection, loadResult, textNode, tn } from '../results/data.js';
import { optionSentence } from '../results/explain.js';
import { stepper } from '../results/replay.js';
import { roundView, spentMeter } from '../results/rounds.js';
import { ruleAbout, ruleName, tieBreakText } from '../results/rules.js';
import { verifySignature } from '../results/signature.js';

// Kept across a language change: the loaded election and the replay positions.
const state = { id: null, data: null, steps: new Map() };

const enc = encodeURIComponent;

async function load(id) {
  const election = await loadElection(id);
  if (election.state !== 'published') return { election, result: null };
  const result = await loadResult(id);
  const signed = await verifySignature(result, election.manifest.keys.signing);
  return { election, result, signed };
}

function winnersList(model) {
  const winners = model.result.winners;
  if (!winners.length) return h('p', {}, t(model.budget ? 'results.none_funded' : 'results.none_elected'));
  const byId = new Map(model.result.options.map((o) => [o.id, o]));
  return h('ol', { class: 'results-winners' }, winners.map((id) => h('li', { class: 'results-winner', dataset: { option: id } },
    h('span', { class: 'results-winner__name' }, model.nameNode(id)),
    h('span', { class: 'results-winner__figures' },
      model.budget ? `${model.money(model.cost(id))} · ${model.support(byId.get(id).support)}` : model.optionSupport(byId.get(id).support)))));
}

function moneyChart(model) {
  const rows = model.result.winners.map((id) => ({ id, label: model.name(id), value: model.cost(id), display: model.money(model.cost(id)), marked: true }));
  const summary = t('results.spent_of', { spent: model.money(model.result.spent), budget: model.money(model.result.budget), left: model.money(model.result.left_over) });
  return barChart({
    title: t('results.money_title'),
    description: `${summary} ${rows.map((r) => `${r.label.text}: ${r.display}`).join('; ')}`,
    rows,
    caption: t('results.money_caption'),
    columns: [
      { heading: t('results.col_project'), cell: (row) => model.nameNode(row.id) },
      { heading: t('results.col_money'), cell: (row) => row.display, number: true },
    ],
  });
}

function votesChart(model) {
  const order = new Map(model.contest.options.map((o, i) => [o.id, i]));
  const rows = model.result.options
    .map((o) => ({ id: o.id, label: model.name(o.id), value: o.support, display: formatCount(o.support), marked: o.selected }))
    .sort((a, b) => b.value - a.value || order.get(a.id) - order.get(b.id));
  const chosen = (row) => model.chosenText(row.marked);
  const unit = t(model.budget ? (model.contest.format === 'approval' ? 'results.col_votes' : 'results.col_points')
    : (model.contest.format === 'ranked' ? 'results.col_first' : 'results.col_votes'));
  return barChart({
    title: t(model.budget ? 'results.votes_title' : 'results.first_votes_title'),
    description: rows.map((r) => `${r.label.text}: ${r.display}, ${chosen(r)}`).join('; '),
    rows,
    caption: t(model.budget ? 'results.votes_caption' : 'results.first_votes_caption'),
    columns: [
      { heading: t(model.budget ? 'results.col_project' : 'results.col_candidate'), cell: (row) => model.nameNode(row.id) },
      { heading: unit, cell: (row) => row.display, number: true },
      { heading: t('results.col_state'), cell: chosen },
    ],
  });
}

function whyList(model) {
  const byId = new Map(model.result.options.map((o) => [o.id, o]));
  const ordered = [...model.result.winners, ...model.contest.options.map((o) => o.id).filter((id) => !model.result.winners.includes(id))]
    .map((id) => byId.get(id)).filter(Boolean);
  return [
    h('ul', { class: 'results-why' }, ordered.map((o) => {
      const built = optionSentence(model, o);
      return h('li', { class: 'results-why__item', dataset: { option: o.id } },
        h('p', { class: 'results-why__name' }, model.nameNode(o.id), ' ',
          h('span', { class: ['results-badge', o.selected && 'results-badge--chosen'] }, model.chosenText(o.selected))),
        h('p', { class: 'results-why__text', lang: built ? null : 'en' }, built || o.explanation));
    })),
    h('details', { class: 'results-details' },
      h('summary', {}, t('results.engine_words_all')),
      h('ul', { class: 'results-record' }, ordered.map((o) => h('li', {},
        model.nameNode(o.id), ': ', h('span', { lang: 'en' }, o.explanation))))),
  ];
}

function replaySection(model) {
  const rounds = model.result.rounds;
  const headingId = `replay-${model.id}`;
  if (!rounds.length) return null;
  const key = model.id;
  const replay = stepper({
    label: t('results.replay_controls', { contest: model.title.text }),
    count: rounds.length,
    index: state.steps.get(key) || 0,
    counter: (i, n) => t('results.round_of', { round: i + 1, total: n }),
    render: (i) => roundView(model, i),
    onChange: (i) => state.steps.set(key, i),
  });
  return h('section', { 'aria-labelledby': headingId },
    h('h3', { id: headingId }, t('results.replay_title')),
    h('p', {}, t('results.replay_intro')),
    replay.element);
}

function howCounted(model, result) {
  const rule = ruleName(model.result);
  const about = ruleAbout(model.result, model.budget);
  const params = Object.entries(model.result.rule.parameters);
  const order = model.result.tie_break.order || [];
  return h('section', { 'aria-labelledby': `how-${model.id}` },
    h('h3', { id: `how-${model.id}` }, t('results.how_title')),
    h('dl', { class: 'results-facts' },
      h('dt', {}, t('results.fact_rule')),
      h('dd', {}, h('span', { lang: rule.lang }, rule.text), ' ', h('span', { class: 'code-text' }, `(${model.result.rule.name})`)),
      about ? [h('dt', {}, t('results.fact_about')), h('dd', {}, about)] : null,
      h('dt', {}, t('results.fact_ballots')),
      h('dd', {}, formatCount(model.tally.ballots)),
      model.budget ? [h('dt', {}, t('results.fact_budget')), h('dd', {}, model.money(model.result.budget))] : null,
      !model.budget && model.contest.seats ? [h('dt', {}, t('results.fact_seats')), h('dd', {}, formatCount(model.contest.seats))] : null,
      h('dt', {}, t('results.fact_tie_break')),
      h('dd', {}, tieBreakText(model.result.tie_break.method)),
      h('dt', {}, t('results.fact_seed')),
      h('dd', { class: 'code-text' }, result.seed || t('results.no_seed'))),
    params.length ? h('details', { class: 'results-details' },
      h('summary', {}, t('results.parameters_title')),
      h('table', { class: 'results-table' },
        h('caption', { class: 'visually-hidden' }, t('results.parameters_title')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('results.col_setting')), h('th', { scope: 'col' }, t('results.col_value')))),
        h('tbody', {}, params.map(([k, v]) => h('tr', {},
          h('th', { scope: 'row', class: 'code-text', lang: 'en' }, k),
          h('td', { class: 'code-text', lang: 'en' }, v)))))) : null,
    order.length ? h('details', { class: 'results-details' },
      h('summary', {}, t('results.tie_order_title')),
      h('ol', {}, order.map((id) => h('li', {}, model.nameNode(id))))) : null);
}

function contestSection(model, result) {
  const headingId = `contest-${model.id}`;
  const r = model.result;
  return h('section', { class: 'results-contest', 'aria-labelledby': headingId, dataset: { contest: model.id } },
    h('h2', { id: headingId, tabindex: '-1' }, textNode('span', model.title)),
    model.district ? h('p', { class: 'results-district' }, tn('results.district_only', { district: textNode('span', model.district) })) : null,
    h('p', { class: 'results-summary' },
      model.budget
        ? t('results.summary_budget', { count: r.winners.length, ballots: formatCount(model.tally.ballots) })
        : t('results.summary_selection', { count: r.winners.length, ballots: formatCount(model.tally.ballots) })),
    h('h3', {}, t(model.budget ? 'results.funded_title' : 'results.elected_title')),
    winnersList(model),
    model.budget ? [spentMeter(model, r.spent), h('h3', {}, t('results.money_title')), moneyChart(model)] : null,
    h('h3', {}, t(model.budget ? 'results.votes_title' : 'results.first_votes_title')),
    votesChart(model),
    h('h3', {}, t(model.budget ? 'results.why_title_budget' : 'results.why_title_selection')),
    whyList(model),
    replaySection(model),
    howCounted(model, result));
}

function checkSection(id, election, result, signed) {
  const cp = result.ballot_checkpoint || {};
  return h('section', { class: 'results-check', 'aria-labelledby': 'check-heading' },
    h('h2', { id: 'check-heading' }, t('results.check_title')),
    h('p', { class: ['notice', signed ? 'notice--success' : 'notice--error'], dataset: { check: signed ? 'pass' : 'fail' } },
      t(signed ? 'results.signature_ok' : 'results.signature_bad')),
    h('dl', { class: 'results-facts' },
      h('dt', {}, t('results.fact_total_ballots')),
      h('dd', {}, formatCount((result.counts && result.counts.ballots) ?? cp.size ?? 0)),
      h('dt', {}, t('results.fact_manifest')),
      h('dd', { class: 'code-text results-hash' }, result.manifest),
      h('dt', {}, t('results.fact_root', { count: cp.size ?? 0 })),
      h('dd', { class: 'code-text results-hash' }, cp.root || ''),
      h('dt', {}, t('results.fact_key')),
      h('dd', { class: 'code-text results-hash' }, election.manifest.keys.signing)),
    h('p', {}, t('results.check_intro')),
    h('div', { class: 'actions' },
      h('a', { class: 'button button--primary', href: `/audit/${enc(id)}` }, t('results.audit_link')),
      h('a', { class: 'button', href: `/api/v1/elections/${enc(id)}/record`, download: `${id}-record.tar` }, t('results.record_link'))));
}

function drawNotPublished(ctx, election) {
  const title = electionTitle(election);
  ctx.setTitle(t('results.page_title', { title: title.text }));
  replace(ctx.main,
    h('h1', {}, textNode('span', title)),
    h('p', { class: 'notice notice--warning' }, t('results.not_published'), ' ', t(`common.state_${election.state}`)),
    h('div', { class: 'actions' },
      election.state === 'open' ? h('a', { class: 'button', href: `/live/${enc(election.id)}` }, t('results.live_link')) : null,
      h('a', { class: 'button', href: `/audit/${enc(election.id)}` }, t('results.audit_link'))));
}

export default async function render(ctx) {
  const id = ctx.params.election;
  if (state.id !== id) {
    state.id = id;
    state.data = null;
    state.steps = new Map();
  }
  if (!state.data) {
    ctx.setTitle(t('results.heading'));
    replace(ctx.main, h('h1', {}, t('results.heading')), h('p', { class: 'loading' }, t('common.loading')));
    let data;
    try {
      data = await load(id);
    } catch (e) {
      if (!ctx.current()) return;
      if (!(e instanceof ApiError)) throw e;
      drawLoadError(ctx, t('results.heading'), e);
      return;
    }
    if (!ctx.current()) return;
    if (!data.result) {
      drawNotPublished(ctx, data.election);
      return;
    }
    state.data = data;
  }
  const { election, result, signed } = state.data;
  const title = electionTitle(election);
  const models = result.contests.map((c) => contestModel(election.manifest, c));
  ctx.setTitle(t('results.page_title', { title: title.text }));
  replace(ctx.main,
    h('h1', {}, t('results.heading_for'), ' ', textNode('span', title)),
    h('p', { class: 'lead' }, t('results.intro', { count: (result.counts && result.counts.ballots) || 0 })),
    models.length > 1 ? h('nav', { class: 'results-toc', 'aria-labelledby': 'toc-heading' },
      h('h2', { id: 'toc-heading', class: 'results-toc__title' }, t('results.toc_title')),
      h('ul', {}, models.map((m) => h('li', {}, h('a', { href: `#contest-${m.id}` }, textNode('span', m.title)))))) : null,
    models.map((m) => contestSection(m, result)),
    checkSection(id, election, result, signed));
}
