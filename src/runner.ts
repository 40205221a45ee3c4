/**
 * The stage runs of this window: which are running, their terminals and live cost, stopping
 * them, what they spent today, and the events the tree, status bar and pipeline follow.
 * Starting a run (its checks, files, terminal and recorded result) is ./launcher, bundled on its
 * own (dist/launch.js) and loaded with the first run, so activation does not pay for it; it
 * registers a run in this runner's active map the moment it is accepted, and the run always
 * leaves it with a final status, whatever fails on the way.
 */
import * as vscode from 'vscode';
import type { ConfigurationService } from './configuration';
import type { RunMode } from './domain/cli';
import { heldInFlight, spentOnDay } from './domain/daily';
import type { StageId } from './domain/stages';
import type { Run, Ticket } from './domain/ticket';
import type { Launcher } from './launcher';
import type { Where } from './launchGuards';
import { lazy } from './lazy';
import { Disposable } from './lifecycle';
import type { ExtensionState } from './state';
import type { TicketService } from './ticketService';
import type { Workspaces } from './workspaces';

const loadLauncher = lazy<typeof import('./launcher')>('launch');

export interface RunRequest {
  ticketId: number;
  stage: StageId;
  /** Model for this run only (defaults to the ticket's resolved model). */
  model?: string;
  mode?: RunMode;
  /** The user chose to start it although today's budget cannot cover its estimate. */
  overDailyBudget?: boolean;
}

export interface ActiveRun {
  key: string;
  ticketId: number;
  stage: StageId;
  model: string;
  runId?: string;
  terminal?: vscode.Terminal;
  /** Set while the run is still being prepared: a stop then cancels before anything starts. */
  cancelled: boolean;
  /** What an interactive run has cost so far (from its transcript). */
  costUsd?: number;
  /** The cap it was started with, held against the ticket's and today's budgets until it ends. */
  reservedUsd?: number;
  stop(): void;
  killNow(): void;
}

/** What the launcher may see and do of the runner: its services, the active map and its events. */
export interface RunnerHost {
  readonly context: vscode.ExtensionContext;
  readonly tickets: TicketService;
  readonly config: ConfigurationService;
  readonly state: ExtensionState;
  readonly output: vscode.LogOutputChannel;
  readonly workspaces: Workspaces;
  readonly active: Map<string, ActiveRun>;
  changed(): void;
  liveCostChanged(ticketId: number, stage: StageId): void;
  spawned(e: { ticketId: number; stage: StageId; pid: number | undefined }): void;
  wrote(e: { ticketId: number; stage: StageId; data: string }): void;
  refused(e: Where & { message: string }): void;
  /** A stage of this ticket was accepted: its last refusal no longer explains anything. */
  accepted(ticketId: number): void;
  isRunning(ticketId: number, stage?: StageId): boolean;
  showTerminal(ticketId: number, stage: StageId): boolean;
  spentToday(): number;
  /** Today's spend plus what the runs in flight (but `except`) hold: what a new run's daily cap is taken from. */
  committedToday(except?: ActiveRun): number;
  run(req: RunRequest): Promise<Run | undefined>;
}

export const runKey = (ticketId: number, stage: StageId) => `${ticketId}:${stage}`;

