/**
 * Validates the settings that shape a run (CLI path, permission mode, tools, extra args,
 * budgets, prompts, prices, escalation) from their values at each scope. Bad values are
 * reported and ignored (the next scope's value or the documented default applies); nothing
 * throws. Pure: no `vscode` import.
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
import * as z from 'zod';
import { PERMISSION_MODES, type PermissionMode, type RunMode } from './cli';
import { MAX_PRICE_PER_MTOK, type Price, type PriceTable } from './cost';
import { checkModel, describeValue } from './models';
import { unknownPlaceholders } from './prompt';
import { formatProblem, SCOPES, type Scope, type ScopedValues } from './settings';
import { isStageId, STAGE_IDS, type StageId } from './stages';

export interface RunSettings {
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
  stagePrompts: Partial<Record<StageId, string>>;
  stageCommands: Partial<Record<StageId, string>>;
  ticketsDirectory: string;
  /** Model (or family) → price. A null-prototype object: look models up with `priceFor`. */
  prices: PriceTable;
  /** Per-stage escalation chains; never contain a model twice. */
  escalation: Partial<Record<StageId, string[]>>;
  escalationMode: 'off' | 'ask' | 'auto';
  fallbackModel?: string;
}

export const RUN_DEFAULTS: Readonly<RunSettings> = Object.freeze({
  runMode: 'headless',
  projectClaudeSettings: 'ask',
  permissionMode: 'acceptEdits',
  permissionModeSource: 'default',
  allowedTools: [],
  extraArgs: [],
  maxBudgetUsd: {},
  stagePrompts: {},
  stageCommands: {},
  ticketsDirectory: '.sdlc/tickets',
  prices: {},
  escalation: {},
  escalationMode: 'ask',
} satisfies RunSettings);

/**
 * `ask`: the first run in a repository whose `.claude/` settings define hooks, permissions, env or
 * MCP servers asks whether to use them (remembered per workspace, asked again when they change);
 * `load`: the CLI uses them (as when you run `claude` there yourself); `ignore`: stages run with
 * `--setting-sources user --strict-mcp-config` (the project's CLAUDE.md is then not read either).
 */
export const PROJECT_CLAUDE_SETTINGS = ['ask', 'load', 'ignore'] as const;
export type ProjectClaudeSettings = (typeof PROJECT_CLAUDE_SETTINGS)[number];

/** Every run setting (the key under `sdlcPipeline.`). */
export const RUN_SETTING_KEYS = [
  'runMode',
  'projectClaudeSettings',
  'claudePath',
  'permissionMode',
  'allowedTools',
  'extraArgs',
  'maxBudgetUsd',
  'maxTicketBudgetUsd',
  'stagePrompts',
  'stageCommands',
  'ticketsDirectory',
  'prices',
  'escalation',
  'escalationMode',
  'fallbackModel',
] as const;
export type RunSettingKey = (typeof RUN_SETTING_KEYS)[number];

/** Raw values of each run setting at each scope, as `WorkspaceConfiguration.inspect` reports them. */
export type RawRunSettings = Partial<Record<RunSettingKey, ScopedValues>>;

export interface RunSettingsOptions {
  /** Valid custom model names (from `resolveConfig`). */
  customModels?: readonly string[];
  /** `vscode.workspace.isTrusted`. When false, restricted settings are read from user settings only. */
  trusted: boolean;
}

/**
 * Settings that can run something, spend money or widen what a stage may do. Read from user
 * settings only in an untrusted workspace; package.json's
 * `capabilities.untrustedWorkspaces.restrictedConfigurations` is generated from this list.
 */
export const RESTRICTED_SETTINGS = [
  'claudePath',
  'extraArgs',
  'stagePrompts',
  'stageCommands',
  'allowedTools',
  'permissionMode',
  'fallbackModel',
  'escalation',
  'escalationMode',
  'maxBudgetUsd',
  'maxTicketBudgetUsd',
] as const satisfies readonly RunSettingKey[];

export type SettingScopeKind = 'application' | 'machine' | 'machine-overridable' | 'window' | 'resource';

/**
 * The `scope` of each run setting in package.json. `application` and `machine` settings are
 * read from user settings only (here too, not just by VS Code).
 */
