// The election definition as the form editor holds it, and back. The form keeps
// what people type (money in the currency's units as text, numbers as text); the
// definition (storage/src/audit/manifest.cpp check_definition) keeps integers in
// minor units. Fields the form does not show (pictures, rule options) are kept.
// Problems are "path: message" as the server writes them, so both kinds link to
// the same fields.
import { t } from '../i18n.js';

const MONEY_LIMITS = ['min_cost', 'max_cost'];
const COUNT_LIMITS = ['min_choices', 'max_choices', 'min_points_total', 'max_points_total', 'max_points_per_option'];

// The ballot limits that mean something for this kind of contest and ballot.
export function limitKeys(kind, format) {
  const counts = COUNT_LIMITS.filter((k) => format === 'cumulative' || !k.includes('points'));
  return kind === 'budget' && format !== 'cumulative' ? [...counts, ...MONEY_LIMITS] : counts;
}

export function isMoneyLimit(key) { return MONEY_LIMITS.includes(key); }

const clone = (x) => JSON.parse(JSON.stringify(x));
const texts = (x) => (x && typeof x === 'object' && !Array.isArray(x) ? { ...x } : {});
const asText = (x) => (x === undefined || x === null ? '' : String(x));

// 1500000 with 2 decimals -> "15000.00"
export function toMajor(minor, decimals) {
  if (typeof minor !== 'number' || !Number.isInteger(minor)) return asText(minor);
  const d = Number(decimals) || 0;
  if (d <= 0) return String(minor);
  const digits = String(Math.abs(minor)).padStart(d + 1, '0');
  return `${minor < 0 ? '-' : ''}${digits.slice(0, -d)}.${digits.slice(-d)}`;
}

// "15000.5" with 2 decimals -> {value: 1500050}; "" -> {}; else {error}
export function toMinor(text, decimals) {
  const s = asText(text).trim();
  if (s === '') return {};
  const d = Number(decimals) || 0;
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return { error: t('officer.money_invalid') };
  const frac = m[2] || '';
  if (frac.length > d) return { error: t('officer.money_too_precise', { count: d }) };
  const value = BigInt(m[1]) * 10n ** BigInt(d) + BigInt(frac.padEnd(d, '0') || '0');
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return { error: t('officer.money_too_large') };
  return { value: Number(value) };
}

// "12" -> {value: 12}; "" -> {}; else {error}
function toCount(text) {
  const s = asText(text).trim();
  if (s === '') return {};
  if (!/^\d{1,15}$/.test(s)) return { error: t('officer.number_invalid') };
  return { value: Number(s) };
}

export function blankDefinition() {
  return {
    election: '', languages: ['en'], title: {}, description: {}, tie_break: 'ticket',
    window: { opens: '', closes: '' }, districts: [], categories: [], contests: [],
  };
}

export function blankContest() {
  return {
    id: '', kind: 'budget', format: 'approval', district: '', title: {}, description: {},
    budget: '', currency: '', money_decimals: '2', seats: '1', limits: {}, rule: 'mes-add1', options: [],
  };
}

export function blankOption() {
  return { id: '', title: {}, description: {}, cost: '', categories: [], district: '' };
}

export function blankNamed() {
  return { id: '', name: {} };
}

// A definition (from the server or pasted) -> the form's model.
export function toForm(definition) {
  const d = clone(definition || {});
  const form = { ...blankDefinition(), ...d };
  form.languages = Array.isArray(d.languages) && d.languages.length ? d.languages.map(String) : ['en'];
  form.title = texts(d.title);
  form.description = texts(d.description);
  form.tie_break = d.tie_break || 'ticket';
  form.window = { opens: asText(d.window && d.window.opens), closes: asText(d.window && d.window.closes) };
  const named = (list) => (Array.isArray(list) ? list : []).map((x) => ({ ...x, id: asText(x.id), name: texts(x.name) }));
  form.districts = named(d.districts);
  form.categories = named(d.categories);
  form.contests = (Array.isArray(d.contests) ? d.contests : []).map((c) => {
    const decimals = Number.isInteger(c.money_decimals) ? c.money_decimals : 0;
    const limits = {};
    for (const [k, v] of Object.entries(c.limits || {})) {
      if (MONEY_LIMITS.includes(k)) limits[k] = toMajor(v, decimals);
      else if (k === 'max_choices_per_category') limits[k] = Object.fromEntries(Object.entries(v || {}).map(([cat, n]) => [cat, asText(n)]));
      else limits[k] = asText(v);
    }
    return {
      ...c,
      id: asText(c.id), kind: c.kind || 'budget', format: c.format || 'approval', district: asText(c.district),
      title: texts(c.title), description: texts(c.description),
      budget: toMajor(c.budget, decimals), currency: asText(c.currency), money_decimals: asText(c.money_decimals ?? ''),
      seats: asText(c.seats ?? ''), limits, rule: asText(c.rule),
      options: (Array.isArray(c.options) ? c.options : []).map((o) => ({
        ...o,
        id: asText(o.id), title: texts(o.title), description: texts(o.description),
        cost: toMajor(o.cost, decimals), categories: Array.isArray(o.categories) ? [...o.categories] : [],
        district: asText(o.district),
      })),
    };
  });
  return form;
}

