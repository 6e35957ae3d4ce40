// What the console knows about contests: the counting rules that apply to a kind
// and ballot format (the server's rule registry, engine/src/rules.cpp and
// ranked_rules.cpp), their names in the reader's language, and which contests a
// district's ballot shows.
import { t } from '../i18n.js';

const BUDGET_RULES = ['mes-add1', 'mes', 'mes-card', 'greedy', 'greedy-no-skip', 'phragmen'];
const COMMITTEE_RULES = ['mes', 'phragmen', 'av', 'pav'];
const RANKED_RULES = ['stv', 'irv', 'bottoms-up', 'irv-multipass', 'stv-meek', 'stv-wigm', 'stv-warren',
  'stv-scottish', 'stv-mpls', 'stv-cfer', 'qpq', 'schulze', 'ranked-pairs', 'borda'];
const KNOWN = new Set([...BUDGET_RULES, ...COMMITTEE_RULES, ...RANKED_RULES]);

export const KINDS = ['budget', 'selection'];
export const FORMATS = ['approval', 'cumulative', 'ranked'];

// The rules that count this kind of contest, the usual choice first ([] when none).
export function applicableRules(kind, format, seats = 1) {
  if (kind === 'budget') {
    if (format === 'approval') return BUDGET_RULES;
    if (format === 'cumulative') return BUDGET_RULES.filter((r) => r !== 'phragmen');
    return [];
  }
  if (format === 'approval') return COMMITTEE_RULES;
  if (format === 'ranked') return Number(seats) > 1 ? RANKED_RULES.filter((r) => r !== 'irv') : RANKED_RULES;
  return [];
}

export function ruleLabel(name) {
  return KNOWN.has(name) ? t(`officer.rule_${name.replace(/-/g, '_')}`) : name;
}

export function kindLabel(kind) {
  return KINDS.includes(kind) ? t(`officer.kind_${kind}`) : kind;
}

export function formatLabel(format) {
  return FORMATS.includes(format) ? t(`officer.format_${format}`) : format;
}

// The contests a ballot of `district` shows: the area-wide ones and the district's.
export function visibleContests(definition, district) {
  return (definition.contests || []).filter((c) => !c.district || c.district === district);
}
