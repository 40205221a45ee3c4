/** A status-bar item that shows what is running; clicking it shows that terminal. */
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import { stageInfo } from './domain/stages';
import { Disposable } from './lifecycle';
import type { StageRunner } from './runner';

export class RunStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('sdlcPipeline.running', vscode.StatusBarAlignment.Left, 50));

  constructor(private readonly runner: StageRunner) {
    super();
    this.item.name = 'SDLC Pipeline: running stage';
    this.register(runner.onDidChangeRunning(() => this.update()));
    this.update();
  }

  private update(): void {
    const running = this.runner.running();
    if (!running.length) {
      this.item.hide();
      return;
    }
    const first = running[0];
    const more = running.length > 1 ? ` +${running.length - 1}` : '';
    const model = (r: (typeof running)[number]) => r.model || 'starting…';
    this.item.text = `$(sync~spin) SDLC #${first.ticketId} ${stageInfo(first.stage).label} · ${model(first)}${more}`;
    this.item.tooltip = running.map((r) => `#${r.ticketId} ${stageInfo(r.stage).label} · ${model(r)}`).join('\n') + '\nClick to show the terminal';
    this.item.command = { command: COMMANDS.showRunningTerminal, title: 'Show terminal', arguments: [{ ticketId: first.ticketId, stage: first.stage }] };
    this.item.show();
  }
}
