/**
 * The authenticated Octokit client of the GitHub bundle (`dist/github.js`): which repositories a
 * folder's remotes name, where a request may go, which token it carries, and what an error means.
 *
 * - Token: VS Code's GitHub session first (never prompting unless a command needs it), then
 *   `GH_TOKEN`/`GITHUB_TOKEN` (`GH_ENTERPRISE_TOKEN`/`GITHUB_ENTERPRISE_TOKEN` for Enterprise) as
 *   `gh` users expect. A token only ever goes to github.com or the Enterprise host the user set
 *   in `github-enterprise.uri` (user settings); it is never stored, logged or put in settings.
 * - Errors: Octokit's are turned into a `GitHubError` whose kind says what to do (sign in, wait
 *   for the rate limit or the network, ask for access) and, for a rate limit, how long to wait.
 */
import { Octokit } from '@octokit/core';
import * as vscode from 'vscode';
import { chooseToken, isGitHubHost, parseRemote, type RepoRef } from './domain/github';
import { Git } from './git';

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
/** The wait before retrying when GitHub does not say how long (and the first step of the backoff). */
export const RETRY_MIN_MS = 30_000;

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

/** Requests to GitHub for one session: remembers for a while that a sign-in provider is missing. */
export class GitHubClient {
  private readonly noProviderUntil = new Map<string, number>();

  constructor(private readonly git = new Git()) {}

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
  async token(repo: RepoRef, interactive: boolean): Promise<string> {
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
  async call<T>(repo: RepoRef, interactive: boolean, fn: (o: Octokit) => Promise<T>): Promise<T> {
    const o = await this.client(repo, interactive);
    try {
      return await fn(o);
    } catch (e) {
      throw this.explain(e, repo);
    }
  }

  /** What an error from a request to `repo` means, as a `GitHubError` (one already is, as it is). */
  explain(e: unknown, repo: RepoRef): GitHubError {
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
}
