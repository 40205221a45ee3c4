/**
 * GitHub in and out (github.com and GitHub Enterprise) through Octokit. Bundled on its own
 * (`dist/github.js`, this file its entry) and loaded the first time a GitHub command or a linked
 * ticket needs it.
 *
 * - In: a repository's open issues (listed or searched) and one issue, drafted into a ticket.
 * - Out: the ticket's status comment (githubComment.ts) and its pull request, pushed and opened
 *   here. Tokens, hosts and errors are githubClient.ts's.
 */
import './l10nHost'; // first: this bundle's translations before any module uses them
import * as vscode from 'vscode';
import * as z from 'zod/mini';
import type { ConfigurationService } from './configuration';
import { draftFromIssue, IssueSchema, pullRequestBody, type Issue, type RepoRef } from './domain/github';
import { oneLine, type Ticket } from './domain/ticket';
import { Git } from './git';
import { GitHubClient, GitHubError } from './githubClient';
import { StatusComments } from './githubComment';
import { Disposable } from './lifecycle';
import type { TicketService } from './ticketService';

export { enterpriseUri, GitHubError, type GitHubErrorKind } from './githubClient';

const SearchSchema = z.object({ total_count: z.number(), items: z.array(z.unknown()) });
const PullSchema = z.object({ number: z.int().check(z.positive()), html_url: z.string() });
const RepoSchema = z.object({ default_branch: z.string() });

export interface IssuePage {
  issues: Issue[];
  /** There are more results after this page. */
  more: boolean;
}

export class GitHubService extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<number>());
  /** Fires with a ticket whose link changed (comment sent or pending, pull request created). */
  readonly onDidChange = this.changed.event;
  private readonly client: GitHubClient;
  private readonly comments: StatusComments;

  constructor(
    private readonly tickets: TicketService,
    private readonly config: ConfigurationService,
    output: vscode.LogOutputChannel,
    private readonly git = new Git(),
  ) {
    super();
    this.client = new GitHubClient(git);
    this.comments = this.register(new StatusComments(tickets, config, output, this.client, (id) => this.changed.fire(id)));
  }

  /** The GitHub repositories a folder's remotes name (github.com, or the configured Enterprise host). */
  remotes(folderPath: string): Promise<Array<RepoRef & { remote: string }>> {
    return this.client.remotes(folderPath);
  }

  // ---- in: issues ----

  /** Open issues, newest first; with a query, GitHub's search (number, title, body, labels, assignee). */
  async issues(repo: RepoRef, query: string, page: number): Promise<IssuePage> {
    const perPage = 30;
    return this.client.call(repo, false, async (o) => {
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
    return this.client.call(repo, false, async (o) => {
      const res = await o.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { owner: repo.owner, repo: repo.repo, issue_number: number });
      const p = IssueSchema.safeParse(res.data);
      if (!p.success || p.data.pull_request !== undefined) throw new GitHubError('invalid', vscode.l10n.t('{0}#{1} is not an issue.', `${repo.owner}/${repo.repo}`, number));
      return p.data;
    });
  }

  draft(issue: Issue, repo: RepoRef) {
    return draftFromIssue(issue, repo);
  }

  // ---- out: the status comment (githubComment.ts) ----

  /** Creates or edits the ticket's status comment; whether it is up to date (else it is pending). */
  syncComment(ticketId: number, final: boolean): Promise<boolean> {
    return this.comments.syncComment(ticketId, final);
  }

  /** After a reload: the pending updates go out again; how many. */
  retryPending(): number {
    return this.comments.retryPending();
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
    const defaultBranch = await this.client.call(o.repo, true, async (k) => RepoSchema.parse((await k.request('GET /repos/{owner}/{repo}', { owner: o.repo.owner, repo: o.repo.repo })).data).default_branch);
    const base = o.base ?? defaultBranch;
    if (o.branch === base || o.branch === defaultBranch) throw new GitHubError('invalid', vscode.l10n.t('{0} is the base branch: a pull request needs the ticket\'s own branch (run the ticket with sdlcPipeline.isolation "worktree" or "branch", or check out a feature branch). Nothing was pushed.', o.branch));
    await this.push(ticket, o.repo.remote, o.branch);
    const pr = await this.client.call(o.repo, true, async (k) => {
      const title = `${oneLine(ticket.title)} (SDLC #${ticket.id})`.slice(0, 256);
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

  /**
   * Pushes the ticket's branch from the repository's own folder (the top of the ticket's
   * workspace folder), never from its worktree: the worktree's `.git` file is the agent's to
   * rewrite, and a `gitdir:` of its choosing would bring a config whose `core.sshCommand`,
   * `core.fsmonitor` or hooks run. A branch lives in the repository's refs, so nothing is lost;
   * the user's own settings (ssh, credential helper) still apply.
   */
  private async push(ticket: Ticket, remote: string, branch: string): Promise<void> {
    const folder = this.tickets.folderOf(ticket);
    const top = folder && (await this.git.value(folder.uri.fsPath, ['rev-parse', '--show-toplevel']));
    if (!top) throw new GitHubError('other', vscode.l10n.t('git push failed: {0}', vscode.l10n.t('the ticket\'s folder is not a git repository')));
    const ext = vscode.extensions.getExtension<{ getAPI(v: 1): { openRepository(u: vscode.Uri): Promise<{ push(remote?: string, name?: string, setUpstream?: boolean): Promise<void> } | null> } }>('vscode.git');
    const api = ext ? (ext.isActive ? ext.exports : await ext.activate())?.getAPI(1) : undefined;
    const repo = await api?.openRepository(vscode.Uri.file(top));
    if (repo) {
      await repo.push(remote, branch, true);
      return;
    }
    // No git extension: the git CLI in the repository's folder, never prompting, no file-system monitor.
    const r = await this.git.run(top, ['-C', top, '-c', 'core.fsmonitor=false', 'push', '-u', remote, `refs/heads/${branch}:refs/heads/${branch}`]);
    if (r.code !== 0) throw new GitHubError('other', vscode.l10n.t('git push failed: {0}', String(r.stderr.trim().split('\n').pop())));
  }
}

/** The GitHub commands' bodies travel in this bundle too. */
export { runGitHubCommand } from './githubCommands';
