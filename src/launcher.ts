/**
 * Starts stage runs and resumed sessions (bundled on its own as dist/launch.js, loaded with the
 * first run): the checks before anything is written (trust, ticket cap, today's budget, the CLI,
 * the permission mode, the ticket's place), the ticket and system-prompt files, the CLI's argv
 * from the pure planRun(), and the terminal (./runSession) whose result is recorded. A ticket's
 * pipeline run (./pipelineRun) comes in the same bundle.
 * Ticket text goes to files; the command line only holds a short prompt pointing at them.
 */
import './l10nHost'; // first: this bundle's translations before any module uses them
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { notify } from './notify';
import { resumeArgs } from './domain/cli';
import { quoteArg } from './domain/extraArgs';
import { checkModel } from './domain/models';
import { planRun } from './domain/planRun';
import { systemPromptFile } from './domain/prompt';
import type { RunFinal } from './domain/runOutcome';
import { resolveEffort, resolveStageModel, resolveSubagentModel } from './domain/settings';
import { stageInfo, type StageId } from './domain/stages';
import { isSessionId, ticketSpend, type Run, type Ticket } from './domain/ticket';
import { estimateStage } from './domain/cost';
import { heldInFlight } from './domain/daily';
import { formatUsd } from './domain/format';
import { cliConfigEnv } from './claudeConfigDir';
import { terminalEnv } from './interactiveTerminal';
import { LaunchGuards } from './launchGuards';
import { runKey, type ActiveRun, type RunnerHost, type RunRequest } from './runner';
import { recordFinal, startHeadless, startInteractive, terminalName } from './runSession';

export { PipelineRun } from './pipelineRun';

/** A run accepted but not started yet: a stop now only cancels it. */
function pending(key: string, ticketId: number, stage: StageId, model: string): ActiveRun {
  const entry: ActiveRun = { key, ticketId, stage, model, cancelled: false, stop: () => void (entry.cancelled = true), killNow: () => void (entry.cancelled = true) };
  return entry;
}

export class Launcher {
  private readonly guards: LaunchGuards;

  constructor(private readonly host: RunnerHost) {
    this.guards = new LaunchGuards(host.state, host.output, (e) => host.refused(e));
  }

  /** Runs a stage; resolves with the finished run record (undefined if it could not start). */
  async run(req: RunRequest): Promise<Run | undefined> {
    const where = { ticketId: req.ticketId, stage: req.stage };
    if (this.guards.untrusted(where, 'run')) return undefined;
    const ticket = this.host.tickets.get(req.ticketId);
    if (!ticket) {
      void this.guards.refuse(where, vscode.l10n.t('ticket #{0} does not exist.', req.ticketId));
      return undefined;
    }
    const key = runKey(ticket.id, req.stage);
    if (this.host.active.has(key)) {
      void notify.warn(vscode.l10n.t('{0} of ticket #{1} is already running.', stageInfo(req.stage).label, ticket.id), vscode.l10n.t('Show Terminal')).then((c) => {
        if (c) this.host.showTerminal(ticket.id, req.stage);
      });
      return undefined;
    }
    // Registered before the first await: a second call in the same tick sees it.
    const entry = pending(key, ticket.id, req.stage, req.model ?? '');
    this.host.active.set(key, entry);
    this.host.accepted(ticket.id);
    this.host.changed();
    try {
      return await this.prepareAndRun(req, ticket, entry);
    } finally {
      this.host.active.delete(key);
      this.host.changed();
    }
  }

