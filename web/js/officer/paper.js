// Paper ballots: each is keyed twice by two different officers (pending, then
// matched or disputed); a disputed one gets a third look by another officer, who
// keys what the paper says (resolve) or sets it aside (spoil). Below the entry
// form: the disputes with both entries, and the reconciliation report per batch.
import { get, post } from '../api.js';
import { h, replace, announce } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { can } from './session.js';
import { loadElection, loadForPage, electionHeader, apiPath, notAllowed } from './nav.js';
import { visibleContests } from './contests.js';
import { field, alertBox, run, confirmStep, focusOn, code, showError, showSuccess, textNode } from './ui.js';
import { answersFields, readAnswers, answersText } from './paper-answers.js';

const memory = { id: null, batch: '', serial: '', district: '', answers: {}, resolving: null, outcome: null };

function resetEntry() {
  memory.serial = '';
  memory.answers = {};
  memory.resolving = null;
}

const STATUSES = ['pending', 'matched', 'disputed', 'resolved', 'spoiled'];

function entryForm(page, election) {
  const d = election.definition;
  const r = memory.resolving;
  if (r) Object.assign(memory, { batch: r.batch, serial: r.serial });
  const text = (key) => h('input', {
    type: 'text', autocomplete: 'off', spellcheck: 'false', value: memory[key], readonly: r ? true : null,
    oninput: (e) => { memory[key] = e.target.value; },
  });
  const hasDistricts = (d.districts || []).length > 0;
  const answersHolder = h('div', {});
  const drawAnswers = () => replace(answersHolder,
    answersFields(d, visibleContests(d, memory.district), memory.answers, 'officer-paper-answer'));
  const district = h('select', {
    onchange: (e) => { memory.district = e.target.value; drawAnswers(); },
  }, h('option', { value: '' }, t('officer.whole_area')),
  (d.districts || []).map((x) => textNode('option', x.name, d.languages, { value: x.id, selected: memory.district === x.id }, x.id)));
  drawAnswers();
  const box = alertBox();
  const submit = h('button', { type: 'submit', class: 'button button--primary' }, t(r ? 'officer.paper_resolve_save' : 'officer.paper_save'));
  const headingId = 'officer-paper-entry-heading';
  const form = h('form', { novalidate: true, 'aria-labelledby': headingId },
    h('div', { class: 'officer-grid' },
      field({ id: 'officer-paper-batch', label: t('officer.paper_batch'), hint: t('officer.paper_batch_hint'), control: text('batch') }),
      field({ id: 'officer-paper-serial', label: t('officer.paper_serial'), hint: t('officer.paper_serial_hint'), control: text('serial') })),
    hasDistricts ? field({ id: 'officer-paper-district', label: t('officer.district'), hint: t('officer.paper_district_hint'), control: district }) : null,
    answersHolder,
    h('div', { class: 'actions' }, submit,
      r ? h('button', { type: 'button', class: 'button', onclick: () => { resetEntry(); page.draw('officer-paper-entry-heading'); } }, t('officer.cancel')) : null),
    box);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const contests = visibleContests(d, hasDistricts ? memory.district : '');
    const { answers, problems } = readAnswers(d, contests, memory.answers);
    if (problems.length) {
      showError(box, new Error(problems.join(' ')));
      return;
    }
    const body = { batch: memory.batch.trim(), serial: memory.serial.trim(), district: hasDistricts ? memory.district : '', answers };
    const answer = await run(submit, box, () => post(apiPath(election.id, r ? 'paper/resolve' : 'paper'), body));
    if (!answer) return;
    memory.outcome = answer;
    resetEntry();
    announce(`${t(`officer.paper_status_${answer.status}`)}. ${answer.message}`);
    await page.draw('officer-paper-serial');
  });
  return h('section', { 'aria-labelledby': headingId },
    h('h2', { id: headingId }, r ? t('officer.paper_resolve_heading', { batch: r.batch, serial: r.serial }) : t('officer.paper_entry_heading')),
    h('p', {}, t(r ? 'officer.paper_resolve_intro' : 'officer.paper_entry_intro')),
    memory.outcome ? outcomeNotice(memory.outcome) : null,
    form);
}

function outcomeNotice(o) {
  const box = h('div', {});
  const good = o.status === 'matched' || o.status === 'resolved' || o.status === 'pending';
  const parts = [
    h('p', {}, h('strong', {}, t(`officer.paper_status_${o.status}`)), ' ', t('officer.paper_which', { batch: o.batch, serial: o.serial })),
    h('p', { lang: 'en' }, o.message)];
  if (good) showSuccess(box, parts);
  else box.replaceChildren(h('div', { class: 'notice notice--warning' }, parts));
  box.firstChild.classList.add('officer-outcome');
  return box;
}

