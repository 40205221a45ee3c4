/**
 * An interactive stage: the terminal's own process is the Claude Code TUI (`shellPath` +
 * `shellArgs`, a real pty, no shell). Resolves with the run's outcome when the terminal closes.
 */
import * as vscode from 'vscode';
import { strictTerminalEnv } from './claudeConfigDir';
import type { RunFinal } from './domain/runOutcome';

export interface InteractiveSpec {
  name: string;
  iconPath: vscode.ThemeIcon;
  command: string;
  args: readonly string[];
  cwd: string;
  /** Changes to the host's environment (the CLI's config folder, so its transcript is where it is followed); nothing else reaches the terminal. */
  env?: Record<string, string | null>;
}

/** A terminal's whole environment: the host's plus `overrides`, with every key of `terminal.integrated.env.<os>` (any scope) neutralised. */
export function terminalEnv(overrides: Record<string, string | null>): Record<string, string | null> {
  const os = process.platform === 'win32' ? 'windows' : process.platform === 'darwin' ? 'osx' : 'linux';
  const configured = vscode.workspace.getConfiguration('terminal.integrated.env').get<unknown>(os);
  const keys = configured && typeof configured === 'object' && !Array.isArray(configured) ? Object.keys(configured) : [];
  return strictTerminalEnv(overrides, process.env, keys);
}

export class InteractiveTerminal {
  readonly terminal: vscode.Terminal;
  readonly done: Promise<RunFinal>;
  private stopped = false;

  constructor(spec: InteractiveSpec) {
    // Exactly the environment we chose: a workspace's terminal.integrated.env.* adds nothing.
    this.terminal = vscode.window.createTerminal({ name: spec.name, shellPath: spec.command, shellArgs: [...spec.args], cwd: spec.cwd, iconPath: spec.iconPath, isTransient: true, env: terminalEnv(spec.env ?? {}), strictEnv: true });
    this.done = new Promise((resolve) => {
      const sub = vscode.window.onDidCloseTerminal((t) => {
        if (t !== this.terminal) return;
        sub.dispose();
        const code = t.exitStatus?.code;
        resolve({
          status: this.stopped ? 'cancelled' : code === 0 ? 'succeeded' : 'failed',
          exitCode: code ?? null,
          message: this.stopped ? vscode.l10n.t('Stopped by the user.') : code === 0 ? undefined : code === undefined ? vscode.l10n.t('The CLI exited with no exit code.') : vscode.l10n.t('The CLI exited with {0}.', code),
        });
      });
    });
  }

  /** Closing the terminal ends its process (the pty sends SIGHUP to the TUI). */
  stop(): void {
    this.stopped = true;
    this.terminal.dispose();
  }
}