export const RUN_SETTING_SCOPES: Readonly<Record<RunSettingKey, SettingScopeKind>> = {
  // Interactive runs have no --max-budget-usd and record no cost: only the user may choose it.
  runMode: 'application',
  // Whether a repository's .claude/settings.json (hooks, permissions, env, MCP) applies: the user's call.
  projectClaudeSettings: 'application',
  // Which executable runs: this machine's choice, never a repository's.
  claudePath: 'machine',
  // Project-specific, but guarded: bypass/auto only from user settings; the rest restricted.
  permissionMode: 'resource',
  allowedTools: 'resource',
  // Flags apply to every stage: the user's list, never replaced by a repository's.
  extraArgs: 'application',
  stagePrompts: 'resource',
  stageCommands: 'resource',
  fallbackModel: 'resource',
  escalation: 'resource',
  escalationMode: 'resource',
  // Caps: any scope may set one; the lowest wins.
  maxBudgetUsd: 'resource',
  maxTicketBudgetUsd: 'resource',
  ticketsDirectory: 'resource',
  // What your account pays: yours, not the project's (a repository cannot make estimates look cheap).
  prices: 'application',
};

/** Permission modes a workspace or folder may choose; the others are honoured only from user settings. */
export const WORKSPACE_PERMISSION_MODES = ['default', 'acceptEdits', 'plan', 'dontAsk'] as const satisfies readonly PermissionMode[];
/** Modes that let the agent act without asking (`auto` decides by a classifier): user settings only. */
export const USER_ONLY_PERMISSION_MODES = PERMISSION_MODES.filter((m) => !(WORKSPACE_PERMISSION_MODES as readonly string[]).includes(m));

/** True when a run with these settings skips permission checks (the runner confirms it once). */
/** How much a permission mode lets the agent do unasked (higher = more). A workspace may not go above the user's. */
export const PERMISSIVENESS: Record<PermissionMode, number> = { plan: 0, dontAsk: 1, default: 2, acceptEdits: 3, auto: 4, bypassPermissions: 5 };

export function bypassesPermissions(s: Pick<RunSettings, 'permissionMode'>): boolean {
  return s.permissionMode === 'bypassPermissions';
}

// ---------------------------------------------------------------------------------------------
// extraArgs: an allowlist

export interface AllowedFlag {
  /** Long flag as written on the command line. */
  readonly flag: string;
  readonly aliases?: readonly string[];
  /** `none`: a switch; `one`: exactly one value; `many`: one or more values (variadic). */
  readonly value: 'none' | 'one' | 'many';
  /** How the value is documented, e.g. `<n>`. */
  readonly hint?: string;
  /** Which values are accepted. */
  readonly valid?: (value: string) => boolean;
  readonly why: string;
}

const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'];

/**
 * CLI flags that `sdlcPipeline.extraArgs` may contain. Each one can only narrow, shorten or tune
 * a run; nothing here widens permissions, loads code or configuration, or replaces what the
 * extension sets. Short flags, bundles and positional arguments are never accepted.
 */
export const EXTRA_ARGS_ALLOWLIST: readonly AllowedFlag[] = [
  { flag: '--max-turns', value: 'one', hint: '<n>', valid: (v) => /^[1-9]\d{0,5}$/.test(v), why: 'ends a headless run after n agentic turns: it can only shorten a run' },
  { flag: '--effort', value: 'one', hint: `<${EFFORT_LEVELS.join('|')}>`, valid: (v) => EFFORT_LEVELS.includes(v), why: 'reasoning effort: a cost/quality knob like the model; the caps still apply' },
  { flag: '--disallowedTools', aliases: ['--disallowed-tools'], value: 'many', hint: '<tool…>', valid: (v) => v.trim().length > 0, why: 'denies tools: it can only narrow what a stage may do' },
  { flag: '--strict-mcp-config', value: 'none', why: 'only servers from --mcp-config are used, and that flag is refused: it can only remove MCP servers' },
];

/**
 * Flags the extension sets itself (or whose slot it uses, as `--append-system-prompt-file` does
 * for the ticket text); extraArgs may not contain them.
 */
export const RESERVED_FLAGS = [
  '-p', '--print', '--model', '--output-format', '--verbose', '--session-id', '--resume', '-r', '--continue', '-c',
  '--permission-mode', '--allowedTools', '--allowed-tools', '--append-system-prompt', '--append-system-prompt-file',
  '--max-budget-usd', '--fallback-model', '--',
] as const;

const allowedFlag = (name: string) => EXTRA_ARGS_ALLOWLIST.find((f) => f.flag === name || f.aliases?.includes(name));

