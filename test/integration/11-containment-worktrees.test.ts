/**
 * Containment of a ticket's worktree (issue #22 items 5, 7 and 13), in the real extension host
 * with real git and the real CLI: the tickets folder is the extension's own (a workspace cannot
 * point it at the user's code, and an old exclude line that hid their files goes), Remove
 * Worktree names every file it would lose, a subfolder that is a link on the base branch is
 * never run in, and Clean Up Worktrees finds the worktrees of merged and deleted tickets.
 */
import * as assert from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MergeOutcome } from '../../src/worktrees';
import type { CleanUpResult } from '../../src/worktreeCommands';
import { addWorkspaceFolder, api, draft, git, mockControl, mockReset, removeAddedFolders, setSetting, stageRequests } from './helpers';

const MARKER = '# SDLC Pipeline: ticket files (ticket, plan, review) stay out of commits';

/** A fresh repository (branch main, one commit) in its own temporary parent folder. */
function makeRepo(name: string): { parent: string; dir: string } {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-contain-')));
  const dir = path.join(parent, name);
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'user.name', 'SDLC Test');
  writeFileSync(path.join(dir, 'README.md'), `# ${name}\n`);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  return { parent, dir };
}

const branches = (dir: string) => git(dir, 'branch', '--format=%(refname:short)').split('\n').filter((b) => b.startsWith('sdlc/'));

