import * as assert from 'node:assert';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { parseRecord } from '../../src/domain/store';
import { newTicket, TicketSchema } from '../../src/domain/ticket';
import { jitObject, jitStrictObject } from '../../src/domain/zodJit';

/** One shape, parsed by zod/mini's object and by the JIT-compiled one. */
const shape = () => ({
  n: z.int().check(z.positive()),
  s: z.optional(z.string().check(z.maxLength(3))),
  d: z._default(z.boolean(), false),
  nested: z.optional(z.object({ k: z.enum(['a', 'b']) })),
});
const plain = z.object(shape());
const jit = jitObject(shape());

const inputs: unknown[] = [
  { n: 1 },
  { n: 2, s: 'abc', d: true, nested: { k: 'a' } },
  { n: 3, extra: 'dropped', nested: { k: 'b', extra: 1 } },
  { n: 0 },
  { n: 1.5, s: 'toolong' },
  { n: 1, nested: { k: 'c' } },
  { s: 1 },
  null,
  [],
  'text',
  { n: 1, __proto__: { polluted: true } },
];

/** Every input parses the same with `expected` and `actual`: same success, same data or same issues. */
function sameResults(expected: z.ZodMiniType, actual: z.ZodMiniType): void {
  for (const input of inputs) {
    const a = expected.safeParse(input);
    const b = actual.safeParse(input);
    assert.deepStrictEqual(b.success, a.success, JSON.stringify(input));
    if (a.success && b.success) assert.deepStrictEqual(b.data, a.data);
    else assert.deepStrictEqual(b.error?.issues, a.error?.issues);
  }
}

describe('jitObject: zod/mini objects on zod’s JIT-compiled parser', () => {
  it('gives exactly the results and issues of z.object, for good and bad input', () => sameResults(plain, jit));
  it('jitStrictObject gives exactly the results and issues of z.strictObject', () => {
    const jitStrict = jitStrictObject(shape());
    sameResults(z.strictObject(shape()), jitStrict);
    assert.strictEqual(jitStrict.safeParse({ n: 1, extra: 1 }).success, false);
  });
  it('really takes the compiled path (a generated parser, not the plain one)', () => {
    let compiled = 0;
    const real = Function;
    const spy = new Proxy(real, { construct: (t, args) => (compiled++, Reflect.construct(t, args)) });
    globalThis.Function = spy;
    try {
      jitObject(shape()).safeParse({ n: 1 });
    } finally {
      globalThis.Function = real;
    }
    assert.ok(compiled >= 1, 'zod did not compile a parser');
  });
  it('keeps mini’s API: shape, extend, omit, check', () => {
    assert.deepStrictEqual(Object.keys(jit.shape), ['n', 's', 'd', 'nested']);
    const wider = z.extend(jit, { more: z.string() });
    assert.strictEqual(wider.safeParse({ n: 1 }).success, false);
    assert.deepStrictEqual(wider.safeParse({ n: 1, more: 'x' }).data, { n: 1, d: false, more: 'x' });
    assert.deepStrictEqual(z.omit(jit, { n: true }).safeParse({}).data, { d: false });
    assert.strictEqual(jit.check(z.refine((v) => v.n > 5)).safeParse({ n: 1 }).success, false);
  });
  it('a stored ticket parses as before: good records load, bad ones are refused with the field named', () => {
    const good = JSON.parse(JSON.stringify(newTicket(7, { title: 't', description: '', type: 'bug', stages: { plan: { enabled: true, model: 'opus' } } })));
    const ok = parseRecord({ v: 2, data: { ...good, runs: [{ id: 'r', stage: 'plan', mode: 'headless', modelAsked: 'opus', startedAt: 1, status: 'succeeded', costUsd: -1, sessionId: 'not-a-uuid' }] } });
    assert.ok(ok.ok);
    assert.strictEqual(ok.ticket.runs[0].costUsd, undefined, 'a negative cost is dropped, not trusted');
    assert.strictEqual(ok.ticket.runs[0].sessionId, undefined);
    const bad = parseRecord({ v: 2, data: { ...good, stages: { plan: { enabled: 'yes' } } } });
    assert.ok(!bad.ok && /stages\.plan\.enabled/.test(bad.error), JSON.stringify(bad));
    assert.strictEqual(TicketSchema.safeParse({ ...good, title: '' }).success, false);
    // A key that is not a stage refuses the record (quarantined, never silently dropped).
    const unknownStage = parseRecord({ v: 2, data: { ...good, stages: { ...good.stages, deploy: { enabled: true } } } });
    assert.ok(!unknownStage.ok && /deploy/.test(unknownStage.error), JSON.stringify(unknownStage));
    // Stages left out come back complete and disabled, in table order.
    const partial = parseRecord({ v: 2, data: { ...good, stages: { build: { enabled: true, effort: 'high' } } } });
    assert.ok(partial.ok);
    assert.deepStrictEqual(Object.keys(partial.ticket.stages), ['clarify', 'plan', 'build', 'test', 'review', 'document', 'merge']);
    assert.deepStrictEqual(partial.ticket.stages.build, { enabled: true, effort: 'high' });
    assert.deepStrictEqual(partial.ticket.stages.plan, { enabled: false });
  });
  it('only the host bundles it: the form\'s bundle has no JIT (its CSP forbids eval)', async function () {
    this.timeout(30_000);
    const esbuild = await import('esbuild');
    const root = join(__dirname, '../../..');
    const bundle = async (entry: string, platform: 'browser' | 'node') => {
      const r = await esbuild.build({ entryPoints: [join(root, entry)], bundle: true, minify: true, write: false, platform, format: platform === 'node' ? 'cjs' : 'iife', external: ['vscode'], loader: { '.css': 'css' }, outdir: '/nonexistent', logLevel: 'silent' });
      return r.outputFiles.filter((f) => f.path.endsWith('.js')).map((f) => f.text).join('');
    };
    // The marker is zod's own constructor name: the host bundle shows it is there to be found.
    assert.ok((await bundle('src/extension.ts', 'node')).includes('$ZodObjectJIT'), 'the host bundle lost the JIT (or the marker changed)');
    const form = await bundle('webview-ui/main.ts', 'browser');
    assert.ok(form.length > 100_000, 'the form did not build');
    assert.ok(!form.includes('$ZodObjectJIT') && !form.includes('allowsEval'), 'the form\'s bundle carries zod\'s JIT');
  });
});
