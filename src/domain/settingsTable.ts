/**
 * Every `sdlcPipeline.*` setting, one row each: its key, package.json scope, whether an
 * untrusted workspace may set it, its default, how its values at user, workspace and folder
 * scope combine, and the rest of its package.json schema. Everything else is generated from
 * these rows: `SETTINGS` (settingKeys.ts), `RUN_SETTING_KEYS`, `RUN_SETTING_SCOPES`,
 * `RESTRICTED_SETTINGS`, `RUN_DEFAULTS` (runSettings.ts) and package.json's settings and
 * `restrictedConfigurations` (manifest.ts).
 *
 * Adding a run setting: its row here (placed where it should appear in the Settings editor),
 * its field in `RunSettings` (runSettings.ts) and its rule in `RUN_SETTING_RULES`
 * (runSettingRules.ts) — the compiler asks for both and checks the default's type — then
 * `npm run manifest`. A model setting (`parser: 'models'`) is parsed by `resolveConfig`
 * (settings.ts) instead. Pure: no `vscode` import.
 */
import { PERMISSION_MODES } from './cli';
import { BUILTIN_PRICES, MAX_PRICE_PER_MTOK } from './cost';
import { EXTRA_ARGS_ALLOWLIST, RESERVED_FLAGS, type AllowedFlag } from './extraArgs';
import { BUILTIN_MODELS, CLI_ALIASES } from './models';
import { PERMISSIVENESS, PROJECT_CLAUDE_SETTINGS, USER_ONLY_PERMISSION_MODES, WORKSPACE_PERMISSION_MODES } from './permissions';
import { PLACEHOLDERS } from './prompt';
import { BUILTIN_PRESETS } from './settings';
import { STAGES, STAGE_IDS } from './stages';

export const SECTION = 'sdlcPipeline';

/** A setting's package.json `scope`. `application` and `machine` settings are read from user settings only (here too, not just by VS Code). */
export type SettingScopeKind = 'application' | 'machine' | 'machine-overridable' | 'window' | 'resource';

/** How the values a setting may take from user, workspace and folder settings combine into one. */
export type Combine =
  /** The most specific value wins: folder > workspace > user (a run setting skips an invalid one). */
  | 'mostSpecific'
  /** A stage → value map: per stage, the most specific scope that names it wins. */
  | 'perStage'
  /** A cap: the lowest valid value across scopes. A workspace can lower it, never raise or remove it. */
  | 'lowest'
  /** A stage → cap map: per stage, the lowest valid value across scopes. */
  | 'perStageLowest'
  /** The user's value, or a more specific one that only narrows it (never widens it). */
  | 'narrowsUser'
  /** Object entries from every scope that may set it, merged. */
  | 'merged';

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

export interface SettingRow {
  readonly key: string;
  /** `run`: parsed by `parseRunSettings` with its rule in runSettingRules.ts; `models`: parsed by `resolveConfig` (settings.ts). */
  readonly parser: 'run' | 'models';
  readonly scope: SettingScopeKind;
  /**
   * Can run something, spend money or widen what a stage may do: read from user settings only
   * while the workspace is untrusted (package.json's `restrictedConfigurations`).
   */
  readonly restricted: boolean;
  readonly combine: Combine;
  /**
   * package.json's `default`, and a run setting's value until a scope sets one (`''` and `null`
   * mean unset, as they do in settings).
   */
  readonly default: Json;
  /** The rest of its package.json property (its `order`, `scope` and `default` come from the row). */
  readonly schema: { readonly type: string | readonly string[]; readonly markdownDescription: string; readonly [field: string]: unknown };
}

const modelValue = {
  type: 'string',
  anyOf: [
    { enum: BUILTIN_MODELS.map((m) => m.id), enumDescriptions: BUILTIN_MODELS.map((m) => `${m.description} (${m.relativeCost}× haiku)`) },
    { type: 'string', pattern: '^\\S+$', patternErrorMessage: 'A model alias, a custom model, or a full model id (no spaces).' },
  ],
};
const perStage = (value: object, describe: (label: string, defaultModel: string) => string) =>
  Object.fromEntries(STAGES.map((s) => [s.id, { ...value, description: describe(s.label, s.defaultModel) }]));
const code = (values: readonly string[], join = ', ') => values.map((v) => `\`${v}\``).join(join);
const flagDoc = (f: AllowedFlag) => [f.flag, ...(f.aliases ?? [])].map((n) => `\`${n}${f.hint ? ` ${f.hint}` : ''}\``).join(' or ') + ` (${f.why})`;
const RESTRICTED = 'In an untrusted workspace only user settings are read.';
const LOWEST_WINS = 'The lowest value across user, workspace and folder settings applies: a workspace can lower the cap, never raise or remove it.';

const row = <const R extends SettingRow>(r: R): R => r;