describe('containment: a ticket\'s worktree (issue #22 items 5, 7, 13)', () => {
  beforeEach(() => mockReset());
  afterEach(async () => {
    await mockReset();
    for (const k of ['reviewGate', 'baseBranch']) await setSetting(k, undefined);
    await setSetting('ticketsDirectory', undefined, vscode.ConfigurationTarget.Workspace);
    await removeAddedFolders();
  });

  it('item 7: a base branch where the workspace\'s subfolder is a link out of the repository is refused; nothing is written there, nothing is left behind', async () => {
    const a = await api();
    const { parent, dir } = makeRepo('linked');
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'app.txt'), 'app\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'sub');
    // Branch "evil": sub is a symlink to a folder outside the repository.
    const outside = path.join(parent, 'outside');
    mkdirSync(outside);
    git(dir, 'switch', '-q', '-c', 'evil');
    git(dir, 'rm', '-q', '-r', 'sub');
    symlinkSync(outside, path.join(dir, 'sub'));
    git(dir, 'add', 'sub');
    git(dir, 'commit', '-q', '-m', 'sub is a link');
    git(dir, 'switch', '-q', 'main');
    await setSetting('baseBranch', 'evil');

    const folder = await addWorkspaceFolder(path.join(dir, 'sub'));
    const t = await a.tickets.create({ ...draft('Linked sub', {}, ['plan']), folder: folder.uri.toString() });
    assert.strictEqual(await a.runner.run({ ticketId: t.id, stage: 'plan' }), undefined, 'the stage ran');
    assert.match(a.runner.lastRefusal(t.id)!, /sub resolves to .*outside, outside ticket #\d+'s checkout .*a link on branch sdlc\/\d+-linked-sub points away/);
    assert.strictEqual((await stageRequests(t.id)).length, 0, 'the CLI was started');
    assert.deepStrictEqual(readdirSync(outside), [], 'something was written through the link');
    assert.strictEqual(a.tickets.get(t.id)!.workspace, undefined, 'a workspace was recorded');
    assert.deepStrictEqual(branches(dir), [], 'the ticket branch was left behind');
    const worktrees = path.join(parent, 'linked.worktrees');
    assert.deepStrictEqual(existsSync(worktrees) ? readdirSync(worktrees) : [], [], 'the worktree was left behind');
    assert.strictEqual(git(dir, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
  });

  it('item 5: a workspace cannot make the tickets folder "src"; an old "/src/" exclude line goes; Remove Worktree names ignored and untracked files', async () => {
    const a = await api();
    const { parent, dir } = makeRepo('tickets');
    writeFileSync(path.join(dir, '.gitignore'), '*.log\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'ignore logs');
    // What an earlier version wrote for a workspace's ticketsDirectory "src".
    const exclude = path.join(dir, '.git', 'info', 'exclude');
    writeFileSync(exclude, `*.tmp\n${MARKER}\n/src/\n`);
    const folder = await addWorkspaceFolder(dir);
    await setSetting('ticketsDirectory', 'src', vscode.ConfigurationTarget.Workspace);
    assert.strictEqual(a.config.forFolder(folder.uri).run.ticketsDirectory, '.sdlc/tickets');

    const t = await a.tickets.create({ ...draft('Add src file', {}, ['build']), folder: folder.uri.toString() });
    await mockControl({ writes: [{ stage: 'build', file: 'src/new.ts', content: 'export {};\n' }] });
    assert.strictEqual((await a.runner.run({ ticketId: t.id, stage: 'build' }))?.status, 'succeeded');
    assert.strictEqual(readFileSync(exclude, 'utf8'), `*.tmp\n${MARKER}\n/.sdlc/tickets/\n`);
    const ws = a.tickets.get(t.id)!.workspace!;
    // Build's new file is a change of the ticket again (it was hidden by "/src/").
    assert.strictEqual(git(ws.path!, 'status', '--porcelain'), '?? src/');
    assert.ok(existsSync(path.join(ws.path!, '.sdlc', 'tickets', String(t.id), 'ticket.md')));

    // An ignored file and an untracked one: both named before anything is deleted; the ticket's files are kept.
    writeFileSync(path.join(ws.path!, 'debug.log'), 'log\n');
    const lost = await a.workspaces.losses(a.tickets.get(t.id)!, ws);
    assert.deepStrictEqual(lost.ignored, ['debug.log']);
    assert.deepStrictEqual(lost.uncommitted, ['src/']);
    assert.strictEqual(lost.commitCount, 0);
    assert.ok(lost.kept.includes(`.sdlc/tickets/${t.id}/ticket.md`), JSON.stringify(lost.kept));
    assert.ok(lost.kept.every((k) => k.startsWith(`.sdlc/tickets/${t.id}/`) && k.endsWith('.md')), JSON.stringify(lost.kept));
    // `discard` names exactly what goes (the ignored file included), so no question is asked.
    const removed = await vscode.commands.executeCommand<{ ok: boolean }>('sdlcPipeline.removeWorktree', { ticketId: t.id, discard: { commits: 0, uncommitted: 1, ignored: 1 } });
    assert.ok(removed?.ok, JSON.stringify(removed));
    assert.ok(!existsSync(ws.path!));
    assert.match(readFileSync(path.join(dir, '.sdlc', 'tickets', String(t.id), 'ticket.md'), 'utf8'), /Add src file/);
    assert.ok(existsSync(parent));
  });

  it('item 13: Clean Up Worktrees lists merged and deleted tickets\' worktrees with what each would lose, and removes the picked ones', async () => {
    const a = await api();
    const { dir } = makeRepo('cleanup');
    const folder = await addWorkspaceFolder(dir);
    await setSetting('reviewGate', 'off');
    const merged = await a.tickets.create({ ...draft('Merged one', {}, ['build']), folder: folder.uri.toString() });
    const gone = await a.tickets.create({ ...draft('Deleted one', {}, ['build']), folder: folder.uri.toString() });
    const live = await a.tickets.create({ ...draft('Live one', {}, ['build']), folder: folder.uri.toString() });
    await mockControl({
      writes: [
        { stage: 'build', ticket: merged.id, file: 'merged.txt' },
        { stage: 'build', ticket: gone.id, file: 'gone.txt' },
        { stage: 'build', ticket: live.id, file: 'live.txt' },
      ],
    });
    for (const t of [merged, gone, live]) assert.strictEqual((await a.runner.run({ ticketId: t.id, stage: 'build' }))?.status, 'succeeded');
    const m = await vscode.commands.executeCommand<MergeOutcome>('sdlcPipeline.mergeTicket', { ticketId: merged.id, confirm: true });
    assert.ok(m.ok, JSON.stringify(m));
    const mergedWs = a.tickets.get(merged.id)!.workspace!;
    const goneWs = a.tickets.get(gone.id)!.workspace!;
    assert.strictEqual(await vscode.commands.executeCommand('sdlcPipeline.deleteTicket', { ticketId: gone.id, confirm: true }), true);

    const ours = [merged.id, gone.id, live.id];
    const listed = await vscode.commands.executeCommand<CleanUpResult>('sdlcPipeline.cleanUpWorktrees', { ticketIds: [] });
    // (Tickets of earlier tests may be stale too: only this test's are looked at.)
    listed.stale = listed.stale.filter((s) => ours.includes(s.ticketId));
    assert.deepStrictEqual(listed.stale.map((s) => [s.ticketId, s.why, s.branch]), [[merged.id, 'merged', mergedWs.branch], [gone.id, 'orphan', goneWs.branch]]);
    const [ofMerged, ofGone] = listed.stale;
    assert.deepStrictEqual([ofMerged.losses.commitCount, ofMerged.losses.uncommitted, ofMerged.losses.ignored], [0, [], []]);
    // The deleted ticket's worktree: its untracked file and its (no longer kept) ticket folder would go.
    assert.deepStrictEqual(ofGone.losses.uncommitted, ['gone.txt']);
    assert.deepStrictEqual(ofGone.losses.ignored, ['.sdlc/']);
    assert.deepStrictEqual(listed.removed, []);

    const done = await vscode.commands.executeCommand<CleanUpResult>('sdlcPipeline.cleanUpWorktrees', { ticketIds: [merged.id] });
    assert.deepStrictEqual(done.removed, [merged.id]);
    assert.ok(!existsSync(mergedWs.path!));
    assert.ok(existsSync(goneWs.path!), 'a worktree that was not picked was removed');
    assert.ok(existsSync(a.tickets.get(live.id)!.workspace!.path!));
    assert.deepStrictEqual(branches(dir).sort(), [goneWs.branch, a.tickets.get(live.id)!.workspace!.branch].sort());
    assert.strictEqual(a.tickets.get(merged.id)!.workspace!.removed, true);
  });
});
