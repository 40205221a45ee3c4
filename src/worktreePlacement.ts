/**
 * Placing a ticket's stage (part of `dist/worktrees.js`): the folder it runs in, per
 * `sdlcPipeline.isolation`. On the ticket's first run it creates its branch `sdlc/<id>-<slug>`
 * from the base (switched to in place, or checked out in its own worktree under the worktrees
 * folder) and keeps the tickets folder out of its commits; on later runs it checks that branch
 * or worktree out again, re-creating a worktree deleted by hand. In place, it refuses a folder
 * with uncommitted changes or another ticket running there. The folder a stage runs in is
 * resolved after every checkout and refused when a link in the checked-out tree takes it out
 * of the worktree (a base branch where the workspace's subfolder is a symlink).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Configuration } from './configuration';
import type { Ticket } from './domain/ticket';
import {
  countStatus, cwdEscape, excludeLine, TICKET_BRANCH, parseWorktreeList, ticketBranch, withExcludeLine, worktreeFolderName, worktreesRoot,
  type TicketWorkspace,
} from './domain/worktree';
import { gitMissing } from './git';
import { notify } from './notify';
import { isInside, safeWriteFile } from './safeFiles';
import { commonDir, exists, realpath, type WorktreeContext } from './worktreeGit';

/** Where a stage of a ticket runs. */
export type Placement =
  | { ok: true; cwd: string; workspace?: TicketWorkspace }
  | { ok: false; message: string; actions?: string[] };

/**
 * Where the ticket's next stage runs, creating its branch and worktree on its first run.
 * `busyInPlace(repo)` says whether another ticket is running on its own branch in that
 * repository's folder (`branch` isolation runs one ticket at a time per repository).
 */
