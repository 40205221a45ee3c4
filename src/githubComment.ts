/**
 * The status comment a linked ticket keeps on its GitHub issue (part of `dist/github.js`): one per
 * ticket, found again by its marker after a reload, edited in place. When GitHub cannot be reached
 * (offline, rate limit) the update waits and is retried with a backoff, also after a reload (the
 * ticket records that one is pending). Updates of one ticket go out one at a time.
 */
import type { Octokit } from '@octokit/core';
import * as vscode from 'vscode';
import * as z from 'zod/mini';
import type { ConfigurationService } from './configuration';
import { commentMarker, statusComment } from './domain/github';
import type { IssueLink } from './domain/issueLink';
import type { Ticket } from './domain/ticket';
import { GitHubError, RETRY_MIN_MS, type GitHubClient } from './githubClient';
import { Disposable } from './lifecycle';
import { notify } from './notify';
import type { TicketService } from './ticketService';

const RETRY_MAX_MS = 10 * 60_000;
const CommentSchema = z.object({ id: z.int(), body: z.optional(z.nullable(z.string())), user: z.optional(z.nullable(z.object({ login: z.string() }))) });

export class StatusComments extends Disposable {
  private readonly retries = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly attempts = new Map<number, number>();
  private readonly inFlight = new Map<number, Promise<boolean>>();

  constructor(
    private readonly tickets: TicketService,
    private readonly config: ConfigurationService,
    private readonly output: vscode.LogOutputChannel,
    private readonly client: GitHubClient,
    /** Called with a ticket whose link changed (comment sent or pending). */
    private readonly changed: (ticketId: number) => void,
  ) {
    super();
    this.register({ dispose: () => this.retries.forEach((t) => clearTimeout(t)) });
  }

  /**
   * Creates or edits the ticket's status comment. Offline or rate-limited: marks it pending and
   * tries again later. Returns whether the comment is up to date.
   */
  syncComment(ticketId: number, final: boolean): Promise<boolean> {
    // One at a time per ticket: a second update waits for the first (which may create the comment).
    const prev = this.inFlight.get(ticketId) ?? Promise.resolve(true);
    const next = prev.catch(() => false).then(() => this.sendComment(ticketId, final)).catch((e: Error) => {
      this.output.error(`#${ticketId}: status comment: ${e.message}`);
      return false;
    });
    this.inFlight.set(ticketId, next);
    void next.finally(() => {
      if (this.inFlight.get(ticketId) === next) this.inFlight.delete(ticketId);
    });
    return next;
  }

  private async sendComment(ticketId: number, final: boolean): Promise<boolean> {
    const t = this.tickets.get(ticketId);
    const link = t?.issue;
    if (!t || !link) return false;
    const mode = this.config.forTicket(t).run['github.comment'];
    if (mode === 'off') {
      if (link.commentPending) await this.setLink(ticketId, { commentPending: undefined });
      return false;
    }
    // A link that came with an imported ticket posts only to a repository this folder works with.
    if (link.imported && !(await this.isFolderRepo(t, link))) {
      this.output.warn(`#${ticketId}: not commenting on ${link.owner}/${link.repo}#${link.number}: the link came with an import and is not a remote of this folder`);
      return false;
    }
    clearTimeout(this.retries.get(ticketId));
    this.retries.delete(ticketId);
    try {
      const body = statusComment(t, this.config.forTicket(t).run.prices, final);
      const id = await this.client.call(link, false, async (o) => {
        const target = link.commentId ?? (await this.findComment(o, link, ticketId));
        if (target) {
          try {
            await o.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: link.owner, repo: link.repo, comment_id: target, body });
            return target;
          } catch (e) {
            // Deleted by someone (404), or not ours to edit (403): write our own.
            const kind = this.client.explain(e, link).kind;
            if (kind !== 'notFound' && kind !== 'forbidden') throw e; // a rate limit is not a refusal
          }
        }
        const res = await o.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: link.owner, repo: link.repo, issue_number: link.number, body });
        return CommentSchema.parse(res.data).id;
      });
      this.attempts.delete(ticketId);
      await this.setLink(ticketId, { commentId: id, commentPending: undefined });
      this.output.info(`#${ticketId}: status comment ${id} on ${link.owner}/${link.repo}#${link.number} updated`);
      return true;
    } catch (e) {
      const err = e instanceof GitHubError ? e : this.client.explain(e, link);
      if (err.kind === 'offline' || err.kind === 'rateLimit') {
        await this.setLink(ticketId, { commentPending: true });
        this.scheduleRetry(ticketId, final, err.retryAfterMs);
        this.output.warn(`#${ticketId}: status comment pending: ${err.message}`);
      } else {
        this.output.error(`#${ticketId}: status comment: ${err.message}`);
        void notify.error(vscode.l10n.t('the status comment of ticket #{0} was not sent: {1}', ticketId, err.message), ...(err.kind === 'auth' ? [vscode.l10n.t('Sign in to GitHub')] : [])).then((c) => {
          if (c) void this.client.token(link, true).then(() => this.syncComment(ticketId, final), () => undefined);
        });
      }
      return false;
    }
  }

  /** Our comment on the issue, by its marker (the record lost its id, e.g. an older version). */
  private async findComment(o: Octokit, link: IssueLink, ticketId: number): Promise<number | undefined> {
    const marker = commentMarker(ticketId);
    // Only a comment of the signed-in account: anyone can write our marker into their own comment.
    const me = z.object({ login: z.string() }).safeParse((await o.request('GET /user')).data);
    if (!me.success) return undefined;
    for (let page = 1; page <= 10; page++) {
      const res = await o.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: link.owner, repo: link.repo, issue_number: link.number, per_page: 100, page });
      const list = z.array(CommentSchema).parse(res.data);
      const found = list.find((c) => c.user?.login === me.data.login && c.body?.startsWith(marker));
      if (found) return found.id;
      if (list.length < 100) return undefined;
    }
    return undefined;
  }

  private scheduleRetry(ticketId: number, final: boolean, afterMs?: number): void {
    const n = (this.attempts.get(ticketId) ?? 0) + 1;
    this.attempts.set(ticketId, n);
    // Never sooner than a few seconds (a `retry-after: 0` or a reset in the past would spin).
    const wait = Math.max(5_000, Math.min(RETRY_MAX_MS, afterMs ?? RETRY_MIN_MS * 2 ** (n - 1)));
    clearTimeout(this.retries.get(ticketId));
    const timer = setTimeout(() => void this.syncComment(ticketId, final), wait);
    timer.unref?.();
    this.retries.set(ticketId, timer);
  }

  private async isFolderRepo(t: Ticket, link: IssueLink): Promise<boolean> {
    const folder = this.tickets.folderOf(t);
    if (!folder) return false;
    return (await this.client.remotes(folder.uri.fsPath)).some((r) => r.host === link.host.toLowerCase() && r.owner.toLowerCase() === link.owner.toLowerCase() && r.repo.toLowerCase() === link.repo.toLowerCase());
  }

  /** After a reload: the updates that were pending go out again. */
  retryPending(): number {
    const pending = this.tickets.all().filter((t) => t.issue?.commentPending);
    for (const t of pending) void this.syncComment(t.id, true);
    return pending.length;
  }

  private async setLink(ticketId: number, patch: Partial<IssueLink>): Promise<void> {
    if (!this.tickets.get(ticketId)?.issue) return;
    await this.tickets.update(ticketId, (t) => {
      if (!t.issue) return;
      const next: Record<string, unknown> = { ...t.issue, ...patch };
      for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
      t.issue = next as IssueLink;
    });
    this.changed(ticketId);
  }
}
