// Small building blocks shared by the officer console's pages: labelled fields with
// their hint and error, refusal messages (role="alert"), busy buttons, an in-page
// confirmation step, election texts with their lang attribute, times.
import { h, uid, announce } from '../dom.js';
import { t, textIn, language } from '../i18n.js';
import { ApiError } from '../api.js';
import { forget } from './session.js';

// A labelled control: {id, label, hint, control} -> div.field. The control gets the
// id; its error (setFieldError) joins aria-describedby when shown.
export function field({ id, label, hint, control, extra }) {
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('span', { class: 'field__hint', id: hintId }, hint) : null,
    h('span', { class: 'field__error', id: `${id}-error`, hidden: true }),
    control,
    extra || null);
}

// A group of checkboxes or radios with a legend: items [{value, label, checked, lang}].
export function choiceGroup({ id, legend, hint, type = 'checkbox', name, items, onchange }) {
  const hintId = hint ? `${id}-hint` : null;
  return h('fieldset', { class: 'field officer-choices', id, 'aria-describedby': hintId },
    h('legend', {}, legend),
    hint ? h('span', { class: 'field__hint', id: hintId }, hint) : null,
    h('span', { class: 'field__error', id: `${id}-error`, hidden: true }),
    h('ul', { class: 'officer-choices__list' }, items.map((item, i) => {
      const inputId = `${id}-${i}`;
      return h('li', { class: 'officer-choices__item' },
        h('input', { type, id: inputId, name: name || id, value: item.value, checked: Boolean(item.checked), onchange }),
        h('label', { for: inputId, lang: item.lang || null }, item.label));
    })));
}

// Shows `message` as the error of the control `id` (null clears it).
export function setFieldError(id, message) {
  const control = document.getElementById(id);
  const slot = document.getElementById(`${id}-error`);
  if (!control || !slot) return false;
  const ids = (control.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== slot.id);
  if (message) {
    slot.textContent = message;
    slot.hidden = false;
    ids.unshift(slot.id);
    if (/^(INPUT|SELECT|TEXTAREA)$/.test(control.tagName)) control.setAttribute('aria-invalid', 'true');
  } else {
    slot.textContent = '';
    slot.hidden = true;
    control.removeAttribute('aria-invalid');
  }
  if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
  else control.removeAttribute('aria-describedby');
  return true;
}

// Clears every field error inside `root`.
export function clearFieldErrors(root) {
  for (const slot of root.querySelectorAll('.field__error')) {
    if (!slot.hidden) setFieldError(slot.id.replace(/-error$/, ''), null);
  }
}

// An empty place for refusals, next to the action it belongs to.
export function alertBox() {
  return h('div', { class: 'officer-alert', role: 'alert' });
}

// A place for good news, read politely.
export function statusBox() {
  return h('div', { class: 'officer-status', role: 'status' });
}

// Puts the server's sentence (ApiError.message) into an alert box.
export function showError(box, error) {
  // The server writes its sentences in English.
  const parts = [h('p', { lang: error instanceof ApiError ? 'en' : null }, error.message || t('officer.error_unknown'))];
  if (error.problems && error.problems.length > 1) {
    parts.push(h('ul', { lang: 'en' }, error.problems.map((p) => h('li', {}, p))));
  }
  if (error.code === 'signin_required') {
    forget();
    parts.push(h('p', {}, h('a', { href: '/officer' }, t('officer.sign_in_again'))));
  }
  box.replaceChildren(h('div', { class: 'notice notice--error' }, parts));
}

// A refusal in place of a page that could not be loaded.
export function errorNotice(error) {
  const box = alertBox();
  showError(box, error);
  return box;
}

export function showSuccess(box, ...children) {
  box.replaceChildren(h('div', { class: 'notice notice--success' }, children));
}

export function clearBox(box) { box.replaceChildren(); }

// Runs `work` with `button` busy (disabled, aria-busy); a refusal goes into `box`.
// Returns work's value, or undefined when it was refused.
export async function run(button, box, work) {
  if (box) clearBox(box);
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } catch (e) {
    if (!box) throw e;
    showError(box, e);
    announce(e.message, true);
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    if (button.isConnected && (document.activeElement === document.body || !document.activeElement)) button.focus();
  }
}

const openConfirms = new WeakMap();

// Asks in the page before an action that cannot be undone: a warning with
// `title`, `text` and two buttons under `button`. Resolves true (confirmed) or false.
export function confirmStep(button, { title, text, confirm, danger = false }) {
  const open = openConfirms.get(button);
  if (open) {
    open.querySelector('h3').focus();
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const headingId = uid('confirm');
    const heading = h('h3', { id: headingId, tabindex: '-1' }, title);
    const box = h('div', { class: 'notice notice--warning officer-confirm', role: 'group', 'aria-labelledby': headingId });
    const finish = (ok) => {
      box.remove();
      openConfirms.delete(button);
      if (!ok) button.focus();
      resolve(ok);
    };
    box.append(heading, h('p', {}, text), h('div', { class: 'actions' },
      h('button', { type: 'button', class: ['button', danger ? 'button--danger' : 'button--primary'], onclick: () => finish(true) }, confirm),
      h('button', { type: 'button', class: 'button', onclick: () => finish(false) }, t('officer.cancel'))));
    (button.closest('.actions') || button).after(box);
    openConfirms.set(button, box);
    heading.focus();
  });
}

// An election text ({en, ar}) in an element carrying its language when it differs.
export function textNode(tag, texts, langs, attrs = {}, fallback = '') {
  const { text, lang } = textIn(texts, langs);
  return h(tag, { ...attrs, lang: lang !== language() ? lang : null }, text || fallback);
}

// An ISO time ("2026-11-23T07:31:07Z") in the reader's language and time zone.
export function formatTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(language(), { dateStyle: 'medium', timeStyle: 'medium' }).format(d);
}

// Moves the focus to `el` (a heading or notice) so the next step is read first.
export function focusOn(el) {
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus();
}

// Identifiers (election, contest and option ids, hashes, codes) read left to right.
export function code(text, attrs = {}) {
  return h('span', { class: 'code-text', dir: 'ltr', ...attrs }, text);
}

// The list of problems at the top of a form: {message, items: [{text, href}]}.
// Items with an href link to their field. Focus its heading after drawing.
export function errorSummary({ message, items }) {
  const headingId = uid('problems');
  return h('div', { class: 'error-summary', role: 'alert', 'aria-labelledby': headingId },
    h('h2', { id: headingId, tabindex: '-1' }, t('officer.problems_title')),
    message ? h('p', {}, message) : null,
    h('ul', {}, items.map((item) => h('li', {}, item.href ? h('a', { href: item.href }, item.text) : item.text))));
}
