/**
 * Validates the settings that shape a run (CLI path, permission mode, tools, extra args,
 * budgets, prompts, prices, escalation) from their values at each scope. Bad values are
 * reported and ignored (the next scope's value or the documented default applies); nothing
 * throws. The settings, their defaults, scopes and how scopes combine are rows of
 * settingsTable.ts; each one's validation is its rule in runSettingRules.ts. Pure: no `vscode`
 * import.
 *
 * Scope rules, because a repository's `.vscode/settings.json` is not the user's choice:
 * - Spending caps (`maxBudgetUsd` per stage, `maxTicketBudgetUsd`) are the lowest value
 *   across scopes: a workspace can lower a cap, never raise or remove it.
 * - Restricted settings (`RESTRICTED_SETTINGS`) are read from user settings only while the
 *   workspace is not trusted (VS Code ignores them too, but this does not depend on it).
 * - `application`/`machine` settings (`RUN_SETTING_SCOPES`) are read from user settings only.
 * - A permission mode that lifts the guard rails (`USER_ONLY_PERMISSION_MODES`) is honoured
 *   only from user settings.
 * - Everything else: the most specific valid value wins (folder > workspace > user), per
 *   stage for the stage maps.
 */
import { BUILTIN_ESCALATION_CHAIN } from './models';
import type { PermissionMode, RunMode } from './cli';
import type { PriceTable } from './cost';
import type { ProjectClaudeSettings } from './permissions';
import { RUN_SETTING_RULES } from './runSettingRules';
import type { CapRule, MostSpecificRule, PerStageRule, RuleContext, SettleRule } from './runSettingRuleKinds';
import { firstValid, lowest, Problems, stageMapLowest, stageMapMostSpecific, valuesOf, type RawRunSettings } from './scopedValues';
import type { Scope } from './settings';
import { RUN_SETTING_ROWS, type DefaultOf, type RunSettingKey } from './settingsTable';
import type { StageId } from './stages';
import type { Isolation, ReviewGate } from './worktree';
import type { CommentMode } from './github';
import type { Effort } from './extraArgs';

export interface RunSettings {
  /** Per stage: the model of its sub-agents (the built-in: plan → haiku; the rest run theirs on the stage's model). */
  defaultSubagentModels: Partial<Record<StageId, string>>;
  /** Per stage: `--effort` (none: the CLI's default). */
  defaultEfforts: Partial<Record<StageId, Effort>>;
  runMode: RunMode;
  /** What the CLI may take from the repository's own `.claude/` settings (hooks, permissions, env, MCP). */
  projectClaudeSettings: ProjectClaudeSettings;
  claudePath?: string;
  permissionMode: PermissionMode;
  /**
   * Where `permissionMode` came from. A mode in `USER_ONLY_PERMISSION_MODES` (e.g.
   * `bypassPermissions`) only ever comes from `'user'`.
   */
  permissionModeSource: Scope | 'default';
  allowedTools: string[];
  extraArgs: string[];
  /** Per-stage cap for one headless run (USD): the lowest value across scopes. */
  maxBudgetUsd: Partial<Record<StageId, number>>;
  /** Cap on a ticket's recorded spend across its stages and escalations (USD): the lowest value across scopes. */
  maxTicketBudgetUsd?: number;
  /** Cap on what every ticket of the workspace spends in one local day (USD). User settings only. */
  maxDailyBudgetUsd?: number;
  stagePrompts: Partial<Record<StageId, string>>;
  stageCommands: Partial<Record<StageId, string>>;
  ticketsDirectory: string;
  /** Where a ticket's stages work: its own worktree, its own branch in place, or the folder itself. */
  isolation: Isolation;
  /** The branch tickets start from and merge into; unset: the folder's current branch. */
  baseBranch?: string;
  /** Absolute folder for worktrees; unset: `<repo>.worktrees` beside the repository. */
  worktreesDirectory?: string;
  maxParallelPipelines: number;
  reviewGate: ReviewGate;
  /** The GitHub status comment: off, once when the pipeline ends or stops, or after every stage. */
  'github.comment': CommentMode;
  'github.draftPullRequests': boolean;
  /** Model (or family) → price. A null-prototype object: look models up with `priceFor`. */
  prices: PriceTable;
  /** Per-stage escalation chains; never contain a model twice. */
  escalation: Partial<Record<StageId, string[]>>;
  escalationMode: 'off' | 'ask' | 'auto';
  fallbackModel?: string;
}

