import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { api, draft, EXTENSION_ID, stageRequests } from './helpers';

describe('activation and the thin slice (real extension host)', () => {
  it('activates and contributes the SDLC commands', async () => {
    await api();
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
    const cmds = await vscode.commands.getCommands(true);
    for (const c of ['sdlcPipeline.runStage', 'sdlcPipeline.runPipeline', 'sdlcPipeline.changeStageModel', 'sdlcPipeline.runPlanStage']) {
      assert.ok(cmds.includes(c), `missing command ${c}`);
    }
  });

  it('a created ticket is stored in workspaceState, one key per ticket', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Stored ticket', { plan: 'sonnet' }));
    const memento = a.tickets.memento;
    const record = memento.get<{ v: number; data: { id: number; stages: { plan: { model: string } } } }>(`sdlcPipeline.ticket.${t.id}`);
    assert.strictEqual(record?.v, 2);
    assert.strictEqual(record?.data.id, t.id);
    assert.strictEqual(record?.data.stages.plan.model, 'sonnet');
    assert.deepStrictEqual(memento.get('sdlcPipeline.index'), { v: 1, data: { nextId: t.id + 1 } });
  });

  it('Run Plan Stage launches the real CLI with --model from the ticket (mock API log)', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Thin slice', { plan: 'sonnet' }, ['plan']));
    const run = await vscode.commands.executeCommand<{ status: string; modelRan?: string; costUsd?: number }>('sdlcPipeline.runPlanStage', { ticketId: t.id });
    assert.ok(run, 'no run record');
    assert.strictEqual(run.status, 'succeeded', JSON.stringify(run));
    const reqs = await stageRequests(t.id);
    assert.ok(reqs.length >= 1, 'the CLI sent no stage request to the mock API');
    assert.ok(reqs.every((r) => r.family === 'sonnet'), `families: ${reqs.map((r) => r.model)}`);
    assert.match(run.modelRan ?? '', /sonnet/);
    assert.ok((run.costUsd ?? 0) > 0, 'no cost recorded');
  });
});
