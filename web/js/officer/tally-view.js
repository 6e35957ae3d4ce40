// One contest's count as the engine writes it ({contest, ballots, rule, result}:
// docs/rules/README.md), drawn for officers: the winners in order, the money, and
// every option with the server's one-sentence explanation. Used by the result page
// and by the preview of a rule.
import { h } from '../dom.js';
import { t, formatMoney, formatNumber } from '../i18n.js';
import { ruleLabel } from './contests.js';
import { textNode, code } from './ui.js';

// The option of the manifest contest with this id, or null.
function optionOf(contest, id) {
  return (contest && contest.options || []).find((o) => o.id === id) || null;
}

// An option's title from the manifest (in the reader's language when given).
export function optionName(definition, contest, id) {
  const o = optionOf(contest, id);
  return o ? textNode('span', o.title, definition.languages, {}, id) : code(id);
}

export function money(contest, minor) {
  return formatMoney(minor, contest.currency || '', contest.money_decimals || 0);
}

// tally: {contest, ballots, rule, result}; `definition`: the manifest.
export function tallyView(definition, tally, headingLevel = 'h3') {
  const contest = (definition.contests || []).find((c) => c.id === tally.contest) || { id: tally.contest, options: [] };
  const r = tally.result || {};
  const budget = contest.kind === 'budget';
  const chosenKey = budget ? 'officer.funded' : 'officer.elected';
  const notKey = budget ? 'officer.not_funded' : 'officer.not_elected';
  return h('section', { class: 'officer-tally' },
    h(headingLevel, {}, textNode('span', contest.title, definition.languages, {}, contest.id)),
    h('p', {}, t('officer.tally_rule', { rule: ruleLabel(tally.rule) }), ' · ',
      t('officer.tally_ballots', { count: tally.ballots })),
    budget ? h('p', {}, t('officer.tally_money', { spent: money(contest, r.spent || 0), budget: money(contest, r.budget || 0), left: money(contest, r.left_over || 0) })) : null,
    h('p', {}, h('strong', {}, t(budget ? 'officer.winners_budget' : 'officer.winners_selection'))),
    (r.winners || []).length
      ? h('ol', {}, r.winners.map((w) => h('li', {}, optionName(definition, contest, w))))
      : h('p', {}, t('officer.no_winners')),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, t('officer.options_table')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('officer.option')),
        budget ? h('th', { scope: 'col', class: 'number' }, t('officer.cost')) : null,
        h('th', { scope: 'col', class: 'number' }, t('officer.support')),
        h('th', { scope: 'col' }, t('officer.outcome')),
        h('th', { scope: 'col' }, t('officer.explanation')))),
      h('tbody', {}, (r.options || []).map((o) => h('tr', {},
        h('th', { scope: 'row' }, optionName(definition, contest, o.id)),
        budget ? h('td', { class: 'number' }, money(contest, o.cost || 0)) : null,
        h('td', { class: 'number' }, o.support === undefined ? '' : formatNumber(Number(o.support))),
        h('td', {}, t(o.selected ? chosenKey : notKey)),
        h('td', { lang: 'en' }, o.explanation || '')))))));
}
