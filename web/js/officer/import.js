// Importing one contest of a draft from a file: a CSV project list, a Pabulib .pb
// file or a BLT file (storage/src/audit/import.cpp). The file is read in the
// browser and sent as text; a refused file shows the server's sentence and the
// offending line of the file, numbered as the server numbers it.
import { post } from '../api.js';
import { h, replace, announce } from '../dom.js';
import { t, tx, formatNumber } from '../i18n.js';
import { can } from './session.js';
import { loadElection, loadForPage, electionHeader, electionPath, apiPath, notAllowed } from './nav.js';
import { field, alertBox, run, showError, showSuccess, focusOn, code } from './ui.js';

const NEW = '+new'; // never a contest id (ids are lower-case letters, digits, - and _)
const memory = { id: null, contest: '', newId: '', format: 'csv', file: null, outcome: null };

const COLUMNS = [
  ['id', 'officer.csv_id'], ['title', 'officer.csv_title'], ['cost', 'officer.csv_cost'],
  ['description', 'officer.csv_description'], ['category', 'officer.csv_category'],
  ['district', 'officer.csv_district'], ['picture', 'officer.csv_picture'],
];

function columnsHelp() {
  return h('section', { 'aria-labelledby': 'officer-csv-heading' },
    h('h2', { id: 'officer-csv-heading' }, t('officer.csv_heading')),
    h('p', {}, t('officer.csv_intro')),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, t('officer.csv_heading')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('officer.csv_column')), h('th', { scope: 'col' }, t('officer.csv_meaning')))),
      h('tbody', {}, COLUMNS.map(([name, key], i) => h('tr', {},
        h('th', { scope: 'row' }, code(name), i < 3 ? h('span', {}, ` (${t('officer.required')})`) : null),
        h('td', {}, t(key))))))),
    h('p', {}, t('officer.csv_example')),
    h('pre', { class: 'officer-pre', dir: 'ltr', tabindex: '0', 'aria-label': t('officer.csv_example') },
      'id,title,cost,description,category,district\n'
      + 'P1,Benches in the park,12000.50,"Ten new benches, painted green.",Green spaces,North\n'
      + 'P2,"Lights on ""Long"" Street",8000,,Safety,North\n'),
    h('p', {}, t('officer.csv_keeps')),
    h('p', {}, t('officer.pb_blt_help')));
}

// The lines around `line` (1-based) of `text`, the offending one marked.
function linePreview(text, line) {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  if (!line || line > lines.length) return null;
  const first = Math.max(1, line - 1);
  const last = Math.min(lines.length, line + 1);
  const rows = [];
  for (let n = first; n <= last; n += 1) {
    const bad = n === line;
    rows.push(h('tr', { class: bad ? 'officer-line--bad' : null },
      h('th', { scope: 'row', class: 'number' }, formatNumber(n)),
      h('td', { dir: 'ltr' }, bad ? h('mark', {}, lines[n - 1]) : lines[n - 1], bad ? h('span', { class: 'visually-hidden' }, ` (${t('officer.bad_line')})`) : null)));
  }
  return h('div', { class: 'table-wrap' }, h('table', { class: 'officer-lines' },
    h('caption', {}, t('officer.line_preview', { line: formatNumber(line) })),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'number' }, t('officer.line')), h('th', { scope: 'col' }, t('officer.line_text')))),
    h('tbody', {}, rows)));
}

function showOutcome(box, id) {
  const o = memory.outcome;
  if (!o) return;
  if (o.ok) {
    showSuccess(box,
      h('p', {}, t(o.replaced ? 'officer.import_replaced' : 'officer.import_added', { count: o.options, contest: o.contest })),
      o.notes.length ? h('ul', { lang: 'en' }, o.notes.map((n) => h('li', {}, n))) : null,
      h('p', {}, h('a', { href: electionPath(id, 'edit') }, t('officer.import_check'))));
    return;
  }
  showError(box, o.error);
  if (o.error.body && o.error.body.line) {
    box.firstChild.append(h('p', {}, t('officer.import_line', { line: formatNumber(o.error.body.line) })),
      linePreview(o.text, o.error.body.line));
  }
}

