/**
 * A worktree per ticket, in the real extension host with real git and the real Claude CLI
 * (the mock API answers a stage with a `Write` tool_use, so the CLI really edits files in its
 * working directory). Each test makes its own repository and adds it as a workspace folder.
 */
import * as assert from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PipelineResult } from '../../src/pipeline';
import type { MergeOutcome } from '../../src/worktrees';
import { addWorkspaceFolder, api, draft, git, mockControl, mockLog, mockRelease, mockReset, removeAddedFolders, setSetting, stageRequests, waitFor } from './helpers';

const gitOk = (dir: string, ...args: string[]) => {
  try {
    git(dir, ...args);
    return true;
  } catch {
    return false;
  }
};

interface Repo {
  dir: string;
  folder: vscode.WorkspaceFolder;
  worktrees: string;
}

/** A fresh repository (branch main, one commit unless `empty`) added as a workspace folder. */
async function addRepo(name: string, opts: { empty?: boolean; plain?: boolean } = {}): Promise<Repo> {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-repo-')));
  const dir = path.join(parent, name);
  mkdirSync(dir);
  if (!opts.plain) {
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'config', 'user.email', 'test@example.com');
    git(dir, 'config', 'user.name', 'SDLC Test');
    if (!opts.empty) {
      writeFileSync(path.join(dir, 'README.md'), `# ${name}\n`);
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'init');
    }
  }
  const folder = await addWorkspaceFolder(dir);
  return { dir, folder, worktrees: path.join(parent, `${name}.worktrees`) };
}

/** Writes a setting straight into the .code-workspace file, as a repository's own file would carry it. */
const ticketIn = async (repo: Repo, title: string, stages: string[]) => (await api()).tickets.create({ ...draft(title, {}, stages), folder: repo.folder.uri.toString() });