export async function place(ctx: WorktreeContext, ticket: Ticket, cfg: Configuration, busyInPlace: (ticketId: number) => boolean): Promise<Placement> {
  const folder = ctx.tickets.folderOf(ticket);
  if (!folder) return { ok: false, message: vscode.l10n.t('Open a folder to run stages: tickets are written into the workspace.') };
  const folderPath = folder.uri.fsPath;
  const ws = ticket.workspace && !ticket.workspace.removed ? ticket.workspace : undefined;
  const isolation = ws?.isolation ?? cfg.run.isolation;
  if (isolation === 'none' || folder.uri.scheme !== 'file') return { ok: true, cwd: folderPath };
  const missing = await gitMissing(ctx.git, folderPath);
  if (missing) return { ok: false, message: vscode.l10n.t('ticket #{0} runs on its own branch (sdlcPipeline.isolation "{1}"), but {2}', ticket.id, isolation, missing), actions: [vscode.l10n.t('Open Settings')] };
  const top = await ctx.git.value(folderPath, ['rev-parse', '--show-toplevel']);
  if (!top) {
    if (ws) return { ok: false, message: vscode.l10n.t('ticket #{0} worked on branch {1}, but {2} is no longer a git repository.', ticket.id, ws.branch, folderPath) };
    noteOnce(ctx, `not-git:${folderPath}`, vscode.l10n.t('{0} is not a git repository, so stages run in the folder itself (isolation "none"). Run "git init" and commit once to give each ticket its own branch and worktree.', folder.name));
    return { ok: true, cwd: folderPath };
  }
  const repo = await realpath(top);
  const subdir = path.relative(repo, await realpath(folderPath)).split(path.sep).join('/');
  if (ws) return ws.isolation === 'worktree' ? reopenWorktree(ctx, ticket, ws, repo, cfg) : reopenBranch(ctx, ticket, ws, repo, subdir, cfg, busyInPlace);
  if (!(await ctx.git.value(repo, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']))) {
    noteOnce(ctx, `no-commit:${repo}`, vscode.l10n.t('{0} is a git repository without a commit yet, so stages run in the folder itself. Commit once to give each ticket its own branch and worktree.', folder.name));
    return { ok: true, cwd: folderPath };
  }
  const base = cfg.run.baseBranch ?? (await ctx.git.value(repo, ['symbolic-ref', '--short', '-q', 'HEAD']));
  if (base && TICKET_BRANCH.test(base)) {
    return { ok: false, message: vscode.l10n.t('{0} has ticket branch {1} checked out; ticket #{2} would start from (and merge into) another ticket\'s branch. Check out your base branch (e.g. main), or set sdlcPipeline.baseBranch.', folder.name, base, ticket.id), actions: [vscode.l10n.t('Open Settings')] };
  }
  if (!base) {
    return { ok: false, message: vscode.l10n.t('HEAD is detached in {0}: check out a branch, or set sdlcPipeline.baseBranch, so ticket #{1} has a branch to start from and merge into.', folder.name, ticket.id), actions: [vscode.l10n.t('Open Settings')] };
  }
  const baseCommit = await ctx.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${base}^{commit}`]);
  if (!baseCommit) return { ok: false, message: vscode.l10n.t('the base branch "{0}" does not exist in {1}. Check out a branch or change sdlcPipeline.baseBranch.', base, folder.name), actions: [vscode.l10n.t('Open Settings')] };
  const common = await commonDir(ctx.git, repo);
  const placed = await ctx.git.exclusive(common, async (): Promise<Placement | 'placed meanwhile'> => {
    // Another start of this ticket (a pipeline and a Run Stage at once) may have placed it meanwhile.
    const now = ctx.tickets.get(ticket.id)?.workspace;
    if (now && !now.removed) return 'placed meanwhile';
    await excludeTicketFiles(common, subdir, cfg.run.ticketsDirectory);
    if (isolation === 'branch') {
      const blocked = await inPlaceBlocked(ctx, ticket.id, repo, busyInPlace);
      if (blocked) return { ok: false, message: blocked };
    }
    const root = isolation === 'worktree' ? worktreesRoot(repo, cfg.run.worktreesDirectory, path) : undefined;
    const { branch, taken } = await freeBranch(ctx, repo, ticket, root);
    if (taken.length) ctx.output.info(`#${ticket.id}: branch ${taken.join(', ')} exists already; using ${branch}`);
    const record: TicketWorkspace = { isolation, branch, base, baseCommit, subdir, requestedChanges: [] };
    if (isolation === 'branch') {
      const before = await ctx.git.value(repo, ['symbolic-ref', '--short', '-q', 'HEAD']);
      const beforeCommit = await ctx.git.ok(repo, ['rev-parse', 'HEAD']);
      await ctx.git.ok(repo, ['switch', '-q', '--no-guess', '-c', branch, baseCommit]);
      const refused = await leaves(ctx, ticket, record, repo);
      if (refused) {
        // Back to what the folder had, and the new branch goes: nothing of this ticket is recorded.
        await ctx.git.ok(repo, before ? ['switch', '-q', '--no-guess', before] : ['switch', '-q', '--detach', beforeCommit.trim()]);
        await ctx.git.ok(repo, ['branch', '-D', branch]);
        return refused;
      }
    } else {
      const wt = path.join(root!, worktreeFolderName(branch));
      await ensureRoot(root!);
      const dirty = countStatus(await ctx.git.ok(repo, ['status', '--porcelain', '-z']));
      await ctx.git.ok(repo, ['worktree', 'add', '-q', '-b', branch, wt, baseCommit]);
      record.path = wt;
      const refused = await leaves(ctx, ticket, record, repo);
      if (refused) {
        // The worktree was made just now and holds nothing of the user's: it goes, with its branch.
        await ctx.git.ok(repo, ['worktree', 'remove', '--force', wt]);
        await ctx.git.ok(repo, ['branch', '-D', branch]);
        return refused;
      }
      if (dirty) {
        const note = dirty === 1
          ? vscode.l10n.t('{0} has 1 uncommitted change; they are not carried into ticket #{1}\'s worktree, which starts from {2} ({3}).', folder.name, ticket.id, base, baseCommit.slice(0, 7))
          : vscode.l10n.t('{0} has {1} uncommitted changes; they are not carried into ticket #{2}\'s worktree, which starts from {3} ({4}).', folder.name, dirty, ticket.id, base, baseCommit.slice(0, 7));
        noteOnce(ctx, `dirty:${ticket.id}`, note);
      }
    }
    await ctx.tickets.update(ticket.id, (t) => void (t.workspace = record));
    ctx.output.info(`#${ticket.id}: ${isolation} on ${branch} from ${base} ${baseCommit.slice(0, 7)}${record.path ? ` at ${record.path}` : ''}`);
    ctx.invalidate(ticket.id);
    return { ok: true, cwd: await realpath(cwdOf(record, repo)), workspace: record };
  }).catch((e: Error): Placement => ({ ok: false, message: vscode.l10n.t('could not create the branch of ticket #{0}: {1}', ticket.id, e.message) }));
  return placed === 'placed meanwhile' ? place(ctx, ctx.tickets.get(ticket.id) ?? ticket, cfg, busyInPlace) : placed;
}

