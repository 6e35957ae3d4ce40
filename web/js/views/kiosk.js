// Kiosk mode (/kiosk, /kiosk/:election): a staffed screen in a library or at an
// event where residents vote one after another.
//
// Steps: staff sign in -> register this kiosk for an election (name, district) or
// take over a kiosk registered before -> the welcome screen. For each resident the
// staff press Start; the resident fills the ballot; casting queues it with a
// single-use token from this kiosk's pool and sends it at once (kiosk/sync.js). The
// page then thanks the voter and resets itself, leaving nothing of that ballot on
// screen; it also resets after inactivity (with a warning the voter can dismiss).
// Without network the kiosk keeps taking ballots while it has tokens; the staff
// panel shows what is queued and sends it when the network is back.
import { get, post, setCsrf, ApiError } from '../api.js';
import { h, replace, announce, uid } from '../dom.js';
import { t, tx, textIn, language } from '../i18n.js';
import { load, update, clearAll, usableTokens, enqueue } from '../kiosk/state.js';
import { flush, topUp, discardRefused } from '../kiosk/sync.js';
import { renderBallot } from '../ballot/index.js';

const IDLE_WARN_MS = 120_000;     // no input for 2 minutes: ask "do you need more time?"
const IDLE_RESET_MS = 30_000;     // then reset after 30 more seconds
const THANKS_RESET_MS = 20_000;   // the thank-you screen resets itself
const SYNC_EVERY_MS = 15_000;     // retry queued ballots and top up tokens

// Module state: the screen on show and the current voter's work (never stored).
let screen = 'welcome';
let voter = null;        // {answers, key} while a resident votes
let lastReceipt = null;  // shown on the thank-you screen only
let lastSync = { offline: false, at: 0, tokenError: null };

// ---- helpers ----------------------------------------------------------------------------

function field(label, input, hint) {
  const id = input.id || uid('kiosk-field');
  input.id = id;
  const hintId = hint ? uid('hint') : null;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('span', { class: 'field__hint', id: hintId }, hint) : null,
    input);
}

function errorBox(e) {
  return h('p', { class: 'notice notice--error', role: 'alert' }, e.offline ? t('common.offline') : e.message);
}

function visibleContests(manifest, district) {
  return manifest.contests.filter((c) => !c.district || c.district === district);
}

function ballotData(setup) {
  const m = setup.manifest;
  const district = setup.kiosk.district;
  const d = (m.districts || []).find((x) => x.id === district);
  return {
    election: setup.election,
    title: m.title,
    description: m.description,
    languages: m.languages,
    district,
    district_name: d ? d.name : {},
    manifest_hash: setup.manifest_hash,
    contests: visibleContests(m, district),
    categories: m.categories || [],
    districts: m.districts || [],
  };
}

// ---- staff: sign in and set up ---------------------------------------------------------

async function signedIn() {
  try {
    const me = await get('/officer/me');
    setCsrf(me.csrf);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

function drawSignIn(ctx, done, message) {
  const user = h('input', { type: 'text', autocomplete: 'username', required: true });
  const pass = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const status = h('div', {});
  const form = h('form', { novalidate: true },
    field(t('kiosk.username'), user),
    field(t('kiosk.password'), pass),
    status,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button button--primary' }, t('kiosk.sign_in'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const me = await post('/officer/signin', { username: user.value.trim(), password: pass.value });
      setCsrf(me.csrf);
      done(me);
    } catch (e) {
      replace(status, errorBox(e));
      pass.value = '';
      pass.focus();
    } finally {
      button.disabled = false;
    }
  });
  ctx.setTitle(t('kiosk.title_staff'));
  replace(ctx.main,
    h('h1', {}, t('kiosk.title_staff')),
    h('p', { class: 'lead' }, message || t('kiosk.sign_in_intro')),
    form);
}

