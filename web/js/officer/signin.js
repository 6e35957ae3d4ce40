// The sign-in form of the officer console. Any console address shows it while
// nobody is signed in; once signed in, the same address is drawn again.
import { h, replace, announce } from '../dom.js';
import { t } from '../i18n.js';
import { signIn, roleLabel } from './session.js';
import { field, alertBox, run } from './ui.js';

const typed = { username: '' }; // kept across a language change (never the password)

export default async function signinPage(ctx) {
  ctx.setTitle(t('officer.signin_title'));
  const username = h('input', { type: 'text', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true, value: typed.username, oninput: (e) => { typed.username = e.target.value; } });
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const box = alertBox();
  const submit = h('button', { type: 'submit', class: 'button button--primary' }, t('officer.signin_button'));
  const form = h('form', { class: 'officer-signin', novalidate: true }, [
    field({ id: 'officer-username', label: t('officer.username'), control: username }),
    field({ id: 'officer-password', label: t('officer.password'), control: password }),
    box,
    h('div', { class: 'actions' }, submit),
  ]);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const who = await run(submit, box, () => signIn(username.value.trim(), password.value));
    if (!who) {
      password.value = '';
      return;
    }
    typed.username = '';
    announce(t('officer.signed_in_as', { name: who.username, role: roleLabel(who.role) }));
    ctx.navigate(location.pathname + location.search, { replace: true, force: true });
  });
  replace(ctx.main,
    h('h1', {}, t('officer.signin_title')),
    h('p', { class: 'lead' }, t('officer.signin_intro')),
    form,
    h('p', { class: 'muted' }, t('officer.signin_help')));
}
