// Generating voting codes for a draft: N codes for the whole area or a district.
// The server answers with a CSV once and keeps only keyed hashes, so the page
// saves the file at once, offers it again while the page is open, and says
// plainly that it is the only copy.
import { api } from '../api.js';
import { h, replace, announce, download } from '../dom.js';
import { t } from '../i18n.js';
import { can } from './session.js';
import { loadElection, loadForPage, electionHeader, apiPath, notAllowed } from './nav.js';
import { field, alertBox, run, focusOn, textNode } from './ui.js';

const memory = { id: null, count: '100', district: '', file: null };

function fileName(response, id, district) {
  const m = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '');
  return m ? m[1] : `${id}-codes${district ? `-${district}` : ''}.csv`;
}

function ready(file) {
  const again = h('button', { type: 'button', class: 'button button--primary' }, t('officer.codes_download'));
  again.addEventListener('click', () => download(file.name, file.csv, 'text/csv'));
  return h('div', { class: 'notice notice--warning officer-codes-ready', tabindex: '-1' },
    h('h2', {}, t('officer.codes_ready', { count: file.count })),
    h('p', {}, h('strong', {}, t('officer.codes_once'))),
    h('p', {}, t('officer.codes_keep_safe')),
    h('div', { class: 'actions' }, again));
}

export default async function codesPage(ctx, { id }) {
  if (!ctx.rerender || memory.id !== id) Object.assign(memory, { id, count: '100', district: '', file: null });
  const title = t('officer.codes_title');
  ctx.setTitle(title);
  const election = await loadForPage(ctx, title, () => loadElection(id));
  if (!election) return;
  const top = electionHeader(election, 'codes', title);
  if (!can('manage') || election.state !== 'draft') {
    replace(ctx.main, ...top, notAllowed(can('manage') ? t('officer.codes_frozen') : undefined));
    return;
  }
  const d = election.definition;
  const count = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', value: memory.count, oninput: (e) => { memory.count = e.target.value; } });
  const district = h('select', { onchange: (e) => { memory.district = e.target.value; } },
    h('option', { value: '' }, t('officer.whole_area')),
    (d.districts || []).map((x) => textNode('option', x.name, d.languages, { value: x.id, selected: memory.district === x.id }, x.id)));
  const box = alertBox();
  const result = h('div', {});
  const submit = h('button', { type: 'submit', class: 'button button--primary' }, t('officer.codes_button'));
  const form = h('form', { novalidate: true },
    field({ id: 'officer-codes-count', label: t('officer.codes_count'), hint: t('officer.codes_count_hint'), control: count }),
    (d.districts || []).length ? field({ id: 'officer-codes-district', label: t('officer.district'), hint: t('officer.codes_district_hint'), control: district }) : null,
    h('div', { class: 'actions' }, submit), box);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const n = Number(memory.count.trim());
    const chosen = (d.districts || []).length ? memory.district : '';
    const file = await run(submit, box, async () => {
      const count = memory.count.trim() !== '' && Number.isInteger(n) ? n : memory.count;
      const response = await api('POST', apiPath(id, 'codes'), { body: { count, district: chosen }, raw: true });
      const csv = await response.text();
      return { csv, name: fileName(response, id, chosen), count: Math.max(0, csv.trim().split('\n').length - 1) };
    });
    if (!file) return;
    memory.file = file;
    download(file.name, file.csv, 'text/csv');
    const notice = ready(file);
    replace(result, notice);
    announce(t('officer.codes_ready', { count: file.count }));
    focusOn(notice);
  });
  replace(ctx.main, ...top,
    h('p', { class: 'lead' }, t('officer.codes_intro')),
    h('p', { class: 'notice notice--warning' }, t('officer.codes_warning')),
    form, result);
  if (memory.file) replace(result, ready(memory.file));
}

// Drops the codes from the page's memory (the console calls it on every new page).
export function forgetCodes() {
  memory.file = null;
}
