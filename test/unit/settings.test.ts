import * as assert from 'node:assert';
import { resolveConfig, resolveStageModel, stageDefaults, type RawConfig, type Scope } from '../../src/domain/settings';
import { builtinDefaults } from '../../src/domain/stages';

const empty = (): RawConfig => ({ defaultModels: {}, customModels: {}, defaultStages: {}, presets: {} });

describe('model precedence: ticket > folder > workspace > user > built-in', () => {
  // Every combination of scopes that set plan's model, with and without a ticket choice. The order
  // is written out here (most specific first), never read from the implementation's SCOPES.
  const MOST_SPECIFIC_FIRST: Scope[] = ['workspaceFolder', 'workspace', 'user'];
  const values: Record<Scope, string> = { workspaceFolder: 'claude-opus-4-8', workspace: 'sonnet', user: 'haiku' };
  const combos: Scope[][] = [];
  for (let mask = 0; mask < 1 << MOST_SPECIFIC_FIRST.length; mask++) combos.push(MOST_SPECIFIC_FIRST.filter((_, i) => mask & (1 << i)));
  for (const ticket of [undefined, 'opusplan']) {
    for (const set of combos) {
      const expected = ticket ? { model: ticket, source: 'ticket' } : set.length ? { model: values[set[0]], source: set[0] } : { model: 'opus', source: 'default' };
      it(`ticket=${ticket ?? '—'} scopes=[${set.join(',') || 'none'}] → ${expected.model} (${expected.source})`, () => {
        const raw = empty();
        for (const s of set) raw.defaultModels[s] = { plan: values[s] };
        const cfg = resolveConfig(raw);
        assert.deepStrictEqual(cfg.problems, []);
        assert.deepStrictEqual(resolveStageModel('plan', cfg, ticket), expected);
      });
    }
  }

  it('built-in defaults come from the one stage table', () => {
    const d = stageDefaults(resolveConfig(empty()));
    assert.deepStrictEqual(
      Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.model])),
      { clarify: 'haiku', plan: 'opus', build: 'opus', test: 'sonnet', review: 'sonnet', document: 'sonnet', merge: 'haiku' },
    );
    assert.deepStrictEqual(builtinDefaults(), { clarify: 'haiku', plan: 'opus', build: 'opus', test: 'sonnet', review: 'sonnet', document: 'sonnet', merge: 'haiku' });
  });

  it('a scope sets only the stages it names; others fall through', () => {
    const raw = empty();
    raw.defaultModels.user = { build: 'sonnet' };
    raw.defaultModels.workspace = { plan: 'haiku' };
    const cfg = resolveConfig(raw);
    assert.deepStrictEqual(resolveStageModel('build', cfg), { model: 'sonnet', source: 'user' });
    assert.deepStrictEqual(resolveStageModel('plan', cfg), { model: 'haiku', source: 'workspace' });
    assert.deepStrictEqual(resolveStageModel('test', cfg), { model: 'sonnet', source: 'default' });
  });
});

describe('settings validation', () => {
  it('an invalid model falls back for that stage alone, with did-you-mean', () => {
    const raw = empty();
    raw.defaultModels.workspace = { plan: 'sonet', build: 'haiku' };
    const cfg = resolveConfig(raw);
    assert.strictEqual(cfg.problems.length, 1);
    assert.match(cfg.problems[0].message, /did you mean "sonnet"/);
    assert.strictEqual(cfg.problems[0].setting, 'sdlcPipeline.defaultModels.plan');
    assert.strictEqual(cfg.problems[0].scope, 'workspace');
    assert.deepStrictEqual(resolveStageModel('plan', cfg), { model: 'opus', source: 'default' });
    assert.deepStrictEqual(resolveStageModel('build', cfg), { model: 'haiku', source: 'workspace' });
  });

  it('wrong types and unknown stages are reported; nothing else is affected', () => {
    const raw = empty();
    raw.defaultModels.user = 42;
    raw.defaultModels.workspace = { deploy: 'opus', plan: ['opus'], test: 'haiku' };
    raw.customModels.user = 'opusplan';
    raw.defaultStages.workspace = ['plan', 'ship'];
    raw.presets.user = { Cheap: 'haiku', Fast: { plan: 'haiku', nope: 'opus' } };
    const cfg = resolveConfig(raw);
    const msgs = cfg.problems.map((p) => `${p.setting}: ${p.message}`).join('\n');
    assert.match(msgs, /sdlcPipeline.defaultModels: expected an object of stage → model, got number 42/);
    assert.match(msgs, /"deploy" is not a stage/);
    assert.match(msgs, /defaultModels.plan: expected a model name \(string\), got an array/);
    assert.match(msgs, /customModels: expected a list of model names/);
    assert.match(msgs, /unknown stage "ship"/);
    assert.match(msgs, /presets.Cheap: expected an object/);
    assert.match(msgs, /presets.Fast.nope/);
    assert.deepStrictEqual(resolveStageModel('test', cfg), { model: 'haiku', source: 'workspace' });
    assert.deepStrictEqual(cfg.defaultStages, ['plan']);
    assert.deepStrictEqual(cfg.presets.find((p) => p.name === 'Fast')?.models, { plan: 'haiku' });
  });

  it('custom models are valid model values', () => {
    const raw = empty();
    raw.customModels.user = ['my-gateway-model'];
    raw.defaultModels.user = { plan: 'my-gateway-model' };
    const cfg = resolveConfig(raw);
    assert.deepStrictEqual(cfg.problems, []);
    assert.strictEqual(resolveStageModel('plan', cfg).model, 'my-gateway-model');
  });

  it('built-in presets: Balanced is the defaults; user presets are added', () => {
    const raw = empty();
    raw.presets.user = { Mine: { plan: 'sonnet' } };
    const cfg = resolveConfig(raw);
    assert.deepStrictEqual(cfg.presets.map((p) => p.name), ['Balanced', 'Cost-optimized', 'Max quality', 'Mine']);
    assert.deepStrictEqual(cfg.presets[0].models, { clarify: 'haiku', plan: 'opus', build: 'opus', test: 'sonnet', review: 'sonnet', document: 'sonnet', merge: 'haiku' });
  });
});