/** Every setting, in the Settings editor's order. */
export const SETTING_ROWS = [
  row({
    key: 'defaultModels', parser: 'models', scope: 'resource', restricted: false, combine: 'perStage', default: {},
    schema: {
      type: 'object',
      markdownDescription: `Default model per stage for new tickets. A ticket's own choice beats this setting; folder settings beat workspace settings, which beat user settings, which beat the built-in defaults (${STAGES.map((s) => `${s.id} \`${s.defaultModel}\``).join(', ')}). A value is a model alias the Claude Code CLI knows, a model from \`#sdlcPipeline.customModels#\`, or a full model id; an invalid value is reported and that stage falls back to its built-in default.`,
      additionalProperties: false,
      properties: perStage(modelValue, (label, builtin) => `Model for the ${label} stage (built-in: ${builtin}).`),
    },
  }),
  row({
    key: 'defaultStages', parser: 'models', scope: 'resource', restricted: false, combine: 'mostSpecific', default: STAGE_IDS,
    schema: { type: 'array', markdownDescription: 'Stages selected in a new ticket form.', items: { type: 'string', enum: [...STAGE_IDS] }, uniqueItems: true },
  }),
  row({
    key: 'customModels', parser: 'models', scope: 'resource', restricted: false, combine: 'mostSpecific', default: [],
    schema: {
      type: 'array',
      markdownDescription: `Extra models offered in every model picker: aliases the CLI knows (${code(CLI_ALIASES.filter((a) => !BUILTIN_MODELS.some((m) => m.id === a)))}), full model ids, or Bedrock/Vertex ids.`,
      items: { type: 'string' },
      uniqueItems: true,
    },
  }),
  row({
    key: 'presets', parser: 'models', scope: 'resource', restricted: false, combine: 'mostSpecific', default: {},
    schema: {
      type: 'object',
      markdownDescription: `Named presets (preset name → { stage: model }) offered in the form beside the built-in ${BUILTIN_PRESETS.map((p) => `"${p.name}"`).join(', ')}. A preset with a built-in's name replaces it.`,
      additionalProperties: { type: 'object', properties: perStage(modelValue, (label) => `Model for the ${label} stage.`), additionalProperties: false },
    },
  }),
  // Interactive runs have no --max-budget-usd and record no cost: only the user may choose it.
  row({
    key: 'runMode', parser: 'run', scope: 'application', restricted: false, combine: 'mostSpecific', default: 'headless',
    schema: {
      type: 'string',
      enum: ['headless', 'interactive'],
      enumDescriptions: [
        'An extension-owned terminal runs `claude -p` and renders its stream; cost and model are recorded.',
        'The terminal runs the Claude Code TUI itself so you can talk to it.',
      ],
      markdownDescription: 'How a stage runs in its terminal. "Run Stage…" can choose per run. Read from user settings only: interactive runs have no `--max-budget-usd` and record no cost, so a repository cannot switch to them.',
    },
  }),
  // Whether a repository's .claude/settings.json (hooks, permissions, env, MCP) applies: the user's call.
  row({
    key: 'projectClaudeSettings', parser: 'run', scope: 'application', restricted: false, combine: 'mostSpecific', default: 'ask',
    schema: {
      type: 'string',
      enum: [...PROJECT_CLAUDE_SETTINGS],
      enumDescriptions: [
        'The first run in a repository whose `.claude/settings.json`, `.claude/settings.local.json` or `.mcp.json` defines hooks, permissions, env or MCP servers asks whether to use them; the answer is remembered for this workspace until those files change.',
        'The CLI uses the repository\'s Claude Code settings, as when you run `claude` there yourself: its hooks run commands and its permissions apply.',
        'Stages run with `--setting-sources user --strict-mcp-config`: the repository\'s hooks, permissions, env and MCP servers are ignored (so is its CLAUDE.md).',
      ],
      markdownDescription: 'Whether stages use the repository\'s own Claude Code settings (`.claude/settings.json`: hooks run commands, permissions widen what the agent may do, env can redirect the API). Read from user settings only.',
    },
  }),
  // Which executable runs: this machine's choice, never a repository's.
  row({
    key: 'claudePath', parser: 'run', scope: 'machine', restricted: true, combine: 'mostSpecific', default: '',
    schema: { type: 'string', markdownDescription: 'Path of the Claude Code CLI executable. Empty: `claude` on PATH. Read from user settings only: a workspace cannot choose the executable.' },
  }),
  // Project-specific, but guarded: bypass/auto only from user settings; a workspace may only narrow the user's mode.
  row({
    key: 'permissionMode', parser: 'run', scope: 'resource', restricted: true, combine: 'narrowsUser', default: 'acceptEdits',
    schema: {
      type: 'string',
      enum: [...PERMISSION_MODES],
      markdownDescription: `The CLI's \`--permission-mode\`. Headless runs never prompt: tools that need permission are denied and reported. Workspace and folder settings may choose ${code(WORKSPACE_PERMISSION_MODES)}; ${code(USER_ONLY_PERMISSION_MODES, ' and ')} are honoured only from user settings (elsewhere they are reported and ignored), and the first run with \`bypassPermissions\` asks for confirmation. A workspace or folder value may only narrow the user's mode (${code(Object.entries(PERMISSIVENESS).sort((a, b) => a[1] - b[1]).map(([m]) => m), ' < ')}); a wider one is ignored. ${RESTRICTED}`,
    },
  }),
  row({
    key: 'allowedTools', parser: 'run', scope: 'resource', restricted: true, combine: 'narrowsUser', default: [],
    schema: {
      type: 'array',
      items: { type: 'string', pattern: '^[^-]', patternErrorMessage: 'A tool rule such as Bash(npm test:*); it may not start with "-".' },
      markdownDescription: `Passed as \`--allowedTools\` (e.g. \`Bash(npm test:*)\`). An entry starting with \`-\` would be read as a CLI flag: the list is then ignored with a warning. A workspace or folder list may only name tools your user list allows (it can narrow, never widen); the most specific valid list wins. ${RESTRICTED}`,
    },
  }),
  // Flags apply to every stage: the user's list, never replaced by a repository's.
  row({
    key: 'extraArgs', parser: 'run', scope: 'application', restricted: true, combine: 'mostSpecific', default: [],
    schema: {
      type: 'array',
      items: { type: 'string' },
      markdownDescription: `Extra CLI arguments for every stage, from an allowlist: ${EXTRA_ARGS_ALLOWLIST.map(flagDoc).join('; ')}. A value may also be written \`--flag=value\`. Anything else — another flag, a short flag or bundle such as \`-pc\`, a positional argument, or a flag the extension sets (${code(RESERVED_FLAGS)}) — is refused with a warning naming it, and the whole list is then ignored. Read from user settings only: a repository can neither add flags nor drop yours.`,
    },
  }),
  // Caps: any scope may set one; the lowest wins.
  row({
    key: 'maxBudgetUsd', parser: 'run', scope: 'resource', restricted: true, combine: 'perStageLowest', default: {},
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: perStage({ type: 'number', exclusiveMinimum: 0 }, (label) => `Spending cap in USD for one headless ${label} run (--max-budget-usd). The lowest value across user, workspace and folder settings applies.`),
      markdownDescription: `Per-stage spending cap for headless runs, passed as \`--max-budget-usd\`. A run stopped by it ends as "budget exceeded". ${LOWEST_WINS} ${RESTRICTED}`,
    },
  }),
  row({
    key: 'maxTicketBudgetUsd', parser: 'run', scope: 'resource', restricted: true, combine: 'lowest', default: null,
    schema: {
      type: ['number', 'null'],
      exclusiveMinimum: 0,
      markdownDescription: `Whole-ticket spending cap in USD: once a ticket's recorded spend across its stages and escalations reaches it, the pipeline and its escalations stop, and each run's \`--max-budget-usd\` is at most what is left. Unset: no ticket cap. ${LOWEST_WINS} ${RESTRICTED}`,
    },
  }),
  row({
    key: 'stagePrompts', parser: 'run', scope: 'resource', restricted: true, combine: 'perStage', default: {},
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: perStage({ type: 'string' }, (label) => `Prompt template for the ${label} stage.`),
      markdownDescription: `Per-stage prompt templates. Placeholders: ${code(PLACEHOLDERS.map((p) => '${' + p + '}'))}. The ticket's text (title and description) is always in the ticket file, never on the command line, so there is no \`\${title}\` placeholder. For each stage the most specific scope that sets it wins. ${RESTRICTED}`,
    },
  }),
  row({
    key: 'stageCommands', parser: 'run', scope: 'resource', restricted: true, combine: 'perStage', default: {},
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: perStage({ type: 'string' }, (label) => `Custom slash command for the ${label} stage (from .claude/commands/<name>.md).`),
      markdownDescription: `Per-stage custom slash command: the stage runs \`/<name> <ticket file>\` instead of its prompt template. For each stage the most specific scope that sets it wins. ${RESTRICTED}`,
    },
  }),
  row({
    key: 'ticketsDirectory', parser: 'run', scope: 'resource', restricted: false, combine: 'mostSpecific', default: '.sdlc/tickets',
    schema: { type: 'string', markdownDescription: 'Folder (relative to the workspace folder) where each ticket\'s files live: `<id>/ticket.md`, `plan.md`, `questions.md`, `review.md`.' },
  }),
  // What your account pays: yours, not the project's (a repository cannot make estimates look cheap).
  row({
    key: 'prices', parser: 'run', scope: 'application', restricted: false, combine: 'merged', default: {},
    schema: {
      type: 'object',
      markdownDescription: `Price overrides in USD per million tokens, by model family (${code(Object.keys(BUILTIN_PRICES))}) or model id: \`{ "input", "output", "cacheWrite", "cacheRead" }\`, each from 0 to ${MAX_PRICE_PER_MTOK}; an invalid entry is reported and the built-in price applies. Read from user settings only: prices are about your account, not the project, so a repository cannot make estimates look cheaper.`,
      additionalProperties: {
        type: 'object',
        required: ['input', 'output', 'cacheWrite', 'cacheRead'],
        properties: Object.fromEntries(['input', 'output', 'cacheWrite', 'cacheRead'].map((k) => [k, { type: 'number', minimum: 0, maximum: MAX_PRICE_PER_MTOK }])),
      },
    },
  }),
  row({
    key: 'escalation', parser: 'run', scope: 'resource', restricted: true, combine: 'perStage', default: {},
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: perStage({ type: 'array', items: { type: 'string' }, uniqueItems: true }, (label) => `Models to try in order when the ${label} stage fails, e.g. ["haiku", "sonnet", "opus"]. Each model at most once.`),
      markdownDescription: `Per-stage escalation chain used when a stage fails (see \`#sdlcPipeline.escalationMode#\`): after a failure on a model, the models after it in the chain are tried in order. A chain that names a model twice is reported and ignored. For each stage the most specific scope that sets it wins. ${RESTRICTED}`,
    },
  }),
  row({
    key: 'escalationMode', parser: 'run', scope: 'resource', restricted: true, combine: 'mostSpecific', default: 'ask',
    schema: {
      type: 'string',
      enum: ['off', 'ask', 'auto'],
      enumDescriptions: ['Never escalate.', 'Offer "Retry with <next model>" when a stage fails.', 'Re-run a failed stage on the next model automatically.'],
      markdownDescription: `What happens when a stage with an escalation chain fails. \`auto\` spends without asking, so it is honoured only from user settings. ${RESTRICTED}`,
    },
  }),
  row({
    key: 'fallbackModel', parser: 'run', scope: 'resource', restricted: true, combine: 'mostSpecific', default: '',
    schema: { type: 'string', markdownDescription: `Headless runs pass \`--fallback-model\` with this model (used by the CLI when the chosen model is overloaded). ${RESTRICTED}` },
  }),
] as const;

