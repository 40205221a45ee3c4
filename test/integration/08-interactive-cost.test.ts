/**
 * Cost and caps for interactive runs, with the real Claude Code TUI in a real terminal against the
 * mock Messages API: the run's cost comes from the session's transcript (followed while it runs),
 * a cap stops the session, and a daily budget holds the next stage back.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { Run } from '../../src/domain/ticket';
import { api, draft, mockControl, mockReset, setSetting, stageRequests, waitFor } from './helpers';

/** haiku: $1 in / $5 out per MTok; the mock answers 1000 in / 200 out per request. */
const HAIKU_REQUEST = (1000 * 1 + 200 * 5) / 1e6;

describe('interactive runs: cost from the transcript, caps, a daily budget (real TUI)', () => {
  beforeEach(() => mockReset());
  afterEach(async () => {
    await mockReset();
    for (const k of ['maxBudgetUsd', 'maxDailyBudgetUsd']) await setSetting(k, undefined);
    for (const t of vscode.window.terminals) t.dispose();
  });

  it('records what the session cost: the transcript priced like the estimates, shown live while it runs', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Talk to review', { review: 'haiku' }, ['review']));
    const pending = a.runner.run({ ticketId: t.id, stage: 'review', mode: 'interactive' });
    await waitFor(async () => (await stageRequests(t.id)).length > 0, 'the TUI to call the API', 60_000);
    // Live: the tree shows what it has cost so far.
    const item = await waitFor(() => {
      const i = a.tree.getTreeItem({ kind: 'stage', ticketId: t.id, stage: 'review' });
      // (The first transcript line of a message may carry no usage yet: wait for a priced one.)
      const m = /\$(\d+\.\d+) so far/.exec(String(i.description));
      return m && Number(m[1]) > 0 ? i : undefined;
    }, 'the live cost in the tree', 20_000);
    const live = Number(/\$(\d+\.\d+) so far/.exec(String(item.description))![1]);
    assert.ok(live > 0 && Math.abs(live / HAIKU_REQUEST - Math.round(live / HAIKU_REQUEST)) < 1e-6, `live ${live} is not a whole number of requests`);
    await vscode.commands.executeCommand('sdlcPipeline.stopStage', { ticketId: t.id, stage: 'review' });
    const run = (await pending)!;
    assert.strictEqual(run.mode, 'interactive');
    assert.strictEqual(run.status, 'cancelled');
    const requests = (await stageRequests(t.id)).length;
    assert.ok(Math.abs(run.costUsd! - requests * HAIKU_REQUEST) < 1e-9, `cost ${run.costUsd} for ${requests} request(s)`);
    assert.ok(run.costUsd! >= live - 1e-9, 'the recorded cost is below what was shown live');
    assert.match(run.modelRan!, /haiku/);
    assert.deepStrictEqual(Object.keys(run.modelUsage!).map((m) => /haiku/.test(m)), [true]);
    assert.deepStrictEqual(run.usage, { input_tokens: 1000 * requests, output_tokens: 200 * requests, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });

  it('a cap of a few cents stops a session that keeps going: budget-exceeded with what was spent; resuming with a higher cap counts only the new part', async () => {
    const a = await api();
    await setSetting('maxBudgetUsd', { review: 0.005 });
    const t = await a.tickets.create(draft('Runaway session', { review: 'haiku' }, ['review']));
    // An API answer takes a while (real ones take seconds): the session is stopped within a poll of reaching the cap.
    await mockControl({ delayMs: 400, writes: [{ stage: 'review', file: 'loop.txt', loop: true }] });
    const run = (await a.runner.run({ ticketId: t.id, stage: 'review', mode: 'interactive' }))!;
    assert.strictEqual(run.status, 'budget-exceeded', JSON.stringify(run));
    assert.ok(run.costUsd! >= 0.005 && run.costUsd! <= 0.005 + 4 * HAIKU_REQUEST, `stopped at ${run.costUsd}`);
    assert.match(run.message!, /^Stopped at \$0\.0\d+: this run's cap is \$0\.0050\.$/);
    const before = (await stageRequests(t.id)).length;

    const resumed = (await a.runner.resumeWithCap(a.tickets.get(t.id)!, run, 0.003))!;
    assert.strictEqual(resumed.status, 'budget-exceeded', JSON.stringify(resumed));
    assert.strictEqual(resumed.sessionId, run.sessionId);
    const added = (await stageRequests(t.id)).length - before;
    assert.ok(added > 0, 'the resumed session made no request');
    assert.ok(resumed.costUsd! <= added * HAIKU_REQUEST + 1e-9, `the resumed run counted the earlier part too: ${resumed.costUsd} for ${added} new request(s)`);
    assert.ok(resumed.costUsd! >= 0.003);
  });

  it('a daily budget holds back the next stage (asking first); "Start Anyway" runs it; today\'s spend counts every ticket', async () => {
    const a = await api();
    const spent = a.runner.spentToday();
    await setSetting('maxDailyBudgetUsd', spent + 0.0001);
    const t = await a.tickets.create(draft('Over the day', {}, ['plan']));
    assert.strictEqual(await a.runner.run({ ticketId: t.id, stage: 'plan' }), undefined);
    assert.match(a.runner.lastRefusal(t.id)!, /Plan of ticket #\d+ would likely cost \$[\d.]+, and today's budget has \$0\.0001 of \$[\d.]+ left \(sdlcPipeline\.maxDailyBudgetUsd\)\./);
    assert.strictEqual((await stageRequests(t.id)).length, 0);
    const r = (await a.runner.run({ ticketId: t.id, stage: 'plan', overDailyBudget: true })) as Run;
    assert.strictEqual(r.status, 'succeeded');
    assert.ok(Math.abs(a.runner.spentToday() - (spent + r.costUsd!)) < 1e-9);
  });
});
