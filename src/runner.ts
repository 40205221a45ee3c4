/**
 * Runs one stage of one ticket in an integrated terminal with its model.
 * - headless: an extension-owned terminal (Pseudoterminal) that spawns `claude -p … stream-json`
 *   with an argument array (`shell: false`) and renders the stream;
 * - interactive: the terminal's own process is the CLI (`shellPath` + `shellArgs`, a real pty).
 * Ticket text goes to files; the command line only holds a short prompt pointing at them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { locateClaude, INSTALL_URL } from './claudeLocator';
import type { ConfigurationService } from './configuration';
import { headlessArgs, interactiveArgs, resumeArgs, type RunMode } from './domain/cli';
import { checkModel } from './domain/models';
import { slashCommandPrompt, stagePrompt, systemPromptFile, type PromptVars } from './domain/prompt';
import { resolveStageModel } from './domain/settings';
import { stageInfo, type StageId } from './domain/stages';
import { ansi, formatDuration, formatUsd, LineSplitter, StreamRenderer } from './domain/stream';
import type { Run, RunStatus, Ticket } from './domain/ticket';
import { readModelIds, STORAGE_KEYS } from './domain/store';
import { Disposable } from './lifecycle';
import type { TicketService } from './storage';

export interface RunRequest {
  ticketId: number;
  stage: StageId;
  /** Model for this run only (defaults to the ticket's resolved model). */
  model?: string;
  mode?: RunMode;
}

interface ActiveRun {
  key: string;
  ticketId: number;
  stage: StageId;
  runId: string;
  model: string;
  terminal: vscode.Terminal;
  stop(): void;
}

export const runKey = (ticketId: number, stage: StageId) => `${ticketId}:${stage}`;

export function terminalName(ticketId: number, stage: StageId, model: string): string {
  return `SDLC #${ticketId} · ${stageInfo(stage).label} · ${model}`;
}

