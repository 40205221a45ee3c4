/**
 * What VS Code shows of a ticket's branch (part of `dist/worktrees.js`): its changes against
 * where it left the base in the multi-file diff editor, and its worktree in the Source Control
 * view, both through the built-in git extension's API; and the record Approve keeps of what was
 * reviewed (the branch's tip and the tree of everything the diff showed).
 *
 * The Git extension runs git in the folder it is given and trusts that folder's `.git`: it is
 * only ever given the repository's own folder, or a worktree whose `.git` file still points
 * where the repository says (an agent can rewrite that file to bring a config that runs commands).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ticket } from './domain/ticket';
import { parseChanges, type TicketWorkspace } from './domain/worktree';
import { notify } from './notify';
import { changes, commonDir, diffBase, dotGitPointsHome, exists, gitIn, repoOf, type WorktreeContext } from './worktreeGit';

/** The built-in git extension's API (it serves `git:` URIs), or undefined when it is not there. */
async function gitApi(): Promise<GitApi | undefined> {
  const ext = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git');
  if (!ext) return undefined;
  const exports = ext.isActive ? ext.exports : await ext.activate();
  return exports?.getAPI(1);
}

/**
 * Opens the multi-file diff editor: every file the ticket changed, its base commit on the left
 * (served from the repository's own folder: the commit is in its object store, so the worktree
 * is never opened in the Git extension), the worktree's file on the right.
 */
export async function review(ctx: WorktreeContext, ticket: Ticket): Promise<number> {
  const ws = ticket.workspace;
  if (!ws || ws.removed) throw new Error(vscode.l10n.t('ticket #{0} has no branch of its own.', ticket.id));
  const repo = await repoOf(ctx, ticket);
  const top = ws.path ?? repo;
  const api = await gitApi();
  if (!api) throw new Error(vscode.l10n.t('the built-in Git extension is disabled; enable it to review changes.'));
  await api.openRepository(vscode.Uri.file(repo));
  const from = await diffBase(ctx, ticket, ws);
  // A worktree whose .git file was rewritten is never opened in an editor (the Git extension would
  // open it as a repository and run git there): its branch's commits are shown from the repository.
  const home = !ws.path || (await dotGitPointsHome(await commonDir(ctx.git, repo), ws.path));
  const tip = home ? undefined : (await ctx.git.ok(repo, ['rev-parse', '--verify', `refs/heads/${ws.branch}^{commit}`])).trim();
  const files = tip ? parseChanges(await ctx.git.ok(repo, ['diff', '--name-status', '-z', '-M', from, tip, '--'])) : await changes(ctx, ticket, ws);
  if (!files.length) {
    void notify.info(vscode.l10n.t('ticket #{0} has no changes against {1} yet.', ticket.id, ws.base));
    return 0;
  }
  if (tip) void notify.warn(vscode.l10n.t('the .git file in {0} does not point at the repository\'s record of that worktree (it was changed, perhaps by the agent): Review Changes shows the commits on {1} only, from {2}, not what is uncommitted there. Remove the worktree, or restore the file with "git worktree repair" from {2}.', ws.path!, ws.branch, repo));
  const resources = files.map((c): [vscode.Uri, vscode.Uri | undefined, vscode.Uri | undefined] => {
    const inRepo = (p: string) => vscode.Uri.file(path.join(repo, ...p.split('/')));
    const file = tip ? inRepo(c.path) : vscode.Uri.file(path.join(top, ...c.path.split('/')));
    const after = tip ? api.toGitUri(file, tip) : file;
    return [file, c.kind === 'added' ? undefined : api.toGitUri(inRepo(c.from ?? c.path), from), c.kind === 'deleted' ? undefined : after];
  });
  await vscode.commands.executeCommand('vscode.changes', `#${ticket.id} ${ticket.title} (${ws.branch} ↔ ${ws.base})`, resources);
  return files.length;
}

/**
 * Shows the ticket's worktree as a repository in the Source Control view; a worktree whose
 * `.git` file no longer points at the repository's record of it is not opened (the repository's
 * own folder is shown instead, and the message says why).
 */
