/**
 * The status bar: what is running (clicking it shows that terminal), and today's spend against
 * `sdlcPipeline.maxDailyBudgetUsd` when one is set.
 */
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import { formatUsd } from './domain/format';
import { stageInfo } from './domain/stages';
import { Disposable } from './lifecycle';
import type { ConfigurationService } from './configuration';
import type { PipelineService } from './pipeline';
import type { TicketService } from './ticketService';
import type { StageRunner } from './runner';

/** A status-bar item made the first time it has something to show (most windows never need one). */
abstract class LazyItem extends Disposable {
  private made?: vscode.StatusBarItem;

  constructor(private readonly spec: { id: string; priority: number; name: () => string }) {
    super();
  }

  protected get item(): vscode.StatusBarItem {
    if (!this.made) {
      this.made = this.register(vscode.window.createStatusBarItem(this.spec.id, vscode.StatusBarAlignment.Left, this.spec.priority));
      this.made.name = this.spec.name();
    }
    return this.made;
  }

  protected hide(): void {
    this.made?.hide();
  }
}

export class RunStatusBar extends LazyItem {

  constructor(
    private readonly runner: StageRunner,
    private readonly pipeline: PipelineService,
  ) {
    super({ id: 'sdlcPipeline.running', priority: 50, name: () => vscode.l10n.t('SDLC Pipeline: running stage') });
    this.register(runner.onDidChangeRunning(() => this.update()));
    this.register(pipeline.onDidChange(() => this.update()));
    this.register(runner.onDidChangeLiveCost(() => this.update()));
    this.update();
  }

  private update(): void {
    const running = this.runner.running();
    const queued = this.pipeline.queue.queued();
    if (!running.length) {
      if (!queued.length) {
        this.hide();
        return;
      }
      this.item.text = vscode.l10n.t('$(clock) SDLC {0} queued', queued.length);
      this.item.tooltip = vscode.l10n.t('Waiting for a free slot (sdlcPipeline.maxParallelPipelines): {0}', queued.map((id) => `#${id}`).join(', '));
      this.item.command = undefined;
      this.item.show();
      return;
    }
    const first = running[0];
    const more = running.length > 1 ? ` +${running.length - 1}` : '';
    const model = (r: (typeof running)[number]) => `${r.model || vscode.l10n.t('starting…')}${r.costUsd !== undefined ? ` · ${formatUsd(r.costUsd)}` : ''}`;
    const label = stageInfo(first.stage).label;
    this.item.text = queued.length
      ? vscode.l10n.t('$(sync~spin) SDLC #{0} {1} · {2}{3} · {4} queued', first.ticketId, label, model(first), more, queued.length)
      : vscode.l10n.t('$(sync~spin) SDLC #{0} {1} · {2}{3}', first.ticketId, label, model(first), more);
    const lines = running.map((r) => `#${r.ticketId} ${stageInfo(r.stage).label} · ${model(r)}`);
    if (queued.length) lines.push(vscode.l10n.t('Queued: {0}', queued.map((id) => `#${id}`).join(', ')));
    lines.push(vscode.l10n.t('Click to show the terminal'));
    this.item.tooltip = lines.join('\n');
    this.item.command = { command: COMMANDS.showRunningTerminal, title: vscode.l10n.t('Show terminal'), arguments: [{ ticketId: first.ticketId, stage: first.stage }] };
    this.item.show();
  }
}

/** Today's spend against `sdlcPipeline.maxDailyBudgetUsd` (shown only when one is set). */
export class DailyBudgetBar extends LazyItem {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly runner: StageRunner,
    private readonly config: ConfigurationService,
    tickets: TicketService,
  ) {
    super({ id: 'sdlcPipeline.dailyBudget', priority: 49, name: () => vscode.l10n.t('SDLC Pipeline: daily budget') });
    // Coalesced: a pipeline changes its ticket many times a second.
    const later = () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.update(), 200);
    };
    this.register(runner.onDidChangeRunning(later));
    this.register(runner.onDidChangeLiveCost(later));
    this.register(tickets.onDidChange(later));
    this.register(config.onDidChange(later));
    this.register({ dispose: () => clearTimeout(this.timer) });
    // The first look after activation, not during it (it reads the settings and every ticket's runs).
    this.timer = setTimeout(() => this.update(), 0);
  }

  private update(): void {
    const cap = this.config.value.run.maxDailyBudgetUsd;
    if (cap === undefined) {
      this.hide();
      return;
    }
    const spent = this.runner.spentToday();
    const over = spent >= cap;
    this.item.text = over ? vscode.l10n.t('$(warning) {0} / {1} today', formatUsd(spent), formatUsd(cap)) : vscode.l10n.t('$(credit-card) {0} / {1} today', formatUsd(spent), formatUsd(cap));
    this.item.tooltip = vscode.l10n.t('Spent today, all tickets, running stages included (sdlcPipeline.maxDailyBudgetUsd: {0})', formatUsd(cap));
    this.item.command = { command: 'workbench.action.openSettings', title: vscode.l10n.t('Daily budget'), arguments: ['sdlcPipeline.maxDailyBudgetUsd'] };
    this.item.backgroundColor = over ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}
