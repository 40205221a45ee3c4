/**
 * What removing a ticket's worktree (or branch) would throw away, named commit by commit and
 * file by file — commits its base (or, for a worktree no ticket records, any other branch) lacks,
 * uncommitted and untracked files, ignored files that go with the folder — and the worktrees
 * left behind by merged, archived or deleted tickets ("Clean Up Worktrees…"). Part of
 * `dist/worktrees.js`; Remove Worktree and Clean Up Worktrees (worktreeCommands.ts) show these
 * lists before anything is deleted.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ticketPaths } from './domain/prompt';
import type { Ticket } from './domain/ticket';
import { coversTicketFolder, keptTicketFile, parseWorktreeList, statusFiles, ticketIdOfBranch, worktreesRoot, type TicketWorkspace } from './domain/worktree';
import { isInside } from './safeFiles';
import { commonDir, exists, gitIn, pinnedAt, realpath, repoOf, type WorkGit, type WorktreeContext } from './worktreeGit';
import { remove } from './worktreeMerge';

/** At most this many commits are named (the count is always whole). */
const COMMITS_LISTED = 50;

export interface Losses {
  /** Commits on the branch that its base (or any other branch) lacks: how many. */
  commitCount: number;
  /** `abc1234 subject`, newest first, at most COMMITS_LISTED of them. */
  commits: string[];
  /** Of those commits, how many no remote-tracking branch holds either. */
  unpushed: number;
  /** Uncommitted and untracked files (as git status names them). */
  uncommitted: string[];
  /** Ignored files and folders (a folder ends in "/") deleted with the worktree's folder. */
  ignored: string[];
  /** The ticket's own files, copied back to the workspace folder before the worktree goes (never lost). */
  kept: string[];
}

export const nothingLost = (l: Losses) => !l.commitCount && !l.uncommitted.length && !l.ignored.length;

/**
 * What `git` in `work` (the worktree, or the repository's folder in place) and the branch would
 * lose. `range` selects the branch's commits that go with it; `ticketDir` is the ticket's folder
 * in the worktree (its `*.md` are kept); `ownFolder` whether the folder goes too (a worktree).
 */
async function measure(ctx: WorktreeContext, repo: string, branch: string, range: string[], work: WorkGit | undefined, ownFolder: boolean, ticketDir: string | undefined): Promise<Losses> {
  const losses: Losses = { commitCount: 0, commits: [], unpushed: 0, uncommitted: [], ignored: [], kept: [] };
  if (await ctx.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${branch}`])) {
    losses.commitCount = Number((await ctx.git.ok(repo, ['rev-list', '--count', ...range])).trim()) || 0;
    if (losses.commitCount) {
      losses.commits = (await ctx.git.ok(repo, ['log', '-z', `--max-count=${COMMITS_LISTED}`, '--format=%h %s', ...range])).split('\0').filter(Boolean).map((c) => c.trim());
      losses.unpushed = Number((await ctx.git.ok(repo, ['rev-list', '--count', ...range, '--not', '--remotes'])).trim()) || 0;
    }
  }
  if (!work) return losses;
  losses.uncommitted = statusFiles(await work.ok(['status', '--porcelain', '-z']));
  if (!ownFolder) return losses;
  // `git worktree remove` deletes ignored files without asking: name them (a whole ignored folder once;
  // git also names a folder holding only ignored files, and the ignored folders inside it).
  const ignored = new Set<string>();
  const kept = new Set<string>();
  const entries = (await work.ok(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'])).split('\0').filter(Boolean);
  for (const entry of entries) {
    if (!ticketDir || !coversTicketFolder(entry, ticketDir)) {
      ignored.add(entry);
      continue;
    }
    for (const file of (await work.ok(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', `:(literal)${entry}`])).split('\0').filter(Boolean)) {
      const st = await fs.lstat(path.join(work.dir, ...file.split('/'))).catch(() => undefined);
      (keptTicketFile(file, ticketDir) && st?.isFile() ? kept : ignored).add(file);
    }
  }
  const all = [...ignored];
  losses.ignored = all.filter((e) => !all.some((o) => o !== e && o.endsWith('/') && e.startsWith(o))).sort();
  losses.kept = [...kept].sort();
  return losses;
}

/** What Remove Worktree would lose for this ticket: commits not in its base, uncommitted, untracked and ignored files. */
export async function ticketLosses(ctx: WorktreeContext, ticket: Ticket, ws: TicketWorkspace): Promise<Losses> {
  const repo = await repoOf(ctx, ticket);
  const hasBase = !!(await ctx.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${ws.base}`]));
  const range = hasBase ? [`refs/heads/${ws.base}..refs/heads/${ws.branch}`] : [`refs/heads/${ws.branch}`];
  const inPlace = ws.isolation === 'branch' && (await ctx.git.value(repo, ['symbolic-ref', '--short', '-q', 'HEAD'])) === ws.branch;
  const present = !!ws.path && (await exists(ws.path));
  const work = present || inPlace ? await gitIn(ctx, ticket, ws) : undefined;
  const ticketDir = [ws.subdir, ticketPaths(ctx.config.forTicket(ticket).run.ticketsDirectory, ticket.id).dir].filter(Boolean).join('/');
  return measure(ctx, repo, ws.branch, range, work, present, ticketDir);
}

