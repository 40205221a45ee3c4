/**
 * The ticket form's draft logic (webview-ui/draft.ts) on Node, against a hand-built FormState.
 * Expected numbers and texts are worked out by hand here, never with the module's own code.
 */
import * as assert from 'node:assert';
import type { Draft, FormState } from '../../src/protocol';
import type { StageId } from '../../src/domain/stages';
import { applyPreset, createMessage, freshDraft, reconcile, resetModels, stageHint, titleMissing, totals, totalsText } from '../../webview-ui/draft';

/** The host sends every stage's default and estimate; the fixture only needs the three it lists. */
const only = <T>(byStage: Partial<Record<StageId, T>>) => byStage as Record<StageId, T>;

// Dyadic prices, so the sums below are exact.
const state = (): FormState => ({
  stages: [
    { id: 'plan', label: 'Plan', summary: 'Write a plan' },
    { id: 'build', label: 'Build', summary: 'Implement it' },
    { id: 'test', label: 'Test', summary: 'Run the tests' },
  ],
  models: [
    { id: 'haiku', label: 'Haiku', relativeCost: 1, description: 'fast' },
    { id: 'sonnet', label: 'Sonnet', relativeCost: 3, description: 'balanced' },
    { id: 'opus', label: 'Opus', relativeCost: 5, description: 'best' },
    { id: 'opusplan', label: 'Opus plan', relativeCost: 4, description: 'mixed' },
  ],
  defaults: only<FormState['defaults'][StageId]>({
    plan: { model: 'opus', source: 'default', sourceLabel: 'Built-in default' },
    build: { model: 'sonnet', source: 'workspace', sourceLabel: 'Workspace settings' },
    test: { model: 'haiku', source: 'user', sourceLabel: 'User settings' },
  }),
  defaultStages: ['plan', 'build'],
  presets: [
    { name: 'Cheap', models: { plan: 'haiku', build: 'haiku' } },
    { name: 'Max quality', models: { plan: 'opus', build: 'opus', test: 'opus' } },
  ],
  folders: [
    { uri: 'file:///a', name: 'a' },
    { uri: 'file:///b', name: 'b' },
  ],
  types: ['feature', 'bug', 'chore'],
  trusted: true,
  nextTicketId: 7,
  estimates: only<FormState['estimates'][StageId]>({
    plan: { basis: 'priors', runs: 0, usdByModel: { haiku: 0.0625, sonnet: 0.25, opus: 0.5 } },
    build: { basis: 'history', runs: 3, usdByModel: { haiku: 0.125, sonnet: 0.75, opus: 1 } },
    test: { basis: 'priors', runs: 0, usdByModel: { haiku: 0.0078125, sonnet: 0.125, opus: 0.25 } },
  }),
});

const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);
const withStages = (d: Draft, stages: Partial<Draft['stages']>): Draft => ({ ...d, stages: { ...d.stages, ...stages } });

