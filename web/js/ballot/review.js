// The review step's content: every contest with the voter's choices in plain words
// (ranked in order, points per option, money spent against the budget) and a
// "Change" button that goes back to that contest.
import { h } from '../dom.js';
import { t, tx, formatNumber } from '../i18n.js';
import { local } from './parts.js';
import { answerOf, money, optionById, totals, pointsOf } from './rules.js';

function choicesList(contest, answer, langs) {
  if (!answer.options.length) return h('p', { class: 'ballot-review__nothing' }, t('voter.review_nothing'));
  const item = (id) => {
    const o = optionById(contest, id);
    if (contest.format === 'cumulative') {
      return h('li', {}, local('span', o.title, langs), ' ', h('span', { class: 'ballot-review__amount' }, t('voter.review_points', { count: pointsOf(answer, id) })));
    }
    if (contest.kind === 'budget') {
      return h('li', {}, local('span', o.title, langs), ' ', h('span', { class: 'ballot-review__amount' }, money(contest, o.cost || 0)));
    }
    return h('li', {}, local('span', o.title, langs));
  };
  return h(contest.format === 'ranked' ? 'ol' : 'ul', { class: 'ballot-review__list' }, answer.options.map(item));
}

function totalLine(contest, answer) {
  const l = contest.limits || {};
  const s = totals(contest, answer);
  if (contest.format === 'cumulative') {
    return typeof l.max_points_total === 'number'
      ? t('voter.review_total_points_of', { count: s.points, total: formatNumber(l.max_points_total) })
      : t('voter.review_total_points', { count: s.points });
  }
  if (contest.kind !== 'budget' || contest.format !== 'approval') return null;
  return typeof l.max_cost === 'number'
    ? t('voter.review_total_cost_of', { spent: money(contest, s.cost), budget: money(contest, l.max_cost) })
    : t('voter.review_total_cost', { spent: money(contest, s.cost) });
}

// One section per contest; onChange(contest) goes back to it (no "Change" buttons
// when onChange is null).
export function reviewSections(contests, answers, langs, onChange) {
  return contests.map((contest) => {
    const answer = answerOf(answers, contest);
    const headingId = `ballot-review-${contest.id}`;
    const total = totalLine(contest, answer);
    return h('section', { class: 'ballot-review', 'aria-labelledby': headingId },
      local('h2', contest.title, langs, { id: headingId }),
      choicesList(contest, answer, langs),
      total ? h('p', { class: 'ballot-review__total' }, total) : null,
      onChange ? h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'button button--small ballot-change', onclick: () => onChange(contest) },
          t('voter.change'), h('span', { class: 'visually-hidden' }, ' ', tx(contest.title, langs)))) : null);
  });
}
