/**
 * GitHub in and out (github.com and GitHub Enterprise) through Octokit. Bundled on its own
 * (`dist/github.js`) and loaded the first time a GitHub command or a linked ticket needs it.
 *
 * - Token: VS Code's GitHub session first (never prompting unless a command needs it), then
 *   `GH_TOKEN`/`GITHUB_TOKEN` (`GH_ENTERPRISE_TOKEN`/`GITHUB_ENTERPRISE_TOKEN` for Enterprise) as
 *   `gh` users expect. A token only ever goes to github.com or the Enterprise host the user set
 *   in `github-enterprise.uri` (user settings); it is never stored, logged or put in settings.
 * - The status comment: one per ticket, found again by its marker after a reload, edited in
 *   place. When GitHub cannot be reached (offline, rate limit) the update waits and is retried,
 *   also after a reload (the ticket records that one is pending).
 */
import './l10nHost'; // first: this bundle's translations before any module uses them
import { Octokit } from '@octokit/core';
import * as vscode from 'vscode';
import * as z from 'zod/mini';
import type { ConfigurationService } from './configuration';
import { chooseToken, commentMarker, draftFromIssue, isGitHubHost, IssueSchema, parseRemote, pullRequestBody, statusComment, type Issue, type RepoRef } from './domain/github';
import type { IssueLink } from './domain/issueLink';
import type { Ticket } from './domain/ticket';
import { Git } from './git';
import { Disposable } from './lifecycle';
import { notify } from './notify';
import type { TicketService } from './ticketService';

export type GitHubErrorKind = 'auth' | 'forbidden' | 'notFound' | 'rateLimit' | 'offline' | 'invalid' | 'other';