async function drawSetup(ctx, me, rerun) {
  ctx.setTitle(t('kiosk.setup_title'));
  replace(ctx.main, h('h1', {}, t('kiosk.setup_title')), h('p', { class: 'loading' }, t('common.loading')));
  const list = (await get('/elections')).elections.filter((e) => e.state === 'open');
  if (!ctx.current()) return;
  if (!list.length) {
    replace(ctx.main, h('h1', {}, t('kiosk.setup_title')), h('p', {}, t('kiosk.no_open')));
    return;
  }
  const chosen = ctx.params.election && list.some((e) => e.id === ctx.params.election) ? ctx.params.election : list[0].id;
  const election = h('select', {}, list.map((e) => h('option', { value: e.id, selected: e.id === chosen }, tx(e.title) || e.id)));
  const name = h('input', { type: 'text', maxlength: '80', required: true, autocomplete: 'off' });
  const district = h('select', {});
  const existing = h('div', {});
  const status = h('div', {});

  // Loads the chosen election's districts and kiosks. Only the latest choice is
  // drawn (an earlier answer arriving late is dropped), and a district already
  // picked stays picked when the list is drawn again.
  let info = null;
  let choice = 0;
  const fillElection = async () => {
    const mine = ++choice;
    const id = election.value;
    const [loaded, kiosks] = await Promise.all([
      get(`/elections/${encodeURIComponent(id)}`),
      get(`/officer/elections/${encodeURIComponent(id)}/kiosks`).catch(() => ({ kiosks: [] })),
    ]);
    if (mine !== choice) return;
    info = loaded;
    const picked = district.value;
    replace(district, h('option', { value: '' }, t('kiosk.no_district')),
      (info.manifest.districts || []).map((d) => h('option', { value: d.id, selected: d.id === picked }, tx(d.name, info.manifest.languages) || d.id)));
    const live = (kiosks.kiosks || []).filter((k) => !k.retired);
    replace(existing, live.length ? h('section', { 'aria-labelledby': 'kiosk-existing' },
      h('h2', { id: 'kiosk-existing' }, t('kiosk.existing_title')),
      h('ul', { class: 'cards' }, live.map((k) => h('li', { class: 'card' },
        h('p', {}, h('strong', {}, k.name), ' ', k.district ? `(${k.district})` : ''),
        h('button', { type: 'button', class: 'button', onclick: () => start(id, loaded, k) }, t('kiosk.use_this', { name: k.name })))))) : null);
  };

  const start = async (id, info, kiosk) => {
    status.replaceChildren();
    update((s) => {
      s.setup = { election: id, kiosk: { id: kiosk.id, name: kiosk.name, district: kiosk.district || '' },
        manifest: info.manifest, manifest_hash: info.manifest_hash, staff: me.username };
      s.tokens = [];
    });
    const err = await topUp();
    if (err) {
      replace(status, errorBox(err));
      return;
    }
    screen = 'welcome';
    ctx.navigate(`/kiosk/${encodeURIComponent(id)}`, { replace: true, force: true });
  };

  let loading = fillElection();
  await loading;
  election.addEventListener('change', () => { loading = fillElection(); });
  const form = h('form', { novalidate: true },
    field(t('kiosk.election'), election),
    field(t('kiosk.kiosk_name'), name, t('kiosk.kiosk_name_hint')),
    field(t('kiosk.district'), district, t('kiosk.district_hint')),
    status,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button button--primary' }, t('kiosk.register'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!name.value.trim()) {
      name.setAttribute('aria-invalid', 'true');
      replace(status, h('p', { class: 'notice notice--error', role: 'alert' }, t('kiosk.name_missing')));
      name.focus();
      return;
    }
    try {
      await loading;  // the districts shown belong to the election chosen
      const k = await post(`/officer/elections/${encodeURIComponent(election.value)}/kiosks`,
        { name: name.value.trim(), district: district.value });
      await start(election.value, info, k);
    } catch (e) {
      replace(status, errorBox(e));
    }
  });
  if (!ctx.current()) return;
  replace(ctx.main,
    h('h1', {}, t('kiosk.setup_title')),
    h('p', { class: 'lead' }, t('kiosk.setup_intro', { name: me.username })),
    form, existing);
  if (rerun) election.focus();
}

// The set-up screen drawn straight after a sign-in, outside the router's render: the
// page is marked busy while the elections load (as the router marks it), so assistive
// technology and the tests wait for the finished form, and a failure to load is shown
// in place of the page.
async function setupAfterSignIn(ctx, me) {
  ctx.main.setAttribute('aria-busy', 'true');
  try {
    await drawSetup(ctx, me, true);
  } catch (e) {
    if (ctx.current()) replace(ctx.main, h('h1', {}, t('kiosk.setup_title')), errorBox(e));
  } finally {
    if (ctx.current()) ctx.main.removeAttribute('aria-busy');
  }
}

// ---- the resident's screens ---------------------------------------------------------

function drawWelcome(ctx, setup) {
  const title = textIn(setup.manifest.title, setup.manifest.languages);
  const state = load();
  const tokens = usableTokens(state).length;
  ctx.setTitle(t('kiosk.welcome_title'));
  replace(ctx.main,
    h('h1', {}, t('kiosk.welcome_title')),
    h('p', { class: 'lead kiosk-election', lang: title.lang }, title.text),
    h('p', { class: 'lead' }, t('kiosk.welcome_text')),
    tokens > 0
      ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button button--primary kiosk-start', onclick: () => startVoter(ctx) }, t('kiosk.start')))
      : h('p', { class: 'notice notice--warning', role: 'status' }, t('kiosk.no_tokens')),
    statusLine(state),
    h('div', { class: 'actions kiosk-staff-actions' },
      h('button', { type: 'button', class: 'button button--small', onclick: () => show(ctx, 'staff') }, t('kiosk.staff_panel'))));
}

