import * as assert from 'node:assert';
import { costOf, costRows, estimateStage, median, modelSplit, priceFor, rollup, toCsv } from '../../src/domain/cost';
import type { Run } from '../../src/domain/ticket';

const run = (stage: Run['stage'], input: number, output: number, cost?: number, model = 'opus'): Run => ({
  id: `${stage}-${input}`, stage, mode: 'headless', modelAsked: model, startedAt: input, status: 'succeeded', costUsd: cost,
  usage: { input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
});

describe('cost', () => {
  it('prices by family with overrides', () => {
    assert.deepStrictEqual(priceFor('claude-haiku-4-5-20251001'), { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 });
    assert.strictEqual(priceFor('sonnet', { sonnet: { input: 9, output: 9, cacheWrite: 9, cacheRead: 9 } }).input, 9);
    assert.strictEqual(costOf({ input_tokens: 1_000_000, output_tokens: 1_000_000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }, priceFor('opus')), 30);
  });
  it('estimates from the median of history, else from stated priors', () => {
    const history = [run('plan', 1000, 100), run('plan', 3000, 300), run('plan', 2000, 200), run('build', 9, 9)];
    const e = estimateStage('plan', 'sonnet', history);
    assert.strictEqual(e.basis, 'history');
    assert.strictEqual(e.runs, 3);
    assert.strictEqual(median([1000, 3000, 2000]), 2000);
    assert.ok(Math.abs(e.usd - (2000 * 3 + 200 * 15) / 1e6) < 1e-12);
    const p = estimateStage('merge', 'haiku', history);
    assert.strictEqual(p.basis, 'priors');
    // Merge's priors (15k in, 800 out) at haiku's $1/$5: 0.015 + 0.004.
    assert.ok(Math.abs(p.usd - 0.019) < 1e-12);
  });
  it('rolls up the CLI-reported costs per stage and per model; the parts add up', () => {
    const runs = [
      { ...run('plan', 1, 1, 0.5), modelUsage: { 'claude-opus-4-8': { costUSD: 0.4 }, 'claude-haiku-4-5': { costUSD: 0.1 } } },
      run('build', 2, 2, 1.25),
      run('build', 3, 3, undefined),
    ];
    const r = rollup(runs);
    assert.strictEqual(r.total, 1.75);
    assert.deepStrictEqual({ ...r.byStage }, { plan: 0.5, build: 1.25 });
    const sumModels = Object.values(r.byModel).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sumModels - r.total) < 1e-12);
  });
  it('CSV quotes and defuses formulas in user text', () => {
    const csv = toCsv(costRows([{ id: 1, title: '=HYPERLINK("x"), "q"', runs: [run('plan', 1, 1, 0.1)] }]));
    const line = csv.split('\n')[1];
    assert.ok(line.startsWith('1,"\'=HYPERLINK(""x""), ""q""",plan'), line);
  });
  it('prices and costs are always finite', () => {
    const huge = { input_tokens: 1e308, output_tokens: 1e308, cache_creation_input_tokens: 1e308, cache_read_input_tokens: 1e308 };
    const c = costOf(huge, { input: 10_000, output: 10_000, cacheWrite: 10_000, cacheRead: 10_000 });
    assert.ok(Number.isFinite(c) && c > 0, String(c));
    assert.strictEqual(costOf({ input_tokens: NaN, output_tokens: -5, cache_creation_input_tokens: Infinity, cache_read_input_tokens: 1_000_000 }, { input: 1, output: 1, cacheWrite: 1, cacheRead: 2 }), 2);
    // An override that is not a sane price (as a caller might pass one) is ignored for the built-in price.
    const bad = { sonnet: { input: 1e308, output: 15, cacheWrite: 3.75, cacheRead: 0.3 } };
    assert.deepStrictEqual(priceFor('sonnet', bad), { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 });
    assert.ok(Number.isFinite(estimateStage('build', 'sonnet', [], bad).usd));
    assert.ok(Math.abs(estimateStage('build', 'sonnet', [], bad).usd - (150_000 * 3 + 12_000 * 15) / 1e6) < 1e-12);
  });
  it('looks model names up as own properties only: constructor, toString, __proto__', () => {
    // Unknown family → opus's built-in price, never Object.prototype's members.
    const opus = { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 };
    assert.deepStrictEqual(priceFor('constructor', {}), opus);
    assert.deepStrictEqual(priceFor('toString'), opus);
    assert.deepStrictEqual(priceFor('__proto__', {}), opus);
    assert.deepStrictEqual(priceFor('hasOwnProperty', {}), opus);
    const own = JSON.parse('{"constructor": {"input": 7, "output": 7, "cacheWrite": 7, "cacheRead": 7}}');
    assert.strictEqual(priceFor('constructor', own).input, 7);
  });
  it('rolls up modelUsage keys toString, constructor and __proto__ as plain models; Object.prototype untouched', () => {
    const modelUsage = JSON.parse('{"toString": {"costUSD": 0.25}, "constructor": {"costUSD": 0.5}, "__proto__": {"costUSD": 0.125}}');
    assert.deepStrictEqual(Object.keys(modelUsage), ['toString', 'constructor', '__proto__']);
    const runs = [{ ...run('plan', 1, 1, 0.875), modelUsage }, { ...run('build', 2, 2, 1), modelAsked: 'toString' }, { ...run('test', 3, 3, 2), modelAsked: '__proto__' }];
    const r = rollup(runs);
    assert.strictEqual(r.total, 3.875);
    assert.strictEqual(Object.getPrototypeOf(r.byModel), null);
    assert.deepStrictEqual(Object.keys(r.byModel).sort(), ['__proto__', 'constructor', 'toString']);
    assert.strictEqual(r.byModel.toString as unknown, 1.25);
    assert.strictEqual(r.byModel.constructor as unknown, 0.5);
    assert.strictEqual(r.byModel['__proto__'], 2.125);
    assert.deepStrictEqual(Object.entries(r.byModel).sort(), [['__proto__', 2.125], ['constructor', 0.5], ['toString', 1.25]]);
    assert.strictEqual(typeof Object.prototype.toString, 'function');
    assert.strictEqual(({} as Record<string, unknown>).costUSD, undefined);
    assert.strictEqual(Object.getPrototypeOf({}), Object.prototype);
  });
});

describe('modelSplit: one run\'s cost by model (main loop, then sub-agents)', () => {
  it('puts the model the run ran as first, then the others by cost', () => {
    const split = modelSplit({
      modelRan: 'claude-opus-4-8',
      modelUsage: { 'claude-haiku-4-5': { costUSD: 0.002 }, 'claude-sonnet-5': { costUSD: 0.01 }, 'claude-opus-4-8': { costUSD: 0.02 } },
    });
    assert.deepStrictEqual(split, [
      { model: 'claude-opus-4-8', usd: 0.02, main: true },
      { model: 'claude-sonnet-5', usd: 0.01, main: false },
      { model: 'claude-haiku-4-5', usd: 0.002, main: false },
    ]);
  });

  it('is empty for one model, no modelUsage, or a split that is not fully priced', () => {
    assert.deepStrictEqual(modelSplit({ modelRan: 'a', modelUsage: { a: { costUSD: 1 } } }), []);
    assert.deepStrictEqual(modelSplit({ modelRan: 'a' }), []);
    assert.deepStrictEqual(modelSplit({ modelRan: 'a', modelUsage: { a: { costUSD: 1 }, b: {} } }), []);
    assert.deepStrictEqual(modelSplit({ modelRan: 'a', modelUsage: { a: { costUSD: 1 }, b: { costUSD: Number.NaN } } }), []);
  });
});
