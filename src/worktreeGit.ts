/**
 * The git plumbing the worktree modules share (part of `dist/worktrees.js`): what they work
 * with (`WorktreeContext`), the file-system checks, and git for one ticket — its repository,
 * the repository's common git folder, git pinned to its worktree, and the files it changed
 * since it left its base.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigurationService } from './configuration';
import type { Ticket } from './domain/ticket';
import { parseChanges, type Change, type TicketWorkspace } from './domain/worktree';
import { GitError, type Git, type GitResult } from './git';
import { safeReadFile } from './safeFiles';
import type { TicketService } from './ticketService';

/** What the worktree modules work with: one per TicketWorkspaces (worktrees.ts). */
export interface WorktreeContext {
  readonly git: Git;
  readonly tickets: TicketService;
  readonly config: ConfigurationService;
  readonly output: vscode.LogOutputChannel;
  /** Notes already shown (see noteOnce in worktreePlacement.ts). */
  readonly noted: Set<string>;
  /** Forgets a ticket's branch state so the tree reads it again. */
  invalidate(ticketId: number): void;
}

/** git in a ticket's working folder (see `gitIn`). */
export interface WorkGit {
  dir: string;
  run: (args: readonly string[], input?: string, env?: Readonly<Record<string, string>>) => Promise<GitResult>;
  ok: (args: readonly string[], input?: string) => Promise<string>;
}

export const realpath = (p: string) => fs.realpath(p).catch(() => path.resolve(p));
export const exists = (p: string) => fs.lstat(p).then(() => true, () => false);

/** The repository's common git folder (shared by all its worktrees; its lock serialises their git operations). */
export async function commonDir(git: Git, repo: string): Promise<string> {
  const d = await git.ok(repo, ['rev-parse', '--git-common-dir']);
  return realpath(path.resolve(repo, d.trim()));
}

/** The repository (main worktree) a ticket belongs to. */
export async function repoOf(ctx: WorktreeContext, ticket: Ticket): Promise<string> {
  const folder = ctx.tickets.folderOf(ticket);
  if (!folder) throw new Error(vscode.l10n.t('the ticket has no workspace folder'));
  const top = await ctx.git.value(folder.uri.fsPath, ['rev-parse', '--show-toplevel']);
  if (!top) throw new Error(vscode.l10n.t('{0} is not a git repository', folder.uri.fsPath));
  return realpath(top);
}

/**
 * git in the ticket's working folder. In a worktree it is pinned to the worktree's admin folder
 * inside the repository, never to what the worktree's own `.git` file says (the agent can write
 * that file, and a `gitdir:` of its choosing could bring a config that runs commands), and the
 * file-system monitor is off.
 */
export async function gitIn(ctx: WorktreeContext, ticket: Ticket, ws: TicketWorkspace): Promise<WorkGit> {
  const repo = await repoOf(ctx, ticket);
  return ws.path ? pinnedAt(ctx.git, await commonDir(ctx.git, repo), ws.path) : runnerIn(ctx.git, repo, []);
}

/**
 * git in worktree `wt` of repository `repo` (common folder `common`): in the repository's own
 * folder as it is (the user's); in any other worktree pinned to its admin folder as the
 * repository records it (`--git-dir`/`--work-tree`, fsmonitor off), whatever its `.git` file says.
 */
export async function gitAt(git: Git, repo: string, common: string, wt: string): Promise<WorkGit> {
  return (await realpath(wt)) === (await realpath(repo)) ? runnerIn(git, repo, []) : pinnedAt(git, common, wt);
}

/** git pinned to linked worktree `wt` (throws when the repository has no such worktree). */
export async function pinnedAt(git: Git, common: string, wt: string): Promise<WorkGit> {
  return runnerIn(git, wt, ['--git-dir', await adminDir(common, wt), '--work-tree', wt, '-c', 'core.fsmonitor=false']);
}

function runnerIn(git: Git, dir: string, pinned: readonly string[]): WorkGit {
  const run = (args: readonly string[], input?: string, env?: Readonly<Record<string, string>>) => git.run(dir, [...pinned, ...args], input, env);
  return {
    dir,
    run,
    ok: async (args, input) => {
      const r = await run(args, input);
      if (r.code !== 0) throw new GitError(args, r);
      return r.stdout;
    },
  };
}

/** The repository's admin folder for worktree `wt` (`<common>/worktrees/<name>`, whose `gitdir` names `<wt>/.git`). */
export async function adminDir(common: string, wt: string): Promise<string> {
  const dir = path.join(common, 'worktrees');
  const want = await realpath(wt);
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const gitdir = (await fs.readFile(path.join(dir, name, 'gitdir'), 'utf8').catch(() => '')).trim();
    if (gitdir && (await realpath(path.dirname(gitdir))) === want) return path.join(dir, name);
  }
  throw new Error(vscode.l10n.t('{0} is not a worktree of this repository (any more)', wt));
}

/**
 * Whether worktree `wt`'s own `.git` file (which its agent can rewrite) still points where the
 * repository says it should: a regular file, read without following links, whose `gitdir:` is
 * the admin folder the repository keeps for `wt`. Only then may a tool that trusts that file
 * (the Git extension, a plain `git` in that folder) be pointed at it.
 */
export async function dotGitPointsHome(common: string, wt: string): Promise<boolean> {
  try {
    const admin = await adminDir(common, wt);
    const file = await safeReadFile(wt, '.git', 4096);
    const m = file && !file.truncated ? /^gitdir: (.+?)\r?\n?$/.exec(file.text) : undefined;
    return !!m && (await realpath(path.resolve(wt, m[1]))) === (await realpath(admin));
  } catch {
    return false;
  }
}

/** Where the ticket's changes are measured from: where its branch left the base (moves when the base is merged in). */
export async function diffBase(ctx: WorktreeContext, ticket: Ticket, ws: TicketWorkspace): Promise<string> {
  const repo = await repoOf(ctx, ticket);
  return (await ctx.git.value(repo, ['merge-base', `refs/heads/${ws.base}`, `refs/heads/${ws.branch}`])) ?? ws.baseCommit;
}

/** Files the ticket changed since it left its base: committed on its branch, uncommitted and untracked in its worktree. */
export async function changes(ctx: WorktreeContext, ticket: Ticket, ws: TicketWorkspace): Promise<Change[]> {
  const git = await gitIn(ctx, ticket, ws);
  const from = await diffBase(ctx, ticket, ws);
  const diff = await git.ok(['diff', '--name-status', '-z', '-M', from, '--']);
  const untracked = await git.ok(['ls-files', '--others', '--exclude-standard', '-z']);
  return parseChanges(diff, untracked);
}
