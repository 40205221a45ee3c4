/**
 * Where a ticket's stages work (see `sdlcPipeline.isolation`): its own branch `sdlc/<id>-<slug>`
 * and, by default, its own git worktree beside the repository, so tickets run side by side and
 * the user's tree stays untouched. This adapter owns every git operation on them: creating,
 * re-creating (a worktree deleted by hand), the review diff, merging into the base, updating
 * from the base and removing. Names, records and git-output parsing live in domain/worktree.
 * Bundled on its own (`dist/worktrees.js`) and loaded by workspaces.ts on first use.
 */
import './l10nHost'; // first: this bundle's translations before any module uses them
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Configuration, ConfigurationService } from './configuration';
import { ticketPaths } from './domain/prompt';
import type { Ticket } from './domain/ticket';
import {
  countStatus, excludeLine, parseChanges, TICKET_BRANCH, parseLeftRight, parseWorktreeList, ticketBranch, withExcludeLine, worktreeFolderName, worktreesRoot,
  type Change, type TicketWorkspace,
} from './domain/worktree';
import { Git, GitError, gitMissing, type GitResult } from './git';
import { Disposable } from './lifecycle';
import { notify } from './notify';
import { isInside, safeWriteFile } from './safeFiles';
import type { TicketService } from './ticketService';

/** Where a stage of a ticket runs. */
export type Placement =
  | { ok: true; cwd: string; workspace?: TicketWorkspace }
  | { ok: false; message: string; actions?: string[] };

export interface BranchState {
  ahead: number;
  behind: number;
  files: number;
  /** The worktree folder is gone (deleted by hand): it is re-created on the next run. */
  missing?: boolean;
}

export type MergeOutcome =
  | { ok: true; kind: 'fast-forward' | 'merge-commit'; commit: string; committedLeftovers: boolean }
  | { ok: false; reason: 'nothing' | 'conflict' | 'error' | 'cancelled'; message: string; files?: string[] };

const realpath = (p: string) => fs.realpath(p).catch(() => path.resolve(p));
const exists = (p: string) => fs.lstat(p).then(() => true, () => false);

export class TicketWorkspaces extends Disposable {
  private readonly statusCache = new Map<number, BranchState | 'pending'>();
  /** Bumped by `invalidate`: a read that started before it is not cached. */
  private generation = 0;
  private readonly changed = this.register(new vscode.EventEmitter<number>());
  /** Fires with a ticket whose branch state (ahead/behind/files) was read again. */
  readonly onDidChangeState = this.changed.event;
  private readonly noted = new Set<string>();

  constructor(
    private readonly tickets: TicketService,
    private readonly config: ConfigurationService,
    private readonly output: vscode.LogOutputChannel,
    readonly git = new Git(),
  ) {
    super();
  }

  // ---- placing a stage ----