export class GitHubError extends Error {
  constructor(
    readonly kind: GitHubErrorKind,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const SCOPES = ['repo'];
const RETRY_MIN_MS = 30_000;
const RETRY_MAX_MS = 10 * 60_000;

/** The user's `github-enterprise.uri` (user settings only: it decides where a token is sent). */
export function enterpriseUri(): URL | undefined {
  const v = vscode.workspace.getConfiguration('github-enterprise').inspect<string>('uri')?.globalValue;
  if (typeof v !== 'string' || !v.trim()) return undefined;
  try {
    const u = new URL(v.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u : undefined;
  } catch {
    return undefined;
  }
}

const SearchSchema = z.object({ total_count: z.number(), items: z.array(z.unknown()) });
const CommentSchema = z.object({ id: z.int(), body: z.optional(z.nullable(z.string())), user: z.optional(z.nullable(z.object({ login: z.string() }))) });
const PullSchema = z.object({ number: z.int().check(z.positive()), html_url: z.string() });
const RepoSchema = z.object({ default_branch: z.string() });

export interface IssuePage {
  issues: Issue[];
  /** There are more results after this page. */
  more: boolean;
}

export class GitHubService extends Disposable {
  private readonly retries = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly attempts = new Map<number, number>();
  private readonly noProviderUntil = new Map<string, number>();
  private readonly inFlight = new Map<number, Promise<boolean>>();
  private readonly changed = this.register(new vscode.EventEmitter<number>());
  /** Fires with a ticket whose link changed (comment sent or pending, pull request created). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly tickets: TicketService,
    private readonly config: ConfigurationService,
    private readonly output: vscode.LogOutputChannel,
    private readonly git = new Git(),
  ) {
    super();
    this.register({ dispose: () => this.retries.forEach((t) => clearTimeout(t)) });
  }

  // ---- repositories and the client ----

  /** The GitHub repositories a folder's remotes name (github.com, or the configured Enterprise host). */
  async remotes(folderPath: string): Promise<Array<RepoRef & { remote: string }>> {
    const r = await this.git.run(folderPath, ['config', '--get-regexp', '^remote\\..*\\.url$']);
    const host = enterpriseUri()?.host;
    const out: Array<RepoRef & { remote: string }> = [];
    for (const line of r.stdout.split('\n')) {
      const m = /^remote\.(.+)\.url (.+)$/.exec(line.trim());
      const ref = m && parseRemote(m[2]);
      if (ref && isGitHubHost(ref.host, host) && !out.some((o) => o.remote === m[1])) out.push({ ...ref, remote: m[1] });
    }
    return out;
  }

  private baseUrl(repo: RepoRef): string {
    if (repo.host === 'github.com') return 'https://api.github.com';
    const e = enterpriseUri();
    if (!e || e.host.toLowerCase() !== repo.host) throw new GitHubError('invalid', vscode.l10n.t('{0} is not github.com or your GitHub Enterprise server (github-enterprise.uri in user settings).', repo.host));
    return `${e.protocol}//${e.host}/api/v3`;
  }

  /** VS Code's session (asked for only when `interactive`), else the environment's token. */
  private async token(repo: RepoRef, interactive: boolean): Promise<string> {
    const provider = repo.host === 'github.com' ? 'github' : 'github-enterprise';
    const silent = async () => {
      // No such provider (e.g. a build without GitHub sign-in) can keep getSession waiting: give up soon, and for a while.
      if ((this.noProviderUntil.get(provider) ?? 0) > Date.now()) return undefined;
      try {
        const session = vscode.authentication.getSession(provider, SCOPES, { silent: true });
        const timedOut = Symbol('timed out');
        const timeout = new Promise<typeof timedOut>((r) => setTimeout(() => r(timedOut), 3000).unref?.());
        const s = await Promise.race([session, timeout]);
        if (s === timedOut) {
          this.noProviderUntil.set(provider, Date.now() + 60_000);
          return undefined;
        }
        return s?.accessToken;
      } catch {
        this.noProviderUntil.set(provider, Date.now() + 60_000);
        return undefined;
      }
    };
    // As `gh` does: github.com tokens never go to an Enterprise server, nor the other way round.
    const env = provider === 'github' ? [process.env.GH_TOKEN, process.env.GITHUB_TOKEN] : [process.env.GH_ENTERPRISE_TOKEN, process.env.GITHUB_ENTERPRISE_TOKEN];
    const ask = async () => (interactive ? (await vscode.authentication.getSession(provider, SCOPES, { createIfNone: true }))?.accessToken : undefined);
    const token = await chooseToken(silent, env, ask);
    if (!token) throw new GitHubError('auth', vscode.l10n.t('sign in to {0} (or set GH_TOKEN) to use {1}.', repo.host === 'github.com' ? 'GitHub' : repo.host, `${repo.owner}/${repo.repo}`));
    return token;
  }

  private async client(repo: RepoRef, interactive: boolean): Promise<Octokit> {
    const baseUrl = this.baseUrl(repo); // refuses a host that is not github.com or the user's Enterprise server, before any token is read
    return new Octokit({ auth: await this.token(repo, interactive), baseUrl, userAgent: 'sdlc-pipeline-vscode', request: { retries: 0 } });
  }

  /** Runs a request; turns Octokit's errors into a `GitHubError` that says what to do. */
  private async call<T>(repo: RepoRef, interactive: boolean, fn: (o: Octokit) => Promise<T>): Promise<T> {
    const o = await this.client(repo, interactive);
    try {
      return await fn(o);
    } catch (e) {
      throw this.explain(e, repo);
    }
  }

  private explain(e: unknown, repo: RepoRef): GitHubError {
    if (e instanceof GitHubError) return e;
    const err = e as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
    const headers = err.response?.headers ?? {};
    const name = `${repo.owner}/${repo.repo}`;
    if (!err.response) return new GitHubError('offline', vscode.l10n.t('GitHub ({0}) cannot be reached: {1}.', repo.host, err.message ?? vscode.l10n.t('no response')));
    const retryAfter = Number(headers['retry-after']);
    const reset = Number(headers['x-ratelimit-reset']);
    if (err.status === 429 || (err.status === 403 && (headers['x-ratelimit-remaining'] === '0' || Number.isFinite(retryAfter)))) {
      const ms = Number.isFinite(retryAfter) ? retryAfter * 1000 : Number.isFinite(reset) ? Math.max(0, reset * 1000 - Date.now()) : RETRY_MIN_MS;
      return new GitHubError('rateLimit', vscode.l10n.t('GitHub\'s rate limit is reached; trying again in {0} s.', Math.ceil(ms / 1000)), ms);
    }
    if (err.status === 401) return new GitHubError('auth', vscode.l10n.t('GitHub did not accept the token for {0} (401). Sign in again.', name));
    if (err.status === 403) return new GitHubError('forbidden', vscode.l10n.t('no permission for {0} (403): the token needs the "repo" scope for a private repository, and write access to comment or open pull requests.', name));
    if (err.status === 404) return new GitHubError('notFound', vscode.l10n.t('{0} was not found (404): it does not exist, or it is private and the token lacks the "repo" scope.', name));
    if (err.status && err.status >= 500) return new GitHubError('offline', vscode.l10n.t('GitHub answered {0}; trying again later.', err.status));
    return new GitHubError('other', typeof err.message === 'string' ? vscode.l10n.t('GitHub: {0}', err.message) : vscode.l10n.t('GitHub: error {0}', String(err.status)));
  }

  // ---- in: issues ----

  /** Open issues, newest first; with a query, GitHub's search (number, title, body, labels, assignee). */
  async issues(repo: RepoRef, query: string, page: number): Promise<IssuePage> {
    const perPage = 30;
    return this.call(repo, false, async (o) => {
      const q = query.trim();
      if (q) {
        const res = await o.request('GET /search/issues', { q: `repo:${repo.owner}/${repo.repo} is:issue is:open ${q}`, per_page: perPage, page });
        const data = SearchSchema.parse(res.data);
        // A query may carry its own `repo:`/`org:`: keep only this repository's issues (they are linked as its #N).
        const mine = (i: Issue) => !i.repository_url || i.repository_url.toLowerCase().endsWith(`/repos/${repo.owner}/${repo.repo}`.toLowerCase());
        const issues = data.items.flatMap((i) => {
          const p = IssueSchema.safeParse(i);
          return p.success && mine(p.data) && p.data.pull_request === undefined ? [p.data] : [];
        });
        return { issues, more: page * perPage < data.total_count };
      }
      const res = await o.request('GET /repos/{owner}/{repo}/issues', { owner: repo.owner, repo: repo.repo, state: 'open', per_page: perPage, page });
      const all = z.array(z.unknown()).parse(res.data);
      const issues = all.flatMap((i) => {
        const p = IssueSchema.safeParse(i);
        return p.success && p.data.pull_request === undefined ? [p.data] : [];
      });
      return { issues, more: all.length === perPage };
    });
  }

  async issue(repo: RepoRef, number: number): Promise<Issue> {
    return this.call(repo, false, async (o) => {
      const res = await o.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { owner: repo.owner, repo: repo.repo, issue_number: number });
      const p = IssueSchema.safeParse(res.data);
      if (!p.success || p.data.pull_request !== undefined) throw new GitHubError('invalid', vscode.l10n.t('{0}#{1} is not an issue.', `${repo.owner}/${repo.repo}`, number));
      return p.data;
    });
  }

  draft(issue: Issue, repo: RepoRef) {
    return draftFromIssue(issue, repo);
  }

  // ---- out: the status comment ----

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
      const id = await this.call(link, false, async (o) => {
        const target = link.commentId ?? (await this.findComment(o, link, ticketId));
        if (target) {
          try {
            await o.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: link.owner, repo: link.repo, comment_id: target, body });
            return target;
          } catch (e) {
            // Deleted by someone (404), or not ours to edit (403): write our own.
            const kind = this.explain(e, link).kind;
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
      const err = e instanceof GitHubError ? e : this.explain(e, link);
      if (err.kind === 'offline' || err.kind === 'rateLimit') {
        await this.setLink(ticketId, { commentPending: true });
        this.scheduleRetry(ticketId, final, err.retryAfterMs);
        this.output.warn(`#${ticketId}: status comment pending: ${err.message}`);
      } else {
        this.output.error(`#${ticketId}: status comment: ${err.message}`);
        void notify.error(vscode.l10n.t('the status comment of ticket #{0} was not sent: {1}', ticketId, err.message), ...(err.kind === 'auth' ? [vscode.l10n.t('Sign in to GitHub')] : [])).then((c) => {
          if (c) void this.token(link, true).then(() => this.syncComment(ticketId, final), () => undefined);
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
    return (await this.remotes(folder.uri.fsPath)).some((r) => r.host === link.host.toLowerCase() && r.owner.toLowerCase() === link.owner.toLowerCase() && r.repo.toLowerCase() === link.repo.toLowerCase());
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
    this.changed.fire(ticketId);
  }

  // ---- out: the pull request ----

  /**
   * Pushes `branch` (through the built-in git extension, so VS Code's credential flow applies)
   * and opens a pull request into `base` whose body holds the plan, the per-stage table and
   * `Closes #N`. An existing pull request for the branch is linked instead of a second one.
   */
  async createPullRequest(ticket: Ticket, o: { repo: RepoRef & { remote: string }; dir: string; branch: string; base?: string; plan?: string }): Promise<{ number: number; url: string; existed: boolean }> {
    const draft = this.config.forTicket(ticket).run['github.draftPullRequests'];
    // The base first: a branch that *is* the base (e.g. main, checked out in place) is never pushed.
    const defaultBranch = await this.call(o.repo, true, async (k) => RepoSchema.parse((await k.request('GET /repos/{owner}/{repo}', { owner: o.repo.owner, repo: o.repo.repo })).data).default_branch);
    const base = o.base ?? defaultBranch;
    if (o.branch === base || o.branch === defaultBranch) throw new GitHubError('invalid', vscode.l10n.t('{0} is the base branch: a pull request needs the ticket\'s own branch (run the ticket with sdlcPipeline.isolation "worktree" or "branch", or check out a feature branch). Nothing was pushed.', o.branch));
    await this.push(o.dir, o.repo.remote, o.branch);
    const pr = await this.call(o.repo, true, async (k) => {
      const title = `${ticket.title} (SDLC #${ticket.id})`.slice(0, 256);
      try {
        const res = await k.request('POST /repos/{owner}/{repo}/pulls', { owner: o.repo.owner, repo: o.repo.repo, title, head: o.branch, base, body: pullRequestBody(ticket, o.plan, this.config.forTicket(ticket).run.prices, o.repo), draft });
        const p = PullSchema.parse(res.data);
        return { number: p.number, url: p.html_url, existed: false };
      } catch (e) {
        if ((e as { status?: number }).status !== 422) throw e;
        const res = await k.request('GET /repos/{owner}/{repo}/pulls', { owner: o.repo.owner, repo: o.repo.repo, head: `${o.repo.owner}:${o.branch}`, state: 'open' });
        const [p] = z.array(PullSchema).parse(res.data);
        if (!p) throw e;
        return { number: p.number, url: p.html_url, existed: true };
      }
    });
    await this.tickets.update(ticket.id, (t) => void (t.pullRequest = { number: pr.number, url: pr.url }));
    this.changed.fire(ticket.id);
    if (ticket.issue) void this.syncComment(ticket.id, true);
    return pr;
  }

  private async push(dir: string, remote: string, branch: string): Promise<void> {
    const ext = vscode.extensions.getExtension<{ getAPI(v: 1): { openRepository(u: vscode.Uri): Promise<{ push(remote?: string, name?: string, setUpstream?: boolean): Promise<void> } | null> } }>('vscode.git');
    const api = ext ? (ext.isActive ? ext.exports : await ext.activate())?.getAPI(1) : undefined;
    const repo = await api?.openRepository(vscode.Uri.file(dir));
    if (repo) {
      await repo.push(remote, branch, true);
      return;
    }
    // No git extension: the git CLI, never prompting.
    const r = await this.git.run(dir, ['push', '-u', remote, `refs/heads/${branch}:refs/heads/${branch}`]);
    if (r.code !== 0) throw new GitHubError('other', vscode.l10n.t('git push failed: {0}', String(r.stderr.trim().split('\n').pop())));
  }
}

/** The GitHub commands' bodies travel in this bundle too. */
export { runGitHubCommand } from './githubCommands';