  private async prepareAndRun(req: RunRequest, ticket: Ticket, entry: ActiveRun): Promise<Run | undefined> {
    const where = { ticketId: ticket.id, stage: req.stage };
    const label = stageInfo(req.stage).label;
    const folder = this.host.tickets.folderOf(ticket);
    const cfg = this.host.config.forFolder(folder?.uri);
    const resolved = resolveStageModel(req.stage, cfg.models, ticket.stages[req.stage]?.model);
    const check = checkModel(req.model ?? resolved.model, cfg.models.customModels);
    if (!check.ok) {
      void this.guards.refuse(where, vscode.l10n.t('cannot run {0}: {1}.', label, check.message));
      return undefined;
    }
    const model = check.model;
    entry.model = model;
    this.host.changed();
    // The ticket cap is checked before anything is written or asked (and again as the run is planned).
    const cap = cfg.run.maxTicketBudgetUsd;
    const spentAtFirst = this.ticketCommitted(ticket, entry);
    if (cap !== undefined && spentAtFirst >= cap) return this.guards.ticketCap(where, label, spentAtFirst, cap);
    // Today's budget across every ticket (what runs in flight hold counts as spent): a stage its estimate does not fit asks first.
    const daily = req.overDailyBudget ? undefined : cfg.run.maxDailyBudgetUsd;
    if (daily !== undefined) {
      const today = this.host.committedToday(entry);
      const estimate = estimateStage(req.stage, model, this.host.tickets.all().flatMap((t) => t.runs), cfg.run.prices).usd;
      if (today >= daily || today + estimate > daily) {
        const startAnyway = vscode.l10n.t('Start Anyway');
        const openSettings = vscode.l10n.t('Open Settings');
        const held = today - this.host.spentToday();
        const message = held > 1e-9
          ? vscode.l10n.t("{0} of ticket #{1} would likely cost {2}, and today's budget has {3} of {4} left (sdlcPipeline.maxDailyBudgetUsd): {5} is held by the stages running now, and frees as they end.", label, ticket.id, formatUsd(estimate), formatUsd(Math.max(0, daily - today)), formatUsd(daily), formatUsd(held))
          : vscode.l10n.t("{0} of ticket #{1} would likely cost {2}, and today's budget has {3} of {4} left (sdlcPipeline.maxDailyBudgetUsd).", label, ticket.id, formatUsd(estimate), formatUsd(Math.max(0, daily - today)), formatUsd(daily));
        void this.guards.refuse(where, message, startAnyway, openSettings).then((c) => {
          if (c === startAnyway) void this.host.run({ ...req, overDailyBudget: true });
          if (c === openSettings) void vscode.commands.executeCommand('workbench.action.openSettings', 'sdlcPipeline.maxDailyBudgetUsd');
        });
        return undefined;
      }
    }
    const launch = await this.guards.launch(cfg, where);
    if (!launch) return undefined;
    const { claudePath } = launch;
    if (entry.cancelled) return undefined;
    // Its own branch and worktree (created on the ticket's first run), or the folder itself.
    const place = await this.host.workspaces.place(ticket, cfg, (id) => this.host.isRunning(id));
    if (!place.ok) {
      // The placement's actions are translated where they are made: compare with the same translation.
      void this.guards.refuse(where, place.message, ...(place.actions ?? [])).then((c) => {
        if (c === vscode.l10n.t('Open Settings')) void vscode.commands.executeCommand('workbench.action.openSettings', 'sdlcPipeline.isolation');
      });
      return undefined;
    }
    ticket = this.host.tickets.get(ticket.id) ?? ticket; // the placement may have recorded the branch
    let files;
    try {
      files = await this.host.tickets.writeTicketFile(ticket, cfg.run.ticketsDirectory, place.cwd);
    } catch (e) {
      void this.guards.refuse(where, vscode.l10n.t('cannot write the ticket file of #{0}: {1}', ticket.id, (e as Error).message));
      return undefined;
    }
    if (entry.cancelled) return undefined;
    // The repository's Claude Code settings as the CLI will find them where it runs, now.
    const settingArgs = await this.guards.projectSettings(cfg, files.root, where);
    if (!settingArgs || entry.cancelled) return undefined;
    const runId = randomUUID();
    const sessionId = randomUUID();
    const storage = this.host.context.storageUri ?? this.host.context.globalStorageUri;
    const runDir = vscode.Uri.joinPath(storage, 'runs', runId);
    await vscode.workspace.fs.createDirectory(runDir);
    const systemFile = vscode.Uri.joinPath(runDir, 'system.md');
    await vscode.workspace.fs.writeFile(systemFile, new TextEncoder().encode(systemPromptFile(ticket, req.stage, files.rel)));

    const mode = req.mode ?? cfg.run.runMode;
    // Its sub-agents' model and its effort: the ticket's choice, the settings, the built-in (plan's sub-agents: haiku).
    const choice = ticket.stages[req.stage];
    const sub = resolveSubagentModel(req.stage, cfg.run.defaultSubagentModels, choice?.subagentModel);
    const subCheck = sub.model ? checkModel(sub.model, cfg.models.customModels) : undefined;
    if (subCheck && !subCheck.ok) {
      void this.guards.refuse(where, vscode.l10n.t('cannot run {0}: its sub-agent model: {1}.', label, subCheck.message));
      return undefined;
    }
    const subagentModel = subCheck?.ok && subCheck.model !== model ? subCheck.model : undefined;
    const effort = resolveEffort(req.stage, cfg.run.defaultEfforts, choice?.effort).effort;
    // What is left is read again now, with no await until this run holds its cap: runs that
    // started meanwhile hold theirs, so caps given out at once never add up to more than was left.
    const spent = this.ticketCommitted(this.host.tickets.get(ticket.id) ?? ticket, entry);
    const dailyRemainingUsd = daily !== undefined ? daily - this.host.committedToday(entry) : undefined;
    if (dailyRemainingUsd !== undefined && dailyRemainingUsd <= 0) {
      void this.guards.refuse(where, vscode.l10n.t("{0} of ticket #{1} was not started: today's budget of {2} is spent or held by the stages running now (sdlcPipeline.maxDailyBudgetUsd). It frees as they end.", label, ticket.id, formatUsd(daily!)));
      return undefined;
    }
    const plan = planRun({
      ticketId: ticket.id, stage: req.stage, mode, model, sessionId, paths: files.rel, workspaceFolder: files.root,
      systemPromptFile: systemFile.fsPath, settings: cfg.run, spentUsd: spent, settingArgs, dailyRemainingUsd, effort, subagentModel,
    });
    if (!plan.ok) {
      if (plan.reason === 'ticket-cap') return this.guards.ticketCap(where, label, plan.spentUsd, plan.capUsd);
      void this.guards.refuse(where, vscode.l10n.t('cannot start {0} interactively: the argument {1} holds a quote or control character, which a Windows terminal could split. Run it headless or change the setting that produced it.', label, quoteArg(plan.arg.slice(0, 80))));
      return undefined;
    }
    const { args } = plan;
    entry.reservedUsd = plan.maxBudgetUsd;
    if (entry.cancelled) return undefined;
    this.host.output.info(`run ${runId}: ticket #${ticket.id} ${req.stage} model=${model} (${resolved.source}) mode=${mode} cwd=${files.root}`);
    this.host.output.debug(`argv: ${JSON.stringify([claudePath, ...args])}`);

    const record: Run = { id: runId, stage: req.stage, mode, modelAsked: model, startedAt: Date.now(), status: 'running', sessionId, ...(subagentModel ? { subagentModel } : {}), ...(effort ? { effort } : {}) };
    await this.host.tickets.update(ticket.id, (t) => void t.runs.push(record));
    entry.runId = runId;

    let final: Partial<RunFinal>;
    try {
      const name = terminalName(ticket.id, req.stage, model);
      const iconPath = new vscode.ThemeIcon(stageInfo(req.stage).icon);
      const cwd = files.root;
      final = await (mode === 'headless'
        ? startHeadless(this.host, entry, { name, iconPath, command: claudePath, args, cwd, env: { ...process.env, CLAUDE_CODE_ENTRYPOINT: process.env.CLAUDE_CODE_ENTRYPOINT ?? 'sdk-cli', ...plan.env }, stage: req.stage, model })
        : startInteractive(this.host, entry, { name, iconPath, command: claudePath, args, cwd, env: { ...cliConfigEnv(), ...plan.env } }, { sessionId, capUsd: plan.maxBudgetUsd, prices: cfg.run.prices, stageLabel: label, ticketId: ticket.id }));
    } catch (e) {
      final = { status: 'failed', message: vscode.l10n.t('The run could not be started: {0}', (e as Error).message) };
    }
    // Recorded from here on: today's spend must not count it twice, nor keep holding its cap.
    entry.costUsd = undefined;
    entry.reservedUsd = undefined;
    const result = await recordFinal(this.host, ticket.id, runId, final);
    if (result?.status === 'budget-exceeded' && result.mode === 'interactive') this.offerHigherCap(ticket.id, result);
    if (result?.modelRan && result.modelRan !== result.modelAsked) await this.host.state.learnModelId(result.modelAsked, result.modelRan); // estimates price aliases by the id that ran
    this.host.output.info(`run ${runId}: ${result?.status} exit=${result?.exitCode} cost=${result?.costUsd ?? '-'}`);
    return result;
  }

