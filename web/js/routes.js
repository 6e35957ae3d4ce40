// Every page of the site: a path pattern and the view that draws it. All views are
// imported up front so that a loaded page keeps working without the network (the
// kiosk relies on this).
import home from './views/home.js';
import vote from './views/vote.js';
import kiosk from './views/kiosk.js';
import officer from './views/officer.js';
import results from './views/results.js';
import audit from './views/audit.js';
import live from './views/live.js';
import notFound from './views/not-found.js';

export const ROUTES = [
  { pattern: '/', view: home },
  { pattern: '/vote', view: vote },
  { pattern: '/vote/:election', view: vote },
  { pattern: '/kiosk', view: kiosk },
  { pattern: '/kiosk/:election', view: kiosk },
  { pattern: '/officer', view: officer },
  { pattern: '/officer/*', view: officer },
  { pattern: '/results/:election', view: results },
  { pattern: '/audit/:election', view: audit },
  { pattern: '/live/:election', view: live },
];
export const NOT_FOUND = notFound;

// match('/vote/:election', '/vote/x') -> {election: 'x'}; '*' captures the rest as `rest`.
export function match(pattern, path) {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  const params = {};
  for (let i = 0; i < p.length; i += 1) {
    if (p[i] === '*') {
      params.rest = s.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    if (i >= s.length) return null;
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return p.length === s.length ? params : null;
}
