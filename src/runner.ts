/**
 * Runs one stage of one ticket in an integrated terminal with its model.
 * - headless: a HeadlessTerminal (Pseudoterminal) spawns `claude -p … stream-json` from an
 *   argument array and renders the stream;
 * - interactive: the terminal's own process is the CLI (`shellPath` + `shellArgs`, a real pty).
 * Ticket text goes to files; the command line only holds a short prompt pointing at them.
 * A run is registered the moment it is accepted and always leaves the active map with a
 * final status, whatever fails on the way.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { notify } from './notify';
import type { ConfigurationService } from './configuration';
import { resumeArgs, type RunMode } from './domain/cli';
import { quoteArg } from './domain/extraArgs';
import { checkModel } from './domain/models';
import { planRun } from './domain/planRun';
import { systemPromptFile } from './domain/prompt';
import type { RunFinal } from './domain/runOutcome';
import { resolveEffort, resolveStageModel, resolveSubagentModel } from './domain/settings';
import { stageInfo, type StageId } from './domain/stages';
import { isSessionId, ticketSpend, type Run, type Ticket } from './domain/ticket';
import { HeadlessTerminal } from './headlessTerminal';
import { estimateStage, type PriceTable } from './domain/cost';
import { formatUsd } from './domain/format';
import { spentOnDay } from './domain/daily';
import { cliConfigEnv } from './claudeConfigDir';
import { lazy } from './lazy';
import { InteractiveTerminal } from './interactiveTerminal';
import { LaunchGuards, type Where } from './launchGuards';
import { Disposable } from './lifecycle';
import type { ExtensionState } from './state';
import type { TicketService } from './ticketService';
import type { Workspaces } from './workspaces';

const loadInteractive = lazy<typeof import('./interactiveCost')>('interactive');

export interface RunRequest {
  ticketId: number;
  stage: StageId;
  /** Model for this run only (defaults to the ticket's resolved model). */
  model?: string;
  mode?: RunMode;
  /** The user chose to start it although today's budget cannot cover its estimate. */
  overDailyBudget?: boolean;
}

interface ActiveRun {
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
  stop(): void;
  killNow(): void;
}

export const runKey = (ticketId: number, stage: StageId) => `${ticketId}:${stage}`;