// ---- stale worktrees (SDLC: Clean Up Worktrees…) ----

export interface StaleWorktree {
  /** Why it is stale: its ticket is merged or archived, or no ticket of this workspace records it. */
  why: 'merged' | 'archived' | 'orphan';
  ticketId: number;
  /** The ticket, unless `orphan`. */
  ticket?: Ticket;
  repo: string;
  branch: string;
  /** The worktree folder; absent for a ticket on a branch in place. */
  path?: string;
  losses: Losses;
}

/**
 * The worktrees (and in-place branches) of merged or archived tickets, and the ticket worktrees
 * in each repository's worktrees folder that no ticket here records (the ticket was deleted).
 * `busy(id)` tickets are left out.
 */
export async function staleWorktrees(ctx: WorktreeContext, folders: readonly vscode.WorkspaceFolder[], busy: (ticketId: number) => boolean): Promise<StaleWorktree[]> {
  const out: StaleWorktree[] = [];
  const recorded = new Set<string>();
  for (const t of ctx.tickets.all()) {
    const ws = t.workspace;
    if (!ws || ws.removed) continue;
    recorded.add(ws.branch);
    const why = ws.mergedAt !== undefined ? 'merged' : t.archived ? 'archived' : undefined;
    if (!why || busy(t.id)) continue;
    try {
      out.push({ why, ticketId: t.id, ticket: t, repo: await repoOf(ctx, t), branch: ws.branch, path: ws.path, losses: await ticketLosses(ctx, t, ws) });
    } catch (e) {
      ctx.output.warn(`#${t.id}: clean up: ${(e as Error).message}`);
    }
  }
  const repos = new Map<string, string>();
  for (const folder of folders) {
    if (folder.uri.scheme !== 'file') continue;
    const top = await ctx.git.value(folder.uri.fsPath, ['rev-parse', '--show-toplevel']);
    if (!top) continue;
    const repo = await realpath(top);
    if (!repos.has(repo)) repos.set(repo, worktreesRoot(repo, ctx.config.forFolder(folder.uri).run.worktreesDirectory, path));
  }
  for (const [repo, root] of repos) {
    const common = await commonDir(ctx.git, repo);
    for (const e of parseWorktreeList(await ctx.git.ok(repo, ['worktree', 'list', '--porcelain', '-z']))) {
      const id = e.branch === undefined ? undefined : ticketIdOfBranch(e.branch);
      if (id === undefined || e.prunable || recorded.has(e.branch!) || busy(id)) continue;
      // Only what this extension makes: a ticket branch in a folder of the worktrees folder.
      if (!isInside(root, e.path) || path.resolve(e.path) === path.resolve(root) || !(await exists(e.path))) continue;
      try {
        const work = await pinnedAt(ctx.git, common, e.path); // never what its own .git file says
        const range = [`refs/heads/${e.branch}`, '--not', `--exclude=refs/heads/${e.branch}`, '--branches'];
        out.push({ why: 'orphan', ticketId: id, repo, branch: e.branch!, path: e.path, losses: await measure(ctx, repo, e.branch!, range, work, true, undefined) });
      } catch (err) {
        ctx.output.warn(`clean up: ${e.path}: ${(err as Error).message}`);
      }
    }
  }
  return out.sort((a, b) => a.ticketId - b.ticketId);
}

/**
 * Removes one stale worktree and its branch: a ticket's through Remove Worktree's own path (its
 * files copied back first); one no ticket records with `git worktree remove --force` and
 * `git branch -D`, after checking it is still that branch's worktree in the worktrees folder.
 */
export async function removeStale(ctx: WorktreeContext, s: StaleWorktree): Promise<{ ok: boolean; message: string }> {
  if (s.ticket) {
    const force = s.losses.commitCount > 0 || s.losses.uncommitted.length > 0;
    return remove(ctx, ctx.tickets.get(s.ticket.id) ?? s.ticket, force);
  }
  const common = await commonDir(ctx.git, s.repo);
  return ctx.git.exclusive(common, async () => {
    const entry = parseWorktreeList(await ctx.git.ok(s.repo, ['worktree', 'list', '--porcelain', '-z'])).find((e) => e.path === s.path);
    if (!entry || entry.branch !== s.branch) return { ok: false, message: vscode.l10n.t('{0} is no longer the worktree of {1}; nothing was removed.', s.path!, s.branch) };
    await ctx.git.ok(s.repo, ['worktree', 'remove', '--force', s.path!]);
    if (await ctx.git.value(s.repo, ['rev-parse', '--verify', '-q', `refs/heads/${s.branch}`])) await ctx.git.ok(s.repo, ['branch', '-D', s.branch]);
    return { ok: true, message: vscode.l10n.t('removed the worktree {0} and branch {1}.', s.path!, s.branch) };
  }).catch((e: Error) => ({ ok: false, message: vscode.l10n.t('could not remove {0}: {1}', s.path!, e.message) }));
}