  /** What the ticket's runs have cost, plus what its other runs in flight hold (see heldInFlight). */
  private ticketCommitted(ticket: Ticket, except: ActiveRun): number {
    return ticketSpend(ticket.runs) + heldInFlight([...this.host.active.values()].filter((r) => r !== except && r.ticketId === ticket.id));
  }

  /** An interactive run stopped at its cap: offer to resume its session with a higher one. */
  private offerHigherCap(ticketId: number, run: Run): void {
    const action = vscode.l10n.t('Resume with a Higher Cap…');
    void notify.warn(vscode.l10n.t('{0} of ticket #{1} was stopped at {2}, its cap.', stageInfo(run.stage).label, ticketId, formatUsd(run.costUsd ?? 0)), action).then(async (c) => {
      if (c !== action) return;
      const suggested = Math.max(0.01, (run.costUsd ?? 0) * 2);
      const v = await vscode.window.showInputBox({
        title: vscode.l10n.t('Resume with a higher cap'),
        prompt: vscode.l10n.t('New cap for the resumed session (USD)'),
        value: suggested.toFixed(2),
        validateInput: (x) => (Number(x) > 0 && Number.isFinite(Number(x)) ? undefined : vscode.l10n.t('A positive amount of USD')),
      });
      const t = this.host.tickets.get(ticketId);
      if (v && t) void this.resumeWithCap(t, run, Number(v));
    });
  }