export async function revealInScm(ctx: WorktreeContext, ticket: Ticket): Promise<void> {
  const ws = ticket.workspace;
  if (!ws || ws.removed) throw new Error(vscode.l10n.t('ticket #{0} has no branch of its own.', ticket.id));
  const repo = await repoOf(ctx, ticket);
  const api = await gitApi();
  if (ws.path && !(await dotGitPointsHome(await commonDir(ctx.git, repo), ws.path))) {
    await api?.openRepository(vscode.Uri.file(repo));
    await vscode.commands.executeCommand('workbench.view.scm');
    throw new Error(vscode.l10n.t('the .git file in {0} does not point at the repository\'s record of that worktree (it was changed, perhaps by the agent), so Source Control does not open it: git there would follow it. Remove the worktree, or restore the file with "git worktree repair" from {1}.', ws.path, repo));
  }
  await api?.openRepository(vscode.Uri.file(ws.path ?? repo));
  await vscode.commands.executeCommand('workbench.view.scm');
}

/**
 * What Approve approves, read now: the branch's tip, and the tree of everything Review Changes
 * shows (the commits, plus what is uncommitted or untracked in the worktree), written through a
 * copy of the worktree's index so its own index and files are untouched.
 */
export async function reviewedState(ctx: WorktreeContext, ticket: Ticket, ws: TicketWorkspace): Promise<{ commit: string; tree: string }> {
  const repo = await repoOf(ctx, ticket);
  const commit = (await ctx.git.ok(repo, ['rev-parse', '--verify', `refs/heads/${ws.branch}^{commit}`])).trim();
  // A worktree deleted by hand: the next stage re-creates it from the branch, so the branch is what is reviewed.
  if (ws.path && !(await exists(ws.path))) return { commit, tree: (await ctx.git.ok(repo, ['rev-parse', `${commit}^{tree}`])).trim() };
  const work = await gitIn(ctx, ticket, ws);
  const head = (await work.run(['symbolic-ref', '--short', '-q', 'HEAD'])).stdout.trim();
  // In place (Merge never commits the user's folder), or a worktree on another branch: its commits are what is reviewed.
  if (ws.isolation === 'branch' || head !== ws.branch) return { commit, tree: (await ctx.git.ok(repo, ['rev-parse', `${commit}^{tree}`])).trim() };
  const index = path.resolve(work.dir, (await work.ok(['rev-parse', '--git-path', 'index'])).trim());
  const tmp = path.join(tmpdir(), `sdlc-review-${randomBytes(6).toString('hex')}.index`);
  try {
    await fs.copyFile(index, tmp).catch(async () => {
      if ((await work.run(['read-tree', 'HEAD'], undefined, { GIT_INDEX_FILE: tmp })).code !== 0) throw new Error(vscode.l10n.t('cannot read the worktree of ticket #{0}', ticket.id));
    });
    const added = await work.run(['add', '-A'], undefined, { GIT_INDEX_FILE: tmp });
    if (added.code !== 0) throw new Error(vscode.l10n.t('cannot read the worktree of ticket #{0} ({1})', ticket.id, added.stderr.trim()));
    const tree = await work.run(['write-tree'], undefined, { GIT_INDEX_FILE: tmp });
    if (tree.code !== 0) throw new Error(vscode.l10n.t('cannot read the worktree of ticket #{0} ({1})', ticket.id, tree.stderr.trim()));
    return { commit, tree: tree.stdout.trim() };
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** Approve: records what is approved on the ticket (see `reviewedState`); Merge merges only that. */
export async function recordReviewed(ctx: WorktreeContext, ticket: Ticket): Promise<void> {
  const ws = ticket.workspace;
  if (!ws || ws.removed) return;
  const state = await reviewedState(ctx, ticket, ws);
  await ctx.tickets.update(ticket.id, (t) => {
    if (t.workspace) t.workspace.reviewed = { ...state, at: Date.now() };
  });
}

/** The part of the built-in git extension's API used here (extensions/git/src/api/git.d.ts). */
interface GitApi {
  toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
  openRepository(root: vscode.Uri): Promise<unknown>;
}
