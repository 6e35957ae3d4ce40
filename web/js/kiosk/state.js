// What a kiosk remembers across reloads and network drops, in this browser's
// localStorage under one key:
//   setup:  {election, kiosk: {id, name, district}, manifest, manifest_hash, staff}
//   tokens: single-use kiosk tokens issued to this kiosk, not yet given to a voter
//           [{token, expires_at (ms)}]
//   queue:  ballots cast here and not yet acknowledged by the server
//           [{id, token, key, answers, cast_at (ms), status: 'waiting'|'refused', error?}]
//   sent:   how many ballots of this kiosk the server has acknowledged
// Invariants:
//   1. A token leaves `tokens` in the same write that puts its ballot in `queue`
//      (or when it expires), so a token is never given to two voters.
//   2. A queued ballot keeps the token and Idempotency-Key it was first sent with;
//      sending it again can only return the same receipt (the server stores a ballot
//      once per token and key), so a resend after a lost answer never doubles it.
//   3. A ballot leaves `queue` only when the server has acknowledged it, or when
//      staff discard a ballot the server refused for good.
// A queued ballot's answers sit in this browser until sent: the kiosk's staff
// guide (docs/officers.md, "Running kiosks") says to keep the kiosk attended.

const KEY = 'allot.kiosk';

function empty() {
  return { setup: null, tokens: [], queue: [], sent: 0 };
}

export function load() {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return empty();
    return { ...empty(), ...JSON.parse(raw) };
  } catch (e) {
    return empty();
  }
}

export function save(state) {
  localStorage.setItem(KEY, JSON.stringify(state));
}

// Applies `change(state)` to the stored state and writes it back in one step.
export function update(change) {
  const state = load();
  change(state);
  save(state);
  return state;
}

export function clearAll() {
  localStorage.removeItem(KEY);
}

// Tokens still usable at `now` (ms), with a minute's margin for a voter's time.
export function usableTokens(state, now = Date.now()) {
  return state.tokens.filter((t) => t.expires_at - 60_000 > now);
}

// Puts a voter's ballot in the queue with a fresh token and key (invariant 1).
// Returns the queued item, or null when no token is left.
export function enqueue(answers, key, now = Date.now()) {
  let item = null;
  update((state) => {
    state.tokens = usableTokens(state, now);
    const t = state.tokens.shift();
    if (!t) return;
    item = { id: key, token: t.token, key, answers, cast_at: now, status: 'waiting' };
    state.queue.push(item);
  });
  return item;
}
