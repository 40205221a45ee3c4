/**
 * Containment, round 3 (issue 22), for what a run is given: caps reserved at launch so runs side
 * by side never get more than is left (item 4), a capped interactive run whose cost cannot be
 * measured is stopped (item 3), and an interactive terminal's environment is the extension's, not
 * one a workspace's `terminal.integrated.env.*` extends (item 10). Real CLI, real host.
 */
import * as assert from 'node:assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, draft, mockControl, mockLog, mockRelease, mockReset, processesWith, setSetting, waitFor } from './helpers';

/** The argv of a running CLI, read from /proc by its session id. */
async function argvOf(ticketId: number): Promise<string[]> {
  const a = await api();
  const sessionId = await waitFor(() => a.tickets.get(ticketId)?.runs.at(-1)?.sessionId, `#${ticketId}'s run record`);
  const pid = await waitFor(() => processesWith(sessionId)[0], `#${ticketId}'s CLI`, 30_000);
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
}

const budgetArg = (argv: string[]) => {
  const i = argv.indexOf('--max-budget-usd');
  return i < 0 ? undefined : Number(argv[i + 1]);
};

describe('containment: budgets, measurability and environment of runs (real extension host)', () => {
  beforeEach(() => mockReset());
  afterEach(async () => {
    await mockRelease().catch(() => 0);
    await mockReset();
    for (const k of ['maxBudgetUsd', 'maxDailyBudgetUsd', 'projectClaudeSettings']) await setSetting(k, undefined);
    await vscode.workspace.getConfiguration('terminal.integrated.env').update('linux', undefined, vscode.ConfigurationTarget.Workspace);
    for (const t of vscode.window.terminals) t.dispose();
  });

  it('two stages side by side share what is left of today\'s budget: the second gets only what the first does not hold', async () => {
    const a = await api();
    // Earlier files' runs count towards today: the budget leaves exactly $2 on top of them.
    const spent = a.runner.spentToday();
    const daily = spent + 2;
    await setSetting('maxDailyBudgetUsd', daily);
    await setSetting('maxBudgetUsd', { clarify: 1.5 });
    await waitFor(() => a.config.value.run.maxDailyBudgetUsd === daily && a.config.value.run.maxBudgetUsd.clarify === 1.5, 'the settings');
    assert.strictEqual(a.runner.spentToday(), spent, 'something ran meanwhile');
    const one = await a.tickets.create(draft('Budget one', { clarify: 'haiku' }, ['clarify']));
    const two = await a.tickets.create(draft('Budget two', { clarify: 'haiku' }, ['clarify']));
    await mockControl({ holdStages: ['clarify'] });
    const first = a.runner.run({ ticketId: one.id, stage: 'clarify' });
    const firstArgv = await argvOf(one.id);
    const second = a.runner.run({ ticketId: two.id, stage: 'clarify' });
    const secondArgv = await argvOf(two.id);
    await waitFor(async () => new Set((await mockLog()).filter((q) => q.held && (q.ticket === one.id || q.ticket === two.id)).map((q) => q.ticket)).size === 2, 'both CLIs held at once', 60_000);
    const [b1, b2] = [budgetArg(firstArgv), budgetArg(secondArgv)];
    assert.strictEqual(b1, 1.5, `the first run's cap: ${firstArgv.join(' ')}`);
    // Before the reservation both got 1.5: together 3 against the 2 left.
    assert.ok(b2 !== undefined && Math.abs(b2 - 0.5) < 1e-6, `the second run's cap was ${b2}, expected 0.5`);
    assert.ok(b1 + b2 <= 2 + 1e-9, `caps given at once add up to ${b1 + b2}, more than the $2 left`);
    await mockRelease();
    assert.deepStrictEqual([(await first)?.status, (await second)?.status], ['succeeded', 'succeeded']);
  });

  it('with today\'s budget all held by a run in flight, the next stage is refused with the reason, and starts once the first ends', async () => {
    const a = await api();
    // $1 on top of what earlier files' runs spent today; the first run's cap (the stage's default) holds it all.
    const daily = a.runner.spentToday() + 1;
    await setSetting('maxDailyBudgetUsd', daily);
    await waitFor(() => a.config.value.run.maxDailyBudgetUsd === daily, 'the setting');
    const one = await a.tickets.create(draft('Held one', { clarify: 'haiku' }, ['clarify']));
    const two = await a.tickets.create(draft('Held two', { clarify: 'haiku' }, ['clarify']));
    await mockControl({ holdStages: ['clarify'] });
    const first = a.runner.run({ ticketId: one.id, stage: 'clarify' });
    await argvOf(one.id);
    const seen: string[] = [];
    const sub = a.runner.onDidRefuse((e) => seen.push(e.message));
    try {
      assert.strictEqual(await a.runner.run({ ticketId: two.id, stage: 'clarify' }), undefined, 'the second stage started on a budget the first holds');
    } finally {
      sub.dispose();
    }
    assert.ok(seen.some((m) => /is held by the stages running now/.test(m)), JSON.stringify(seen));
    await mockRelease();
    assert.strictEqual((await first)?.status, 'succeeded');
    assert.strictEqual((await a.runner.run({ ticketId: two.id, stage: 'clarify' }))?.status, 'succeeded');
  });

  it('a capped interactive run whose transcript never appears (the repository\'s cleanupPeriodDays: 0) is stopped and says why, not left running uncounted', async () => {
    const a = await api();
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    mkdirSync(path.join(root, '.claude'), { recursive: true });
    writeFileSync(path.join(root, '.claude', 'settings.json'), JSON.stringify({ cleanupPeriodDays: 0 }));
    try {
      await setSetting('projectClaudeSettings', 'load');
      await setSetting('maxBudgetUsd', { review: 1 });
      await waitFor(() => a.config.value.run.projectClaudeSettings === 'load' && a.config.value.run.maxBudgetUsd.review === 1, 'the settings');
      const t = await a.tickets.create(draft('No transcript', { review: 'haiku' }, ['review']));
      const started = Date.now();
      const run = await a.runner.run({ ticketId: t.id, stage: 'review', mode: 'interactive' });
      assert.strictEqual(run?.status, 'failed', JSON.stringify(run));
      assert.match(run!.message!, /no session transcript appeared within 20 seconds/);
      assert.ok(Date.now() - started < 60_000, `stopped only after ${Date.now() - started} ms`);
    } finally {
      rmSync(path.join(root, '.claude'), { recursive: true, force: true });
    }
  });

  it('an interactive terminal\'s environment is the extension\'s: a workspace\'s terminal.integrated.env.linux adds nothing', async () => {
    const a = await api();
    await vscode.workspace.getConfiguration('terminal.integrated.env').update('linux', { SDLC_PLANTED_ENV: 'from-the-workspace', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/evil' }, vscode.ConfigurationTarget.Workspace);
    const t = await a.tickets.create(draft('Strict env', { review: 'haiku' }, ['review']));
    let pid: number | undefined;
    const sub = a.runner.onDidSpawn((e) => {
      if (e.ticketId === t.id) pid = e.pid;
    });
    const pending = a.runner.run({ ticketId: t.id, stage: 'review', mode: 'interactive' });
    try {
      await waitFor(() => pid, 'the interactive CLI', 30_000);
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      assert.ok(!env.some((v) => v.startsWith('SDLC_PLANTED_ENV=')), `the workspace's terminal env reached the CLI (pid ${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 200)}; host has it: ${process.env.SDLC_PLANTED_ENV}; ${env.filter((v) => /^(SDLC|VSCODE|TERM)/.test(v)).join(' ')})`);
      assert.strictEqual(env.find((v) => v.startsWith('ANTHROPIC_BASE_URL=')), `ANTHROPIC_BASE_URL=${process.env.ANTHROPIC_BASE_URL}`);
    } finally {
      sub.dispose();
      a.runner.stop(t.id, 'review');
      await pending;
    }
  });
});
