/**
 * A ticket's pipeline run (bundled with the launcher in dist/launch.js, loaded with the first
 * run): its selected stages in order, each with its own model and terminal, after waiting for a
 * slot in the queue. Escalates a failed stage along the model chain when set to, stops at the
 * first failure and offers Retry, Retry with another model, Skip, Show terminal; pauses before
 * Merge for review (`reviewGate`), and after its Merge stage offers a merge into its base.
 */
import * as vscode from 'vscode';
import { notify } from './notify';
import { escalationChain, escalationPlan } from './domain/runSettings';
import { stageInfo, type StageId } from './domain/stages';
import { enabledStages, unfinishedStages, type Run } from './domain/ticket';
import { lazy } from './lazy';
import type { PipelineHost, PipelineOptions, PipelineResult } from './pipeline';

/** The worktree feature's notifications travel with its git code (dist/worktrees.js). */
const loadWorktrees = lazy<typeof import('./worktrees')>('worktrees');

export class PipelineRun {
  constructor(private readonly host: PipelineHost) {}

  async run(ticketId: number, opts: PipelineOptions = {}): Promise<PipelineResult> {
    const ticket = this.host.tickets.get(ticketId);
    if (!ticket) {
      void notify.error(vscode.l10n.t('ticket #{0} does not exist.', ticketId));
      return { status: 'not-started', runs: [] };
    }
    if (this.host.active.has(ticketId)) {
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
    this.host.active.set(ticketId, state);
    const runs: Run[] = [];
    let release: (() => void) | undefined;
    try {
      // Wait for a slot (the Tickets view shows "queued"); Stop takes the ticket out of the queue.
      if (this.host.queue.running().length >= this.host.config.value.run.maxParallelPipelines) this.host.output.info(`pipeline #${ticketId}: queued (${this.host.queue.running().length} running)`);
      this.host.changed();
      release = await this.host.queue.acquire(ticketId);
      if (!release || state.cancelled) return { status: 'cancelled', runs };
      this.host.output.info(`pipeline #${ticketId}: ${stages.join(' → ')}`);
      if (!opts.resume && !opts.only && this.host.tickets.get(ticketId)?.workspace?.review) await this.host.setReview(ticketId, undefined);
      for (const stage of stages) {
        if (state.cancelled) return { status: 'cancelled', runs };
        if (stage === 'merge' && this.gated(ticketId)) return await this.pauseForReview(ticketId, runs);
        state.stage = stage;
        const first = await this.host.runner.run({ ticketId, stage, model: opts.models?.[stage] });
        if (!first) return this.stopped(ticketId, runs, stage);
        this.host.stageEnded(ticketId);
        runs.push(first);
        let run = first;
        // Automatic escalation: walk the chain by position, never more runs than it has models.
        const cfg = this.configOf(ticketId)?.run;
        if (run.status === 'failed' && cfg?.escalationMode === 'auto') {
          for (const model of escalationPlan(escalationChain(cfg.escalation, stage), run.modelAsked)) {
            if (state.cancelled || !this.host.tickets.get(ticketId)) break;
            this.host.output.info(`pipeline #${ticketId}: ${stage} failed on ${run.modelAsked}; escalating to ${model}`);
            const next = await this.host.runner.run({ ticketId, stage, model });
            if (!next) return this.stopped(ticketId, runs, stage);
            run = next;
            runs.push(run);
            this.host.stageEnded(ticketId);
            if (run.status !== 'failed') break;
          }
        }
        if (run.status !== 'succeeded') {
          if (state.cancelled || run.status === 'cancelled') return { status: 'cancelled', runs, failedStage: stage };
          if (!opts.quiet && this.host.tickets.get(ticketId)) this.offerRecovery(ticketId, stage, run);
          return { status: 'failed', runs, failedStage: stage };
        }
      }
      if (stages.includes('merge')) this.offerMerge(ticketId);
      return { status: 'succeeded', runs };
    } finally {
      release?.();
      this.host.active.delete(ticketId);
      this.host.changed();
      if (runs.length && this.host.tickets.get(ticketId)) this.host.ended(ticketId);
    }
  }

  /** Whether the ticket must be approved before its Merge stage runs. */
  private gated(ticketId: number): boolean {
    const t = this.host.tickets.get(ticketId);
    const ws = t?.workspace;
    return !!t && !!ws && !ws.removed && this.host.config.forTicket(t).run.reviewGate === 'beforeMerge' && ws.review !== 'approved';
  }

  private async pauseForReview(ticketId: number, runs: Run[]): Promise<PipelineResult> {
    await this.host.setReview(ticketId, 'awaiting');
    const t = this.host.tickets.get(ticketId);
    this.host.output.info(`pipeline #${ticketId}: awaiting review before Merge`);
    if (t?.workspace) loadWorktrees().askForReview(t.id, t.workspace);
    return { status: 'awaiting-review', runs, reason: vscode.l10n.t('awaiting review') };
  }

  /** After the Merge stage: offer to merge the ticket's branch into its base (never without asking). */
  private offerMerge(ticketId: number): void {
    const ws = this.host.tickets.get(ticketId)?.workspace;
    if (ws && !ws.removed && !ws.mergedAt) loadWorktrees().offerMerge(ticketId, ws);
  }


  private configOf(ticketId: number) {
    const t = this.host.tickets.get(ticketId);
    return t ? this.host.config.forTicket(t) : undefined;
  }

  /** A stage that did not start (refused, ticket deleted, ticket cap reached) ends the pipeline, with the runner's reason. */
  private stopped(ticketId: number, runs: Run[], stage: StageId): PipelineResult {
    const reason = !this.host.tickets.get(ticketId) ? vscode.l10n.t('ticket #{0} was deleted', ticketId) : this.host.runner.lastRefusal(ticketId) ?? vscode.l10n.t('{0} could not start', stageInfo(stage).label);
    this.host.output.info(`pipeline #${ticketId}: stopped before ${stage}: ${reason}`);
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
        if (choice === retry) return this.host.run(ticketId, { resume: true });
        if (escalate && choice === retryWith) return this.host.run(ticketId, { resume: true, models: { [stage]: escalate } });
        if (choice === skip) return this.host.run(ticketId, { resume: true, skip: [stage] });
        if (choice === showTerminal) return this.host.runner.showTerminal(ticketId, stage);
        const ticket = this.host.tickets.get(ticketId);
        const model = ticket && (await this.host.pickModel(ticket, stage, run.modelAsked));
        if (model) return this.host.run(ticketId, { resume: true, models: { [stage]: model } });
      });
  }
}
