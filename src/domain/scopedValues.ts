/**
 * Reading one run setting's values across user, workspace and folder settings: which scopes
 * may set it (its package.json scope, workspace trust), the most specific valid value, stage
 * maps, and the problems found, each naming the setting and the scope. Used by
 * `parseRunSettings` and the rules in runSettingRules.ts. Pure: no `vscode` import.
 */
import * as z from 'zod/mini';
import { quoteArg } from './extraArgs';
import * as l10n from './l10n';
import { describeValue } from './models';
import { formatProblem, SCOPES, type Scope, type ScopedValues } from './settings';
import { RESTRICTED_SETTINGS, RUN_SETTING_SCOPES, SECTION, type RunSettingKey } from './settingsTable';
import { isStageId, STAGE_IDS, type StageId } from './stages';

/** Raw values of each run setting at each scope, as `WorkspaceConfiguration.inspect` reports them. */
export type RawRunSettings = Partial<Record<RunSettingKey, ScopedValues>>;

/** One scope's value of a setting. */
export interface Entry {
  scope: Scope;
  value: unknown;
}

export const setting = (key: string) => `${SECTION}.${key}`;
/** A key from a settings object, as it may appear in a message: quoted unless it is plain. */
export const keyPart = (k: string) => (/^[\w.:/@[\]-]{1,80}$/.test(k) ? k : quoteArg(k));

/** The problems found so far, as the messages the user sees. */
export class Problems {
  readonly list: string[] = [];
  /** A value at one scope (or one entry of it: `key` may be `maxBudgetUsd.build`). */
  at(key: string, scope: Scope, message: string): void {
    this.list.push(formatProblem({ setting: setting(key), scope, message }));
  }
  /** The settled value, whichever scope it came from. */
  about(key: string, message: string): void {
    this.list.push(`${setting(key)}: ${message}`);
  }
}

/** Scopes to read `key` from, most specific first. */
function readableScopes(key: RunSettingKey, raw: RawRunSettings, trusted: boolean, problems: Problems): Scope[] {
  const kind = RUN_SETTING_SCOPES[key];
  const values = raw[key] ?? {};
  if (kind === 'application' || kind === 'machine') {
    for (const scope of SCOPES)
      if (scope !== 'user' && values[scope] !== undefined)
        problems.at(key, scope, l10n.t('only user settings can set it (scope "{0}"); this value is ignored', kind));
    return ['user'];
  }
  // Untrusted: VS Code ignores these workspace values too; no warning for what it already ignores.
  if (!trusted && (RESTRICTED_SETTINGS as readonly string[]).includes(key)) return ['user'];
  return [...SCOPES];
}

/** The defined values of `key` at the readable scopes, most specific first. Empty strings count as unset. */
export function valuesOf(key: RunSettingKey, raw: RawRunSettings, trusted: boolean, problems: Problems): Entry[] {
  const values = raw[key] ?? {};
  return readableScopes(key, raw, trusted, problems)
    .filter((scope) => values[scope] !== undefined && values[scope] !== null && values[scope] !== '')
    .map((scope) => ({ scope, value: values[scope] }));
}

/** Most specific value that `accept` takes (it reports why it refuses one). */
export function firstValid<T>(entries: Entry[], accept: (value: unknown, scope: Scope) => T | undefined): { scope: Scope; value: T } | undefined {
  for (const e of entries) {
    const v = accept(e.value, e.scope);
    if (v !== undefined) return { scope: e.scope, value: v };
  }
  return undefined;
}

/** One value checked: the value to use, or why it is refused. */
export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };
export type Check<T> = (value: unknown) => Checked<T>;

/** `what` names the expected value in the message, in the current language (a function: read when a value is refused). */
export const checkWith = <T>(schema: z.ZodMiniType<T>, what: () => string): Check<T> => (value) => {
  const p = schema.safeParse(value);
  return p.success ? { ok: true, value: p.data } : { ok: false, message: l10n.t('expected {0}, got {1}', what(), describeValue(value)) };
};

/** How a refused value's message ends by default. */
const ignoredValue = (message: string) => l10n.t('{0}; ignored', message);

/** The valid stage → value entries of a stage map at one scope; `ignored` turns a refusal's message into the reported one. */
export function stageEntries<T>(key: RunSettingKey, scope: Scope, raw: unknown, check: Check<T>, what: string, problems: Problems, ignored = ignoredValue): Array<[StageId, T]> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.at(key, scope, l10n.t('expected an object of stage → {0}, got {1}; ignored', what, describeValue(raw)));
    return [];
  }
  const out: Array<[StageId, T]> = [];
  for (const [stage, value] of Object.entries(raw)) {
    if (!isStageId(stage)) {
      problems.at(`${key}.${keyPart(stage)}`, scope, l10n.t('{0} is not a stage (stages: {1}); ignored', quoteArg(stage), STAGE_IDS.join(', ')));
      continue;
    }
    const r = check(value);
    if (r.ok) out.push([stage, r.value]);
    else problems.at(`${key}.${stage}`, scope, ignored(r.message));
  }
  return out;
}

/** Per stage, the most specific scope that names the stage wins. */
export function stageMapMostSpecific<T>(key: RunSettingKey, entries: Entry[], check: Check<T>, what: string, problems: Problems, ignored?: (message: string) => string): Partial<Record<StageId, T>> {
  const out: Partial<Record<StageId, T>> = {};
  // Least specific first, so more specific scopes overwrite.
  for (const e of [...entries].reverse()) for (const [stage, v] of stageEntries(key, e.scope, e.value, check, what, problems, ignored)) out[stage] = v;
  return out;
}

/** Per stage, the lowest valid value across scopes (a cap: a workspace can lower it, never raise it). */
export function stageMapLowest(key: RunSettingKey, entries: Entry[], check: Check<number>, what: string, problems: Problems): Partial<Record<StageId, number>> {
  const caps: Partial<Record<StageId, number>> = {};
  for (const e of entries) for (const [stage, cap] of stageEntries(key, e.scope, e.value, check, what, problems)) caps[stage] = Math.min(cap, caps[stage] ?? Infinity);
  return caps;
}

/** The lowest valid value across scopes, or undefined when none is valid. */
export function lowest(key: RunSettingKey, entries: Entry[], check: Check<number>, problems: Problems): number | undefined {
  let cap: number | undefined;
  for (const e of entries) {
    const r = check(e.value);
    if (r.ok) cap = Math.min(r.value, cap ?? Infinity);
    else problems.at(key, e.scope, ignoredValue(r.message));
  }
  return cap;
}