  /**
   * Where the ticket's next stage runs, creating its branch and worktree on its first run.
   * `busyInPlace(repo)` says whether another ticket is running on its own branch in that
   * repository's folder (`branch` isolation runs one ticket at a time per repository).
   */
  async place(ticket: Ticket, cfg: Configuration, busyInPlace: (ticketId: number) => boolean): Promise<Placement> {
    const folder = this.tickets.folderOf(ticket);
    if (!folder) return { ok: false, message: vscode.l10n.t('Open a folder to run stages: tickets are written into the workspace.') };
    const folderPath = folder.uri.fsPath;
    const ws = ticket.workspace && !ticket.workspace.removed ? ticket.workspace : undefined;
    const isolation = ws?.isolation ?? cfg.run.isolation;
    if (isolation === 'none' || folder.uri.scheme !== 'file') return { ok: true, cwd: folderPath };
    const missing = await gitMissing(this.git, folderPath);
    if (missing) return { ok: false, message: vscode.l10n.t('ticket #{0} runs on its own branch (sdlcPipeline.isolation "{1}"), but {2}', ticket.id, isolation, missing), actions: [vscode.l10n.t('Open Settings')] };
    const top = await this.git.value(folderPath, ['rev-parse', '--show-toplevel']);
    if (!top) {
      if (ws) return { ok: false, message: vscode.l10n.t('ticket #{0} worked on branch {1}, but {2} is no longer a git repository.', ticket.id, ws.branch, folderPath) };
      this.noteOnce(`not-git:${folderPath}`, vscode.l10n.t('{0} is not a git repository, so stages run in the folder itself (isolation "none"). Run "git init" and commit once to give each ticket its own branch and worktree.', folder.name));
      return { ok: true, cwd: folderPath };
    }
    const repo = await realpath(top);
    const subdir = path.relative(repo, await realpath(folderPath)).split(path.sep).join('/');
    if (ws) return ws.isolation === 'worktree' ? this.reopenWorktree(ticket, ws, repo, cfg) : this.reopenBranch(ticket, ws, repo, subdir, busyInPlace);
    if (!(await this.git.value(repo, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']))) {
      this.noteOnce(`no-commit:${repo}`, vscode.l10n.t('{0} is a git repository without a commit yet, so stages run in the folder itself. Commit once to give each ticket its own branch and worktree.', folder.name));
      return { ok: true, cwd: folderPath };
    }
    const base = cfg.run.baseBranch ?? (await this.git.value(repo, ['symbolic-ref', '--short', '-q', 'HEAD']));
    if (base && TICKET_BRANCH.test(base)) {
      return { ok: false, message: vscode.l10n.t('{0} has ticket branch {1} checked out; ticket #{2} would start from (and merge into) another ticket\'s branch. Check out your base branch (e.g. main), or set sdlcPipeline.baseBranch.', folder.name, base, ticket.id), actions: [vscode.l10n.t('Open Settings')] };
    }
    if (!base) {
      return { ok: false, message: vscode.l10n.t('HEAD is detached in {0}: check out a branch, or set sdlcPipeline.baseBranch, so ticket #{1} has a branch to start from and merge into.', folder.name, ticket.id), actions: [vscode.l10n.t('Open Settings')] };
    }
    const baseCommit = await this.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${base}^{commit}`]);
    if (!baseCommit) return { ok: false, message: vscode.l10n.t('the base branch "{0}" does not exist in {1}. Check out a branch or change sdlcPipeline.baseBranch.', base, folder.name), actions: [vscode.l10n.t('Open Settings')] };
    const common = await this.commonDir(repo);
    const placed = await this.git.exclusive(common, async (): Promise<Placement | 'placed meanwhile'> => {
      // Another start of this ticket (a pipeline and a Run Stage at once) may have placed it meanwhile.
      const now = this.tickets.get(ticket.id)?.workspace;
      if (now && !now.removed) return 'placed meanwhile';
      await this.excludeTicketFiles(common, subdir, cfg.run.ticketsDirectory);
      if (isolation === 'branch') {
        const blocked = await this.inPlaceBlocked(ticket.id, repo, busyInPlace);
        if (blocked) return { ok: false, message: blocked };
      }
      const root = isolation === 'worktree' ? worktreesRoot(repo, cfg.run.worktreesDirectory, path) : undefined;
      const { branch, taken } = await this.freeBranch(repo, ticket, root);
      if (taken.length) this.output.info(`#${ticket.id}: branch ${taken.join(', ')} exists already; using ${branch}`);
      const record: TicketWorkspace = { isolation, branch, base, baseCommit, subdir, requestedChanges: [] };
      if (isolation === 'branch') {
        await this.git.ok(repo, ['switch', '-q', '--no-guess', '-c', branch, baseCommit]);
      } else {
        const wt = path.join(root!, worktreeFolderName(branch));
        await this.ensureRoot(root!);
        const dirty = countStatus(await this.git.ok(repo, ['status', '--porcelain', '-z']));
        await this.git.ok(repo, ['worktree', 'add', '-q', '-b', branch, wt, baseCommit]);
        record.path = wt;
        if (dirty) {
          const note = dirty === 1
            ? vscode.l10n.t('{0} has 1 uncommitted change; they are not carried into ticket #{1}\'s worktree, which starts from {2} ({3}).', folder.name, ticket.id, base, baseCommit.slice(0, 7))
            : vscode.l10n.t('{0} has {1} uncommitted changes; they are not carried into ticket #{2}\'s worktree, which starts from {3} ({4}).', folder.name, dirty, ticket.id, base, baseCommit.slice(0, 7));
          this.noteOnce(`dirty:${ticket.id}`, note);
        }
      }
      await this.tickets.update(ticket.id, (t) => void (t.workspace = record));
      this.output.info(`#${ticket.id}: ${isolation} on ${branch} from ${base} ${baseCommit.slice(0, 7)}${record.path ? ` at ${record.path}` : ''}`);
      this.invalidate(ticket.id);
      return { ok: true, cwd: this.cwdOf(record, repo), workspace: record };
    }).catch((e: Error): Placement => ({ ok: false, message: vscode.l10n.t('could not create the branch of ticket #{0}: {1}', ticket.id, e.message) }));
    return placed === 'placed meanwhile' ? this.place(this.tickets.get(ticket.id) ?? ticket, cfg, busyInPlace) : placed;
  }

