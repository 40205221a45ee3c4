/**
 * The front of the GitHub feature (github.ts, bundled apart as `dist/github.js` with Octokit):
 * sends a linked ticket's status comment when a stage or its pipeline ends, retries pending
 * updates after a reload, and loads the GitHub code only when a ticket or command needs it.
 */
import * as vscode from 'vscode';
import type { ConfigurationService } from './configuration';
import { lazy } from './lazy';
import { Disposable } from './lifecycle';
import type { PipelineService } from './pipeline';
import type { TicketService } from './ticketService';
import type { GitHubService } from './github';

export const loadGitHub = lazy<typeof import('./github')>('github');

export class GitHubLink extends Disposable {
  private svc?: GitHubService;
  private readonly changed = this.register(new vscode.EventEmitter<number>());
  /** A ticket's link changed (comment sent or pending, pull request). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly tickets: TicketService,
    private readonly config: ConfigurationService,
    private readonly output: vscode.LogOutputChannel,
    pipeline: PipelineService,
  ) {
    super();
    this.register(pipeline.onDidEndStage((id) => this.stageEnded(id)));
    this.register(pipeline.onDidEnd((id) => this.pipelineEnded(id)));
    // Updates that were pending when the window closed: after activation, not during it.
    const timer = setTimeout(() => {
      if (this.tickets.all().some((t) => t.issue?.commentPending)) this.output.info(`GitHub: retrying ${this.service.retryPending()} pending status comment(s)`);
    }, 3000);
    this.register({ dispose: () => clearTimeout(timer) });
  }

  get loaded(): boolean {
    return this.svc !== undefined;
  }

  get service(): GitHubService {
    if (!this.svc) {
      this.svc = this.register(new (loadGitHub().GitHubService)(this.tickets, this.config, this.output));
      this.register(this.svc.onDidChange((id) => this.changed.fire(id)));
    }
    return this.svc;
  }

  private mode(ticketId: number) {
    const t = this.tickets.get(ticketId);
    return t?.issue ? this.config.forTicket(t).run['github.comment'] : 'off';
  }

  /** `live`: the comment follows every stage. */
  stageEnded(ticketId: number): Promise<boolean> | undefined {
    return this.mode(ticketId) === 'live' ? this.service.syncComment(ticketId, false) : undefined;
  }

  /** `summary` and `live`: once more when the pipeline ends, stops or pauses. */
  pipelineEnded(ticketId: number): Promise<boolean> | undefined {
    return this.mode(ticketId) !== 'off' ? this.service.syncComment(ticketId, true) : undefined;
  }
}
