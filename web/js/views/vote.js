// The voter's pages, /vote and /vote/:election: pick an open vote, enter the voting
// code, fill the ballot, check it, cast it, keep the receipt (the ballot steps are
// the reusable component in web/js/ballot/index.js; this page adds the code and the
// online submission).
//
// One URL for every step; unfinished work lives in module state (`flow`) so that a
// language change draws the same step again with every choice. A fresh visit starts
// afresh. The voting code stays in memory only while it is typed and exchanged:
// never in storage or the console, and dropped from the address bar when it came
// in a printed link (?code=...). Casting uses one Idempotency-Key per ballot, kept
// for retries, so a retry after a lost answer never counts the ballot twice.
import { get, post, newIdempotencyKey } from '../api.js';
import { h, replace, announce } from '../dom.js';
import { t, tx } from '../i18n.js';
import { renderBallot } from '../ballot/index.js';
import { hasChoices } from '../ballot/rules.js';
import { local, stepHeader, stepHeading, errorSummary } from '../ballot/parts.js';

const CODE_LENGTH = 14; // 13 symbols and a check symbol (storage/include/allot/storage/codes.hpp)
const CODE_EXAMPLE = '7K3QM-R9D2X-H4TP';
const CODE_INPUT_ID = 'vote-code';

// {id, ctx, info (GET /elections/{id}), step: 'code'|'ballot', code (as typed),
//  codeError (() => text), notice, busy, session {token, expiresAt}, ballot, answers, key}
let flow = null;
let stopBallot = null;

const path = (f, rest = '') => `/elections/${encodeURIComponent(f.id)}${rest}`;

function clearBallot() {
  if (stopBallot) stopBallot();
  stopBallot = null;
}

// The typed code as the server reads it: no spaces, dots or dashes of any kind,
// Arabic-Indic digits as ASCII, capitals.
function compactCode(typed) {
  return typed
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x6f0))
    .replace(/[\s.\-\u2010-\u2015\u2212]/g, '')
    .toUpperCase();
}

function codeErrorText(e) {
  if (e.offline) return t('common.offline');
  if (e.code === 'rate_limited') {
    const seconds = e.retryAfter || e.body.retry_after || 60;
    return seconds > 90 ? t('voter.code_wait_minutes', { count: Math.ceil(seconds / 60) }) : t('voter.code_wait_seconds', { count: seconds });
  }
  const known = { unknown_code: 'code_unknown', bad_request: 'code_typo', already_used: 'code_used', wrong_state: 'code_closed', expired: 'code_expired' };
  return known[e.code] ? t(`voter.${known[e.code]}`) : e.message;
}

const stepLabels = () => [t('voter.step_code'), t('voter.step_choose'), t('voter.step_check'), t('voter.step_done')];
const electionTexts = (f) => ({ title: f.info.title, languages: f.info.manifest.languages });

function setTitle(f, key) {
  f.ctx.setTitle(`${t(key)} – ${tx(f.info.title, f.info.manifest.languages)}`);
}

function focus(ctx, selector) {
  if (selector) ctx.main.querySelector(selector)?.focus();
}

// ---- step 1: the voting code ----------------------------------------------------------------