  /**
   * Resumes an interactive session (`--resume=<id>`) as a new interactive run with its own cap:
   * its transcript is followed from where it ends now, so only the resumed part is counted.
   */
  async resumeWithCap(ticket: Ticket, run: Run, capUsd: number): Promise<Run | undefined> {
    const where = { ticketId: ticket.id, stage: run.stage };
    if (this.guards.untrusted(where, 'resume')) return undefined;
    if (!isSessionId(run.sessionId)) {
      void this.guards.refuse(where, vscode.l10n.t('the {0} run of #{1} has no valid session id to resume.', stageInfo(run.stage).label, ticket.id));
      return undefined;
    }
    const key = runKey(ticket.id, run.stage);
    if (this.host.active.has(key)) return undefined;
    const entry = pending(key, ticket.id, run.stage, run.modelAsked);
    this.host.active.set(key, entry);
    this.host.changed();
    try {
      const cfg = this.host.config.forTicket(ticket);
      const model = checkModel(run.modelAsked, cfg.models.customModels);
      if (!model.ok) {
        void this.guards.refuse(where, vscode.l10n.t('cannot resume: {0}.', model.message));
        return undefined;
      }
      const launch = await this.guards.launch(cfg, where);
      if (!launch) return undefined;
      const place = await this.host.workspaces.place(ticket, cfg, (id) => id !== ticket.id && this.host.isRunning(id));
      if (!place.ok) {
        void this.guards.refuse(where, place.message);
        return undefined;
      }
      const settingArgs = await this.guards.projectSettings(cfg, place.cwd, where);
      if (!settingArgs) return undefined;
      // The cap asked for, but never more than what is left of the ticket's cap or of today's budget.
      const fresh = this.host.tickets.get(ticket.id) ?? ticket;
      const ticketLeft = cfg.run.maxTicketBudgetUsd !== undefined ? cfg.run.maxTicketBudgetUsd - this.ticketCommitted(fresh, entry) : undefined;
      const dayLeft = cfg.run.maxDailyBudgetUsd !== undefined ? cfg.run.maxDailyBudgetUsd - this.host.committedToday(entry) : undefined;
      const limited = Math.min(capUsd, ...[ticketLeft, dayLeft].filter((x): x is number => x !== undefined));
      if (limited <= 0) {
        void this.guards.refuse(where, vscode.l10n.t("cannot resume: the ticket's cap or today's budget has nothing left."));
        return undefined;
      }
      entry.reservedUsd = limited; // held from now on, before any await
      const record: Run = { id: randomUUID(), stage: run.stage, mode: 'interactive', modelAsked: model.model, startedAt: Date.now(), status: 'running', sessionId: run.sessionId, message: vscode.l10n.t('Resumed with a cap of {0}.', formatUsd(limited)) };
      await this.host.tickets.update(ticket.id, (t) => void t.runs.push(record));
      entry.runId = record.id;
      let final: Partial<RunFinal>;
      try {
        final = await startInteractive(this.host, 
          entry,
          { name: terminalName(ticket.id, run.stage, model.model, true), iconPath: new vscode.ThemeIcon(stageInfo(run.stage).icon), command: launch.claudePath, args: resumeArgs(run.sessionId, model.model, { settingArgs, permissionMode: cfg.run.permissionMode, allowedTools: cfg.run.allowedTools }), cwd: place.cwd, env: cliConfigEnv() },
          { sessionId: run.sessionId, capUsd: limited, prices: cfg.run.prices, stageLabel: stageInfo(run.stage).label, ticketId: ticket.id, skipExisting: true },
        );
      } catch (e) {
        final = { status: 'failed', message: vscode.l10n.t('The session could not be resumed: {0}', (e as Error).message) };
      }
      entry.costUsd = undefined;
      entry.reservedUsd = undefined;
      const result = await recordFinal(this.host, ticket.id, record.id, final);
      if (result?.status === 'budget-exceeded') this.offerHigherCap(ticket.id, result);
      return result;
    } finally {
      this.host.active.delete(key);
      this.host.changed();
    }
  }

