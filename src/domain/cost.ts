/** Prices, cost math and estimates. Pure: no `vscode` import. */
import { modelFamily, type ModelFamily } from './models';
import type { Run, Usage } from './ticket';
import type { StageId } from './stages';

export interface Price {
  /** USD per million tokens. */
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/**
 * The date of the built-in price table. Prices change (promotional periods, new tiers): the
 * table says when it was checked, and `sdlcPipeline.prices` overrides any row.
 */
export const PRICES_AS_OF = '2026-11-25';

/** List prices per family (USD / MTok), as the CLI 2.1.197 prices them (measured against the mock API on `PRICES_AS_OF`). */
export const BUILTIN_PRICES: Record<Exclude<ModelFamily, 'unknown'>, Price> = {
  opus: { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  sonnet: { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  haiku: { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  fable: { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 1 },
};

/** Upper bound of any price field (USD per million tokens) that settings may set. */
export const MAX_PRICE_PER_MTOK = 10_000;

/** Model (or family) → price. Looked up by own property only (see `priceFor`). */
export type PriceTable = Partial<Record<string, Price>>;

/** `table[key]` only when it is the table's own property: never `Object.prototype`'s `constructor`, `toString`, `__proto__`… */
function own<T>(table: Partial<Record<string, T>> | undefined, key: string): T | undefined {
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

const saneField = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= MAX_PRICE_PER_MTOK;

/** Every field a finite number from 0 to `MAX_PRICE_PER_MTOK`. */
export function isSanePrice(p: unknown): p is Price {
  if (typeof p !== 'object' || p === null) return false;
  const q = p as Record<string, unknown>;
  return saneField(q.input) && saneField(q.output) && saneField(q.cacheWrite) && saneField(q.cacheRead);
}

/** The price of a model: an override for the exact model, else for its family, else the built-in family price (opus when unknown). */
export function priceFor(model: string, overrides: PriceTable = {}): Price {
  const exact = own(overrides, model);
  if (isSanePrice(exact)) return exact;
  const family = modelFamily(model);
  const byFamily = own(overrides, family);
  if (isSanePrice(byFamily)) return byFamily;
  return family === 'unknown' ? BUILTIN_PRICES.opus : BUILTIN_PRICES[family];
}

const count = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0);

/** USD for some usage at a price. Always a finite number ≥ 0: bad counts or prices count as 0, an overflow as `Number.MAX_VALUE`. */
export function costOf(usage: Usage, price: Price): number {
  const usd =
    (count(usage.input_tokens) * count(price.input) +
      count(usage.output_tokens) * count(price.output) +
      count(usage.cache_creation_input_tokens) * count(price.cacheWrite) +
      count(usage.cache_read_input_tokens) * count(price.cacheRead)) /
    1_000_000;
  return Number.isFinite(usd) ? usd : Number.MAX_VALUE;
}

/** Typical tokens of one stage run when a workspace has no history (stated priors). */
export const PRIOR_USAGE: Record<StageId, Usage> = {
  clarify: { input_tokens: 20_000, output_tokens: 1_500, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  plan: { input_tokens: 60_000, output_tokens: 4_000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  build: { input_tokens: 150_000, output_tokens: 12_000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  test: { input_tokens: 100_000, output_tokens: 6_000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  review: { input_tokens: 60_000, output_tokens: 3_000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  document: { input_tokens: 40_000, output_tokens: 3_000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  merge: { input_tokens: 15_000, output_tokens: 800, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
};

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface Estimate {
  stage: StageId;
  model: string;
  usd: number;
  basis: 'history' | 'priors';
  runs: number;
}

/** Estimate one stage from past runs of that stage (median tokens), else from priors. */
export interface TypicalUsage {
  usage: Usage;
  basis: 'history' | 'priors';
  runs: number;
}

/** A stage's typical usage: the median tokens of its past runs, else the stated priors. Model-independent. */
export function typicalUsage(stage: StageId, history: readonly Run[]): TypicalUsage {
  const past = history.filter((r) => r.stage === stage && r.usage);
  if (!past.length) return { usage: PRIOR_USAGE[stage], basis: 'priors', runs: 0 };
  const med = (k: keyof Usage) => median(past.map((r) => r.usage![k]));
  return {
    usage: {
      input_tokens: med('input_tokens'),
      output_tokens: med('output_tokens'),
      cache_creation_input_tokens: med('cache_creation_input_tokens'),
      cache_read_input_tokens: med('cache_read_input_tokens'),
    },
    basis: 'history',
    runs: past.length,
  };
}

/** Estimate one stage on one model from past runs of that stage (median tokens), else from priors. */
export function estimateStage(stage: StageId, model: string, history: readonly Run[], prices: PriceTable = {}): Estimate {
  const t = typicalUsage(stage, history);
  return { stage, model, usd: costOf(t.usage, priceFor(model, prices)), basis: t.basis, runs: t.runs };
}

export interface Rollup {
  total: number;
  /** Null-prototype object. */
  byStage: Partial<Record<StageId, number>>;
  /** Null-prototype object keyed by model (any string, `__proto__` included). */
  byModel: Record<string, number>;
}

const finiteUsd = (n: number) => (Number.isFinite(n) ? n : Number.MAX_VALUE);

/** Actual cost: the CLI's own total_cost_usd per run, split by stage and by modelUsage key. */
export function rollup(runs: readonly Run[]): Rollup {
  const byStage = new Map<StageId, number>();
  const byModel = new Map<string, number>();
  let total = 0;
  for (const r of runs) {
    if (r.costUsd === undefined || !Number.isFinite(r.costUsd)) continue;
    total += r.costUsd;
    byStage.set(r.stage, (byStage.get(r.stage) ?? 0) + r.costUsd);
    const mu = r.modelUsage ? Object.entries(r.modelUsage) : [];
    if (mu.length && mu.every(([, v]) => typeof v.costUSD === 'number' && Number.isFinite(v.costUSD))) {
      for (const [model, v] of mu) byModel.set(model, (byModel.get(model) ?? 0) + (v.costUSD ?? 0));
    } else {
      const key = r.modelRan ?? r.modelAsked;
      byModel.set(key, (byModel.get(key) ?? 0) + r.costUsd);
    }
  }
  return { total: finiteUsd(total), byStage: nullProtoObject(byStage), byModel: nullProtoObject(byModel) };
}

/**
 * One run's cost by model, from the CLI's `modelUsage`: the model the run ran as first (its main
 * loop), then the others (its sub-agents and helper calls), costliest first. Empty when the run
 * used one model or its split is not fully priced.
 */
export function modelSplit(run: Pick<Run, 'modelUsage' | 'modelRan'>): Array<{ model: string; usd: number; main: boolean }> {
  const mu = run.modelUsage ? Object.entries(run.modelUsage) : [];
  if (mu.length < 2 || !mu.every(([, v]) => typeof v.costUSD === 'number' && Number.isFinite(v.costUSD))) return [];
  return mu
    .map(([model, v]) => ({ model, usd: v.costUSD ?? 0, main: model === run.modelRan }))
    .sort((a, b) => Number(b.main) - Number(a.main) || b.usd - a.usd);
}

function nullProtoObject<K extends string>(m: Map<K, number>): Record<K, number> {
  const o = Object.create(null) as Record<K, number>;
  // defineProperty: a `__proto__` key becomes an own data property, never a prototype.
  for (const [k, v] of m) Object.defineProperty(o, k, { value: finiteUsd(v), enumerable: true, writable: true, configurable: true });
  return o;
}

export interface CostRow {
  ticketId: number;
  title: string;
  stage: StageId;
  status: string;
  modelAsked: string;
  modelRan: string;
  costUsd: number;
  estimateUsd: number;
  inputTokens: number;
  outputTokens: number;
  startedAt: number;
}

/** One row per run that reported a cost, with the estimate the form would have shown. */
export function costRows(
  tickets: ReadonlyArray<{ id: number; title: string; runs: readonly Run[] }>,
  prices: PriceTable = {},
): CostRow[] {
  const history = tickets.flatMap((t) => t.runs);
  const rows: CostRow[] = [];
  for (const t of tickets)
    for (const r of t.runs) {
      if (r.costUsd === undefined) continue;
      rows.push({
        ticketId: t.id,
        title: t.title,
        stage: r.stage,
        status: r.status,
        modelAsked: r.modelAsked,
        modelRan: r.modelRan ?? r.modelAsked,
        costUsd: r.costUsd,
        estimateUsd: estimateStage(r.stage, r.modelAsked, history.filter((h) => h.startedAt < r.startedAt), prices).usd,
        inputTokens: r.usage?.input_tokens ?? 0,
        outputTokens: r.usage?.output_tokens ?? 0,
        startedAt: r.startedAt,
      });
    }
  return rows.sort((a, b) => a.startedAt - b.startedAt);
}

function csvCell(v: string | number): string {
  const s = String(v);
  // Quote, double quotes, and defuse spreadsheet formulas from user text.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly CostRow[]): string {
  const head = ['ticket', 'title', 'stage', 'status', 'model_asked', 'model_ran', 'cost_usd', 'estimate_usd', 'input_tokens', 'output_tokens', 'started_at'];
  const lines = rows.map((r) =>
    [r.ticketId, r.title, r.stage, r.status, r.modelAsked, r.modelRan, r.costUsd.toFixed(6), r.estimateUsd.toFixed(6), r.inputTokens, r.outputTokens, new Date(r.startedAt).toISOString()]
      .map(csvCell)
      .join(','),
  );
  return [head.join(','), ...lines].join('\n') + '\n';
}