function drawCode(f, focusSelector) {
  clearBallot();
  const { ctx } = f;
  setTitle(f, 'voter.code_title');
  const error = f.codeError ? f.codeError() : null;
  const input = h('input', {
    type: 'text', id: CODE_INPUT_ID, name: 'code', class: 'code-text vote-code-input', dir: 'ltr',
    autocomplete: 'off', autocapitalize: 'characters', autocorrect: 'off', spellcheck: 'false', maxlength: '64',
    value: f.code,
    'aria-describedby': error ? 'vote-code-hint vote-code-error' : 'vote-code-hint',
    'aria-invalid': error ? 'true' : null,
    oninput: () => { f.code = input.value; },
  });
  const form = h('form', { novalidate: true, class: 'vote-code-form', onsubmit: (event) => { event.preventDefault(); submitCode(f); } },
    h('div', { class: 'field' },
      h('label', { for: CODE_INPUT_ID }, t('voter.code_label')),
      h('span', { class: 'field__hint', id: 'vote-code-hint' }, t('voter.code_hint', { example: CODE_EXAMPLE, length: CODE_LENGTH })),
      error ? h('span', { class: 'field__error', id: 'vote-code-error' }, error) : null,
      input),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'button button--primary vote-continue', 'aria-disabled': f.busy ? 'true' : null },
        f.busy ? t('voter.code_checking') : t('voter.continue'))));
  replace(ctx.main,
    stepHeader(electionTexts(f), stepLabels(), 0),
    stepHeading(t('voter.code_title')),
    f.notice ? h('p', { class: 'notice notice--warning vote-notice' }, t(f.notice)) : null,
    error ? errorSummary(t('voter.error_summary_title'), [{ text: error, target: CODE_INPUT_ID }]) : null,
    h('p', { class: 'lead' }, t('voter.code_intro')),
    form,
    h('p', { class: 'muted' }, t('voter.code_help')));
  focus(ctx, focusSelector);
}

function codeFailed(f, textOf) {
  f.busy = false;
  f.codeError = textOf;
  if (flow === f) drawCode(f, '.error-summary');
}

async function submitCode(f) {
  if (f.busy) return;
  const compact = compactCode(f.code);
  if (!compact) return codeFailed(f, () => t('voter.code_missing'));
  if (compact.length !== CODE_LENGTH) {
    return codeFailed(f, () => t('voter.code_length', { count: compact.length, length: CODE_LENGTH }));
  }
  f.busy = true;
  drawCode(f, '.vote-continue');
  announce(t('voter.code_checking'));
  try {
    const s = await post(path(f, '/session'), { code: compact });
    f.session = { token: s.session, expiresAt: Date.now() + s.expires_in * 1000 };
    const ballot = await get(path(f, '/ballot'), { bearer: s.session });
    f.ballot = { ...ballot, categories: f.info.manifest.categories, districts: f.info.manifest.districts };
  } catch (e) {
    f.session = null;
    return codeFailed(f, () => codeErrorText(e));
  }
  f.busy = false;
  f.code = '';
  f.codeError = null;
  f.notice = null;
  f.step = 'ballot';
  if (flow === f) drawBallot(f, 'h1');
}

// ---- steps 2 to 4: the ballot, the review, the receipt ------------------------------------

async function castOnline(f, answers) {
  f.key ||= newIdempotencyKey();
  try {
    const receipt = await post(path(f, '/ballot'), { answers }, { bearer: f.session.token, headers: { 'Idempotency-Key': f.key } });
    f.session = null;
    f.key = null;
    return receipt;
  } catch (e) {
    if (e.status !== 401) throw e;
    // The session ran out: ask for the code again, keeping every choice (and the key).
    f.session = null;
    f.step = 'code';
    f.notice = 'voter.session_ended';
    if (flow === f) drawCode(f, 'h1');
    return undefined;
  }
}

function drawBallot(f, focusSelector) {
  clearBallot();
  const { ctx } = f;
  const host = h('div', { class: 'vote-ballot' });
  replace(ctx.main, host);
  const titles = { contests: 'voter.ballot_title', review: 'voter.review_title', receipt: 'voter.receipt_title' };
  const minutes = f.session ? Math.max(1, Math.ceil((f.session.expiresAt - Date.now()) / 60000)) : 0;
  stopBallot = renderBallot(host, f.ballot, f.answers, {
    leadingSteps: [t('voter.step_code')],
    note: minutes ? t('voter.ballot_time', { count: minutes }) : null,
    onStep: (step) => setTitle(f, titles[step]),
    onCast: (answers) => castOnline(f, answers),
    doneLink: { href: '/', label: t('voter.done_link') },
  });
  focus(ctx, focusSelector);
}

// ---- the pages ------------------------------------------------------------------------------

