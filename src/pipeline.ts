/**
 * Runs a ticket's selected stages in order, each with its own model and terminal.
 * Stops at the first failure and offers Retry, Retry with another model, Skip, Show terminal.
 * Pipelines of different tickets run side by side up to `maxParallelPipelines`; the rest wait
 * in a queue. A ticket on its own branch pauses before Merge for review (`reviewGate`), and
 * after its Merge stage is offered a merge into its base.
 */
import * as vscode from 'vscode';
import { notify } from './notify';
import type { ConfigurationService } from './configuration';
import { escalationChain, escalationPlan } from './domain/runSettings';
import { stageInfo, type StageId } from './domain/stages';
import { enabledStages, unfinishedStages, type Run } from './domain/ticket';
import { lazy } from './lazy';
import { PipelineQueue } from './domain/queue';
import { Disposable } from './lifecycle';
import type { RetryModelPicker } from './pickers';
import type { StageRunner } from './runner';
import type { TicketService } from './ticketService';

/** The worktree feature's notifications travel with its git code (dist/worktrees.js). */
const loadWorktrees = lazy<typeof import('./worktrees')>('worktrees');

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

  async run(ticketId: number, opts: PipelineOptions = {}): Promise<PipelineResult> {
    const ticket = this.tickets.get(ticketId);
    if (!ticket) {
      void notify.error(vscode.l10n.t('ticket #{0} does not exist.', ticketId));
      return { status: 'not-started', runs: [] };
    }
    if (this.active.has(ticketId)) {
      void notify.warn(vscode.l10n.t('the pipeline of ticket #{0} is already running.', ticketId));
      return { status: 'not-started', runs: [] };
    }
    const skip = new Set(opts.skip ?? []);
    const chosen = opts.only ? enabledStages(ticket).filter((s) => opts.only!.includes(s)) : opts.resume ? unfinishedStages(ticket) : enabledStages(ticket);
    const stages = chosen.filter((s) => !skip.has(s));
    if (!stages.length) {
      void notify.info(opts.resume ? vscode.l10n.t('ticket #{0} has no unfinished stages.', ticketId) : vscode.l10n.t('ticket #{0} has no selected stages.', ticketId));
      return { status: 'not-started', runs: [] };
    }
    const state: { cancelled: boolean; stage?: StageId } = { cancelled: false };
    this.active.set(ticketId, state);
    const runs: Run[] = [];
    let release: (() => void) | undefined;
    try {
      // Wait for a slot (the Tickets view shows "queued"); Stop takes the ticket out of the queue.
      if (this.queue.running().length >= this.config.value.run.maxParallelPipelines) this.output.info(`pipeline #${ticketId}: queued (${this.queue.running().length} running)`);
      this.changed.fire();
      release = await this.queue.acquire(ticketId);
      if (!release || state.cancelled) return { status: 'cancelled', runs };
      this.output.info(`pipeline #${ticketId}: ${stages.join(' → ')}`);
      if (!opts.resume && !opts.only && this.tickets.get(ticketId)?.workspace?.review) await this.setReview(ticketId, undefined);
      for (const stage of stages) {
        if (state.cancelled) return { status: 'cancelled', runs };
        if (stage === 'merge' && this.gated(ticketId)) return await this.pauseForReview(ticketId, runs);
        state.stage = stage;
        const first = await this.runner.run({ ticketId, stage, model: opts.models?.[stage] });
        if (!first) return this.stopped(ticketId, runs, stage);
        this.stageEnded.fire(ticketId);
        runs.push(first);
        let run = first;
        // Automatic escalation: walk the chain by position, never more runs than it has models.
        const cfg = this.configOf(ticketId)?.run;
        if (run.status === 'failed' && cfg?.escalationMode === 'auto') {
          for (const model of escalationPlan(escalationChain(cfg.escalation, stage), run.modelAsked)) {
            if (state.cancelled || !this.tickets.get(ticketId)) break;
            this.output.info(`pipeline #${ticketId}: ${stage} failed on ${run.modelAsked}; escalating to ${model}`);
            const next = await this.runner.run({ ticketId, stage, model });
            if (!next) return this.stopped(ticketId, runs, stage);
            run = next;
            runs.push(run);
            this.stageEnded.fire(ticketId);
            if (run.status !== 'failed') break;
          }
        }
        if (run.status !== 'succeeded') {
          if (state.cancelled || run.status === 'cancelled') return { status: 'cancelled', runs, failedStage: stage };
          if (!opts.quiet && this.tickets.get(ticketId)) this.offerRecovery(ticketId, stage, run);
          return { status: 'failed', runs, failedStage: stage };
        }
      }
      if (stages.includes('merge')) this.offerMerge(ticketId);
      return { status: 'succeeded', runs };
    } finally {
      release?.();
      this.active.delete(ticketId);
      this.changed.fire();
      if (runs.length && this.tickets.get(ticketId)) this.ended.fire(ticketId);
    }
  }

  // ---- the review gate ----

  /** Whether the ticket must be approved before its Merge stage runs. */
  private gated(ticketId: number): boolean {
    const t = this.tickets.get(ticketId);
    const ws = t?.workspace;
    return !!t && !!ws && !ws.removed && this.config.forTicket(t).run.reviewGate === 'beforeMerge' && ws.review !== 'approved';
  }

  private async setReview(ticketId: number, review: 'awaiting' | 'approved' | undefined): Promise<void> {
    await this.tickets.update(ticketId, (t) => {
      if (t.workspace) t.workspace.review = review;
    });
    this.changed.fire();
  }

  private async pauseForReview(ticketId: number, runs: Run[]): Promise<PipelineResult> {
    await this.setReview(ticketId, 'awaiting');
    const t = this.tickets.get(ticketId);
    this.output.info(`pipeline #${ticketId}: awaiting review before Merge`);
    if (t?.workspace) loadWorktrees().askForReview(t.id, t.workspace);
    return { status: 'awaiting-review', runs, reason: vscode.l10n.t('awaiting review') };
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

  /** After the Merge stage: offer to merge the ticket's branch into its base (never without asking). */
  private offerMerge(ticketId: number): void {
    const ws = this.tickets.get(ticketId)?.workspace;
    if (ws && !ws.removed && !ws.mergedAt) loadWorktrees().offerMerge(ticketId, ws);
  }


  private configOf(ticketId: number) {
    const t = this.tickets.get(ticketId);
    return t ? this.config.forTicket(t) : undefined;
  }

  /** A stage that did not start (refused, ticket deleted, ticket cap reached) ends the pipeline, with the runner's reason. */
  private stopped(ticketId: number, runs: Run[], stage: StageId): PipelineResult {
    const reason = !this.tickets.get(ticketId) ? vscode.l10n.t('ticket #{0} was deleted', ticketId) : this.runner.lastRefusal(ticketId) ?? vscode.l10n.t('{0} could not start', stageInfo(stage).label);
    this.output.info(`pipeline #${ticketId}: stopped before ${stage}: ${reason}`);
    return { status: runs.length ? 'failed' : 'not-started', runs, failedStage: stage, reason };
  }

  private offerRecovery(ticketId: number, stage: StageId, run: Run): void {
    const label = stageInfo(stage).label;
    const cfg = this.configOf(ticketId)?.run;
    if (!cfg) return;
    const escalate = cfg.escalationMode === 'ask' ? escalationPlan(escalationChain(cfg.escalation, stage), run.modelAsked)[0] : undefined;
    const retryWith = escalate ? vscode.l10n.t('Retry with {0}', escalate) : undefined;
    const retry = vscode.l10n.t('Retry');
    const skip = vscode.l10n.t('Skip');
    const showTerminal = vscode.l10n.t('Show Terminal');
    const actions = [...(retryWith ? [retryWith] : []), retry, vscode.l10n.t('Retry with Another Model…'), skip, showTerminal];
    const what = run.status === 'budget-exceeded'
      ? vscode.l10n.t('{0} of ticket #{1} hit its budget cap on {2}.', label, ticketId, run.modelAsked)
      : run.status === 'interrupted'
        ? vscode.l10n.t('{0} of ticket #{1} was interrupted on {2}.', label, ticketId, run.modelAsked)
        : vscode.l10n.t('{0} of ticket #{1} failed on {2}.', label, ticketId, run.modelAsked);
    void notify.error(`${what} ${run.message ?? ''}`.trim(), ...actions)
      .then(async (choice) => {
        if (!choice) return;
        if (choice === retry) return this.run(ticketId, { resume: true });
        if (escalate && choice === retryWith) return this.run(ticketId, { resume: true, models: { [stage]: escalate } });
        if (choice === skip) return this.run(ticketId, { resume: true, skip: [stage] });
        if (choice === showTerminal) return this.runner.showTerminal(ticketId, stage);
        const ticket = this.tickets.get(ticketId);
        const model = ticket && (await this.pickModel(ticket, stage, run.modelAsked));
        if (model) return this.run(ticketId, { resume: true, models: { [stage]: model } });
      });
  }
}
