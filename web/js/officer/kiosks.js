// The registered kiosks of an open election: their tokens issued, used and still
// available, a link to set up a kiosk screen, and Retire (confirmed) for a kiosk
// that is packed away, broken or stolen: its unused tokens stop working at once.
import { get, post } from '../api.js';
import { h, replace, announce } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { apiPath } from './nav.js';
import { alertBox, run, confirmStep, code } from './ui.js';

export function kiosksSection(election) {
  const list = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  const box = alertBox();
  const draw = async () => {
    let answer;
    try {
      answer = await get(apiPath(election.id, 'kiosks'));
    } catch (e) {
      replace(list, h('p', { class: 'notice notice--error', role: 'alert' }, e.message));
      return;
    }
    const kiosks = answer.kiosks || [];
    if (!kiosks.length) {
      replace(list, h('p', {}, t('officer.kiosks_none')));
      return;
    }
    replace(list, h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, t('officer.kiosks_title')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('officer.kiosks_name')),
        h('th', { scope: 'col' }, t('officer.district')),
        h('th', { scope: 'col', class: 'number' }, t('officer.kiosks_issued')),
        h('th', { scope: 'col', class: 'number' }, t('officer.kiosks_used')),
        h('th', { scope: 'col', class: 'number' }, t('officer.kiosks_available')),
        h('th', { scope: 'col' }, t('officer.kiosks_status')))),
      h('tbody', {}, kiosks.map((k) => {
        const retire = h('button', { type: 'button', class: 'button button--small button--danger' },
          t('officer.kiosks_retire', { name: k.name }));
        retire.addEventListener('click', async () => {
          const ok = await confirmStep(retire, {
            title: t('officer.kiosks_retire_title', { name: k.name }),
            text: t('officer.kiosks_retire_text'),
            confirm: t('officer.kiosks_retire_confirm'),
            danger: true,
          });
          if (!ok) return;
          const done = await run(retire, box, () => post(apiPath(election.id, `kiosks/${encodeURIComponent(k.id)}/retire`)));
          if (done === undefined) return;
          announce(t('officer.kiosks_retired_now', { name: k.name }));
          await draw();
        });
        return h('tr', {},
          h('th', { scope: 'row' }, k.name, ' ', code(`(${k.id})`, { class: 'code-text muted' })),
          h('td', {}, k.district || t('officer.whole_area')),
          h('td', { class: 'number' }, formatNumber(k.tokens.issued)),
          h('td', { class: 'number' }, formatNumber(k.tokens.used)),
          h('td', { class: 'number' }, formatNumber(k.tokens.available)),
          h('td', {}, k.retired ? t('officer.kiosks_retired') : h('div', { class: 'actions' }, t('officer.kiosks_in_service'), ' ', retire)));
      })))));
  };
  draw();
  return h('section', { 'aria-labelledby': 'officer-kiosks-heading' },
    h('h2', { id: 'officer-kiosks-heading' }, t('officer.kiosks_title')),
    h('p', {}, t('officer.kiosks_intro'), ' ',
      h('a', { href: `/kiosk/${encodeURIComponent(election.id)}` }, t('officer.kiosks_open_screen'))),
    list, box);
}
