// One election's page: what it holds (contests, manifest fingerprint) and its
// lifecycle, draft -> open -> closed -> tallied -> published, with the step this
// role can take now: open (confirmed: it freezes the manifest), close, tally with a
// public seed, publish (confirmed), delete a draft; kiosk tokens while open.
import { post, del } from '../api.js';
import { h, replace, announce } from '../dom.js';
import { t } from '../i18n.js';
import { can } from './session.js';
import { loadElection, electionHeader, electionPath, apiPath, electionTitle, nextStep, notAllowed } from './nav.js';
import { ruleLabel, kindLabel, formatLabel } from './contests.js';
import { kiosksSection } from './kiosks.js';
import { field, alertBox, run, confirmStep, textNode, code, focusOn, showSuccess, errorNotice } from './ui.js';

// Kept across a language change, dropped when the page is opened anew.
const memory = { id: null, flash: null, token: null, seed: '' };

function contestTable(election) {
  const d = election.definition;
  const districts = d.districts || [];
  const districtName = (id) => {
    const found = districts.find((x) => x.id === id);
    return found ? textNode('span', found.name, d.languages, {}, id) : t('officer.whole_area');
  };
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: 'visually-hidden' }, t('officer.contests_caption')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('officer.contest')),
      h('th', { scope: 'col' }, t('officer.kind_and_format')),
      h('th', { scope: 'col' }, t('officer.rule')),
      h('th', { scope: 'col', class: 'number' }, t('officer.options_count')),
      h('th', { scope: 'col' }, t('officer.district')))),
    h('tbody', {}, (d.contests || []).map((c) => h('tr', {},
      h('th', { scope: 'row' }, textNode('span', c.title, d.languages, {}, c.id), ' ', code(`(${c.id})`, { class: 'code-text muted' })),
      h('td', {}, `${kindLabel(c.kind)}, ${formatLabel(c.format)}`),
      h('td', {}, ruleLabel(c.rule)),
      h('td', { class: 'number' }, String((c.options || []).length)),
      h('td', {}, districtName(c.district)))))));
}

function districtSelect(d, id) {
  const select = h('select', {},
    h('option', { value: '' }, t('officer.whole_area')),
    (d.districts || []).map((x) => textNode('option', x.name, d.languages, { value: x.id }, x.id)));
  return field({ id, label: t('officer.district'), hint: t('officer.kiosk_district_hint'), control: select });
}

// A lifecycle step: a button that may ask first, then calls the server, then redraws.
function stepButton({ label, danger, ask, call, flash, redraw }) {
  const box = alertBox();
  const button = h('button', { type: 'button', class: ['button', danger ? 'button--danger' : 'button--primary'] }, label);
  button.addEventListener('click', async () => {
    if (ask && !(await confirmStep(button, ask))) return;
    const answer = await run(button, box, call);
    if (answer === undefined) return;
    memory.flash = flash(answer);
    await redraw();
  });
  return [h('div', { class: 'actions' }, button), box];
}

function tallyForm(election, redraw) {
  const seed = h('input', { type: 'text', autocomplete: 'off', value: memory.seed, maxlength: '256', oninput: (e) => { memory.seed = e.target.value; } });
  const box = alertBox();
  const submit = h('button', { type: 'submit', class: 'button button--primary' }, t('officer.tally_button'));
  const form = h('form', { novalidate: true },
    field({ id: 'officer-seed', label: t('officer.seed'), hint: t('officer.seed_hint'), control: seed }),
    h('div', { class: 'actions' }, submit), box);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const answer = await run(submit, box, () => post(apiPath(election.id, 'tally'), { seed: seed.value }));
    if (answer === undefined) return;
    memory.seed = '';
    memory.flash = { key: 'officer.tallied_flash', link: 'result' };
    await redraw();
  });
  return form;
}

function kioskSection(election) {
  const d = election.definition;
  const box = alertBox();
  const shown = h('div', { class: 'officer-token' });
  const drawToken = () => {
    if (!memory.token) return;
    replace(shown, h('p', {}, t('officer.kiosk_token_label')),
      h('p', { class: 'officer-token__value' }, code(memory.token.token)),
      h('p', { class: 'muted' }, t('officer.kiosk_token_expires', { count: Math.round(memory.token.expires_in / 60) })));
  };
  const button = h('button', { type: 'submit', class: 'button button--primary' }, t('officer.kiosk_issue'));
  const hasDistricts = (d.districts || []).length > 0;
  const form = h('form', { novalidate: true },
    hasDistricts ? districtSelect(d, 'officer-kiosk-district') : null,
    h('div', { class: 'actions' }, button), box);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const district = hasDistricts ? form.querySelector('select').value : '';
    const answer = await run(button, box, () => post(apiPath(election.id, 'kiosk-tokens'), { district }));
    if (!answer) return;
    memory.token = answer;
    drawToken();
    announce(t('officer.kiosk_token_ready'));
  });
  drawToken();
  return h('section', { 'aria-labelledby': 'officer-kiosk-heading' },
    h('h2', { id: 'officer-kiosk-heading' }, t('officer.kiosk_title')),
    h('p', {}, t('officer.kiosk_intro')), form, shown);
}

