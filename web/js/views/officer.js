// The officer console (/officer and /officer/...): signs officers in, then routes
// the rest of the address to one of its pages (web/js/officer/*.js), under a bar
// saying who is signed in with a way to sign out.
import { h, replace, announce } from '../dom.js';
import { t } from '../i18n.js';
import { restore, current, signOut, roleLabel } from '../officer/session.js';
import { alertBox, run, errorNotice } from '../officer/ui.js';
import signinPage from '../officer/signin.js';
import listPage from '../officer/list.js';
import editorPage from '../officer/editor.js';
import overviewPage from '../officer/overview.js';
import importPage from '../officer/import.js';
import codesPage, { forgetCodes } from '../officer/codes.js';
import comparePage from '../officer/compare.js';
import resultPage from '../officer/result.js';
import paperPage from '../officer/paper.js';
import logPage from '../officer/log.js';

const ELECTION_PAGES = {
  '': overviewPage,
  edit: editorPage,
  import: importPage,
  codes: codesPage,
  compare: comparePage,
  result: resultPage,
  paper: paperPage,
  log: logPage,
};

// rest ("elections/x/edit/json") -> {page, args} or null
function resolve(rest) {
  const parts = (rest || '').split('/').filter(Boolean);
  if (parts.length === 0) return { page: listPage, args: {} };
  if (parts[0] === 'new' && parts.length <= 2 && (parts.length === 1 || parts[1] === 'json')) {
    return { page: editorPage, args: { id: null, json: parts.length === 2 } };
  }
  if (parts[0] !== 'elections' || parts.length < 2 || parts.length > 4) return null;
  const [, id, sub = '', extra] = parts;
  const json = extra === 'json' && sub === 'edit';
  if (!Object.hasOwn(ELECTION_PAGES, sub) || (extra !== undefined && !json)) return null;
  return { page: ELECTION_PAGES[sub], args: { id, json } };
}

function bar(ctx) {
  const who = current();
  const box = alertBox();
  const button = h('button', { type: 'button', class: 'button button--small' }, t('officer.sign_out'));
  button.addEventListener('click', async () => {
    const done = await run(button, box, async () => { await signOut(); return true; });
    if (done) {
      announce(t('officer.signed_out'));
      ctx.navigate('/officer', { force: true });
    }
  });
  return h('div', { class: 'officer-bar' },
    h('p', { class: 'officer-bar__who' }, t('officer.signed_in_as', { name: who.username, role: roleLabel(who.role) })),
    button, box);
}

export default async function render(ctx) {
  if (!ctx.rerender) forgetCodes();
  replace(ctx.main, h('p', { class: 'loading' }, t('officer.loading')));
  let who;
  try {
    who = await restore();
  } catch (e) {
    if (!ctx.current()) return undefined;
    replace(ctx.main, h('h1', {}, t('officer.console_title')),
      errorNotice(e));
    return undefined;
  }
  if (!ctx.current()) return undefined;
  if (!who) return signinPage(ctx);
  const found = resolve(ctx.params.rest);
  const content = h('div', { class: 'officer-page' });
  replace(ctx.main, bar(ctx), content);
  if (!found) {
    ctx.setTitle(t('officer.not_found_title'));
    replace(content, h('h1', {}, t('officer.not_found_title')),
      h('p', {}, t('officer.not_found_text')),
      h('p', {}, h('a', { href: '/officer' }, t('officer.list_title'))));
    return undefined;
  }
  return found.page({ ...ctx, main: content }, found.args);
}