  /** Opens an interactive terminal that resumes a finished headless run's session. */
  async resume(ticket: Ticket, run: Run): Promise<vscode.Terminal | undefined> {
    const where = { ticketId: ticket.id, stage: run.stage };
    if (this.guards.untrusted(where, 'resume')) return undefined;
    // Stored and imported records are checked already; check again where it meets a command line.
    if (!isSessionId(run.sessionId)) {
      void this.guards.refuse(where, vscode.l10n.t('the {0} run of #{1} has no valid session id to resume.', stageInfo(run.stage).label, ticket.id));
      return undefined;
    }
    const folder = this.host.tickets.folderOf(ticket);
    const cfg = this.host.config.forFolder(folder?.uri);
    const model = checkModel(run.modelAsked, cfg.models.customModels);
    if (!model.ok) {
      void this.guards.refuse(where, vscode.l10n.t('cannot resume: {0}.', model.message));
      return undefined;
    }
    const launch = await this.guards.launch(cfg, where);
    if (!launch) return undefined;
    const { claudePath } = launch;
    // The session's files are where it ran: the ticket's worktree, if it has one.
    const place = await this.host.workspaces.place(ticket, cfg, (id) => id !== ticket.id && this.host.isRunning(id));
    if (!place.ok) {
      void this.guards.refuse(where, place.message);
      return undefined;
    }
    const settingArgs = await this.guards.projectSettings(cfg, place.cwd, where);
    if (!settingArgs) return undefined;
    const shown = run.modelRan && checkModel(run.modelRan).ok ? run.modelRan : model.model;
    const terminal = vscode.window.createTerminal({
      name: terminalName(ticket.id, run.stage, shown, true),
      shellPath: claudePath,
      shellArgs: resumeArgs(run.sessionId, model.model, { settingArgs, permissionMode: cfg.run.permissionMode, allowedTools: cfg.run.allowedTools }),
      cwd: place.cwd,
      iconPath: new vscode.ThemeIcon(stageInfo(run.stage).icon),
      isTransient: true,
      // Exactly the host's environment: a workspace's terminal.integrated.env.* adds nothing.
      env: terminalEnv(cliConfigEnv()),
      strictEnv: true,
    });
    terminal.show();
    return terminal;
  }
}
