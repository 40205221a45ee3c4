/**
 * The end of a ticket's branch (part of `dist/worktrees.js`): merging it into its base (its
 * worktree's leftovers committed first; fast-forward, else a merge commit, never a conflicted
 * tree), updating it from the base, counting what it has not merged, and removing its worktree
 * and branch (the ticket's files copied back to the workspace folder first).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ticketPaths } from './domain/prompt';
import type { Ticket } from './domain/ticket';
import { countStatus, parseLeftRight, parseWorktreeList, type TicketWorkspace } from './domain/worktree';
import { GitError } from './git';
import { safeWriteFile } from './safeFiles';
import { commonDir, exists, gitIn, realpath, repoOf, type WorkGit, type WorktreeContext } from './worktreeGit';

export type MergeOutcome =
  | { ok: true; kind: 'fast-forward' | 'merge-commit'; commit: string; committedLeftovers: boolean }
  | { ok: false; reason: 'nothing' | 'conflict' | 'error' | 'cancelled'; message: string; files?: string[] };

/**
 * Commits what the agent left uncommitted in the worktree, then merges the ticket's branch
 * into its base: fast-forward when possible, else a merge commit. Never touches a tree when
 * the merge would conflict (checked first with `git merge-tree`).
 */
export async function merge(ctx: WorktreeContext, ticket: Ticket): Promise<MergeOutcome> {
  const ws = ticket.workspace;
  if (!ws || ws.removed) return { ok: false, reason: 'error', message: vscode.l10n.t('ticket #{0} has no branch of its own.', ticket.id) };
  const repo = await repoOf(ctx, ticket);
  const common = await commonDir(ctx.git, repo);
  /** The branch's tip before the leftovers were committed: a merge that cannot go ahead puts it back. */
  let leftoversOn: string | undefined;
  let work: WorkGit | undefined;
  const undoLeftovers = async () => {
    if (leftoversOn && work) await work.ok(['reset', '-q', leftoversOn]);
    leftoversOn = undefined;
  };
  return ctx.git.exclusive(common, async (): Promise<MergeOutcome> => {
    let committedLeftovers = false;
    if (ws.path && !(await exists(ws.path))) return { ok: false, reason: 'error', message: vscode.l10n.t('ticket #{0}\'s worktree {1} is missing; run a stage to re-create it, or merge {2} by hand.', ticket.id, ws.path, ws.branch) };
    work = await gitIn(ctx, ticket, ws);
    const dirty = countStatus(await work.ok(['status', '--porcelain', '-z']));
    if (dirty && ws.isolation === 'branch') {
      // In place the folder is the user's: what is uncommitted there is theirs to commit (or not).
      const message = dirty === 1
        ? vscode.l10n.t('{0} has 1 uncommitted change. With "branch" isolation the ticket works in your folder, so commit what belongs to {1} (or stash the rest), then merge again.', work.dir, ws.branch)
        : vscode.l10n.t('{0} has {1} uncommitted changes. With "branch" isolation the ticket works in your folder, so commit what belongs to {2} (or stash the rest), then merge again.', work.dir, dirty, ws.branch);
      return { ok: false, reason: 'error', message };
    }
    if (dirty) {
      const head = (await work.run(['symbolic-ref', '--short', '-q', 'HEAD'])).stdout.trim();
      if (head !== ws.branch) {
        const message = head
          ? vscode.l10n.t('ticket #{0}\'s worktree has {1} checked out, not {2}; nothing was committed or merged.', ticket.id, head, ws.branch)
          : vscode.l10n.t('ticket #{0}\'s worktree has a detached HEAD checked out, not {1}; nothing was committed or merged.', ticket.id, ws.branch);
        return { ok: false, reason: 'error', message };
      }
      leftoversOn = (await work.ok(['rev-parse', 'HEAD'])).trim();
      await work.ok(['add', '-A']);
      await work.ok(['commit', '-q', '-F', '-'], `SDLC #${ticket.id}: ${ticket.title}\n\nCommitted by SDLC Pipeline: the changes the pipeline left uncommitted in the ticket's worktree.\n`);
      committedLeftovers = true;
    }
    const baseRef = `refs/heads/${ws.base}`;
    const baseTip = await ctx.git.value(repo, ['rev-parse', '--verify', '-q', `${baseRef}^{commit}`]);
    if (!baseTip) {
      await undoLeftovers();
      return { ok: false, reason: 'error', message: vscode.l10n.t('the base branch {0} no longer exists; create it again or merge {1} by hand.', ws.base, ws.branch) };
    }
    const tip = await ctx.git.ok(repo, ['rev-parse', `refs/heads/${ws.branch}^{commit}`]).then((s) => s.trim());
    const lr = parseLeftRight(await ctx.git.ok(repo, ['rev-list', '--left-right', '--count', `${baseRef}...refs/heads/${ws.branch}`]));
    if (!lr || lr.right === 0) return { ok: false, reason: 'nothing', message: vscode.l10n.t('{0} has no commits that {1} does not have; nothing to merge.', ws.branch, ws.base) };
    const checkedOut = parseWorktreeList(await ctx.git.ok(repo, ['worktree', 'list', '--porcelain', '-z'])).find((e) => e.branch === ws.base);
    const message = `Merge ${ws.branch}: SDLC #${ticket.id} ${ticket.title}\n`;
    if (lr.left === 0) {
      if (checkedOut) await ctx.git.ok(checkedOut.path, ['merge', '-q', '--ff-only', `refs/heads/${ws.branch}`]);
      else await ctx.git.ok(repo, ['update-ref', '-m', `SDLC Pipeline: fast-forward ${ws.base} to ${ws.branch}`, baseRef, tip, baseTip]);
      await recordMerge(ctx, ticket.id, tip);
      return { ok: true, kind: 'fast-forward', commit: tip, committedLeftovers };
    }
    // A merge commit: find conflicts first, without touching any tree.
    const probe = await ctx.git.run(repo, ['merge-tree', '--write-tree', '--name-only', '--no-messages', baseRef, `refs/heads/${ws.branch}`]);
    if (probe.code === 1) {
      await undoLeftovers();
      const files = probe.stdout.split('\n').slice(1).filter(Boolean);
      const where = files.slice(0, 5).join(', ') || vscode.l10n.t('some files');
      const message = lr.left === 1
        ? vscode.l10n.t('{0} conflicts with {1} ({1} moved on by 1 commit) in {2}. Nothing was changed: the branch and worktree are as they were. Update the ticket from {1} (or open its worktree and merge {1} there), resolve, then merge again.', ws.branch, ws.base, where)
        : vscode.l10n.t('{0} conflicts with {1} ({1} moved on by {2} commits) in {3}. Nothing was changed: the branch and worktree are as they were. Update the ticket from {1} (or open its worktree and merge {1} there), resolve, then merge again.', ws.branch, ws.base, lr.left, where);
      return { ok: false, reason: 'conflict', files, message };
    }
    if (probe.code !== 0) {
      await undoLeftovers();
      throw new GitError(['merge-tree'], probe);
    }
    let commit: string;
    if (checkedOut) {
      // `git merge` reads no message from stdin: one argument (never through a shell), after `-m`.
      await ctx.git.ok(checkedOut.path, ['merge', '-q', '--no-ff', '-m', message.trim(), `refs/heads/${ws.branch}`]);
      commit = (await ctx.git.ok(checkedOut.path, ['rev-parse', 'HEAD'])).trim();
    } else {
      const tree = probe.stdout.split('\n')[0].trim();
      commit = (await ctx.git.ok(repo, ['commit-tree', tree, '-p', baseTip, '-p', tip, '-F', '-'], message)).trim();
      await ctx.git.ok(repo, ['update-ref', '-m', `SDLC Pipeline: merge ${ws.branch}`, baseRef, commit, baseTip]);
    }
    await recordMerge(ctx, ticket.id, commit);
    return { ok: true, kind: 'merge-commit', commit, committedLeftovers };
  }).catch(async (e: Error): Promise<MergeOutcome> => {
    await undoLeftovers().catch(() => undefined);
    return { ok: false, reason: 'error', message: vscode.l10n.t('merging ticket #{0} failed; nothing was lost ({1}).', ticket.id, e.message) };
  })
    .finally(() => ctx.invalidate(ticket.id));
}

