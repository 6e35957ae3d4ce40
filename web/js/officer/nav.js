// Where things are in the officer console: the addresses of its pages, an
// election's data as this role may read it, and the top of every election page
// (breadcrumbs, title, state and the election's own menu).
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { t, tx } from '../i18n.js';
import { can } from './session.js';
import { code, errorNotice, textNode } from './ui.js';

const enc = encodeURIComponent;

// /officer/elections/ID[/page]
export function electionPath(id, page = '') {
  return `/officer/elections/${enc(id)}${page ? `/${page}` : ''}`;
}

// The API path of an officer route of one election.
export function apiPath(id, route = '') {
  return `/officer/elections/${enc(id)}${route ? `/${route}` : ''}`;
}

// The election: {id, state, definition (the manifest once open), hash}. Officers
// read the definition; auditors and kiosk staff the public manifest (opened only).
export async function loadElection(id) {
  if (can('manage')) {
    const r = await get(apiPath(id));
    return { id, state: r.state, definition: r.manifest || r.definition, hash: r.manifest_hash || '' };
  }
  const r = await get(`/elections/${enc(id)}`);
  return { id, state: r.state, definition: r.manifest, hash: r.manifest_hash };
}

export function stateLabel(state) {
  return t(`officer.state_${state}`);
}

// The officer's next step in each state.
export function nextStep(state) {
  return t(`officer.next_${state}`);
}

export function electionTitle(election) {
  const d = election.definition || {};
  return tx(d.title, d.languages) || election.id;
}

// The pages of one election this role may see in this state: [{page, label}].
function menu(election) {
  const s = election.state;
  const items = [{ page: '', label: t('officer.menu_overview') }];
  const draft = s === 'draft';
  const counted = s === 'tallied' || s === 'published';
  if (can('manage') && draft) {
    items.push({ page: 'edit', label: t('officer.menu_edit') });
    items.push({ page: 'import', label: t('officer.menu_import') });
    items.push({ page: 'codes', label: t('officer.menu_codes') });
  }
  if (can('view') && !draft) items.push({ page: 'paper', label: t('officer.menu_paper') });
  if (can('view') && (s === 'closed' || counted)) items.push({ page: 'compare', label: t('officer.menu_compare') });
  if (can('view') && counted) items.push({ page: 'result', label: t('officer.menu_result') });
  if (can('view')) items.push({ page: 'log', label: t('officer.menu_log') });
  return items;
}

// Breadcrumbs, the h1 (`title`), the election's state and its menu with `page` current.
export function electionHeader(election, page, title) {
  const d = election.definition || {};
  return [
    h('nav', { class: 'officer-crumbs', 'aria-label': t('officer.breadcrumbs') },
      h('ol', {},
        h('li', {}, h('a', { href: '/officer' }, t('officer.list_title'))),
        page ? h('li', {}, textNode('a', d.title, d.languages, { href: electionPath(election.id) }, election.id)) : null)),
    title ? h('h1', {}, title) : textNode('h1', d.title, d.languages, {}, election.id),
    h('p', { class: 'officer-state' },
      h('span', {}, t('officer.election_id'), ' '), code(election.id), ' · ',
      h('span', { class: `officer-badge officer-badge--${election.state}` }, stateLabel(election.state))),
    h('nav', { class: 'officer-menu', 'aria-label': t('officer.menu_label') },
      h('ul', {}, menu(election).map((item) => h('li', {},
        h('a', { href: electionPath(election.id, item.page), 'aria-current': item.page === page ? 'page' : null }, item.label))))),
  ];
}

// Runs `load` (the reads a page needs). When it fails, draws the page's h1 (`title`)
// with the error instead. Returns its value, or null when it failed or a newer page
// was opened meanwhile (the caller then draws nothing).
export async function loadForPage(ctx, title, load) {
  try {
    const value = await load();
    return ctx.current() ? value : null;
  } catch (e) {
    if (ctx.current()) replace(ctx.main, h('h1', {}, title), errorNotice(e));
    return null;
  }
}

// The same top for a page this role or state does not allow.
export function notAllowed(message) {
  return h('p', { class: 'notice notice--warning' }, message || t('officer.not_allowed'));
}
