// Creating an election and editing a draft: a form that builds the definition
// (editor-form.js) or, for power users, the definition JSON pasted or uploaded.
// Saving POSTs (new) or PUTs (draft) it; a refused definition (422) lists every
// problem at the top, each linked to its field, and marks the fields.
import { post, put } from '../api.js';
import { h, replace, announce } from '../dom.js';
import { t } from '../i18n.js';
import { can } from './session.js';
import { loadElection, loadForPage, electionHeader, electionPath, apiPath, notAllowed } from './nav.js';
import { toForm, fromForm, blankDefinition, splitProblem, fieldIdsFor } from './editor-model.js';
import { editorForm } from './editor-form.js';
import { field, alertBox, run, errorSummary, setFieldError, clearFieldErrors, focusOn, showSuccess, statusBox } from './ui.js';

// The work in progress, kept across a language change and between the form and
// the JSON page of the same election ("new" or "edit:ID").
const memory = { key: null, form: null, json: null, dirty: false, carry: false, saved: null, problems: null };

function reset(key, form) {
  Object.assign(memory, { key, form, json: null, dirty: false, carry: false, saved: null, problems: null });
}

// The control a problem's path points at (the first control inside a group), or null.
function targetOf(path) {
  for (const id of fieldIdsFor(path)) {
    const el = document.getElementById(id);
    if (!el) continue;
    const control = /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) ? el : el.querySelector('input, select, textarea');
    return { el, control };
  }
  return null;
}

// "Contest 1 › Project 2 › Cost" for a control in the form.
function placeOf(el, control) {
  const names = [];
  for (let node = el; node && !node.classList.contains('officer-editor'); node = node.parentElement) {
    if (node.tagName === 'FIELDSET') names.unshift(node.querySelector(':scope > legend').textContent);
  }
  if (el === control && control.labels && control.labels[0]) names.push(control.labels[0].textContent);
  return names.join(' › ');
}

// Shows the problems: the summary in `host`, each field's own message next to it.
function showProblems(host, formRoot, message, problems) {
  clearFieldErrors(formRoot);
  const items = problems.map((p) => {
    const { path, message: what } = splitProblem(p);
    const target = path && formRoot.classList.contains('officer-editor') ? targetOf(path) : null;
    if (!target || !target.control) return { text: p, href: formRoot.id ? `#${formRoot.id}` : null };
    setFieldError(target.el.id, what);
    return { text: `${placeOf(target.el, target.control)}: ${what}`, href: `#${target.control.id}` };
  });
  const summary = errorSummary({ message, items });
  replace(host, summary);
  focusOn(summary.querySelector('h2'));
}

// Sends the definition; returns the answer, or null when it was refused with problems.
async function send(id, definition, show) {
  try {
    return id ? await put(apiPath(id), definition) : await post('/officer/elections', definition);
  } catch (e) {
    if (e.problems && e.problems.length) {
      show(e.message, e.problems);
      return null;
    }
    throw e;
  }
}

function savedNotice(host) {
  if (!memory.saved) return;
  showSuccess(host, h('p', {}, t(memory.saved === 'created' ? 'officer.created' : 'officer.saved')),
    h('p', {}, h('a', { href: electionPath(memory.form.election) }, t('officer.back_to_election'))));
}

function afterSave(ctx, id, answer, summary, status) {
  memory.dirty = false;
  summary.replaceChildren();
  if (!id) {
    memory.key = `edit:${answer.id}`;
    memory.saved = 'created';
    memory.carry = true;
    ctx.navigate(electionPath(answer.id, 'edit'), { force: true });
    return;
  }
  memory.saved = 'saved';
  savedNotice(status);
  announce(t('officer.saved'));
}

function formPage(ctx, id, top) {
  const summary = h('div', { class: 'officer-summary' });
  const status = statusBox();
  const holder = h('div', {});
  const env = {
    form: memory.form,
    editing: Boolean(id),
    changed: () => { memory.dirty = true; memory.saved = null; status.replaceChildren(); },
    // Draws the form again, then focuses `focusId` or the control that had the focus.
    redraw: (focusId) => {
      const target = focusId || (document.activeElement && document.activeElement.id);
      replace(holder, editorForm(env));
      const el = target && document.getElementById(target);
      if (el) el.focus();
    },
  };
  replace(holder, editorForm(env));
  const box = alertBox();
  const save = h('button', { type: 'submit', class: 'button button--primary' }, t(id ? 'officer.save_draft' : 'officer.create_draft'));
  const form = h('form', { novalidate: true, class: 'officer-form' }, summary, holder,
    h('div', { class: 'actions' }, save), box, status);
  const show = (message, problems) => {
    memory.problems = { message, problems };
    showProblems(summary, holder.firstChild, message, problems);
    box.replaceChildren(h('p', { class: 'notice notice--error' }, h('a', { href: `#${summary.querySelector('h2').id}` }, t('officer.see_problems'))));
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    memory.problems = null;
    clearFieldErrors(holder);
    const { definition, problems } = fromForm(memory.form);
    if (problems.length) {
      show(t('officer.local_problems', { count: problems.length }), problems);
      return;
    }
    const answer = await run(save, box, () => send(id, definition, show));
    if (answer) afterSave(ctx, id, answer, summary, status);
  });
  replace(ctx.main, ...top,
    h('p', {}, t('officer.editor_intro'), ' ',
      h('a', { href: id ? electionPath(id, 'edit/json') : '/officer/new/json', onclick: () => { memory.carry = true; } }, t('officer.use_json'))),
    form);
  savedNotice(status);
  if (memory.problems) show(memory.problems.message, memory.problems.problems);
}

