/**
 * An extension-owned terminal (Pseudoterminal) that runs one headless CLI process: spawned
 * from an argument array (`shell: false`) in its own process group, its stream-json rendered
 * (every outside string sanitized), its end turned into a run outcome. It owns its emitters,
 * the process and the pty; `stop()` asks the group to end, `killNow()` ends it before returning.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { outcomeLines, runOutcome, type RunFinal } from './domain/runOutcome';
import type { StageId } from './domain/stages';
import { ansi, crlf, LineSplitter, StreamRenderer } from './domain/streamRenderer';
import { sanitizeTerminalText } from './domain/terminalText';

export interface LaunchSpec {
  name: string;
  iconPath: vscode.ThemeIcon;
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stage: StageId;
  model: string;
}

const KILL_GRACE_MS = 3000;
const SYNC_GRACE_MS = 250;

/** Sleeps without yielding (only used while the window is closing). */
function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const WINDOWS = process.platform === 'win32';

function groupAlive(pid: number): boolean {
  try {
    process.kill(WINDOWS ? pid : -pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Signals the CLI's whole process group (POSIX); on Windows, `taskkill /T /F` ends the tree. */
function signalGroup(pid: number, signal: NodeJS.Signals, sync = false): void {
  if (WINDOWS) {
    const args = ['/pid', String(pid), '/T', '/F'];
    try {
      if (sync) spawnSync('taskkill', args, { windowsHide: true, timeout: 2000 });
      else spawn('taskkill', args, { windowsHide: true, stdio: 'ignore' }).on('error', () => undefined);
    } catch {
      /* already gone */
    }
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

export class HeadlessTerminal implements vscode.Disposable {
  readonly terminal: vscode.Terminal;
  /** Resolves once with the run's outcome (never rejects). */
  readonly done: Promise<RunFinal>;
  private readonly write = new vscode.EventEmitter<string>();
  private readonly close = new vscode.EventEmitter<number | void>();
  private readonly written = new vscode.EventEmitter<string>();
  /** Everything written to the terminal (tests read it; the user sees the same bytes). */
  readonly onDidWrite = this.written.event;
  private readonly spawnedEmitter = new vscode.EventEmitter<number | undefined>();
  readonly onDidSpawn = this.spawnedEmitter.event;
  private child: ChildProcess | undefined;
  private stopped = false;
  private finished = false;
  private resolveDone!: (f: RunFinal) => void;
  private killTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly spec: LaunchSpec) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.terminal = vscode.window.createTerminal({
      name: spec.name,
      iconPath: spec.iconPath,
      isTransient: true,
      pty: {
        onDidWrite: this.write.event,
        onDidClose: this.close.event,
        open: () => this.start(),
        close: () => this.closeTerminal(),
        handleInput: (data: string) => {
          if (data === '\x03') this.stop();
        },
      },
    });
  }

  private emit(text: string): void {
    if (!text) return;
    this.write.fire(text);
    this.written.fire(text);
  }

  private start(): void {
    const { command, args, cwd, env } = this.spec;
    this.emit(ansi.dim(sanitizeTerminalText(`$ claude ${args.slice(0, -1).map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')} "<prompt>"`)) + '\r\n');
    const renderer = new StreamRenderer();
    const splitter = new LineSplitter();
    let stderr = '';
    const startedAt = Date.now();
    const finish = (code: number | null, signal: string | null) => {
      if (this.finished) return;
      this.finished = true;
      if (this.killTimer) clearTimeout(this.killTimer);
      for (const l of splitter.flush()) this.emit(renderer.line(l));
      const final = runOutcome(renderer.summary, { code, signal, stopped: this.stopped, stderr, oversized: splitter.oversized, startedAt, now: Date.now() });
      this.emit(outcomeLines(this.spec.stage, this.spec.model, final, renderer.summary));
      this.resolveDone(final);
    };
    if (this.stopped) {
      finish(null, null);
      return;
    }
    try {
      // Its own process group on POSIX (so Stop ends the agent's children too); Windows uses taskkill /T.
      this.child = spawn(command, [...args], { cwd, env, shell: false, detached: !WINDOWS, windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      this.emit(ansi.red(sanitizeTerminalText(vscode.l10n.t('Could not start {0}: {1}', command, (e as Error).message))) + '\r\n');
      finish(null, null);
      return;
    }
    const child = this.child;
    this.spawnedEmitter.fire(child.pid);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      let out = '';
      for (const line of splitter.push(chunk)) out += renderer.line(line);
      this.emit(out);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
      const clean = sanitizeTerminalText(chunk);
      if (clean) this.emit(ansi.red(crlf(clean)));
    });
    child.on('error', (e) => {
      this.emit(ansi.red(sanitizeTerminalText(vscode.l10n.t('Could not start {0}: {1}', command, e.message))) + '\r\n');
      finish(null, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
  }

  /** The user closed the terminal: stop the CLI; if it never started, the run ends now. */
  private closeTerminal(): void {
    this.stop();
    if (this.child || this.finished) return;
    this.finished = true;
    const now = Date.now();
    this.resolveDone(runOutcome({ malformed: 0 }, { code: null, signal: null, stopped: true, stderr: '', startedAt: now, now }));
  }

  /** Asks the process group to end (SIGTERM), then SIGKILL after a grace period. */
  stop(): void {
    if (this.finished) return;
    this.stopped = true; // sticky: a stop before the process starts means it never starts
    const pid = this.child?.pid;
    if (pid === undefined) return;
    signalGroup(pid, 'SIGTERM');
    this.killTimer ??= setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
  }

  /**
   * Ends the process group before returning: SIGTERM, a short wait, SIGKILL for what remains.
   * For the window closing, when no timer would survive to send the SIGKILL.
   */
  killNow(): void {
    if (this.finished) return;
    this.stopped = true;
    const pid = this.child?.pid;
    if (pid === undefined) return;
    if (WINDOWS) return signalGroup(pid, 'SIGKILL', true);
    signalGroup(pid, 'SIGTERM');
    const until = Date.now() + SYNC_GRACE_MS;
    while (groupAlive(pid) && Date.now() < until) blockFor(10);
    signalGroup(pid, 'SIGKILL');
  }

  dispose(): void {
    this.killNow();
    if (this.killTimer) clearTimeout(this.killTimer);
    for (const e of [this.write, this.close, this.written, this.spawnedEmitter]) e.dispose();
  }
}
