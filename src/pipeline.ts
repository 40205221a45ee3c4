/**
 * The pipelines of this window: which tickets' pipelines run or wait, stopping them, the review
 * gate's Approve and Request Changes, and the events the tree and status bar follow. Pipelines of
 * different tickets run side by side up to `maxParallelPipelines`; the rest wait in a queue.
 * Running one (./pipelineRun) is bundled with the launcher (dist/launch.js), loaded with the first run.
 */
import * as vscode from 'vscode';
import type { ConfigurationService } from './configuration';
import type { StageId } from './domain/stages';
import type { Run } from './domain/ticket';
import { lazy } from './lazy';
import { PipelineQueue } from './domain/queue';
import { Disposable } from './lifecycle';
import type { RetryModelPicker } from './pickers';
import type { StageRunner } from './runner';
import type { TicketService } from './ticketService';
import type { PipelineRun } from './pipelineRun';

const loadLauncher = lazy<typeof import('./launcher')>('launch');

export interface PipelineOptions {
  /** Start from the first unfinished stage instead of the first stage. */
  resume?: boolean;
  /** Model for this run per stage (e.g. "retry with another model"). */
  models?: Partial<Record<StageId, string>>;
  skip?: StageId[];
  /** Don't show the failure notification (callers that handle it). */
  quiet?: boolean;
  /** Run exactly these stages (those the ticket has enabled), e.g. Build then Merge after "Request Changes". */
  only?: StageId[];
}

export interface PipelineResult {
  /** `awaiting-review`: paused before Merge until the ticket's changes are approved. */
  status: 'succeeded' | 'failed' | 'cancelled' | 'not-started' | 'awaiting-review';
  runs: Run[];
  failedStage?: StageId;
  /** Why it stopped early, when that is not a failed run (ticket deleted, cap reached, refused). */
  reason?: string;
}

/** What a pipeline run may see and do of the service. */
export interface PipelineHost {
  readonly tickets: TicketService;
  readonly runner: StageRunner;
  readonly config: ConfigurationService;
  readonly output: vscode.LogOutputChannel;
  readonly queue: PipelineQueue;
  readonly active: Map<number, { cancelled: boolean; stage?: StageId }>;
  pickModel: RetryModelPicker;
  changed(): void;
  stageEnded(ticketId: number): void;
  ended(ticketId: number): void;
  setReview(ticketId: number, review: 'awaiting' | 'approved' | undefined): Promise<void>;
  run(ticketId: number, opts?: PipelineOptions): Promise<PipelineResult>;
}

export class PipelineService extends Disposable {
  private readonly active = new Map<number, { cancelled: boolean; stage?: StageId }>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when a pipeline starts, waits, ends or pauses for review. */
  readonly onDidChange = this.changed.event;
  private readonly stageEnded = this.register(new vscode.EventEmitter<number>());
  /** Fires with the ticket after each stage of its pipeline ends (whatever its outcome). */
  readonly onDidEndStage = this.stageEnded.event;
  private readonly ended = this.register(new vscode.EventEmitter<number>());
  /** Fires with the ticket when its pipeline ends, stops or pauses for review (not when it never started). */
  readonly onDidEnd = this.ended.event;
  readonly queue: PipelineQueue;
  private loaded?: PipelineRun;

  constructor(
    private readonly tickets: TicketService,
    private readonly runner: StageRunner,
    private readonly config: ConfigurationService,
    private readonly output: vscode.LogOutputChannel,
    /** Asks for the model of "Retry with Another Model…" (pickers.ts `retryModelPicker`). */
    private readonly pickModel: RetryModelPicker,
  ) {
    super();
    this.queue = new PipelineQueue(() => this.config.value.run.maxParallelPipelines, () => this.changed.fire());
    this.register(config.onDidChange(() => this.queue.pump()));
  }

  isRunning(ticketId: number): boolean {
    return this.active.has(ticketId);
  }

  isQueued(ticketId: number): boolean {
    return this.queue.isQueued(ticketId);
  }

  cancel(ticketId: number): boolean {
    const p = this.active.get(ticketId);
    if (!p) return false;
    p.cancelled = true;
    this.queue.cancel(ticketId);
    if (p.stage) this.runner.stop(ticketId, p.stage);
    return true;
  }

  /** Runs the ticket's selected stages (see ./pipelineRun); resolves when it ends, stops or pauses for review. */
  async run(ticketId: number, opts: PipelineOptions = {}): Promise<PipelineResult> {
    this.loaded ??= new (loadLauncher().PipelineRun)({
      tickets: this.tickets, runner: this.runner, config: this.config, output: this.output, queue: this.queue, active: this.active, pickModel: this.pickModel,
      changed: () => this.changed.fire(),
      stageEnded: (id) => this.stageEnded.fire(id),
      ended: (id) => this.ended.fire(id),
      setReview: (id, review) => this.setReview(id, review),
      run: (id, o) => this.run(id, o),
    });
    return this.loaded.run(ticketId, opts);
  }

  private async setReview(ticketId: number, review: 'awaiting' | 'approved' | undefined): Promise<void> {
    await this.tickets.update(ticketId, (t) => {
      if (t.workspace) t.workspace.review = review;
    });
    this.changed.fire();
  }

  /** Approves the ticket's changes and continues its pipeline (Merge). */
  async approve(ticketId: number): Promise<PipelineResult> {
    const t = this.tickets.get(ticketId);
    // Only what is awaiting review, and not while it runs (an old notification's Approve after
    // Request Changes must not wave the next, unreviewed Build through).
    if (!t?.workspace || t.workspace.removed || t.workspace.review !== 'awaiting' || this.isRunning(ticketId)) return { status: 'not-started', runs: [], reason: vscode.l10n.t('not awaiting review') };
    await this.setReview(ticketId, 'approved');
    return this.run(ticketId, { only: ['merge'] });
  }

  /** Adds the reviewer's note to the ticket (its file shows it), then runs Build again and comes back to the gate. */
  async requestChanges(ticketId: number, note: string): Promise<PipelineResult> {
    const t = this.tickets.get(ticketId);
    if (!t?.stages.build?.enabled) return { status: 'not-started', runs: [], reason: vscode.l10n.t('no Build stage') };
    await this.tickets.update(ticketId, (t) => {
      if (!t.workspace) return;
      t.workspace.requestedChanges.push(note);
      t.workspace.review = undefined;
    });
    this.changed.fire();
    return this.run(ticketId, { only: ['build', 'merge'] });
  }
}