describe('a git worktree per ticket (real git, real CLI, real extension host)', () => {
  beforeEach(() => mockReset());
  afterEach(async () => {
    await mockReset();
    for (const k of ['reviewGate', 'maxParallelPipelines', 'isolation', 'worktreesDirectory']) await setSetting(k, undefined);
    for (const k of ['reviewGate', 'isolation']) await setSetting(k, undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('git').update('path', undefined, vscode.ConfigurationTarget.Global);
    await removeAddedFolders();
  });

  it('Build edits files in the ticket\'s own worktree on its own branch; the user\'s tree and git status stay untouched', async () => {
    const a = await api();
    const repo = await addRepo('shop');
    // A repository asking for less isolation, or another place for worktrees, is not obeyed.
    await setSetting('isolation', 'none', vscode.ConfigurationTarget.Workspace);
    // The suite's workspace file names /tmp/sdlc-hostile-worktrees for worktrees (test/harness/integration.mjs:
    // VS Code's own API refuses to write a machine setting there; a repository's file just says it).
    assert.match(readFileSync(vscode.workspace.workspaceFile!.fsPath, 'utf8'), /"sdlcPipeline\.worktreesDirectory": "\/tmp\/sdlc-hostile-worktrees"/);
    assert.strictEqual(a.config.forFolder(repo.folder.uri).run.worktreesDirectory, undefined);
    assert.strictEqual(a.config.forFolder(repo.folder.uri).run.isolation, 'worktree');
    const t = await ticketIn(repo, 'Add a feature file!', ['build']);
    await mockControl({ writes: [{ stage: 'build', file: 'feature.txt', content: 'from build\n' }] });
    const r = await vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.runPipeline', { ticketId: t.id });
    assert.strictEqual(r.status, 'succeeded', JSON.stringify(r));

    const ws = a.tickets.get(t.id)!.workspace!;
    assert.ok(ws, 'the ticket records its workspace');
    assert.strictEqual(ws.isolation, 'worktree');
    assert.strictEqual(ws.branch, `sdlc/${t.id}-add-a-feature-file`);
    assert.strictEqual(ws.base, 'main');
    assert.strictEqual(ws.baseCommit, git(repo.dir, 'rev-parse', 'main'));
    assert.strictEqual(ws.path, path.join(repo.worktrees, `${t.id}-add-a-feature-file`));
    assert.ok(!existsSync('/tmp/sdlc-hostile-worktrees'), 'a workspace setting chose where worktrees go');

    // The CLI ran in the worktree and wrote there; the user's tree has nothing new.
    const cwds = [...new Set((await stageRequests(t.id)).map((q) => q.cwd))];
    assert.deepStrictEqual(cwds, [ws.path]);
    assert.strictEqual(readFileSync(path.join(ws.path!, 'feature.txt'), 'utf8'), 'from build\n');
    assert.ok(!existsSync(path.join(repo.dir, 'feature.txt')));
    assert.strictEqual(git(repo.dir, 'status', '--porcelain'), '', 'the user\'s git status changed');
    assert.strictEqual(git(ws.path!, 'rev-parse', '--abbrev-ref', 'HEAD'), ws.branch);
    // The ticket's files are where the stage reads them, and never part of its changes.
    assert.match(readFileSync(path.join(ws.path!, '.sdlc', 'tickets', String(t.id), 'ticket.md'), 'utf8'), /Add a feature file!/);
    assert.strictEqual(git(ws.path!, 'status', '--porcelain'), '?? feature.txt');
    assert.deepStrictEqual((await a.workspaces.changes(a.tickets.get(t.id)!, ws)).map((c) => [c.kind, c.path]), [['added', 'feature.txt']]);

    // The tree shows the branch, ahead/behind and files changed.
    const state = await a.workspaces.readState(a.tickets.get(t.id)!, ws);
    assert.deepStrictEqual(state, { ahead: 0, behind: 0, files: 1 });
    const item = await waitFor(() => {
      const i = a.tree.getTreeItem({ kind: 'ticket', ticketId: t.id });
      return String(i.description).includes('1 file') ? i : undefined;
    }, 'the tree to show the branch state');
    assert.match(String(item.description), new RegExp(`⎇ sdlc/${t.id}-add-a-feature-file · 1 file`));
    assert.match(String(item.contextValue), /^ticket branch worktree/);
  });

  it('runs two tickets side by side, each in its own worktree; a third waits in the queue and starts when one ends', async () => {
    const a = await api();
    const repo = await addRepo('parallel');
    await setSetting('maxParallelPipelines', 2);
    const [t1, t2, t3] = [await ticketIn(repo, 'One', ['build']), await ticketIn(repo, 'Two', ['build']), await ticketIn(repo, 'Three', ['build'])];
    // Build's requests wait unanswered until released: both CLIs are seen talking at once however
    // slow the machine (worktrees of one repository are made one at a time; timing-based overlap
    // failed once on a loaded machine).
    await mockControl({
      holdStages: ['build'],
      writes: [
        { stage: 'build', ticket: t1.id, file: 'one.txt' },
        { stage: 'build', ticket: t2.id, file: 'two.txt' },
        { stage: 'build', ticket: t3.id, file: 'three.txt' },
      ],
    });
    const runs = [t1, t2, t3].map((t) => a.pipeline.run(t.id));
    await waitFor(() => a.pipeline.queue.queued().includes(t3.id) && a.pipeline.queue.running().length === 2, 'two running and one queued');
    assert.deepStrictEqual(a.pipeline.queue.running().sort(), [t1.id, t2.id].sort());
    assert.match(String(a.tree.getTreeItem({ kind: 'ticket', ticketId: t3.id }).description), /^queued \(1\)/);
    const waiting = await waitFor(async () => {
      const held = new Set((await mockLog()).filter((q) => q.held && q.ticket !== undefined && [t1.id, t2.id, t3.id].includes(q.ticket)).map((q) => q.ticket));
      return held.size >= 2 ? held : undefined;
    }, 'both CLIs to be waiting for an answer at once', 60_000);
    assert.deepStrictEqual([...waiting].sort(), [t1.id, t2.id].sort(), 'the queued ticket started before a slot was free');
    assert.strictEqual(await mockRelease(), 2);
    const results = await Promise.all(runs);
    assert.deepStrictEqual(results.map((r) => r.status), ['succeeded', 'succeeded', 'succeeded']);

    const log = (await mockLog()).filter((q) => q.ticket !== undefined && [t1.id, t2.id, t3.id].includes(q.ticket));
    const span = (id: number) => {
      const at = log.filter((q) => q.ticket === id).map((q) => q.at);
      return { first: Math.min(...at), last: Math.max(...at) };
    };
    const [s1, s2, s3] = [span(t1.id), span(t2.id), span(t3.id)];
    assert.ok(s2.first < s1.last && s1.first < s2.last, `tickets 1 and 2 did not overlap: ${JSON.stringify([s1, s2])}`);
    assert.ok(s3.first >= Math.min(s1.last, s2.last), `ticket 3 started before a slot was free: ${JSON.stringify([s1, s2, s3])}`);
    for (const [t, file] of [[t1, 'one.txt'], [t2, 'two.txt'], [t3, 'three.txt']] as const) {
      const ws = a.tickets.get(t.id)!.workspace!;
      assert.deepStrictEqual([...new Set(log.filter((q) => q.ticket === t.id).map((q) => q.cwd))], [ws.path], `#${t.id} ran outside its worktree`);
      assert.strictEqual(git(ws.path!, 'status', '--porcelain'), `?? ${file}`, `#${t.id}'s worktree holds another ticket's file`);
    }
    assert.strictEqual(git(repo.dir, 'status', '--porcelain'), '');
  });

  it('pauses before Merge for review; Review Changes opens the multi-diff; Approve runs Merge; the merge fast-forwards; removal cleans up', async () => {
    const a = await api();
    const repo = await addRepo('gate');
    const t = await ticketIn(repo, 'Gated change', ['build', 'merge']);
    await mockControl({ writes: [{ stage: 'build', file: 'gated.txt', content: 'gated\n' }] });
    const paused = await vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.runPipeline', { ticketId: t.id });
    assert.strictEqual(paused.status, 'awaiting-review');
    assert.strictEqual(a.tickets.get(t.id)!.workspace!.review, 'awaiting');
    assert.deepStrictEqual([...new Set((await stageRequests(t.id)).map((q) => q.stage))], ['build'], 'Merge ran before the review');
    assert.match(String(a.tree.getTreeItem({ kind: 'ticket', ticketId: t.id }).description), /^awaiting review/);

    const shown = await vscode.commands.executeCommand<number>('sdlcPipeline.reviewChanges', { ticketId: t.id });
    assert.strictEqual(shown, 1);
    const tab = await waitFor(() => vscode.window.tabGroups.activeTabGroup.activeTab, 'the review tab');
    // Only `vscode.changes` (the multi-file diff editor) titles a tab this way.
    assert.strictEqual(tab.label.replace(/ \(1 file\)$/, ''), `#${t.id} Gated change (sdlc/${t.id}-gated-change ↔ main)`);
    assert.ok(!(tab.input instanceof vscode.TabInputText) && !(tab.input instanceof vscode.TabInputTextDiff), 'a single-file editor opened');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    const approved = await vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.approveTicket', { ticketId: t.id });
    assert.strictEqual(approved.status, 'succeeded', JSON.stringify(approved));
    assert.deepStrictEqual([...new Set((await stageRequests(t.id)).map((q) => q.stage))], ['build', 'merge']);

    const ws = a.tickets.get(t.id)!.workspace!;
    const before = git(repo.dir, 'rev-parse', 'main');
    const merged = await vscode.commands.executeCommand<MergeOutcome>('sdlcPipeline.mergeTicket', { ticketId: t.id, confirm: true });
    assert.ok(merged.ok && merged.kind === 'fast-forward' && merged.committedLeftovers, JSON.stringify(merged));
    assert.strictEqual(git(repo.dir, 'rev-parse', 'main'), git(repo.dir, 'rev-parse', ws.branch));
    assert.strictEqual(git(repo.dir, 'rev-parse', 'main~1'), before);
    assert.strictEqual(git(repo.dir, 'show', 'main:gated.txt'), 'gated');
    assert.strictEqual(readFileSync(path.join(repo.dir, 'gated.txt'), 'utf8'), 'gated\n', 'the user\'s checked-out base did not move with the merge');
    assert.ok(!git(repo.dir, 'ls-tree', '-r', '--name-only', 'main').includes('.sdlc'), 'ticket files were committed');
    assert.ok(a.tickets.get(t.id)!.workspace!.mergedAt);

    const removed = await vscode.commands.executeCommand<{ ok: boolean }>('sdlcPipeline.removeWorktree', { ticketId: t.id, confirm: true });
    assert.ok(removed.ok);
    assert.ok(!existsSync(ws.path!), 'the worktree folder is still there');
    assert.ok(!gitOk(repo.dir, 'rev-parse', '--verify', '-q', `refs/heads/${ws.branch}`), 'the branch is still there');
    assert.strictEqual(a.tickets.get(t.id)!.workspace!.removed, true);
    // The stages' files (ticket, plan, review…) were kept: copied to the folder, still out of git status.
    assert.match(readFileSync(path.join(repo.dir, '.sdlc', 'tickets', String(t.id), 'ticket.md'), 'utf8'), /Gated change/);
    assert.strictEqual(git(repo.dir, 'status', '--porcelain'), '');
    // Nothing is awaiting review any more: a stray Approve does nothing.
    assert.strictEqual((await a.pipeline.approve(t.id)).status, 'not-started');
  });

  it('the agent cannot point git elsewhere: a rewritten .git file in the worktree is ignored (its fsmonitor never runs)', async () => {
    const a = await api();
    const repo = await addRepo('evil');
    const t = await ticketIn(repo, 'Hostile output', ['build']);
    await mockControl({ writes: [{ stage: 'build', file: 'x.txt' }] });
    assert.strictEqual((await a.pipeline.run(t.id, { quiet: true })).status, 'succeeded');
    const ws = a.tickets.get(t.id)!.workspace!;
    // What an agent could write in its own working folder: a .git file naming a repository whose config runs a command.
    const evil = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-evil-git-')));
    const marker = path.join(evil, 'PWNED');
    git(evil, 'init', '-q');
    const hook = path.join(evil, 'hook.sh');
    writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    git(evil, 'config', 'core.fsmonitor', hook);
    const dotGit = path.join(ws.path!, '.git');
    const original = readFileSync(dotGit, 'utf8');
    writeFileSync(dotGit, `gitdir: ${path.join(evil, '.git')}\n`);
    try {
      assert.ok(!existsSync(marker));
      assert.ok(gitOk(ws.path!, 'status') && existsSync(marker), 'the hostile config does run for a plain git (the test would prove nothing)');
      rmSync(marker);
      assert.deepStrictEqual((await a.workspaces.changes(a.tickets.get(t.id)!, ws)).map((c) => c.path), ['x.txt']);
      assert.deepStrictEqual(await a.workspaces.readState(a.tickets.get(t.id)!, ws), { ahead: 0, behind: 0, files: 1 });
      const m = await vscode.commands.executeCommand<MergeOutcome>('sdlcPipeline.mergeTicket', { ticketId: t.id, confirm: true });
      assert.ok(m.ok && m.kind === 'fast-forward', JSON.stringify(m));
      assert.strictEqual(git(repo.dir, 'show', 'main:x.txt').length > 0, true);
      assert.ok(!existsSync(marker), 'a command from the worktree\'s .git file ran');
    } finally {
      writeFileSync(dotGit, original);
    }
  });

  it('two starts of one new ticket at once make one branch and one worktree', async () => {
    const a = await api();
    const repo = await addRepo('race');
    const t = await ticketIn(repo, 'Raced', ['clarify', 'plan']);
    const [r1, r2] = await Promise.all([a.runner.run({ ticketId: t.id, stage: 'clarify' }), a.runner.run({ ticketId: t.id, stage: 'plan' })]);
    assert.deepStrictEqual([r1?.status, r2?.status], ['succeeded', 'succeeded']);
    assert.deepStrictEqual(git(repo.dir, 'branch', '--list', 'sdlc/*', '--format=%(refname:short)').split('\n'), [`sdlc/${t.id}-raced`]);
    assert.deepStrictEqual([...new Set((await stageRequests(t.id)).map((q) => q.cwd))], [a.tickets.get(t.id)!.workspace!.path]);
  });

  it('Request Changes adds the note to the ticket file, runs Build again in the same worktree, and comes back to the gate', async () => {
    const a = await api();
    const repo = await addRepo('changes');
    const t = await ticketIn(repo, 'Needs rework', ['build', 'merge']);
    assert.strictEqual((await a.pipeline.run(t.id, { quiet: true })).status, 'awaiting-review');
    const wt = a.tickets.get(t.id)!.workspace!.path!;
    const again = await vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.requestChanges', { ticketId: t.id, note: 'Rename the flag to `--dry-run`.' });
    assert.strictEqual(again.status, 'awaiting-review', JSON.stringify(again));
    assert.deepStrictEqual((await stageRequests(t.id)).filter((q) => !q.toolResult).map((q) => q.stage), ['build', 'build'], 'Build did not run again (or Merge ran)');
    const file = readFileSync(path.join(wt, '.sdlc', 'tickets', String(t.id), 'ticket.md'), 'utf8');
    assert.match(file, /## Changes requested in review\n\n### Request 1 \(latest\)\n\nRename the flag to `--dry-run`\./);
    // The note reached the Build stage's system prompt as data, never its command line.
    const builds = (await stageRequests(t.id)).filter((q) => q.stage === 'build');
    assert.match(builds[builds.length - 1].system!, /Rename the flag to `--dry-run`/);
    assert.doesNotMatch(builds[builds.length - 1].prompt!, /dry-run/);
    assert.strictEqual(a.tickets.get(t.id)!.workspace!.path, wt);
    assert.strictEqual(a.tickets.get(t.id)!.workspace!.review, 'awaiting');
  });

  it('a base that moved on: a conflicting merge changes nothing; a clean one makes a merge commit; unmerged work is never removed without naming it', async () => {
    const a = await api();
    const repo = await addRepo('conflict');
    await setSetting('reviewGate', 'off');
    const t = await ticketIn(repo, 'Edit shared', ['build', 'merge']);
    await mockControl({ writes: [{ stage: 'build', file: 'shared.txt', content: 'ticket version\n' }] });
    assert.strictEqual((await a.pipeline.run(t.id, { quiet: true })).status, 'succeeded');
    const ws = a.tickets.get(t.id)!.workspace!;
    // The user commits a conflicting change to the base meanwhile.
    writeFileSync(path.join(repo.dir, 'shared.txt'), 'user version\n');
    git(repo.dir, 'add', 'shared.txt');
    git(repo.dir, 'commit', '-q', '-m', 'user change');
    const baseTip = git(repo.dir, 'rev-parse', 'main');
    const branchTip = git(repo.dir, 'rev-parse', ws.branch);
    assert.deepStrictEqual(await a.workspaces.readState(a.tickets.get(t.id)!, ws), { ahead: 0, behind: 1, files: 1 });

    const r = await vscode.commands.executeCommand<MergeOutcome>('sdlcPipeline.mergeTicket', { ticketId: t.id, confirm: true });
    assert.ok(!r.ok && r.reason === 'conflict', JSON.stringify(r));
    assert.deepStrictEqual(!r.ok && r.files, ['shared.txt']);
    assert.strictEqual(git(repo.dir, 'rev-parse', 'main'), baseTip, 'the base moved');
    assert.strictEqual(git(repo.dir, 'rev-parse', ws.branch), branchTip, 'the branch moved');
    assert.strictEqual(readFileSync(path.join(ws.path!, 'shared.txt'), 'utf8'), 'ticket version\n', 'the worktree\'s file changed');
    assert.strictEqual(git(ws.path!, 'status', '--porcelain'), '?? shared.txt', 'the worktree\'s state changed');
    assert.strictEqual(readFileSync(path.join(repo.dir, 'shared.txt'), 'utf8'), 'user version\n');
    assert.ok(!existsSync(path.join(repo.dir, '.git', 'MERGE_HEAD')));

    // Updating the branch from the base by git: the conflict is undone, the worktree is as it was.
    git(ws.path!, 'add', '-A');
    git(ws.path!, 'commit', '-q', '-m', 'ticket work');
    const up = await vscode.commands.executeCommand<{ ok: boolean; message: string }>('sdlcPipeline.updateFromBase', { ticketId: t.id });
    assert.ok(!up.ok && /conflicts; it was undone/.test(up.message), up.message);
    assert.ok(!existsSync(path.join(repo.dir, '.git', 'worktrees', path.basename(ws.path!), 'MERGE_HEAD')), 'a merge is left in progress');
    assert.strictEqual(readFileSync(path.join(ws.path!, 'shared.txt'), 'utf8'), 'ticket version\n');
    git(ws.path!, 'reset', '-q', 'HEAD~1');

    // Removing it now would lose the uncommitted change: counted, and nothing goes without force
    // (the command asks in a modal that names the count unless `discard` names it exactly).
    assert.deepStrictEqual(await a.workspaces.unmerged(a.tickets.get(t.id)!), { commits: 0, uncommitted: 1 });
    const kept = await a.workspaces.remove(a.tickets.get(t.id)!, false);
    assert.ok(!kept.ok && /0 unmerged commit\(s\) and 1 uncommitted change\(s\); nothing was removed/.test(kept.message), kept.message);
    assert.ok(existsSync(ws.path!));
    assert.ok(gitOk(repo.dir, 'rev-parse', '--verify', '-q', `refs/heads/${ws.branch}`));

    // A non-conflicting ticket on the moved base gets a merge commit.
    const t2 = await ticketIn(repo, 'Other file', ['build']);
    await mockControl({ writes: [{ stage: 'build', file: 'other.txt', content: 'other\n' }] });
    assert.strictEqual((await a.pipeline.run(t2.id, { quiet: true })).status, 'succeeded');
    writeFileSync(path.join(repo.dir, 'base-only.txt'), 'base\n');
    git(repo.dir, 'add', 'base-only.txt');
    git(repo.dir, 'commit', '-q', '-m', 'base moves on');
    const m = await vscode.commands.executeCommand<MergeOutcome>('sdlcPipeline.mergeTicket', { ticketId: t2.id, confirm: true });
    assert.ok(m.ok && m.kind === 'merge-commit', JSON.stringify(m));
    assert.strictEqual(git(repo.dir, 'rev-list', '--parents', '-n', '1', 'main').split(' ').length, 3, 'not a merge commit');
    assert.strictEqual(git(repo.dir, 'show', 'main:other.txt'), 'other');
  });

  it('faults: not a repository, no commit yet, detached HEAD, a taken branch name, a worktree deleted by hand, git missing, a stored path outside the worktrees folder', async () => {
    const a = await api();
    // Not a repository, and a repository without a commit: stages run in the folder itself.
    for (const opts of [{ plain: true }, { empty: true }]) {
      const dir = await addRepo(opts.plain ? 'plain' : 'empty', opts);
      const t = await ticketIn(dir, 'In place', ['plan']);
      assert.strictEqual((await a.runner.run({ ticketId: t.id, stage: 'plan' }))?.status, 'succeeded');
      assert.strictEqual(a.tickets.get(t.id)!.workspace, undefined);
      assert.deepStrictEqual([...new Set((await stageRequests(t.id)).map((q) => q.cwd))], [dir.dir]);
      assert.ok(!existsSync(dir.worktrees));
    }

    // Detached HEAD: a clear refusal, nothing created.
    const det = await addRepo('detached');
    git(det.dir, 'checkout', '-q', '--detach');
    const td = await ticketIn(det, 'Detached', ['plan']);
    assert.strictEqual(await a.runner.run({ ticketId: td.id, stage: 'plan' }), undefined);
    assert.match(a.runner.lastRefusal(td.id)!, /HEAD is detached in detached: check out a branch, or set sdlcPipeline\.baseBranch/);
    assert.strictEqual((await stageRequests(td.id)).length, 0);
    assert.ok(!existsSync(det.worktrees));

    // The branch name is taken by a branch that is not this ticket's: it gets the next free name; the other is untouched.
    const repo = await addRepo('faults');
    const t = await ticketIn(repo, 'Taken', ['build']);
    git(repo.dir, 'branch', `sdlc/${t.id}-taken`);
    const otherTip = git(repo.dir, 'rev-parse', `sdlc/${t.id}-taken`);
    await mockControl({ writes: [{ stage: 'build', file: 'x.txt' }] });
    assert.strictEqual((await a.runner.run({ ticketId: t.id, stage: 'build' }))?.status, 'succeeded');
    const ws = a.tickets.get(t.id)!.workspace!;
    assert.strictEqual(ws.branch, `sdlc/${t.id}-taken-2`);
    assert.strictEqual(git(repo.dir, 'rev-parse', `sdlc/${t.id}-taken`), otherTip);

    // Deleted by hand after a commit: the next run prunes and re-creates it from the branch.
    git(ws.path!, 'add', '-A');
    git(ws.path!, '-c', 'user.email=t@e.st', '-c', 'user.name=T', 'commit', '-q', '-m', 'work');
    const tip = git(repo.dir, 'rev-parse', ws.branch);
    rmSync(ws.path!, { recursive: true, force: true });
    assert.strictEqual((await a.workspaces.readState(a.tickets.get(t.id)!, ws)).missing, true);
    assert.strictEqual((await a.runner.run({ ticketId: t.id, stage: 'build' }))?.status, 'succeeded');
    assert.ok(existsSync(path.join(ws.path!, 'x.txt')), 'the re-created worktree lacks the committed file');
    assert.strictEqual(git(ws.path!, 'rev-parse', 'HEAD'), tip);

    // A stored worktree path outside the worktrees folder is never used (an edited or hostile record).
    await a.tickets.update(t.id, (tt) => void (tt.workspace!.path = repo.dir));
    assert.strictEqual(await a.runner.run({ ticketId: t.id, stage: 'build' }), undefined);
    assert.match(a.runner.lastRefusal(t.id)!, /is not in .*faults\.worktrees; it is not used/);

    // git missing: a clear refusal naming the setting.
    await vscode.workspace.getConfiguration('git').update('path', '/nonexistent/git', vscode.ConfigurationTarget.Global);
    const tg = await ticketIn(repo, 'No git', ['plan']);
    assert.strictEqual(await a.runner.run({ ticketId: tg.id, stage: 'plan' }), undefined);
    assert.match(a.runner.lastRefusal(tg.id)!, /git was not found .*git\.path/);
  });
});
