// A ranked contest: the voter builds an ordered list. Options are added with an
// "Add to my order" button, moved with "Move up" and "Move down" and taken out with "Remove" (all named
// after the option for screen readers); nothing needs dragging. An option is in the
// list at most once, so a rank can never repeat. After each change the new place is
// announced and the focus stays on the same control of the same option, so pressing
// Enter again keeps moving it. Controls that cannot act now stay focusable
// (aria-disabled) and say why when pressed.
import { h, announce, uid } from '../dom.js';
import { t, tx, formatNumber } from '../i18n.js';
import { local, optionDetails } from './parts.js';
import { optionById } from './rules.js';

function statusWords(contest, answer) {
  const max = (contest.limits || {}).max_choices;
  return typeof max === 'number'
    ? t('voter.ranked_of', { count: answer.options.length, max: formatNumber(max) })
    : t('voter.ranked', { count: answer.options.length });
}

// -> the nodes to show; env as for approvalContest.
export function rankedContest(contest, answer, env) {
  const max = (contest.limits || {}).max_choices;
  const statusId = uid('ballot-status');
  const status = h('div', { class: 'ballot-status', id: statusId }, h('p', { class: 'ballot-status__text' }));
  const orderTitle = h('h3', { tabindex: '-1' }, t('voter.ranking_title'));
  const ordered = h('div', {});
  const choices = h('div', {});
  const node = h('div', { class: 'ballot-ranked', role: 'group', 'aria-labelledby': env.headingId, 'aria-describedby': `${env.describedBy} ${statusId}` },
    orderTitle, ordered, h('h3', {}, t('voter.rank_choices_title')), choices);
  const title = (id) => tx(optionById(contest, id).title, env.langs);
  const full = () => typeof max === 'number' && answer.options.length >= max;

  const button = (key, label, optionId, disabled, action, extraClass) => h('button', {
    type: 'button',
    class: ['button button--small', extraClass],
    'aria-disabled': disabled ? 'true' : 'false',
    dataset: { focus: `${key}:${optionId}` },
    onclick: () => action(),
  }, label, h('span', { class: 'visually-hidden' }, ' ', title(optionId)));

  const placed = (id) => {
    const at = answer.options.indexOf(id);
    return t('voter.announce_ranked', { title: title(id), position: formatNumber(at + 1), total: formatNumber(answer.options.length) });
  };
  const change = (focusKey, message) => {
    refresh(focusKey);
    announce(`${message} ${statusWords(contest, answer)}`);
    env.onChange();
  };
  const move = (id, by) => {
    const at = answer.options.indexOf(id);
    const to = at + by;
    if (to < 0 || to >= answer.options.length) {
      announce(placed(id));
      return;
    }
    answer.options.splice(at, 1);
    answer.options.splice(to, 0, id);
    change(`${by < 0 ? 'up' : 'down'}:${id}`, placed(id));
  };
  const remove = (id) => {
    const at = answer.options.indexOf(id);
    answer.options.splice(at, 1);
    const next = answer.options[at] || answer.options[at - 1];
    change(next ? `remove:${next}` : 'order', t('voter.announce_unranked', { title: title(id) }));
  };
  const add = (id) => {
    if (full()) {
      announce(t('voter.reason_full', { count: max }));
      return;
    }
    const unranked = contest.options.map((o) => o.id).filter((o) => !answer.options.includes(o));
    const next = unranked[unranked.indexOf(id) + 1] || unranked[unranked.indexOf(id) - 1];
    answer.options.push(id);
    change(next && !full() ? `add:${next}` : `remove:${id}`, placed(id));
  };

  function refresh(focusKey) {
    status.firstChild.textContent = statusWords(contest, answer);
    ordered.replaceChildren(answer.options.length
      ? h('ol', { class: 'ballot-ranking' }, answer.options.map((id, i) => h('li', { class: 'ballot-ranking__item' },
        h('span', { class: 'ballot-ranking__rank', 'aria-hidden': 'true' }, formatNumber(i + 1)),
        local('span', optionById(contest, id).title, env.langs, { class: 'ballot-ranking__title' }),
        h('span', { class: 'ballot-ranking__actions' },
          button('up', t('voter.rank_up'), id, i === 0, () => move(id, -1)),
          button('down', t('voter.rank_down'), id, i === answer.options.length - 1, () => move(id, 1)),
          button('remove', t('voter.rank_remove'), id, false, () => remove(id))))))
      : h('p', { class: 'muted' }, t('voter.ranking_empty')));
    const left = contest.options.filter((o) => !answer.options.includes(o.id));
    const reason = full() ? t('voter.reason_full', { count: max }) : null;
    choices.replaceChildren(left.length
      ? h('ul', { class: 'ballot-option-list' }, left.map((option) => {
        const detailsId = uid('ballot-details');
        const details = optionDetails(contest, option, env, detailsId);
        return h('li', { class: 'ballot-option' },
          local('p', option.title, env.langs, { class: 'ballot-option__title' }),
          details,
          reason ? h('p', { class: 'ballot-option__reason' }, reason) : null,
          h('div', { class: 'ballot-option__actions' },
            button('add', t('voter.rank_add'), option.id, Boolean(reason), () => add(option.id))));
      }))
      : h('p', { class: 'muted' }, t('voter.rank_all_ranked')));
    if (focusKey === 'order') orderTitle.focus();
    else if (focusKey) node.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus();
  }
  refresh();
  return [status, node];
}
