/**
 * The git CLI, from argument arrays (never a shell), with the user's `git.path`. Operations
 * that change a repository's refs, index or worktrees go through `exclusive(repo, …)`, one at a
 * time per repository (git's index and ref locks would otherwise fail the second one).
 */
import { spawn } from 'node:child_process';
import { gitEnv } from './gitEnv';
import * as vscode from 'vscode';
import * as z from 'zod/mini';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: GitResult,
  ) {
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ');
    super(detail ? vscode.l10n.t('git {0} failed: {1}', args[0], detail) : vscode.l10n.t('git {0} failed: exit {1}', args[0], result.code));
  }
}

export const GIT_TIMEOUT_MS = 120_000;
/** `worktree list -z` needs 2.36, `merge-tree --write-tree` 2.38. */
export const MIN_GIT: readonly [number, number] = [2, 38];

const GitPath = z.union([z.string().check(z.minLength(1)), z.array(z.string())]);

/** The user's `git.path` (user settings only: `git.path` is a machine setting), else `git` on PATH. */
export function gitExecutable(): string {
  const v = vscode.workspace.getConfiguration('git').inspect('path')?.globalValue;
  const p = GitPath.safeParse(v);
  if (!p.success) return 'git';
  const first = Array.isArray(p.data) ? p.data.find((x) => x.trim()) : p.data;
  return first?.trim() || 'git';
}

export class Git {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly executable: () => string = gitExecutable) {}

  /**
   * Runs `git <args>` in `cwd`; resolves with its exit code and output (rejects only when git
   * cannot start). A git that hangs (a hook, a credential or signing prompt) is killed after
   * `GIT_TIMEOUT_MS`, so it never holds a repository's lock for good. `env` adds variables
   * (e.g. `GIT_INDEX_FILE` for a snapshot that leaves the real index alone).
   */
  run(cwd: string, args: readonly string[], input?: string, env?: Readonly<Record<string, string>>): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.executable(), args, {
        timeout: GIT_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        cwd,
        shell: false,
        windowsHide: true,
        // No prompt, no hook, no fsmonitor, whatever the repository or the worktree's files say (see gitEnv).
        env: gitEnv(process.env, env),
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout!.on('data', (d: Buffer) => out.push(d));
      child.stderr!.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e) => reject(e));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
      if (input !== undefined) child.stdin!.end(input);
    });
  }

  /** Like `run`, but a non-zero exit throws a `GitError` with git's own message. */
  async ok(cwd: string, args: readonly string[], input?: string): Promise<string> {
    const r = await this.run(cwd, args, input);
    if (r.code !== 0) throw new GitError(args, r);
    return r.stdout;
  }

  /** `ok`, trimmed; undefined on a non-zero exit. */
  async value(cwd: string, args: readonly string[]): Promise<string | undefined> {
    const r = await this.run(cwd, args);
    return r.code === 0 ? r.stdout.trim() : undefined;
  }

  /** Runs `fn` after every earlier exclusive operation on `repo` (its common git dir) has finished. */
  exclusive<T>(repo: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(repo) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(repo, settled);
    void settled.then(() => {
      if (this.locks.get(repo) === settled) this.locks.delete(repo);
    });
    return next;
  }
}

/** Whether git runs at all (a clear message when it does not). */
export async function gitMissing(git: Git, cwd: string): Promise<string | undefined> {
  try {
    const r = await git.run(cwd, ['--version']);
    if (r.code !== 0) return r.stderr.trim() ? vscode.l10n.t('git did not run ({0}).', r.stderr.trim()) : vscode.l10n.t('git did not run (exit {0}).', r.code);
    const v = /(\d+)\.(\d+)/.exec(r.stdout);
    if (v && (Number(v[1]) < MIN_GIT[0] || (Number(v[1]) === MIN_GIT[0] && Number(v[2]) < MIN_GIT[1]))) {
      return vscode.l10n.t('{0} is too old: a ticket\'s own branch and worktree need git {1} or newer. Update git, or set sdlcPipeline.isolation to "none".', r.stdout.trim(), MIN_GIT.join('.'));
    }
    return undefined;
  } catch (e) {
    return vscode.l10n.t('git was not found ({0}). Install git or set "git.path", or set sdlcPipeline.isolation to "none".', (e as Error).message);
  }
}