function disputes(page, election, report) {
  const d = election.definition;
  const items = report.flatMap((b) => b.to_resolve.map((x) => ({ batch: b.batch, ...x })));
  const heading = h('h2', { id: 'officer-disputes-heading' }, t('officer.disputes_heading', { count: items.length }));
  if (!items.length) return h('section', { 'aria-labelledby': heading.id }, heading, h('p', {}, t('officer.disputes_none')));
  return h('section', { 'aria-labelledby': heading.id }, heading,
    h('p', {}, t('officer.disputes_intro')),
    h('ul', { class: 'cards' }, items.map((x, i) => {
      const titleId = `officer-dispute-${i}`;
      const box = alertBox();
      const resolve = h('button', { type: 'button', class: 'button button--primary', 'aria-describedby': titleId }, t('officer.resolve'));
      resolve.addEventListener('click', () => {
        memory.resolving = { batch: x.batch, serial: x.serial };
        memory.answers = {};
        memory.outcome = null;
        page.draw('officer-paper-entry-heading');
      });
      const spoil = h('button', { type: 'button', class: 'button button--danger', 'aria-describedby': titleId }, t('officer.spoil'));
      spoil.addEventListener('click', async () => {
        const ok = await confirmStep(spoil, { title: t('officer.spoil_confirm_title'), text: t('officer.spoil_confirm_text'), confirm: t('officer.spoil'), danger: true });
        if (!ok) return;
        const answer = await run(spoil, box, () => post(apiPath(election.id, 'paper/spoil'), { batch: x.batch, serial: x.serial }));
        if (!answer) return;
        memory.outcome = answer;
        announce(`${t(`officer.paper_status_${answer.status}`)}. ${answer.message}`);
        await page.draw('officer-disputes-heading');
      });
      return h('li', { class: 'card' },
        h('h3', { class: 'card__title', id: titleId }, t('officer.paper_which', { batch: x.batch, serial: x.serial })),
        h('dl', { class: 'officer-entries' }, x.entries.map((e) => [
          h('dt', {}, t('officer.paper_entry_by', { n: e.entry, officer: e.officer })),
          h('dd', {}, e.district ? h('p', {}, t('officer.district'), ': ', code(e.district)) : null,
            answersText(d, e.answers).map((line) => h('p', {}, line)))])),
        can('manage') && election.state === 'open' ? h('div', { class: 'actions' }, resolve, spoil) : null,
        box);
    })));
}

function reportTable(report) {
  const heading = h('h2', { id: 'officer-report-heading' }, t('officer.report_heading'));
  if (!report.length) return h('section', { 'aria-labelledby': heading.id }, heading, h('p', {}, t('officer.report_empty')));
  const n = (x) => formatNumber(Number(x || 0));
  return h('section', { 'aria-labelledby': heading.id }, heading,
    h('div', { class: 'table-wrap' }, h('table', { class: 'officer-report' },
      h('caption', { class: 'visually-hidden' }, t('officer.report_heading')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('officer.paper_batch')),
        h('th', { scope: 'col', class: 'number' }, t('officer.report_counted')),
        h('th', { scope: 'col', class: 'number' }, t('officer.report_accepted')),
        STATUSES.map((s) => h('th', { scope: 'col', class: 'number' }, t(`officer.report_${s}`))),
        h('th', { scope: 'col' }, t('officer.report_waiting')))),
      h('tbody', {}, report.map((b) => h('tr', {},
        h('th', { scope: 'row', class: 'officer-nowrap' }, code(b.batch)),
        h('td', { class: 'number' }, n(b.counted)),
        h('td', { class: 'number' }, n(b.accepted)),
        STATUSES.map((s) => h('td', { class: 'number' }, n(b[s]))),
        h('td', {}, code((b.waiting || []).join(', ')))))))));
}

export default async function paperPage(ctx, { id }) {
  if (!ctx.rerender || memory.id !== id) Object.assign(memory, { id, batch: '', serial: '', district: '', answers: {}, resolving: null, outcome: null });
  const title = t('officer.paper_title');
  ctx.setTitle(title);
  const page = {
    draw: async (focusId) => {
      const loaded = await loadForPage(ctx, title, async () => {
        const e = await loadElection(id);
        return { election: e, report: can('view') && e.state !== 'draft' ? (await get(apiPath(id, 'paper'))).batches : undefined };
      });
      if (!loaded) return;
      const { election, report } = loaded;
      const top = electionHeader(election, 'paper', title);
      if (!report) {
        replace(ctx.main, ...top, notAllowed(can('view') ? t('officer.paper_not_yet') : undefined));
        return;
      }
      const entering = can('manage') && election.state === 'open';
      if (!entering) memory.resolving = null;
      replace(ctx.main, ...top,
        h('p', { class: 'lead' }, t('officer.paper_intro')),
        entering ? entryForm(page, election) : h('p', { class: 'notice' }, t(can('manage') ? 'officer.paper_closed' : 'officer.paper_view_only')),
        disputes(page, election, report),
        reportTable(report));
      const target = focusId && document.getElementById(focusId);
      if (target) focusOn(target);
    },
  };
  await page.draw(null);
}
