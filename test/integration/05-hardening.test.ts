/**
 * The safety promises, each against the attack that broke it (issue 9), in the real host with
 * the real CLI (or a stand-in where the real one cannot misbehave on demand).
 */
import * as assert from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PipelineResult } from '../../src/pipeline';
import { FormStateSchema } from '../../src/protocol';
import type { Run } from '../../src/domain/ticket';
import { api, draft, fakeCli, mockControl, modelOf, mockReset, processesWith, processState, setSetting, stageRequests, waitFor } from './helpers';

const RUN_SETTINGS = ['projectClaudeSettings', 'maxBudgetUsd', 'maxTicketBudgetUsd', 'escalation', 'escalationMode', 'claudePath', 'prices', 'customModels', 'defaultModels'];

/** Collects what the runner writes to the terminals of one ticket. */
async function terminalOutput(ticketId: number, body: () => Promise<unknown>): Promise<string> {
  const a = await api();
  let out = '';
  const sub = a.runner.onDidWriteTerminal((e) => {
    if (e.ticketId === ticketId) out += e.data;
  });
  try {
    await body();
  } finally {
    sub.dispose();
  }
  return out;
}

/** The refusal messages shown while `body` runs. */
async function refusals(body: () => PromiseLike<unknown>): Promise<string[]> {
  const a = await api();
  const seen: string[] = [];
  const sub = a.runner.onDidRefuse((e) => seen.push(e.message));
  try {
    await body();
  } finally {
    sub.dispose();
  }
  return seen;
}