async function recordMerge(ctx: WorktreeContext, ticketId: number, commit: string): Promise<void> {
  await ctx.tickets.update(ticketId, (t) => {
    if (t.workspace) Object.assign(t.workspace, { mergedAt: Date.now(), mergeCommit: commit });
  });
}

/** Merges the base into the ticket's branch in its worktree (the base moved on). A conflict is aborted: the worktree is as it was. */
export async function updateFromBase(ctx: WorktreeContext, ticket: Ticket): Promise<{ ok: boolean; message: string }> {
  const ws = ticket.workspace;
  if (!ws?.path || ws.removed) return { ok: false, message: vscode.l10n.t('ticket #{0} has no worktree.', ticket.id) };
  const repo = await repoOf(ctx, ticket);
  const common = await commonDir(ctx.git, repo);
  return ctx.git.exclusive(common, async () => {
    const git = await gitIn(ctx, ticket, ws);
    if (countStatus(await git.ok(['status', '--porcelain', '-z', '--untracked-files=no']))) return { ok: false, message: vscode.l10n.t('ticket #{0}\'s worktree has uncommitted changes; run its Merge stage (which commits) or commit there first.', ticket.id) };
    const r = await git.run(['merge', '-q', '--no-edit', `refs/heads/${ws.base}`]);
    if (r.code === 0) return { ok: true, message: vscode.l10n.t('{0} now includes {1}.', ws.branch, ws.base) };
    await git.run(['merge', '--abort']);
    return { ok: false, message: vscode.l10n.t('merging {0} into {1} conflicts; it was undone. Open the worktree and run "git merge {0}" to resolve the conflicts yourself.', ws.base, ws.branch) };
  }).finally(() => ctx.invalidate(ticket.id));
}