async function drawPicker(ctx) {
  ctx.setTitle(t('voter.pick_title'));
  replace(ctx.main, stepHeading(t('voter.pick_title')), h('p', { class: 'loading' }, t('common.loading')));
  let list;
  try {
    list = (await get('/elections')).elections;
  } catch (e) {
    if (ctx.current()) replace(ctx.main, stepHeading(t('voter.pick_title')), h('p', { class: 'notice notice--error' }, e.offline ? t('common.offline') : e.message));
    return;
  }
  if (!ctx.current()) return;
  const open = list.filter((e) => e.state === 'open');
  if (open.length === 1) {
    ctx.navigate(`/vote/${encodeURIComponent(open[0].id)}${location.search}`, { replace: true });
    return;
  }
  replace(ctx.main,
    stepHeading(t('voter.pick_title')),
    open.length
      ? [h('p', { class: 'lead' }, t('voter.pick_intro')),
        h('ul', { class: 'cards' }, open.map((e) => h('li', { class: 'card' },
          local('h2', e.title, null, { class: 'card__title' }),
          h('a', { class: 'button button--primary', href: `/vote/${encodeURIComponent(e.id)}${location.search}` },
            t('voter.pick_vote'), h('span', { class: 'visually-hidden' }, ' ', tx(e.title))))))]
      : h('p', { class: 'lead' }, t('voter.pick_none')),
    h('p', {}, h('a', { href: '/' }, t('common.nav_home'))));
}

function drawNotOpen(f) {
  const { ctx, info } = f;
  setTitle(f, 'voter.not_open_title');
  replace(ctx.main,
    local('p', info.title, info.manifest.languages, { class: 'ballot-election' }),
    stepHeading(t('voter.not_open_title')),
    h('p', { class: 'lead' }, t(`common.state_${info.state}`)),
    h('div', { class: 'actions' },
      info.state === 'published' ? h('a', { class: 'button button--primary', href: `/results/${encodeURIComponent(f.id)}` }, t('common.action_results')) : null,
      h('a', { class: 'button', href: '/' }, t('common.nav_home'))));
}

// Reads the code of a printed link (?code=...) and takes it out of the address.
function takeCodeFromAddress(ctx) {
  const code = ctx.query.get('code') || '';
  if (ctx.query.has('code')) {
    const rest = new URLSearchParams(location.search);
    rest.delete('code');
    history.replaceState(null, '', location.pathname + (rest.toString() ? `?${rest}` : ''));
  }
  return code;
}

export default async function render(ctx) {
  if (!ctx.rerender) {
    clearBallot();
    flow = null;
  }
  ctx.setLeaveGuard(() => (flow && flow.step === 'ballot' && hasChoices(flow.answers) ? t('voter.leave_warning') : null));
  if (!ctx.params.election) return drawPicker(ctx);
  if (!flow || flow.id !== ctx.params.election) {
    flow = {
      id: ctx.params.election, ctx, info: null, step: 'code', code: takeCodeFromAddress(ctx), codeError: null,
      notice: null, busy: false, session: null, ballot: null, answers: {}, key: null,
    };
  }
  const f = flow;
  f.ctx = ctx;
  if (!f.info) {
    replace(ctx.main, stepHeading(t('voter.code_title')), h('p', { class: 'loading' }, t('common.loading')));
    try {
      f.info = await get(path(f));
    } catch (e) {
      if (!ctx.current() || flow !== f) return undefined;
      flow = null;
      ctx.setTitle(t('common.error_title'));
      replace(ctx.main,
        stepHeading(e.status === 404 ? t('common.not_found_title') : t('common.error_title')),
        h('p', { class: 'notice notice--error' }, e.status === 404 ? t('common.unknown_election') : e.offline ? t('common.offline') : e.message),
        h('p', {}, h('a', { href: '/vote' }, t('voter.pick_title'))));
      return undefined;
    }
    if (!ctx.current() || flow !== f) return undefined;
  }
  if (f.info.state !== 'open') drawNotOpen(f);
  else if (f.step === 'ballot') drawBallot(f);
  else drawCode(f);
  return clearBallot;
}