/** Each run setting's default from the table (a default of `''` or `null` leaves it unset). */
type TableDefaults = { [K in RunSettingKey]: DefaultOf<K> };
const tableDefaults = () =>
  Object.fromEntries(RUN_SETTING_ROWS.filter((r) => r.default !== '' && r.default !== null).map((r) => [r.key, structuredClone(r.default)])) as unknown as TableDefaults;

/** The settings when no scope sets anything (`satisfies`: each table default fits its setting's type). */
export const RUN_DEFAULTS: Readonly<RunSettings> = Object.freeze({ ...tableDefaults(), permissionModeSource: 'default' } satisfies RunSettings);

export interface RunSettingsOptions {
  /** Valid custom model names (from `resolveConfig`). */
  customModels?: readonly string[];
  /** `vscode.workspace.isTrusted`. When false, restricted settings are read from user settings only. */
  trusted: boolean;
}

export function parseRunSettings(raw: RawRunSettings, opts: RunSettingsOptions): { settings: RunSettings; problems: string[] } {
  const problems = new Problems();
  const ctx: RuleContext = { problems, customModels: opts.customModels ?? [], defaults: RUN_DEFAULTS };
  const s: RunSettings = { ...structuredClone(RUN_DEFAULTS), prices: Object.create(null) as PriceTable };
  const settled = s as unknown as Record<RunSettingKey, unknown>;
  // In table order, so problems are reported in the Settings editor's order.
  for (const { key, combine } of RUN_SETTING_ROWS) {
    const entries = valuesOf(key, raw, opts.trusted, problems);
    const rule = RUN_SETTING_RULES[key];
    switch (combine) {
      case 'mostSpecific': {
        const r = rule as MostSpecificRule<unknown>;
        const found = firstValid(entries, (value, scope) => r.accept(value, scope, ctx));
        if (found) settled[key] = found.value;
        break;
      }
      case 'perStage': {
        const r = rule as PerStageRule<unknown>;
        const map = stageMapMostSpecific(key, entries, (value) => r.check(value, ctx), r.what, problems, r.ignored);
        settled[key] = map;
        r.review?.(map, ctx);
        break;
      }
      case 'lowest': {
        const cap = lowest(key, entries, (rule as CapRule).check, problems);
        if (cap !== undefined) settled[key] = cap;
        break;
      }
      case 'perStageLowest':
        settled[key] = stageMapLowest(key, entries, (rule as CapRule).check, (rule as CapRule).what, problems);
        break;
      case 'narrowsUser':
      case 'merged':
        (rule as SettleRule).settle(entries, s, ctx);
        break;
    }
  }
  return { settings: s, problems: problems.list };
}

// ---------------------------------------------------------------------------------------------
// Escalation

/** A stage's escalation chain: the configured one, else the built-in (haiku → sonnet → opus → fable). */
export function escalationChain(escalation: RunSettings['escalation'], stage: StageId): readonly string[] {
  return escalation[stage] ?? BUILTIN_ESCALATION_CHAIN;
}

/**
 * The models to try, in order, after a stage failed on `startModel`: those after its position
 * in the chain (its last position, should a chain name it twice), each once and never
 * `startModel` again. `[]` when the chain does not name it. Never longer than the chain.
 */
export function escalationPlan(chain: readonly string[] | undefined, startModel: string): string[] {
  if (!chain?.length) return [];
  const at = chain.lastIndexOf(startModel);
  if (at < 0) return [];
  const plan: string[] = [];
  for (const m of chain.slice(at + 1)) if (m !== startModel && !plan.includes(m)) plan.push(m);
  return plan;
}

/**
 * The next model after `current`: `escalationPlan(chain, current)[0]`. Calling it again with
 * its result always moves to a later position in the chain, so a loop over it ends within
 * `chain.length` steps whatever the chain holds.
 */
export function nextEscalation(chain: readonly string[] | undefined, current: string): string | undefined {
  return escalationPlan(chain, current)[0];
}