/** `--flag <hint>` per allowed flag, for documentation and messages. */
export function describeAllowedFlags(): string[] {
  return EXTRA_ARGS_ALLOWLIST.map((f) => [f.flag, ...(f.aliases ?? [])].join(' / ') + (f.hint ? ` ${f.hint}` : ''));
}

const quoteArg = (a: string) => JSON.stringify(a.length > 80 ? a.slice(0, 77) + '…' : a);

/**
 * Checks an extraArgs list against the allowlist. Returns the refusals, each naming the
 * argument; an empty list means every argument is allowed.
 */
/** `ticketsDirectory`: relative, "/"-separated folder names of letters, digits, ".", "_" and "-". */
const TICKETS_DIR = /^[\w.-]+(?:\/[\w.-]+)*\/?$/;

/** A quote or control character: node-pty's Windows quoting can split such an argument in two. */
export const UNQUOTABLE = /["\u0000-\u001f\u007f]/;

export function checkExtraArgs(args: readonly string[]): string[] {
  const refused: string[] = [];
  const refuse = (arg: string, why: string) => refused.push(`${quoteArg(arg)} ${why}`);
  for (const arg of args) if (UNQUOTABLE.test(arg)) refuse(arg, 'contains a quote or a control character (it could split into several arguments on Windows)');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-')) {
      refuse(arg, 'is not a flag (positional arguments are not accepted)');
      continue;
    }
    if (arg === '--' || !arg.startsWith('--')) {
      refuse(arg, (RESERVED_FLAGS as readonly string[]).includes(arg) ? 'is set by the extension and cannot be overridden' : 'is a short flag (only the allowed long flags are accepted)');
      while (i + 1 < args.length && !args[i + 1].startsWith('-')) i++;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const spec = allowedFlag(name);
    if (!spec) {
      refuse(arg, (RESERVED_FLAGS as readonly string[]).includes(name) ? 'is set by the extension and cannot be overridden' : 'is not an allowed flag');
      // Its values (if any) go with it; they are not reported separately.
      if (inline === undefined) while (i + 1 < args.length && !args[i + 1].startsWith('-')) i++;
      continue;
    }
    const valid = spec.valid ?? (() => true);
    if (spec.value === 'none') {
      if (inline !== undefined) refuse(arg, `takes no value`);
      continue;
    }
    if (inline !== undefined) {
      if (!valid(inline)) refuse(arg, `has an invalid value (expected ${spec.hint})`);
      continue;
    }
    const values: string[] = [];
    while (i + 1 < args.length && !args[i + 1].startsWith('-') && (spec.value === 'many' || values.length === 0)) values.push(args[++i]);
    if (!values.length) refuse(arg, `needs a value ${spec.hint} (a value may not start with "-"; write ${name}=<value>)`);
    for (const v of values) if (!valid(v)) refuse(v, `is not a valid value of ${name} (expected ${spec.hint})`);
  }
  return refused;
}

// ---------------------------------------------------------------------------------------------
// Parsing

const priceField = z.number().nonnegative().max(MAX_PRICE_PER_MTOK).refine(Number.isFinite);
const PriceSchema = z.object({ input: priceField, output: priceField, cacheWrite: priceField, cacheRead: priceField });

const Cap = z.number().positive().refine(Number.isFinite);

const setting = (key: string) => `sdlcPipeline.${key}`;
/** A key from a settings object, as it may appear in a message: quoted unless it is plain. */
const keyPart = (k: string) => (/^[\w.:/@[\]-]{1,80}$/.test(k) ? k : quoteArg(k));

class Problems {
  readonly list: string[] = [];
  at(key: string, scope: Scope, message: string): void {
    this.list.push(formatProblem({ setting: setting(key), scope, message }));
  }
}

/** Scopes to read `key` from, most specific first. */
function readableScopes(key: RunSettingKey, raw: RawRunSettings, trusted: boolean, problems: Problems): Scope[] {
  const kind = RUN_SETTING_SCOPES[key];
  const values = raw[key] ?? {};
  if (kind === 'application' || kind === 'machine') {
    for (const scope of SCOPES)
      if (scope !== 'user' && values[scope] !== undefined)
        problems.at(key, scope, `only user settings can set it (scope "${kind}"); this value is ignored`);
    return ['user'];
  }
  // Untrusted: VS Code ignores these workspace values too; no warning for what it already ignores.
  if (!trusted && (RESTRICTED_SETTINGS as readonly string[]).includes(key)) return ['user'];
  return [...SCOPES];
}

