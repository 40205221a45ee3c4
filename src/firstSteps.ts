/**
 * The "Get started" walkthrough's progress: context keys each step completes on
 * (`onContext:…` in package.json), set from the real events — Claude Code found (by the command
 * or by a recorded run), the first ticket created, the first run with a cost.
 */
import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import type { TicketService } from './ticketService';

/** The walkthrough's id in package.json `contributes.walkthroughs`. */
export const WALKTHROUGH_ID = 'gettingStarted';

/** The walkthrough's context keys (package.json `completionEvents` name them). */
export const FIRST_STEP_KEYS = {
  claudeFound: 'sdlcPipeline.claudeFound',
  hasTickets: 'sdlcPipeline.hasTickets',
  hasCostedRun: 'sdlcPipeline.hasCostedRun',
} as const;

export class FirstSteps extends Disposable {
  private readonly done = new Set<string>();

  constructor(
    private readonly tickets: TicketService,
  ) {
    super();
    this.register(tickets.onDidChange(() => this.check()));
    this.check();
  }

  /** The keys turned on so far in this window (each only ever turns on). */
  get completed(): readonly string[] {
    return [...this.done];
  }

  /** Each key only ever turns on, and is checked only until it has. */
  private check(): void {
    const all = this.tickets.all();
    if (all.length) this.set(FIRST_STEP_KEYS.hasTickets);
    // A run is recorded only once the CLI was found and launched.
    if (!this.done.has(FIRST_STEP_KEYS.claudeFound) && all.some((t) => t.runs.length)) this.set(FIRST_STEP_KEYS.claudeFound);
    if (!this.done.has(FIRST_STEP_KEYS.hasCostedRun) && all.some((t) => t.runs.some((r) => r.costUsd !== undefined))) this.set(FIRST_STEP_KEYS.hasCostedRun);
  }

  private set(key: string): void {
    if (this.done.has(key)) return;
    this.done.add(key);
    void vscode.commands.executeCommand('setContext', key, true);
  }

  /** The CLI was found ("SDLC: Find Claude Code", in commandHandlers.ts, says so). */
  claudeFound(): void {
    this.set(FIRST_STEP_KEYS.claudeFound);
  }
}
