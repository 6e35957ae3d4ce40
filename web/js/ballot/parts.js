// Small pieces shared by the voter's pages and the ballot steps: election texts
// marked with their language, the step header (election title and the list of
// steps), an error summary, and showing one option's details.
import { h } from '../dom.js';
import { t, textIn, language, direction, formatNumber } from '../i18n.js';
import { money } from './rules.js';

// An element showing an election text ({en, ar, ...}) in the chosen language, or
// in the election's fallback marked with lang (and dir when it differs).
export function local(tag, texts, langs, attrs = {}) {
  const { text, lang } = textIn(texts, langs);
  const other = lang !== language();
  return h(tag, {
    ...attrs,
    lang: other ? lang : null,
    dir: other && direction(lang) !== direction() ? direction(lang) : null,
  }, text);
}

// Names of categories and districts (from the manifest's lists) in the current
// language; null when the list does not have it (an id means nothing to a resident).
export function namer(list, langs) {
  return (id) => {
    const found = (list || []).find((x) => x.id === id);
    return found ? textIn(found.name, langs).text || null : null;
  };
}

// The top of every voter step: the election's title and the numbered steps with the
// current one marked. `steps` are labels; `current` is an index into them.
export function stepHeader(election, steps, current) {
  return [
    local('p', election.title, election.languages, { class: 'ballot-election' }),
    h('ol', { class: 'steps ballot-steps', 'aria-label': t('voter.steps_label') },
      steps.map((label, i) => h('li', { 'aria-current': i === current ? 'step' : null },
        h('span', { class: 'ballot-steps__number' }, formatNumber(i + 1)), ' ', label))),
  ];
}

// A step's main heading; focusable so a step change can move the focus there.
export function stepHeading(text) {
  return h('h1', { tabindex: '-1' }, text);
}

// The GOV.UK-style error summary: a title and links to the places to fix.
// items: [{text, target (an element id), lang?}].
export function errorSummary(title, items) {
  const box = h('div', { class: 'error-summary', tabindex: '-1', role: 'group', 'aria-labelledby': 'ballot-error-summary-title' },
    h('h2', { id: 'ballot-error-summary-title' }, title),
    h('ul', {}, items.map((item) => h('li', {},
      h('a', {
        href: '#' + item.target,
        lang: item.lang || null,
        onclick: (event) => {
          event.preventDefault();
          const el = document.getElementById(item.target);
          if (el) { el.scrollIntoView({ block: 'start' }); el.focus(); }
        },
      }, item.text)))));
  return box;
}

// An option's details for the voter: description, cost, categories, area and
// picture (a picture only from this site or inline, as the CSP allows).
export function optionDetails(contest, option, env, id) {
  const facts = [];
  if (contest.kind === 'budget' || option.cost) facts.push(h('span', { class: 'ballot-option__cost' }, t('voter.option_cost', { money: money(contest, option.cost || 0) })));
  const categories = (option.categories || []).map(env.categoryName).filter(Boolean);
  if (categories.length) facts.push(h('span', {}, t('voter.option_categories', { list: new Intl.ListFormat(language()).format(categories) })));
  const area = option.district && option.district !== contest.district ? env.districtName(option.district) : null;
  if (area) facts.push(h('span', {}, t('voter.option_area', { district: area })));
  const picture = typeof option.picture === 'string' && /^(\/(?!\/)|data:image\/)/.test(option.picture) ? option.picture : null;
  const description = textIn(option.description, env.langs).text;
  if (!facts.length && !picture && !description) return null;
  return h('div', { class: 'ballot-option__details', id },
    picture ? h('img', { class: 'ballot-option__picture', src: picture, alt: '' }) : null,
    description ? local('p', option.description, env.langs, { class: 'ballot-option__description' }) : null,
    facts.length ? h('p', { class: 'ballot-option__facts' }, facts) : null);
}
