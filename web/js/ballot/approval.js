// An approval contest (budget or selection): one checkbox per option. Budget
// contests show the money spent on a meter and the money left in words; an option
// that cannot be ticked now (it does not fit the money left, the most options or the
// most in its category are chosen) is disabled with the reason beside it, and comes
// back as soon as something is unticked. Each change is announced once.
import { h, announce, uid } from '../dom.js';
import { t, tx } from '../i18n.js';
import { local, optionDetails } from './parts.js';
import { totals, approvalBlock, setChosen, money } from './rules.js';

// The state of the contest in words: {full (on the page), short (announced)}.
function statusWords(contest, answer) {
  const l = contest.limits || {};
  const s = totals(contest, answer);
  const parts = [];
  let short = '';
  if (typeof l.max_cost === 'number') {
    const left = t('voter.money_left', { money: money(contest, Math.max(0, l.max_cost - s.cost)) });
    parts.push(t('voter.spent_of', { spent: money(contest, s.cost), budget: money(contest, l.max_cost) }), left);
    short = left;
  } else if (contest.kind === 'budget') {
    parts.push(t('voter.spent', { spent: money(contest, s.cost) }));
    short = parts[0];
  }
  const count = typeof l.max_choices === 'number'
    ? t('voter.chosen_of', { count: s.chosen, max: l.max_choices })
    : t('voter.chosen', { count: s.chosen });
  if (contest.kind !== 'budget' || typeof l.max_choices === 'number') {
    parts.push(count);
    short = short ? `${short} ${count}` : count;
  }
  return { full: parts.join(' '), short };
}

// -> the nodes to show; env: {langs, categoryName, districtName, headingId, describedBy, onChange}
export function approvalContest(contest, answer, env) {
  const l = contest.limits || {};
  const statusId = uid('ballot-status');
  const statusText = h('p', { class: 'ballot-status__text' });
  const fill = h('div', { class: 'meter__fill' });
  const meter = typeof l.max_cost === 'number' && l.max_cost > 0 ? h('div', { class: 'meter ballot-meter', 'aria-hidden': 'true' }, fill) : null;
  const status = h('div', { class: 'ballot-status', id: statusId }, statusText, meter);

  const rows = contest.options.map((option) => {
    const inputId = uid('ballot-option');
    const detailsId = uid('ballot-details');
    const reasonId = uid('ballot-reason');
    const details = optionDetails(contest, option, env, detailsId);
    const reason = h('p', { class: 'ballot-option__reason', id: reasonId, hidden: true });
    const input = h('input', {
      type: 'checkbox',
      id: inputId,
      class: 'ballot-option__input',
      value: option.id,
      'aria-describedby': [details ? detailsId : null, reasonId].filter(Boolean).join(' '),
      onchange: () => {
        setChosen(contest, answer, option.id, input.checked);
        refresh();
        const title = tx(option.title, env.langs);
        announce(`${t(input.checked ? 'voter.announce_added' : 'voter.announce_removed', { title })} ${statusWords(contest, answer).short}`);
        env.onChange();
      },
    });
    const li = h('li', { class: 'ballot-option' },
      h('div', { class: 'ballot-option__choice' }, input, local('label', option.title, env.langs, { for: inputId, class: 'ballot-option__title' })),
      details,
      reason);
    return { option, li, input, reason };
  });

  function refresh() {
    for (const r of rows) {
      const chosen = answer.options.includes(r.option.id);
      const why = chosen ? null : approvalBlock(contest, answer, r.option, env.categoryName);
      r.input.checked = chosen;
      r.input.disabled = Boolean(why);
      r.reason.hidden = !why;
      r.reason.textContent = why || '';
      r.li.classList.toggle('ballot-option--chosen', chosen);
      r.li.classList.toggle('ballot-option--blocked', Boolean(why));
    }
    statusText.textContent = statusWords(contest, answer).full;
    if (meter) {
      const cost = totals(contest, answer).cost;
      fill.style.width = `${Math.min(100, (cost / l.max_cost) * 100)}%`;
      fill.classList.toggle('meter__fill--full', cost >= l.max_cost);
    }
  }
  refresh();

  const fieldset = h('fieldset', { class: 'ballot-options', 'aria-describedby': `${env.describedBy} ${statusId}` },
    local('legend', contest.title, env.langs, { class: 'visually-hidden' }),
    h('ul', { class: 'ballot-option-list' }, rows.map((r) => r.li)));
  return [status, fieldset];
}