/** The folder a stage runs in: the worktree (plus the workspace folder's place in the repository), or the repository. */
function cwdOf(ws: TicketWorkspace, repo: string): string {
  const top = ws.path ?? repo;
  return ws.subdir ? path.join(top, ...ws.subdir.split('/')) : top;
}

/**
 * Why the stage may not run in `cwdOf(ws)` as checked out now, or undefined: the folder must
 * exist and resolve to exactly the worktree's (or repository's) own subfolder, with no link on
 * the way. A branch where the workspace's subfolder is a symlink would otherwise put the ticket
 * file, and the CLI, wherever the link points.
 */
async function leaves(ctx: WorktreeContext, ticket: Ticket, ws: TicketWorkspace, repo: string): Promise<Placement | undefined> {
  const top = ws.path ?? repo;
  const cwd = cwdOf(ws, repo);
  const realTop = await fs.realpath(top).catch(() => undefined);
  const real = await fs.realpath(cwd).catch(() => undefined);
  const problem = realTop === undefined || real === undefined ? 'missing' : cwdEscape(realTop, ws.subdir, real, path);
  if (!problem) return undefined;
  const message =
    problem === 'missing'
      ? vscode.l10n.t('{0} does not exist on branch {1} (or is a broken link), so ticket #{2} has no folder to run in; the stage was not started.', cwd, ws.branch, ticket.id)
      : problem === 'outside'
        ? vscode.l10n.t('{0} resolves to {1}, outside ticket #{2}\'s checkout {3}: a link on branch {4} points away. The stage was not started, and nothing was written there.', cwd, real!, ticket.id, top, ws.branch)
        : vscode.l10n.t('{0} is reached through a link on branch {1} (it resolves to {2}); ticket #{3}\'s stages run only in the real folder. The stage was not started.', cwd, ws.branch, real!, ticket.id);
  ctx.output.warn(`#${ticket.id}: ${message}`);
  return { ok: false, message };
}