  /** The folder a stage runs in: the worktree (plus the workspace folder's place in the repository), or the repository. */
  private cwdOf(ws: TicketWorkspace, repo: string): string {
    const top = ws.path ?? repo;
    return ws.subdir ? path.join(top, ...ws.subdir.split('/')) : top;
  }

  private async reopenWorktree(ticket: Ticket, ws: TicketWorkspace, repo: string, cfg: Configuration): Promise<Placement> {
    const root = worktreesRoot(repo, cfg.run.worktreesDirectory, path);
    const wt = ws.path!;
    // A stored path is only ever used when it is where this repository's worktrees go.
    if (!path.isAbsolute(wt) || !isInside(root, wt) || path.resolve(wt) === path.resolve(root)) {
      return { ok: false, message: vscode.l10n.t('ticket #{0} records a worktree at {1}, which is not in {2}; it is not used. Remove the ticket\'s worktree record by removing its worktree, or set sdlcPipeline.isolation to "none".', ticket.id, wt, root) };
    }
    const common = await this.commonDir(repo);
    return this.git.exclusive(common, async (): Promise<Placement> => {
      const list = parseWorktreeList(await this.git.ok(repo, ['worktree', 'list', '--porcelain', '-z']));
      const real = await realpath(wt);
      const entry = list.find((e) => e.path === wt || e.path === real);
      if (entry && !entry.prunable && (await exists(wt))) {
        if (entry.branch !== ws.branch) {
          const message = entry.branch !== undefined
            ? vscode.l10n.t('ticket #{0}\'s worktree {1} has {2} checked out, not {3}. Check out {3} there, or remove the worktree.', ticket.id, wt, entry.branch, ws.branch)
            : vscode.l10n.t('ticket #{0}\'s worktree {1} has a detached HEAD checked out, not {2}. Check out {2} there, or remove the worktree.', ticket.id, wt, ws.branch);
          return { ok: false, message };
        }
        return { ok: true, cwd: this.cwdOf(ws, repo), workspace: ws };
      }
      // Deleted by hand: check the branch out again where it was (its commits are intact).
      if (!(await this.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${ws.branch}`]))) {
        return { ok: false, message: vscode.l10n.t('ticket #{0}\'s worktree and its branch {1} are both gone, so its work cannot be recovered here. Remove the worktree record (Remove Worktree) to start the ticket again from {2}.', ticket.id, ws.branch, ws.base) };
      }
      if (await exists(wt)) return { ok: false, message: vscode.l10n.t('{0} exists but is not ticket #{1}\'s worktree any more; move it away to let the ticket re-create it.', wt, ticket.id) };
      await this.ensureRoot(root);
      // `-f`: git still lists the missing folder for this branch; a prune would also drop the user's other missing worktrees.
      await this.git.ok(repo, ['worktree', 'add', '-q', '-f', wt, ws.branch]);
      this.output.info(`#${ticket.id}: re-created worktree ${wt} for ${ws.branch}`);
      void notify.info(vscode.l10n.t('ticket #{0}\'s worktree was missing; it was re-created from branch {1} (its commits are intact; uncommitted files there were lost with the folder).', ticket.id, ws.branch));
      this.invalidate(ticket.id);
      return { ok: true, cwd: this.cwdOf(ws, repo), workspace: ws };
    }).catch((e: Error): Placement => ({ ok: false, message: vscode.l10n.t('could not open ticket #{0}\'s worktree: {1}', ticket.id, e.message) }));
  }

  private async reopenBranch(ticket: Ticket, ws: TicketWorkspace, repo: string, subdir: string, busyInPlace: (ticketId: number) => boolean): Promise<Placement> {
    const common = await this.commonDir(repo);
    return this.git.exclusive(common, async (): Promise<Placement> => {
      const current = await this.git.value(repo, ['symbolic-ref', '--short', '-q', 'HEAD']);
      if (current === ws.branch) return { ok: true, cwd: this.cwdOf({ ...ws, subdir }, repo), workspace: ws };
      const blocked = await this.inPlaceBlocked(ticket.id, repo, busyInPlace);
      if (blocked) return { ok: false, message: blocked };
      await this.git.ok(repo, ['switch', '-q', '--no-guess', ws.branch]);
      this.invalidate(ticket.id);
      return { ok: true, cwd: this.cwdOf({ ...ws, subdir }, repo), workspace: ws };
    }).catch((e: Error): Placement => ({ ok: false, message: vscode.l10n.t('could not check out ticket #{0}\'s branch {1}: {2}', ticket.id, ws.branch, e.message) }));
  }

  /** Why a ticket may not switch the folder's branch now (uncommitted changes, another ticket running there). */
  private async inPlaceBlocked(ticketId: number, repo: string, busyInPlace: (ticketId: number) => boolean): Promise<string | undefined> {
    const others = this.tickets.all().filter((t) => t.id !== ticketId && t.workspace?.isolation === 'branch' && !t.workspace.removed && busyInPlace(t.id));
    if (others.length) return vscode.l10n.t('ticket #{0} is running on its branch in this folder; with sdlcPipeline.isolation "branch" one ticket runs at a time per repository ("worktree" runs them side by side). Ticket #{1} was not started.', others[0].id, ticketId);
    const dirty = countStatus(await this.git.ok(repo, ['status', '--porcelain', '-z', '--untracked-files=no']));
    if (dirty === 1) return vscode.l10n.t('{0} has 1 uncommitted change; with sdlcPipeline.isolation "branch" a ticket checks out its own branch there, so commit or stash them first (or use "worktree" isolation). Ticket #{1} was not started.', repo, ticketId);
    if (dirty) return vscode.l10n.t('{0} has {1} uncommitted changes; with sdlcPipeline.isolation "branch" a ticket checks out its own branch there, so commit or stash them first (or use "worktree" isolation). Ticket #{2} was not started.', repo, dirty, ticketId);
    return undefined;
  }

  /** The ticket's branch name, free in the repository (and, with worktrees, as a folder). */
  private async freeBranch(repo: string, ticket: Ticket, root: string | undefined): Promise<{ branch: string; taken: string[] }> {
    const taken: string[] = [];
    for (let n = 1; n < 100; n++) {
      const branch = ticketBranch(ticket.id, ticket.title, n);
      const refTaken = (await this.git.run(repo, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;
      const folderTaken = root !== undefined && (await exists(path.join(root, worktreeFolderName(branch))));
      if (!refTaken && !folderTaken) return { branch, taken };
      taken.push(branch);
    }
    throw new Error(vscode.l10n.t('no free branch name for ticket #{0} (tried {1})', ticket.id, taken.length));
  }

  /** Makes the worktrees folder; refuses one that is a link (writes go where the folder really is). */
  private async ensureRoot(root: string): Promise<void> {
    await fs.mkdir(root, { recursive: true });
    const st = await fs.lstat(root);
    if (st.isSymbolicLink() || !st.isDirectory()) throw new Error(vscode.l10n.t('{0} is not a plain folder (a link or a file); SDLC Pipeline creates worktrees only in a real folder.', root));
  }

  private async commonDir(repo: string): Promise<string> {
    const d = await this.git.ok(repo, ['rev-parse', '--git-common-dir']);
    return realpath(path.resolve(repo, d.trim()));
  }

  /** Adds the tickets folder to the repository's `info/exclude` (local, never committed), so ticket files stay out of the ticket's commits. */
  private async excludeTicketFiles(common: string, subdir: string, ticketsDirectory: string): Promise<void> {
    const file = path.join(common, 'info', 'exclude');
    const current = await fs.readFile(file, 'utf8').catch(() => '');
    const next = withExcludeLine(current, excludeLine(subdir, ticketsDirectory));
    if (next !== undefined) await safeWriteFile(common, 'info/exclude', next);
  }

  private noteOnce(key: string, message: string): void {
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.output.info(message);
    void notify.info(message);
  }

  // ---- what the tree shows ----

  /** Ahead/behind the base and files changed, read in the background (undefined until known). */
  state(ticket: Ticket): BranchState | undefined {
    const ws = ticket.workspace;
    if (!ws || ws.removed || !vscode.workspace.isTrusted) return undefined;
    const cached = this.statusCache.get(ticket.id);
    if (cached === 'pending') return undefined;
    if (cached) return cached;
    this.statusCache.set(ticket.id, 'pending');
    const gen = this.generation;
    const settle = (s: BranchState | undefined) => {
      if (this.statusCache.get(ticket.id) !== 'pending') return;
      // Invalidated while it was read: read again on the next look.
      if (s && gen === this.generation) this.statusCache.set(ticket.id, s);
      else this.statusCache.delete(ticket.id);
      this.changed.fire(ticket.id);
    };
    this.readState(ticket, ws).then(settle, (e: Error) => {
      this.output.debug(`#${ticket.id}: branch state: ${e.message}`);
      this.statusCache.delete(ticket.id);
    });
    return undefined;
  }

  /** Forget the branch state of one ticket (or all) so the tree reads it again. */
  invalidate(ticketId?: number): void {
    this.generation++;
    if (ticketId === undefined) {
      for (const [id, v] of this.statusCache) if (v !== 'pending') this.statusCache.delete(id);
    } else if (this.statusCache.get(ticketId) !== 'pending') this.statusCache.delete(ticketId);
  }

  async readState(ticket: Ticket, ws: TicketWorkspace): Promise<BranchState> {
    const repo = await this.repoOf(ticket);
    const lr = parseLeftRight(await this.git.ok(repo, ['rev-list', '--left-right', '--count', `refs/heads/${ws.base}...refs/heads/${ws.branch}`]));
    const missing = ws.path !== undefined && !(await exists(ws.path));
    const files = missing ? 0 : (await this.changes(ticket, ws)).length;
    return { ahead: lr?.right ?? 0, behind: lr?.left ?? 0, files, ...(missing ? { missing } : {}) };
  }

  /** The repository (main worktree) a ticket belongs to. */
  async repoOf(ticket: Ticket): Promise<string> {
    const folder = this.tickets.folderOf(ticket);
    if (!folder) throw new Error(vscode.l10n.t('the ticket has no workspace folder'));
    const top = await this.git.value(folder.uri.fsPath, ['rev-parse', '--show-toplevel']);
    if (!top) throw new Error(vscode.l10n.t('{0} is not a git repository', folder.uri.fsPath));
    return realpath(top);
  }

  /**
   * git in the ticket's working folder. In a worktree it is pinned to the worktree's admin folder
   * inside the repository, never to what the worktree's own `.git` file says (the agent can write
   * that file, and a `gitdir:` of its choosing could bring a config that runs commands), and the
   * file-system monitor is off.
   */
  async work(ticket: Ticket, ws: TicketWorkspace): Promise<{ dir: string; run: (args: readonly string[], input?: string) => Promise<GitResult>; ok: (args: readonly string[], input?: string) => Promise<string> }> {
    const repo = await this.repoOf(ticket);
    const dir = ws.path ?? repo;
    const pinned = ws.path ? ['--git-dir', await this.adminDir(await this.commonDir(repo), ws.path), '--work-tree', ws.path, '-c', 'core.fsmonitor=false'] : [];
    const run = (args: readonly string[], input?: string) => this.git.run(dir, [...pinned, ...args], input);
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
  private async adminDir(common: string, wt: string): Promise<string> {
    const dir = path.join(common, 'worktrees');
    const want = await realpath(wt);
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      const gitdir = (await fs.readFile(path.join(dir, name, 'gitdir'), 'utf8').catch(() => '')).trim();
      if (gitdir && (await realpath(path.dirname(gitdir))) === want) return path.join(dir, name);
    }
    throw new Error(vscode.l10n.t('{0} is not a worktree of this repository (any more)', wt));
  }

  /** Where the ticket's changes are measured from: where its branch left the base (moves when the base is merged in). */
  async diffBase(ticket: Ticket, ws: TicketWorkspace): Promise<string> {
    const repo = await this.repoOf(ticket);
    return (await this.git.value(repo, ['merge-base', `refs/heads/${ws.base}`, `refs/heads/${ws.branch}`])) ?? ws.baseCommit;
  }

  /** Files the ticket changed since it left its base: committed on its branch, uncommitted and untracked in its worktree. */
  async changes(ticket: Ticket, ws: TicketWorkspace): Promise<Change[]> {
    const git = await this.work(ticket, ws);
    const from = await this.diffBase(ticket, ws);
    const diff = await git.ok(['diff', '--name-status', '-z', '-M', from, '--']);
    const untracked = await git.ok(['ls-files', '--others', '--exclude-standard', '-z']);
    return parseChanges(diff, untracked);
  }

  // ---- merge, update, remove ----

  /**
   * Commits what the agent left uncommitted in the worktree, then merges the ticket's branch
   * into its base: fast-forward when possible, else a merge commit. Never touches a tree when
   * the merge would conflict (checked first with `git merge-tree`).
   */
  async merge(ticket: Ticket): Promise<MergeOutcome> {
    const ws = ticket.workspace;
    if (!ws || ws.removed) return { ok: false, reason: 'error', message: vscode.l10n.t('ticket #{0} has no branch of its own.', ticket.id) };
    const repo = await this.repoOf(ticket);
    const common = await this.commonDir(repo);
    /** The branch's tip before the leftovers were committed: a merge that cannot go ahead puts it back. */
    let leftoversOn: string | undefined;
    let work: Awaited<ReturnType<TicketWorkspaces['work']>> | undefined;
    const undoLeftovers = async () => {
      if (leftoversOn && work) await work.ok(['reset', '-q', leftoversOn]);
      leftoversOn = undefined;
    };
    return this.git.exclusive(common, async (): Promise<MergeOutcome> => {
      let committedLeftovers = false;
      if (ws.path && !(await exists(ws.path))) return { ok: false, reason: 'error', message: vscode.l10n.t('ticket #{0}\'s worktree {1} is missing; run a stage to re-create it, or merge {2} by hand.', ticket.id, ws.path, ws.branch) };
      work = await this.work(ticket, ws);
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
      const baseTip = await this.git.value(repo, ['rev-parse', '--verify', '-q', `${baseRef}^{commit}`]);
      if (!baseTip) {
        await undoLeftovers();
        return { ok: false, reason: 'error', message: vscode.l10n.t('the base branch {0} no longer exists; create it again or merge {1} by hand.', ws.base, ws.branch) };
      }
      const tip = await this.git.ok(repo, ['rev-parse', `refs/heads/${ws.branch}^{commit}`]).then((s) => s.trim());
      const lr = parseLeftRight(await this.git.ok(repo, ['rev-list', '--left-right', '--count', `${baseRef}...refs/heads/${ws.branch}`]));
      if (!lr || lr.right === 0) return { ok: false, reason: 'nothing', message: vscode.l10n.t('{0} has no commits that {1} does not have; nothing to merge.', ws.branch, ws.base) };
      const checkedOut = parseWorktreeList(await this.git.ok(repo, ['worktree', 'list', '--porcelain', '-z'])).find((e) => e.branch === ws.base);
      const message = `Merge ${ws.branch}: SDLC #${ticket.id} ${ticket.title}\n`;
      if (lr.left === 0) {
        if (checkedOut) await this.git.ok(checkedOut.path, ['merge', '-q', '--ff-only', `refs/heads/${ws.branch}`]);
        else await this.git.ok(repo, ['update-ref', '-m', `SDLC Pipeline: fast-forward ${ws.base} to ${ws.branch}`, baseRef, tip, baseTip]);
        await this.recordMerge(ticket.id, tip);
        return { ok: true, kind: 'fast-forward', commit: tip, committedLeftovers };
      }
      // A merge commit: find conflicts first, without touching any tree.
      const probe = await this.git.run(repo, ['merge-tree', '--write-tree', '--name-only', '--no-messages', baseRef, `refs/heads/${ws.branch}`]);
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
        await this.git.ok(checkedOut.path, ['merge', '-q', '--no-ff', '-m', message.trim(), `refs/heads/${ws.branch}`]);
        commit = (await this.git.ok(checkedOut.path, ['rev-parse', 'HEAD'])).trim();
      } else {
        const tree = probe.stdout.split('\n')[0].trim();
        commit = (await this.git.ok(repo, ['commit-tree', tree, '-p', baseTip, '-p', tip, '-F', '-'], message)).trim();
        await this.git.ok(repo, ['update-ref', '-m', `SDLC Pipeline: merge ${ws.branch}`, baseRef, commit, baseTip]);
      }
      await this.recordMerge(ticket.id, commit);
      return { ok: true, kind: 'merge-commit', commit, committedLeftovers };
    }).catch(async (e: Error): Promise<MergeOutcome> => {
      await undoLeftovers().catch(() => undefined);
      return { ok: false, reason: 'error', message: vscode.l10n.t('merging ticket #{0} failed; nothing was lost ({1}).', ticket.id, e.message) };
    })
      .finally(() => this.invalidate(ticket.id));
  }

  private async recordMerge(ticketId: number, commit: string): Promise<void> {
    await this.tickets.update(ticketId, (t) => {
      if (t.workspace) Object.assign(t.workspace, { mergedAt: Date.now(), mergeCommit: commit });
    });
  }

  /** Merges the base into the ticket's branch in its worktree (the base moved on). A conflict is aborted: the worktree is as it was. */
  async updateFromBase(ticket: Ticket): Promise<{ ok: boolean; message: string }> {
    const ws = ticket.workspace;
    if (!ws?.path || ws.removed) return { ok: false, message: vscode.l10n.t('ticket #{0} has no worktree.', ticket.id) };
    const repo = await this.repoOf(ticket);
    const common = await this.commonDir(repo);
    return this.git.exclusive(common, async () => {
      const git = await this.work(ticket, ws);
      if (countStatus(await git.ok(['status', '--porcelain', '-z', '--untracked-files=no']))) return { ok: false, message: vscode.l10n.t('ticket #{0}\'s worktree has uncommitted changes; run its Merge stage (which commits) or commit there first.', ticket.id) };
      const r = await git.run(['merge', '-q', '--no-edit', `refs/heads/${ws.base}`]);
      if (r.code === 0) return { ok: true, message: vscode.l10n.t('{0} now includes {1}.', ws.branch, ws.base) };
      await git.run(['merge', '--abort']);
      return { ok: false, message: vscode.l10n.t('merging {0} into {1} conflicts; it was undone. Open the worktree and run "git merge {0}" to resolve the conflicts yourself.', ws.base, ws.branch) };
    }).finally(() => this.invalidate(ticket.id));
  }

  /** Commits on the ticket's branch that its base does not have, and uncommitted files in its worktree. */
  async unmerged(ticket: Ticket): Promise<{ commits: number; uncommitted: number }> {
    const ws = ticket.workspace!;
    const repo = await this.repoOf(ticket);
    const hasBranch = !!(await this.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${ws.branch}`]));
    const hasBase = !!(await this.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${ws.base}`]));
    const commits = !hasBranch ? 0 : Number((await this.git.ok(repo, ['rev-list', '--count', hasBase ? `refs/heads/${ws.base}..refs/heads/${ws.branch}` : `refs/heads/${ws.branch}`])).trim()) || 0;
    // In a worktree: what is uncommitted there. In place: the folder's changes while the ticket's branch is checked out.
    const inPlace = ws.isolation === 'branch' && (await this.git.value(repo, ['symbolic-ref', '--short', '-q', 'HEAD'])) === ws.branch;
    const uncommitted = (ws.path && (await exists(ws.path))) || inPlace ? countStatus(await (await this.work(ticket, ws)).ok(['status', '--porcelain', '-z'])) : 0;
    return { commits, uncommitted };
  }

  /**
   * Removes the worktree and deletes the branch. Unmerged commits or uncommitted files are only
   * thrown away with `force` (the caller asked, naming how many).
   */
  async remove(ticket: Ticket, force: boolean): Promise<{ ok: boolean; message: string }> {
    const ws = ticket.workspace;
    if (!ws || ws.removed) return { ok: false, message: vscode.l10n.t('ticket #{0} has no worktree or branch to remove.', ticket.id) };
    const repo = await this.repoOf(ticket);
    const common = await this.commonDir(repo);
    return this.git.exclusive(common, async () => {
      const { commits, uncommitted } = await this.unmerged(ticket);
      if ((commits || uncommitted) && !force) return { ok: false, message: vscode.l10n.t('{0} has {1} unmerged commit(s) and {2} uncommitted change(s); nothing was removed.', ws.branch, commits, uncommitted) };
      if (ws.isolation === 'branch' && (await this.git.value(repo, ['symbolic-ref', '--short', '-q', 'HEAD'])) === ws.branch) {
        if (!(await this.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${ws.base}`]))) return { ok: false, message: vscode.l10n.t('the base branch {0} is gone, so {1} stays checked out; check out another branch first.', ws.base, ws.branch) };
        await this.git.ok(repo, ['switch', '-q', '--no-guess', ws.base]);
      }
      if (ws.path) {
        await this.keepTicketFiles(ticket, ws);
        const list = parseWorktreeList(await this.git.ok(repo, ['worktree', 'list', '--porcelain', '-z']));
        const real = await realpath(ws.path);
        const registered = list.some((e) => (e.path === ws.path || e.path === real) && e.branch === ws.branch);
        if (registered) await this.git.ok(repo, ['worktree', 'remove', ...(force ? ['--force'] : []), ws.path]);
        else await this.git.ok(repo, ['worktree', 'prune']);
      }
      if (await this.git.value(repo, ['rev-parse', '--verify', '-q', `refs/heads/${ws.branch}`])) {
        await this.git.ok(repo, ['branch', force ? '-D' : '-d', ws.branch]);
      }
      await this.tickets.update(ticket.id, (t) => {
        if (t.workspace) t.workspace.removed = true;
      });
      return { ok: true, message: ws.path ? vscode.l10n.t('removed the worktree {0} and branch {1}.', ws.path, ws.branch) : vscode.l10n.t('removed branch {0}.', ws.branch) };
    }).finally(() => this.invalidate(ticket.id));
  }

  /**
   * The ticket's files (plan, questions, review…) live in its worktree, out of its commits: copy
   * them to the workspace folder before the worktree goes, so the stages' output is not lost.
   */
  private async keepTicketFiles(ticket: Ticket, ws: TicketWorkspace): Promise<void> {
    const folder = this.tickets.folderOf(ticket);
    if (!folder || !ws.path) return;
    const rel = ticketPaths(this.config.forTicket(ticket).run.ticketsDirectory, ticket.id);
    const from = path.join(ws.path, ...ws.subdir.split('/').filter(Boolean), ...rel.dir.split('/'));
    for (const name of await fs.readdir(from).catch(() => [] as string[])) {
      const st = await fs.lstat(path.join(from, name)).catch(() => undefined);
      if (!st?.isFile() || !/^[\w.-]+\.md$/.test(name)) continue;
      await safeWriteFile(folder.uri.fsPath, `${rel.dir}/${name}`, await fs.readFile(path.join(from, name), 'utf8'));
    }
  }

  // ---- VS Code views of it ----

  /** The built-in git extension's API (it serves `git:` URIs), or undefined when it is not there. */
  private async gitApi(): Promise<GitApi | undefined> {
    const ext = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git');
    if (!ext) return undefined;
    const exports = ext.isActive ? ext.exports : await ext.activate();
    return exports?.getAPI(1);
  }

  /** Opens the multi-file diff editor: every file the ticket changed, its base commit on the left. */
  async review(ticket: Ticket): Promise<number> {
    const ws = ticket.workspace;
    if (!ws || ws.removed) throw new Error(vscode.l10n.t('ticket #{0} has no branch of its own.', ticket.id));
    const top = ws.path ?? (await this.repoOf(ticket));
    const api = await this.gitApi();
    if (!api) throw new Error(vscode.l10n.t('the built-in Git extension is disabled; enable it to review changes.'));
    await api.openRepository(vscode.Uri.file(top));
    const changes = await this.changes(ticket, ws);
    const from = await this.diffBase(ticket, ws);
    if (!changes.length) {
      void notify.info(vscode.l10n.t('ticket #{0} has no changes against {1} yet.', ticket.id, ws.base));
      return 0;
    }
    const resources = changes.map((c): [vscode.Uri, vscode.Uri | undefined, vscode.Uri | undefined] => {
      const file = vscode.Uri.file(path.join(top, ...c.path.split('/')));
      const before = vscode.Uri.file(path.join(top, ...(c.from ?? c.path).split('/')));
      return [file, c.kind === 'added' ? undefined : api.toGitUri(before, from), c.kind === 'deleted' ? undefined : file];
    });
    await vscode.commands.executeCommand('vscode.changes', `#${ticket.id} ${ticket.title} (${ws.branch} ↔ ${ws.base})`, resources);
    return changes.length;
  }

  /** Shows the ticket's worktree as a repository in the Source Control view. */
  async revealInScm(ticket: Ticket): Promise<void> {
    const ws = ticket.workspace;
    if (!ws || ws.removed) throw new Error(vscode.l10n.t('ticket #{0} has no branch of its own.', ticket.id));
    const api = await this.gitApi();
    await api?.openRepository(vscode.Uri.file(ws.path ?? (await this.repoOf(ticket))));
    await vscode.commands.executeCommand('workbench.view.scm');
  }
}

/** The part of the built-in git extension's API used here (extensions/git/src/api/git.d.ts). */
interface GitApi {
  toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
  openRepository(root: vscode.Uri): Promise<unknown>;
}

/** The worktree commands' bodies travel in this bundle too. */
export { askForReview, offerMerge, run as runWorktreeCommand } from './worktreeCommands';