describe('form draft', () => {
  it('freshDraft: every stage on its default model, untouched, on if it runs by default; first folder', () => {
    assert.deepStrictEqual(freshDraft(state()), {
      title: '',
      description: '',
      type: 'feature',
      folder: 'file:///a',
      stages: {
        plan: { enabled: true, model: 'opus', touched: false },
        build: { enabled: true, model: 'sonnet', touched: false },
        test: { enabled: false, model: 'haiku', touched: false },
      },
    });
    assert.strictEqual(freshDraft({ ...state(), folders: [] }).folder, undefined);
  });

  it('reconcile: no draft yet gives a fresh one', () => {
    assert.deepStrictEqual(reconcile(state(), undefined), freshDraft(state()));
  });

  it('reconcile: touched models stay, untouched follow new defaults, a model no longer offered resets, missing stages are added', () => {
    const old: Draft = withStages(freshDraft(state()), {
      build: { enabled: false, model: 'haiku', touched: true },
      test: { enabled: true, model: 'opusplan', touched: true },
    });
    const s = state();
    s.stages.push({ id: 'review', label: 'Review', summary: 'Review it' });
    s.models = s.models.filter((m) => m.id !== 'opusplan');
    s.defaults.plan = { model: 'sonnet', source: 'user', sourceLabel: 'User settings' };
    s.defaults.test = { model: 'sonnet', source: 'workspace', sourceLabel: 'Workspace settings' };
    s.defaults.review = { model: 'opus', source: 'default', sourceLabel: 'Built-in default' };
    s.defaultStages = ['plan', 'review'];
    const before = structuredClone(old);
    const d = reconcile(s, old);
    assert.deepStrictEqual(d.stages, {
      plan: { enabled: true, model: 'sonnet', touched: false },
      build: { enabled: false, model: 'haiku', touched: true },
      test: { enabled: true, model: 'sonnet', touched: false },
      review: { enabled: true, model: 'opus', touched: false },
    });
    assert.deepStrictEqual(old, before, 'the old draft is left as it was');
  });

  it('reconcile: keeps a folder that is still open, falls back to the first one otherwise', () => {
    const d = freshDraft(state());
    assert.strictEqual(reconcile(state(), { ...d, folder: 'file:///b' }).folder, 'file:///b');
    assert.strictEqual(reconcile(state(), { ...d, folder: 'file:///gone' }).folder, 'file:///a');
    assert.strictEqual(reconcile(state(), { ...d, folder: undefined }).folder, 'file:///a');
    assert.strictEqual(reconcile({ ...state(), folders: [] }, { ...d, folder: 'file:///gone' }).folder, 'file:///gone');
  });

  it('hint: default source or "chosen on this ticket", plus the estimate of an enabled stage', () => {
    const s = state();
    const d = withStages(freshDraft(s), {
      build: { enabled: true, model: 'haiku', touched: true },
      test: { enabled: false, model: 'haiku', touched: true },
    });
    assert.strictEqual(stageHint(s, d, 'plan'), 'opus · Built-in default · ~$0.50');
    assert.strictEqual(stageHint(s, d, 'build'), 'chosen on this ticket · ~$0.13');
    // Touched but back on its default model: reads as the default; disabled: no estimate.
    assert.strictEqual(stageHint(s, d, 'test'), 'haiku · User settings');
    assert.strictEqual(stageHint(s, withStages(d, { test: { enabled: true, model: 'haiku', touched: true } }), 'test'), 'haiku · User settings · ~$0.0078');
    // Right after a pick it reads as chosen, even on the default model.
    assert.strictEqual(stageHint(s, d, 'plan', { justPicked: true }), 'chosen on this ticket · ~$0.50');
    // No estimate for that model: no amount.
    assert.strictEqual(stageHint(s, withStages(d, { plan: { enabled: true, model: 'mystery', touched: true } }), 'plan'), 'chosen on this ticket');
  });

  it('totals: defaults (plan on opus, build on sonnet)', () => {
    const t = totals(state(), freshDraft(state()));
    // usd 0.5 + 0.75; all-opus 0.5 + 1; relative (5 + 3) / (2 × 5) = 80 %.
    assert.strictEqual(t.stages, 2);
    near(t.usd, 1.25);
    near(t.opusUsd, 1.5);
    near(t.saving, 0.25);
    assert.strictEqual(t.relativePct, 80);
    assert.strictEqual(t.basis, 'history');
    assert.deepStrictEqual(totalsText(t), {
      estimate: 'Estimated $1.25',
      scope: ' for 2 stages (from this workspace’s past runs)',
      relative: 'Relative cost 80% of all-opus',
      saving: ' · saves ~$0.25',
    });
  });

  it('totals: one cheap stage, sub-cent amounts print four decimals', () => {
    const base = freshDraft(state());
    const d = withStages(base, {
      plan: { ...base.stages.plan, enabled: false },
      build: { ...base.stages.build, enabled: false },
      test: { enabled: true, model: 'haiku', touched: false },
    });
    const t = totals(state(), d);
    assert.strictEqual(t.stages, 1);
    near(t.usd, 0.0078125);
    near(t.opusUsd, 0.25);
    near(t.saving, 0.2421875);
    assert.strictEqual(t.relativePct, 20); // 1 / 5
    assert.strictEqual(t.basis, 'priors');
    assert.deepStrictEqual(totalsText(t), {
      estimate: 'Estimated $0.0078',
      scope: ' for 1 stage (from built-in priors)',
      relative: 'Relative cost 20% of all-opus',
      saving: ' · saves ~$0.24',
    });
  });

  it('totals: all on opus is 100% with no saving; a model without an estimate adds nothing and counts as 5×', () => {
    const s = state();
    const max = applyPreset(s, withStages(freshDraft(s), { test: { enabled: true, model: 'haiku', touched: false } }), 'Max quality')!;
    const t = totals(s, max);
    near(t.usd, 1.75);
    assert.strictEqual(t.saving, 0);
    assert.deepStrictEqual(totalsText(t), {
      estimate: 'Estimated $1.75',
      scope: ' for 3 stages (from this workspace’s past runs)',
      relative: 'Relative cost 100% of all-opus',
      saving: '',
    });
    const u = totals(s, withStages(freshDraft(s), { build: { enabled: true, model: 'mystery', touched: true } }));
    near(u.usd, 0.5);
    assert.strictEqual(u.relativePct, 100); // (5 + 5) / (2 × 5)
  });

  it('totals: no enabled stage', () => {
    const s = state();
    const d = freshDraft({ ...s, defaultStages: [] });
    const t = totals(s, d);
    assert.deepStrictEqual(t, { stages: 0, usd: 0, opusUsd: 0, relativePct: 0, saving: 0, basis: 'priors' });
    assert.deepStrictEqual(totalsText(t), {
      estimate: 'Estimated $0.00',
      scope: ' for 0 stages (from built-in priors)',
      relative: 'Relative cost 0% of all-opus',
      saving: '',
    });
  });

  it('create message: trimmed title, a model only for touched stages', () => {
    const s = state();
    const d: Draft = {
      ...withStages(freshDraft(s), { build: { enabled: true, model: 'haiku', touched: true }, test: { enabled: false, model: 'opus', touched: true } }),
      title: '  Fix the login  ',
      description: ' keep spaces ',
      type: 'bug',
      folder: 'file:///b',
    };
    assert.deepStrictEqual(createMessage(s, d, 42, true), {
      type: 'create',
      requestId: 42,
      run: true,
      draft: {
        title: 'Fix the login',
        description: ' keep spaces ',
        type: 'bug',
        folder: 'file:///b',
        stages: { plan: { enabled: true }, build: { enabled: true, model: 'haiku' }, test: { enabled: false, model: 'opus' } },
      },
    });
    assert.strictEqual(titleMissing({ ...d, title: ' \n ' }), true);
    assert.strictEqual(titleMissing(d), false);
  });

  it('preset: named stages take its model and count as chosen; reset puts every model back', () => {
    const s = state();
    const start = withStages(freshDraft(s), { test: { enabled: true, model: 'sonnet', touched: true } });
    const cheap = applyPreset(s, start, 'Cheap')!;
    assert.strictEqual(cheap.preset, 'Cheap');
    assert.deepStrictEqual(cheap.stages, {
      plan: { enabled: true, model: 'haiku', touched: true },
      build: { enabled: true, model: 'haiku', touched: true },
      test: { enabled: true, model: 'sonnet', touched: true }, // not in the preset: unchanged
    });
    assert.strictEqual(start.preset, undefined, 'the draft passed in is left as it was');
    assert.strictEqual(applyPreset(s, start, 'No such preset'), undefined);

    const reset = resetModels(s, { ...cheap, stages: { ...cheap.stages, build: { ...cheap.stages.build, enabled: false } } });
    assert.strictEqual(reset.preset, undefined);
    assert.deepStrictEqual(reset.stages, {
      plan: { enabled: true, model: 'opus', touched: false },
      build: { enabled: false, model: 'sonnet', touched: false }, // which stages run is kept
      test: { enabled: true, model: 'haiku', touched: false },
    });
  });
});