function statusLine(state) {
  const waiting = state.queue.filter((q) => q.status === 'waiting').length;
  const online = navigator.onLine && !lastSync.offline;
  return h('p', { class: 'kiosk-status muted', role: 'status' },
    online ? t('kiosk.status_online') : t('kiosk.status_offline'), ' ',
    t('kiosk.status_queue', { count: waiting }));
}

function startVoter(ctx) {
  voter = { answers: {}, key: null };
  show(ctx, 'voting');
}

function drawVoting(ctx, setup) {
  const data = ballotData(setup);
  ctx.setTitle(t('kiosk.voting_title'));
  ctx.main.replaceChildren();
  const host = h('div', { class: 'kiosk-ballot' });
  ctx.main.append(host);
  return renderBallot(host, data, voter.answers, {
    onCast: (answers) => castHere(ctx, answers),
    onCancel: () => endVoter(ctx),
    cancelLabel: t('kiosk.cancel_vote'),
  });
}

// Queues the ballot and tries to send it at once; never fails for lack of network.
async function castHere(ctx, answers) {
  const key = voter.key || crypto.randomUUID().replace(/-/g, '');
  voter.key = key;
  const item = enqueue(answers, key);
  if (!item) throw new ApiError(409, { error: 'no_tokens', message: t('kiosk.no_tokens') });
  voter = null;
  const result = await flush();
  lastSync = { ...lastSync, offline: result.offline, at: Date.now() };
  lastReceipt = result.receipts[item.id] || null;
  show(ctx, 'thanks');
  topUp().then((e) => { lastSync.tokenError = e; });
}

function drawThanks(ctx) {
  ctx.setTitle(t('kiosk.thanks_title'));
  replace(ctx.main,
    h('h1', {}, t('kiosk.thanks_title')),
    lastReceipt
      ? [h('p', { class: 'lead' }, t('kiosk.thanks_counted')),
         h('p', {}, t('kiosk.receipt_label'), ' ', h('strong', { class: 'code-text kiosk-receipt' }, lastReceipt.code)),
         h('p', { class: 'muted' }, t('kiosk.receipt_hint'))]
      : h('p', { class: 'lead' }, t('kiosk.thanks_queued')),
    h('p', {}, t('kiosk.thanks_reset')),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button button--primary', onclick: () => endVoter(ctx) }, t('kiosk.finish'))));
}

function endVoter(ctx) {
  voter = null;
  lastReceipt = null;
  // Nothing of the last voter may stay, not even the screen reader's last message.
  const announcer = document.getElementById('announcer');
  if (announcer) announcer.textContent = '';
  show(ctx, 'welcome');
}

// ---- staff panel ---------------------------------------------------------------------------

function drawStaff(ctx, setup) {
  const state = load();
  const waiting = state.queue.filter((q) => q.status === 'waiting');
  const refused = state.queue.filter((q) => q.status === 'refused');
  const status = h('div', {});
  const busy = (fn) => async (event) => {
    event.target.disabled = true;
    try { await fn(); } finally { if (ctx.current()) show(ctx, 'staff', status.textContent); }
  };
  ctx.setTitle(t('kiosk.staff_title'));
  replace(ctx.main,
    h('h1', {}, t('kiosk.staff_title')),
    h('dl', { class: 'kiosk-facts' },
      h('dt', {}, t('kiosk.fact_kiosk')), h('dd', {}, setup.kiosk.name),
      h('dt', {}, t('kiosk.fact_network')), h('dd', {}, navigator.onLine && !lastSync.offline ? t('kiosk.status_online') : t('kiosk.status_offline')),
      h('dt', {}, t('kiosk.fact_waiting')), h('dd', { class: 'kiosk-waiting' }, String(waiting.length)),
      h('dt', {}, t('kiosk.fact_sent')), h('dd', { class: 'kiosk-sent' }, String(state.sent)),
      h('dt', {}, t('kiosk.fact_tokens')), h('dd', { class: 'kiosk-tokens' }, String(usableTokens(state).length))),
    lastSync.tokenError ? h('p', { class: 'notice notice--warning' }, t('kiosk.token_error', { reason: lastSync.tokenError.message })) : null,
    refused.length ? h('section', { 'aria-labelledby': 'kiosk-refused' },
      h('h2', { id: 'kiosk-refused' }, t('kiosk.refused_title')),
      h('ul', {}, refused.map((q) => h('li', {},
        t('kiosk.refused_item', { time: new Date(q.cast_at).toLocaleTimeString(language()), reason: q.error }), ' ',
        h('button', { type: 'button', class: 'button button--small', onclick: () => { discardRefused(q.id); show(ctx, 'staff'); } }, t('kiosk.discard')))))) : null,
    status,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'button button--primary', onclick: () => show(ctx, 'welcome') }, t('kiosk.back_to_voters')),
      h('button', { type: 'button', class: 'button kiosk-send', onclick: busy(async () => {
        const r = await flush();
        lastSync = { ...lastSync, offline: r.offline, at: Date.now() };
        lastSync.tokenError = await topUp();
        announce(r.offline ? t('kiosk.status_offline') : t('kiosk.sent_now'));
      }) }, t('kiosk.send_now')),
      h('button', { type: 'button', class: 'button button--danger', disabled: waiting.length > 0, onclick: busy(async () => {
        if (!window.confirm(t('kiosk.close_confirm'))) return;
        try {
          await post(`/officer/elections/${encodeURIComponent(setup.election)}/kiosks/${encodeURIComponent(setup.kiosk.id)}/retire`);
        } catch (e) {
          replace(status, errorBox(e));
          return;
        }
        clearAll();
        await post('/officer/signout').catch(() => null);
        ctx.navigate('/kiosk', { replace: true, force: true });
      }) }, t('kiosk.close_kiosk'))),
    waiting.length ? h('p', { class: 'muted' }, t('kiosk.close_needs_empty')) : null);
}

