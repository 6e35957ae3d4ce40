// The form of the election editor, drawn from the editor's model (editor-model.js).
// Typing updates the model in place; adding or removing an item, or changing what
// shapes the form (languages, kind, ballot, seats, currency), draws it again
// (env.redraw) with the focus kept or moved to the new item. Every
// control's id follows the definition path ("contests[0].budget" ->
// "f-contests-0-budget") so that the server's problems point at it.
import { h } from '../dom.js';
import { t, language } from '../i18n.js';
import { field, choiceGroup } from './ui.js';
import { fieldId, blankContest, blankOption, blankNamed, limitKeys, isMoneyLimit } from './editor-model.js';
import { applicableRules, ruleLabel, KINDS, FORMATS, kindLabel, formatLabel } from './contests.js';

function languageName(tag) {
  try {
    return new Intl.DisplayNames([language()], { type: 'language' }).of(tag) || tag;
  } catch (e) {
    return tag;
  }
}

function input(model, key, env, attrs = {}) {
  return h('input', {
    type: 'text', value: model[key] ?? '', ...attrs,
    oninput: (e) => { model[key] = e.target.value; env.changed(); },
  });
}

// Draws the form again once the browser has moved the focus (a change event comes
// before the focus leaves a field), so the focus stays where the person put it. A
// click elsewhere takes the focus between the button's mousedown and its click.
// Redrawing then would replace the button under the pointer and its click would be
// lost (seen as "Add a project" doing nothing right after typing the currency). So
// while a pointer is down the redraw waits until that click has been handled.
let pendingRedraw = null;
let pointerDown = false;
function flushRedraw() {
  if (pointerDown || !pendingRedraw) return;
  const env = pendingRedraw;
  pendingRedraw = null;
  env.redraw();
}
if (typeof document !== 'undefined') {
  document.addEventListener('pointerdown', () => { pointerDown = true; }, true);
  const release = () => setTimeout(() => { pointerDown = false; flushRedraw(); }, 0);
  document.addEventListener('pointerup', release, true);
  document.addEventListener('pointercancel', release, true);
}

function redrawSoon(env) {
  pendingRedraw = env;
  setTimeout(flushRedraw, 0);
}

function select(model, key, env, choices, { redraw = false } = {}) {
  return h('select', {
    onchange: (e) => {
      model[key] = e.target.value;
      env.changed();
      if (redraw) redrawSoon(env);
    },
  }, choices.map((c) => h('option', { value: c.value, selected: (model[key] ?? '') === c.value }, c.label)));
}

// One text per election language: a fieldset "legend" with an input per language.
function textsField(path, legend, texts, env, { multiline = false } = {}) {
  const id = fieldId(path);
  return h('fieldset', { class: 'field officer-texts', id, 'aria-describedby': `${id}-error` },
    h('legend', {}, legend),
    h('span', { class: 'field__error', id: `${id}-error`, hidden: true }),
    env.form.languages.map((lang) => {
      const control = h(multiline ? 'textarea' : 'input', {
        type: multiline ? null : 'text', lang, dir: 'auto', rows: multiline ? '3' : null,
        class: multiline ? 'officer-short' : null,
        oninput: (e) => { texts[lang] = e.target.value; env.changed(); },
      });
      control.value = texts[lang] || '';
      return field({ id: `${id}-${lang}`, label: languageName(lang), control });
    }));
}

function moneyHint(c) {
  return c.currency ? t('officer.money_hint', { currency: c.currency }) : t('officer.money_hint_any');
}

function districtChoices(env) {
  return [{ value: '', label: t('officer.whole_area') },
    ...env.form.districts.filter((x) => x.id).map((x) => ({ value: x.id, label: x.id }))];
}

function removeButton(label, onclick) {
  return h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button button--small', onclick }, label));
}

// An item (district, contest, option) in a fieldset with a numbered legend.
function item(path, legend, ...children) {
  const id = fieldId(path);
  return h('fieldset', { class: 'officer-item', id, 'aria-describedby': `${id}-error` },
    h('legend', {}, legend),
    h('span', { class: 'field__error', id: `${id}-error`, hidden: true }),
    children);
}

function namedList(key, env) {
  const list = env.form[key];
  const singular = key === 'districts' ? 'district' : 'category';
  const rows = list.map((x, i) => {
    const at = `${key}[${i}]`;
    return item(at, t(`officer.${singular}_n`, { n: i + 1 }),
      field({
        id: fieldId(`${at}.id`), label: t('officer.id'), hint: t('officer.slug_hint'),
        // Contests and options choose districts and categories by id.
        control: input(x, 'id', env, { autocomplete: 'off', spellcheck: 'false', onchange: () => redrawSoon(env) }),
      }),
      textsField(`${at}.name`, t('officer.name'), x.name, env),
      removeButton(t(`officer.remove_${singular}`, { n: i + 1 }), () => {
        list.splice(i, 1);
        env.changed();
        env.redraw(`officer-add-${singular}`);
      }));
  });
  return h('section', { 'aria-labelledby': `officer-${key}-heading` },
    h('h2', { id: `officer-${key}-heading` }, t(`officer.${key}_heading`)),
    h('p', { class: 'field__hint' }, t(`officer.${key}_intro`)),
    rows,
    h('div', { class: 'actions' }, h('button', {
      type: 'button', class: 'button', id: `officer-add-${singular}`,
      onclick: () => {
        list.push(blankNamed());
        env.changed();
        env.redraw(fieldId(`${key}[${list.length - 1}].id`));
      },
    }, t(`officer.add_${singular}`))));
}

