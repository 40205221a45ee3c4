/**
 * The ticket form's draft logic (webview-ui/draft.ts) on Node, against a hand-built FormState.
 * Expected numbers and texts are worked out by hand here, never with the module's own code.
 */
import * as assert from 'node:assert';
import type { Draft, FormState } from '../../src/protocol';
import type { StageId } from '../../src/domain/stages';
import { applyPreset, createMessage, freshDraft, reconcile, resetModels, showsSubagentPicker, sourcesLine, stageEffort, stageEstimate, stageHint, stageSubagentModel, titleMissing, totals, totalsText } from '../../webview-ui/draft';

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
    plan: { model: 'opus', source: 'default', sourceLabel: 'Built-in default', effortSource: 'default', subagentModel: 'haiku', subagentSource: 'default' },
    build: { model: 'sonnet', source: 'workspace', sourceLabel: 'Workspace settings', effort: 'high', effortSource: 'settings', subagentSource: 'default' },
    test: { model: 'haiku', source: 'user', sourceLabel: 'User settings', effortSource: 'default', subagentSource: 'default' },
  }),
  efforts: ['low', 'medium', 'high', 'xhigh', 'max'],
  pricesAsOf: '2026-11-25',
  defaultStages: ['plan', 'build'],
  presets: [
    { name: 'Cheap', models: { plan: 'haiku', build: 'haiku' } },
    { name: 'Max quality', models: { plan: 'opus', build: 'opus', test: 'opus' }, efforts: { plan: 'max' } },
  ],
  folders: [
    { uri: 'file:///a', name: 'a' },
    { uri: 'file:///b', name: 'b' },
  ],
  types: ['feature', 'bug', 'chore'],
  trusted: true,
  nextTicketId: 7,
  estimates: only<FormState['estimates'][StageId]>({
    plan: { basis: 'priors', runs: 0, usdByModel: { haiku: 0.0625, sonnet: 0.25, opus: 0.5 }, usdByEffort: { max: { opus: 2, haiku: 0.25 } } },
    build: { basis: 'history', runs: 3, usdByModel: { haiku: 0.125, sonnet: 0.75, opus: 1 }, usdByEffort: { high: { haiku: 0.125, sonnet: 0.75, opus: 1 }, low: { sonnet: 0.5 } } },
    test: { basis: 'priors', runs: 0, usdByModel: { haiku: 0.0078125, sonnet: 0.125, opus: 0.25 }, usdByEffort: {} },
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
    const plain = { effortSource: 'default', subagentSource: 'default' } as const;
    s.defaults.plan = { model: 'sonnet', source: 'user', sourceLabel: 'User settings', ...plain };
    s.defaults.test = { model: 'sonnet', source: 'workspace', sourceLabel: 'Workspace settings', ...plain };
    s.defaults.review = { model: 'opus', source: 'default', sourceLabel: 'Built-in default', ...plain };
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

  it('hint: model source or "chosen on this ticket", effort, sub-agents, and the estimate of an enabled stage', () => {
    const s = state();
    const d = withStages(freshDraft(s), {
      build: { enabled: true, model: 'haiku', touched: true },
      test: { enabled: false, model: 'haiku', touched: true },
    });
    assert.strictEqual(stageHint(s, d, 'plan'), 'opus · Built-in default · CLI default effort · sub-agents haiku · ~$0.50');
    assert.strictEqual(stageHint(s, d, 'build'), 'chosen on this ticket · effort high (settings) · ~$0.13');
    // Touched but back on its default model: reads as the default; disabled: no estimate.
    assert.strictEqual(stageHint(s, d, 'test'), 'haiku · User settings · CLI default effort');
    assert.strictEqual(stageHint(s, withStages(d, { test: { enabled: true, model: 'haiku', touched: true } }), 'test'), 'haiku · User settings · CLI default effort · ~$0.0078');
    // Right after a pick it reads as chosen, even on the default model.
    assert.strictEqual(stageHint(s, d, 'plan', { justPicked: true }), 'chosen on this ticket · CLI default effort · sub-agents haiku · ~$0.50');
    // No estimate for that model: no amount.
    assert.strictEqual(stageHint(s, withStages(d, { plan: { enabled: true, model: 'mystery', touched: true } }), 'plan'), 'chosen on this ticket · CLI default effort · sub-agents haiku');
    // The id an alias last ran as, learned from runs.
    const learned = { ...s, models: s.models.map((m) => (m.id === 'opus' ? { ...m, ranAs: 'claude-opus-4-8' } : m)) };
    assert.strictEqual(stageHint(learned, d, 'plan'), 'opus · Built-in default · ran as claude-opus-4-8 · CLI default effort · sub-agents haiku · ~$0.50');
  });

  it('effort: the ticket\'s choice beats the configured one; the estimate follows the model and the effort', () => {
    const s = state();
    const d = freshDraft(s);
    assert.strictEqual(stageEffort(s, d, 'plan'), undefined);
    assert.strictEqual(stageEffort(s, d, 'build'), 'high');
    near(stageEstimate(s, d, 'build')!, 0.75);
    const low = withStages(d, { build: { ...d.stages.build, effort: 'low' } });
    assert.strictEqual(stageEffort(s, low, 'build'), 'low');
    near(stageEstimate(s, low, 'build')!, 0.5);
    const maxPlan = withStages(d, { plan: { ...d.stages.plan, effort: 'max' } });
    near(stageEstimate(s, maxPlan, 'plan')!, 2);
    assert.strictEqual(stageHint(s, maxPlan, 'plan'), 'opus · Built-in default · effort max · sub-agents haiku · ~$2.00');
    // An effort with no estimate for that model: none (not the default effort's).
    assert.strictEqual(stageEstimate(s, withStages(d, { plan: { ...d.stages.plan, effort: 'low' } }), 'plan'), undefined);
    // Totals use it.
    near(totals(s, low).usd, 0.5 + 0.5);
  });

  it('sub-agents: chosen, else configured, else the stage\'s model; the picker shows where they differ or when asked', () => {
    const s = state();
    const d = freshDraft(s);
    assert.strictEqual(stageSubagentModel(s, d, 'plan'), 'haiku');
    assert.strictEqual(stageSubagentModel(s, d, 'build'), 'sonnet');
    assert.deepStrictEqual(s.stages.map((st) => showsSubagentPicker(s, d, st.id)), [true, false, false]);
    assert.deepStrictEqual(s.stages.map((st) => showsSubagentPicker(s, { ...d, showSubagents: true }, st.id)), [true, true, true]);
    const chosen = withStages(d, { build: { ...d.stages.build, subagentModel: 'haiku' } });
    assert.strictEqual(stageSubagentModel(s, chosen, 'build'), 'haiku');
    assert.strictEqual(showsSubagentPicker(s, chosen, 'build'), true);
    // A chosen sub-agent model no longer offered is dropped by reconcile; an offered one stays.
    const gone = withStages(d, { build: { ...d.stages.build, subagentModel: 'opusplan' }, test: { ...d.stages.test, subagentModel: 'opus' } });
    const r = reconcile({ ...s, models: s.models.filter((m) => m.id !== 'opusplan') }, gone);
    assert.strictEqual(r.stages.build.subagentModel, undefined);
    assert.strictEqual(r.stages.test.subagentModel, 'opus');
  });

  it('sources line: says which rule gave the models', () => {
    const s = state();
    const d = freshDraft(s);
    assert.strictEqual(sourcesLine(s, d), 'From Workspace settings: build · From User settings: test');
    const chosen = withStages(d, { plan: { ...d.stages.plan, model: 'sonnet', touched: true } });
    assert.strictEqual(sourcesLine(s, chosen), 'Chosen here: plan · From Workspace settings: build · From User settings: test');
    const all = { ...s, defaults: Object.fromEntries(Object.entries(s.defaults).map(([k, v]) => [k, { ...v, source: 'default' as const }])) as FormState['defaults'] };
    assert.strictEqual(sourcesLine(all, d), 'Models: built-in defaults');
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
    near(t.usd, 3.25); // plan at max effort (2) + build (1) + test (0.25)
    assert.strictEqual(t.saving, 0);
    assert.deepStrictEqual(totalsText(t), {
      estimate: 'Estimated $3.25',
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
    // A chosen effort and sub-agent model travel with the stage; the defaults do not.
    const extra = withStages(d, { plan: { ...d.stages.plan, effort: 'max', subagentModel: 'sonnet' } });
    assert.deepStrictEqual(createMessage(s, extra, 1, false).draft.stages.plan, { enabled: true, effort: 'max', subagentModel: 'sonnet' });
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

    const max = applyPreset(s, start, 'Max quality')!;
    assert.deepStrictEqual(max.stages.plan, { enabled: true, model: 'opus', touched: true, effort: 'max' }, 'a preset carries its effort');
    assert.strictEqual(max.stages.build.effort, undefined);

    const reset = resetModels(s, { ...max, stages: { ...max.stages, build: { ...max.stages.build, enabled: false, subagentModel: 'opus' } } });
    assert.strictEqual(reset.preset, undefined);
    assert.deepStrictEqual(reset.stages, {
      plan: { enabled: true, model: 'opus', touched: false },
      build: { enabled: false, model: 'sonnet', touched: false }, // which stages run is kept
      test: { enabled: true, model: 'haiku', touched: false },
    });
  });
});