/** The defined values of `key` at the readable scopes, most specific first. Empty strings count as unset. */
function valuesOf(key: RunSettingKey, raw: RawRunSettings, opts: RunSettingsOptions, problems: Problems): Array<{ scope: Scope; value: unknown }> {
  const values = raw[key] ?? {};
  return readableScopes(key, raw, opts.trusted, problems)
    .filter((scope) => values[scope] !== undefined && values[scope] !== null && values[scope] !== '')
    .map((scope) => ({ scope, value: values[scope] }));
}

/** Most specific value that `accept` takes (it reports why it refuses one). */
function firstValid<T>(entries: Array<{ scope: Scope; value: unknown }>, accept: (value: unknown, scope: Scope) => T | undefined): { scope: Scope; value: T } | undefined {
  for (const e of entries) {
    const v = accept(e.value, e.scope);
    if (v !== undefined) return { scope: e.scope, value: v };
  }
  return undefined;
}

/** The valid stage → value entries of a stage map at one scope. */
type Checked<T> = { ok: true; value: T } | { ok: false; message: string };
type Check<T> = (value: unknown) => Checked<T>;

function stageEntries<T>(key: RunSettingKey, scope: Scope, raw: unknown, check: Check<T>, what: string, problems: Problems, ignored = 'ignored'): Array<[StageId, T]> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.at(key, scope, `expected an object of stage → ${what}, got ${describeValue(raw)}; ignored`);
    return [];
  }
  const out: Array<[StageId, T]> = [];
  for (const [stage, value] of Object.entries(raw)) {
    if (!isStageId(stage)) {
      problems.at(`${key}.${keyPart(stage)}`, scope, `${quoteArg(stage)} is not a stage (stages: ${STAGE_IDS.join(', ')}); ignored`);
      continue;
    }
    const r = check(value);
    if (r.ok) out.push([stage, r.value]);
    else problems.at(`${key}.${stage}`, scope, `${r.message}; ${ignored}`);
  }
  return out;
}

/** Per stage, the most specific scope that names the stage wins. */
function stageMapMostSpecific<T>(
  key: RunSettingKey, entries: Array<{ scope: Scope; value: unknown }>, check: Check<T>, what: string, problems: Problems, ignored?: string,
): Partial<Record<StageId, T>> {
  const out: Partial<Record<StageId, T>> = {};
  // Least specific first, so more specific scopes overwrite.
  for (const e of [...entries].reverse()) for (const [stage, v] of stageEntries(key, e.scope, e.value, check, what, problems, ignored)) out[stage] = v;
  return out;
}

const checkWith = <T>(schema: z.ZodType<T>, what: string): Check<T> => (value) => {
  const p = schema.safeParse(value);
  return p.success ? { ok: true, value: p.data } : { ok: false, message: `expected ${what}, got ${describeValue(value)}` };
};

