/**
 * Per stage: the model of its sub-agents and its effort, proven in the mock's request log with the
 * real CLI: Plan runs on Opus and its sub-agent (the Agent tool) on Haiku; a stage's effort
 * arrives as the request's `output_config.effort`.
 */
import * as assert from 'node:assert';
import { api, draft, mockControl, mockLog, mockReset, setSetting } from './helpers';

interface Logged {
  at: number;
  family: string;
  ticket?: number;
  stage?: string;
  tools: number;
  toolNames?: string[];
  effort?: string;
  agent?: boolean;
  stream: boolean;
}

describe('sub-agent model and effort per stage (real CLI, request log)', () => {
  beforeEach(() => mockReset());
  afterEach(async () => {
    await mockReset();
    for (const k of ['defaultSubagentModels', 'defaultEfforts']) await setSetting(k, undefined);
  });

  it('Plan on Opus starts a sub-agent that asks for Haiku (the built-in); the run records it and splits the cost by model', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Plan with a sub-agent', {}, ['plan']));
    await mockControl({ agents: [{ stage: 'plan' }] });
    const run = (await a.runner.run({ ticketId: t.id, stage: 'plan' }))!;
    assert.strictEqual(run.status, 'succeeded', JSON.stringify(run));
    const log = (await mockLog()) as unknown as Logged[];
    const main = log.filter((q) => q.ticket === t.id);
    assert.ok(main.some((q) => q.agent), 'the plan stage never started a sub-agent');
    assert.deepStrictEqual([...new Set(main.map((q) => q.family))], ['opus'], 'the main loop did not ask for Opus');
    // The sub-agent: tool-using requests without our system-prompt marker, between the first and last main request.
    const first = Math.min(...main.map((q) => q.at));
    const last = Math.max(...main.map((q) => q.at));
    const sub = log.filter((q) => q.at >= first && q.at <= last && q.tools > 0 && q.ticket === undefined);
    assert.ok(sub.length > 0, `no sub-agent request: ${JSON.stringify(log.map((q) => [q.family, q.stage, q.tools]))}`);
    assert.deepStrictEqual([...new Set(sub.map((q) => q.family))], ['haiku']);
    assert.strictEqual(run.subagentModel, 'haiku');
    const models = Object.keys(run.modelUsage ?? {});
    assert.ok(models.some((m) => /opus/.test(m)) && models.some((m) => /haiku/.test(m)), `modelUsage ${JSON.stringify(run.modelUsage)}`);
    const row = a.tree.getTreeItem({ kind: 'stage', ticketId: t.id, stage: 'plan' });
    assert.match(String(row.description), /^opus · sub-agents haiku/);
    // The tooltip splits the stage's cost: the main loop on Opus first, its sub-agents on Haiku.
    const tip = (row.tooltip as { value: string }).value.replace(/&nbsp;/g, ' ').replace(/\\([()])/g, '$1');
    assert.match(tip, /By model: claude-opus[\w.-]* \$[\d.]+ \(main\) · claude-haiku[\w.-]* \$[\d.]+ \(sub-agents\)/);
  });

  it('a ticket\'s own sub-agent model beats the built-in; each stage sends its effort', async () => {
    const a = await api();
    // (Haiku has no effort levels: the CLI sends none for it, so the efforts go to the Opus stages.)
    await setSetting('defaultEfforts', { plan: 'low', build: 'max' });
    const t = await a.tickets.create(draft('Efforts', {}, ['clarify', 'plan', 'build']));
    await a.tickets.update(t.id, (tt) => {
      tt.stages.plan = { enabled: true, subagentModel: 'sonnet' };
    });
    await mockControl({ agents: [{ stage: 'plan' }] });
    const r = await a.pipeline.run(t.id, { quiet: true });
    assert.strictEqual(r.status, 'succeeded', JSON.stringify(r));
    const log = (await mockLog()) as unknown as Logged[];
    const effortOf = (stage: string) => [...new Set(log.filter((q) => q.ticket === t.id && q.stage === stage).map((q) => q.effort ?? 'none'))];
    assert.deepStrictEqual(effortOf('plan'), ['low']);
    assert.deepStrictEqual(effortOf('build'), ['max']);
    assert.deepStrictEqual(effortOf('clarify'), ['none']);
    const plan = log.filter((q) => q.ticket === t.id && q.stage === 'plan');
    const sub = log.filter((q) => q.at >= Math.min(...plan.map((q) => q.at)) && q.at <= Math.max(...plan.map((q) => q.at)) && q.tools > 0 && q.ticket === undefined);
    assert.deepStrictEqual([...new Set(sub.map((q) => q.family))], ['sonnet']);
    const runs = a.tickets.get(t.id)!.runs;
    assert.deepStrictEqual(runs.map((x) => [x.stage, x.effort ?? null, x.subagentModel ?? null]), [['clarify', null, null], ['plan', 'low', 'sonnet'], ['build', 'max', null]]);
  });
});
