/** Estimates per model and effort (src/domain/estimates.ts); expected numbers worked out by hand. */
import * as assert from 'node:assert';
import { EstimateIndex, EFFORT_PRIOR_FACTOR } from '../../src/domain/estimates';
import type { Run } from '../../src/domain/ticket';

let n = 0;
const run = (stage: Run['stage'], modelAsked: string, output: number, effort?: string): Run => ({
  id: `r${++n}`,
  stage,
  mode: 'headless',
  modelAsked,
  startedAt: n,
  status: 'succeeded',
  usage: { input_tokens: 1_000_000, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  ...(effort ? { effort } : {}),
});

describe('estimates per model and effort', () => {
  it('one index answers every combination, asked in any order and repeatedly, exactly as a fresh index does', () => {
    const history = [
      run('plan', 'sonnet', 100), run('plan', 'sonnet', 300), run('plan', 'opus', 500, 'high'), run('plan', 'haiku', 50, 'low'),
      run('build', 'opus', 900), run('build', 'opus', 700, 'max'), run('review', 'sonnet', 200, 'low'),
    ];
    const shared = new EstimateIndex(history);
    const efforts = [undefined, 'low', 'medium', 'high', 'xhigh', 'max'] as const;
    // Worked out by hand. In this history each model's own group (stage, model, effort) holds the
    // same runs as its effort's group, so the answer depends on the stage and effort only.
    // [output tokens, runs]; input is the 1M of every run. Plan: no effort → the two runs without
    // one (100, 300 → 200); low → 50; high → 500; medium/xhigh/max never ran → all four runs
    // (50, 100, 300, 500 → 200) × 0.75/1.5/2.5. Build: none → 900; max → 700; the rest → (900, 700
    // → 800) × factor. Review: its one low run (200), × factor for the efforts that never ran.
    // Merge never ran: the priors (15k in, 800 out) × factor.
    const OUT: Record<'plan' | 'build' | 'review' | 'merge', Record<'none' | NonNullable<(typeof efforts)[number]>, [number, number]>> = {
      plan: { none: [200, 2], low: [50, 1], medium: [150, 4], high: [500, 1], xhigh: [300, 4], max: [500, 4] },
      build: { none: [900, 1], low: [400, 2], medium: [600, 2], high: [800, 2], xhigh: [1200, 2], max: [700, 1] },
      review: { none: [200, 1], low: [200, 1], medium: [150, 1], high: [200, 1], xhigh: [300, 1], max: [500, 1] },
      merge: { none: [800, 0], low: [400, 0], medium: [600, 0], high: [800, 0], xhigh: [1200, 0], max: [2000, 0] },
    };
    for (let round = 0; round < 2; round++) {
      for (const stage of ['plan', 'build', 'review', 'merge'] as const) {
        for (const model of ['haiku', 'sonnet', 'opus', 'fable']) {
          for (const effort of efforts) {
            const got = shared.typical(stage, model, effort);
            const [output, runs] = OUT[stage][effort ?? 'none'];
            const expected = stage === 'merge'
              ? { usage: { input_tokens: 15_000, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }, basis: 'priors', runs }
              : { usage: { input_tokens: 1_000_000, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }, basis: 'history', runs };
            assert.deepStrictEqual(got, expected, `${stage} ${model} ${effort}`);
            // An answer is the caller's: changing it changes no later answer.
            got.usage.output_tokens = -1;
          }
        }
      }
    }
  });
  it('no history: the priors, and an effort scales only the output tokens by its stated factor', () => {
    const idx = new EstimateIndex([]);
    const base = idx.typical('plan', 'opus');
    // Plan's stated priors: 60k in, 4k out.
    assert.deepStrictEqual(base, { usage: { input_tokens: 60_000, output_tokens: 4_000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }, basis: 'priors', runs: 0 });
    const max = idx.typical('plan', 'opus', 'max');
    // max: 4k × 2.5.
    assert.strictEqual(max.usage.output_tokens, 10_000);
    assert.strictEqual(max.usage.input_tokens, 60_000);
    assert.strictEqual(EFFORT_PRIOR_FACTOR.high, 1);
    // Priced: 60k in, 10k out on opus ($5/$25) = 0.3 + 0.25.
    assert.ok(Math.abs(idx.usd('plan', 'opus', 'max', {}).usd - (0.3 + 0.25)) < 1e-12);
    // Priced as the id the alias ran as (fable: $10/$50).
    assert.ok(Math.abs(idx.usd('plan', 'x', undefined, {}, 'claude-fable-5').usd - (0.6 + 0.2)) < 1e-12);
  });

  it('learns from the runs with the same model and effort first, then the same effort, then all runs scaled', () => {
    const idx = new EstimateIndex([
      run('build', 'opus', 100, 'low'),
      run('build', 'opus', 300, 'low'),
      run('build', 'sonnet', 1000, 'low'),
      run('build', 'sonnet', 5000),
      run('plan', 'opus', 7),
    ]);
    // Same model and effort: median of 100 and 300.
    assert.deepStrictEqual([idx.typical('build', 'opus', 'low').usage.output_tokens, idx.typical('build', 'opus', 'low').runs], [200, 2]);
    assert.strictEqual(idx.typical('build', 'opus', 'low').basis, 'history');
    // Haiku never ran with low: the low runs of any model (100, 300, 1000 → 300).
    assert.strictEqual(idx.typical('build', 'haiku', 'low').usage.output_tokens, 300);
    // No effort: the runs without one.
    assert.strictEqual(idx.typical('build', 'opus').usage.output_tokens, 5000);
    // xhigh never ran: all of build's runs (100, 300, 1000, 5000 → 650) × 1.5.
    const x = idx.typical('build', 'opus', 'xhigh');
    assert.deepStrictEqual([x.usage.output_tokens, x.basis, x.runs], [975, 'history', 4]);
    // Another stage's runs never count.
    assert.strictEqual(idx.typical('plan', 'opus', 'low').usage.output_tokens, 3.5);
    // Runs without usage are not history.
    assert.strictEqual(new EstimateIndex([{ ...run('test', 'opus', 1), usage: undefined }]).typical('test', 'opus').basis, 'priors');
  });
});

import { BUILTIN_ESCALATION_CHAIN, BUILTIN_MODELS } from '../../src/domain/models';
import { escalationChain, escalationPlan } from '../../src/domain/runSettings';
import { BUILTIN_PRICES } from '../../src/domain/cost';
import { resolveConfig, BUILTIN_PRESETS } from '../../src/domain/settings';

describe('the Fable tier', () => {
  it('is offered, priced as CLI 2.1.197 prices claude-fable-5 ($10/$50), and tops the built-in escalation chain', () => {
    assert.ok(BUILTIN_MODELS.some((m) => m.id === 'fable' && m.relativeCost === 10));
    assert.deepStrictEqual(BUILTIN_PRICES.fable, { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 1 });
    assert.deepStrictEqual(BUILTIN_ESCALATION_CHAIN, ['haiku', 'sonnet', 'opus', 'fable']);
    assert.deepStrictEqual(escalationPlan(escalationChain({}, 'build'), 'sonnet'), ['opus', 'fable']);
    assert.deepStrictEqual(escalationChain({ build: ['sonnet'] }, 'build'), ['sonnet'], 'a configured chain wins');
    assert.deepStrictEqual(escalationPlan(escalationChain({}, 'build'), 'fable'), []);
    const max = BUILTIN_PRESETS.find((p) => p.name === 'Max quality')!;
    assert.strictEqual(max.models.build, 'fable');
    assert.strictEqual(max.efforts?.build, 'xhigh');
  });

  it('presets in settings take a model or { model, effort }; a bad entry is reported and ignored', () => {
    const empty = { workspaceFolder: undefined, workspace: undefined, user: undefined };
    const r = resolveConfig({
      defaultModels: empty,
      customModels: empty,
      defaultStages: empty,
      presets: { user: { Deep: { plan: { model: 'fable', effort: 'max' }, build: 'opus', test: { effort: 'low' }, review: { effort: 'extreme' }, merge: 42 } } },
    });
    const deep = r.presets.find((p) => p.name === 'Deep')!;
    assert.deepStrictEqual(deep.models, { plan: 'fable', build: 'opus' });
    assert.deepStrictEqual(deep.efforts, { plan: 'max', test: 'low' });
    assert.deepStrictEqual(r.problems.map((p) => p.setting), ['sdlcPipeline.presets.Deep.review', 'sdlcPipeline.presets.Deep.merge']);
  });
});