/** Commits on the ticket's branch that its base does not have, and uncommitted files in its worktree. */
export async function unmerged(ctx: WorktreeContext, ticket: Ticket): Promise<{ commits: number; uncommitted: number }> {
  const ws = ticket.workspace!;
  const repo = await repoOf(ctx, ticket);
  const hasBranch = !!(await ctx.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${ws.branch}`]));
  const hasBase = !!(await ctx.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${ws.base}`]));
  const commits = !hasBranch ? 0 : Number((await ctx.git.ok(repo, ['rev-list', '--count', hasBase ? `refs/heads/${ws.base}..refs/heads/${ws.branch}` : `refs/heads/${ws.branch}`])).trim()) || 0;
  // In a worktree: what is uncommitted there. In place: the folder's changes while the ticket's branch is checked out.
  const inPlace = ws.isolation === 'branch' && (await ctx.git.value(repo, ['symbolic-ref', '--short', '-q', 'HEAD'])) === ws.branch;
  const uncommitted = (ws.path && (await exists(ws.path))) || inPlace ? countStatus(await (await gitIn(ctx, ticket, ws)).ok(['status', '--porcelain', '-z'])) : 0;
  return { commits, uncommitted };
}

/**
 * Removes the worktree and deletes the branch. Unmerged commits or uncommitted files are only
 * thrown away with `force` (the caller asked, naming how many).
 */
export async function remove(ctx: WorktreeContext, ticket: Ticket, force: boolean): Promise<{ ok: boolean; message: string }> {
  const ws = ticket.workspace;
  if (!ws || ws.removed) return { ok: false, message: vscode.l10n.t('ticket #{0} has no worktree or branch to remove.', ticket.id) };
  const repo = await repoOf(ctx, ticket);
  const common = await commonDir(ctx.git, repo);
  return ctx.git.exclusive(common, async () => {
    const { commits, uncommitted } = await unmerged(ctx, ticket);
    if ((commits || uncommitted) && !force) return { ok: false, message: vscode.l10n.t('{0} has {1} unmerged commit(s) and {2} uncommitted change(s); nothing was removed.', ws.branch, commits, uncommitted) };
    if (ws.isolation === 'branch' && (await ctx.git.value(repo, ['symbolic-ref', '--short', '-q', 'HEAD'])) === ws.branch) {
      if (!(await ctx.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${ws.base}`]))) return { ok: false, message: vscode.l10n.t('the base branch {0} is gone, so {1} stays checked out; check out another branch first.', ws.base, ws.branch) };
      await ctx.git.ok(repo, ['switch', '-q', '--no-guess', ws.base]);
    }
    if (ws.path) {
      await keepTicketFiles(ctx, ticket, ws);
      const list = parseWorktreeList(await ctx.git.ok(repo, ['worktree', 'list', '--porcelain', '-z']));
      const real = await realpath(ws.path);
      const registered = list.some((e) => (e.path === ws.path || e.path === real) && e.branch === ws.branch);
      if (registered) await ctx.git.ok(repo, ['worktree', 'remove', ...(force ? ['--force'] : []), ws.path]);
      else await ctx.git.ok(repo, ['worktree', 'prune']);
    }
    if (await ctx.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${ws.branch}`])) {
      await ctx.git.ok(repo, ['branch', force ? '-D' : '-d', ws.branch]);
    }
    await ctx.tickets.update(ticket.id, (t) => {
      if (t.workspace) t.workspace.removed = true;
    });
    return { ok: true, message: ws.path ? vscode.l10n.t('removed the worktree {0} and branch {1}.', ws.path, ws.branch) : vscode.l10n.t('removed branch {0}.', ws.branch) };
  }).finally(() => ctx.invalidate(ticket.id));
}

/**
 * The ticket's files (plan, questions, review…) live in its worktree, out of its commits: copy
 * them to the workspace folder before the worktree goes, so the stages' output is not lost.
 */
async function keepTicketFiles(ctx: WorktreeContext, ticket: Ticket, ws: TicketWorkspace): Promise<void> {
  const folder = ctx.tickets.folderOf(ticket);
  if (!folder || !ws.path) return;
  const rel = ticketPaths(ctx.config.forTicket(ticket).run.ticketsDirectory, ticket.id);
  const from = path.join(ws.path, ...ws.subdir.split('/').filter(Boolean), ...rel.dir.split('/'));
  for (const name of await fs.readdir(from).catch(() => [] as string[])) {
    const st = await fs.lstat(path.join(from, name)).catch(() => undefined);
    if (!st?.isFile() || !/^[\w.-]+\.md$/.test(name)) continue;
    await safeWriteFile(folder.uri.fsPath, `${rel.dir}/${name}`, await fs.readFile(path.join(from, name), 'utf8'));
  }
}
