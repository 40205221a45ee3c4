/**
 * Benchmark in the real extension host (`npm run bench`): a ticket's worktree on a repository
 * of 10,000 files — `git worktree add` itself, and the time a ticket's first stage takes to start
 * its CLI with `worktree` isolation against running in place (`none`), in the same run.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { addWorkspaceFolder, api, benchResult, draft, git, mockControl, mockReset, setSetting, stats } from './helpers';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

describe('bench: a worktree per ticket on 10,000 files', () => {
  it('measures git worktree add and the first stage with and without a worktree', async function () {
    this.timeout(900_000);
    const a = await api();
    await mockReset();
    await mockControl({ delayMs: 0 });
    const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-bench-repo-')));
    const repo = path.join(parent, 'big');
    for (let d = 0; d < 100; d++) {
      mkdirSync(path.join(repo, `dir${d}`), { recursive: true });
      for (let f = 0; f < 100; f++) writeFileSync(path.join(repo, `dir${d}`, `file${f}.ts`), `export const v${d}_${f} = ${d * 100 + f};\n`);
    }
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, '-c', 'user.email=b@e.nch', '-c', 'user.name=Bench', 'add', '-A');
    git(repo, '-c', 'user.email=b@e.nch', '-c', 'user.name=Bench', 'commit', '-q', '-m', '10,000 files');
    const files = Number(git(repo, 'ls-files').split('\n').length);

    // git itself.
    const raw: number[] = [];
    for (let i = 0; i < 5; i++) {
      const wt = path.join(parent, `raw-${i}`);
      const t0 = performance.now();
      git(repo, 'worktree', 'add', '-q', '-b', `raw-${i}`, wt, 'main');
      raw.push(performance.now() - t0);
      git(repo, 'worktree', 'remove', '--force', wt);
    }

    const folder = await addWorkspaceFolder(repo);

    /** "Run Stage" → CLI spawned, for a new ticket in the big repository. */
    const firstStage = async (i: number): Promise<number> => {
      const t = await a.tickets.create({ ...draft(`Bench worktree ${i}`, {}, ['merge']), folder: folder.uri.toString() });
      const spawned = new Promise<number>((resolve) => {
        const sub = a.runner.onDidSpawn((e) => {
          if (e.ticketId === t.id) {
            sub.dispose();
            resolve(performance.now());
          }
        });
      });
      const t0 = performance.now();
      const done = a.runner.run({ ticketId: t.id, stage: 'merge' });
      const ms = (await spawned) - t0;
      await done;
      return ms;
    };
    const worktree: number[] = [];
    const inPlace: number[] = [];
    let firstLoadMs: number | undefined;
    for (let i = 0; i < 7; i++) {
      await setSetting('isolation', 'none');
      inPlace.push(await firstStage(i * 2));
      await setSetting('isolation', undefined);
      const ms = await firstStage(i * 2 + 1);
      if (i === 0) firstLoadMs = ms;
      else worktree.push(ms);
    }
    for (const t of vscode.window.terminals) t.dispose();
    rmSync(parent, { recursive: true, force: true });
    benchResult('worktree', {
      files,
      gitWorktreeAdd: stats(raw),
      firstStageWorktree: stats(worktree),
      firstStageInPlace: stats(inPlace),
      firstWorktreeStageIncludingModuleLoadMs: firstLoadMs,
      extraMs: median(worktree) - median(inPlace),
      ratio: median(worktree) / median(inPlace),
    });
  });
});
