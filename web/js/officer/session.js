// The officer's session in the page: who is signed in, the CSRF token handed to
// api.js, and what the role may do (the same table as the server's role checks:
// an admin may do everything).
import { get, post, setCsrf, ApiError } from '../api.js';
import { t } from '../i18n.js';

let session; // undefined: not asked yet; null: signed out; {username, role}

const ROLES = {
  manage: ['admin', 'officer'], // definitions, imports, codes, lifecycle, paper entry
  view: ['admin', 'officer', 'auditor'], // every election, compare, preview, result, paper report, log
  kiosk: ['admin', 'officer', 'kiosk-staff'], // kiosk tokens
};

function keep(me) {
  session = { username: me.username, role: me.role };
  setCsrf(me.csrf);
  return session;
}

// The signed-in officer ({username, role}) or null; asks the server once per page load.
export async function restore() {
  if (session !== undefined) return session;
  try {
    return keep(await get('/officer/me'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      session = null;
      return null;
    }
    throw e;
  }
}

export function current() { return session || null; }

export async function signIn(username, password) {
  return keep(await post('/officer/signin', { username, password }));
}

export async function signOut() {
  try {
    await post('/officer/signout');
  } finally {
    forget();
  }
}

// Drops the session (signed out, or the server said it ended).
export function forget() {
  session = null;
  setCsrf(null);
}

// can('manage' | 'view' | 'kiosk')
export function can(what) {
  return Boolean(session && ROLES[what].includes(session.role));
}

export function roleLabel(role) {
  return t(`officer.role_${role.replace(/-/g, '_')}`);
}
