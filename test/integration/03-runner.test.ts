import * as assert from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { PipelineResult } from '../../src/pipeline';
import type { Run } from '../../src/domain/ticket';
import { api, draft, mockControl, mockReset, processesWith, setSetting, stageRequests, waitFor } from './helpers';

/** Stages in the order their first request reached the mock, with the family asked for. */
async function stageOrder(ticketId: number) {
  const seen: Array<[string, string]> = [];
  for (const r of await stageRequests(ticketId)) {
    const last = seen[seen.length - 1];
    if (!last || last[0] !== r.stage || last[1] !== r.family) seen.push([r.stage!, r.family]);
  }
  return seen;
}

describe('stage runner and pipeline with the real Claude CLI (real extension host)', () => {
  beforeEach(() => mockReset());
  afterEach(async () => {
    await mockReset();
    for (const k of ['maxBudgetUsd', 'escalation', 'escalationMode', 'runMode', 'claudePath']) await setSetting(k, undefined);
  });

  it('clarify → plan → build runs haiku → opus → opus, recording models and the CLI\'s costs', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Three stages', {}, ['clarify', 'plan', 'build']));
    const r = await vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.runPipeline', { ticketId: t.id });
    assert.strictEqual(r.status, 'succeeded', JSON.stringify(r));
    assert.deepStrictEqual(await stageOrder(t.id), [['clarify', 'haiku'], ['plan', 'opus'], ['build', 'opus']]);
    const runs = a.tickets.get(t.id)!.runs;
    assert.deepStrictEqual(runs.map((x) => [x.stage, x.modelAsked, x.status]), [['clarify', 'haiku', 'succeeded'], ['plan', 'opus', 'succeeded'], ['build', 'opus', 'succeeded']]);
    assert.match(runs[0].modelRan!, /haiku/);
    assert.match(runs[1].modelRan!, /opus/);
    // The mock reports 1000 input / 200 output tokens; the CLI prices them (haiku $1/$5, opus $5/$25 per MTok).
    assert.ok(Math.abs(runs[0].costUsd! - (1000 * 1 + 200 * 5) / 1e6) < 1e-9, `clarify cost ${runs[0].costUsd}`);
    assert.ok(Math.abs(runs[1].costUsd! - (1000 * 5 + 200 * 25) / 1e6) < 1e-9, `plan cost ${runs[1].costUsd}`);
    for (const run of runs) assert.ok(run.sessionId && run.endedAt && run.exitCode === 0 && run.numTurns === 1);
  });

  it('a failing plan stops the pipeline; build never starts; retry with another model succeeds', async () => {
    const a = await api();
    await mockControl({ failRules: [{ stage: 'plan', family: 'opus' }] });
    const t = await a.tickets.create(draft('Plan fails', {}, ['plan', 'build']));
    const r = await vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.runPipeline', { ticketId: t.id });
    assert.strictEqual(r.status, 'failed');
    assert.strictEqual(r.failedStage, 'plan');
    assert.deepStrictEqual(await stageOrder(t.id), [['plan', 'opus']]);
    const failed = a.tickets.get(t.id)!.runs[0];
    assert.strictEqual(failed.status, 'failed');
    assert.strictEqual(failed.exitCode, 1);
    const retry = await vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.runPipeline', { ticketId: t.id, resume: true, models: { plan: 'sonnet' } });
    assert.strictEqual(retry.status, 'succeeded', JSON.stringify(retry));
    assert.deepStrictEqual(await stageOrder(t.id), [['plan', 'opus'], ['plan', 'sonnet'], ['build', 'opus']]);
  });

  it('automatic escalation re-runs a failed stage on the next model; the ticket records which succeeded', async () => {
    const a = await api();
    await setSetting('escalation', { clarify: ['haiku', 'sonnet', 'opus'] });
    await setSetting('escalationMode', 'auto');
    await mockControl({ failRules: [{ stage: 'clarify', family: 'haiku' }, { stage: 'clarify', family: 'sonnet' }] });
    const t = await a.tickets.create(draft('Escalate', {}, ['clarify']));
    await waitFor(() => a.config.value.run.escalationMode === 'auto', 'setting');
    const r = await vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.runPipeline', { ticketId: t.id });
    assert.strictEqual(r.status, 'succeeded');
    assert.deepStrictEqual(await stageOrder(t.id), [['clarify', 'haiku'], ['clarify', 'sonnet'], ['clarify', 'opus']]);
    assert.deepStrictEqual(a.tickets.get(t.id)!.runs.map((x) => [x.modelAsked, x.status]), [['haiku', 'failed'], ['sonnet', 'failed'], ['opus', 'succeeded']]);
  });

  it('a capped run ends "budget exceeded" and says how much it spent', async () => {
    const a = await api();
    await setSetting('maxBudgetUsd', { clarify: 0.01 });
    await mockControl({ usage: { input_tokens: 200_000, output_tokens: 5_000 } });
    await waitFor(() => a.config.value.run.maxBudgetUsd.clarify === 0.01, 'setting');
    const t = await a.tickets.create(draft('Capped', {}, ['clarify']));
    const run = await vscode.commands.executeCommand<Run>('sdlcPipeline.runClarifyStage', { ticketId: t.id });
    assert.strictEqual(run.status, 'budget-exceeded', JSON.stringify(run));
    assert.ok(run.costUsd! > 0.01);
    assert.match(run.message!, /budget cap after spending \$0\.\d+/);
  });

  it('Stop kills the CLI process tree; the run ends cancelled', async () => {
    const a = await api();
    await mockControl({ delayMs: 60_000 });
    const t = await a.tickets.create(draft('Long run', {}, ['build']));
    const pending = vscode.commands.executeCommand<Run>('sdlcPipeline.runBuildStage', { ticketId: t.id });
    await waitFor(async () => (await stageRequests(t.id)).length > 0, 'the CLI to call the API');
    const sessionId = a.tickets.get(t.id)!.runs[0].sessionId!;
    assert.ok(processesWith(sessionId).length > 0, 'the CLI process is not running');
    assert.ok(a.runner.isRunning(t.id, 'build'));
    await vscode.commands.executeCommand('sdlcPipeline.stopStage', { ticketId: t.id, stage: 'build' });
    const run = await pending;
    assert.strictEqual(run.status, 'cancelled');
    await waitFor(() => processesWith(sessionId).length === 0, 'the CLI process to exit', 10_000);
    assert.ok(!a.runner.isRunning(t.id, 'build'));
  });

  it('runs left "running" by a closed window become "interrupted" on activation', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Interrupted', {}, ['plan']));
    await a.tickets.update(t.id, (x) => void x.runs.push({ id: 'stale', stage: 'plan', mode: 'headless', modelAsked: 'opus', startedAt: Date.now() - 1000, status: 'running' }));
    assert.strictEqual(await a.runner.markInterrupted(), 1);
    assert.strictEqual(a.tickets.get(t.id)!.runs[0].status, 'interrupted');
  });

  it('hostile titles and descriptions are never executed and reach the CLI intact, in every stage', async () => {
    const a = await api();
    const marker = `/tmp/sdlc-pwned-${process.pid}`;
    const title = `Fix $(touch ${marker}) \`touch ${marker}\`; echo "quoted" 'single' && touch ${marker}`;
    const description = `Line one\n$(touch ${marker})\n\`rm -rf ~\`; "; touch ${marker}; echo '\n|| touch ${marker} ${'$'}{HOME}`;
    const t = await a.tickets.create({ ...draft(title), description });
    const r = await vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.runPipeline', { ticketId: t.id });
    assert.strictEqual(r.status, 'succeeded', JSON.stringify(r));
    assert.strictEqual(r.runs.length, 7);
    assert.ok(!existsSync(marker), `${marker} exists: something executed ticket text`);
    const reqs = await stageRequests(t.id);
    assert.deepStrictEqual([...new Set(reqs.map((x) => x.stage))], ['clarify', 'plan', 'build', 'test', 'review', 'document', 'merge']);
    for (const req of reqs) {
      assert.ok(req.system!.includes(title), 'title did not reach the CLI intact');
      assert.ok(req.system!.includes(description), 'description did not reach the CLI intact');
      assert.ok(!req.prompt!.includes('touch'), 'ticket text was on the command line');
    }
    const file = readFileSync(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, `.sdlc/tickets/${t.id}/ticket.md`).fsPath, 'utf8');
    assert.ok(file.includes(title) && file.includes(description));
  });

  it('interactive mode starts the real TUI in the terminal with the chosen model', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Interactive', { review: 'haiku' }, ['review']));
    const pending = vscode.commands.executeCommand<Run>('sdlcPipeline.runStage', { ticketId: t.id, stage: 'review', mode: 'interactive' });
    const reqs = await waitFor(async () => {
      const r = await stageRequests(t.id);
      return r.length ? r : undefined;
    }, 'the TUI to call the API', 60_000);
    assert.strictEqual(reqs[0].family, 'haiku');
    assert.strictEqual(reqs[0].stage, 'review');
    const term = vscode.window.terminals.find((x) => x.name === `SDLC #${t.id} · Review · haiku`);
    assert.ok(term, `terminal not found: ${vscode.window.terminals.map((x) => x.name).join(', ')}`);
    await vscode.commands.executeCommand('sdlcPipeline.stopStage', { ticketId: t.id, stage: 'review' });
    const run = await pending;
    assert.strictEqual(run.status, 'cancelled');
    assert.strictEqual(run.mode, 'interactive');
  });

  it('Resume Stage Session opens `claude --resume <session>` of a finished headless run', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Resume me', {}, ['document']));
    const run = await vscode.commands.executeCommand<Run>('sdlcPipeline.runDocumentStage', { ticketId: t.id });
    assert.strictEqual(run.status, 'succeeded');
    const term = await vscode.commands.executeCommand<vscode.Terminal>('sdlcPipeline.resumeSession', { ticketId: t.id, stage: 'document' });
    assert.ok(term, 'no terminal');
    const opts = term.creationOptions as vscode.TerminalOptions;
    assert.deepStrictEqual(opts.shellArgs, ['--model', 'sonnet', `--resume=${run.sessionId}`, '--permission-mode', 'acceptEdits']);
    assert.match(term.name, /SDLC #\d+ · Document · claude-sonnet.* · resumed/);
    term.dispose();
  });

  it('no claude at claudePath → a clear error and no run record', async () => {
    const a = await api();
    await setSetting('claudePath', '/nonexistent/claude');
    await waitFor(() => a.config.value.run.claudePath === '/nonexistent/claude', 'setting');
    const t = await a.tickets.create(draft('No CLI', {}, ['plan']));
    const run = await vscode.commands.executeCommand<Run | undefined>('sdlcPipeline.runPlanStage', { ticketId: t.id });
    assert.strictEqual(run, undefined);
    assert.strictEqual(a.tickets.get(t.id)!.runs.length, 0);
  });

  it('Change Stage Model with arguments validates and persists', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Change model', {}, ['plan']));
    const choice = await vscode.commands.executeCommand('sdlcPipeline.changeStageModel', { ticketId: t.id, stage: 'plan', model: 'haiku' });
    assert.deepStrictEqual(choice, { enabled: true, model: 'haiku' });
    assert.strictEqual(a.tickets.get(t.id)!.stages.plan?.model, 'haiku');
    await vscode.commands.executeCommand('sdlcPipeline.changeStageModel', { ticketId: t.id, stage: 'plan', model: 'hiaku' });
    assert.strictEqual(a.tickets.get(t.id)!.stages.plan?.model, 'haiku', 'an invalid model was stored');
    await vscode.commands.executeCommand('sdlcPipeline.changeStageModel', { ticketId: t.id, stage: 'nope', model: 'opus' });
    assert.strictEqual(a.tickets.get(t.id)!.stages.plan?.model, 'haiku');
  });
});
