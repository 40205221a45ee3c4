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
import { oneLine, type Ticket } from './domain/ticket';
import { countStatus, overlapping, parseLeftRight, parseWorktreeList, statusFiles, statusPaths, type TicketWorkspace, type WorktreeEntry } from './domain/worktree';
import { GitError } from './git';
import { safeReadFile, safeWriteFile } from './safeFiles';
import { adminDir, commonDir, exists, gitAt, gitIn, realpath, repoOf, type WorkGit, type WorktreeContext } from './worktreeGit';

export type MergeOutcome =
  | { ok: true; kind: 'fast-forward' | 'merge-commit'; commit: string; committedLeftovers: boolean }
  | {
    ok: false;
    /**
     * `local-changes`: the folder where the base is checked out has local files the merge would
     * overwrite; `base-busy`: that folder is missing or mid-merge, or the base is being rebased or
     * bisected; `unreviewed`: the branch changed after Approve (`tree` is what approving it names).
     */
    reason: 'nothing' | 'conflict' | 'error' | 'cancelled' | 'local-changes' | 'base-busy' | 'unreviewed';
    message: string;
    files?: string[];
    tree?: string;
  };

/**
 * Pathspecs for what the pipeline commits of a worktree: the whole tree except any `.sdlc/`
 * folder (the tickets folder is the extension's own, and git's exclude line for it is only a
 * line a repository could undo).
 */
const WORK_PATHSPEC = [':(top)', ':(top,exclude,glob)**/.sdlc/**'] as const;

/** Commits everything uncommitted in `work` (the tickets folder left out) as the ticket's leftovers. */
async function commitLeftovers(work: WorkGit, ticket: Ticket): Promise<void> {
  await work.ok(['add', '-A', '--', ...WORK_PATHSPEC]);
  await work.ok(['commit', '-q', '-F', '-'], `SDLC #${ticket.id}: ${oneLine(ticket.title)}\n\nCommitted by SDLC Pipeline: the changes the pipeline left uncommitted in the ticket's worktree.\n`);
}

/**
 * What is uncommitted or untracked in the ticket's working folder, as `git status` names it
 * (the tickets folder left out): what a pull request or a merge would otherwise lack. Empty when
 * the worktree is gone.
 */
export async function uncommittedWork(ctx: WorktreeContext, ticket: Ticket, ws: TicketWorkspace): Promise<string[]> {
  if (ws.path && !(await exists(ws.path))) return [];
  const work = await gitIn(ctx, ticket, ws);
  return statusFiles(await work.ok(['status', '--porcelain', '-z', '--untracked-files=all', '--', ...WORK_PATHSPEC]));
}

/**
 * Commits the ticket's uncommitted work in its own worktree (Create Pull Request, after showing
 * `shown`, the list `uncommittedWork` gave). Refused, with nothing committed, in the user's own
 * folder (isolation "branch": what is uncommitted there is theirs), when another branch is
 * checked out, or when the files changed since they were shown.
 */
export async function commitWork(ctx: WorktreeContext, ticket: Ticket, ws: TicketWorkspace, shown: readonly string[]): Promise<{ ok: boolean; message: string }> {
  if (!ws.path || ws.isolation === 'branch') return { ok: false, message: vscode.l10n.t('ticket #{0} works in your own folder: commit what belongs to {1} yourself, then try again. Nothing was committed.', ticket.id, ws.branch) };
  const repo = await repoOf(ctx, ticket);
  return ctx.git.exclusive(await commonDir(ctx.git, repo), async () => {
    if (!(await exists(ws.path!))) return { ok: false, message: vscode.l10n.t('ticket #{0}\'s worktree {1} is missing; nothing was committed.', ticket.id, ws.path!) };
    const work = await gitIn(ctx, ticket, ws);
    const now = statusFiles(await work.ok(['status', '--porcelain', '-z', '--untracked-files=all', '--', ...WORK_PATHSPEC]));
    if (now.join('\0') !== shown.join('\0')) return { ok: false, message: vscode.l10n.t('the files in ticket #{0}\'s worktree changed while you were asked; nothing was committed. Try again to see the new list.', ticket.id) };
    if (!now.length) return { ok: true, message: '' };
    const head = (await work.run(['symbolic-ref', '--short', '-q', 'HEAD'])).stdout.trim();
    if (head !== ws.branch) return { ok: false, message: vscode.l10n.t('ticket #{0}\'s worktree has {1} checked out, not {2}; nothing was committed.', ticket.id, head || 'a detached HEAD', ws.branch) };
    await commitLeftovers(work, ticket);
    return { ok: true, message: now.length === 1 ? vscode.l10n.t('committed 1 file to {0}.', ws.branch) : vscode.l10n.t('committed {0} files to {1}.', now.length, ws.branch) };
  });
}

