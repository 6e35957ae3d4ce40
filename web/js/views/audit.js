// The audit page (/audit/:election): check a receipt (its code, or the ballot's leaf
// hash; ?leaf=HEX fills it in and checks at once), verifying the inclusion proof and
// the checkpoint's signature in the browser and saying each check in a sentence;
// the signed checkpoints of the ballot and officer logs, their signatures checked
// too; and the downloads: the election record and each contest's ballots (.pb, .blt).
import { ApiError, get } from '../api.js';
import { download, h, replace } from '../dom.js';
import { t, tx } from '../i18n.js';
import { drawLoadError, electionPath, electionTitle, formatCount, loadElection, textNode } from '../results/data.js';
import { normalizeReceiptCode } from '../results/merkle.js';
import { contestExport } from '../results/record.js';
import { checkpointSignatures, receiptChecks } from '../results/verify.js';

// Kept across a language change: what was typed and what the check found.
const state = { id: null, input: '', error: '', outcome: null };

const enc = encodeURIComponent;

function fetchCheckpoints(id, log) {
  return get(`${electionPath(id)}/checkpoints?log=${log}`).then((r) => r.checkpoints);
}

// Reads the field: {leaf} (64 hex digits), {code} or null.
function parseInput(value) {
  const plain = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(plain)) return { leaf: plain.toLowerCase(), code: null };
  const code = normalizeReceiptCode(plain);
  return code ? { leaf: null, code } : null;
}

