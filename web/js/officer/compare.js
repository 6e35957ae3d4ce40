// Comparing rules on one contest once voting has closed: every rule side by side
// (who wins, the money, fairness figures, and which rule picks which option), and
// a preview of one rule with options. The contest's own rule was frozen when voting
// opened; this page says so, because only that rule's result counts.
// The contest and seed live in the address (?contest=C&seed=S) so Back works.
import { get, post } from '../api.js';
import { h, replace, announce } from '../dom.js';
import { t, tx, formatNumber } from '../i18n.js';
import { can } from './session.js';
import { loadElection, loadForPage, electionHeader, electionPath, apiPath, notAllowed } from './nav.js';
import { ruleLabel } from './contests.js';
import { field, alertBox, run, showError, focusOn, code, textNode } from './ui.js';
import { tallyView, optionName, money } from './tally-view.js';

const memory = { key: null, preview: null, rule: '', options: '', seed: null };

function summaryTable(definition, contest, data) {
  const rows = data.rules.filter((r) => r.applies);
  const budget = contest.kind === 'budget';
  const ranked = contest.format === 'ranked';
  const n = (x) => formatNumber(Number(x || 0));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'officer-compare' },
    h('caption', {}, t('officer.compare_caption', { count: data.ballots })),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('officer.rule')),
      h('th', { scope: 'col' }, t(budget ? 'officer.winners_budget' : 'officer.winners_selection')),
      budget ? h('th', { scope: 'col', class: 'number' }, t('officer.spent')) : null,
      budget ? h('th', { scope: 'col', class: 'number' }, t('officer.left_over')) : null,
      h('th', { scope: 'col', class: 'number' }, t('officer.voters_with_a_winner')),
      h('th', { scope: 'col', class: 'number' }, t('officer.empty_ballots')),
      ranked ? h('th', { scope: 'col', class: 'number' }, t('officer.first_choice_won')) : null)),
    h('tbody', {}, rows.map((r) => h('tr', { class: r.official ? 'officer-official' : null },
      h('th', { scope: 'row' }, ruleLabel(r.rule), ' ', code(`(${r.rule})`), r.official ? h('strong', { class: 'officer-badge' }, t('officer.official')) : null),
      h('td', {}, h('ol', { class: 'officer-winners' }, (r.winners || []).map((w) => h('li', {}, optionName(definition, contest, w))))),
      budget ? h('td', { class: 'number' }, money(contest, r.spent)) : null,
      budget ? h('td', { class: 'number' }, money(contest, r.left_over)) : null,
      h('td', { class: 'number' }, t('officer.of_voters', { count: Number(r.fairness.voters || 0), part: n(r.fairness.voters_with_a_winner) })),
      h('td', { class: 'number' }, n(r.fairness.empty_ballots)),
      ranked ? h('td', { class: 'number' }, n(r.fairness.first_choice_won)) : null)))));
}

// Which rule chooses which option: options down, rules across.
function matrix(definition, contest, data) {
  const rows = data.rules.filter((r) => r.applies);
  const budget = contest.kind === 'budget';
  const yes = t(budget ? 'officer.funded' : 'officer.elected');
  const no = t(budget ? 'officer.not_funded' : 'officer.not_elected');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'officer-matrix' },
    h('caption', {}, t('officer.matrix_caption')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('officer.option')),
      rows.map((r) => h('th', { scope: 'col' }, code(r.rule), h('span', { class: 'visually-hidden' }, ` ${ruleLabel(r.rule)}`))))),
    h('tbody', {}, (contest.options || []).map((o) => h('tr', {},
      h('th', { scope: 'row' }, optionName(definition, contest, o.id)),
      rows.map((r) => {
        const chosen = (r.winners || []).includes(o.id);
        return h('td', { class: chosen ? 'officer-mark' : null },
          h('span', { 'aria-hidden': 'true' }, chosen ? '✓' : '–'), h('span', { class: 'visually-hidden' }, chosen ? yes : no));
      }))))));
}

function notApplicable(data) {
  const rows = data.rules.filter((r) => !r.applies);
  if (!rows.length) return null;
  return h('details', { class: 'officer-details' },
    h('summary', {}, t('officer.not_applicable', { count: rows.length })),
    h('ul', {}, rows.map((r) => h('li', {}, h('strong', {}, ruleLabel(r.rule)), ' ', code(`(${r.rule})`), ': ',
      h('span', { lang: 'en' }, r.reason || '')))));
}

// "name=value" lines -> {name: value}
function parseOptions(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const s = line.trim();
    if (!s) continue;
    const i = s.indexOf('=');
    if (i <= 0) throw new Error(t('officer.preview_options_invalid', { line: s }));
    out[s.slice(0, i).trim()] = s.slice(i + 1).trim();
  }
  return out;
}

