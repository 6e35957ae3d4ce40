// Sends a kiosk's queued ballots to the server, oldest first, and keeps its pool of
// tokens topped up while the network is there.
//
// POST /api/v1/elections/{id}/kiosk-ballot {token, answers} with the ballot's own
// Idempotency-Key: 201 or 200 (a resend) -> acknowledged, removed from the queue;
// no answer, 5xx or 429 -> stop and try again later (the ballot stays queued, with
// the same token and key); any other refusal (the token expired or was retired,
// the ballot breaks a rule) -> marked refused for the staff to see: it is never
// dropped silently.
import { api, post, ApiError } from '../api.js';
import { load, update, usableTokens } from './state.js';

export const POOL_LOW = 5;    // top up when fewer tokens than this are left
export const POOL_BATCH = 10; // tokens asked for at a time

let flushing = null;

// Sends what is queued. Resolves to {sent, waiting, refused, offline} and the
// receipts of what went through ({id -> response}).
export function flush() {
  if (!flushing) flushing = run().finally(() => { flushing = null; });
  return flushing;
}

async function run() {
  const receipts = {};
  let offline = false;
  const { setup, queue } = load();
  if (!setup) return { receipts, offline };
  for (const item of queue.filter((q) => q.status === 'waiting')) {
    try {
      const r = await api('POST', `/elections/${encodeURIComponent(setup.election)}/kiosk-ballot`, {
        body: { token: item.token, answers: item.answers },
        headers: { 'Idempotency-Key': item.key },
      });
      receipts[item.id] = r;
      update((s) => {
        s.queue = s.queue.filter((q) => q.id !== item.id);
        s.sent += 1;
      });
    } catch (e) {
      if (!(e instanceof ApiError) || e.offline || e.status >= 500 || e.status === 429) {
        offline = true;
        break;
      }
      update((s) => {
        const q = s.queue.find((x) => x.id === item.id);
        if (q) { q.status = 'refused'; q.error = e.message; }
      });
    }
  }
  return { receipts, offline };
}

// Asks for more tokens when the pool runs low (needs the staff's signed-in session).
// Returns null when nothing was needed, else the error if it failed.
export async function topUp() {
  const state = load();
  if (!state.setup) return null;
  if (usableTokens(state).length >= POOL_LOW) return null;
  try {
    const r = await post(`/officer/elections/${encodeURIComponent(state.setup.election)}/kiosks/${encodeURIComponent(state.setup.kiosk.id)}/tokens`,
      { count: POOL_BATCH });
    const expires = Date.now() + r.expires_in * 1000;
    update((s) => {
      s.tokens = usableTokens(s).concat(r.tokens.map((token) => ({ token, expires_at: expires })));
    });
    return null;
  } catch (e) {
    return e;
  }
}

// Staff drop a ballot the server refused for good (after reading why).
export function discardRefused(id) {
  update((s) => { s.queue = s.queue.filter((q) => !(q.id === id && q.status === 'refused')); });
}
