// The signed result as officers and auditors see it once tallied, before (and
// after) it is published: the seed, the checkpoints it binds and every contest's
// count with its explanations.
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { can } from './session.js';
import { loadElection, loadForPage, electionHeader, electionPath, apiPath, notAllowed } from './nav.js';
import { code } from './ui.js';
import { tallyView } from './tally-view.js';

export default async function resultPage(ctx, { id }) {
  const title = t('officer.result_title');
  ctx.setTitle(title);
  const loaded = await loadForPage(ctx, title, async () => {
    const e = await loadElection(id);
    const counted = e.state === 'tallied' || e.state === 'published';
    return { election: e, result: can('view') && counted ? await get(apiPath(id, 'result')) : undefined };
  });
  if (!loaded) return;
  const { election, result } = loaded;
  const top = electionHeader(election, 'result', title);
  if (!result) {
    replace(ctx.main, ...top, notAllowed(can('view') ? t('officer.result_not_yet') : undefined));
    return;
  }
  const d = election.definition;
  const checkpoint = result.ballot_checkpoint || {};
  replace(ctx.main, ...top,
    election.state === 'tallied'
      ? h('div', { class: 'notice notice--warning' }, h('p', {}, t('officer.result_unpublished')),
        can('manage') ? h('p', {}, h('a', { href: electionPath(id) }, t('officer.result_go_publish'))) : null)
      : h('p', { class: 'notice notice--success' }, t('officer.result_published')),
    h('dl', { class: 'officer-facts' },
      h('dt', {}, t('officer.seed')), h('dd', {}, code(result.seed || '')),
      h('dt', {}, t('officer.manifest_hash')), h('dd', {}, code(result.manifest || '', { class: 'code-text officer-hash' })),
      h('dt', {}, t('officer.ballots_in_log')), h('dd', {}, formatNumber(Number(checkpoint.size || 0)))),
    h('h2', {}, t('officer.result_contests')),
    (result.contests || []).map((c) => tallyView(d, c, 'h3')));
}