export function terminalName(ticketId: number, stage: StageId, model: string, resumed = false): string {
  const label = stageInfo(stage).label;
  return resumed ? vscode.l10n.t('SDLC #{0} · {1} · {2} · resumed', ticketId, label, model) : vscode.l10n.t('SDLC #{0} · {1} · {2}', ticketId, label, model);
}

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
  private readonly guards: LaunchGuards;
  /** The last refusal per ticket, so the pipeline can say why it stopped without guessing. */
  private readonly refusals = new Map<number, string>();
  /** Fires with the message shown when a stage or resume is refused. */
  readonly onDidRefuse: vscode.Event<Where & { message: string }>;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly tickets: TicketService,
    private readonly config: ConfigurationService,
    private readonly state: ExtensionState,
    private readonly output: vscode.LogOutputChannel,
    private readonly workspaces: Workspaces,
  ) {
    super();
    this.guards = this.register(new LaunchGuards(state, output));
    this.onDidRefuse = this.guards.onDidRefuse;
    this.register(this.guards.onDidRefuse((e) => e.ticketId !== undefined && this.refusals.set(e.ticketId, e.message)));
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
  async run(req: RunRequest): Promise<Run | undefined> {
    const where = { ticketId: req.ticketId, stage: req.stage };
    if (this.guards.untrusted(where, 'run')) return undefined;
    const ticket = this.tickets.get(req.ticketId);
    if (!ticket) {
      void this.guards.refuse(where, vscode.l10n.t('ticket #{0} does not exist.', req.ticketId));
      return undefined;
    }
    const key = runKey(ticket.id, req.stage);
    if (this.active.has(key)) {
      void notify.warn(vscode.l10n.t('{0} of ticket #{1} is already running.', stageInfo(req.stage).label, ticket.id), vscode.l10n.t('Show Terminal')).then((c) => {
        if (c) this.showTerminal(ticket.id, req.stage);
      });
      return undefined;
    }
    // Registered before the first await: a second call in the same tick sees it.
    const entry: ActiveRun = {
      key, ticketId: ticket.id, stage: req.stage, model: req.model ?? '', cancelled: false,
      stop: () => void (entry.cancelled = true),
      killNow: () => void (entry.cancelled = true),
    };
    this.active.set(key, entry);
    this.refusals.delete(ticket.id);
    this.changed.fire();
    try {
      return await this.prepareAndRun(req, ticket, entry);
    } finally {
      this.active.delete(key);
      this.changed.fire();
    }
  }

  private async prepareAndRun(req: RunRequest, ticket: Ticket, entry: ActiveRun): Promise<Run | undefined> {
    const where = { ticketId: ticket.id, stage: req.stage };
    const label = stageInfo(req.stage).label;
    const folder = this.tickets.folderOf(ticket);
    const cfg = this.config.forFolder(folder?.uri);
    const resolved = resolveStageModel(req.stage, cfg.models, ticket.stages[req.stage]?.model);
    const check = checkModel(req.model ?? resolved.model, cfg.models.customModels);
    if (!check.ok) {
      void this.guards.refuse(where, vscode.l10n.t('cannot run {0}: {1}.', label, check.message));
      return undefined;
    }
    const model = check.model;
    entry.model = model;
    this.changed.fire();
    const spent = ticketSpend(ticket.runs);
    // The ticket cap is checked before anything is written or asked (planRun checks it again).
    const cap = cfg.run.maxTicketBudgetUsd;
    if (cap !== undefined && spent >= cap) return this.guards.ticketCap(where, label, spent, cap);
    // Today's budget across every ticket: a stage its estimate does not fit asks first.
    let dailyRemainingUsd: number | undefined;
    const daily = cfg.run.maxDailyBudgetUsd;
    if (daily !== undefined && !req.overDailyBudget) {
      const today = this.spentToday();
      const estimate = estimateStage(req.stage, model, this.tickets.all().flatMap((t) => t.runs), cfg.run.prices).usd;
      if (today >= daily || today + estimate > daily) {
        const startAnyway = vscode.l10n.t('Start Anyway');
        const openSettings = vscode.l10n.t('Open Settings');
        const message = vscode.l10n.t("{0} of ticket #{1} would likely cost {2}, and today's budget has {3} of {4} left (sdlcPipeline.maxDailyBudgetUsd).", label, ticket.id, formatUsd(estimate), formatUsd(Math.max(0, daily - today)), formatUsd(daily));
        void this.guards.refuse(where, message, startAnyway, openSettings).then((c) => {
          if (c === startAnyway) void this.run({ ...req, overDailyBudget: true });
          if (c === openSettings) void vscode.commands.executeCommand('workbench.action.openSettings', 'sdlcPipeline.maxDailyBudgetUsd');
        });
        return undefined;
      }
      dailyRemainingUsd = daily - today;
    }
    const launch = await this.guards.launch(cfg, folder?.uri.fsPath, where);
    if (!launch) return undefined;
    const { claudePath, settingArgs } = launch;
    if (entry.cancelled) return undefined;
    // Its own branch and worktree (created on the ticket's first run), or the folder itself.
    const place = await this.workspaces.place(ticket, cfg, (id) => this.isRunning(id));
    if (!place.ok) {
      // The placement's actions are translated where they are made: compare with the same translation.
      void this.guards.refuse(where, place.message, ...(place.actions ?? [])).then((c) => {
        if (c === vscode.l10n.t('Open Settings')) void vscode.commands.executeCommand('workbench.action.openSettings', 'sdlcPipeline.isolation');
      });
      return undefined;
    }
    ticket = this.tickets.get(ticket.id) ?? ticket; // the placement may have recorded the branch
    let files;
    try {
      files = await this.tickets.writeTicketFile(ticket, cfg.run.ticketsDirectory, place.cwd);
    } catch (e) {
      void this.guards.refuse(where, vscode.l10n.t('cannot write the ticket file of #{0}: {1}', ticket.id, (e as Error).message));
      return undefined;
    }
    if (entry.cancelled) return undefined;
    const runId = randomUUID();
    const sessionId = randomUUID();
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
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
    if (entry.cancelled) return undefined;
    this.output.info(`run ${runId}: ticket #${ticket.id} ${req.stage} model=${model} (${resolved.source}) mode=${mode} cwd=${files.root}`);
    this.output.debug(`argv: ${JSON.stringify([claudePath, ...args])}`);

    const record: Run = { id: runId, stage: req.stage, mode, modelAsked: model, startedAt: Date.now(), status: 'running', sessionId, ...(subagentModel ? { subagentModel } : {}), ...(effort ? { effort } : {}) };
    await this.tickets.update(ticket.id, (t) => void t.runs.push(record));
    entry.runId = runId;

    let final: Partial<RunFinal>;
    try {
      const name = terminalName(ticket.id, req.stage, model);
      const iconPath = new vscode.ThemeIcon(stageInfo(req.stage).icon);
      const cwd = files.root;
      final = await (mode === 'headless'
        ? this.startHeadless(entry, { name, iconPath, command: claudePath, args, cwd, env: { ...process.env, CLAUDE_CODE_ENTRYPOINT: process.env.CLAUDE_CODE_ENTRYPOINT ?? 'sdk-cli', ...plan.env }, stage: req.stage, model })
        : this.startInteractive(entry, { name, iconPath, command: claudePath, args, cwd, env: { ...cliConfigEnv(), ...plan.env } }, { sessionId, capUsd: plan.maxBudgetUsd, prices: cfg.run.prices, stageLabel: label, ticketId: ticket.id }));
    } catch (e) {
      final = { status: 'failed', message: vscode.l10n.t('The run could not be started: {0}', (e as Error).message) };
    }
    entry.costUsd = undefined; // recorded from here on: today's spend must not count it twice
    const result = await this.record(ticket.id, runId, final);
    if (result?.status === 'budget-exceeded' && result.mode === 'interactive') this.offerHigherCap(ticket.id, result);
    if (result?.modelRan && result.modelRan !== result.modelAsked) await this.state.learnModelId(result.modelAsked, result.modelRan); // estimates price aliases by the id that ran
    this.output.info(`run ${runId}: ${result?.status} exit=${result?.exitCode} cost=${result?.costUsd ?? '-'}`);
    return result;
  }

  /** Saves a run's final state; if that fails (or the ticket is gone), still ends the run with a status. */
  private async record(ticketId: number, runId: string, final: Partial<RunFinal>): Promise<Run | undefined> {
    const apply = () => this.tickets.update(ticketId, (t) => {
      const r = t.runs.find((x) => x.id === runId);
      if (r) Object.assign(r, final, { endedAt: Date.now() });
    });
    try {
      return (await apply()).runs.find((r) => r.id === runId);
    } catch (e) {
      if (!this.tickets.get(ticketId)) return undefined; // deleted while it ran
      this.output.error(`run ${runId}: could not record its result (${(e as Error).message}); recording the status only`);
      final = { status: final.status === 'succeeded' ? 'failed' : final.status ?? 'failed', message: vscode.l10n.t('The run ended, but its result could not be recorded.') };
      return (await apply()).runs.find((r) => r.id === runId);
    }
  }

  private startHeadless(entry: ActiveRun, spec: ConstructorParameters<typeof HeadlessTerminal>[0]): Promise<RunFinal> {
    const t = new HeadlessTerminal(spec);
    const { ticketId, stage } = entry;
    const subs = [
      t.onDidSpawn((pid) => this.spawned.fire({ ticketId, stage, pid })),
      t.onDidWrite((data) => this.wrote.fire({ ticketId, stage, data })),
    ];
    const stoppedEarly = entry.cancelled;
    Object.assign(entry, { terminal: t.terminal, stop: () => t.stop(), killNow: () => t.killNow() });
    if (stoppedEarly) t.stop(); // Stop arrived while the run was being recorded
    this.changed.fire();
    t.terminal.show(true);
    return t.done.finally(() => {
      subs.forEach((s) => s.dispose());
      t.dispose();
    });
  }

  /**
   * An interactive run: the TUI in a terminal. Its transcript is followed while it runs (only new
   * bytes each second) for the live cost; at 80 % of its cap the user is warned, at 100 % the
   * session is stopped and the run ends "budget exceeded". When the terminal closes, the run
   * records what the transcript says it cost — or "cost unknown" without one.
   */
  private startInteractive(entry: ActiveRun, spec: ConstructorParameters<typeof InteractiveTerminal>[0], follow: { sessionId: string; capUsd?: number; prices: PriceTable; stageLabel: string; ticketId: number; skipExisting?: boolean }): Promise<RunFinal> {
    const t = new InteractiveTerminal(spec);
    void t.terminal.processId.then((pid) => this.spawned.fire({ ticketId: entry.ticketId, stage: entry.stage, pid }));
    const stoppedEarly = entry.cancelled;
    Object.assign(entry, { terminal: t.terminal, stop: () => t.stop(), killNow: () => t.stop() });
    if (stoppedEarly) t.stop();
    this.changed.fire();
    t.terminal.show();
    // The transcript code loads with the first interactive run (dist/interactive.js).
    return loadInteractive().followCost(t, spec.cwd, follow, {
      onCost: (usd) => {
        entry.costUsd = usd;
        this.costChanged.fire({ ticketId: entry.ticketId, stage: entry.stage });
      },
      warn: (m) => void notify.warn(m),
      log: (m) => this.output.warn(m),
    });
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
      const t = this.tickets.get(ticketId);
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
    if (this.active.has(key)) return undefined;
    const entry: ActiveRun = { key, ticketId: ticket.id, stage: run.stage, model: run.modelAsked, cancelled: false, stop: () => void (entry.cancelled = true), killNow: () => void (entry.cancelled = true) };
    this.active.set(key, entry);
    this.changed.fire();
    try {
      const cfg = this.config.forTicket(ticket);
      const model = checkModel(run.modelAsked, cfg.models.customModels);
      if (!model.ok) {
        void this.guards.refuse(where, vscode.l10n.t('cannot resume: {0}.', model.message));
        return undefined;
      }
      const launch = await this.guards.launch(cfg, this.tickets.folderOf(ticket)?.uri.fsPath, where);
      if (!launch) return undefined;
      const place = await this.workspaces.place(ticket, cfg, (id) => id !== ticket.id && this.isRunning(id));
      if (!place.ok) {
        void this.guards.refuse(where, place.message);
        return undefined;
      }
      // The cap asked for, but never more than what is left of the ticket's cap or of today's budget.
      const fresh = this.tickets.get(ticket.id) ?? ticket;
      const ticketLeft = cfg.run.maxTicketBudgetUsd !== undefined ? cfg.run.maxTicketBudgetUsd - ticketSpend(fresh.runs) : undefined;
      const dayLeft = cfg.run.maxDailyBudgetUsd !== undefined ? cfg.run.maxDailyBudgetUsd - this.spentToday() : undefined;
      const limited = Math.min(capUsd, ...[ticketLeft, dayLeft].filter((x): x is number => x !== undefined));
      if (limited <= 0) {
        void this.guards.refuse(where, vscode.l10n.t("cannot resume: the ticket's cap or today's budget has nothing left."));
        return undefined;
      }
      const record: Run = { id: randomUUID(), stage: run.stage, mode: 'interactive', modelAsked: model.model, startedAt: Date.now(), status: 'running', sessionId: run.sessionId, message: vscode.l10n.t('Resumed with a cap of {0}.', formatUsd(limited)) };
      await this.tickets.update(ticket.id, (t) => void t.runs.push(record));
      entry.runId = record.id;
      let final: Partial<RunFinal>;
      try {
        final = await this.startInteractive(
          entry,
          { name: terminalName(ticket.id, run.stage, model.model, true), iconPath: new vscode.ThemeIcon(stageInfo(run.stage).icon), command: launch.claudePath, args: resumeArgs(run.sessionId, model.model, { settingArgs: launch.settingArgs, permissionMode: cfg.run.permissionMode, allowedTools: cfg.run.allowedTools }), cwd: place.cwd, env: cliConfigEnv() },
          { sessionId: run.sessionId, capUsd: limited, prices: cfg.run.prices, stageLabel: stageInfo(run.stage).label, ticketId: ticket.id, skipExisting: true },
        );
      } catch (e) {
        final = { status: 'failed', message: vscode.l10n.t('The session could not be resumed: {0}', (e as Error).message) };
      }
      const result = await this.record(ticket.id, record.id, final);
      if (result?.status === 'budget-exceeded') this.offerHigherCap(ticket.id, result);
      return result;
    } finally {
      this.active.delete(key);
      this.changed.fire();
    }
  }

  /** What an interactive stage has cost so far (undefined when not running or not known yet). */
  liveCost(ticketId: number, stage: StageId): number | undefined {
    return this.active.get(runKey(ticketId, stage))?.costUsd;
  }

  /** What every ticket's runs started today have cost, the running interactive ones included. */
  spentToday(now = Date.now()): number {
    let usd = spentOnDay(this.tickets.all().flatMap((t) => t.runs), now);
    for (const r of this.active.values()) usd += r.costUsd ?? 0;
    return usd;
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
    const folder = this.tickets.folderOf(ticket);
    const cfg = this.config.forFolder(folder?.uri);
    const model = checkModel(run.modelAsked, cfg.models.customModels);
    if (!model.ok) {
      void this.guards.refuse(where, vscode.l10n.t('cannot resume: {0}.', model.message));
      return undefined;
    }
    const launch = await this.guards.launch(cfg, folder?.uri.fsPath, where);
    if (!launch) return undefined;
    const { claudePath, settingArgs } = launch;
    // The session's files are where it ran: the ticket's worktree, if it has one.
    const place = await this.workspaces.place(ticket, cfg, (id) => id !== ticket.id && this.isRunning(id));
    if (!place.ok) {
      void this.guards.refuse(where, place.message);
      return undefined;
    }
    const shown = run.modelRan && checkModel(run.modelRan).ok ? run.modelRan : model.model;
    const terminal = vscode.window.createTerminal({
      name: terminalName(ticket.id, run.stage, shown, true),
      shellPath: claudePath,
      shellArgs: resumeArgs(run.sessionId, model.model, { settingArgs, permissionMode: cfg.run.permissionMode, allowedTools: cfg.run.allowedTools }),
      cwd: place.cwd,
      iconPath: new vscode.ThemeIcon(stageInfo(run.stage).icon),
      isTransient: true,
    });
    terminal.show();
    return terminal;
  }
}