async function reopenWorktree(ctx: WorktreeContext, ticket: Ticket, ws: TicketWorkspace, repo: string, cfg: Configuration): Promise<Placement> {
  const root = worktreesRoot(repo, cfg.run.worktreesDirectory, path);
  const wt = ws.path!;
  // A stored path is only ever used when it is where this repository's worktrees go.
  if (!path.isAbsolute(wt) || !isInside(root, wt) || path.resolve(wt) === path.resolve(root)) {
    return { ok: false, message: vscode.l10n.t('ticket #{0} records a worktree at {1}, which is not in {2}; it is not used. Remove the ticket\'s worktree record by removing its worktree, or set sdlcPipeline.isolation to "none".', ticket.id, wt, root) };
  }
  const common = await commonDir(ctx.git, repo);
  return ctx.git.exclusive(common, async (): Promise<Placement> => {
    const list = parseWorktreeList(await ctx.git.ok(repo, ['worktree', 'list', '--porcelain', '-z']));
    const real = await realpath(wt);
    const entry = list.find((e) => e.path === wt || e.path === real);
    if (entry && !entry.prunable && (await exists(wt))) {
      if (entry.branch !== ws.branch) {
        const message = entry.branch !== undefined
          ? vscode.l10n.t('ticket #{0}\'s worktree {1} has {2} checked out, not {3}. Check out {3} there, or remove the worktree.', ticket.id, wt, entry.branch, ws.branch)
          : vscode.l10n.t('ticket #{0}\'s worktree {1} has a detached HEAD checked out, not {2}. Check out {2} there, or remove the worktree.', ticket.id, wt, ws.branch);
        return { ok: false, message };
      }
      return (await leaves(ctx, ticket, ws, repo)) ?? (await reopened(ws, repo, cfg, common));
    }
    // Deleted by hand: check the branch out again where it was (its commits are intact).
    if (!(await ctx.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${ws.branch}`]))) {
      return { ok: false, message: vscode.l10n.t('ticket #{0}\'s worktree and its branch {1} are both gone, so its work cannot be recovered here. Remove the worktree record (Remove Worktree) to start the ticket again from {2}.', ticket.id, ws.branch, ws.base) };
    }
    if (await exists(wt)) return { ok: false, message: vscode.l10n.t('{0} exists but is not ticket #{1}\'s worktree any more; move it away to let the ticket re-create it.', wt, ticket.id) };
    await ensureRoot(root);
    // `-f`: git still lists the missing folder for this branch; a prune would also drop the user's other missing worktrees.
    await ctx.git.ok(repo, ['worktree', 'add', '-q', '-f', wt, ws.branch]);
    ctx.output.info(`#${ticket.id}: re-created worktree ${wt} for ${ws.branch}`);
    void notify.info(vscode.l10n.t('ticket #{0}\'s worktree was missing; it was re-created from branch {1} (its commits are intact; uncommitted files there were lost with the folder).', ticket.id, ws.branch));
    ctx.invalidate(ticket.id);
    return (await leaves(ctx, ticket, ws, repo)) ?? (await reopened(ws, repo, cfg, common));
  }).catch((e: Error): Placement => ({ ok: false, message: vscode.l10n.t('could not open ticket #{0}\'s worktree: {1}', ticket.id, e.message) }));
}

/** A placement on a recorded branch or worktree: the tickets folder kept out of commits (as now configured), the folder resolved. */
async function reopened(ws: TicketWorkspace, repo: string, cfg: Configuration, common: string): Promise<Extract<Placement, { ok: true }>> {
  await excludeTicketFiles(common, ws.subdir, cfg.run.ticketsDirectory);
  return { ok: true, cwd: await realpath(cwdOf(ws, repo)), workspace: ws };
}

async function reopenBranch(ctx: WorktreeContext, ticket: Ticket, ws: TicketWorkspace, repo: string, subdir: string, cfg: Configuration, busyInPlace: (ticketId: number) => boolean): Promise<Placement> {
  const common = await commonDir(ctx.git, repo);
  const here = { ...ws, subdir };
  return ctx.git.exclusive(common, async (): Promise<Placement> => {
    const current = await ctx.git.value(repo, ['symbolic-ref', '--short', '-q', 'HEAD']);
    if (current === ws.branch) return (await leaves(ctx, ticket, here, repo)) ?? { ...(await reopened(here, repo, cfg, common)), workspace: ws };
    const blocked = await inPlaceBlocked(ctx, ticket.id, repo, busyInPlace);
    if (blocked) return { ok: false, message: blocked };
    await ctx.git.ok(repo, ['switch', '-q', '--no-guess', ws.branch]);
    ctx.invalidate(ticket.id);
    return (await leaves(ctx, ticket, here, repo)) ?? { ...(await reopened(here, repo, cfg, common)), workspace: ws };
  }).catch((e: Error): Placement => ({ ok: false, message: vscode.l10n.t('could not check out ticket #{0}\'s branch {1}: {2}', ticket.id, ws.branch, e.message) }));
}

/** Why a ticket may not switch the folder's branch now (uncommitted changes, another ticket running there). */
async function inPlaceBlocked(ctx: WorktreeContext, ticketId: number, repo: string, busyInPlace: (ticketId: number) => boolean): Promise<string | undefined> {
  const others = ctx.tickets.all().filter((t) => t.id !== ticketId && t.workspace?.isolation === 'branch' && !t.workspace.removed && busyInPlace(t.id));
  if (others.length) return vscode.l10n.t('ticket #{0} is running on its branch in this folder; with sdlcPipeline.isolation "branch" one ticket runs at a time per repository ("worktree" runs them side by side). Ticket #{1} was not started.', others[0].id, ticketId);
  const dirty = countStatus(await ctx.git.ok(repo, ['status', '--porcelain', '-z', '--untracked-files=no']));
  if (dirty === 1) return vscode.l10n.t('{0} has 1 uncommitted change; with sdlcPipeline.isolation "branch" a ticket checks out its own branch there, so commit or stash them first (or use "worktree" isolation). Ticket #{1} was not started.', repo, ticketId);
  if (dirty) return vscode.l10n.t('{0} has {1} uncommitted changes; with sdlcPipeline.isolation "branch" a ticket checks out its own branch there, so commit or stash them first (or use "worktree" isolation). Ticket #{2} was not started.', repo, dirty, ticketId);
  return undefined;
}

/** The ticket's branch name, free in the repository (and, with worktrees, as a folder). */
async function freeBranch(ctx: WorktreeContext, repo: string, ticket: Ticket, root: string | undefined): Promise<{ branch: string; taken: string[] }> {
  const taken: string[] = [];
  for (let n = 1; n < 100; n++) {
    const branch = ticketBranch(ticket.id, ticket.title, n);
    const refTaken = (await ctx.git.run(repo, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;
    const folderTaken = root !== undefined && (await exists(path.join(root, worktreeFolderName(branch))));
    if (!refTaken && !folderTaken) return { branch, taken };
    taken.push(branch);
  }
  throw new Error(vscode.l10n.t('no free branch name for ticket #{0} (tried {1})', ticket.id, taken.length));
}

/** Makes the worktrees folder; refuses one that is a link (writes go where the folder really is). */
async function ensureRoot(root: string): Promise<void> {
  await fs.mkdir(root, { recursive: true });
  const st = await fs.lstat(root);
  if (st.isSymbolicLink() || !st.isDirectory()) throw new Error(vscode.l10n.t('{0} is not a plain folder (a link or a file); SDLC Pipeline creates worktrees only in a real folder.', root));
}

/** Adds the tickets folder to the repository's `info/exclude` (local, never committed), so ticket files stay out of the ticket's commits. */
async function excludeTicketFiles(common: string, subdir: string, ticketsDirectory: string): Promise<void> {
  const file = path.join(common, 'info', 'exclude');
  const current = await fs.readFile(file, 'utf8').catch(() => '');
  const next = withExcludeLine(current, excludeLine(subdir, ticketsDirectory));
  if (next !== undefined) await safeWriteFile(common, 'info/exclude', next);
}

/** Logs and shows a note once per key (per TicketWorkspaces). */
function noteOnce(ctx: WorktreeContext, key: string, message: string): void {
  if (ctx.noted.has(key)) return;
  ctx.noted.add(key);
  ctx.output.info(message);
  void notify.info(message);
}