// ---- the screen machine ---------------------------------------------------------------

let currentCtx = null;
function show(ctx, next) {
  screen = next;
  ctx.navigate(location.pathname, { replace: true, force: true });
}

export default async function render(ctx) {
  currentCtx = ctx;
  const state = load();
  if (!state.setup) {
    screen = 'welcome';
    const me = await signedIn();
    if (!ctx.current()) return undefined;
    if (!me) {
      drawSignIn(ctx, (who) => setupAfterSignIn(ctx, who));
      return undefined;
    }
    await drawSetup(ctx, me, false);
    return undefined;
  }
  const setup = state.setup;
  document.body.classList.add('kiosk-mode');
  if (ctx.params.election !== setup.election) {
    ctx.navigate(`/kiosk/${encodeURIComponent(setup.election)}`, { replace: true, force: true });
    return undefined;
  }

  let cleanupBallot = null;
  if (screen === 'voting' && voter) cleanupBallot = drawVoting(ctx, setup);
  else if (screen === 'thanks') drawThanks(ctx);
  else if (screen === 'staff') drawStaff(ctx, setup);
  else { screen = 'welcome'; drawWelcome(ctx, setup); }

  // Inactivity: only while a resident votes or reads the thank-you screen.
  const timers = [];
  let warning = null;
  const resetIdle = () => {
    timers.splice(0).forEach(clearTimeout);
    if (warning) { warning.remove(); warning = null; }
    if (screen === 'voting') timers.push(setTimeout(warnIdle, IDLE_WARN_MS));
    if (screen === 'thanks') timers.push(setTimeout(() => endVoter(ctx), THANKS_RESET_MS));
  };
  const warnIdle = () => {
    warning = h('div', { class: 'kiosk-idle', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'kiosk-idle-title' },
      h('h2', { id: 'kiosk-idle-title', tabindex: '-1' }, t('kiosk.idle_title')),
      h('p', {}, t('kiosk.idle_text')),
      h('button', { type: 'button', class: 'button button--primary', onclick: resetIdle }, t('kiosk.idle_more_time')));
    ctx.main.prepend(warning);
    warning.querySelector('h2').focus();
    timers.push(setTimeout(() => endVoter(ctx), IDLE_RESET_MS));
  };
  const activity = () => { if (!warning) resetIdle(); };
  for (const type of ['keydown', 'pointerdown', 'input']) document.addEventListener(type, activity, true);
  resetIdle();

  // Keep sending and topping up in the background.
  const onOnline = async () => {
    const r = await flush();
    lastSync = { ...lastSync, offline: r.offline, at: Date.now() };
    lastSync.tokenError = await topUp();
    if (currentCtx === ctx && ctx.current() && (screen === 'welcome' || screen === 'staff')) show(ctx, screen);
  };
  const sync = setInterval(() => { if (navigator.onLine) onOnline(); }, SYNC_EVERY_MS);
  window.addEventListener('online', onOnline);
  const onOffline = () => { lastSync.offline = true; if (screen === 'welcome' || screen === 'staff') show(ctx, screen); };
  window.addEventListener('offline', onOffline);
  if (screen === 'voting' || screen === 'thanks') ctx.setLeaveGuard(null);

  return () => {
    document.body.classList.remove('kiosk-mode');
    timers.forEach(clearTimeout);
    clearInterval(sync);
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    for (const type of ['keydown', 'pointerdown', 'input']) document.removeEventListener(type, activity, true);
    if (typeof cleanupBallot === 'function') cleanupBallot();
  };
}