describe('safety promises under attack (real extension host)', () => {
  beforeEach(() => mockReset());
  afterEach(async () => {
    await mockReset();
    for (const k of RUN_SETTINGS) {
      await setSetting(k, undefined, vscode.ConfigurationTarget.Global);
      // claudePath (machine) and prices (application) can only be written to user settings.
      if (!['claudePath', 'prices', 'projectClaudeSettings'].includes(k)) await setSetting(k, undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('interactive and resumed launches keep ticket text off the command line too (terminal shellArgs)', async () => {
    const a = await api();
    const title = 'Fix $(touch /tmp/sdlc-pwned-shellargs) `id`; "q" && rm -rf ~';
    const description = 'Desc $(whoami) and \'quotes\'';
    const t = await a.tickets.create({ ...draft(title, { review: 'haiku', document: 'haiku' }, ['review', 'document']), description });
    const pending = a.runner.run({ ticketId: t.id, stage: 'review', mode: 'interactive' });
    const term = await waitFor(() => vscode.window.terminals.find((x) => x.name === `SDLC #${t.id} · Review · haiku`), 'the interactive terminal');
    const interactiveArgs = ((term.creationOptions as vscode.TerminalOptions).shellArgs ?? []) as string[];
    assert.ok(interactiveArgs.includes('--model') && interactiveArgs.includes('--'), JSON.stringify(interactiveArgs));
    a.runner.stop(t.id, 'review');
    await pending;
    const headless = await a.runner.run({ ticketId: t.id, stage: 'document' });
    assert.strictEqual(headless?.status, 'succeeded');
    const resumed = await vscode.commands.executeCommand<vscode.Terminal>('sdlcPipeline.resumeSession', { ticketId: t.id, stage: 'document' });
    const resumeArgv = ((resumed.creationOptions as vscode.TerminalOptions).shellArgs ?? []) as string[];
    resumed.dispose();
    for (const [what, argv] of [['interactive', interactiveArgs], ['resume', resumeArgv]] as const) {
      const line = argv.join(' ');
      for (const piece of ['touch', 'rm -rf', 'whoami', title.slice(0, 10)]) assert.ok(!line.includes(piece), `${what} argv carries ticket text (${piece}): ${line}`);
    }
  });

  it('the same stage started twice in one tick starts one CLI; Stop then leaves none', async () => {
    const a = await api();
    await mockControl({ delayMs: 60_000 });
    const t = await a.tickets.create(draft('Double start', {}, ['build']));
    const pids: Array<number | undefined> = [];
    const sub = a.runner.onDidSpawn((e) => e.ticketId === t.id && pids.push(e.pid));
    const first = a.runner.run({ ticketId: t.id, stage: 'build' });
    const second = a.runner.run({ ticketId: t.id, stage: 'build' });
    assert.strictEqual(await second, undefined, 'the second start was not refused');
    await waitFor(async () => (await stageRequests(t.id)).length > 0, 'the CLI to call the API');
    const sessionId = a.tickets.get(t.id)!.runs[0].sessionId!;
    assert.strictEqual(a.tickets.get(t.id)!.runs.length, 1);
    assert.strictEqual(processesWith(sessionId).length, 1);
    assert.ok(a.runner.stop(t.id, 'build'));
    const run = await first;
    sub.dispose();
    assert.strictEqual(run?.status, 'cancelled');
    assert.strictEqual(pids.length, 1, `spawned ${pids.length} CLIs`);
    await waitFor(() => processesWith(sessionId).length === 0, 'no CLI left', 10_000);
  });

  it('escalation walks the chain once: a chain with a repeated model is refused; an always-failing stage launches at most the chain', async () => {
    const a = await api();
    await setSetting('escalation', { clarify: ['sonnet', 'sonnet'] });
    await setSetting('escalationMode', 'auto');
    await waitFor(() => a.config.value.problems.some((p) => p.includes('escalation.clarify')), 'a warning about the repeated model');
    assert.strictEqual(a.config.value.run.escalation.clarify, undefined);

    await setSetting('escalation', { clarify: ['haiku', 'sonnet', 'opus'] });
    await waitFor(() => a.config.value.run.escalation.clarify?.length === 3, 'the chain');
    await mockControl({ failStages: ['clarify'] });
    const t = await a.tickets.create(draft('Always fails', {}, ['clarify', 'plan']));
    const r = await vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.runPipeline', { ticketId: t.id });
    assert.strictEqual(r.status, 'failed');
    assert.deepStrictEqual(r.runs.map((x) => x.modelAsked), ['haiku', 'sonnet', 'opus']);
    const families = [...new Set((await stageRequests(t.id)).map((x) => `${x.stage}:${x.family}`))];
    assert.deepStrictEqual(families, ['clarify:haiku', 'clarify:sonnet', 'clarify:opus']);
  });

  it('a whole-ticket cap stops the pipeline and its escalations once the recorded spend reaches it', async () => {
    const a = await api();
    await setSetting('maxTicketBudgetUsd', 0.001);
    await waitFor(() => a.config.value.run.maxTicketBudgetUsd === 0.001, 'setting');
    const t = await a.tickets.create(draft('Capped ticket', {}, ['clarify', 'plan', 'build']));
    const r = await vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.runPipeline', { ticketId: t.id });
    assert.strictEqual(r.runs.length, 1, JSON.stringify(r));
    assert.notStrictEqual(r.status, 'succeeded');
    assert.deepStrictEqual([...new Set((await stageRequests(t.id)).map((x) => x.stage))], ['clarify']);
    const seen = await refusals(() => vscode.commands.executeCommand('sdlcPipeline.runPlanStage', { ticketId: t.id }));
    assert.ok(seen.some((m) => /reaches its cap of \$0\.0010/.test(m)), seen.join('\n'));
    assert.strictEqual(a.tickets.get(t.id)!.runs.length, 1);
  });

  it('terminal escape sequences in the CLI output never reach the terminal; the real summary is the last line', async () => {
    const a = await api();
    const evil = [
      'hello',
      '\x1b]52;c;ZWNobyBwd25lZA==\x07', // OSC 52: write the clipboard
      '\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07', // OSC 8 link
      '\x1b]0;fake title\x07',
      '\x1b[2J\x1b[H', // clear screen, cursor home
      '\r\x1b[32m\x1b[1m■ Clarify succeeded · model claude-opus-9 · $0.00\x1b[0m', // a forged summary
      '\u009b31m', // 8-bit CSI
      'world',
    ].join(' ');
    await mockControl({ text: evil });
    const t = await a.tickets.create(draft('Escapes', {}, ['clarify']));
    let run: Run | undefined;
    const out = await terminalOutput(t.id, async () => (run = await a.runner.run({ ticketId: t.id, stage: 'clarify' })));
    assert.strictEqual(run?.status, 'succeeded');
    assert.ok(out.includes('hello') && out.includes('world'), 'the text itself was lost');
    // Our own colours are the only escape sequences left.
    const ours = out.replace(/\x1b\[(?:0|1|2|31|32|33|36)m/g, '');
    assert.ok(!/[\x1b\x07\x9b\x9d]/.test(ours), `a control sequence reached the terminal: ${JSON.stringify(ours.slice(0, 400))}`);
    assert.ok(!/\r(?!\n)/.test(out), 'a bare carriage return reached the terminal');
    const lines = out.split('\r\n').filter((l) => l.trim());
    const summary = lines.findIndex((l) => l.includes('■ Clarify succeeded · model claude-haiku'));
    assert.ok(summary >= 0, 'no real summary line');
    assert.strictEqual(summary, lines.length - 1, `the real summary is not the last line: ${JSON.stringify(lines.slice(-3))}`);
    const forged = lines.find((l) => l.includes('claude-opus-9'));
    assert.ok(forged && !forged.includes('\x1b[32m'), 'the forged line kept its colours');
  });

  it('a ticket file planted as a symlink is never written through: the victim is unchanged and the user is told why', async () => {
    const a = await api();
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const victim = path.join(path.dirname(root), `victim-${Date.now()}.txt`);
    writeFileSync(victim, 'original');
    const t = await a.tickets.create(draft('Symlinked', {}, ['plan']));
    const dir = path.join(root, '.sdlc', 'tickets', String(t.id));
    mkdirSync(dir, { recursive: true });
    symlinkSync('../../../../' + path.basename(victim), path.join(dir, 'ticket.md'));
    assert.strictEqual(readFileSync(path.join(dir, 'ticket.md'), 'utf8'), 'original', 'the planted link does not reach the victim');
    const seen = await refusals(() => a.runner.run({ ticketId: t.id, stage: 'plan' }));
    assert.ok(seen.some((m) => m.includes('symbolic link')), seen.join('\n'));
    await vscode.commands.executeCommand('sdlcPipeline.openTicketFile', { ticketId: t.id });
    assert.strictEqual(readFileSync(victim, 'utf8'), 'original', 'the victim was overwritten');
    assert.deepStrictEqual(await stageRequests(t.id), []);
    assert.strictEqual(a.tickets.get(t.id)!.runs.length, 0);

    // A linked folder on the way is refused too.
    const t2 = await a.tickets.create(draft('Linked folder', {}, ['plan']));
    const outside = path.join(path.dirname(root), `outside-${Date.now()}`);
    mkdirSync(outside);
    symlinkSync(outside, path.join(root, '.sdlc', 'tickets', String(t2.id)));
    const seen2 = await refusals(() => a.runner.run({ ticketId: t2.id, stage: 'plan' }));
    assert.ok(seen2.some((m) => m.includes('symbolic link')), seen2.join('\n'));
    assert.ok(!existsSync(path.join(outside, 'ticket.md')), 'a ticket file was written outside the workspace');
  });

  it('workspace settings can lower the user\'s spending caps but never raise or remove them', async () => {
    const a = await api();
    await setSetting('maxBudgetUsd', { build: 5, plan: 3 }, vscode.ConfigurationTarget.Global);
    await setSetting('maxBudgetUsd', { build: 100000, plan: 1 }, vscode.ConfigurationTarget.Workspace);
    await setSetting('maxTicketBudgetUsd', 10, vscode.ConfigurationTarget.Global);
    await setSetting('maxTicketBudgetUsd', 100000, vscode.ConfigurationTarget.Workspace);
    const run = await waitFor(() => {
      const r = a.config.value.run;
      return r.maxBudgetUsd.plan === 1 && r.maxTicketBudgetUsd !== undefined ? r : undefined;
    }, 'both scopes');
    assert.deepStrictEqual({ ...run.maxBudgetUsd }, { build: 5, plan: 1 });
    assert.strictEqual(run.maxTicketBudgetUsd, 10);
  });

  it('a CLI reporting out-of-range numbers cannot leave a stage stuck "running"', async () => {
    const a = await api();
    const cli = fakeCli('claude', [
      `echo '{"type":"system","subtype":"init","model":"claude-haiku-4-5","session_id":"x"}'`,
      `echo '{"type":"result","subtype":"success","is_error":false,"total_cost_usd":-5,"num_turns":1.5,"duration_ms":-1,"usage":{"input_tokens":-3}}'`,
      'exit 0',
    ].join('\n'));
    await setSetting('claudePath', cli);
    await waitFor(() => a.config.value.run.claudePath === cli, 'setting');
    const t = await a.tickets.create(draft('Bad numbers', {}, ['clarify']));
    const run = await a.runner.run({ ticketId: t.id, stage: 'clarify' });
    assert.ok(run, 'no run');
    assert.strictEqual(run.status, 'failed');
    assert.strictEqual(run.costUsd, undefined);
    assert.ok((run.malformedLines ?? 0) >= 1, 'the bad result line was not counted');
    assert.strictEqual(a.runner.isRunning(t.id), false);
    assert.strictEqual(a.tickets.get(t.id)!.runs[0].status, 'failed');
  });

  it('closing the window ends a CLI that ignores SIGTERM before dispose returns', async () => {
    const a = await api();
    const cli = fakeCli('claude', `trap '' TERM\necho '{"type":"system","subtype":"init","model":"claude-haiku-4-5"}'\nexec sleep 600`);
    await setSetting('claudePath', cli);
    await waitFor(() => a.config.value.run.claudePath === cli, 'setting');
    const t = await a.tickets.create(draft('Stubborn', {}, ['clarify']));
    const spawned = new Promise<number | undefined>((resolve) => {
      const sub = a.runner.onDidSpawn((e) => e.ticketId === t.id && (sub.dispose(), resolve(e.pid)));
    });
    const pending = a.runner.run({ ticketId: t.id, stage: 'clarify' });
    const pid = await spawned;
    assert.ok(pid, 'no pid');
    await waitFor(() => processState(pid) === 'S', 'the stand-in to sleep');
    assert.strictEqual(a.runner.stopAll(), 1);
    // SIGKILL was sent before stopAll returned; the kernel ends the process a moment later. The old
    // code only sent it from a 3 s timer that dies with the host, so 500 ms tells the two apart.
    const gone = await waitFor(() => {
      const st = processState(pid);
      return st === undefined || st === 'Z' ? 'gone' : undefined;
    }, 'the CLI to die after SIGKILL', 500).catch(() => undefined);
    assert.ok(gone, `the CLI is still alive (${processState(pid)}) 500 ms after stopAll returned`);
    const run = await pending;
    assert.strictEqual(run?.status, 'cancelled');
  });

  it('an import with a huge ticket number is renumbered, and new tickets can still be created', async () => {
    const a = await api();
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'huge-id.json');
    const now = Date.now();
    const ticket = { id: 9007199254740991, title: 'Huge', description: '', type: 'bug', createdAt: now, updatedAt: now, archived: false, stages: {}, runs: [] };
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify({ format: 'sdlc-pipeline-tickets', version: 1, exportedAt: now, tickets: [ticket] })));
    const r = await vscode.commands.executeCommand<{ imported: Array<{ id: number }>; renumbered: Array<[number, number]> }>('sdlcPipeline.importTickets', { uri: file.toString() });
    assert.ok(r.imported[0].id < 1e9, `imported as #${r.imported[0].id}`);
    assert.deepStrictEqual(r.renumbered[0][0], 9007199254740991);
    const next = await a.tickets.create(draft('After huge'));
    assert.ok(Number.isSafeInteger(next.id + 1) && next.id === r.imported[0].id + 1);
  });

  it('an import whose run carries a session id that is not a UUID is refused whole', async () => {
    const a = await api();
    const before = a.tickets.all().length;
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'hostile-session.json');
    const now = Date.now();
    const run = { id: 'r1', stage: 'plan', mode: 'headless', modelAsked: 'opus', startedAt: now, status: 'succeeded', sessionId: '--settings={"hooks":{}}' };
    const ticket = { id: 1, title: 'Hostile', description: '', type: 'bug', createdAt: now, updatedAt: now, archived: false, stages: {}, runs: [run] };
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify({ format: 'sdlc-pipeline-tickets', version: 1, exportedAt: now, tickets: [ticket] })));
    const r = await vscode.commands.executeCommand('sdlcPipeline.importTickets', { uri: file.toString() });
    assert.strictEqual(r, undefined);
    assert.strictEqual(a.tickets.all().length, before);
    assert.match(JSON.stringify(a.tickets.parseImport(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)))), /tickets\[0\]\.runs\[0\]\.sessionId is not a session id/);
  });

  it('prices of 1e308 and models named after Object.prototype members still give a finite, valid form state and cost report', async () => {
    const a = await api();
    await setSetting('prices', { sonnet: { input: 1e308, output: 1e308, cacheWrite: 1e308, cacheRead: 1e308 } });
    await setSetting('customModels', ['constructor', 'toString', '__proto__', 'hasOwnProperty']);
    await waitFor(() => a.config.value.models.customModels.includes('toString'), 'settings');
    const state = a.form.state();
    assert.ok(FormStateSchema.safeParse(JSON.parse(JSON.stringify(state))).success, 'the form state does not survive postMessage');
    for (const e of Object.values(state.estimates)) for (const usd of Object.values(e.usdByModel)) assert.ok(Number.isFinite(usd), `estimate ${usd}`);
    assert.ok(state.models.some((m) => m.id === 'constructor'));

    const t = await a.tickets.create(draft('Prototype keys', {}, ['plan']));
    await a.tickets.update(t.id, (x) => void x.runs.push({
      id: 'r-proto', stage: 'plan', mode: 'headless', modelAsked: 'toString', startedAt: Date.now(), status: 'succeeded', costUsd: 3,
      modelUsage: JSON.parse('{"toString":{"costUSD":1},"constructor":{"costUSD":1},"__proto__":{"costUSD":1}}'),
    }));
    const csv = a.costReport.csv();
    assert.match(csv, /toString/);
    assert.strictEqual(({} as Record<string, unknown>).costUSD, undefined, 'Object.prototype was polluted');
    await vscode.commands.executeCommand('sdlcPipeline.showCostReport');
  });

  it('deleting a ticket while its pipeline runs stops it first; nothing crashes and no CLI is left', async () => {
    const a = await api();
    await mockControl({ delayMs: 60_000 });
    const t = await a.tickets.create(draft('Delete me mid-run', {}, ['plan', 'build']));
    const pending = vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.runPipeline', { ticketId: t.id });
    await waitFor(async () => (await stageRequests(t.id)).length > 0, 'the CLI to call the API');
    const sessionId = a.tickets.get(t.id)!.runs[0].sessionId!;
    assert.strictEqual(await vscode.commands.executeCommand('sdlcPipeline.deleteTicket', { ticketId: t.id, confirm: true }), true);
    const r = await pending;
    assert.strictEqual(r.status, 'cancelled');
    assert.strictEqual(a.tickets.get(t.id), undefined);
    await waitFor(() => processesWith(sessionId).length === 0, 'no CLI left', 10_000);
    assert.ok(!(await stageRequests(t.id)).some((x) => x.stage === 'build'), 'build started after the delete');
  });

  it('a repository\'s own .claude/settings.json hook runs only when the user lets it (projectClaudeSettings)', async () => {
    const a = await api();
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const marker = path.join(path.dirname(root), `hook-ran-${Date.now()}`);
    mkdirSync(path.join(root, '.claude'), { recursive: true });
    writeFileSync(path.join(root, '.claude', 'settings.json'), JSON.stringify({ hooks: { SessionStart: [{ hooks: [{ type: 'command', command: `touch ${marker}` }] }] } }));
    try {
      await setSetting('projectClaudeSettings', 'ignore');
      await waitFor(() => a.config.value.run.projectClaudeSettings === 'ignore', 'setting');
      const t = await a.tickets.create(draft('Project hooks', {}, ['clarify']));
      assert.strictEqual((await a.runner.run({ ticketId: t.id, stage: 'clarify' }))?.status, 'succeeded');
      assert.ok(!existsSync(marker), 'the repository\'s hook ran although its settings were to be ignored');

      await setSetting('projectClaudeSettings', 'load');
      await waitFor(() => a.config.value.run.projectClaudeSettings === 'load', 'setting');
      assert.strictEqual((await a.runner.run({ ticketId: t.id, stage: 'clarify' }))?.status, 'succeeded');
      await waitFor(() => existsSync(marker), 'the hook to run when the user chose to load project settings', 10_000);
    } finally {
      rmSync(path.join(root, '.claude'), { recursive: true, force: true });
    }
  });

  it('multi-root: the form and the runner resolve a ticket\'s models from its own folder (folder > workspace > user)', async () => {
    const a = await api();
    const [folderA, folderB] = vscode.workspace.workspaceFolders!;
    assert.ok(folderB, 'the integration workspace has two folders');
    await setSetting('defaultModels', { plan: 'opus', build: 'haiku' }, vscode.ConfigurationTarget.Global);
    await setSetting('defaultModels', { plan: 'sonnet' }, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('sdlcPipeline', folderB.uri).update('defaultModels', { plan: 'haiku' }, vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      await a.form.handleMessage({ type: 'selectFolder', folder: folderB.uri.toString() });
      const sB = await waitFor(() => (a.form.state().defaults.plan.model === 'haiku' ? a.form.state() : undefined), 'folder B defaults');
      assert.strictEqual(sB.folder, folderB.uri.toString());
      assert.deepStrictEqual(modelOf(sB.defaults.plan), { model: 'haiku', source: 'workspaceFolder', sourceLabel: 'folder settings' });
      assert.deepStrictEqual(modelOf(sB.defaults.build), { model: 'haiku', source: 'user', sourceLabel: 'user settings' });
      await a.form.handleMessage({ type: 'selectFolder', folder: folderA.uri.toString() });
      assert.deepStrictEqual(modelOf(a.form.state().defaults.plan), { model: 'sonnet', source: 'workspace', sourceLabel: 'workspace settings' });

      // The ticket's own choice beats the folder's setting.
      const own = await a.tickets.create({ ...draft('Own choice in folder B', { plan: 'opus' }, ['plan']), folder: folderB.uri.toString() });
      assert.strictEqual((await a.runner.run({ ticketId: own.id, stage: 'plan' }))?.status, 'succeeded');
      assert.deepStrictEqual([...new Set((await stageRequests(own.id)).map((r) => r.family))], ['opus']);
      const tB = await a.tickets.create({ ...draft('In folder B', {}, ['plan']), folder: folderB.uri.toString() });
      const tA = await a.tickets.create({ ...draft('In folder A', {}, ['plan']), folder: folderA.uri.toString() });
      assert.strictEqual((await a.runner.run({ ticketId: tB.id, stage: 'plan' }))?.status, 'succeeded');
      assert.strictEqual((await a.runner.run({ ticketId: tA.id, stage: 'plan' }))?.status, 'succeeded');
      assert.deepStrictEqual([...new Set((await stageRequests(tB.id)).map((r) => r.family))], ['haiku']);
      assert.deepStrictEqual([...new Set((await stageRequests(tA.id)).map((r) => r.family))], ['sonnet']);
      assert.ok(existsSync(path.join(folderB.uri.fsPath, '.sdlc', 'tickets', String(tB.id), 'ticket.md')), 'folder B\'s ticket file is not in folder B');
    } finally {
      await vscode.workspace.getConfiguration('sdlcPipeline', folderB.uri).update('defaultModels', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });
});