export function parseRunSettings(raw: RawRunSettings, opts: RunSettingsOptions): { settings: RunSettings; problems: string[] } {
  const problems = new Problems();
  const customModels = opts.customModels ?? [];
  const read = (key: RunSettingKey) => valuesOf(key, raw, opts, problems);
  const s: RunSettings = { ...structuredClone(RUN_DEFAULTS), prices: Object.create(null) as PriceTable };

  const runMode = firstValid(read('runMode'), (v, scope) => {
    if (v === 'headless' || v === 'interactive') return v;
    problems.at('runMode', scope, `expected "headless" or "interactive", got ${describeValue(v)}; ignored`);
  });
  if (runMode) s.runMode = runMode.value;

  const projectSettings = firstValid(read('projectClaudeSettings'), (v, scope) => {
    if ((PROJECT_CLAUDE_SETTINGS as readonly unknown[]).includes(v)) return v as ProjectClaudeSettings;
    problems.at('projectClaudeSettings', scope, `expected one of ${PROJECT_CLAUDE_SETTINGS.map((x) => `"${x}"`).join(', ')}, got ${describeValue(v)}; ignored`);
  });
  if (projectSettings) s.projectClaudeSettings = projectSettings.value;

  const claudePath = firstValid(read('claudePath'), (v, scope) => {
    if (typeof v === 'string' && v.trim()) return v.trim();
    problems.at('claudePath', scope, `expected a path, got ${describeValue(v)}; looking for "claude" on PATH`);
  });
  if (claudePath) s.claudePath = claudePath.value;

  // A repository (workspace or folder settings) may narrow what the agent may do, never widen it,
  // trusted or not: its permission mode may be no more permissive than the user's, and its
  // allowed tools must be ones the user's own list allows.
  const modeEntries = read('permissionMode');
  const validMode = (v: unknown, scope: Scope): PermissionMode | undefined => {
    if ((PERMISSION_MODES as readonly unknown[]).includes(v)) return v as PermissionMode;
    problems.at('permissionMode', scope, `expected one of ${PERMISSION_MODES.join(', ')}, got ${describeValue(v)}; ignored`);
    return undefined;
  };
  const userModeEntry = modeEntries.find((e) => e.scope === 'user');
  const userModeValid = userModeEntry ? validMode(userModeEntry.value, 'user') : undefined;
  const userMode = userModeValid ?? RUN_DEFAULTS.permissionMode;
  const mode = firstValid(modeEntries, (v, scope): PermissionMode | undefined => {
    if (scope === 'user') return userModeValid;
    const m = validMode(v, scope);
    if (!m) return undefined;
    if (!(WORKSPACE_PERMISSION_MODES as readonly string[]).includes(m)) {
      problems.at('permissionMode', scope, `"${m}" is honoured only in user settings (a workspace may choose ${WORKSPACE_PERMISSION_MODES.join(', ')}); ignored`);
      return undefined;
    }
    if (PERMISSIVENESS[m] > PERMISSIVENESS[userMode]) {
      problems.at('permissionMode', scope, `"${m}" would let the agent do more than your user settings allow ("${userMode}"); a workspace may only narrow it; ignored`);
      return undefined;
    }
    return m;
  });
  if (mode) {
    s.permissionMode = mode.value;
    s.permissionModeSource = mode.scope;
  }

  const toolList = (v: unknown, scope: Scope): string[] | undefined => {
    const p = z.array(z.string()).safeParse(v);
    if (!p.success) {
      problems.at('allowedTools', scope, `expected a list of strings, got ${describeValue(v)}; ignored`);
      return undefined;
    }
    const tools = p.data.map((t) => t.trim()).filter(Boolean);
    const quoted = tools.filter((t) => UNQUOTABLE.test(t));
    if (quoted.length) {
      problems.at('allowedTools', scope, `${quoted.map(quoteArg).join(', ')} contain${quoted.length === 1 ? 's' : ''} a quote or a control character; the list is ignored`);
      return undefined;
    }
    const flags = tools.filter((t) => t.startsWith('-'));
    if (flags.length) {
      problems.at('allowedTools', scope, `${flags.map(quoteArg).join(', ')} start${flags.length === 1 ? 's' : ''} with "-" and would be read as a CLI flag, not a tool; the list is ignored`);
      return undefined;
    }
    return tools;
  };
  const toolEntries = read('allowedTools');
  const userToolsEntry = toolEntries.find((e) => e.scope === 'user');
  const userToolsValid = userToolsEntry ? toolList(userToolsEntry.value, 'user') : undefined;
  const userTools = userToolsValid ?? [];
  const allowedTools = firstValid(toolEntries, (v, scope) => {
    if (scope === 'user') return userToolsValid;
    const tools = toolList(v, scope);
    if (!tools) return undefined;
    const wider = tools.filter((t) => !userTools.includes(t));
    if (wider.length) {
      problems.at('allowedTools', scope, `${wider.map(quoteArg).join(', ')} ${wider.length === 1 ? 'is' : 'are'} not allowed by your user settings; a workspace may only narrow this list; ignored`);
      return undefined;
    }
    return tools;
  });
  if (allowedTools) s.allowedTools = allowedTools.value;

  const extraArgs = firstValid(read('extraArgs'), (v, scope) => {
    const p = z.array(z.string()).safeParse(v);
    if (!p.success) {
      problems.at('extraArgs', scope, `expected a list of strings, got ${describeValue(v)}; ignored`);
      return undefined;
    }
    const refused = checkExtraArgs(p.data);
    if (refused.length) {
      problems.at('extraArgs', scope, `${refused.join('; ')}. Allowed: ${describeAllowedFlags().join(', ')}. The whole extraArgs list is ignored`);
      return undefined;
    }
    return p.data;
  });
  if (extraArgs) s.extraArgs = extraArgs.value;

  // Caps: the lowest value across scopes, per stage.
  for (const e of read('maxBudgetUsd'))
    for (const [stage, cap] of stageEntries('maxBudgetUsd', e.scope, e.value, checkWith(Cap, 'a positive number of USD'), 'a positive number of USD', problems))
      s.maxBudgetUsd[stage] = Math.min(cap, s.maxBudgetUsd[stage] ?? Infinity);
  for (const e of read('maxTicketBudgetUsd')) {
    const p = Cap.safeParse(e.value);
    if (p.success) s.maxTicketBudgetUsd = Math.min(p.data, s.maxTicketBudgetUsd ?? Infinity);
    else problems.at('maxTicketBudgetUsd', e.scope, `expected a positive number of USD, got ${describeValue(e.value)}; ignored`);
  }

  s.stagePrompts = stageMapMostSpecific('stagePrompts', read('stagePrompts'), checkWith(z.string().min(1), 'a prompt template'), 'prompt template', problems);
  for (const [stage, tpl] of Object.entries(s.stagePrompts)) {
    const unknown = unknownPlaceholders(tpl);
    if (unknown.length) problems.list.push(`${setting(`stagePrompts.${stage}`)}: unknown placeholder ${unknown.map((u) => '${' + u + '}').join(', ')} is left as written`);
  }
  s.stageCommands = stageMapMostSpecific('stageCommands', read('stageCommands'), checkWith(z.string().regex(/^\/?[\w:.-]+$/), 'a command name such as "plan-ticket"'), 'command name', problems);

  const dir = firstValid(read('ticketsDirectory'), (v, scope) => {
    // Plain folder names joined by "/": what the prompt names is exactly what is written (no ".", "..", "\\", drive or root).
    if (typeof v === 'string' && TICKETS_DIR.test(v.trim()) && !v.trim().split('/').some((p) => p === '.' || p === '..')) return v.trim().replace(/\/+$/, '');
    problems.at('ticketsDirectory', scope, `expected a relative folder inside the workspace, got ${describeValue(v)}; ignored`);
  });
  if (dir) s.ticketsDirectory = dir.value;

  for (const e of read('prices')) {
    if (typeof e.value !== 'object' || Array.isArray(e.value)) {
      problems.at('prices', e.scope, `expected an object of model → price, got ${describeValue(e.value)}; using built-in prices`);
      continue;
    }
    for (const [model, price] of Object.entries(e.value as object)) {
      const p = PriceSchema.safeParse(price);
      if (p.success) s.prices[model] = p.data satisfies Price;
      else problems.at(`prices.${keyPart(model)}`, e.scope, `expected { input, output, cacheWrite, cacheRead }, each a number from 0 to ${MAX_PRICE_PER_MTOK} USD per million tokens; the built-in price applies`);
    }
  }

  s.escalation = stageMapMostSpecific(
    'escalation',
    read('escalation'),
    (value): Checked<string[]> => {
      const p = z.array(z.string()).safeParse(value);
      if (!p.success) return { ok: false, message: `expected a list of models, got ${describeValue(value)}` };
      const chain: string[] = [];
      for (const m of p.data) {
        const c = checkModel(m, customModels);
        if (!c.ok) return { ok: false, message: c.message };
        if (chain.includes(c.model)) return { ok: false, message: `"${c.model}" appears twice (a chain names each model once, or it could retry forever)` };
        chain.push(c.model);
      }
      return { ok: true, value: chain };
    },
    'list of models',
    problems,
    'chain ignored',
  );

  const escalationMode = firstValid(read('escalationMode'), (v, scope) => {
    // "auto" spends without asking: only the user can choose it.
    if (v === 'auto' && scope !== 'user') {
      problems.at('escalationMode', scope, '"auto" (re-run failed stages on costlier models without asking) is honoured only in user settings; ignored');
      return undefined;
    }
    if (v === 'off' || v === 'ask' || v === 'auto') return v;
    problems.at('escalationMode', scope, `expected "off", "ask" or "auto", got ${describeValue(v)}; ignored`);
  });
  if (escalationMode) s.escalationMode = escalationMode.value;

  const fallback = firstValid(read('fallbackModel'), (v, scope) => {
    const c = checkModel(v, customModels);
    if (c.ok) return c.model;
    problems.at('fallbackModel', scope, `${c.message}; ignored`);
  });
  if (fallback) s.fallbackModel = fallback.value;

  return { settings: s, problems: problems.list };
}

// ---------------------------------------------------------------------------------------------
// Escalation

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
