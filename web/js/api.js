// The one way the pages talk to the server (/api/v1). Every refusal becomes an
// ApiError carrying the server's code and its sentence for people, so views show
// the server's own words instead of inventing their own.

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.message) || `The server answered ${status}.`);
    this.status = status;
    this.code = (body && body.error) || (status === 0 ? 'network' : 'http_' + status);
    this.problems = (body && body.problems) || [];
    this.body = body || {};
    this.retryAfter = retryAfter;
  }
  // True when the request never reached the server (offline, server down).
  get offline() { return this.status === 0; }
}

let csrfToken = null;
// The officer session's CSRF token (from sign-in or /officer/me), sent on every change.
export function setCsrf(token) { csrfToken = token || null; }

// api(method, path, {body, bearer, headers, text, raw}) -> parsed JSON (or text / Response)
//   path: below /api/v1 ("/elections"), or absolute ("/api/v1/...").
//   body: an object (sent as JSON), a string or a Blob (sent as is).
//   bearer: a voter session token. text: return the body as text. raw: the Response.
export async function api(method, path, options = {}) {
  const url = path.startsWith('/api/') ? path : '/api/v1' + path;
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  let body = options.body;
  if (body !== undefined && body !== null && typeof body === 'object' && !(body instanceof Blob)) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(body);
  }
  if (options.bearer) headers.Authorization = 'Bearer ' + options.bearer;
  if (method !== 'GET' && method !== 'HEAD' && csrfToken && url.startsWith('/api/v1/officer/')) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, { error: 'network', message: 'The server could not be reached.' });
  }
  if (options.raw && response.ok) return response;
  const type = response.headers.get('Content-Type') || '';
  if (!response.ok) {
    let parsed = null;
    if (type.includes('json')) { try { parsed = await response.json(); } catch (e) { parsed = null; } }
    const retry = Number(response.headers.get('Retry-After')) || undefined;
    throw new ApiError(response.status, parsed, retry);
  }
  if (options.text) return response.text();
  if (response.status === 204) return null;
  return type.includes('json') ? response.json() : response.text();
}

export const get = (path, options) => api('GET', path, options);
export const post = (path, body, options = {}) => api('POST', path, { ...options, body });
export const put = (path, body, options = {}) => api('PUT', path, { ...options, body });
export const del = (path, options) => api('DELETE', path, options);

// A random Idempotency-Key for one ballot (kept with the ballot until it is acknowledged).
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
