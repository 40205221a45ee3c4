/**
 * Where a ticket's stages work (see `sdlcPipeline.isolation`): its own branch `sdlc/<id>-<slug>`
 * and, by default, its own git worktree beside the repository, so tickets run side by side and
 * the user's tree stays untouched. `TicketWorkspaces` is the one door to every git operation on
 * them, and keeps the branch state the tree shows (ahead/behind, files changed); the work itself
 * is in worktreePlacement.ts (creating and re-creating), worktreeMerge.ts (merging into the base,
 * updating from it, removing), worktreeCleanup.ts (what a removal would lose, the worktrees
 * left behind), worktreeReview.ts (the review diff, Source Control) and
 * worktreeGit.ts (the git they share). Names, records and git-output parsing live in
 * domain/worktree. Bundled on its own (`dist/worktrees.js`, this file its entry) and loaded by
 * workspaces.ts on first use.
 */
import './l10nHost'; // first: this bundle's translations before any module uses them
import * as vscode from 'vscode';
import type { Configuration, ConfigurationService } from './configuration';
import type { Ticket } from './domain/ticket';
import { parseLeftRight, type Change, type TicketWorkspace } from './domain/worktree';
import { Git } from './git';
import { Disposable } from './lifecycle';
import type { TicketService } from './ticketService';
import { removeStale, staleWorktrees, ticketLosses, type Losses, type StaleWorktree } from './worktreeCleanup';
import { changes, diffBase, exists, gitIn, repoOf, type WorkGit, type WorktreeContext } from './worktreeGit';
import { commitWork, merge, remove, uncommittedWork, unmerged, updateFromBase, type MergeOptions, type MergeOutcome } from './worktreeMerge';
import { place, type Placement } from './worktreePlacement';
import { recordReviewed, revealInScm, review } from './worktreeReview';

export type { MergeOptions, MergeOutcome } from './worktreeMerge';
export type { Placement } from './worktreePlacement';
export type { Losses, StaleWorktree } from './worktreeCleanup';

export interface BranchState {
  ahead: number;
  behind: number;
  files: number;
  /** The worktree folder is gone (deleted by hand): it is re-created on the next run. */
  missing?: boolean;
}

export class TicketWorkspaces extends Disposable {
  private readonly statusCache = new Map<number, BranchState | 'pending'>();
  /** Bumped by `invalidate`: a read that started before it is not cached. */
  private generation = 0;
  private readonly changed = this.register(new vscode.EventEmitter<number>());
  /** Fires with a ticket whose branch state (ahead/behind/files) was read again. */
  readonly onDidChangeState = this.changed.event;
  /** What the worktree modules work with. */
  private readonly ctx: WorktreeContext;

  constructor(
    tickets: TicketService,
    config: ConfigurationService,
    private readonly output: vscode.LogOutputChannel,
    readonly git = new Git(),
  ) {
    super();
    this.ctx = { git, tickets, config, output, noted: new Set(), invalidate: (id) => this.invalidate(id) };
  }

  /**
   * Where the ticket's next stage runs, creating its branch and worktree on its first run
   * (see worktreePlacement.ts).
   */
  place(ticket: Ticket, cfg: Configuration, busyInPlace: (ticketId: number) => boolean): Promise<Placement> {
    return place(this.ctx, ticket, cfg, busyInPlace);
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
  repoOf(ticket: Ticket): Promise<string> {
    return repoOf(this.ctx, ticket);
  }

  /** git in the ticket's working folder, pinned to its worktree (see worktreeGit.ts). */
  work(ticket: Ticket, ws: TicketWorkspace): Promise<WorkGit> {
    return gitIn(this.ctx, ticket, ws);
  }

  /** Where the ticket's changes are measured from: where its branch left the base. */
  diffBase(ticket: Ticket, ws: TicketWorkspace): Promise<string> {
    return diffBase(this.ctx, ticket, ws);
  }

  /** Files the ticket changed since it left its base: committed on its branch, uncommitted and untracked in its worktree. */
  changes(ticket: Ticket, ws: TicketWorkspace): Promise<Change[]> {
    return changes(this.ctx, ticket, ws);
  }

  // ---- merge, update, remove (worktreeMerge.ts) ----

  merge(ticket: Ticket, opts?: MergeOptions): Promise<MergeOutcome> {
    return merge(this.ctx, ticket, opts);
  }
  updateFromBase(ticket: Ticket): Promise<{ ok: boolean; message: string }> {
    return updateFromBase(this.ctx, ticket);
  }
  unmerged(ticket: Ticket): Promise<{ commits: number; uncommitted: number }> {
    return unmerged(this.ctx, ticket);
  }
  remove(ticket: Ticket, force: boolean): Promise<{ ok: boolean; message: string }> {
    return remove(this.ctx, ticket, force);
  }
  uncommitted(ticket: Ticket, ws: TicketWorkspace): Promise<string[]> {
    return uncommittedWork(this.ctx, ticket, ws);
  }
  commitWork(ticket: Ticket, ws: TicketWorkspace, shown: readonly string[]): Promise<{ ok: boolean; message: string }> {
    return commitWork(this.ctx, ticket, ws, shown);
  }

  // ---- what a removal loses, and what is left behind (worktreeCleanup.ts) ----

  losses(ticket: Ticket, ws: TicketWorkspace): Promise<Losses> {
    return ticketLosses(this.ctx, ticket, ws);
  }
  stale(folders: readonly vscode.WorkspaceFolder[], busy: (ticketId: number) => boolean): Promise<StaleWorktree[]> {
    return staleWorktrees(this.ctx, folders, busy);
  }
  removeStale(s: StaleWorktree): Promise<{ ok: boolean; message: string }> {
    return removeStale(this.ctx, s);
  }

  // ---- VS Code views of it (worktreeReview.ts) ----

  review(ticket: Ticket): Promise<number> {
    return review(this.ctx, ticket);
  }
  revealInScm(ticket: Ticket): Promise<void> {
    return revealInScm(this.ctx, ticket);
  }
  /** Approve: what is approved is recorded; Merge merges only that (worktreeReview.ts). */
  recordReviewed(ticket: Ticket): Promise<void> {
    return recordReviewed(this.ctx, ticket);
  }
}

/** The worktree commands' bodies travel in this bundle too. */
export { askForReview, cleanUpWorktrees, offerMerge, run as runWorktreeCommand } from './worktreeCommands';
