/**
 * Benchmark in the real extension host (run by `npm run bench`, not by `npm test`):
 * "Run Stage" command → CLI child process spawned, against a bare createTerminal of the same
 * executable in the same run. Writes its figures to SDLC_BENCH_RESULTS.
 */
import * as vscode from 'vscode';
import { api, benchResult, draft, mockControl, mockReset, stats } from './helpers';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

describe('bench: command → child process spawned', () => {
  it('measures Run Stage against a bare createTerminal', async function () {
    this.timeout(600_000);
    const a = await api();
    await mockReset();
    await mockControl({ delayMs: 0 });
    const claude = (await import('../../src/claudeLocator')).locateClaude;
    const found = await claude(undefined);
    if (!found.ok) throw new Error(found.message);
    const ours: number[] = [];
    const bare: number[] = [];
    const N = 15;
    for (let i = 0; i < N; i++) {
      const t = await a.tickets.create(draft(`Bench ${i}`, {}, ['merge']));
      const spawned = new Promise<number>((resolve) => {
        const sub = a.runner.onDidSpawn((e) => {
          if (e.ticketId === t.id) {
            sub.dispose();
            resolve(performance.now());
          }
        });
      });
      const t0 = performance.now();
      const done = vscode.commands.executeCommand('sdlcPipeline.runMergeStage', { ticketId: t.id });
      ours.push((await spawned) - t0);
      await done;

      const t1 = performance.now();
      const term = vscode.window.createTerminal({ name: `bare ${i}`, shellPath: found.path, shellArgs: ['--version'] });
      await term.processId;
      bare.push(performance.now() - t1);
      term.dispose();
    }
    for (const t of vscode.window.terminals) t.dispose();
    // The first also loads the launch and command bundles (dist/launch.js, dist/commands.js).
    const result = { runs: N, firstMs: ours[0], bundleLoadMs: a.loadTimes(), ours: stats(ours.slice(1)), bare: stats(bare), overheadPct: (100 * (median(ours.slice(1)) - median(bare))) / median(bare) };
    benchResult('spawn', result);
  });
});
