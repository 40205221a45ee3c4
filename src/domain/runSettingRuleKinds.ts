/**
 * The kinds of rule a run setting can have, one per `combine` in the settings table
 * (most specific value, per stage, lowest cap, narrowing the user's value, merged), and the
 * rule builders several settings share. The rules themselves are in runSettingRules.ts.
 * Pure: no `vscode` import.
 */
import * as l10n from './l10n';
import { describeValue } from './models';
import type { RunSettings } from './runSettings';
import { firstValid, type Check, type Checked, type Entry, type Problems } from './scopedValues';
import type { Scope } from './settings';
import type { CombineOf, RunSettingKey } from './settingsTable';
import type { StageId } from './stages';

export interface RuleContext {
  readonly problems: Problems;
  /** Valid custom model names (from `resolveConfig`). */
  readonly customModels: readonly string[];
  /** The value of each run setting that no scope sets. */
  readonly defaults: Readonly<RunSettings>;
}

/** `mostSpecific`: takes or refuses (and reports) one scope's value; the most specific value it takes wins. */
export interface MostSpecificRule<T> {
  accept(value: unknown, scope: Scope, ctx: RuleContext): T | undefined;
}
/** `perStage`: checks one stage's value; `what` names a value in messages, `ignored` makes a refusal's message (default: "…; ignored"). `review` sees the settled map. */
export interface PerStageRule<T> {
  readonly what: string;
  readonly ignored?: (message: string) => string;
  check(value: unknown, ctx: RuleContext): Checked<T>;
  review?(settled: Partial<Record<StageId, T>>, ctx: RuleContext): void;
}
/** `lowest` and `perStageLowest`: checks one cap (`what` names it in messages). */
export interface CapRule {
  readonly what: string;
  readonly check: Check<number>;
}
/** `narrowsUser` and `merged`: settles the setting from every readable scope's value (most specific first). */
export interface SettleRule {
  settle(entries: Entry[], s: RunSettings, ctx: RuleContext): void;
}

type Value<K extends RunSettingKey> = NonNullable<RunSettings[K]>;
type StageValue<K extends RunSettingKey> = Value<K> extends Partial<Record<StageId, infer T>> ? T : never;
type Shapes<K extends RunSettingKey> = {
  mostSpecific: MostSpecificRule<Value<K>>;
  perStage: PerStageRule<StageValue<K>>;
  lowest: Value<K> extends number ? CapRule : never;
  perStageLowest: StageValue<K> extends number ? CapRule : never;
  narrowsUser: SettleRule;
  merged: SettleRule;
};
/** The rule a run setting's `combine` asks for. */
export type RuleFor<K extends RunSettingKey> = Shapes<K>[CombineOf<K>];

/** "expected one of "a", "b", got …; ignored" */
const notOneOf = (values: readonly string[], v: unknown) => l10n.t('expected one of {0}, got {1}; ignored', values.map((x) => `"${x}"`).join(', '), describeValue(v));

/** One of `values` (each quoted in the message, unless `refusal` words it), or reported and ignored. */
export const oneOf = <const T extends string>(key: RunSettingKey, values: readonly T[], refusal = (v: unknown) => notOneOf(values, v)): MostSpecificRule<T> => ({
  accept(v, scope, { problems }) {
    if ((values as readonly unknown[]).includes(v)) return v as T;
    problems.at(key, scope, refusal(v));
  },
});

/**
 * `narrowsUser` for a choice with an order: the user's value (or the default), or a more
 * specific one that ranks at least as high (a repository may ask for more protection, never less).
 * `lower` says why a value that ranks lower than the user's (`floor`) is ignored.
 */
export function atLeastUsers<const T extends string>(key: 'isolation' | 'reviewGate', values: readonly T[], rank: Readonly<Record<T, number>>, lower: (value: T, floor: T) => string): SettleRule {
  return {
    settle(entries, s, { problems, defaults }) {
      const valid = (v: unknown, scope: Scope): T | undefined => {
        if ((values as readonly unknown[]).includes(v)) return v as T;
        problems.at(key, scope, notOneOf(values, v));
        return undefined;
      };
      const userEntry = entries.find((e) => e.scope === 'user');
      const userValid = userEntry ? valid(userEntry.value, 'user') : undefined;
      const floor = userValid ?? (defaults[key] as T);
      const found = firstValid(entries, (v, scope): T | undefined => {
        if (scope === 'user') return userValid;
        const x = valid(v, scope);
        if (x === undefined) return undefined;
        if (rank[x] < rank[floor]) {
          problems.at(key, scope, lower(x, floor));
          return undefined;
        }
        return x;
      });
      if (found) (s as unknown as Record<string, unknown>)[key] = found.value;
    },
  };
}
