// Mutations killed by test/unit/pinned-settings-budgets.test.ts (names start with "sb:").
// [name, file, exact text, replacement], as in test/harness/mutate.mjs.
const SETTINGS = 'src/domain/settings.ts';
const RULES = 'src/domain/runSettingRules.ts';
const PLAN = 'src/domain/planRun.ts';
const DAILY = 'src/domain/daily.ts';
const COST = 'src/domain/cost.ts';

/** Precedence mutations of one model setting read with `effective(raw.<key>)`. */
const precedence = (key) => {
  const r = `raw.${key}`;
  const at = `effective(${r})`;
  return [
    [`sb: ${key}: workspace beats folder`, SETTINGS, at, `effective({ ...${r}, workspaceFolder: ${r}.workspace ?? ${r}.workspaceFolder })`],
    [`sb: ${key}: user beats workspace`, SETTINGS, at, `effective({ ...${r}, workspace: ${r}.user ?? ${r}.workspace })`],
    [`sb: ${key}: user beats folder`, SETTINGS, at, `effective({ ...${r}, workspaceFolder: ${r}.user ?? ${r}.workspaceFolder })`],
    [`sb: ${key}: folder value ignored`, SETTINGS, at, `effective({ ...${r}, workspaceFolder: undefined })`],
    [`sb: ${key}: no fall back below the folder`, SETTINGS, at, `effective({ workspaceFolder: ${r}.workspaceFolder })`],
  ];
};

export default [
  ...precedence('customModels'),
  ...precedence('defaultStages'),
  ...precedence('presets'),
  ['sb: customModels merged across scopes', SETTINGS, 'effective(raw.customModels)',
    'effective({ workspaceFolder: [raw.customModels.workspaceFolder, raw.customModels.workspace, raw.customModels.user].filter(Array.isArray).flat() })'],
  ['sb: defaultStages merged across scopes', SETTINGS, 'effective(raw.defaultStages)',
    'effective({ workspaceFolder: [raw.defaultStages.workspaceFolder, raw.defaultStages.workspace, raw.defaultStages.user].filter(Array.isArray).flat() })'],
  ['sb: presets merged across scopes', SETTINGS, 'effective(raw.presets)',
    'effective({ workspaceFolder: Object.assign({}, raw.presets.user, raw.presets.workspace, raw.presets.workspaceFolder) })'],

  ['sb: escalationMode auto honoured from folder settings', RULES, "if (v === 'auto' && scope !== 'user') {", "if (v === 'auto' && scope === 'workspace') {"],
  ['sb: escalationMode auto honoured from workspace settings', RULES, "if (v === 'auto' && scope !== 'user') {", "if (v === 'auto' && scope === 'workspaceFolder') {"],
  ['sb: escalationMode auto refused from user settings too', RULES, "if (v === 'auto' && scope !== 'user') {", "if (v === 'auto') {"],
  ['sb: escalationMode auto refused silently', RULES, `problems.at('escalationMode', scope, l10n.t('"auto"`, `void ('escalationMode', scope, l10n.t('"auto"`],
  ['sb: escalationMode refused auto becomes ask, not the next scope', RULES, "is honoured only in user settings; ignored'));\n        return undefined;", "is honoured only in user settings; ignored'));\n        return 'ask';"],
  ['sb: escalationMode default is off', 'src/domain/settingsTable.ts', "key: 'escalationMode', parser: 'run', scope: 'resource', restricted: true, combine: 'mostSpecific', default: 'ask' }", "key: 'escalationMode', parser: 'run', scope: 'resource', restricted: true, combine: 'mostSpecific', default: 'off' }"],

  ['sb: budget ignores the daily remainder', PLAN, '[stageCap, remaining, i.dailyRemainingUsd]', '[stageCap, remaining]'],
  ['sb: budget ignores the stage cap', PLAN, '[stageCap, remaining, i.dailyRemainingUsd]', '[remaining, i.dailyRemainingUsd]'],
  ['sb: budget ignores the ticket remainder', PLAN, '[stageCap, remaining, i.dailyRemainingUsd]', '[stageCap, i.dailyRemainingUsd]'],
  ['sb: budget uses the ticket cap, not its remainder', PLAN, 'ticketCap - i.spentUsd : undefined', 'ticketCap : undefined'],
  ['sb: budget is the highest cap', PLAN, 'Math.min(...caps)', 'Math.max(...caps)'],
  ['sb: budget with no cap is Infinity', PLAN, 'caps.length ? Math.min(...caps) : undefined', 'Math.min(...caps)'],

  ['sb: week steps back 24 hours (wrong across DST)', DAILY, 'localDay(new Date(d.getFullYear(), d.getMonth(), d.getDate() - i, 12).getTime())', 'localDay(now - i * 86_400_000)'],
  ['sb: week is 6 days', DAILY, 'Array.from({ length: 7 }', 'Array.from({ length: 6 }'],
  ['sb: week is 8 days', DAILY, 'Array.from({ length: 7 }', 'Array.from({ length: 8 }'],
  ['sb: week starts yesterday', DAILY, 'd.getDate() - i, 12', 'd.getDate() - i - 1, 12'],
  ['sb: week includes tomorrow', DAILY, 'd.getDate() - i, 12', 'd.getDate() + 1 - i, 12'],
  ['sb: day is the UTC day', DAILY, "return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;",
    "return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;"],
  ['sb: today is the last 24 hours', DAILY, 'localDay(r.startedAt) === day) usd', 'r.startedAt <= now && now - r.startedAt < 86_400_000) usd'],

  ['sb: csv "=" not defused', COST, String.raw`/^[=+\-@\t\r]/.test(s)`, String.raw`/^[+\-@\t\r]/.test(s)`],
  ['sb: csv "+" not defused', COST, String.raw`/^[=+\-@\t\r]/.test(s)`, String.raw`/^[=\-@\t\r]/.test(s)`],
  ['sb: csv "-" not defused', COST, String.raw`/^[=+\-@\t\r]/.test(s)`, String.raw`/^[=+@\t\r]/.test(s)`],
  ['sb: csv "@" not defused', COST, String.raw`/^[=+\-@\t\r]/.test(s)`, String.raw`/^[=+\-\t\r]/.test(s)`],
  ['sb: csv tab not defused', COST, String.raw`/^[=+\-@\t\r]/.test(s)`, String.raw`/^[=+\-@\r]/.test(s)`],
  ['sb: csv CR not defused', COST, String.raw`/^[=+\-@\t\r]/.test(s)`, String.raw`/^[=+\-@\t]/.test(s)`],
  ['sb: csv defuses a formula character anywhere', COST, String.raw`/^[=+\-@\t\r]/.test(s)`, String.raw`/[=+\-@\t\r]/.test(s)`],
  ['sb: csv defuses numbers too', COST, "&& typeof v === 'string' ? `'${s}` : s;", "? `'${s}` : s;"],
];