function jsonPage(ctx, id, top) {
  if (memory.json === null) memory.json = JSON.stringify(fromForm(memory.form).definition, null, 2);
  const summary = h('div', { class: 'officer-summary' });
  const status = statusBox();
  const text = h('textarea', { class: 'officer-json', spellcheck: 'false', dir: 'ltr', rows: '20', oninput: (e) => { memory.json = e.target.value; memory.dirty = true; } });
  text.value = memory.json;
  const file = h('input', { type: 'file', accept: '.json,application/json' });
  const fileBox = alertBox();
  file.addEventListener('change', async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    memory.json = await chosen.text();
    text.value = memory.json;
    memory.dirty = true;
    announce(t('officer.json_loaded', { name: chosen.name }));
  });
  const box = alertBox();
  const save = h('button', { type: 'submit', class: 'button button--primary' }, t(id ? 'officer.save_draft' : 'officer.create_draft'));
  const holder = h('div', { id: 'officer-json-fields' },
    field({ id: 'officer-json-file', label: t('officer.json_file'), hint: t('officer.json_file_hint'), control: file }), fileBox,
    field({ id: 'officer-json-text', label: t('officer.json_text'), hint: t('officer.json_text_hint'), control: text }));
  const form = h('form', { novalidate: true, class: 'officer-form' }, summary, holder, h('div', { class: 'actions' }, save), box, status);
  const show = (message, problems) => {
    showProblems(summary, text, message, problems);
    setFieldError('officer-json-text', message);
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.replaceChildren();
    setFieldError('officer-json-text', null);
    let definition;
    try {
      definition = JSON.parse(text.value);
    } catch (e) {
      show(t('officer.json_invalid'), [e.message]);
      return;
    }
    const answer = await run(save, box, () => send(id, definition, show));
    if (!answer) return;
    memory.form = toForm(definition);
    memory.json = null;
    afterSave(ctx, id, answer, summary, status);
  });
  replace(ctx.main, ...top,
    h('p', {}, t('officer.json_intro'), ' ',
      h('a', { href: id ? electionPath(id, 'edit') : '/officer/new', onclick: () => { memory.carry = true; memory.json = null; } }, t('officer.use_form'))),
    form);
  savedNotice(status);
}

export default async function editorPage(ctx, { id, json }) {
  const key = id ? `edit:${id}` : 'new';
  const title = t(id ? (json ? 'officer.json_edit_title' : 'officer.edit_title') : (json ? 'officer.json_new_title' : 'officer.new_title'));
  ctx.setTitle(title);
  if (!can('manage')) {
    replace(ctx.main, h('h1', {}, title), notAllowed());
    return;
  }
  const keep = memory.key === key && (ctx.rerender || memory.carry);
  let election = null;
  if (id) {
    election = await loadForPage(ctx, title, () => loadElection(id));
    if (!election) return;
    if (election.state !== 'draft') {
      replace(ctx.main, ...electionHeader(election, 'edit', title), h('p', { class: 'notice notice--warning' }, t('officer.frozen')));
      return;
    }
    if (!keep) reset(key, toForm(election.definition));
  } else if (!keep) {
    reset(key, blankDefinition());
  }
  if (!ctx.rerender) memory.carry = false;
  if (!ctx.current()) return;
  const top = election
    ? electionHeader(election, 'edit', title)
    : [h('nav', { class: 'officer-crumbs', 'aria-label': t('officer.breadcrumbs') }, h('ol', {}, h('li', {}, h('a', { href: '/officer' }, t('officer.list_title'))))),
      h('h1', {}, title)];
  ctx.setLeaveGuard(() => (memory.dirty && !memory.carry ? t('officer.leave_unsaved') : null));
  if (json) jsonPage(ctx, id, top);
  else formPage(ctx, id, top);
}
