// The counting rules in plain words: a rule's name and what it does, in the page's
// language, for the rules of docs/rules/README.md. A rule this list does not know is
// shown with the engine's English title.
import { t } from '../i18n.js';

// rule name -> family (for the sentence saying what the rule does)
const FAMILIES = {
  greedy: 'greedy',
  'greedy-no-skip': 'greedy_no_skip',
  mes: 'mes',
  'mes-card': 'mes',
  'mes-add1': 'mes_add1',
  phragmen: 'phragmen',
  irv: 'irv',
  stv: 'stv',
  'bottoms-up': 'stv',
  'irv-multipass': 'stv',
  'stv-meek': 'stv',
  'stv-wigm': 'stv',
  'stv-warren': 'stv',
  'stv-scottish': 'stv',
  'stv-mpls': 'stv',
  'stv-cfer': 'stv',
  qpq: 'stv',
  schulze: 'condorcet',
  'ranked-pairs': 'condorcet',
  borda: 'borda',
  av: 'av',
  pav: 'proportional',
};

// {text, lang} of the rule's name.
export function ruleName(result) {
  const name = result.rule.name;
  if (!(name in FAMILIES)) return { text: result.rule.title || name, lang: 'en' };
  return { text: t(`results.rule_${name.replace(/-/g, '_')}`), lang: null };
}

// What the rule does, in one or two sentences; selection contests counted with a
// budget rule (committee rules) share seats in proportion.
export function ruleAbout(result, budget) {
  const family = FAMILIES[result.rule.name];
  if (!family) return null;
  if (!budget && (family === 'mes' || family === 'mes_add1' || family === 'phragmen')) return t('results.about_proportional');
  return t(`results.about_${family}`);
}

// How ties were broken, in a sentence.
export function tieBreakText(method) {
  if (method === 'ticket') return t('results.tie_ticket');
  if (method === 'id-order') return t('results.tie_id_order');
  return t('results.tie_other', { method });
}