// What the officer can do in this state.
function stepsSection(ctx, election, redraw) {
  const id = election.id;
  const parts = [h('h2', { id: 'officer-next-heading' }, t('officer.next_heading')), h('p', {}, nextStep(election.state))];
  const link = (page, key) => h('a', { class: 'button', href: electionPath(id, page) }, t(key));
  switch (election.state) {
    case 'draft':
      parts.push(h('ol', { class: 'officer-checklist' },
        h('li', {}, h('a', { href: electionPath(id, 'edit') }, t('officer.step_edit'))),
        h('li', {}, h('a', { href: electionPath(id, 'import') }, t('officer.step_import'))),
        h('li', {}, h('a', { href: electionPath(id, 'codes') }, t('officer.step_codes'))),
        h('li', {}, t('officer.step_open'))));
      parts.push(...stepButton({
        redraw,
        label: t('officer.open_button'),
        ask: { title: t('officer.open_confirm_title'), text: t('officer.open_confirm_text'), confirm: t('officer.open_confirm') },
        call: () => post(apiPath(id, 'open')),
        flash: () => ({ key: 'officer.opened_flash' }),
      }));
      parts.push(h('h3', {}, t('officer.delete_heading')), h('p', {}, t('officer.delete_intro')));
      parts.push(...stepButton({
        label: t('officer.delete_button'),
        danger: true,
        ask: { title: t('officer.delete_confirm_title'), text: t('officer.delete_confirm_text'), confirm: t('officer.delete_confirm'), danger: true },
        call: () => del(apiPath(id)),
        flash: () => null,
        redraw: async () => {
          announce(t('officer.deleted', { id }));
          ctx.navigate('/officer', { force: true });
        },
      }));
      break;
    case 'open':
      parts.push(h('div', { class: 'actions' }, link('paper', 'officer.menu_paper')));
      parts.push(...stepButton({
        redraw,
        label: t('officer.close_button'),
        ask: { title: t('officer.close_confirm_title'), text: t('officer.close_confirm_text'), confirm: t('officer.close_confirm') },
        call: () => post(apiPath(id, 'close')),
        flash: () => ({ key: 'officer.closed_flash' }),
      }));
      break;
    case 'closed':
      parts.push(h('div', { class: 'notice' }, h('p', {}, t('officer.seed_explain'))));
      parts.push(tallyForm(election, redraw));
      parts.push(h('p', {}, t('officer.compare_before_tally'), ' ', h('a', { href: electionPath(id, 'compare') }, t('officer.menu_compare'))));
      break;
    case 'tallied':
      parts.push(h('div', { class: 'actions' }, link('result', 'officer.menu_result'), link('compare', 'officer.menu_compare')));
      parts.push(...stepButton({
        redraw,
        label: t('officer.publish_button'),
        ask: { title: t('officer.publish_confirm_title'), text: t('officer.publish_confirm_text'), confirm: t('officer.publish_confirm') },
        call: () => post(apiPath(id, 'publish')),
        flash: () => ({ key: 'officer.published_flash' }),
      }));
      break;
    default:
      parts.push(h('div', { class: 'actions' },
        h('a', { class: 'button button--primary', href: `/results/${encodeURIComponent(id)}` }, t('officer.public_results')),
        h('a', { class: 'button', href: `/audit/${encodeURIComponent(id)}` }, t('officer.public_audit')),
        h('a', { class: 'button', href: `/api/v1/elections/${encodeURIComponent(id)}/record`, download: `${id}-record.tar` }, t('officer.download_record'))));
  }
  return h('section', { 'aria-labelledby': 'officer-next-heading' }, parts);
}

function flashNotice(id) {
  const f = memory.flash;
  if (!f) return null;
  const box = h('div', { class: 'officer-flash', tabindex: '-1' });
  showSuccess(box,
    h('p', {}, t(f.key)),
    f.link ? h('p', {}, h('a', { href: electionPath(id, f.link) }, t('officer.menu_result'))) : null);
  return box;
}

export default async function overviewPage(ctx, { id }) {
  if (!ctx.rerender || memory.id !== id) Object.assign(memory, { id, flash: null, token: null, seed: '' });
  const draw = async (after) => {
    let election;
    try {
      election = await loadElection(id);
    } catch (e) {
      if (!ctx.current()) return;
      ctx.setTitle(t('officer.election_missing_title'));
      replace(ctx.main, h('h1', {}, t('officer.election_missing_title')),
        e.status === 404 && !can('manage') ? h('p', { class: 'notice notice--warning' }, t('officer.election_hidden')) : errorNotice(e),
        h('p', {}, h('a', { href: '/officer' }, t('officer.list_title'))));
      return;
    }
    if (!ctx.current()) return;
    ctx.setTitle(electionTitle(election));
    const flash = flashNotice(id);
    const canStep = can('manage');
    replace(ctx.main,
      ...electionHeader(election, ''),
      flash,
      election.hash ? h('p', { class: 'officer-hash-line' }, t('officer.manifest_hash'), ' ', code(election.hash, { class: 'code-text officer-hash' })) : null,
      h('h2', {}, t('officer.contests_heading')),
      (election.definition.contests || []).length ? contestTable(election) : h('p', {}, t('officer.no_contests')),
      canStep ? stepsSection(ctx, election, () => draw(true)) : null,
      election.state === 'open' && can('kiosk') ? kioskSection(election) : null,
      election.state === 'open' && can('kiosk') ? kiosksSection(election) : null,
      !canStep && !can('kiosk') ? notAllowed(t('officer.view_only')) : null);
    if (after && flash) focusOn(flash);
  };
  await draw(false);
}
