/**
 * Tests for bugs that once passed every tier (issue 15's mutation check). Each expectation is
 * written out by hand, never taken from the implementation's own constants. `npm run mutate`
 * applies each mutation to a scratch copy and checks that this tier fails.
 */
import * as assert from 'node:assert';
import { headlessArgs, resumeArgs } from '../../src/domain/cli';
import { costOf, priceFor, rollup } from '../../src/domain/cost';
import { checkModel } from '../../src/domain/models';
import { resolveConfig, resolveStageModel, type RawConfig } from '../../src/domain/settings';
import { TicketStore } from '../../src/domain/store';
import { newTicket, type Run } from '../../src/domain/ticket';
import { MemoryKV } from './memoryKV';

const empty = (): RawConfig => ({ defaultModels: {}, customModels: {}, defaultStages: {}, presets: {} });
const M = 1_000_000;
const only = (k: 'input_tokens' | 'output_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens', n = M) => ({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, [k]: n });

describe('mutation holes: precedence is folder > workspace > user (written out, not read from SCOPES)', () => {
  it('each pair of scopes, both orders', () => {
    const raw = empty();
    raw.defaultModels = { user: { plan: 'haiku', build: 'haiku', test: 'haiku' }, workspace: { plan: 'sonnet', build: 'sonnet' }, workspaceFolder: { plan: 'opus' } };
    const cfg = resolveConfig(raw);
    assert.deepStrictEqual(resolveStageModel('plan', cfg), { model: 'opus', source: 'workspaceFolder' });
    assert.deepStrictEqual(resolveStageModel('build', cfg), { model: 'sonnet', source: 'workspace' });
    assert.deepStrictEqual(resolveStageModel('test', cfg), { model: 'haiku', source: 'user' });
    assert.deepStrictEqual(resolveStageModel('review', cfg), { model: 'sonnet', source: 'default' });
    assert.deepStrictEqual(resolveStageModel('plan', cfg, 'haiku'), { model: 'haiku', source: 'ticket' });
  });
});

describe('mutation holes: ticket numbers are never reused', () => {
  const d = (title: string) => ({ title, description: '', type: 'bug' as const, stages: {} });

  it('after an import, the next ticket gets a new number (the imported one is kept)', async () => {
    const s = new TicketStore(new MemoryKV());
    await s.load();
    await s.import([newTicket(5, d('imported five'))]);
    const next = await s.create((id) => newTicket(id, d('next')));
    assert.strictEqual(next.id, 6);
    assert.strictEqual(s.get(5)?.title, 'imported five');
  });

  it('deleting the newest ticket and reloading does not hand its number out again (the index is read)', async () => {
    const kv = new MemoryKV();
    const s = new TicketStore(kv);
    await s.load();
    for (const t of ['a', 'b', 'c']) await s.create((id) => newTicket(id, d(t)));
    await s.delete(3);
    const reloaded = new TicketStore(kv);
    await reloaded.load();
    assert.strictEqual((await reloaded.create((id) => newTicket(id, d('d')))).id, 4);
  });
});

describe('mutation holes: prices with cache tokens and overrides', () => {
  it('each token kind is priced at its own rate (opus $5 / $25 / $6.25 write / $0.50 read per MTok)', () => {
    const opus = priceFor('claude-opus-4-8');
    assert.strictEqual(costOf(only('input_tokens'), opus), 5);
    assert.strictEqual(costOf(only('output_tokens'), opus), 25);
    assert.strictEqual(costOf(only('cache_creation_input_tokens'), opus), 6.25);
    assert.strictEqual(costOf(only('cache_read_input_tokens'), opus), 0.5);
    assert.strictEqual(costOf(only('cache_read_input_tokens'), priceFor('sonnet')), 0.3);
    assert.strictEqual(costOf(only('cache_read_input_tokens'), priceFor('haiku')), 0.1);
    assert.strictEqual(costOf(only('cache_creation_input_tokens'), priceFor('haiku')), 1.25);
  });

  it('an unknown family is priced as the most expensive tier (opus), never cheaper', () => {
    assert.deepStrictEqual(priceFor('mystery-model-9'), { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 });
  });

  it('a per-model-id override beats the family override and the built-in price', () => {
    const prices = { 'claude-opus-4-8': { input: 1, output: 2, cacheWrite: 3, cacheRead: 4 }, opus: { input: 9, output: 9, cacheWrite: 9, cacheRead: 9 } };
    assert.deepStrictEqual(priceFor('claude-opus-4-8', prices), { input: 1, output: 2, cacheWrite: 3, cacheRead: 4 });
    assert.deepStrictEqual(priceFor('claude-opus-5', prices), { input: 9, output: 9, cacheWrite: 9, cacheRead: 9 });
  });
});

describe('mutation holes: did-you-mean and command lines', () => {
  it('did-you-mean suggests a configured custom model', () => {
    const c = checkModel('my-proxy-modle', ['my-proxy-model']);
    assert.strictEqual(c.ok, false);
    assert.strictEqual(!c.ok && c.suggestion, 'my-proxy-model');
  });

  it('--fallback-model carries the fallback model, right after the flag', () => {
    const a = headlessArgs({ model: 'opus', prompt: 'p', sessionId: 's', fallbackModel: 'sonnet' });
    assert.strictEqual(a[a.indexOf('--fallback-model') + 1], 'sonnet');
    assert.ok(!headlessArgs({ model: 'sonnet', prompt: 'p', sessionId: 's', fallbackModel: 'sonnet' }).includes('--fallback-model'), 'a fallback equal to the model is pointless');
  });

  it('resume: model, one --resume=<id> argument, then the guard rails', () => {
    const id = '6f9619ff-8b86-4d11-b42d-00c04fc964ff';
    assert.deepStrictEqual(resumeArgs(id, 'haiku', { permissionMode: 'plan', allowedTools: ['Read'], settingArgs: ['--setting-sources', 'user'] }), [
      '--model', 'haiku', `--resume=${id}`, '--setting-sources', 'user', '--permission-mode', 'plan', '--allowedTools', 'Read',
    ]);
  });
});

describe('mutation holes: the cost rollup', () => {
  const run = (over: Partial<Run>): Run => ({ id: 'r', stage: 'plan', mode: 'headless', modelAsked: 'opus', startedAt: 1, status: 'succeeded', ...over });
  it('without modelUsage, a run\'s cost goes to the model that ran, not the one asked for', () => {
    const r = rollup([run({ costUsd: 2, modelRan: 'claude-opus-4-8' }), run({ costUsd: 1 })]);
    assert.deepStrictEqual({ ...r.byModel }, { 'claude-opus-4-8': 2, opus: 1 });
  });
});
