// The front page: every election that has opened, with what a resident can do in it
// now (vote while open; see results and check the count once published).
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { t, textIn } from '../i18n.js';

function actions(e) {
  const links = [];
  if (e.state === 'open') {
    links.push(h('a', { class: 'button button--primary', href: `/vote/${encodeURIComponent(e.id)}` }, t('common.action_vote')));
    links.push(h('a', { class: 'button', href: `/live/${encodeURIComponent(e.id)}` }, t('common.action_live')));
  }
  if (e.state === 'published') {
    links.push(h('a', { class: 'button button--primary', href: `/results/${encodeURIComponent(e.id)}` }, t('common.action_results')));
    links.push(h('a', { class: 'button', href: `/audit/${encodeURIComponent(e.id)}` }, t('common.action_audit')));
  }
  if (e.state === 'open' || e.state === 'closed' || e.state === 'tallied') {
    links.push(h('a', { class: 'button', href: `/audit/${encodeURIComponent(e.id)}` }, t('common.action_check_receipt')));
  }
  return links;
}

export default async function render(ctx) {
  ctx.setTitle(t('common.home_title'));
  replace(ctx.main, h('h1', { text: t('common.home_title') }), h('p', { class: 'loading', text: t('common.loading') }));
  let list;
  try {
    list = (await get('/elections')).elections;
  } catch (e) {
    if (!ctx.current()) return;
    replace(ctx.main, h('h1', { text: t('common.home_title') }),
      h('p', { class: 'notice notice--error', role: 'alert', text: e.message }));
    return;
  }
  if (!ctx.current()) return;
  const open = list.filter((e) => e.state === 'open');
  const other = list.filter((e) => e.state !== 'open');
  const card = (e) => {
    const title = textIn(e.title);
    return h('li', { class: 'card' },
      h('h3', { class: 'card__title', lang: title.lang }, title.text || e.id),
      h('p', { class: 'card__state' }, t('common.state_' + e.state)),
      h('div', { class: 'actions' }, actions(e)));
  };
  replace(ctx.main,
    h('h1', { text: t('common.home_title') }),
    h('p', { class: 'lead', text: t('common.home_intro') }),
    h('section', { 'aria-labelledby': 'open-heading' },
      h('h2', { id: 'open-heading', text: t('common.home_open') }),
      open.length ? h('ul', { class: 'cards' }, open.map(card)) : h('p', { text: t('common.home_none_open') })),
    other.length ? h('section', { 'aria-labelledby': 'past-heading' },
      h('h2', { id: 'past-heading', text: t('common.home_past') }),
      h('ul', { class: 'cards' }, other.map(card))) : null,
    h('section', { class: 'help', 'aria-labelledby': 'help-heading' },
      h('h2', { id: 'help-heading', text: t('common.help_title') }),
      h('p', { text: t('common.help_text') })));
}
