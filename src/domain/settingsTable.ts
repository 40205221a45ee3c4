/**
 * Every `sdlcPipeline.*` setting, one row each: its key, package.json scope, whether an
 * untrusted workspace may set it, its default, and how its values at user, workspace and folder
 * scope combine. The rest of its package.json schema (type, descriptions) is its entry in
 * `SETTING_SCHEMAS` (settingsSchema.ts), which only the manifest reads, so the extension bundle
 * carries none of that text. Everything else is generated from these rows: `SETTINGS`
 * (settingKeys.ts), `RUN_SETTING_KEYS`, `RUN_SETTING_SCOPES`, `RESTRICTED_SETTINGS`,
 * `RUN_DEFAULTS` (runSettings.ts) and package.json's settings and `restrictedConfigurations`
 * (manifest.ts).
 *
 * Adding a run setting: its row here (placed where it should appear in the Settings editor),
 * its schema in `SETTING_SCHEMAS`, its field in `RunSettings` (runSettings.ts) and its rule in
 * `RUN_SETTING_RULES` (runSettingRules.ts) — the compiler asks for all three and checks the
 * default's type — then `npm run manifest`. A model setting (`parser: 'models'`) is parsed by
 * `resolveConfig` (settings.ts) instead. Pure: no `vscode` import.
 */
import { STAGE_IDS } from './stages';

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
}

const row = <const R extends SettingRow>(r: R): R => r;

/** Every setting, in the Settings editor's order. */
export const SETTING_ROWS = [
  row({ key: 'defaultModels', parser: 'models', scope: 'resource', restricted: false, combine: 'perStage', default: {} }),
  row({ key: 'defaultStages', parser: 'models', scope: 'resource', restricted: false, combine: 'mostSpecific', default: STAGE_IDS }),
  row({ key: 'customModels', parser: 'models', scope: 'resource', restricted: false, combine: 'mostSpecific', default: [] }),
  row({ key: 'presets', parser: 'models', scope: 'resource', restricted: false, combine: 'mostSpecific', default: {} }),
  // Per stage, like the model: the model of its sub-agents, and its reasoning effort.
  row({ key: 'defaultSubagentModels', parser: 'run', scope: 'resource', restricted: false, combine: 'perStage', default: {} }),
  row({ key: 'defaultEfforts', parser: 'run', scope: 'resource', restricted: false, combine: 'perStage', default: {} }),
  // Interactive runs have no --max-budget-usd and record no cost: only the user may choose it.
  row({ key: 'runMode', parser: 'run', scope: 'application', restricted: false, combine: 'mostSpecific', default: 'headless' }),
  // Whether a repository's .claude/settings.json (hooks, permissions, env, MCP) applies: the user's call.
  row({ key: 'projectClaudeSettings', parser: 'run', scope: 'application', restricted: false, combine: 'mostSpecific', default: 'ask' }),
  // Which executable runs: this machine's choice, never a repository's.
  row({ key: 'claudePath', parser: 'run', scope: 'machine', restricted: true, combine: 'mostSpecific', default: '' }),
  // Project-specific, but guarded: bypass/auto only from user settings; a workspace may only narrow the user's mode.
  row({ key: 'permissionMode', parser: 'run', scope: 'resource', restricted: true, combine: 'narrowsUser', default: 'acceptEdits' }),
  row({ key: 'allowedTools', parser: 'run', scope: 'resource', restricted: true, combine: 'narrowsUser', default: [] }),
  // Flags apply to every stage: the user's list, never replaced by a repository's.
  row({ key: 'extraArgs', parser: 'run', scope: 'application', restricted: true, combine: 'mostSpecific', default: [] }),
  // Caps: any scope may set one; the lowest wins.
  row({ key: 'maxBudgetUsd', parser: 'run', scope: 'resource', restricted: true, combine: 'perStageLowest', default: {} }),
  row({ key: 'maxTicketBudgetUsd', parser: 'run', scope: 'resource', restricted: true, combine: 'lowest', default: null }),
  // What the user agrees to spend in a day, across every ticket: theirs alone.
  row({ key: 'maxDailyBudgetUsd', parser: 'run', scope: 'application', restricted: true, combine: 'lowest', default: null }),
  row({ key: 'stagePrompts', parser: 'run', scope: 'resource', restricted: true, combine: 'perStage', default: {} }),
  row({ key: 'stageCommands', parser: 'run', scope: 'resource', restricted: true, combine: 'perStage', default: {} }),
  // The extension's own folder (under .sdlc/, checked in runSettingRules.ts): excluded from commits, removed with the worktree.
  row({ key: 'ticketsDirectory', parser: 'run', scope: 'resource', restricted: false, combine: 'mostSpecific', default: '.sdlc/tickets' }),
  // Where a ticket's stages work. A repository may ask for more isolation than the user's, never less.
  row({ key: 'isolation', parser: 'run', scope: 'resource', restricted: true, combine: 'narrowsUser', default: 'worktree' }),
  row({ key: 'baseBranch', parser: 'run', scope: 'resource', restricted: false, combine: 'mostSpecific', default: '' }),
  // Where worktrees are created (outside the workspace): this machine's choice, never a repository's.
  row({ key: 'worktreesDirectory', parser: 'run', scope: 'machine', restricted: true, combine: 'mostSpecific', default: '' }),
  // How many tickets spend at once: the user's call.
  row({ key: 'maxParallelPipelines', parser: 'run', scope: 'application', restricted: false, combine: 'mostSpecific', default: 2 }),
  // The human check before Merge: a repository may turn it on, never off.
  row({ key: 'reviewGate', parser: 'run', scope: 'resource', restricted: true, combine: 'narrowsUser', default: 'beforeMerge' }),
  // What your account pays: yours, not the project's (a repository cannot make estimates look cheap).
  // What is posted to GitHub, and how: the user's call (a status comment shows what the tickets cost).
  row({ key: 'github.comment', parser: 'run', scope: 'application', restricted: false, combine: 'mostSpecific', default: 'summary' }),
  row({ key: 'github.draftPullRequests', parser: 'run', scope: 'resource', restricted: false, combine: 'mostSpecific', default: true }),
  row({ key: 'prices', parser: 'run', scope: 'application', restricted: false, combine: 'merged', default: {} }),
  row({ key: 'escalation', parser: 'run', scope: 'resource', restricted: true, combine: 'perStage', default: {} }),
  row({ key: 'escalationMode', parser: 'run', scope: 'resource', restricted: true, combine: 'mostSpecific', default: 'ask' }),
  row({ key: 'fallbackModel', parser: 'run', scope: 'resource', restricted: true, combine: 'mostSpecific', default: '' }),
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
