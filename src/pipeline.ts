/**
 * Runs a ticket's selected stages in order, each with its own model and terminal.
 * Stops at the first failure and offers Retry, Retry with another model, Skip, Show terminal.
 */
import * as vscode from 'vscode';
import { notify } from './notify';
import type { ConfigurationService } from './configuration';
import { escalationPlan } from './domain/runSettings';
import { stageInfo, type StageId } from './domain/stages';
import { enabledStages, unfinishedStages, type Run } from './domain/ticket';
import { Disposable } from './lifecycle';
import type { RetryModelPicker } from './pickers';
import type { StageRunner } from './runner';
import type { TicketService } from './ticketService';

export interface PipelineOptions {
  /** Start from the first unfinished stage instead of the first stage. */
  resume?: boolean;
  /** Model for this run per stage (e.g. "retry with another model"). */
  models?: Partial<Record<StageId, string>>;
  skip?: StageId[];
  /** Don't show the failure notification (callers that handle it). */
  quiet?: boolean;
}

export interface PipelineResult {
  status: 'succeeded' | 'failed' | 'cancelled' | 'not-started';
  runs: Run[];
  failedStage?: StageId;
  /** Why it stopped early, when that is not a failed run (ticket deleted, cap reached, refused). */
  reason?: string;
}

export class PipelineService extends Disposable {
  private readonly active = new Map<number, { cancelled: boolean; stage?: StageId }>();

  constructor(
    private readonly tickets: TicketService,
    private readonly runner: StageRunner,
    private readonly config: ConfigurationService,
    private readonly output: vscode.LogOutputChannel,
    /** Asks for the model of "Retry with Another Model…" (pickers.ts `retryModelPicker`). */
    private readonly pickModel: RetryModelPicker,
  ) {
    super();
  }

  isRunning(ticketId: number): boolean {
    return this.active.has(ticketId);
  }

  cancel(ticketId: number): boolean {
    const p = this.active.get(ticketId);
    if (!p) return false;
    p.cancelled = true;
    if (p.stage) this.runner.stop(ticketId, p.stage);
    return true;
  }

  async run(ticketId: number, opts: PipelineOptions = {}): Promise<PipelineResult> {
    const ticket = this.tickets.get(ticketId);
    if (!ticket) {
      void notify.error(`ticket #${ticketId} does not exist.`);
      return { status: 'not-started', runs: [] };
    }
    if (this.active.has(ticketId)) {
      void notify.warn(`the pipeline of ticket #${ticketId} is already running.`);
      return { status: 'not-started', runs: [] };
    }
    const skip = new Set(opts.skip ?? []);
    const stages = (opts.resume ? unfinishedStages(ticket) : enabledStages(ticket)).filter((s) => !skip.has(s));
    if (!stages.length) {
      void notify.info(`ticket #${ticketId} has no ${opts.resume ? 'unfinished' : 'selected'} stages.`);
      return { status: 'not-started', runs: [] };
    }
    const state: { cancelled: boolean; stage?: StageId } = { cancelled: false };
    this.active.set(ticketId, state);
    const runs: Run[] = [];
    this.output.info(`pipeline #${ticketId}: ${stages.join(' → ')}`);
    try {
      for (const stage of stages) {
        if (state.cancelled) return { status: 'cancelled', runs };
        state.stage = stage;
        const first = await this.runner.run({ ticketId, stage, model: opts.models?.[stage] });
        if (!first) return this.stopped(ticketId, runs, stage);
        runs.push(first);
        let run = first;
        // Automatic escalation: walk the chain by position, never more runs than it has models.
        const cfg = this.configOf(ticketId)?.run;
        if (run.status === 'failed' && cfg?.escalationMode === 'auto') {
          for (const model of escalationPlan(cfg.escalation[stage], run.modelAsked)) {
            if (state.cancelled || !this.tickets.get(ticketId)) break;
            this.output.info(`pipeline #${ticketId}: ${stage} failed on ${run.modelAsked}; escalating to ${model}`);
            const next = await this.runner.run({ ticketId, stage, model });
            if (!next) return this.stopped(ticketId, runs, stage);
            run = next;
            runs.push(run);
            if (run.status !== 'failed') break;
          }
        }
        if (run.status !== 'succeeded') {
          if (state.cancelled || run.status === 'cancelled') return { status: 'cancelled', runs, failedStage: stage };
          if (!opts.quiet && this.tickets.get(ticketId)) this.offerRecovery(ticketId, stage, run);
          return { status: 'failed', runs, failedStage: stage };
        }
      }
      return { status: 'succeeded', runs };
    } finally {
      this.active.delete(ticketId);
    }
  }

  private configOf(ticketId: number) {
    const t = this.tickets.get(ticketId);
    return t ? this.config.forTicket(t) : undefined;
  }

  /** A stage that did not start (refused, ticket deleted, ticket cap reached) ends the pipeline, with the runner's reason. */
  private stopped(ticketId: number, runs: Run[], stage: StageId): PipelineResult {
    const reason = !this.tickets.get(ticketId) ? `ticket #${ticketId} was deleted` : this.runner.lastRefusal(ticketId) ?? `${stageInfo(stage).label} could not start`;
    this.output.info(`pipeline #${ticketId}: stopped before ${stage}: ${reason}`);
    return { status: runs.length ? 'failed' : 'not-started', runs, failedStage: stage, reason };
  }

  private offerRecovery(ticketId: number, stage: StageId, run: Run): void {
    const label = stageInfo(stage).label;
    const cfg = this.configOf(ticketId)?.run;
    if (!cfg) return;
    const escalate = cfg.escalationMode === 'ask' ? escalationPlan(cfg.escalation[stage], run.modelAsked)[0] : undefined;
    const actions = [...(escalate ? [`Retry with ${escalate}`] : []), 'Retry', 'Retry with Another Model…', 'Skip', 'Show Terminal'];
    const what = run.status === 'budget-exceeded' ? 'hit its budget cap' : run.status === 'interrupted' ? 'was interrupted' : 'failed';
    void notify.error(`${label} of ticket #${ticketId} ${what} on ${run.modelAsked}. ${run.message ?? ''}`.trim(), ...actions)
      .then(async (choice) => {
        if (!choice) return;
        if (choice === 'Retry') return this.run(ticketId, { resume: true });
        if (escalate && choice === `Retry with ${escalate}`) return this.run(ticketId, { resume: true, models: { [stage]: escalate } });
        if (choice === 'Skip') return this.run(ticketId, { resume: true, skip: [stage] });
        if (choice === 'Show Terminal') return this.runner.showTerminal(ticketId, stage);
        const ticket = this.tickets.get(ticketId);
        const model = ticket && (await this.pickModel(ticket, stage, run.modelAsked));
        if (model) return this.run(ticketId, { resume: true, models: { [stage]: model } });
      });
  }
}
