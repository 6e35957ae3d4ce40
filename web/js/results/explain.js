// Sentences about a count in the page's language, built from the result document's
// structured fields (figures, rounds, winners) rather than from the engine's English
// sentences, with project and candidate names in their own language. When a rule
// records nothing these builders understand, they return null and the page shows the
// engine's sentence with lang="en" instead.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { figure, formatCount, listOf, tn } from './data.js';

// The round that decided option `id`: funded, completed, elected, skipped, stopped at,
// or eliminated. {index, round} or null.
function decidingRound(model, id) {
  const rounds = model.result.rounds;
  for (let i = 0; i < rounds.length; i += 1) {
    const r = rounds[i];
    if (r.option === id && ['fund', 'complete', 'elect', 'skip', 'stop'].includes(r.action)) return { index: i, round: r };
    if ((r.elected || []).includes(id) || (r.eliminated || []).includes(id)) return { index: i, round: r };
  }
  return null;
}

// Money spent after round `index` (budget contests): the costs of what was funded so far.
export function spentAfter(model, index) {
  return model.result.rounds.slice(0, index + 1)
    .filter((r) => r.option && (r.action === 'fund' || r.action === 'complete'))
    .reduce((sum, r) => sum + model.cost(r.option), 0);
}

// The payments of an equal-shares purchase: [{key, count, amount}] for those who paid
// the full price each and those who paid all they had left (together).
export function payments(model, f) {
  const full = figure(f.full_payers);
  const partial = figure(f.partial_payers);
  const each = figure(f.payment);
  const out = [];
  if (full > 0) out.push({ key: 'full', count: full, amount: model.money(each) });
  if (partial > 0) out.push({ key: 'partial', count: partial, amount: model.money(Math.round((figure(f.cost) - full * each) * 1e6) / 1e6) });
  return out;
}

function whoPaid(model, f) {
  const parts = payments(model, f).map((p) => t(p.key === 'full' ? 'results.paid_each' : 'results.paid_rest', { count: p.count, amount: p.amount }));
  return parts.length === 2 ? t('results.both', { first: parts[0], second: parts[1] }) : parts[0] || '';
}

const isMesPurchase = (f) => f && f.full_payers !== undefined && f.payment !== undefined;
const hasCompletion = (model) => {
  const c = model.result.rule.parameters.completion;
  return c !== undefined && c !== 'none';
};

function budgetFunded(model, option, found) {
  const votes = model.support(option.support);
  if (!found) return t('results.why_funded', { votes });
  const round = found.index + 1;
  const r = found.round;
  const cost = model.money(option.cost);
  if (r.action === 'complete') return t('results.why_completion', { round, votes, cost });
  if (isMesPurchase(r.figures)) return t('results.why_mes_funded', { round, who: whoPaid(model, r.figures) });
  if (r.figures && r.figures.position !== undefined) {
    return t('results.why_greedy_funded', {
      round, votes, position: formatCount(r.figures.position), cost, left: model.money(figure(r.figures.left_before)),
    });
  }
  return t('results.why_funded_round', { round, votes });
}

function budgetNotFunded(model, option, found) {
  const cost = model.money(option.cost);
  const f = option.figures || {};
  if (option.support === 0) return t('results.why_no_votes');
  if (option.cost > model.result.budget) return t('results.why_over_budget', { cost, budget: model.money(model.result.budget) });
  if (f.left_of_supporters !== undefined) {
    const text = t('results.why_mes_short', {
      supporters: t('results.supporters', { count: figure(f.supporters) }), left: model.money(figure(f.left_of_supporters)), cost,
    });
    return hasCompletion(model) ? `${text} ${t('results.why_no_room', { cost, left: model.money(model.result.left_over) })}` : text;
  }
  if (found && (found.round.action === 'skip' || found.round.action === 'stop')) {
    const text = t('results.why_greedy_skipped', {
      position: formatCount(found.round.figures.position), votes: model.support(option.support), cost, left: model.money(figure(found.round.figures.left_before)),
    });
    return found.round.action === 'stop' ? `${text} ${t('results.why_stopped')}` : text;
  }
  return t('results.why_not_funded', { votes: model.support(option.support), cost });
}

