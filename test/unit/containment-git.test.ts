/**
 * No git the extension starts runs a hook or an fsmonitor (issue #22, review of items 6, 11, 12):
 * a hook's commands can come from the ticket's own branch — husky's relative
 * `core.hooksPath=.husky/_` resolves inside the worktree the agent writes. Real git, on a
 * throwaway repository; the same commit without gitEnv runs the hook, so the test can fail.
 */
import * as assert from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import * as path from 'node:path';
import { gitEnv } from '../../src/gitEnv';

describe('containment: the extension\'s own git never runs a hook', () => {
  it('adds hooksPath at the null device and fsmonitor off after the GIT_CONFIG_* pairs already there', () => {
    const env = gitEnv({ PATH: '/bin', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'user.name', GIT_CONFIG_VALUE_0: 'Me' }, { GIT_INDEX_FILE: '/tmp/i' });
    assert.deepStrictEqual(
      [env.PATH, env.GIT_INDEX_FILE, env.GIT_CONFIG_COUNT, env.GIT_CONFIG_KEY_0, env.GIT_CONFIG_VALUE_0, env.GIT_CONFIG_KEY_1, env.GIT_CONFIG_VALUE_1, env.GIT_CONFIG_KEY_2, env.GIT_CONFIG_VALUE_2, env.GIT_TERMINAL_PROMPT, env.LC_ALL],
      ['/bin', '/tmp/i', '3', 'user.name', 'Me', 'core.hooksPath', devNull, 'core.fsmonitor', 'false', '0', 'C'],
    );
    // No count, or a count that is not a number: ours are pairs 0 and 1.
    for (const count of [undefined, 'x', '-2']) {
      const e = gitEnv({ GIT_CONFIG_COUNT: count });
      assert.deepStrictEqual([e.GIT_CONFIG_COUNT, e.GIT_CONFIG_KEY_0, e.GIT_CONFIG_KEY_1], ['2', 'core.hooksPath', 'core.fsmonitor'], String(count));
    }
  });

  it('a husky-style hook the agent wrote in the worktree runs for a plain git commit, and never for one with gitEnv', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sdlc-hooks-'));
    try {
      const repo = path.join(dir, 'repo');
      mkdirSync(repo);
      const g = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { stdio: 'pipe' });
      g('init', '-q', '-b', 'main');
      g('config', 'user.email', 't@example.com');
      g('config', 'user.name', 'T');
      g('config', 'core.hooksPath', '.husky/_');
      const marker = path.join(dir, 'HOOK-RAN');
      mkdirSync(path.join(repo, '.husky', '_'), { recursive: true });
      writeFileSync(path.join(repo, '.husky', '_', 'pre-commit'), `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
      writeFileSync(path.join(repo, 'a.txt'), 'a\n');
      g('add', 'a.txt');
      const commit = (env: NodeJS.ProcessEnv) => spawnSync('git', ['-C', repo, 'commit', '-q', '-m', 'x'], { env, encoding: 'utf8' });
      const safe = commit(gitEnv(process.env));
      assert.strictEqual(safe.status, 0, safe.stderr);
      assert.ok(!existsSync(marker), 'the hook ran under gitEnv');
      writeFileSync(path.join(repo, 'a.txt'), 'b\n');
      g('add', 'a.txt');
      assert.strictEqual(commit(process.env).status, 0);
      assert.ok(existsSync(marker), 'the hook did not run for a plain git commit (the test would prove nothing)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