// The form's model -> {definition, problems: ["path: message"]} (problems found
// before asking the server: amounts and numbers that are not numbers).
export function fromForm(form) {
  const problems = [];
  const langs = form.languages;
  const cleanTexts = (x) => Object.fromEntries(langs.filter((l) => asText(x && x[l]).trim() !== '').map((l) => [l, x[l].trim()]));
  const put = (target, key, result, path) => {
    if (result.error) problems.push(`${path}: ${result.error}`);
    else if (result.value !== undefined) target[key] = result.value;
  };
  const d = { election: form.election.trim(), languages: langs, title: cleanTexts(form.title) };
  const description = cleanTexts(form.description);
  if (Object.keys(description).length) d.description = description;
  d.tie_break = form.tie_break;
  const opens = form.window.opens.trim();
  const closes = form.window.closes.trim();
  if (opens || closes) d.window = { opens, closes };
  const named = (list) => list.map((x) => ({ id: x.id.trim(), name: cleanTexts(x.name) }));
  if (form.districts.length) d.districts = named(form.districts);
  if (form.categories.length) d.categories = named(form.categories);
  const categoryIds = new Set(form.categories.map((c) => c.id.trim()));
  d.contests = form.contests.map((c, ci) => {
    const at = `contests[${ci}]`;
    const budget = c.kind === 'budget';
    const out = { id: c.id.trim(), kind: c.kind, format: c.format };
    if (c.district) out.district = c.district;
    out.title = cleanTexts(c.title);
    const cd = cleanTexts(c.description);
    if (Object.keys(cd).length) out.description = cd;
    const decimalsResult = toCount(c.money_decimals);
    const decimals = decimalsResult.value || 0;
    if (budget) {
      put(out, 'budget', toMinor(c.budget, decimals), `${at}.budget`);
      if (c.currency.trim()) out.currency = c.currency.trim().toUpperCase();
      put(out, 'money_decimals', decimalsResult, `${at}.money_decimals`);
    } else {
      put(out, 'seats', toCount(c.seats), `${at}.seats`);
    }
    const limits = {};
    for (const k of limitKeys(c.kind, c.format)) {
      if (k in c.limits) put(limits, k, isMoneyLimit(k) ? toMinor(c.limits[k], decimals) : toCount(c.limits[k]), `${at}.limits.${k}`);
    }
    const perCategory = {};
    for (const [cat, n] of Object.entries(c.limits.max_choices_per_category || {})) {
      if (categoryIds.has(cat)) put(perCategory, cat, toCount(n), `${at}.limits.max_choices_per_category.${cat}`);
    }
    if (Object.keys(perCategory).length) limits.max_choices_per_category = perCategory;
    if (Object.keys(limits).length) out.limits = limits;
    out.rule = c.rule;
    if (c.rule_options && Object.keys(c.rule_options).length) out.rule_options = c.rule_options;
    out.options = c.options.map((o, oi) => {
      const oat = `${at}.options[${oi}]`;
      const option = { id: o.id.trim(), title: cleanTexts(o.title) };
      const od = cleanTexts(o.description);
      if (Object.keys(od).length) option.description = od;
      if (budget) put(option, 'cost', toMinor(o.cost, decimals), `${oat}.cost`);
      const cats = o.categories.filter((x) => categoryIds.has(x));
      if (cats.length) option.categories = cats;
      if (o.district) option.district = o.district;
      if (o.picture) option.picture = o.picture;
      return option;
    });
    return out;
  });
  return { definition: d, problems };
}

// "contests[0].options[2].cost: must be ..." -> {path, message}
export function splitProblem(problem) {
  const i = problem.indexOf(': ');
  if (i < 0 || /\s/.test(problem.slice(0, i))) return { path: '', message: problem };
  return { path: problem.slice(0, i), message: problem.slice(i + 2) };
}

// The form ids a problem's path may point at, the most precise first:
// "contests[0].title.en" -> ["f-contests-0-title-en", "f-contests-0-title", "f-contests-0", "f-contests"]
export function fieldIdsFor(path) {
  const tokens = path.match(/[^.[\]]+/g) || [];
  const ids = [];
  for (let n = tokens.length; n > 0; n -= 1) ids.push(`f-${tokens.slice(0, n).join('-')}`);
  return ids;
}

// The form id of a path (the same scheme as fieldIdsFor).
export function fieldId(path) {
  return fieldIdsFor(path)[0];
}
