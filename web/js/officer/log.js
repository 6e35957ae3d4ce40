// The election's officer log (every change an officer made, signed and chained),
// newest first: when, who, what, and the details the server recorded.
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { can } from './session.js';
import { loadElection, loadForPage, electionHeader, apiPath, notAllowed } from './nav.js';
import { code, formatTime } from './ui.js';

const ACTIONS = new Set(['codes.generate', 'election.create', 'election.update', 'election.delete', 'election.open',
  'election.close', 'election.tally', 'election.publish', 'kiosk.register', 'kiosk.retire', 'kiosk.token',
  'kiosk.tokens', 'paper.dispute', 'paper.enter', 'paper.resolve', 'paper.spoil', 'user.create']);

function actionLabel(action) {
  return ACTIONS.has(action) ? t(`officer.action_${action.replace(/[.-]/g, '_')}`) : action;
}

// {count: 30, district: "north"} -> "count: 30, district: north" (nested values as JSON).
function detailsText(details) {
  return Object.entries(details || {})
    .map(([k, v]) => `${k}: ${v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

export default async function logPage(ctx, { id }) {
  const title = t('officer.log_title');
  ctx.setTitle(title);
  const loaded = await loadForPage(ctx, title, async () => ({
    election: await loadElection(id),
    entries: can('view') ? (await get(apiPath(id, 'log'))).entries : undefined,
  }));
  if (!loaded) return;
  const { election, entries } = loaded;
  const top = electionHeader(election, 'log', title);
  if (!entries) {
    replace(ctx.main, ...top, notAllowed());
    return;
  }
  const newest = [...entries].reverse();
  replace(ctx.main, ...top,
    h('p', { class: 'lead' }, t('officer.log_intro')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'officer-log' },
      h('caption', {}, t('officer.log_caption', { count: entries.length })),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'number' }, t('officer.log_seq')),
        h('th', { scope: 'col' }, t('officer.log_time')),
        h('th', { scope: 'col' }, t('officer.log_actor')),
        h('th', { scope: 'col' }, t('officer.log_action')),
        h('th', { scope: 'col' }, t('officer.log_details')))),
      h('tbody', {}, newest.map((e) => h('tr', {},
        h('td', { class: 'number' }, formatNumber(e.seq)),
        h('td', {}, h('time', { datetime: e.at }, formatTime(e.at))),
        h('td', { class: 'officer-nowrap' }, h('bdi', {}, e.actor)),
        h('td', {}, actionLabel(e.action), ' ', code(`(${e.action})`, { class: 'code-text muted' })),
        h('td', { class: 'officer-log__details' }, code(detailsText(e.details)))))))));
}
