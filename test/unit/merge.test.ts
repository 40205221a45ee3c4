/**
 * What a merge checks before it moves the base where it is checked out (issue #22 item 12), on
 * real git output in a temporary repository: `statusPaths` reads every local path (uncommitted,
 * untracked, ignored, both sides of a rename) and `overlapping` finds those the merge would touch.
 * The first test shows why: plain git overwrites an ignored local file without a word.
 */
import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { overlapping, statusPaths, TicketWorkspaceSchema } from '../../src/domain/worktree';

const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.email=t@e.st', '-c', 'user.name=T', ...args], { encoding: 'utf8' });

describe('merge: local changes in the way', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-merge-unit-'))), 'repo');
    mkdirSync(dir);
    git(dir, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(dir, '.gitignore'), '.env\nbuild/\n');
    writeFileSync(path.join(dir, 'README.md'), '# r\n');
    writeFileSync(path.join(dir, 'old.txt'), 'old\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'init');
    // The ticket's branch: changes README.md, adds .env (forced) and build/out.js, adds new.txt.
    git(dir, 'switch', '-q', '-c', 'ticket');
    writeFileSync(path.join(dir, 'README.md'), '# ticket\n');
    writeFileSync(path.join(dir, '.env'), 'FROM_TICKET=1\n');
    mkdirSync(path.join(dir, 'build'));
    writeFileSync(path.join(dir, 'build', 'out.js'), 'ticket\n');
    writeFileSync(path.join(dir, 'new.txt'), 'new\n');
    git(dir, 'add', '-A');
    git(dir, 'add', '-f', '.env', 'build/out.js');
    git(dir, 'commit', '-q', '-m', 'ticket');
    git(dir, 'switch', '-q', 'main');
  });
  afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('plain git overwrites an ignored local file when it fast-forwards (why the merge looks first)', () => {
    writeFileSync(path.join(dir, '.env'), 'API_KEY=mine\n');
    git(dir, 'merge', '-q', '--ff-only', 'ticket');
    assert.strictEqual(readFileSync(path.join(dir, '.env'), 'utf8'), 'FROM_TICKET=1\n');
  });

  it('finds every local path the merge would touch: uncommitted, staged rename source, untracked, ignored file and folder', () => {
    writeFileSync(path.join(dir, '.env'), 'API_KEY=mine\n');
    mkdirSync(path.join(dir, 'build'));
    writeFileSync(path.join(dir, 'build', 'local.js'), 'mine\n');
    writeFileSync(path.join(dir, 'README.md'), '# my edit\n');
    writeFileSync(path.join(dir, 'new.txt'), 'my own new file\n');
    writeFileSync(path.join(dir, 'untouched.txt'), 'not in the merge\n');
    git(dir, 'mv', 'old.txt', 'renamed.txt');
    const status = git(dir, 'status', '--porcelain', '-z', '--untracked-files=all', '--ignored=matching');
    const local = statusPaths(status);
    assert.deepStrictEqual([...local].sort(), ['.env', 'README.md', 'build/', 'new.txt', 'old.txt', 'renamed.txt', 'untouched.txt']);
    const changed = git(dir, 'diff', '--name-only', '-z', '--no-renames', 'main', 'ticket').split('\0').filter(Boolean);
    assert.deepStrictEqual(changed, ['.env', 'README.md', 'build/out.js', 'new.txt']);
    assert.deepStrictEqual(overlapping(local, changed), ['.env', 'README.md', 'build/', 'new.txt']);
    // A merge that touches none of them finds nothing in the way.
    assert.deepStrictEqual(overlapping(local, ['docs/a.md', 'READMEx.md', 'build2/x']), []);
    // A local file where the merge puts a folder (or the reverse) is in the way too.
    assert.deepStrictEqual(overlapping(['docs'], ['docs/a.md']), ['docs']);
    assert.deepStrictEqual(overlapping(['docs/a.md'], ['docs']), ['docs/a.md']);
  });

  it('the reviewed record is optional: a stored workspace from before it still parses, and a bad one is refused', () => {
    const ws = { isolation: 'worktree', branch: 'sdlc/1-x', base: 'main', baseCommit: 'a'.repeat(40), path: '/w/1-x' };
    assert.strictEqual(TicketWorkspaceSchema.safeParse(ws).success, true);
    const reviewed = { commit: 'b'.repeat(40), tree: 'c'.repeat(40), at: 1 };
    const p = TicketWorkspaceSchema.safeParse({ ...ws, review: 'approved', reviewed });
    assert.ok(p.success);
    assert.deepStrictEqual(p.data.reviewed, reviewed);
    assert.strictEqual(TicketWorkspaceSchema.safeParse({ ...ws, reviewed: { ...reviewed, tree: 'HEAD' } }).success, false);
  });
});