export interface MergeOptions {
  /** The tree (`MergeOutcome.tree`) of changes made after Approve that the user has now approved too. */
  approveUnreviewed?: string;
}

/**
 * Commits what the agent left uncommitted in the worktree, then merges the ticket's branch
 * into its base: fast-forward when possible, else a merge commit. Never touches a tree when
 * the merge would conflict (checked first with `git merge-tree`).
 */
export async function merge(ctx: WorktreeContext, ticket: Ticket, opts: MergeOptions = {}): Promise<MergeOutcome> {
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
      await commitLeftovers(work, ticket);
      committedLeftovers = true;
    }
    const baseRef = `refs/heads/${ws.base}`;
    const baseTip = await ctx.git.value(repo, ['rev-parse', '--verify', '-q', `${baseRef}^{commit}`]);
    if (!baseTip) {
      await undoLeftovers();
      return { ok: false, reason: 'error', message: vscode.l10n.t('the base branch {0} no longer exists; create it again or merge {1} by hand.', ws.base, ws.branch) };
    }
    const tip = await ctx.git.ok(repo, ['rev-parse', `refs/heads/${ws.branch}^{commit}`]).then((s) => s.trim());
    const lr = parseLeftRight(await ctx.git.ok(repo, ['rev-list', '--left-right', '--count', `${baseRef}...${tip}`]));
    if (!lr || lr.right === 0) return { ok: false, reason: 'nothing', message: vscode.l10n.t('{0} has no commits that {1} does not have; nothing to merge.', ws.branch, ws.base) };
    // Approved: only what was approved is merged; what came after (the Merge stage's agent, a
    // commit by hand) is listed and needs its own approval (`approveUnreviewed` naming its tree).
    if (ws.review === 'approved' && ws.reviewed) {
      const tree = (await ctx.git.ok(repo, ['rev-parse', `${tip}^{tree}`])).trim();
      if (tree !== ws.reviewed.tree && opts.approveUnreviewed !== tree) {
        const since = await ctx.git.run(repo, ['diff', '--name-only', '-z', '--no-renames', ws.reviewed.tree, tree]);
        const files = (since.code === 0 ? since.stdout : (await ctx.git.run(repo, ['diff', '--name-only', '-z', '--no-renames', ws.reviewed.commit, tip])).stdout).split('\0').filter(Boolean);
        await undoLeftovers();
        const where = files.slice(0, 5).join(', ') || vscode.l10n.t('some files');
        const message = files.length === 1
          ? vscode.l10n.t('1 file changed on {0} after you approved ticket #{1}: {2}. Nothing was merged. Review it, then approve it too (Approve and Merge) or request changes.', ws.branch, ticket.id, where)
          : vscode.l10n.t('{0} files changed on {1} after you approved ticket #{2}: {3}. Nothing was merged. Review them, then approve them too (Approve and Merge) or request changes.', files.length, ws.branch, ticket.id, where);
        return { ok: false, reason: 'unreviewed', message, files, tree };
      }
    }
    // Where the base is checked out (the user's folder, or another worktree), its files move with
    // it: every git there is pinned, and nothing local the merge would overwrite may be in the way.
    const worktrees = parseWorktreeList(await ctx.git.ok(repo, ['worktree', 'list', '--porcelain', '-z']));
    const busy = await baseInUse(common, worktrees, ws.base);
    if (busy) {
      await undoLeftovers();
      return { ok: false, reason: 'base-busy', message: busy };
    }
    const checkedOut = worktrees.find((e) => e.branch === ws.base);
    let there: WorkGit | undefined;
    if (checkedOut) {
      if (checkedOut.prunable || !(await exists(checkedOut.path))) {
        await undoLeftovers();
        return { ok: false, reason: 'base-busy', message: vscode.l10n.t('{0} is checked out in {1}, which is missing. Nothing was merged: run "git worktree prune" (or restore that folder), then merge again.', ws.base, checkedOut.path) };
      }
      there = await gitAt(ctx.git, repo, common, checkedOut.path);
      if ((await there.run(['rev-parse', '-q', '--verify', 'MERGE_HEAD'])).code === 0) {
        await undoLeftovers();
        return { ok: false, reason: 'base-busy', message: vscode.l10n.t('{0} is checked out in {1}, where a merge is in progress. Nothing was merged: finish or abort that merge there, then merge again.', ws.base, checkedOut.path) };
      }
    }
    /** Refuses (undone, named) when the base's folder has local files the merge would overwrite. */
    const inTheWay = async (to: string): Promise<MergeOutcome | undefined> => {
      if (!there || !checkedOut) return undefined;
      const changed = (await ctx.git.ok(repo, ['diff', '--name-only', '-z', '--no-renames', baseTip, to])).split('\0').filter(Boolean);
      const local = statusPaths(await there.ok(['status', '--porcelain', '-z', '--untracked-files=all', '--ignored=matching']));
      const files = overlapping(local, changed);
      if (!files.length) return undefined;
      await undoLeftovers();
      const where = files.slice(0, 5).join(', ');
      const message = files.length === 1
        ? vscode.l10n.t('{0} is checked out in {1}, which has a local change the merge would overwrite: {2} (uncommitted, untracked or ignored). Nothing was merged: commit, move or stash it there, then merge again.', ws.base, checkedOut.path, where)
        : vscode.l10n.t('{0} is checked out in {1}, which has {2} local changes the merge would overwrite: {3} (uncommitted, untracked or ignored). Nothing was merged: commit, move or stash them there, then merge again.', ws.base, checkedOut.path, files.length, where);
      return { ok: false, reason: 'local-changes', message, files };
    };
    const message = `Merge ${ws.branch}: SDLC #${ticket.id} ${oneLine(ticket.title)}\n`; // one line: a title cannot add trailers such as "Closes #1"
    if (lr.left === 0) {
      const refused = await inTheWay(tip);
      if (refused) return refused;
      if (there) await there.ok(['merge', '-q', '--ff-only', '--no-autostash', tip]);
      else await ctx.git.ok(repo, ['update-ref', '-m', `SDLC Pipeline: fast-forward ${ws.base} to ${ws.branch}`, baseRef, tip, baseTip]);
      await recordMerge(ctx, ticket.id, tip);
      return { ok: true, kind: 'fast-forward', commit: tip, committedLeftovers };
    }
    // A merge commit: find conflicts first, without touching any tree.
    const probe = await ctx.git.run(repo, ['merge-tree', '--write-tree', '--name-only', '--no-messages', baseTip, tip]);
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
    const tree = probe.stdout.split('\n')[0].trim();
    const refused = await inTheWay(tree);
    if (refused) return refused;
    let commit: string;
    if (there) {
      // `git merge` reads no message from stdin: one argument (never through a shell), after `-m`.
      await there.ok(['merge', '-q', '--no-ff', '--no-autostash', '-m', message.trim(), tip]);
      commit = (await there.ok(['rev-parse', 'HEAD'])).trim();
    } else {
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

/**
 * Why the base cannot move now, or undefined: it is being rebased in one of the repository's
 * worktrees (the rebase would fail at its end, or put its own idea of the branch back).
 * Read from each worktree's admin folder as the repository records it, never from a `.git` file.
 */
async function baseInUse(common: string, worktrees: readonly WorktreeEntry[], base: string): Promise<string | undefined> {
  const ref = `refs/heads/${base}`;
  for (const e of worktrees) {
    if (e.bare) continue;
    const admin = (await realpath(e.path)) === (await realpath(path.dirname(common))) && path.basename(common) === '.git' ? common : await adminDir(common, e.path).catch(() => undefined);
    if (!admin) continue;
    for (const f of ['rebase-merge/head-name', 'rebase-apply/head-name']) {
      const text = await fs.readFile(path.join(admin, f), 'utf8').catch(() => undefined);
      if (text?.trim() === ref) return vscode.l10n.t('{0} is being rebased in {1}. Nothing was merged: finish or abort the rebase there, then merge again.', base, e.path);
    }
  }
  return undefined;
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

/** The most of one ticket file (plan, notes…) kept from a worktree. */
const TICKET_FILE_MAX = 1024 * 1024;

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
    if (!/^[\w.-]+\.md$/.test(name)) continue;
    // Read as a repository's file: a link (to /proc/self/environ, ~/.ssh/id_rsa…) anywhere on the way is never followed.
    const rel2 = [...ws.subdir.split('/').filter(Boolean), ...rel.dir.split('/'), name].join('/');
    const read = await safeReadFile(ws.path, rel2, TICKET_FILE_MAX).catch((e: Error) => {
      ctx.output.warn(`#${ticket.id}: ${name} was not kept: ${e.message}`);
      return undefined;
    });
    if (!read) continue;
    if (read.truncated) ctx.output.warn(`#${ticket.id}: ${name} was kept cut at ${TICKET_FILE_MAX} bytes`);
    await safeWriteFile(folder.uri.fsPath, `${rel.dir}/${name}`, read.text);
  }
}
