/**
 * Containment at the end of a ticket (issue #22, items 6, 8 and 12), in the real extension host
 * with real git, the real CLI, the mock Messages API and the mock GitHub API: a merge never
 * overwrites what is local where the base is checked out and says why when it cannot go ahead;
 * Merge merges only what was approved; the ticket's files come back without following links; and
 * no git the extension starts (Create Pull Request's push, Review Changes, Reveal in Source
 * Control) follows a `.git` file the agent rewrote in its worktree.
 */
import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PipelineResult } from '../../src/pipeline';
import type { MergeOutcome } from '../../src/worktrees';
import { addWorkspaceFolder, api, draft, git, mockControl, mockReset, removeAddedFolders, setSetting } from './helpers';

interface Repo {
  dir: string;
  folder: vscode.WorkspaceFolder;
  parent: string;
  bare?: string;
}

/** A fresh repository on main (README.md and a .gitignore naming `.env`), added as a workspace folder; with `origin`, its push goes to a bare repository and its fetch URL names acme/shop on the mock GitHub. */
async function addRepo(name: string, opts: { origin?: boolean } = {}): Promise<Repo> {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-contain-')));
  const dir = path.join(parent, name);
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'user.name', 'SDLC Test');
  writeFileSync(path.join(dir, 'README.md'), `# ${name}\n`);
  writeFileSync(path.join(dir, '.gitignore'), '.env\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  let bare: string | undefined;
  if (opts.origin) {
    const gh = process.env.SDLC_MOCK_GITHUB;
    assert.ok(gh, 'SDLC_MOCK_GITHUB is not set: run through npm test');
    bare = path.join(parent, 'origin.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    git(dir, 'remote', 'add', 'origin', `${gh}/acme/shop.git`);
    git(dir, 'remote', 'set-url', '--push', 'origin', bare);
    git(dir, 'push', '-q', 'origin', 'main');
  }
  const folder = await addWorkspaceFolder(dir);
  return { dir, folder, parent, bare };
}

const ticketIn = async (repo: Repo, title: string, stages: string[]) => (await api()).tickets.create({ ...draft(title, {}, stages), folder: repo.folder.uri.toString() });
const mergeTicket = (ticketId: number, more: object = {}) => vscode.commands.executeCommand<MergeOutcome>('sdlcPipeline.mergeTicket', { ticketId, confirm: true, ...more });

/** Commits in a worktree by hand (what an agent's own `git commit` does), `force` naming ignored files to add too. */
function commitIn(wt: string, message: string, force: string[] = []): void {
  git(wt, 'add', '-A');
  if (force.length) git(wt, 'add', '-f', '--', ...force);
  git(wt, '-c', 'user.email=agent@example.com', '-c', 'user.name=Agent', 'commit', '-q', '-m', message);
}

/**
 * A repository an agent could make and point its worktree's `.git` file at: its config runs
 * `touch <marker>` as the file-system monitor, the ssh command and every hook.
 */
function plantedGitDir(): { gitdir: string; marker: string } {
  const evil = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-planted-')));
  const marker = path.join(evil, 'PWNED');
  git(evil, 'init', '-q');
  const hook = path.join(evil, 'hook.sh');
  writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
  const hooks = path.join(evil, 'hooks');
  mkdirSync(hooks);
  for (const h of ['pre-push', 'pre-commit', 'post-merge', 'post-checkout', 'reference-transaction']) writeFileSync(path.join(hooks, h), `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
  git(evil, 'config', 'core.fsmonitor', hook);
  git(evil, 'config', 'core.sshCommand', `sh -c 'touch ${marker}'`);
  git(evil, 'config', 'core.hooksPath', hooks);
  git(evil, 'config', 'remote.origin.url', 'ssh://git@example.invalid/acme/shop.git');
  return { gitdir: path.join(evil, '.git'), marker };
}

describe('containment at the end of a ticket: merge, review, push (real git, real CLI, mock GitHub)', () => {
  beforeEach(() => mockReset());
  afterEach(async () => {
    await mockReset();
    await setSetting('reviewGate', undefined);
    await removeAddedFolders();
  });

  it('a merge never overwrites a local change where the base is checked out (uncommitted or ignored): it refuses, names the files, and changes nothing', async () => {
    const a = await api();
    await setSetting('reviewGate', 'off');
    const repo = await addRepo('dirty');
    const t = await ticketIn(repo, 'Touch readme and env', ['build']);
    assert.strictEqual((await a.pipeline.run(t.id, { quiet: true })).status, 'succeeded');
    const ws = a.tickets.get(t.id)!.workspace!;
    // What the agent changed (by hand: the CLI's Write tool refuses a file it has not read first).
    writeFileSync(path.join(ws.path!, 'README.md'), '# from the ticket\n');
    // The branch also carries an ignored file the user has locally (force-added by the agent).
    writeFileSync(path.join(ws.path!, '.env'), 'FROM_AGENT=1\n');
    commitIn(ws.path!, 'ticket work', ['.env']);
    const branchTip = git(repo.dir, 'rev-parse', ws.branch);
    const baseTip = git(repo.dir, 'rev-parse', 'main');

    // The user's folder (main checked out) has an uncommitted edit to README.md and an ignored .env.
    writeFileSync(path.join(repo.dir, 'README.md'), '# my local edit\n');
    writeFileSync(path.join(repo.dir, '.env'), 'API_KEY=mine\n');
    let r = await mergeTicket(t.id);
    assert.ok(!r.ok && r.reason === 'local-changes', JSON.stringify(r));
    assert.deepStrictEqual(!r.ok && r.files, ['.env', 'README.md']);
    assert.ok(r.message.includes(`main is checked out in ${repo.dir}, which has 2 local changes the merge would overwrite: .env, README.md (uncommitted, untracked or ignored). Nothing was merged`), r.message);
    assert.strictEqual(readFileSync(path.join(repo.dir, 'README.md'), 'utf8'), '# my local edit\n', 'the user\'s uncommitted edit was overwritten');
    assert.strictEqual(readFileSync(path.join(repo.dir, '.env'), 'utf8'), 'API_KEY=mine\n', 'the user\'s ignored file was overwritten');
    assert.strictEqual(git(repo.dir, 'rev-parse', 'main'), baseTip, 'the base moved');
    assert.strictEqual(git(repo.dir, 'rev-parse', ws.branch), branchTip, 'the branch moved');

    // Only the ignored file left in the way (git itself would overwrite it without a word).
    git(repo.dir, 'checkout', '-q', '--', 'README.md');
    r = await mergeTicket(t.id);
    assert.ok(!r.ok && r.reason === 'local-changes', JSON.stringify(r));
    assert.deepStrictEqual(!r.ok && r.files, ['.env']);
    assert.strictEqual(readFileSync(path.join(repo.dir, '.env'), 'utf8'), 'API_KEY=mine\n', 'the user\'s ignored file was overwritten');
    assert.strictEqual(git(repo.dir, 'rev-parse', 'main'), baseTip);

    // Moved away: the merge goes ahead, and a local change it does not touch stays.
    rmSync(path.join(repo.dir, '.env'));
    writeFileSync(path.join(repo.dir, 'notes.txt'), 'mine\n');
    r = await mergeTicket(t.id);
    assert.ok(r.ok && r.kind === 'fast-forward', JSON.stringify(r));
    assert.strictEqual(git(repo.dir, 'rev-parse', 'main'), branchTip);
    assert.strictEqual(readFileSync(path.join(repo.dir, 'README.md'), 'utf8'), '# from the ticket\n');
    assert.strictEqual(readFileSync(path.join(repo.dir, 'notes.txt'), 'utf8'), 'mine\n');
  });

  it('the base checked out in another worktree: a missing one or one with local changes in the way is named and nothing is merged; a clean one moves; its .git file is never followed', async () => {
    const a = await api();
    await setSetting('reviewGate', 'off');
    const repo = await addRepo('elsewhere');
    const t = await ticketIn(repo, 'Change the readme', ['build']);
    assert.strictEqual((await a.pipeline.run(t.id, { quiet: true })).status, 'succeeded');
    const ws = a.tickets.get(t.id)!.workspace!;
    // Left uncommitted by the agent (by hand: the CLI's Write tool refuses a file it has not read first).
    writeFileSync(path.join(ws.path!, 'README.md'), '# ticket\n');
    // The user works on dev in their folder; main is checked out in a worktree of their own.
    git(repo.dir, 'switch', '-q', '-c', 'dev');
    const other = path.join(repo.parent, 'main-wt');
    git(repo.dir, 'worktree', 'add', '-q', other, 'main');
    const baseTip = git(repo.dir, 'rev-parse', 'main');

    // Missing (deleted by hand): named, with what to do; the leftovers commit is undone.
    rmSync(other, { recursive: true, force: true });
    let r = await mergeTicket(t.id);
    assert.ok(!r.ok && r.reason === 'base-busy', JSON.stringify(r));
    assert.match(r.message, /main is checked out in .*main-wt, which is missing\. Nothing was merged: run "git worktree prune"/);
    assert.strictEqual(git(repo.dir, 'rev-parse', 'main'), baseTip);
    assert.strictEqual(git(repo.dir, 'rev-parse', ws.branch), baseTip, 'the leftovers commit stayed on the branch');
    assert.strictEqual(git(ws.path!, 'status', '--porcelain'), 'M README.md');
    git(repo.dir, 'worktree', 'prune');
    git(repo.dir, 'worktree', 'add', '-q', other, 'main');

    // A local edit there that the merge would overwrite: named; that worktree and the base unchanged.
    writeFileSync(path.join(other, 'README.md'), '# edited in the other worktree\n');
    r = await mergeTicket(t.id);
    assert.ok(!r.ok && r.reason === 'local-changes', JSON.stringify(r));
    assert.match(r.message, /main is checked out in .*main-wt, which has a local change the merge would overwrite: README\.md/);
    assert.strictEqual(readFileSync(path.join(other, 'README.md'), 'utf8'), '# edited in the other worktree\n');
    assert.strictEqual(git(repo.dir, 'rev-parse', 'main'), baseTip);
    git(other, 'checkout', '-q', '--', 'README.md');

    // Its .git file rewritten to a planted repository: git there is pinned, nothing from it runs; the merge moves that worktree.
    const planted = plantedGitDir();
    const dotGit = path.join(other, '.git');
    const original = readFileSync(dotGit, 'utf8');
    writeFileSync(dotGit, `gitdir: ${planted.gitdir}\n`);
    try {
      r = await mergeTicket(t.id);
      assert.ok(r.ok && r.kind === 'fast-forward', JSON.stringify(r));
      assert.ok(!existsSync(planted.marker), 'a command from the other worktree\'s planted .git ran');
    } finally {
      writeFileSync(dotGit, original);
    }
    assert.strictEqual(git(repo.dir, 'rev-parse', 'main'), git(repo.dir, 'rev-parse', ws.branch));
    assert.strictEqual(readFileSync(path.join(other, 'README.md'), 'utf8'), '# ticket\n', 'the worktree holding the base did not move with it');
    assert.strictEqual(git(other, 'status', '--porcelain'), '');
  });

  it('Merge merges what was approved: a file the Merge stage adds after Approve is named and needs its own approval', async () => {
    const a = await api();
    const repo = await addRepo('approved');
    const t = await ticketIn(repo, 'Reviewed change', ['build', 'merge']);
    await mockControl({ writes: [{ stage: 'build', file: 'reviewed.txt', content: 'reviewed\n' }, { stage: 'merge', file: 'sneaked.txt', content: 'added after review\n' }] });
    assert.strictEqual((await a.pipeline.run(t.id, { quiet: true })).status, 'awaiting-review');
    const approved = await vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.approveTicket', { ticketId: t.id });
    assert.strictEqual(approved.status, 'succeeded', JSON.stringify(approved));
    const ws = a.tickets.get(t.id)!.workspace!;
    assert.ok(ws.reviewed, 'Approve recorded nothing');
    assert.strictEqual(ws.reviewed.commit, git(repo.dir, 'rev-parse', 'main'), 'the reviewed tip is the branch as it was (nothing committed yet)');
    assert.ok(existsSync(path.join(ws.path!, 'sneaked.txt')), 'the Merge stage wrote nothing (the test would prove nothing)');
    const baseTip = git(repo.dir, 'rev-parse', 'main');

    const r = await mergeTicket(t.id);
    assert.ok(!r.ok && r.reason === 'unreviewed', JSON.stringify(r));
    assert.deepStrictEqual(!r.ok && r.files, ['sneaked.txt']);
    assert.match(r.message, /1 file changed on sdlc\/\d+-reviewed-change after you approved ticket #\d+: sneaked\.txt\. Nothing was merged/);
    assert.strictEqual(git(repo.dir, 'rev-parse', 'main'), baseTip, 'the base moved');
    assert.strictEqual(git(repo.dir, 'rev-parse', ws.branch), baseTip, 'the leftovers commit stayed on the branch');
    assert.strictEqual(git(ws.path!, 'status', '--porcelain'), '?? reviewed.txt\n?? sneaked.txt');
    // Approving another tree approves nothing.
    const wrong = await mergeTicket(t.id, { approveUnreviewed: '0'.repeat(40) });
    assert.ok(!wrong.ok && wrong.reason === 'unreviewed', JSON.stringify(wrong));

    // Approved too (the tree the refusal named): merged, both files.
    const m = await mergeTicket(t.id, { approveUnreviewed: !r.ok ? r.tree : undefined });
    assert.ok(m.ok && m.kind === 'fast-forward', JSON.stringify(m));
    assert.strictEqual(git(repo.dir, 'show', 'main:sneaked.txt'), 'added after review');
    assert.strictEqual(git(repo.dir, 'show', 'main:reviewed.txt'), 'reviewed');
  });

  it('Remove Worktree copies the ticket\'s files back without following a link the agent planted on the way', async () => {
    const a = await api();
    await setSetting('reviewGate', 'off');
    const repo = await addRepo('keep');
    const t = await ticketIn(repo, 'Linked notes', ['plan']);
    assert.strictEqual((await a.pipeline.run(t.id, { quiet: true })).status, 'succeeded');
    const ws = a.tickets.get(t.id)!.workspace!;
    const ticketDir = path.join(ws.path!, '.sdlc', 'tickets', String(t.id));
    assert.ok(existsSync(path.join(ticketDir, 'ticket.md')));
    // The agent swaps its ticket folder for a link to a folder of secrets (a .md name, as the copy wants).
    const secrets = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-secrets-')));
    writeFileSync(path.join(secrets, 'id_rsa.md'), 'PRIVATE KEY\n');
    rmSync(ticketDir, { recursive: true, force: true });
    symlinkSync(secrets, ticketDir);
    // Through the service (the command's dialog about what would be lost is another test's).
    const removed = await a.workspaces.remove(a.tickets.get(t.id)!, false);
    assert.ok(removed.ok, removed.message);
    const kept = path.join(repo.dir, '.sdlc', 'tickets', String(t.id), 'id_rsa.md');
    assert.ok(!existsSync(kept), 'a file behind a link in the worktree was copied into the user\'s folder');
  });

  it('a rewritten .git file in the worktree is never followed: Create Pull Request pushes, Review Changes opens, Reveal in Source Control refuses, and nothing from the planted config runs', async () => {
    const a = await api();
    await setSetting('reviewGate', 'off');
    await fetch(`${process.env.SDLC_MOCK_GITHUB}/__reset`, { method: 'POST' });
    const repo = await addRepo('shop', { origin: true });
    const t = await ticketIn(repo, 'Pushed safely', ['build']);
    await mockControl({ writes: [{ stage: 'build', file: 'feature.txt', content: 'feature\n' }] });
    assert.strictEqual((await a.pipeline.run(t.id, { quiet: true })).status, 'succeeded');
    const ws = a.tickets.get(t.id)!.workspace!;
    commitIn(ws.path!, 'feature');
    const planted = plantedGitDir();
    const dotGit = path.join(ws.path!, '.git');
    const original = readFileSync(dotGit, 'utf8');
    writeFileSync(dotGit, `gitdir: ${planted.gitdir}\n`);
    try {
      assert.ok(!existsSync(planted.marker));
      execFileSync('git', ['-C', ws.path!, 'status'], { stdio: 'ignore' });
      assert.ok(existsSync(planted.marker), 'the planted config does run for a plain git in the worktree (the test would prove nothing)');
      rmSync(planted.marker);

      const pr = await vscode.commands.executeCommand<{ number: number } | undefined>('sdlcPipeline.createPullRequest', { ticketId: t.id });
      assert.ok(pr?.number, 'no pull request');
      assert.strictEqual(git(repo.bare!, 'rev-parse', ws.branch), git(repo.dir, 'rev-parse', ws.branch), 'the branch was not pushed');
      assert.ok(!existsSync(planted.marker), 'Create Pull Request ran a command from the worktree\'s planted .git');

      const shown = await vscode.commands.executeCommand<number>('sdlcPipeline.reviewChanges', { ticketId: t.id });
      assert.strictEqual(shown, 1);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.commands.executeCommand('sdlcPipeline.revealInSourceControl', { ticketId: t.id });
      // The Git extension polls what it opened: give it time to run git there if it did.
      await new Promise((r) => setTimeout(r, 3000));
      assert.ok(!existsSync(planted.marker), 'Review Changes or Reveal in Source Control ran a command from the worktree\'s planted .git');
    } finally {
      writeFileSync(dotGit, original);
    }
  });
  it('a pull request always holds the ticket\'s change: what Build left uncommitted is committed first (the list shown, the tickets folder never), and in your own folder it is refused (item 11)', async () => {
    const a = await api();
    await setSetting('reviewGate', 'off');
    await fetch(`${process.env.SDLC_MOCK_GITHUB}/__reset`, { method: 'POST' });
    const repo = await addRepo('shop', { origin: true });
    const t = await ticketIn(repo, 'Uncommitted work', ['build']);
    await mockControl({ writes: [{ stage: 'build', file: 'feature.txt', content: 'feature\n' }] });
    assert.strictEqual((await a.pipeline.run(t.id, { quiet: true })).status, 'succeeded');
    const ws = a.tickets.get(t.id)!.workspace!;
    // What Build left: a new file and an edit, uncommitted; and a note in the tickets folder.
    writeFileSync(path.join(ws.path!, 'README.md'), '# shop, edited\n');
    const notes = path.join(ws.path!, '.sdlc', 'tickets', String(t.id), 'notes.md');
    mkdirSync(path.dirname(notes), { recursive: true });
    writeFileSync(notes, 'the agent\'s notes\n');
    assert.deepStrictEqual(await a.workspaces.uncommitted(a.tickets.get(t.id)!, ws), ['README.md', 'feature.txt']);
    // A list that is not what is there is not an agreement: nothing committed (the modal would ask; the test answers by the list).
    const tip = git(repo.dir, 'rev-parse', ws.branch);
    const stale = await a.workspaces.commitWork(a.tickets.get(t.id)!, ws, ['feature.txt']);
    assert.deepStrictEqual([stale.ok, git(repo.dir, 'rev-parse', ws.branch)], [false, tip], stale.message);
    const pr = await vscode.commands.executeCommand<{ number: number } | undefined>('sdlcPipeline.createPullRequest', { ticketId: t.id, commit: ['README.md', 'feature.txt'] });
    assert.ok(pr?.number, 'no pull request');
    assert.strictEqual(git(repo.bare!, 'show', `${ws.branch}:feature.txt`), 'feature', 'the pull request\'s branch lacks the file Build left uncommitted');
    assert.strictEqual(git(repo.bare!, 'show', `${ws.branch}:README.md`), '# shop, edited');
    assert.strictEqual(git(repo.bare!, 'ls-tree', '-r', '--name-only', ws.branch).split('\n').filter((f) => f.startsWith('.sdlc')).join(','), '', 'the tickets folder was committed');
    assert.strictEqual(git(ws.path!, 'status', '--porcelain'), '');

    // In place on a feature branch of the user's own folder: an uncommitted change is theirs; no pull request without it.
    await fetch(`${process.env.SDLC_MOCK_GITHUB}/__reset`, { method: 'POST' });
    const own = await a.tickets.create({ ...draft('In my folder', {}, ['plan']), folder: repo.folder.uri.toString() });
    git(repo.dir, 'checkout', '-q', '-b', 'feature/mine');
    writeFileSync(path.join(repo.dir, 'mine.txt'), 'mine\n');
    git(repo.dir, 'add', 'mine.txt');
    git(repo.dir, 'commit', '-q', '-m', 'mine');
    writeFileSync(path.join(repo.dir, 'mine.txt'), 'mine, edited\n');
    assert.strictEqual(await vscode.commands.executeCommand('sdlcPipeline.createPullRequest', { ticketId: own.id, commit: ['mine.txt'] }), undefined);
    assert.strictEqual(git(repo.bare!, 'branch', '--list', 'feature/mine'), '', 'the branch was pushed without its uncommitted change');
    const posted = (await (await fetch(`${process.env.SDLC_MOCK_GITHUB}/__log`)).json()) as { method: string; path: string }[];
    assert.ok(!posted.some((q) => q.method === 'POST' && q.path.endsWith('/pulls')), 'a pull request was opened without the change');
    assert.strictEqual(readFileSync(path.join(repo.dir, 'mine.txt'), 'utf8'), 'mine, edited\n', 'the user\'s change was touched');
    git(repo.dir, 'checkout', '-q', '--', 'mine.txt');
    git(repo.dir, 'checkout', '-q', 'main');
  });
});
