/**
 * An interactive stage: the terminal's own process is the Claude Code TUI (`shellPath` +
 * `shellArgs`, a real pty, no shell). Resolves with the run's outcome when the terminal closes.
 */
import * as vscode from 'vscode';
import type { RunFinal } from './domain/runOutcome';

export interface InteractiveSpec {
  name: string;
  iconPath: vscode.ThemeIcon;
  command: string;
  args: readonly string[];
  cwd: string;
  /** Extra environment (the CLI's config folder, so its transcript is where it is followed). */
  env?: Record<string, string | null>;
}

export class InteractiveTerminal {
  readonly terminal: vscode.Terminal;
  readonly done: Promise<RunFinal>;
  private stopped = false;

  constructor(spec: InteractiveSpec) {
    this.terminal = vscode.window.createTerminal({ name: spec.name, shellPath: spec.command, shellArgs: [...spec.args], cwd: spec.cwd, iconPath: spec.iconPath, isTransient: true, ...(spec.env ? { env: spec.env } : {}) });
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