async function draw(ctx, id, focusOutcome) {
  const title = t('officer.import_title');
  ctx.setTitle(title);
  const election = await loadForPage(ctx, title, () => loadElection(id));
  if (!election) return;
  const top = electionHeader(election, 'import', title);
  if (!can('manage') || election.state !== 'draft') {
    replace(ctx.main, ...top, notAllowed(can('manage') ? t('officer.frozen') : undefined));
    return;
  }
  const d = election.definition;
  const contests = d.contests || [];
  if (!memory.contest) memory.contest = contests.length ? contests[0].id : NEW;
  const contestSelect = h('select', {
    onchange: (e) => { memory.contest = e.target.value; newField.hidden = e.target.value !== NEW; },
  }, contests.map((c) => h('option', { value: c.id, selected: memory.contest === c.id }, `${c.id} – ${tx(c.title, d.languages)}`)),
  h('option', { value: NEW, selected: memory.contest === NEW }, t('officer.import_new_contest')));
  const newId = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', value: memory.newId, oninput: (e) => { memory.newId = e.target.value; } });
  const newField = field({ id: 'officer-import-new', label: t('officer.import_new_id'), hint: t('officer.slug_hint'), control: newId });
  newField.hidden = memory.contest !== NEW;
  const format = h('select', { onchange: (e) => { memory.format = e.target.value; } },
    ['csv', 'pb', 'blt'].map((f) => h('option', { value: f, selected: memory.format === f }, t(`officer.import_format_${f}`))));
  const file = h('input', { type: 'file', accept: '.csv,.pb,.blt,.txt,text/csv,text/plain' });
  const chosen = h('span', { class: 'muted', 'aria-live': 'polite' }, memory.file ? t('officer.file_chosen', { name: memory.file.name }) : '');
  file.addEventListener('change', () => {
    memory.file = file.files[0] || null;
    chosen.textContent = memory.file ? t('officer.file_chosen', { name: memory.file.name }) : '';
  });
  const box = alertBox();
  const submit = h('button', { type: 'submit', class: 'button button--primary' }, t('officer.import_button'));
  const form = h('form', { novalidate: true },
    field({ id: 'officer-import-contest', label: t('officer.import_contest'), hint: t('officer.import_contest_hint'), control: contestSelect }),
    newField,
    field({ id: 'officer-import-format', label: t('officer.import_format'), control: format }),
    field({ id: 'officer-import-file', label: t('officer.import_file'), hint: t('officer.import_file_hint'), control: file, extra: chosen }),
    h('div', { class: 'actions' }, submit), box);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const contest = memory.contest === NEW ? memory.newId.trim() : memory.contest;
    const chosenFile = memory.file;
    const ok = await run(submit, box, async () => {
      if (!chosenFile) throw new Error(t('officer.import_no_file'));
      const text = await chosenFile.text();
      const query = new URLSearchParams({ format: memory.format, contest });
      try {
        const answer = await post(`${apiPath(id, 'import')}?${query}`, text);
        memory.outcome = { ok: true, ...answer };
      } catch (e) {
        if (!e.status) throw e;
        memory.outcome = { ok: false, error: e, text };
      }
      return true;
    });
    if (!ok) return;
    if (memory.outcome.ok) {
      memory.contest = contest;
      memory.newId = '';
      announce(t('officer.import_done'));
    }
    await draw(ctx, id, true);
  });
  replace(ctx.main, ...top, h('p', { class: 'lead' }, t('officer.import_intro')), form, columnsHelp());
  showOutcome(box, id);
  if (focusOutcome && box.firstChild) focusOn(box.firstChild);
}

export default async function importPage(ctx, { id }) {
  if (!ctx.rerender || memory.id !== id) Object.assign(memory, { id, contest: '', newId: '', format: 'csv', file: null, outcome: null });
  await draw(ctx, id, false);
}
