// Every language is complete: the same keys in every namespace, the same
// {placeholders}, the same plural forms' placeholders, no empty text; and every
// t('namespace.key') used by the front end's code exists in English.
// Needs no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const LANGS = ['en', 'ar', 'pl'];
const NAMESPACES = ['common', 'voter', 'kiosk', 'officer', 'results'];

const load = (lang, ns) => JSON.parse(readFileSync(path.join(root, 'locales', lang, `${ns}.json`), 'utf8'));
const placeholders = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const forms = (v) => (typeof v === 'object' ? Object.values(v) : [v]);

for (const ns of NAMESPACES) {
  test(`namespace ${ns}: every language has every key with the same placeholders`, () => {
    const en = load('en', ns);
    for (const lang of LANGS) {
      const other = load(lang, ns);
      assert.deepEqual(Object.keys(other).sort(), Object.keys(en).sort(), `${lang}/${ns}.json keys differ from English`);
      for (const [key, value] of Object.entries(other)) {
        const want = new Set(forms(en[key]).flatMap(placeholders));
        for (const text of forms(value)) {
          assert.ok(typeof text === 'string' && text.trim() !== '', `${lang}/${ns}.json ${key} is empty`);
          for (const p of placeholders(text)) assert.ok(want.has(p), `${lang}/${ns}.json ${key} uses {${p}}, unknown in English`);
        }
        if (typeof en[key] === 'object') assert.ok('other' in value, `${lang}/${ns}.json ${key} lacks the "other" plural form`);
      }
    }
  });
}

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.js') ? [full] : [];
  });
}

test('every text key the code uses exists in English', () => {
  const en = Object.fromEntries(NAMESPACES.map((ns) => [ns, load('en', ns)]));
  const missing = [];
  const files = [...sources(path.join(root, 'js')), path.join(root, 'index.html')];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'([a-z]+)\.([a-z0-9_]+)'(?!\s*\+)/g)) {
      if (!(en[m[1]] && m[2] in en[m[1]])) missing.push(`${path.relative(root, file)}: ${m[1]}.${m[2]}`);
    }
    for (const m of text.matchAll(/data-i18n="([a-z]+)\.([a-z0-9_]+)"/g)) {
      if (!(en[m[1]] && m[2] in en[m[1]])) missing.push(`${path.relative(root, file)}: ${m[1]}.${m[2]}`);
    }
  }
  assert.deepEqual(missing, [], `texts used but not defined:\n${missing.join('\n')}`);
});
