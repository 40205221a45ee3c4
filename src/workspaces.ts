/**
 * The front of the git worktree feature (worktrees.ts, bundled apart as `dist/worktrees.js`):
 * it loads the git code the first time a ticket needs its own branch, and answers the cheap
 * questions (no branch recorded, isolation "none") without loading it.
 */
import { existsSync, lstatSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Configuration, ConfigurationService } from './configuration';
import type { Ticket } from './domain/ticket';
import type { Change, TicketWorkspace } from './domain/worktree';
import { lazy } from './lazy';
import { Disposable } from './lifecycle';
import type { TicketService } from './ticketService';
import type { BranchState, Losses, MergeOptions, MergeOutcome, Placement, StaleWorktree, TicketWorkspaces } from './worktrees';

const load = lazy<typeof import('./worktrees')>('worktrees');

export class Workspaces extends Disposable {
  private impl?: TicketWorkspaces;
  private readonly changed = this.register(new vscode.EventEmitter<number>());
  /** Fires with a ticket whose branch state (ahead/behind/files) was read again. */
  readonly onDidChangeState = this.changed.event;

  constructor(
    private readonly tickets: TicketService,
    private readonly config: ConfigurationService,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super();
  }

  /** Whether a ticket's pipeline is active (between its stages too): set by the composition root. */
  pipelineBusy: (ticketId: number) => boolean = () => false;

  /** Whether the git code is loaded (benchmarks and tests report it). */
  get loaded(): boolean {
    return this.impl !== undefined;
  }

  private get git(): TicketWorkspaces {
    if (!this.impl) {
      const started = performance.now();
      this.impl = this.register(new (load().TicketWorkspaces)(this.tickets, this.config, this.output));
      this.register(this.impl.onDidChangeState((id) => this.changed.fire(id)));
      this.output.debug(`loaded the worktree module in ${(performance.now() - started).toFixed(1)} ms`);
    }
    return this.impl;
  }

  /** Where the ticket's next stage runs (see TicketWorkspaces.place). */
  place(ticket: Ticket, cfg: Configuration, busyInPlace: (ticketId: number) => boolean): Promise<Placement> {
    const recorded = ticket.workspace && !ticket.workspace.removed;
    const folder = this.tickets.folderOf(ticket);
    if (!recorded && cfg.run.isolation === 'none' && folder) return Promise.resolve({ ok: true, cwd: folder.uri.fsPath });
    return this.git.place(ticket, cfg, (id) => busyInPlace(id) || this.pipelineBusy(id));
  }

  /** Ahead/behind and files changed, read in the background (undefined until known or without a branch). */
  state(ticket: Ticket): BranchState | undefined {
    if (!ticket.workspace || ticket.workspace.removed) return undefined;
    return this.git.state(ticket);
  }

  invalidate(ticketId?: number): void {
    this.impl?.invalidate(ticketId);
  }

  /**
   * Where the ticket's files are while it has a worktree (recorded values, no git), else
   * undefined (the folder). A subfolder that is a link on the branch checked out there (out of
   * the worktree, perhaps) is never used: undefined.
   */
  filesRoot(ticket: Ticket): string | undefined {
    const ws = ticket.workspace;
    if (!ws || ws.removed || !ws.path || !existsSync(ws.path)) return undefined;
    let dir = ws.path;
    for (const part of ws.subdir ? ws.subdir.split('/') : []) {
      dir = path.join(dir, part);
      try {
        if (!lstatSync(dir).isDirectory()) return undefined;
      } catch {
        return undefined;
      }
    }
    return dir;
  }

  readState(ticket: Ticket, ws: TicketWorkspace): Promise<BranchState> {
    return this.git.readState(ticket, ws);
  }
  changes(ticket: Ticket, ws: TicketWorkspace): Promise<Change[]> {
    return this.git.changes(ticket, ws);
  }
  merge(ticket: Ticket, opts?: MergeOptions): Promise<MergeOutcome> {
    return this.git.merge(ticket, opts);
  }
  updateFromBase(ticket: Ticket): Promise<{ ok: boolean; message: string }> {
    return this.git.updateFromBase(ticket);
  }
  unmerged(ticket: Ticket): Promise<{ commits: number; uncommitted: number }> {
    return this.git.unmerged(ticket);
  }
  remove(ticket: Ticket, force: boolean): Promise<{ ok: boolean; message: string }> {
    return this.git.remove(ticket, force);
  }
  /** What is uncommitted in the ticket's working folder, its tickets folder left out (worktreeMerge.ts). */
  uncommitted(ticket: Ticket, ws: TicketWorkspace): Promise<string[]> {
    return this.git.uncommitted(ticket, ws);
  }
  /** Commits the ticket's uncommitted work in its own worktree, exactly the files `shown` (worktreeMerge.ts). */
  commitWork(ticket: Ticket, ws: TicketWorkspace, shown: readonly string[]): Promise<{ ok: boolean; message: string }> {
    return this.git.commitWork(ticket, ws, shown);
  }
  /** What removing the ticket's worktree and branch would lose, named (worktreeCleanup.ts). */
  losses(ticket: Ticket, ws: TicketWorkspace): Promise<Losses> {
    return this.git.losses(ticket, ws);
  }
  /** Worktrees of merged, archived or deleted tickets (worktreeCleanup.ts). */
  stale(folders: readonly vscode.WorkspaceFolder[], busy: (ticketId: number) => boolean): Promise<StaleWorktree[]> {
    return this.git.stale(folders, busy);
  }
  removeStale(s: StaleWorktree): Promise<{ ok: boolean; message: string }> {
    return this.git.removeStale(s);
  }
  review(ticket: Ticket): Promise<number> {
    return this.git.review(ticket);
  }
  revealInScm(ticket: Ticket): Promise<void> {
    return this.git.revealInScm(ticket);
  }
  recordReviewed(ticket: Ticket): Promise<void> {
    return this.git.recordReviewed(ticket);
  }
}