function numberInput(model, key, env, attrs = {}) {
  return input(model, key, env, { inputmode: 'numeric', autocomplete: 'off', ...attrs });
}

function limitsField(c, at, env) {
  const id = fieldId(`${at}.limits`);
  const rows = limitKeys(c.kind, c.format).map((k) => field({
    id: fieldId(`${at}.limits.${k}`), label: t(`officer.limit_${k}`),
    control: input(c.limits, k, env, { inputmode: isMoneyLimit(k) ? 'decimal' : 'numeric', autocomplete: 'off' }),
  }));
  const perCategory = c.limits.max_choices_per_category || (c.limits.max_choices_per_category = {});
  const cats = env.form.categories.filter((x) => x.id);
  return h('fieldset', { class: 'field officer-limits', id, 'aria-describedby': `${id}-hint` },
    h('legend', {}, t('officer.limits')),
    h('span', { class: 'field__hint', id: `${id}-hint` }, t('officer.limits_hint')),
    h('span', { class: 'field__error', id: `${id}-error`, hidden: true }),
    h('div', { class: 'officer-grid' }, rows,
      cats.map((cat) => field({
        id: fieldId(`${at}.limits.max_choices_per_category.${cat.id}`),
        label: t('officer.limit_per_category', { category: cat.id }),
        control: numberInput(perCategory, cat.id, env),
      }))));
}

function optionFields(c, at, o, oi, env) {
  const oat = `${at}.options[${oi}]`;
  const budget = c.kind === 'budget';
  const cats = env.form.categories.filter((x) => x.id);
  return item(oat, t(budget ? 'officer.project_n' : 'officer.candidate_n', { n: oi + 1 }),
    h('div', { class: 'officer-grid' },
      field({ id: fieldId(`${oat}.id`), label: t('officer.id'), hint: t('officer.option_id_hint'), control: input(o, 'id', env, { autocomplete: 'off', spellcheck: 'false' }) }),
      budget ? field({
        id: fieldId(`${oat}.cost`), label: t('officer.cost'), hint: moneyHint(c),
        control: input(o, 'cost', env, { inputmode: 'decimal', autocomplete: 'off' }),
      }) : null),
    textsField(`${oat}.title`, t('officer.title'), o.title, env),
    textsField(`${oat}.description`, t('officer.description'), o.description, env, { multiline: true }),
    cats.length ? choiceGroup({
      id: fieldId(`${oat}.categories`), legend: t('officer.categories'),
      items: cats.map((x) => ({ value: x.id, label: x.id, checked: o.categories.includes(x.id) })),
      onchange: (e) => {
        o.categories = o.categories.filter((v) => v !== e.target.value);
        if (e.target.checked) o.categories.push(e.target.value);
        env.changed();
      },
    }) : null,
    env.form.districts.length ? field({ id: fieldId(`${oat}.district`), label: t('officer.district'), control: select(o, 'district', env, districtChoices(env)) }) : null,
    removeButton(t(budget ? 'officer.remove_project' : 'officer.remove_candidate', { n: oi + 1 }), () => {
      c.options.splice(oi, 1);
      env.changed();
      env.redraw(`officer-add-option-${env.form.contests.indexOf(c)}`);
    }));
}

function ruleField(c, at, env) {
  const rules = applicableRules(c.kind, c.format, c.seats);
  if (!rules.includes(c.rule) && rules.length) c.rule = rules[0];
  const choices = rules.map((r) => ({ value: r, label: `${ruleLabel(r)} (${r})` }));
  if (c.rule && !rules.includes(c.rule)) choices.unshift({ value: c.rule, label: c.rule });
  return field({
    id: fieldId(`${at}.rule`), label: t('officer.rule'),
    hint: rules.length ? t('officer.rule_hint') : t('officer.rule_none'),
    control: select(c, 'rule', env, choices),
  });
}

