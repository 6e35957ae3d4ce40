// What a paper ballot says, keyed with simple controls per ballot format:
// approval ticks, cumulative points, ranked numbers (1 = first choice). The values
// live in a plain object (contest id -> option id -> value) that outlives a redraw.
// Also the reverse: a stored entry's answers in words.
import { h } from '../dom.js';
import { t, tx } from '../i18n.js';
import { field } from './ui.js';

const optionTitle = (definition, o) => tx(o.title, definition.languages) || o.id;

function approvalRows(definition, c, values, prefix) {
  return h('ul', { class: 'officer-choices__list' }, c.options.map((o, i) => {
    const id = `${prefix}-${i}`;
    return h('li', { class: 'officer-choices__item' },
      h('input', { type: 'checkbox', id, checked: Boolean(values[o.id]), onchange: (e) => { values[o.id] = e.target.checked; } }),
      h('label', { for: id }, optionTitle(definition, o)));
  }));
}

function pointRows(definition, c, values, prefix) {
  return h('div', { class: 'officer-grid' }, c.options.map((o, i) => field({
    id: `${prefix}-${i}`, label: optionTitle(definition, o),
    control: h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', value: values[o.id] || '', oninput: (e) => { values[o.id] = e.target.value; } }),
  })));
}

function rankRows(definition, c, values, prefix) {
  return h('div', { class: 'officer-grid' }, c.options.map((o, i) => field({
    id: `${prefix}-${i}`, label: optionTitle(definition, o),
    control: h('select', { onchange: (e) => { values[o.id] = e.target.value; } },
      h('option', { value: '' }, t('officer.rank_none')),
      c.options.map((x, r) => h('option', { value: String(r + 1), selected: values[o.id] === String(r + 1) }, String(r + 1)))),
  })));
}

const ROWS = { approval: approvalRows, cumulative: pointRows, ranked: rankRows };

// The controls for `contests`; `store` holds the values (contest id -> option id -> value).
export function answersFields(definition, contests, store, prefix) {
  return contests.map((c, ci) => {
    const values = store[c.id] || (store[c.id] = {});
    const id = `${prefix}-${ci}`;
    return h('fieldset', { class: 'field officer-answers', id, 'aria-describedby': `${id}-hint` },
      h('legend', {}, tx(c.title, definition.languages) || c.id),
      h('span', { class: 'field__hint', id: `${id}-hint` }, t(`officer.paper_hint_${c.format}`)),
      (ROWS[c.format] || approvalRows)(definition, c, values, id));
  });
}

// The store -> {answers, problems} for the API (problems are sentences for people).
export function readAnswers(definition, contests, store) {
  const answers = {};
  const problems = [];
  for (const c of contests) {
    const values = store[c.id] || {};
    const title = tx(c.title, definition.languages) || c.id;
    if (c.format === 'approval') {
      answers[c.id] = { options: c.options.filter((o) => values[o.id]).map((o) => o.id) };
    } else if (c.format === 'cumulative') {
      const options = [];
      const points = [];
      for (const o of c.options) {
        const v = String(values[o.id] || '').trim();
        if (!v || v === '0') continue;
        if (!/^\d{1,9}$/.test(v)) problems.push(t('officer.paper_points_invalid', { contest: title, option: optionTitle(definition, o) }));
        options.push(o.id);
        points.push(Number(v));
      }
      answers[c.id] = { options, points };
    } else {
      const ranked = c.options.filter((o) => values[o.id]).map((o) => [Number(values[o.id]), o.id]).sort((a, b) => a[0] - b[0]);
      if (new Set(ranked.map((r) => r[0])).size !== ranked.length) problems.push(t('officer.paper_rank_twice', { contest: title }));
      answers[c.id] = { options: ranked.map((r) => r[1]) };
    }
  }
  return { answers, problems };
}

// A stored entry's answers ({contest: {options, points}}) in words, one line per contest.
export function answersText(definition, answers) {
  if (!answers) return [t('officer.paper_no_answers')];
  return Object.entries(answers).map(([cid, a]) => {
    const c = (definition.contests || []).find((x) => x.id === cid) || { id: cid, options: [] };
    const name = (oid) => {
      const o = c.options.find((x) => x.id === oid);
      return o ? optionTitle(definition, o) : oid;
    };
    const opts = a.options || [];
    let text;
    if (!opts.length) text = t('officer.paper_blank');
    else if (c.format === 'ranked') text = opts.map((o, i) => `${i + 1}. ${name(o)}`).join(', ');
    else if (c.format === 'cumulative') text = opts.map((o, i) => `${name(o)} (${(a.points || [])[i]})`).join(', ');
    else text = opts.map(name).join(', ');
    return `${tx(c.title, definition.languages) || cid}: ${text}`;
  });
}
