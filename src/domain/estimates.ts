/**
 * Estimates that learn per model and effort. A stage's typical tokens come from its past runs
 * with the same model and effort, else the same effort on any model, else all its runs (or the
 * stated priors) with the effort's prior factor on output tokens. Pure: no `vscode` import.
 */
import { costOf, median, priceFor, typicalUsage, type PriceTable, type TypicalUsage } from './cost';
import type { Effort, StageId } from './stages';
import type { Run, Usage } from './ticket';

/**
 * How an effort level scales a stage's output tokens (thinking is output) against the CLI's
 * default, until runs with that effort replace the guess. Stated priors, not measurements.
 */
export const EFFORT_PRIOR_FACTOR: Readonly<Record<Effort, number>> = { low: 0.5, medium: 0.75, high: 1, xhigh: 1.5, max: 2.5 };

const NO_EFFORT = '';
const key = (model: string, effort: string) => `${model}\u0000${effort}`;

function medianUsage(runs: readonly Run[]): Usage {
  const med = (k: keyof Usage) => median(runs.map((r) => r.usage![k]));
  return {
    input_tokens: med('input_tokens'),
    output_tokens: med('output_tokens'),
    cache_creation_input_tokens: med('cache_creation_input_tokens'),
    cache_read_input_tokens: med('cache_read_input_tokens'),
  };
}

/**
 * Past runs grouped once per stage, by effort and by model + effort (the form asks for every
 * combination). Each group's median is computed once: many combinations fall back to the same
 * group, and each median sorts every run in it.
 */
export class EstimateIndex {
  private readonly all = new Map<StageId, Run[]>();
  private readonly byEffort = new Map<string, Run[]>();
  private readonly byModelEffort = new Map<string, Run[]>();
  private readonly medians = new Map<readonly Run[], Usage>();
  private readonly perStage = new Map<StageId, TypicalUsage>();

  constructor(history: readonly Run[]) {
    for (const r of history) {
      if (!r.usage) continue;
      const effort = r.effort ?? NO_EFFORT;
      push(this.all, r.stage, r);
      push(this.byEffort, key(r.stage, effort), r);
      push(this.byModelEffort, `${r.stage}\u0000${key(r.modelAsked, effort)}`, r);
    }
  }

  /** Typical usage of `stage` run on `model` with `effort` (undefined: the CLI's default). */
  typical(stage: StageId, model: string, effort?: Effort): TypicalUsage {
    const e = effort ?? NO_EFFORT;
    const exact = this.byModelEffort.get(`${stage}\u0000${key(model, e)}`) ?? this.byEffort.get(key(stage, e));
    if (exact?.length) return { usage: { ...this.median(exact) }, basis: 'history', runs: exact.length };
    let base = this.perStage.get(stage);
    if (!base) this.perStage.set(stage, (base = typicalUsage(stage, this.all.get(stage) ?? [])));
    if (!effort) return { ...base, usage: { ...base.usage } };
    return { ...base, usage: { ...base.usage, output_tokens: base.usage.output_tokens * EFFORT_PRIOR_FACTOR[effort] } };
  }

  private median(runs: readonly Run[]): Usage {
    let u = this.medians.get(runs);
    if (!u) this.medians.set(runs, (u = medianUsage(runs)));
    return u;
  }

  /** USD of one stage run on `model` (priced as `pricedAs`, e.g. the id the alias last ran as) with `effort`. */
  usd(stage: StageId, model: string, effort: Effort | undefined, prices: PriceTable, pricedAs = model): { usd: number } & TypicalUsage {
    const t = this.typical(stage, model, effort);
    return { ...t, usd: costOf(t.usage, priceFor(pricedAs, prices)) };
  }
}

function push<K>(m: Map<K, Run[]>, k: K, r: Run): void {
  const list = m.get(k);
  if (list) list.push(r);
  else m.set(k, [r]);
}
