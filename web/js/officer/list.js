// Every election the signed-in role may see, drafts included, with its state and
// the officer's next step. Kiosk staff see the elections open for voting.
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { can } from './session.js';
import { electionPath, stateLabel, nextStep } from './nav.js';
import { textNode, code, errorNotice } from './ui.js';

export default async function listPage(ctx) {
  ctx.setTitle(t('officer.list_title'));
  const heading = h('h1', {}, t('officer.list_title'));
  replace(ctx.main, heading, h('p', { class: 'loading' }, t('officer.loading')));
  let elections;
  try {
    elections = can('view')
      ? (await get('/officer/elections')).elections
      : (await get('/elections')).elections.filter((e) => e.state === 'open');
  } catch (e) {
    if (!ctx.current()) return;
    replace(ctx.main, heading, errorNotice(e));
    return;
  }
  if (!ctx.current()) return;
  const card = (e, i) => {
    const titleId = `officer-election-${i}`;
    return h('li', { class: 'card officer-card' },
      h('h2', { class: 'card__title', id: titleId }, textNode('a', e.title, null, { href: electionPath(e.id) }, e.id)),
      h('p', { class: 'officer-state' },
        code(e.id), ' · ', h('span', { class: `officer-badge officer-badge--${e.state}` }, stateLabel(e.state))),
      h('p', {}, h('strong', {}, t('officer.next_label')), ' ', can('manage') ? nextStep(e.state) : t(can('view') ? 'officer.next_view' : 'officer.next_kiosk')),
      h('div', { class: 'actions' },
        h('a', { class: 'button button--small', href: electionPath(e.id), 'aria-describedby': titleId }, t('officer.manage'))));
  };
  replace(ctx.main,
    heading,
    h('p', { class: 'lead' }, t('officer.list_intro')),
    can('manage') ? h('div', { class: 'actions' },
      h('a', { class: 'button button--primary', href: '/officer/new' }, t('officer.new_election'))) : null,
    elections.length
      ? h('ul', { class: 'cards officer-cards' }, elections.map(card))
      : h('p', {}, t('officer.list_empty')));
}
