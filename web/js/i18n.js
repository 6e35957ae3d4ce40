// Languages of the interface, and the election's own texts.
//
// Interface strings live in web/locales/LANG/NAMESPACE.json, one namespace per part
// of the site (common, voter, kiosk, officer, results). A key is "namespace.name";
// a value is a string with {placeholders}, or an object of plural forms
// ({"one": ..., "few": ..., "many": ..., "other": ...}) chosen by {count}.
// A key missing in a language falls back to English (tests/browser/locales.test.mjs
// keeps every language complete). All languages are loaded at start, so a kiosk that
// loses its network can still switch language.
//
// Election texts ({"en": ..., "ar": ...}) are shown in the chosen language when the
// officer entered it, else in the election's first language; textIn() says which
// language it picked so the element can carry the right lang attribute.

export const LANGUAGES = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
  { code: 'pl', name: 'Polski', dir: 'ltr' },
];
export const NAMESPACES = ['common', 'voter', 'kiosk', 'officer', 'results'];
const STORAGE_KEY = 'allot.language';

const catalogs = {}; // lang -> {namespace -> {key -> value}}
let current = 'en';
const listeners = new Set();

async function loadLanguage(lang) {
  if (catalogs[lang]) return;
  const parts = await Promise.all(NAMESPACES.map(async (ns) => {
    try {
      const r = await fetch(`/locales/${lang}/${ns}.json`);
      return [ns, r.ok ? await r.json() : {}];
    } catch (e) {
      return [ns, {}];
    }
  }));
  catalogs[lang] = Object.fromEntries(parts);
}

function pickInitial() {
  const known = LANGUAGES.map((l) => l.code);
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl && known.includes(fromUrl)) return fromUrl;
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && known.includes(saved)) return saved;
  } catch (e) { /* storage may be disabled */ }
  for (const wanted of navigator.languages || []) {
    const base = wanted.toLowerCase().split('-')[0];
    if (known.includes(base)) return base;
  }
  return 'en';
}

export async function initI18n() {
  current = pickInitial();
  await Promise.all(LANGUAGES.map((l) => loadLanguage(l.code)));
  applyDocument();
}

export function language() { return current; }
export function direction(lang = current) {
  return (LANGUAGES.find((l) => l.code === lang) || LANGUAGES[0]).dir;
}

// Switches the interface language and tells every listener (the router re-renders).
export async function setLanguage(lang) {
  if (!LANGUAGES.some((l) => l.code === lang) || lang === current) return;
  await loadLanguage(lang);
  current = lang;
  try { localStorage.setItem(STORAGE_KEY, lang); } catch (e) { /* ignore */ }
  applyDocument();
  for (const fn of listeners) fn(lang);
}

export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function lookup(lang, key) {
  const dot = key.indexOf('.');
  const ns = catalogs[lang] && catalogs[lang][key.slice(0, dot)];
  return ns ? ns[key.slice(dot + 1)] : undefined;
}

function fill(template, vars) {
  return template.replace(/\{(\w+)\}/g, (m, name) => (vars && name in vars ? String(vars[name]) : m));
}

// t("voter.enter_code") or t("voter.projects_chosen", {count: 3}) -> text
export function t(key, vars) {
  let value = lookup(current, key);
  if (value === undefined) value = lookup('en', key);
  if (value === undefined) {
    console.warn('missing text', key);
    return key;
  }
  if (typeof value === 'object') {
    const count = vars && typeof vars.count === 'number' ? vars.count : 0;
    const form = new Intl.PluralRules(current).select(count);
    value = value[form] ?? value.other ?? '';
    vars = { ...vars, count: formatNumber(count) };
  }
  return fill(value, vars);
}

// The election text in the current language: {text, lang}. `langs` is the
// election's language list (its first is the fallback).
export function textIn(texts, langs) {
  if (!texts || typeof texts !== 'object') return { text: texts ? String(texts) : '', lang: current };
  if (texts[current]) return { text: texts[current], lang: current };
  const order = [...(langs || []), 'en', ...Object.keys(texts)];
  for (const l of order) if (texts[l]) return { text: texts[l], lang: l };
  return { text: '', lang: current };
}

// Just the string of textIn().
export function tx(texts, langs) { return textIn(texts, langs).text; }

export function formatNumber(n, options) {
  return new Intl.NumberFormat(current, options).format(n);
}

// Money in minor units (e.g. pence) as the contest's currency: 1500000, 'GBP', 2 -> "£15,000.00".
// Whole amounts drop the decimals ("£15,000"), so long lists stay easy to read.
export function formatMoney(minor, currency, decimals = 2) {
  const value = Number(minor) / 10 ** decimals;
  const whole = Number.isInteger(value);
  const digits = whole ? 0 : decimals;
  if (!currency) return formatNumber(value, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  try {
    return new Intl.NumberFormat(current, {
      style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits,
    }).format(value);
  } catch (e) {
    return `${formatNumber(value)} ${currency}`;
  }
}

// Fills every [data-i18n] element of the static shell, and <html lang dir>.
export function applyDocument(root = document) {
  document.documentElement.lang = current;
  document.documentElement.dir = direction();
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}