function previewSection(definition, contest, data, id) {
  const rules = data.rules.filter((r) => r.applies).map((r) => r.rule);
  if (!rules.includes(memory.rule)) memory.rule = data.official_rule && rules.includes(data.official_rule) ? data.official_rule : rules[0] || '';
  if (memory.seed === null) memory.seed = data.seed;
  const rule = h('select', { onchange: (e) => { memory.rule = e.target.value; } },
    rules.map((r) => h('option', { value: r, selected: r === memory.rule }, `${ruleLabel(r)} (${r})`)));
  const options = h('textarea', { rows: '3', dir: 'ltr', spellcheck: 'false', class: 'officer-short', oninput: (e) => { memory.options = e.target.value; } });
  options.value = memory.options;
  const seed = h('input', { type: 'text', autocomplete: 'off', value: memory.seed, oninput: (e) => { memory.seed = e.target.value; } });
  const box = alertBox();
  const out = h('div', {});
  const submit = h('button', { type: 'submit', class: 'button button--primary' }, t('officer.preview_button'));
  const form = h('form', { novalidate: true },
    field({ id: 'officer-preview-rule', label: t('officer.rule'), control: rule }),
    field({ id: 'officer-preview-options', label: t('officer.preview_options'), hint: t('officer.preview_options_hint'), control: options }),
    field({ id: 'officer-preview-seed', label: t('officer.seed'), hint: t('officer.preview_seed_hint'), control: seed }),
    h('div', { class: 'actions' }, submit), box);
  const draw = () => { if (memory.preview) replace(out, tallyView(definition, memory.preview, 'h3')); };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const answer = await run(submit, box, () => post(apiPath(id, 'preview'), {
      contest: contest.id, rule: memory.rule, options: parseOptions(memory.options), seed: memory.seed,
    }));
    if (!answer) return;
    memory.preview = answer;
    draw();
    announce(t('officer.preview_ready'));
    focusOn(out.querySelector('h3'));
  });
  draw();
  return h('section', { 'aria-labelledby': 'officer-preview-heading' },
    h('h2', { id: 'officer-preview-heading' }, t('officer.preview_heading')),
    h('p', {}, t('officer.preview_intro')), form, out);
}

export default async function comparePage(ctx, { id }) {
  const title = t('officer.compare_title');
  ctx.setTitle(title);
  const election = await loadForPage(ctx, title, () => loadElection(id));
  if (!election) return;
  const top = electionHeader(election, 'compare', title);
  if (!can('view') || !['closed', 'tallied', 'published'].includes(election.state)) {
    replace(ctx.main, ...top, notAllowed(can('view') ? t('officer.compare_not_yet') : undefined));
    return;
  }
  const d = election.definition;
  const contests = d.contests || [];
  const chosenId = ctx.query.get('contest') || '';
  const chosenSeed = ctx.query.get('seed') || '';
  const key = `${id}|${chosenId}|${chosenSeed}`;
  if (memory.key !== key || !ctx.rerender) Object.assign(memory, { key, preview: null, rule: '', options: '', seed: null });

  const contestSelect = h('select', {}, contests.map((c) => h('option', { value: c.id, selected: c.id === chosenId }, `${c.id} – ${tx(c.title, d.languages)}`)));
  const seedInput = h('input', { type: 'text', autocomplete: 'off', value: chosenSeed });
  const box = alertBox();
  const submit = h('button', { type: 'submit', class: 'button button--primary' }, t('officer.compare_button'));
  const form = h('form', { novalidate: true },
    field({ id: 'officer-compare-contest', label: t('officer.contest'), control: contestSelect }),
    field({ id: 'officer-compare-seed', label: t('officer.seed'), hint: t(election.state === 'closed' ? 'officer.compare_seed_hint' : 'officer.compare_seed_hint_tallied'), control: seedInput }),
    h('div', { class: 'actions' }, submit), box);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = new URLSearchParams({ contest: contestSelect.value });
    if (seedInput.value.trim()) q.set('seed', seedInput.value.trim());
    ctx.navigate(`${electionPath(id, 'compare')}?${q}`);
  });
  const contest = contests.find((c) => c.id === chosenId);
  const frozen = h('div', { class: 'notice' }, h('p', {}, t('officer.compare_frozen')));
  replace(ctx.main, ...top, h('p', { class: 'lead' }, t('officer.compare_intro')), frozen, form);
  if (!contest) return;

  let data;
  try {
    const q = new URLSearchParams({ contest: contest.id });
    if (chosenSeed) q.set('seed', chosenSeed);
    data = await get(`${apiPath(id, 'compare')}?${q}`);
  } catch (e) {
    if (!ctx.current()) return;
    showError(box, e);
    return;
  }
  if (!ctx.current()) return;
  const heading = h('h2', { id: 'officer-compare-heading' }, t('officer.compare_heading'), ' ', textNode('span', contest.title, d.languages, {}, contest.id));
  ctx.main.append(h('section', { 'aria-labelledby': 'officer-compare-heading' },
    heading,
    h('p', {}, t('officer.compare_official', { rule: ruleLabel(data.official_rule) }), ' ', code(`(${data.official_rule})`)),
    h('p', {}, t('officer.compare_seed_used'), ' ', code(data.seed)),
    summaryTable(d, contest, data),
    matrix(d, contest, data),
    notApplicable(data)),
  previewSection(d, contest, data, id));
}