function selection(model, option, found) {
  if (!found) return t(option.selected ? 'results.why_elected' : 'results.why_not_elected');
  const round = found.index + 1;
  const tally = found.round.tally && found.round.tally[option.id];
  const votes = tally !== undefined ? model.support(tally) : null;
  if ((found.round.eliminated || []).includes(option.id)) {
    return votes ? t('results.why_eliminated_votes', { round, votes }) : t('results.why_eliminated', { round });
  }
  if (!option.selected) return t('results.why_not_elected');
  return votes ? t('results.why_elected_round_votes', { round, votes }) : t('results.why_elected_round', { round });
}

// Why option `option` (an entry of result.options) was or was not chosen: a string.
export function optionSentence(model, option) {
  const found = decidingRound(model, option.id);
  if (!model.budget) return selection(model, option, found);
  return option.selected ? budgetFunded(model, option, found) : budgetNotFunded(model, option, found);
}

const span = (children) => h('span', {}, children);

function countRound(model, r) {
  const parts = [];
  if (r.figures && r.figures.threshold !== undefined) parts.push(t('results.round_quota', { votes: formatCount(r.figures.threshold) }), ' ');
  const elected = r.elected || [];
  const eliminated = r.eliminated || [];
  if (elected.length) parts.push(...tn('results.round_elected', { names: span(listOf(elected.map((id) => model.nameNode(id)))) }), ' ');
  if (eliminated.length) parts.push(...tn('results.round_eliminated', { names: span(listOf(eliminated.map((id) => model.nameNode(id)))) }), ' ');
  if (!elected.length && !eliminated.length) {
    if (!r.tally) return null;
    parts.push(t('results.round_final'));
  }
  return parts;
}

// What happened in round `index`: an array of strings and nodes, or null.
export function roundSentence(model, index) {
  const r = model.result.rounds[index];
  const f = r.figures || {};
  const project = r.option ? model.nameNode(r.option) : null;
  const cost = r.option ? model.money(model.cost(r.option)) : '';
  switch (r.action) {
    case 'raise':
      if (!model.budget || f.final_share === undefined || (f.steps === '0' && f.overspend_at_next_step === undefined)) return null;
      return [
        t('results.round_raise', {
          start: model.money(figure(f.start_share)), final: model.money(figure(f.final_share)), times: t('results.times', { count: figure(f.steps) }),
        }),
        f.overspend_at_next_step !== undefined ? ` ${t('results.round_raise_overspend', { amount: model.money(figure(f.overspend_at_next_step)) })}` : '',
      ];
    case 'fund':
      if (!project) return null;
      if (!model.budget) return tn('results.round_elect', { name: project });
      if (isMesPurchase(f)) return tn('results.round_mes_fund', { project, cost, who: whoPaid(model, f) });
      if (f.position !== undefined) {
        return tn('results.round_greedy_fund', {
          project, cost, votes: model.support(f.support), position: formatCount(f.position), left: model.money(model.result.budget - spentAfter(model, index)),
        });
      }
      return tn('results.round_fund', { project, cost, left: model.money(model.result.budget - spentAfter(model, index)) });
    case 'complete':
      if (!project) return null;
      if (!model.budget) return tn('results.round_elect', { name: project });
      return tn('results.round_complete', { project, cost, left: model.money(model.result.budget - spentAfter(model, index)) });
    case 'skip':
    case 'stop':
      if (!project || f.left_before === undefined) return null;
      return tn(r.action === 'skip' ? 'results.round_skip' : 'results.round_stop', { project, cost, left: model.money(figure(f.left_before)) });
    case 'elect':
      return project ? tn('results.round_elect', { name: project }) : countRound(model, r);
    default:
      return countRound(model, r);
  }
}