export class StageRunner extends Disposable {
  private readonly active = new Map<string, ActiveRun>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeRunning = this.changed.event;
  private readonly spawned = this.register(new vscode.EventEmitter<{ ticketId: number; stage: StageId; pid: number | undefined }>());
  /** Fires when a stage's CLI process has been started (tests and benchmarks use it). */
  readonly onDidSpawn = this.spawned.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly tickets: TicketService,
    private readonly config: ConfigurationService,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super();
  }

  /** Window closing or reloading: stop every CLI we started (they run in their own process groups). */
  override dispose(): void {
    for (const run of this.active.values()) {
      try {
        run.stop();
      } catch {
        // keep stopping the rest
      }
    }
    super.dispose();
  }

  running(): ActiveRun[] {
    return [...this.active.values()];
  }

  isRunning(ticketId: number, stage: StageId): boolean {
    return this.active.has(runKey(ticketId, stage));
  }

  showTerminal(ticketId?: number, stage?: StageId): boolean {
    const run = ticketId !== undefined && stage ? this.active.get(runKey(ticketId, stage)) : this.running()[0];
    run?.terminal.show();
    return !!run;
  }

  stop(ticketId: number, stage: StageId): boolean {
    const run = this.active.get(runKey(ticketId, stage));
    if (!run) return false;
    run.stop();
    return true;
  }

  /** Marks runs that a closed window left "running" or "queued" as interrupted. */
  async markInterrupted(): Promise<number> {
    let n = 0;
    for (const t of this.tickets.all()) {
      const stale = t.runs.filter((r) => (r.status === 'running' || r.status === 'queued') && !this.active.has(runKey(t.id, r.stage)));
      if (!stale.length) continue;
      n += stale.length;
      await this.tickets.update(t.id, (tt) => {
        for (const r of tt.runs) if (stale.some((s) => s.id === r.id)) Object.assign(r, { status: 'interrupted', endedAt: r.endedAt ?? Date.now(), message: 'The window closed or reloaded while this stage ran.' });
      });
    }
    return n;
  }

  /** Shows and logs why a stage could not start. */
  private refuse(message: string, ...actions: string[]): Thenable<string | undefined> {
    this.output.warn(`not started: ${message}`);
    return vscode.window.showErrorMessage(`SDLC Pipeline: ${message}`, ...actions);
  }

  /** Runs a stage; resolves with the finished run record (undefined if it could not start). */
  async run(req: RunRequest): Promise<Run | undefined> {
    if (!vscode.workspace.isTrusted) {
      void this.refuse('running stages launches the Claude Code CLI, which is disabled in Restricted Mode. Trust this workspace to run stages.', 'Manage Workspace Trust').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return undefined;
    }
    const ticket = this.tickets.get(req.ticketId);
    if (!ticket) {
      void this.refuse(`ticket #${req.ticketId} does not exist.`);
      return undefined;
    }
    const key = runKey(ticket.id, req.stage);
    if (this.active.has(key)) {
      void vscode.window.showWarningMessage(`SDLC Pipeline: ${stageInfo(req.stage).label} of ticket #${ticket.id} is already running.`, 'Show Terminal').then((c) => {
        if (c) this.showTerminal(ticket.id, req.stage);
      });
      return undefined;
    }
    const folder = this.tickets.folderOf(ticket);
    const cfg = this.config.forFolder(folder?.uri);
    const resolved = resolveStageModel(req.stage, cfg.models, ticket.stages[req.stage]?.model);
    const model = req.model ?? resolved.model;
    const check = checkModel(model, cfg.models.customModels);
    if (!check.ok) {
      void this.refuse(`cannot run ${stageInfo(req.stage).label}: ${check.message}.`);
      return undefined;
    }
    const claude = await locateClaude(cfg.run.claudePath);
    if (!claude.ok) {
      void this.refuse(`${claude.message} Install Claude Code or set its path to run stages.`, 'Set Claude Path', 'How to Install').then((c) => {
        if (c === 'Set Claude Path') void vscode.commands.executeCommand('workbench.action.openSettings', 'sdlcPipeline.claudePath');
        if (c === 'How to Install') void vscode.env.openExternal(vscode.Uri.parse(INSTALL_URL));
      });
      return undefined;
    }
    let files;
    try {
      files = await this.tickets.writeTicketFile(ticket, cfg.run.ticketsDirectory);
    } catch (e) {
      void this.refuse((e as Error).message);
      return undefined;
    }
    const runId = randomUUID();
    const sessionId = randomUUID();
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    const runDir = vscode.Uri.joinPath(storage, 'runs', runId);
    await vscode.workspace.fs.createDirectory(runDir);
    const systemFile = vscode.Uri.joinPath(runDir, 'system.md');
    await vscode.workspace.fs.writeFile(systemFile, new TextEncoder().encode(systemPromptFile(ticket, req.stage, files.rel)));

    const vars: PromptVars = {
      ticketId: String(ticket.id),
      title: ticket.title,
      stage: req.stage,
      ticketFile: files.rel.ticketFile,
      planFile: files.rel.planFile,
      questionsFile: files.rel.questionsFile,
      reviewFile: files.rel.reviewFile,
      workspaceFolder: files.folder.uri.fsPath,
    };
    const command = cfg.run.stageCommands[req.stage];
    const prompt = command ? slashCommandPrompt(command, files.rel.ticketFile) : stagePrompt(req.stage, vars, cfg.run.stagePrompts[req.stage]);
    const mode = req.mode ?? cfg.run.runMode;
    const options = {
      model,
      prompt,
      sessionId,
      systemPromptFile: systemFile.fsPath,
      permissionMode: cfg.run.permissionMode,
      allowedTools: cfg.run.allowedTools,
      extraArgs: cfg.run.extraArgs,
      maxBudgetUsd: cfg.run.maxBudgetUsd[req.stage],
      fallbackModel: cfg.run.fallbackModel,
    };
    const args = mode === 'headless' ? headlessArgs(options) : interactiveArgs(options);
    this.output.info(`run ${runId}: ticket #${ticket.id} ${req.stage} model=${model} (${resolved.source}) mode=${mode}`);
    this.output.debug(`argv: ${JSON.stringify([claude.path, ...args])}`);

    const record: Run = { id: runId, stage: req.stage, mode, modelAsked: model, startedAt: Date.now(), status: 'running', sessionId };
    await this.tickets.update(ticket.id, (t) => {
      t.runs.push(record);
    });

    const name = terminalName(ticket.id, req.stage, model);
    const iconPath = new vscode.ThemeIcon(stageInfo(req.stage).icon);
    const cwd = files.folder.uri.fsPath;
    const done = mode === 'headless'
      ? this.startHeadless(key, ticket, req.stage, runId, model, name, iconPath, claude.path, args, cwd)
      : this.startInteractive(key, ticket, req.stage, runId, model, name, iconPath, claude.path, args, cwd);
    this.changed.fire();
    const final = await done;
    const saved = await this.tickets.update(ticket.id, (t) => {
      const r = t.runs.find((x) => x.id === runId);
      if (r) Object.assign(r, final, { endedAt: Date.now() });
    });
    this.active.delete(key);
    this.changed.fire();
    const result = saved.runs.find((r) => r.id === runId);
    // Learn which id an alias resolved to in this user's CLI version (estimates price by it).
    if (result?.modelRan && result.modelRan !== result.modelAsked) {
      const learned = { ...readModelIds(this.context.workspaceState.get(STORAGE_KEYS.modelIds)), [result.modelAsked]: result.modelRan };
      await this.context.workspaceState.update(STORAGE_KEYS.modelIds, learned);
    }
    this.output.info(`run ${runId}: ${result?.status} exit=${result?.exitCode} cost=${result?.costUsd ?? '-'}`);
    return result;
  }

  private startHeadless(
    key: string, ticket: Ticket, stage: StageId, runId: string, model: string, name: string,
    iconPath: vscode.ThemeIcon, claudePath: string, args: string[], cwd: string,
  ): Promise<Partial<Run>> {
    return new Promise((resolve) => {
      const write = new vscode.EventEmitter<string>();
      const close = new vscode.EventEmitter<number | void>();
      let child: ChildProcess | undefined;
      let stopped = false;
      let finished = false;
      const renderer = new StreamRenderer();
      const splitter = new LineSplitter();
      let stderr = '';
      const started = Date.now();

      const kill = () => {
        if (!child || child.exitCode !== null || child.pid === undefined) return;
        stopped = true;
        try {
          process.kill(-child.pid, 'SIGTERM'); // the whole process group
        } catch {
          child.kill('SIGTERM');
        }
        const pid = child.pid;
        setTimeout(() => {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }, 3000).unref();
      };

      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (finished) return;
        finished = true;
        for (const l of splitter.flush()) write.fire(renderer.line(l));
        const { result, modelRan, sessionId, malformed } = renderer.summary;
        let status: RunStatus;
        let message: string | undefined;
        if (stopped) {
          status = 'cancelled';
          message = 'Stopped by the user.';
        } else if (result?.subtype === 'error_max_budget_usd') {
          status = 'budget-exceeded';
          message = `Stopped by the budget cap after spending ${formatUsd(result.total_cost_usd ?? 0)}.`;
        } else if (code === 0 && result && !result.is_error) status = 'succeeded';
        else {
          status = 'failed';
          message = result?.is_error ? (result.result ?? result.subtype ?? 'The CLI reported an error.') : stderr.trim().split('\n').slice(-3).join(' ') || `Exited with ${signal ?? code}.`;
        }
        const usage = result?.usage
          ? {
              input_tokens: result.usage.input_tokens ?? 0,
              output_tokens: result.usage.output_tokens ?? 0,
              cache_creation_input_tokens: result.usage.cache_creation_input_tokens ?? 0,
              cache_read_input_tokens: result.usage.cache_read_input_tokens ?? 0,
            }
          : undefined;
        const final: Partial<Run> = {
          status,
          exitCode: code,
          modelRan,
          sessionId: sessionId ?? undefined,
          costUsd: result?.total_cost_usd,
          usage,
          modelUsage: result?.modelUsage,
          numTurns: result?.num_turns,
          durationMs: result?.duration_ms ?? Date.now() - started,
          message,
          malformedLines: malformed || undefined,
        };
        const colour = status === 'succeeded' ? ansi.green : status === 'budget-exceeded' || status === 'cancelled' ? ansi.yellow : ansi.red;
        const parts = [
          `${stageInfo(stage).label} ${status}`,
          `model ${modelRan ?? model}`,
          result?.num_turns !== undefined ? `${result.num_turns} turn${result.num_turns === 1 ? '' : 's'}` : undefined,
          formatDuration(final.durationMs ?? 0),
          usage ? `${usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens} in / ${usage.output_tokens} out tokens` : undefined,
          final.costUsd !== undefined ? formatUsd(final.costUsd) : undefined,
        ].filter(Boolean);
        write.fire('\r\n' + colour(ansi.bold(`■ ${parts.join(' · ')}`)) + '\r\n');
        if (message && status !== 'succeeded') write.fire(colour(`  ${message.replace(/\r?\n/g, ' ')}`) + '\r\n');
        if (malformed) write.fire(ansi.yellow(`  ${malformed} malformed stream line(s) skipped.`) + '\r\n');
        if (result?.permission_denials?.length) write.fire(ansi.yellow(`  ${result.permission_denials.length} tool call(s) were denied (permission mode).`) + '\r\n');
        resolve(final);
      };

      const pty: vscode.Pseudoterminal = {
        onDidWrite: write.event,
        onDidClose: close.event,
        open: () => {
          write.fire(ansi.dim(`$ claude ${args.slice(0, -1).map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')} "<prompt>"`) + '\r\n');
          try {
            child = spawn(claudePath, args, {
              cwd,
              env: { ...process.env, CLAUDE_CODE_ENTRYPOINT: process.env.CLAUDE_CODE_ENTRYPOINT ?? 'sdk-cli' },
              shell: false,
              detached: true,
              stdio: ['ignore', 'pipe', 'pipe'],
            });
          } catch (e) {
            write.fire(ansi.red(`Could not start ${claudePath}: ${(e as Error).message}`) + '\r\n');
            finish(null, null);
            return;
          }
          this.spawned.fire({ ticketId: ticket.id, stage, pid: child.pid });
          child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
            let out = '';
            for (const line of splitter.push(chunk)) out += renderer.line(line);
            if (out) write.fire(out);
          });
          child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
            stderr = (stderr + chunk).slice(-4000);
            write.fire(ansi.red(chunk.replace(/\r?\n/g, '\r\n')));
          });
          child.on('error', (e) => {
            write.fire(ansi.red(`Could not start ${claudePath}: ${e.message}`) + '\r\n');
            finish(null, null);
          });
          child.on('close', (code, signal) => finish(code, signal));
        },
        close: () => kill(),
        handleInput: (data) => {
          if (data === '\x03') kill();
        },
      };
      const terminal = vscode.window.createTerminal({ name, pty, iconPath, isTransient: true });
      this.active.set(key, { key, ticketId: ticket.id, stage, runId, model, terminal, stop: kill });
      terminal.show(true);
    });
  }

  private startInteractive(
    key: string, ticket: Ticket, stage: StageId, runId: string, model: string, name: string,
    iconPath: vscode.ThemeIcon, claudePath: string, args: string[], cwd: string,
  ): Promise<Partial<Run>> {
    return new Promise((resolve) => {
      let stopped = false;
      const terminal = vscode.window.createTerminal({ name, shellPath: claudePath, shellArgs: args, cwd, iconPath, isTransient: true });
      const sub = vscode.window.onDidCloseTerminal((t) => {
        if (t !== terminal) return;
        sub.dispose();
        const code = t.exitStatus?.code;
        resolve({
          status: stopped ? 'cancelled' : code === 0 ? 'succeeded' : 'failed',
          exitCode: code ?? null,
          message: stopped ? 'Stopped by the user.' : code === 0 ? undefined : `The CLI exited with ${code ?? 'no exit code'}.`,
        });
      });
      void terminal.processId.then((pid) => this.spawned.fire({ ticketId: ticket.id, stage, pid }));
      this.active.set(key, {
        key, ticketId: ticket.id, stage, runId, model, terminal,
        stop: () => {
          stopped = true;
          terminal.dispose();
        },
      });
      terminal.show();
    });
  }

  /** Opens an interactive terminal that resumes a finished headless run's session. */
  async resume(ticket: Ticket, run: Run): Promise<vscode.Terminal | undefined> {
    if (!run.sessionId) return undefined;
    const folder = this.tickets.folderOf(ticket);
    const cfg = this.config.forFolder(folder?.uri);
    const claude = await locateClaude(cfg.run.claudePath);
    if (!claude.ok) {
      void vscode.window.showErrorMessage(`SDLC Pipeline: ${claude.message}`);
      return undefined;
    }
    const terminal = vscode.window.createTerminal({
      name: `${terminalName(ticket.id, run.stage, run.modelRan ?? run.modelAsked)} · resumed`,
      shellPath: claude.path,
      shellArgs: resumeArgs(run.sessionId, run.modelAsked),
      cwd: folder?.uri.fsPath,
      iconPath: new vscode.ThemeIcon(stageInfo(run.stage).icon),
    });
    terminal.show();
    return terminal;
  }
}