type Row = (typeof SETTING_ROWS)[number];
export type SettingKey = Row['key'];
type RunRow = Extract<Row, { parser: 'run' }>;
/** The model settings (the keys of `RawConfig`, parsed by `resolveConfig`). */
export type ModelSettingKey = Extract<Row, { parser: 'models' }>['key'];
/** Every run setting (the key under `sdlcPipeline.`). */
export type RunSettingKey = RunRow['key'];
export type RestrictedSettingKey = Extract<Row, { restricted: true }>['key'];
/** How a run setting's scopes combine (its rule in runSettingRules.ts has this shape). */
export type CombineOf<K extends RunSettingKey> = Extract<RunRow, { key: K }>['combine'];
/** A setting's default as its parsed value: `''` and `null` mean unset (undefined); arrays become mutable. */
export type DefaultOf<K extends SettingKey> = Loose<Extract<Row, { key: K }>['default']>;
type Loose<D> = D extends '' | null ? undefined : D extends readonly (infer E)[] ? E[] : D;

export const fullKey = (key: SettingKey) => `${SECTION}.${key}`;

export const SETTING_KEYS: readonly SettingKey[] = SETTING_ROWS.map((r) => r.key);

export const RUN_SETTING_ROWS: readonly RunRow[] = SETTING_ROWS.filter((r): r is RunRow => r.parser === 'run');

/** Every run setting (the key under `sdlcPipeline.`), in parsing order. */
export const RUN_SETTING_KEYS: readonly RunSettingKey[] = RUN_SETTING_ROWS.map((r) => r.key);

/** The `scope` of each run setting in package.json. */
export const RUN_SETTING_SCOPES: Readonly<Record<RunSettingKey, SettingScopeKind>> = Object.fromEntries(RUN_SETTING_ROWS.map((r) => [r.key, r.scope])) as Record<RunSettingKey, SettingScopeKind>;

/**
 * Settings that can run something, spend money or widen what a stage may do. Read from user
 * settings only in an untrusted workspace; package.json's
 * `capabilities.untrustedWorkspaces.restrictedConfigurations` is generated from this list.
 */
export const RESTRICTED_SETTINGS: readonly RestrictedSettingKey[] = SETTING_ROWS.filter((r): r is Extract<Row, { restricted: true }> => r.restricted).map((r) => r.key);
