// The receipt step's content: the receipt code to note down, the leaf (the ballot's
// fingerprint in the public log), a download of the signed receipt, printing, and
// where to check later that the ballot is in the count.
import { h, download } from '../dom.js';
import { t } from '../i18n.js';

// The check page for this receipt (the audit page looks the leaf up).
function auditHref(receipt) {
  return `/audit/${encodeURIComponent(receipt.election)}?leaf=${encodeURIComponent(receipt.leaf)}`;
}

// The file the voter keeps: the signed receipt document and where to check it.
function receiptFile(receipt) {
  return JSON.stringify({
    receipt_code: receipt.code,
    leaf: receipt.leaf,
    check_at: location.origin + auditHref(receipt),
    receipt: receipt.receipt,
  }, null, 2) + '\n';
}

// receipt: {election, code, leaf, receipt (the signed receipt/2 document)}
export function receiptContent(receipt) {
  return [
    h('p', { class: 'notice notice--success ballot-receipt__thanks' }, t('voter.receipt_thanks')),
    h('dl', { class: 'ballot-receipt' },
      h('dt', {}, t('voter.receipt_code_label')),
      h('dd', { class: 'code-text ballot-receipt__code' }, h('span', { dir: 'ltr' }, receipt.code)),
      h('dt', {}, t('voter.receipt_leaf_label')),
      h('dd', { class: 'code-text ballot-receipt__leaf' }, h('span', { dir: 'ltr' }, receipt.leaf))),
    h('p', {}, t('voter.receipt_code_hint')),
    h('div', { class: 'actions' },
      h('button', {
        type: 'button', class: 'button button--primary ballot-download',
        onclick: () => download(`receipt-${receipt.election}-${receipt.code}.json`, receiptFile(receipt), 'application/json'),
      }, t('voter.receipt_download')),
      h('button', { type: 'button', class: 'button ballot-print', onclick: () => window.print() }, t('voter.receipt_print'))),
    h('section', { 'aria-labelledby': 'ballot-check-title' },
      h('h2', { id: 'ballot-check-title' }, t('voter.check_title')),
      h('p', {}, t('voter.check_text')),
      h('p', {}, h('a', { href: auditHref(receipt), class: 'ballot-check-link' }, t('voter.check_link')))),
  ];
}