function contestFields(c, ci, env) {
  const at = `contests[${ci}]`;
  const budget = c.kind === 'budget';
  const kindChange = { redraw: true };
  return item(at, t('officer.contest_n', { n: ci + 1 }),
    h('div', { class: 'officer-grid' },
      field({ id: fieldId(`${at}.id`), label: t('officer.id'), hint: t('officer.slug_hint'), control: input(c, 'id', env, { autocomplete: 'off', spellcheck: 'false' }) }),
      field({ id: fieldId(`${at}.kind`), label: t('officer.kind'), control: select(c, 'kind', env, KINDS.map((k) => ({ value: k, label: kindLabel(k) })), kindChange) }),
      field({ id: fieldId(`${at}.format`), label: t('officer.format'), hint: t('officer.format_hint'), control: select(c, 'format', env, FORMATS.map((f) => ({ value: f, label: formatLabel(f) })), kindChange) }),
      env.form.districts.length ? field({ id: fieldId(`${at}.district`), label: t('officer.district'), hint: t('officer.contest_district_hint'), control: select(c, 'district', env, districtChoices(env)) }) : null),
    textsField(`${at}.title`, t('officer.title'), c.title, env),
    textsField(`${at}.description`, t('officer.description'), c.description, env, { multiline: true }),
    budget
      ? h('div', { class: 'officer-grid' },
        field({ id: fieldId(`${at}.budget`), label: t('officer.budget'), hint: moneyHint(c), control: input(c, 'budget', env, { inputmode: 'decimal', autocomplete: 'off' }) }),
        field({ id: fieldId(`${at}.currency`), label: t('officer.currency'), hint: t('officer.currency_hint'), control: input(c, 'currency', env, { autocomplete: 'off', maxlength: '3', spellcheck: 'false', onchange: () => redrawSoon(env) }) }),
        field({ id: fieldId(`${at}.money_decimals`), label: t('officer.money_decimals'), hint: t('officer.money_decimals_hint'), control: numberInput(c, 'money_decimals', env) }))
      : field({
        id: fieldId(`${at}.seats`), label: t('officer.seats'), hint: t('officer.seats_hint'),
        control: numberInput(c, 'seats', env, { onchange: () => redrawSoon(env) }),
      }),
    limitsField(c, at, env),
    ruleField(c, at, env),
    h('h3', {}, t(budget ? 'officer.projects_heading' : 'officer.candidates_heading')),
    c.options.map((o, oi) => optionFields(c, at, o, oi, env)),
    h('div', { class: 'actions' },
      h('button', {
        type: 'button', class: 'button', id: `officer-add-option-${ci}`,
        onclick: () => {
          c.options.push(blankOption());
          env.changed();
          env.redraw(fieldId(`${at}.options[${c.options.length - 1}].id`));
        },
      }, t(budget ? 'officer.add_project' : 'officer.add_candidate', { n: ci + 1 })),
      h('button', {
        type: 'button', class: 'button',
        onclick: () => {
          env.form.contests.splice(ci, 1);
          env.changed();
          env.redraw('officer-add-contest');
        },
      }, t('officer.remove_contest', { n: ci + 1 }))));
}

// The whole form. env = {form, editing (the id is fixed), changed(), redraw(focusId)}.
export function editorForm(env) {
  const f = env.form;
  const languages = h('input', {
    type: 'text', value: f.languages.join(', '), autocomplete: 'off', spellcheck: 'false',
    onchange: (e) => {
      const tags = e.target.value.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);
      f.languages = tags.length ? [...new Set(tags)] : ['en'];
      env.changed();
      redrawSoon(env);
    },
  });
  return h('div', { class: 'officer-editor' },
    h('section', { 'aria-labelledby': 'officer-about-heading' },
      h('h2', { id: 'officer-about-heading' }, t('officer.about_heading')),
      field({
        id: 'f-election', label: t('officer.election_id_label'),
        hint: env.editing ? t('officer.election_id_fixed') : t('officer.slug_hint'),
        control: input(f, 'election', env, { autocomplete: 'off', spellcheck: 'false', readonly: env.editing || null }),
      }),
      field({ id: 'f-languages', label: t('officer.languages'), hint: t('officer.languages_hint'), control: languages }),
      textsField('title', t('officer.title'), f.title, env),
      textsField('description', t('officer.description'), f.description, env, { multiline: true }),
      field({
        id: 'f-tie_break', label: t('officer.tie_break'), hint: t('officer.tie_break_hint'),
        control: select(f, 'tie_break', env, [
          { value: 'ticket', label: t('officer.tie_break_ticket') },
          { value: 'id-order', label: t('officer.tie_break_id_order') }]),
      }),
      h('div', { class: 'officer-grid' },
        field({ id: 'f-window-opens', label: t('officer.window_opens'), hint: t('officer.window_hint'), control: input(f.window, 'opens', env, { autocomplete: 'off', placeholder: '2026-11-23T09:00:00Z' }) }),
        field({ id: 'f-window-closes', label: t('officer.window_closes'), hint: t('officer.window_hint'), control: input(f.window, 'closes', env, { autocomplete: 'off', placeholder: '2026-11-30T18:00:00Z' }) }))),
    namedList('districts', env),
    namedList('categories', env),
    h('section', { 'aria-labelledby': 'officer-contests-heading', id: 'f-contests' },
      h('h2', { id: 'officer-contests-heading' }, t('officer.contests_heading')),
      h('p', { class: 'field__hint' }, t('officer.contests_intro')),
      f.contests.map((c, ci) => contestFields(c, ci, env)),
      h('div', { class: 'actions' }, h('button', {
        type: 'button', class: 'button', id: 'officer-add-contest',
        onclick: () => {
          f.contests.push(blankContest());
          env.changed();
          env.redraw(fieldId(`contests[${f.contests.length - 1}].id`));
        },
      }, t('officer.add_contest')))));
}