export class StageRunner extends Disposable {
  private readonly active = new Map<string, ActiveRun>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeRunning = this.changed.event;
  private readonly costChanged = this.register(new vscode.EventEmitter<{ ticketId: number; stage: StageId }>());
  /** An interactive stage's live cost moved (every second or so while it spends: no run started or ended). */
  readonly onDidChangeLiveCost = this.costChanged.event;
  private readonly spawned = this.register(new vscode.EventEmitter<{ ticketId: number; stage: StageId; pid: number | undefined }>());
  /** Fires when a stage's CLI process has been started (tests and benchmarks use it). */
  readonly onDidSpawn = this.spawned.event;
  private readonly wrote = this.register(new vscode.EventEmitter<{ ticketId: number; stage: StageId; data: string }>());
  /** What a headless terminal shows, as written (tests check what reaches the user's terminal). */
  readonly onDidWriteTerminal = this.wrote.event;
  private readonly refused = this.register(new vscode.EventEmitter<Where & { message: string }>());
  /** Fires with the message shown when a stage or resume is refused. */
  readonly onDidRefuse = this.refused.event;
  /** The last refusal per ticket, so the pipeline can say why it stopped without guessing. */
  private readonly refusals = new Map<number, string>();
  private loaded?: Launcher;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly tickets: TicketService,
    private readonly config: ConfigurationService,
    private readonly state: ExtensionState,
    private readonly output: vscode.LogOutputChannel,
    private readonly workspaces: Workspaces,
  ) {
    super();
  }

  /** The launch code, loaded (and given its view of the runner) with the first run or resume. */
  private launcher(): Launcher {
    if (this.loaded) return this.loaded;
    const host: RunnerHost = {
      context: this.context, tickets: this.tickets, config: this.config, state: this.state, output: this.output, workspaces: this.workspaces,
      active: this.active,
      changed: () => this.changed.fire(),
      liveCostChanged: (ticketId, stage) => this.costChanged.fire({ ticketId, stage }),
      spawned: (e) => this.spawned.fire(e),
      wrote: (e) => this.wrote.fire(e),
      refused: (e) => {
        if (e.ticketId !== undefined) this.refusals.set(e.ticketId, e.message);
        this.refused.fire(e);
      },
      accepted: (ticketId) => this.refusals.delete(ticketId),
      isRunning: (ticketId, stage) => this.isRunning(ticketId, stage),
      showTerminal: (ticketId, stage) => this.showTerminal(ticketId, stage),
      spentToday: () => this.spentToday(),
      committedToday: (except) => this.committedToday(except),
      run: (req) => this.run(req),
    };
    return (this.loaded = new (loadLauncher().Launcher)(host));
  }

  /** Window closing or reloading: end every CLI we started before returning (they run in their own process groups). */
  override dispose(): void {
    this.stopAll();
    super.dispose();
  }

  /** Ends every running stage now (TERM, a short wait, KILL), synchronously. */
  stopAll(): number {
    let n = 0;
    for (const run of [...this.active.values()]) {
      try {
        run.killNow();
        n++;
      } catch {
        // keep stopping the rest
      }
    }
    return n;
  }

  /** Why the last start of this ticket's stage was refused (cleared when a stage starts). */
  lastRefusal(ticketId: number): string | undefined {
    return this.refusals.get(ticketId);
  }

  running(): ActiveRun[] {
    return [...this.active.values()];
  }

  isRunning(ticketId: number, stage?: StageId): boolean {
    if (stage) return this.active.has(runKey(ticketId, stage));
    return this.running().some((r) => r.ticketId === ticketId);
  }

  showTerminal(ticketId?: number, stage?: StageId): boolean {
    const run = ticketId !== undefined && stage ? this.active.get(runKey(ticketId, stage)) : this.running().find((r) => r.terminal);
    run?.terminal?.show();
    return !!run?.terminal;
  }

  stop(ticketId: number, stage: StageId): boolean {
    const run = this.active.get(runKey(ticketId, stage));
    if (!run) return false;
    run.stop();
    return true;
  }

  /** Stops every stage of one ticket and waits until none is running. */
  async stopTicket(ticketId: number, timeoutMs = 10_000): Promise<boolean> {
    for (const r of this.running()) if (r.ticketId === ticketId) r.stop();
    const until = Date.now() + timeoutMs;
    while (this.isRunning(ticketId) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    return !this.isRunning(ticketId);
  }

  /** Marks runs that a closed window left "running" or "queued" as interrupted. */
  async markInterrupted(): Promise<number> {
    let n = 0;
    for (const t of this.tickets.all()) {
      const stale = t.runs.filter((r) => (r.status === 'running' || r.status === 'queued') && !this.active.has(runKey(t.id, r.stage)));
      if (!stale.length) continue;
      n += stale.length;
      await this.tickets.update(t.id, (tt) => {
        for (const r of tt.runs) if (stale.some((s) => s.id === r.id)) Object.assign(r, { status: 'interrupted', endedAt: r.endedAt ?? Date.now(), message: vscode.l10n.t('The window closed or reloaded while this stage ran.') });
      });
    }
    return n;
  }

  /** Runs a stage; resolves with the finished run record (undefined if it could not start). */
  // async: a launch bundle that fails to load rejects, as a failed run does (what runs before
  // the launcher's first await still runs synchronously: a second call in the same tick sees it).
  async run(req: RunRequest): Promise<Run | undefined> {
    return this.launcher().run(req);
  }

  /**
   * Resumes an interactive session (`--resume=<id>`) as a new interactive run with its own cap:
   * its transcript is followed from where it ends now, so only the resumed part is counted.
   */
  async resumeWithCap(ticket: Ticket, run: Run, capUsd: number): Promise<Run | undefined> {
    return this.launcher().resumeWithCap(ticket, run, capUsd);
  }

  /** Opens an interactive terminal that resumes a finished headless run's session. */
  async resume(ticket: Ticket, run: Run): Promise<vscode.Terminal | undefined> {
    return this.launcher().resume(ticket, run);
  }

  /** What an interactive stage has cost so far (undefined when not running or not known yet). */
  liveCost(ticketId: number, stage: StageId): number | undefined {
    return this.active.get(runKey(ticketId, stage))?.costUsd;
  }

  /**
   * What today's budget has left to give: the recorded spend of runs started today, plus what each
   * run in flight (but `except`) holds — its reservation or its spend so far, whichever is more.
   */
  committedToday(except?: ActiveRun, now = Date.now()): number {
    return spentOnDay(this.tickets.all().flatMap((t) => t.runs), now) + heldInFlight([...this.active.values()].filter((r) => r !== except));
  }

  /** What every ticket's runs started today have cost, the running interactive ones included. */
  spentToday(now = Date.now()): number {
    let usd = spentOnDay(this.tickets.all().flatMap((t) => t.runs), now);
    for (const r of this.active.values()) usd += r.costUsd ?? 0;
    return usd;
  }
}
