// Reading a published election for the results, audit and live pages: the election
// and its frozen manifest, the signed result document, and one "contest model" per
// contest joining the manifest's texts (in the officer's languages) with the engine's
// figures (docs/rules/README.md). Also the helpers these pages share: money of a
// contest, figures written as exact strings, sentences with names in their own
// language, and the page drawn when the election cannot be loaded.
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { t, textIn, language, formatMoney, formatNumber } from '../i18n.js';

export const electionPath = (id) => `/elections/${encodeURIComponent(id)}`;

export function loadElection(id) {
  return get(electionPath(id));
}

export function loadResult(id) {
  return get(`${electionPath(id)}/result`);
}

// A figure of the result document ("12", "27439.02439", "1/3") as a number.
export function figure(value) {
  if (value === undefined || value === null || value === '') return NaN;
  const text = String(value);
  const slash = text.indexOf('/');
  return slash > 0 ? Number(text.slice(0, slash)) / Number(text.slice(slash + 1)) : Number(text);
}

// A count of votes or points as people read it (at most 4 decimals for fractional
// transfers of ranked counts).
export function formatCount(value) {
  return formatNumber(figure(value), { maximumFractionDigits: 4 });
}

// An element showing an election text, with lang when it is not the page's language.
export function textNode(tag, texts, attrs = {}) {
  return h(tag, { ...attrs, lang: texts.lang !== language() ? texts.lang : null }, texts.text);
}

// t() whose variables may be DOM nodes (a name in its own language): the text split
// around them, as an array for h().
export function tn(key, vars) {
  const marks = {};
  const plain = {};
  Object.entries(vars || {}).forEach(([name, value], i) => {
    if (value instanceof Node) {
      marks[`\u0001${i}\u0002`] = value;
      plain[name] = `\u0001${i}\u0002`;
    } else plain[name] = value;
  });
  return t(key, plain).split(/(\u0001\d+\u0002)/).filter(Boolean).map((part) => marks[part] || part);
}

// "A, B and C" in the page's language; items are strings or nodes.
export function listOf(items) {
  const format = new Intl.ListFormat(language(), { type: 'conjunction' });
  const parts = format.formatToParts(items.map((_, i) => `\u0001${i}\u0002`));
  return parts.map((p) => (p.type === 'element' ? items[Number(p.value.slice(1, -1))] : p.value));
}

const SUPPORT_UNIT = { approval: 'results.votes', cumulative: 'results.points', ranked: 'results.points' };

// One contest of the result, with everything the pages need to draw it.
export function contestModel(manifest, tally) {
  const contest = manifest.contests.find((c) => c.id === tally.contest) || { id: tally.contest, options: [] };
  const result = tally.result;
  const langs = manifest.languages;
  const budget = contest.kind === 'budget';
  const byId = new Map(contest.options.map((o) => [o.id, o]));
  const engineOptions = new Map(result.options.map((o) => [o.id, o]));
  const district = (manifest.districts || []).find((d) => d.id === contest.district);
  const model = {
    id: contest.id,
    contest,
    result,
    tally,
    langs,
    budget,
    title: textIn(contest.title, langs),
    district: district ? textIn(district.name, langs) : null,
    money: (minor) => formatMoney(minor, contest.currency || result.contest.currency, contest.money_decimals ?? result.contest.money_decimals),
    // The option's title in the page's language (the engine's name, in English, if
    // the manifest lacks it).
    name(id) {
      const o = byId.get(id);
      if (o) return textIn(o.title, langs);
      const e = engineOptions.get(id);
      return { text: (e && e.name) || id, lang: 'en' };
    },
    nameNode(id) { return textNode('span', model.name(id), { class: 'results-name' }); },
    cost(id) { return (engineOptions.get(id) || byId.get(id) || {}).cost || 0; },
    // "12 votes" (approval) or "12 points" (cumulative and ranked budget ballots);
    // ranked selection contests count first preferences as votes.
    support(count) {
      const unit = budget ? SUPPORT_UNIT[contest.format] || 'results.votes' : 'results.votes';
      return t(unit, { count: figure(count) });
    },
    // An option's support as the result counts it: first choices in a ranked
    // selection contest (its first round), else as support().
    optionSupport(count) {
      return !budget && contest.format === 'ranked' ? t('results.first_choices', { count: figure(count) }) : model.support(count);
    },
    // "Funded" / "Not funded" / "Elected" / "Not elected".
    chosenText(selected) {
      if (budget) return t(selected ? 'results.state_funded' : 'results.state_not_funded');
      return t(selected ? 'results.state_elected' : 'results.state_not_elected');
    },
  };
  return model;
}

// The election's title and the h1 above every page of this part.
export function electionTitle(election) {
  return textIn(election.title || election.manifest?.title, election.manifest?.languages);
}

// Draws the page for an election that could not be loaded (unknown id, server down).
export function drawLoadError(ctx, heading, error) {
  const message = error.status === 404 ? t('common.unknown_election') : error.offline ? t('common.offline') : error.message;
  ctx.setTitle(heading);
  replace(ctx.main,
    h('h1', { text: heading }),
    h('p', { class: 'notice notice--error', role: 'alert', text: message }),
    h('p', {}, h('a', { href: '/' }, t('common.nav_home'))));
}
