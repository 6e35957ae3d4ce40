// A cumulative contest: the voter shares out points. Each option has a number field
// with − and + buttons named after the option; the points left are shown and
// announced after each change. A number above what the option may take is lowered
// to the most it may take, and the voter is told why. Buttons that cannot act now
// stay focusable (aria-disabled) so the focus never jumps away under the voter.
import { h, announce, uid } from '../dom.js';
import { t, tx, formatNumber } from '../i18n.js';
import { local, optionDetails } from './parts.js';
import { totals, pointsCap, pointsOf, setPoints } from './rules.js';

function leftWords(contest, answer) {
  const l = contest.limits || {};
  const used = totals(contest, answer).points;
  if (typeof l.max_points_total !== 'number') return { full: t('voter.points_given', { count: used }), short: t('voter.points_given', { count: used }) };
  const left = t('voter.points_left', { count: Math.max(0, l.max_points_total - used) });
  return { full: `${t('voter.points_status', { count: used, total: formatNumber(l.max_points_total) })} ${left}`, short: left };
}

// -> the nodes to show; env as for approvalContest.
export function cumulativeContest(contest, answer, env) {
  const l = contest.limits || {};
  const statusId = uid('ballot-status');
  const statusText = h('p', { class: 'ballot-status__text' });
  const status = h('div', { class: 'ballot-status', id: statusId }, statusText);

  // Why option `id` can take no more points (null when it can).
  const noMore = (id) => {
    if (pointsCap(contest, answer, id) > pointsOf(answer, id)) return null;
    if (pointsOf(answer, id) === 0 && typeof l.max_choices === 'number' && totals(contest, answer).chosen >= l.max_choices) {
      return t('voter.reason_full', { count: l.max_choices });
    }
    if (typeof l.max_points_per_option === 'number' && pointsOf(answer, id) >= l.max_points_per_option) {
      return t('voter.reason_points_max', { count: l.max_points_per_option });
    }
    return t('voter.reason_no_points');
  };

  const rows = contest.options.map((option) => {
    const title = tx(option.title, env.langs);
    const inputId = uid('ballot-points');
    const detailsId = uid('ballot-details');
    const reasonId = uid('ballot-reason');
    const details = optionDetails(contest, option, env, detailsId);
    const reason = h('p', { class: 'ballot-option__reason', id: reasonId, hidden: true });
    const set = (wanted) => {
      const cap = pointsCap(contest, answer, option.id);
      const n = Math.max(0, Math.min(Number.isFinite(wanted) ? Math.floor(wanted) : 0, cap));
      setPoints(contest, answer, option.id, n);
      refresh();
      const lowered = wanted > cap ? t('voter.points_lowered', { count: cap }) : '';
      if (lowered) { reason.hidden = false; reason.textContent = lowered; }
      announce([t('voter.announce_points', { title, count: n }), lowered, leftWords(contest, answer).short].filter(Boolean).join(' '));
      env.onChange();
    };
    const input = h('input', {
      type: 'number', id: inputId, class: 'ballot-points__input', min: '0', step: '1', inputmode: 'numeric',
      'aria-describedby': [details ? detailsId : null, reasonId].filter(Boolean).join(' '),
      onchange: () => set(input.value.trim() === '' ? 0 : Number(input.value)),
    });
    const step = (delta, label) => h('button', {
      type: 'button',
      class: 'button button--small ballot-points__step',
      dataset: { delta: String(delta), option: option.id },
      onclick: (event) => {
        const button = event.currentTarget;
        if (button.getAttribute('aria-disabled') === 'true') {
          announce(delta > 0 ? noMore(option.id) : t('voter.points_none', { title }));
          return;
        }
        set(pointsOf(answer, option.id) + delta);
      },
    }, h('span', { 'aria-hidden': 'true' }, delta > 0 ? '+' : '−'), h('span', { class: 'visually-hidden' }, label));
    const minus = step(-1, t('voter.points_less', { title }));
    const plus = step(1, t('voter.points_more', { title }));
    const li = h('li', { class: 'ballot-option' },
      local('p', option.title, env.langs, { class: 'ballot-option__title' }),
      details,
      h('div', { class: 'ballot-points' },
        h('label', { for: inputId, class: 'ballot-points__label' }, t('voter.points_for', { title })),
        h('div', { class: 'ballot-points__controls' }, minus, input, plus)),
      reason);
    return { option, li, input, minus, plus, reason };
  });

  function refresh() {
    for (const r of rows) {
      const n = pointsOf(answer, r.option.id);
      const cap = pointsCap(contest, answer, r.option.id);
      const blocked = noMore(r.option.id);
      r.input.value = String(n);
      r.input.max = String(Math.max(cap, n));
      r.minus.setAttribute('aria-disabled', n === 0 ? 'true' : 'false');
      r.plus.setAttribute('aria-disabled', blocked ? 'true' : 'false');
      r.reason.hidden = !(blocked && n === 0);
      r.reason.textContent = blocked && n === 0 ? blocked : '';
      r.li.classList.toggle('ballot-option--chosen', n > 0);
    }
    statusText.textContent = leftWords(contest, answer).full;
  }
  refresh();

  const fieldset = h('fieldset', { class: 'ballot-options', 'aria-describedby': `${env.describedBy} ${statusId}` },
    local('legend', contest.title, env.langs, { class: 'visually-hidden' }),
    h('ul', { class: 'ballot-option-list' }, rows.map((r) => r.li)));
  return [status, fieldset];
}
