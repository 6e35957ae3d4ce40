// Horizontal bar charts drawn as SVG, with the same figures in a table after them.
// The SVG is one image for assistive technology (role="img" with a title and a
// description); the table carries every figure for screen readers and for anyone who
// wants the exact numbers. Bars grow from the inline start, so they mirror in a
// right-to-left page; labels wrap to the chart's width, which is measured whenever it
// changes (phones, zoom), and each label keeps its own language's direction.
import { h, svg, uid } from '../dom.js';
import { direction, language } from '../i18n.js';

const CHECK = '✓ ';

// Rough width of a text at font size fs (enough to wrap labels and reserve room).
const estimate = (text, fs) => String(text).length * fs * 0.58;

function wrap(text, width, fs) {
  const lines = [];
  let line = '';
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && estimate(next, fs) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

// text-anchor for a text drawn from the left or the right edge at x.
const anchor = (side, dir) => ((side === 'left') === (dir === 'ltr') ? 'start' : 'end');

function text(content, x, y, side, dir, fs, cls, lang) {
  return svg('text', {
    x, y, direction: dir, 'text-anchor': anchor(side, dir), 'font-size': fs, class: cls, lang,
  }, content);
}

// Draws the bars into `group` for a chart `width` pixels wide, at the text size of
// the chart's container (the live screen's is larger); returns the height.
function draw(group, { rows, line }, width) {
  const size = parseFloat(getComputedStyle(group.ownerSVGElement || document.documentElement).fontSize)
    || parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  const fs = size * 0.9;
  const lineHeight = fs * 1.35;
  const barHeight = fs * 1.4;
  const rtl = direction() === 'rtl';
  const pageDir = rtl ? 'rtl' : 'ltr';
  const start = rtl ? 'right' : 'left';
  const valueRoom = Math.max(...rows.map((r) => estimate(r.display, fs)), 0) + fs * 0.8;
  const barMax = Math.max(width - valueRoom, width * 0.35);
  const max = Math.max(...rows.map((r) => r.value), line ? line.value : 0) || 1;
  const at = (v) => (rtl ? width - v : v); // inline position -> x
  const nodes = [];
  let y = line ? lineHeight + fs * 0.3 : fs * 0.2;
  const top = y;
  for (const row of rows) {
    const labelDir = direction(row.label.lang);
    const labelLang = row.label.lang !== language() ? row.label.lang : null;
    for (const part of wrap((row.marked ? CHECK : '') + row.label.text, width, fs)) {
      nodes.push(text(part, rtl ? width : 0, y + fs, start, labelDir, fs, 'results-chart__label', labelLang));
      y += lineHeight;
    }
    const w = row.value > 0 ? Math.max((row.value / max) * barMax, 2) : 0;
    nodes.push(svg('rect', {
      x: rtl ? width - w : 0, y, width: w, height: barHeight,
      class: ['results-chart__bar', row.marked && 'results-chart__bar--marked'],
      dataset: { option: row.id, value: String(row.value) },
    }));
    nodes.push(text(row.display, at(w + fs * 0.4), y + barHeight / 2 + fs * 0.35, start, pageDir, fs, 'results-chart__value'));
    y += barHeight + fs * 0.8;
  }
  if (line) {
    const x = at((line.value / max) * barMax);
    nodes.push(svg('line', { x1: x, x2: x, y1: top - fs * 0.2, y2: y - fs * 0.4, class: 'results-chart__line' }));
    const side = (line.value / max) * barMax > width / 2 ? (rtl ? 'left' : 'right') : start;
    nodes.push(text(line.label, x + (side === 'left' ? fs * 0.3 : -fs * 0.3), fs, side, pageDir, fs, 'results-chart__line-label'));
  }
  group.replaceChildren(...nodes);
  return y;
}

// barChart({title, description, rows, line, caption, columns}) -> element
//   rows: [{id, label: {text, lang}, value: number, display: text, marked: bool}]
//   line: optional {value, label}: a vertical mark (a quota) across the bars
//   caption and columns: the table: [{heading, cell(row) -> text or nodes, number}];
//   without columns there is no table (the live screen: the description then holds
//   every figure)
export function barChart({ title, description, rows, line, caption, columns }) {
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const group = svg('g', {});
  const image = svg('svg', { role: 'img', 'aria-labelledby': `${titleId} ${descId}`, class: 'results-chart__svg', width: '100%' },
    svg('title', { id: titleId }, title),
    svg('desc', { id: descId }, description),
    group);
  const redraw = (width) => {
    if (width > 0) image.setAttribute('height', String(Math.ceil(draw(group, { rows, line }, width))));
  };
  redraw(600);
  const observer = new ResizeObserver((entries) => {
    if (!image.isConnected) {
      observer.disconnect();
      return;
    }
    redraw(entries[entries.length - 1].contentRect.width);
  });
  observer.observe(image);
  const table = columns && h('div', { class: 'table-wrap' },
    h('table', { class: 'results-table' },
      h('caption', { text: caption }),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.number ? 'number' : null }, c.heading)))),
      h('tbody', {}, rows.map((row) => h('tr', { dataset: { option: row.id } },
        columns.map((c, i) => h(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : null, class: c.number ? 'number' : null }, c.cell(row))))))));
  return h('div', { class: 'results-chart' }, image, table);
}
