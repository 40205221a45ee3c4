/**
 * What must hold before the extension launches the Claude Code CLI (a stage run or a resumed
 * session): a trusted workspace, an executable that exists, a confirmed `bypassPermissions`,
 * and the user's choice about the repository's own Claude Code settings; plus the message when
 * the ticket's cap is reached (the launcher checks it). Each refusal is logged, shown (through
 * notify) and handed to `onRefuse` (the runner's event), so the pipeline can report it.
 */
import * as vscode from 'vscode';
import { locateClaude, notFoundMessage } from './claudeLocator';
import type { Configuration } from './configuration';
import { formatUsd } from './domain/format';
import type { StageId } from './domain/stages';
import { notify } from './notify';
import { projectSettingsFlags } from './projectSettings';
import type { ExtensionState } from './state';

export interface Where {
  ticketId?: number;
  stage?: StageId;
}

export class LaunchGuards {
  constructor(
    private readonly state: ExtensionState,
    private readonly output: vscode.LogOutputChannel,
    private readonly onRefuse: (e: Where & { message: string }) => void,
  ) {}

  /** Shows and logs why a stage could not start. */
  refuse(where: Where, message: string, ...actions: string[]): Thenable<string | undefined> {
    this.output.warn(`not started: ${message}`);
    this.onRefuse({ ...where, message });
    return notify.error(message, ...actions);
  }

  /** Restricted Mode: nothing that launches the CLI runs (a stage run, or a resumed session). True when refused. */
  untrusted(where: Where, what: 'run' | 'resume'): boolean {
    if (vscode.workspace.isTrusted) return false;
    const message = what === 'run'
      ? vscode.l10n.t('Running stages launches the Claude Code CLI, which is disabled in Restricted Mode. Trust this workspace to run stages.')
      : vscode.l10n.t('Resuming a session launches the Claude Code CLI, which is disabled in Restricted Mode. Trust this workspace to run stages.');
    void this.refuse(where, message, vscode.l10n.t('Manage Workspace Trust')).then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return true;
  }

  async claude(cfg: Configuration, where: Where): Promise<string | undefined> {
    const claude = await locateClaude(cfg.run.claudePath);
    if (claude.ok) return claude.path;
    const setPath = vscode.l10n.t('Set Claude Path');
    const howToInstall = vscode.l10n.t('How to Install');
    void this.refuse(where, notFoundMessage(claude, vscode.env.remoteName), setPath, howToInstall).then((c) => {
      if (c === setPath) void vscode.commands.executeCommand('workbench.action.openSettings', 'sdlcPipeline.claudePath');
      if (c === howToInstall) void vscode.env.openExternal(vscode.Uri.parse(claude.installUrl));
    });
    return undefined;
  }

  ticketCap(where: Where & { ticketId: number }, label: string, spent: number, cap: number): undefined {
    const message = vscode.l10n.t('ticket #{0} has spent {1}, which reaches its cap of {2} (sdlcPipeline.maxTicketBudgetUsd). {3} was not started.', where.ticketId, formatUsd(spent), formatUsd(cap), label);
    void this.refuse(where, message, vscode.l10n.t('Open Settings')).then((c) => {
      if (c) void vscode.commands.executeCommand('workbench.action.openSettings', 'sdlcPipeline.maxTicketBudgetUsd');
    });
    return undefined;
  }

  /** The executable and the bypass confirmation; undefined when either is missing or declined. */
  async launch(cfg: Configuration, where: Where): Promise<{ claudePath: string } | undefined> {
    const claudePath = await this.claude(cfg, where);
    if (!claudePath || !(await this.confirmPermissionMode(cfg))) return undefined;
    return { claudePath };
  }

  /**
   * The flags for the repository's own Claude Code settings, decided from the folder the CLI is
   * about to run in (`cwd`: the ticket's worktree, as every earlier stage left it) and not from the
   * workspace folder; undefined when the user answered neither.
   */
  async projectSettings(cfg: Configuration, cwd: string, where: Where): Promise<string[] | undefined> {
    const settingArgs = await projectSettingsFlags(cfg.run.projectClaudeSettings, cwd, this.state);
    if (!settingArgs) this.output.info(`not started (${where.ticketId !== undefined ? `#${where.ticketId} ` : ''}${where.stage ?? ''}): the Claude Code settings in ${cwd} were neither used nor ignored`);
    return settingArgs;
  }

  /** `bypassPermissions` lets the agent run anything unasked: only from user settings, and once confirmed. */
  private async confirmPermissionMode(cfg: Configuration): Promise<boolean> {
    if (cfg.run.permissionMode !== 'bypassPermissions' || this.state.bypassConfirmed()) return true;
    const allow = vscode.l10n.t('Allow for All Stages');
    const c = await notify.confirm(vscode.l10n.t('Your user settings run stages with --permission-mode bypassPermissions: the agent may edit files and run any command without asking. Allow this?'), allow);
    if (c !== allow) return false;
    await this.state.confirmBypass();
    return true;
  }
}
