// The ballot's rules without any page: what a contest allows (its `limits` in the
// manifest), the instructions in plain words, whether an answer is finished, why an
// option cannot be chosen now, and the answers in the shape the server checks
// (storage/src/audit/manifest.cpp check_answers, engine/src/validate.cpp):
//   approval   {"options": [ids]}                      any order; sent in ballot order
//   ranked     {"options": [ids, best first]}
//   cumulative {"options": [ids], "points": [n, ...]}  parallel lists; only options given points
// Every contest shown to the voter gets an entry; an empty one is {"options": []}.
import { t, formatMoney } from '../i18n.js';

const limitsOf = (contest) => contest.limits || {};
const isSet = (v) => typeof v === 'number' && Number.isFinite(v);

// 'projects' for budget contests, 'options' for the others: the noun in the texts.
const nounOf = (contest) => (contest.kind === 'budget' ? 'projects' : 'options');

export function money(contest, minor) {
  return formatMoney(minor, contest.currency, contest.money_decimals ?? 0);
}

export function optionById(contest, id) {
  return contest.options.find((o) => o.id === id);
}

// The answer to `contest` inside `answers` (created empty when missing), cleaned of
// ids that are not options of the contest and of repeats, so a pre-filled state can
// never produce a ballot the server refuses for its shape.
export function answerOf(answers, contest) {
  const known = new Set(contest.options.map((o) => o.id));
  const a = answers[contest.id] && Array.isArray(answers[contest.id].options) ? answers[contest.id] : { options: [] };
  const cumulative = contest.format === 'cumulative';
  const options = [];
  const points = [];
  a.options.forEach((id, i) => {
    if (!known.has(id) || options.includes(id)) return;
    const p = cumulative ? Math.max(0, Math.floor(Number(a.points && a.points[i]) || 0)) : 0;
    if (cumulative && p === 0) return;
    options.push(id);
    points.push(p);
  });
  a.options = options;
  if (cumulative) a.points = points;
  else delete a.points;
  answers[contest.id] = a;
  return a;
}

// Sums of an answer: options chosen, their cost, points given, choices per category.
export function totals(contest, answer) {
  let cost = 0;
  let points = 0;
  const perCategory = {};
  answer.options.forEach((id, i) => {
    const o = optionById(contest, id);
    cost += o.cost || 0;
    if (answer.points) points += answer.points[i];
    for (const cat of o.categories || []) perCategory[cat] = (perCategory[cat] || 0) + 1;
  });
  return { chosen: answer.options.length, cost, points, perCategory };
}

// Sentences about how many to choose (approval) or rank (ranked), from min/max.
function countSentences(contest, prefix) {
  const { min_choices: min = 0, max_choices: max } = limitsOf(contest);
  const noun = prefix === 'rank' ? '' : '_' + nounOf(contest);
  if (isSet(max) && min > 0 && min === max) return [t(`voter.rule_${prefix}_exactly${noun}`, { count: max })];
  if (isSet(max) && min > 0) return [t(`voter.rule_${prefix}_between${noun}`, { count: max, min })];
  if (isSet(max)) return [t(`voter.rule_${prefix}_up_to${noun}`, { count: max })];
  if (min > 0) return [t(`voter.rule_${prefix}_at_least${noun}`, { count: min }), t(`voter.rule_${prefix}_any${noun}`)];
  return [t(`voter.rule_${prefix}_any${noun}`)];
}

// May the voter leave this contest empty?
function mayBeEmpty(contest) {
  const l = limitsOf(contest);
  return !(l.min_choices > 0) && !(l.min_cost > 0) && !(l.min_points_total > 0);
}

// How to answer `contest`, in plain sentences generated from its limits.
// categoryName(id) gives a category's name in the current language (or null).
export function instructions(contest, categoryName) {
  const l = limitsOf(contest);
  const noun = nounOf(contest);
  const out = [];
  if (contest.format === 'approval') {
    out.push(...countSentences(contest, 'choose'));
    if (isSet(l.max_cost)) out.push(t('voter.rule_spend_up_to', { money: money(contest, l.max_cost) }));
    if (l.min_cost > 0) out.push(t('voter.rule_spend_at_least', { money: money(contest, l.min_cost) }));
    for (const [cat, n] of Object.entries(l.max_choices_per_category || {})) {
      out.push(t('voter.rule_category_max', { count: n, category: categoryName(cat) || cat }));
    }
  } else if (contest.format === 'cumulative') {
    if (isSet(l.max_points_total)) out.push(t('voter.rule_points_up_to', { count: l.max_points_total }));
    if (l.min_points_total > 0) out.push(t('voter.rule_points_at_least', { count: l.min_points_total }));
    if (isSet(l.max_points_per_option)) out.push(t(`voter.rule_points_per_${noun}`, { count: l.max_points_per_option }));
    if (isSet(l.max_choices)) out.push(t(`voter.rule_points_spread_up_to_${noun}`, { count: l.max_choices }));
    if (l.min_choices > 0) out.push(t(`voter.rule_points_spread_at_least_${noun}`, { count: l.min_choices }));
  } else {
    out.push(...countSentences(contest, 'rank'));
    out.push(t('voter.rule_rank_first'));
  }
  if (contest.kind === 'selection' && contest.seats) out.push(t('voter.rule_seats', { count: contest.seats }));
  if (mayBeEmpty(contest)) out.push(t('voter.rule_may_skip'));
  return out;
}