// Runs the check of what was typed; returns the outcome to draw.
async function check(election, parsed) {
  let { leaf } = parsed;
  if (!leaf) {
    // The server finds the ballot behind a short receipt code (its leaf's first 50 bits).
    try {
      leaf = (await get(`${electionPath(election.id)}/receipts?code=${enc(parsed.code)}`)).leaves[0];
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return { kind: 'not_found' };
      throw e;
    }
  }
  let status;
  try {
    status = await get(`${electionPath(election.id)}/receipts/${leaf}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { kind: 'not_found' };
    throw e;
  }
  if (status.status !== 'included') return { kind: 'pending' };
  const published = await fetchCheckpoints(election.id, 'ballots');
  const checks = await receiptChecks({ election, leafHex: leaf, code: parsed.code, proof: status.proof, published });
  return { kind: 'included', checks, leaf };
}

function outcomeView(outcome, rerun) {
  const heading = h('h3', { id: 'outcome-heading', tabindex: '-1' }, t('results.audit_outcome'));
  const wrap = (...children) => h('div', { class: 'audit-outcome', dataset: { outcome: outcome.kind } }, heading, children);
  switch (outcome.kind) {
    case 'pending':
      return wrap(h('div', { class: 'notice notice--warning' },
        h('p', {}, t('results.audit_pending')),
        h('p', {}, t('results.audit_pending_why'))),
      h('button', { type: 'button', class: 'button', onclick: rerun }, t('results.audit_check_again')));
    case 'not_found':
      return wrap(h('p', { class: 'notice notice--error' }, t('results.audit_not_found')));
    case 'error':
      return wrap(h('p', { class: 'notice notice--error' }, outcome.message));
    default: {
      const failed = outcome.checks.filter((c) => !c.pass).length;
      return wrap(
        h('p', { class: ['notice', failed ? 'notice--error' : 'notice--success'] },
          failed ? t('results.audit_some_failed', { count: failed, total: outcome.checks.length }) : t('results.audit_all_passed', { count: outcome.checks.length })),
        h('ul', { class: 'audit-checks' }, outcome.checks.map((c) => h('li', {
          class: ['audit-check', c.pass ? 'audit-check--pass' : 'audit-check--fail'], dataset: { check: c.id, pass: String(c.pass) },
        },
        h('span', { class: 'audit-check__mark', 'aria-hidden': 'true' }, c.pass ? '✓' : '✗'),
        h('span', {},
          h('strong', {}, t(c.pass ? 'results.audit_pass' : 'results.audit_fail')), ' ',
          t(`results.check_${c.id}${c.pass ? '' : '_fail'}`, c.vars))))),
        h('p', { class: 'audit-leaf' }, t('results.audit_leaf_is'), ' ', h('span', { class: 'code-text', dir: 'ltr' }, outcome.leaf)));
    }
  }
}

function receiptSection(ctx, election) {
  const input = h('input', {
    type: 'text', id: 'receipt', name: 'receipt', value: state.input, autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'characters', dir: 'ltr', class: 'code-text', 'aria-describedby': state.error ? 'receipt-hint receipt-error' : 'receipt-hint',
    'aria-invalid': state.error ? 'true' : null,
  });
  const outcomeSlot = h('div', { class: 'audit-outcome-slot' }, state.outcome ? outcomeView(state.outcome, () => run(true)) : null);
  const error = h('p', { class: 'field__error', id: 'receipt-error', hidden: !state.error }, state.error);
  const submit = h('button', { type: 'submit', class: 'button button--primary' }, t('results.audit_check'));

  async function run(focusOutcome) {
    state.input = input.value;
    const parsed = parseInput(state.input);
    state.error = parsed ? '' : t('results.audit_invalid');
    error.hidden = !state.error;
    error.textContent = state.error;
    input.setAttribute('aria-invalid', state.error ? 'true' : 'false');
    input.setAttribute('aria-describedby', state.error ? 'receipt-hint receipt-error' : 'receipt-hint');
    if (!parsed) {
      state.outcome = null;
      replace(outcomeSlot);
      input.focus();
      return;
    }
    submit.setAttribute('aria-disabled', 'true');
    replace(outcomeSlot, h('p', { class: 'loading', role: 'status' }, t(parsed.code ? 'results.audit_searching' : 'results.audit_checking')));
    try {
      state.outcome = await check(election, parsed);
    } catch (e) {
      state.outcome = { kind: 'error', message: e.offline ? t('common.offline') : e.message };
    }
    submit.removeAttribute('aria-disabled');
    if (!ctx.current()) return;
    replace(outcomeSlot, outcomeView(state.outcome, () => run(true)));
    if (focusOutcome) outcomeSlot.querySelector('#outcome-heading').focus();
  }

  const form = h('form', {
    class: 'audit-form', novalidate: true,
    onsubmit: (event) => {
      event.preventDefault();
      if (submit.getAttribute('aria-disabled') !== 'true') run(true);
    },
  },
  h('div', { class: 'field' },
    h('label', { for: 'receipt' }, t('results.audit_field')),
    h('span', { class: 'field__hint', id: 'receipt-hint' }, t('results.audit_field_hint')),
    error,
    input),
  submit);
  return { element: h('section', { 'aria-labelledby': 'receipt-heading' },
    h('h2', { id: 'receipt-heading' }, t('results.audit_receipt_title')),
    h('p', {}, t('results.audit_receipt_intro')),
    form, outcomeSlot), run };
}

function checkpointTable(log, rows) {
  const bad = rows.filter((r) => !r.signed).length;
  const title = t(log === 'ballots' ? 'results.log_ballots' : 'results.log_officer');
  return h('section', { class: 'audit-log', 'aria-labelledby': `log-${log}`, dataset: { log } },
    h('h3', { id: `log-${log}` }, title),
    h('p', { class: ['notice', bad ? 'notice--error' : 'notice--success'] },
      bad ? t('results.log_bad', { count: bad, total: rows.length }) : t('results.log_ok', { count: rows.length })),
    rows.length ? h('details', { class: 'results-details' },
      h('summary', {}, t('results.log_show', { count: rows.length })),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'results-table audit-table' },
          h('caption', { class: 'visually-hidden' }, title),
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col', class: 'number' }, t(log === 'ballots' ? 'results.col_ballots' : 'results.col_entries')),
            h('th', { scope: 'col' }, t('results.col_root')),
            h('th', { scope: 'col' }, t('results.col_signature')))),
          h('tbody', {}, rows.map(({ checkpoint, signed }) => h('tr', {},
            h('td', { class: 'number' }, formatCount(checkpoint.size)),
            h('td', { class: 'code-text audit-root', dir: 'ltr' }, checkpoint.root),
            h('td', {}, t(signed ? 'results.signature_valid' : 'results.signature_invalid')))))))) : null);
}

function downloadsSection(election, status) {
  const id = election.id;
  const published = election.state === 'published';
  const exportsOf = election.manifest.contests.filter((c) => c.kind === 'budget' || c.format === 'ranked');
  const exportButton = (contest) => h('button', {
    type: 'button', class: 'button', dataset: { contest: contest.id },
    onclick: async () => {
      replace(status, t('results.export_preparing'));
      try {
        const file = await contestExport(id, contest.id);
        if (!file) throw new Error(t('results.export_missing'));
        download(file.name, file.text);
        replace(status, t('results.export_done', { file: file.name }));
      } catch (e) {
        replace(status, h('span', { class: 'field__error' }, e.offline ? t('common.offline') : e.message));
      }
    },
  }, t(contest.kind === 'budget' ? 'results.export_pb' : 'results.export_blt', { contest: tx(contest.title, election.manifest.languages) }));
  return h('section', { 'aria-labelledby': 'downloads-heading' },
    h('h2', { id: 'downloads-heading' }, t('results.downloads_title')),
    published ? [
      h('p', {}, t('results.record_about')),
      h('p', {}, h('a', { class: 'button button--primary', href: `/api/v1/elections/${enc(id)}/record`, download: `${id}-record.tar` }, t('results.record_link'))),
      exportsOf.length ? [h('p', {}, t('results.exports_about')), h('div', { class: 'actions' }, exportsOf.map(exportButton)), status] : null,
    ] : h('p', { class: 'notice' }, t('results.record_later')));
}

export default async function render(ctx) {
  const id = ctx.params.election;
  const leafParam = ctx.query.get('leaf');
  if (state.id !== id) {
    state.id = id;
    state.input = '';
    state.error = '';
    state.outcome = null;
  }
  ctx.setTitle(t('results.audit_heading'));
  if (!ctx.rerender) replace(ctx.main, h('h1', {}, t('results.audit_heading')), h('p', { class: 'loading' }, t('common.loading')));
  let election;
  let logs;
  try {
    election = await loadElection(id);
    const [ballots, officer] = await Promise.all([fetchCheckpoints(id, 'ballots'), fetchCheckpoints(id, 'officer')]);
    logs = await Promise.all([checkpointSignatures(ballots, election.manifest.keys.signing), checkpointSignatures(officer, election.manifest.keys.signing)]);
  } catch (e) {
    if (!ctx.current()) return;
    if (!(e instanceof ApiError)) throw e;
    drawLoadError(ctx, t('results.audit_heading'), e);
    return;
  }
  if (!ctx.current()) return;
  const title = electionTitle(election);
  ctx.setTitle(t('results.audit_page_title', { title: title.text }));
  const fresh = leafParam && !ctx.rerender && (state.input !== leafParam || !state.outcome);
  if (fresh) state.input = leafParam;
  const receipt = receiptSection(ctx, election);
  const status = h('p', { class: 'audit-export-status', role: 'status' });
  replace(ctx.main,
    h('h1', {}, t('results.audit_heading_for'), ' ', textNode('span', title)),
    h('p', { class: 'lead' }, t('results.audit_intro')),
    election.state === 'published' ? h('p', {}, h('a', { href: `/results/${enc(id)}` }, t('results.results_link'))) : null,
    receipt.element,
    h('section', { 'aria-labelledby': 'checkpoints-heading' },
      h('h2', { id: 'checkpoints-heading' }, t('results.checkpoints_title')),
      h('p', {}, t('results.checkpoints_intro')),
      h('p', {}, t('results.key_is'), ' ', h('span', { class: 'code-text audit-key', dir: 'ltr' }, election.manifest.keys.signing)),
      checkpointTable('ballots', logs[0]),
      checkpointTable('officer', logs[1])),
    downloadsSection(election, status));
  if (fresh) await receipt.run(false);
}
