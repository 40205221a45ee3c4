import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { EstimateIndex } from '../../src/domain/estimates';
import { WebviewMessageSchema } from '../../src/protocol';
import { api, draft, modelOf, setSetting, waitFor } from './helpers';

describe('form state and settings (real extension host)', () => {
  afterEach(async () => {
    for (const key of ['defaultModels', 'customModels', 'presets', 'defaultStages', 'defaultEfforts', 'defaultSubagentModels']) {
      await setSetting(key, undefined, vscode.ConfigurationTarget.Global);
      await setSetting(key, undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('user and workspace settings reach the form defaults, with their source', async () => {
    const a = await api();
    await setSetting('defaultModels', { plan: 'sonnet', build: 'sonnet' }, vscode.ConfigurationTarget.Global);
    await setSetting('defaultModels', { build: 'haiku' }, vscode.ConfigurationTarget.Workspace);
    const s = await waitFor(() => {
      const st = a.form.state();
      return st.defaults.build.model === 'haiku' ? st : undefined;
    }, 'settings to reach the form');
    assert.deepStrictEqual(modelOf(s.defaults.plan), { model: 'sonnet', source: 'user', sourceLabel: 'user settings' });
    assert.deepStrictEqual(modelOf(s.defaults.build), { model: 'haiku', source: 'workspace', sourceLabel: 'workspace settings' });
    assert.deepStrictEqual(modelOf(s.defaults.test), { model: 'sonnet', source: 'default', sourceLabel: 'built-in default' });
  });

  it('effort and sub-agent settings reach the form with their source; a preset in settings carries its effort', async () => {
    const a = await api();
    await setSetting('defaultEfforts', { build: 'low' }, vscode.ConfigurationTarget.Global);
    await setSetting('defaultSubagentModels', { review: 'haiku' }, vscode.ConfigurationTarget.Global);
    await setSetting('presets', { Deep: { plan: { model: 'fable', effort: 'max' } } }, vscode.ConfigurationTarget.Global);
    const s = await waitFor(() => {
      const st = a.form.state();
      return st.defaults.build.effort === 'low' && st.defaults.review.subagentModel === 'haiku' && st.presets.some((p) => p.name === 'Deep') ? st : undefined;
    }, 'effort and sub-agent settings to reach the form');
    assert.deepStrictEqual([s.defaults.build.effortSource, s.defaults.review.subagentSource], ['settings', 'settings']);
    // Built-in: Plan's sub-agents on haiku; no effort (the CLI's own) unless set.
    assert.deepStrictEqual([s.defaults.plan.subagentModel, s.defaults.plan.subagentSource, s.defaults.plan.effort], ['haiku', 'default', undefined]);
    assert.deepStrictEqual(s.presets.find((p) => p.name === 'Deep'), { name: 'Deep', models: { plan: 'fable' }, efforts: { plan: 'max' } });
    // Estimates per model and effort are the domain's, learned from every run in this window
    // (whatever earlier tests ran: the priors' ordering is the unit tests' to check).
    // The state and the runs read back to back: nothing can finish in between.
    const now = a.form.state();
    const index = new EstimateIndex(a.tickets.all().flatMap((t) => t.runs));
    const e = now.estimates.build;
    const prices = a.config.value.run.prices;
    for (const model of ['opus', 'fable', 'haiku']) {
      // Priced as the id the alias last ran as, as the form prices it.
      const pricedAs = now.models.find((m) => m.id === model)?.ranAs ?? model;
      assert.strictEqual(e.usdByModel[model], index.usd('build', model, undefined, prices, pricedAs).usd, `build on ${model}`);
      for (const effort of ['low', 'max'] as const) assert.strictEqual(e.usdByEffort[effort]![model], index.usd('build', model, effort, prices, pricedAs).usd, `build on ${model} at ${effort}`);
    }
    assert.ok(Object.values(e.usdByModel).every((usd) => usd > 0), JSON.stringify(e));
  });

  it('custom models and presets from settings are offered', async () => {
    const a = await api();
    await setSetting('customModels', ['opusplan', 'claude-sonnet-4-5@20250929']);
    await setSetting('presets', { Thrifty: { plan: 'haiku', build: 'opusplan' } });
    const s = await waitFor(() => {
      const st = a.form.state();
      return st.models.some((m) => m.id === 'opusplan') && st.presets.some((p) => p.name === 'Thrifty') ? st : undefined;
    }, 'custom models in the form');
    assert.deepStrictEqual(s.models.map((m) => m.id), ['opus', 'sonnet', 'haiku', 'fable', 'opusplan', 'claude-sonnet-4-5@20250929']);
    assert.deepStrictEqual(s.presets.find((p) => p.name === 'Thrifty')?.models, { plan: 'haiku', build: 'opusplan' });
    assert.deepStrictEqual(s.presets.slice(0, 3).map((p) => p.name), ['Balanced', 'Cost-optimized', 'Max quality']);
  });

  it('an invalid setting produces a warning naming it, and only that stage falls back', async () => {
    const a = await api();
    await setSetting('defaultModels', { plan: 'sonet', review: 'haiku' }, vscode.ConfigurationTarget.Workspace);
    const problems = await waitFor(() => {
      const p = a.config.value.problems.filter((x) => x.includes('defaultModels.plan'));
      return p.length ? p : undefined;
    }, 'a settings problem');
    assert.match(problems[0], /workspace settings.*"sonet".*did you mean "sonnet"/);
    const s = a.form.state();
    assert.deepStrictEqual(modelOf(s.defaults.plan), { model: 'opus', source: 'default', sourceLabel: 'built-in default' });
    assert.strictEqual(s.defaults.review.model, 'haiku');
  });

  it('settings of the wrong type are reported, nothing crashes', async () => {
    const a = await api();
    await setSetting('defaultModels', 42);
    await setSetting('customModels', 'opusplan');
    await setSetting('defaultStages', ['plan', 'deploy']);
    const p = await waitFor(() => (a.config.value.problems.length >= 3 ? a.config.value.problems : undefined), 'three problems');
    assert.ok(p.some((x) => /defaultModels.*got number 42/.test(x)), p.join('\n'));
    assert.ok(p.some((x) => /customModels.*expected a list/.test(x)), p.join('\n'));
    assert.ok(p.some((x) => /unknown stage "deploy"/.test(x)), p.join('\n'));
    assert.deepStrictEqual(a.form.state().defaultStages, ['plan']);
  });

  it('a create message from the form stores the ticket and its own choices only', async () => {
    const a = await api();
    const before = a.tickets.store.peekNextId();
    await a.form.handleMessage({ type: 'create', requestId: 1, run: false, draft: { ...draft('From the form', { plan: 'sonnet' }), title: '  padded  ' } });
    const t = a.tickets.get(before)!;
    assert.strictEqual(t.title, 'padded');
    assert.strictEqual(t.stages.plan?.model, 'sonnet');
    assert.strictEqual(t.stages.build?.model, undefined);
  });

  it('the same create request sent twice makes one ticket (the form\'s double click, host side)', async () => {
    const a = await api();
    const before = a.tickets.all().length;
    const msg = { type: 'create', requestId: 77, run: false, draft: draft('Sent twice') };
    await Promise.all([a.form.handleMessage(msg), a.form.handleMessage(msg)]);
    assert.strictEqual(a.tickets.all().length, before + 1);
  });

  it('"Create and run pipeline" creates the ticket and runs its stages', async () => {
    const a = await api();
    const id = a.tickets.store.peekNextId();
    await a.form.handleMessage({ type: 'create', requestId: 2, run: true, draft: draft('Create and run', { merge: 'haiku' }, ['merge']) });
    const t = await waitFor(() => {
      const x = a.tickets.get(id);
      return x && x.runs.length && x.runs[0].status !== 'running' ? x : undefined;
    }, 'the pipeline to run', 60_000);
    assert.deepStrictEqual(t.runs.map((r) => [r.stage, r.modelAsked, r.status]), [['merge', 'haiku', 'succeeded']]);
  });

  it('fuzz: 1,000+ malformed or mutated messages are rejected without exceptions or state changes', async () => {
    const a = await api();
    const rand = (() => {
      let x = 12345;
      return () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    })();
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    // A real own "__proto__" key, as JSON.parse makes it (an object literal would only set the prototype).
    const protoMessage = () => JSON.parse('{"type":"create","requestId":9,"run":false,"__proto__":{"polluted":true},"draft":{"title":"p","description":"","type":"bug","stages":{"__proto__":{"polluted":true}}}}');
    const junk = () => pick<unknown>([null, undefined, 0, -1, 1e308, NaN, '', 'x'.repeat(5000), [], {}, true, { type: 'create' }, '<img src=x onerror=alert(1)>', JSON.parse('{"__proto__":{"polluted":true}}'), Symbol.for('s').toString()]);
    const valid = () => ({ type: 'create', requestId: 3, run: false, draft: draft('ok') }) as Record<string, unknown>;
    const mutate = (): unknown => {
      const m = valid();
      const d = m.draft as Record<string, unknown>;
      switch (Math.floor(rand() * 12)) {
        case 0: return junk();
        case 1: m.type = pick(['creat', 'CREATE', '', 42, null, 'ready ']); return m;
        case 2: d.title = pick(['', '   ', 'x'.repeat(201), 42, null, ['a']]); return m;
        case 3: d.type = pick(['epic', '', 1, null]); return m;
        case 4: (d.stages as Record<string, unknown>).deploy = { enabled: true }; return m;
        case 5: (d.stages as Record<string, unknown>).plan = { enabled: 'yes' }; return m;
        case 6: (d.stages as Record<string, unknown>).plan = { enabled: true, model: pick(['sonet', 'gpt-4o', 'rm -rf /', '', 'a b', '$(touch /tmp/x)']) }; return m;
        case 7: d.stages = pick([null, [], 'plan', 7]); return m;
        case 8: m.run = pick(['true', 1, null]); return m;
        case 9: d.description = pick([5, null, 'x'.repeat(20_001)]); return m;
        case 10: d.folder = 'file:///not/open'; return m;
        default: return { type: pick(['openSettings', 'ready', 'state', 'created']), query: pick([5, 'x'.repeat(300), null]) , id: 'x' };
      }
    };
    const ticketsBefore = a.tickets.all().length;
    const nextBefore = a.tickets.store.peekNextId();
    const rejectedBefore = a.form.rejected;
    const errorsBefore = a.form.errors;
    let sent = 0;
    let schemaRejects = 0;
    for (let i = 0; i < 1500; i++) {
      const msg = mutate();
      const schemaOk = WebviewMessageSchema.safeParse(msg).success;
      // Only messages that must be refused: schema-invalid, or valid shape with an invalid model/folder.
      const d = (msg as { draft?: { stages?: { plan?: { model?: string } }; folder?: string } })?.draft;
      const mustRefuse = !schemaOk || d?.folder === 'file:///not/open' || (d?.stages?.plan?.model !== undefined && !['opus', 'sonnet', 'haiku'].includes(d.stages.plan.model));
      if (!mustRefuse || (schemaOk && (msg as { type: string }).type !== 'create')) continue;
      if (!schemaOk) schemaRejects++;
      await a.form.handleMessage(msg); // must not throw
      sent++;
    }
    assert.ok(sent >= 1000, `only ${sent} messages sent`);
    assert.strictEqual(a.tickets.all().length, ticketsBefore, 'a malformed message changed the tickets');
    assert.strictEqual(a.tickets.store.peekNextId(), nextBefore);
    assert.ok(a.form.rejected - rejectedBefore >= schemaRejects, `rejections logged: ${a.form.rejected - rejectedBefore} < ${schemaRejects}`);
    // handleMessage never throws (it catches), so count what it caught: bad input is a rejection, never an error.
    assert.strictEqual(a.form.errors - errorsBefore, 0, 'a malformed message made the host throw');
    const proto = protoMessage();
    assert.ok(Object.hasOwn(proto, '__proto__'), 'the hostile message has no own __proto__ key');
    await a.form.handleMessage(proto);
    assert.strictEqual(a.form.errors - errorsBefore, 0);
    assert.strictEqual(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
  });
});