// What keeps this answer from being accepted, as instruction sentences ([] when it
// is fine). The page never lets a maximum be passed; minimums are what remain.
export function unmet(contest, answer) {
  const l = limitsOf(contest);
  const s = totals(contest, answer);
  const noun = nounOf(contest);
  const out = [];
  const verb = contest.format === 'ranked' ? 'rank' : contest.format === 'cumulative' ? 'points_spread' : 'choose';
  const suffix = verb === 'rank' ? '' : '_' + noun;
  if (l.min_choices > 0 && s.chosen < l.min_choices) out.push(t(`voter.rule_${verb}_at_least${suffix}`, { count: l.min_choices }));
  if (isSet(l.max_choices) && s.chosen > l.max_choices) out.push(t(`voter.rule_${verb}_up_to${suffix}`, { count: l.max_choices }));
  if (contest.format === 'approval') {
    if (l.min_cost > 0 && s.cost < l.min_cost) out.push(t('voter.rule_spend_at_least', { money: money(contest, l.min_cost) }));
    if (isSet(l.max_cost) && s.cost > l.max_cost) out.push(t('voter.rule_spend_up_to', { money: money(contest, l.max_cost) }));
  }
  if (contest.format === 'cumulative') {
    if (l.min_points_total > 0 && s.points < l.min_points_total) out.push(t('voter.rule_points_at_least', { count: l.min_points_total }));
    if (isSet(l.max_points_total) && s.points > l.max_points_total) out.push(t('voter.rule_points_up_to', { count: l.max_points_total }));
  }
  return out;
}

// Why an unchosen approval option cannot be ticked now (null when it can).
export function approvalBlock(contest, answer, option, categoryName) {
  const l = limitsOf(contest);
  const s = totals(contest, answer);
  if (isSet(l.max_choices) && s.chosen >= l.max_choices) return t('voter.reason_full', { count: l.max_choices });
  for (const cat of option.categories || []) {
    const max = (l.max_choices_per_category || {})[cat];
    if (isSet(max) && (s.perCategory[cat] || 0) >= max) {
      return t('voter.reason_category_full', { count: max, category: categoryName(cat) || cat });
    }
  }
  if (isSet(l.max_cost) && s.cost + (option.cost || 0) > l.max_cost) {
    return t('voter.reason_no_fit', { money: money(contest, Math.max(0, l.max_cost - s.cost)) });
  }
  return null;
}

// The most points option `id` may hold now (the per-option cap, the points left,
// and no new option once the most options allowed have points).
export function pointsCap(contest, answer, id) {
  const l = limitsOf(contest);
  const s = totals(contest, answer);
  const i = answer.options.indexOf(id);
  const mine = i < 0 ? 0 : answer.points[i];
  if (i < 0 && isSet(l.max_choices) && s.chosen >= l.max_choices) return 0;
  let cap = isSet(l.max_points_per_option) ? l.max_points_per_option : Infinity;
  if (isSet(l.max_points_total)) cap = Math.min(cap, l.max_points_total - s.points + mine);
  return Math.max(0, cap);
}

export function pointsOf(answer, id) {
  const i = answer.options.indexOf(id);
  return i < 0 ? 0 : answer.points[i];
}

// Sets option `id` to `n` points (0 removes it), keeping ballot order.
export function setPoints(contest, answer, id, n) {
  const pairs = new Map(answer.options.map((o, i) => [o, answer.points[i]]));
  if (n > 0) pairs.set(id, n);
  else pairs.delete(id);
  const ordered = contest.options.map((o) => o.id).filter((o) => pairs.has(o));
  answer.options = ordered;
  answer.points = ordered.map((o) => pairs.get(o));
}

// Ticks or unticks an approval option, keeping ballot order.
export function setChosen(contest, answer, id, on) {
  const chosen = new Set(answer.options);
  if (on) chosen.add(id);
  else chosen.delete(id);
  answer.options = contest.options.map((o) => o.id).filter((o) => chosen.has(o));
}

// The answers to send: one entry per contest shown, cleaned, a fresh copy.
export function finalAnswers(contests, answers) {
  const out = {};
  for (const c of contests) {
    const a = answerOf(answers, c);
    out[c.id] = c.format === 'cumulative' ? { options: [...a.options], points: [...a.points] } : { options: [...a.options] };
  }
  return out;
}

// True when any contest has a choice in it (a ballot worth warning about).
export function hasChoices(answers) {
  return Object.values(answers || {}).some((a) => a && Array.isArray(a.options) && a.options.length > 0);
}
