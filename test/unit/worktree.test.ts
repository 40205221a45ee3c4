import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PipelineQueue, type Release } from '../../src/domain/queue';
import { parseRunSettings } from '../../src/domain/runSettings';
import type { RawRunSettings } from '../../src/domain/scopedValues';
import { TicketStore } from '../../src/domain/store';
import { newTicket, ticketMarkdown, TicketSchema, type Ticket, type TicketDraft } from '../../src/domain/ticket';
import {
  countStatus, coversTicketFolder, cwdEscape, describeBranchState, excludeLine, keptTicketFile, statusFiles, ticketIdOfBranch, isSafeBranchName, parseChanges, parseLeftRight, parseWorktreeList, SLUG_MAX, slugOf,
  TICKET_BRANCH, ticketBranch, TicketWorkspaceSchema, withExcludeLine,
} from '../../src/domain/worktree';
import { MemoryKV } from './memoryKV';

const MARKER = '# SDLC Pipeline: ticket files (ticket, plan, review) stay out of commits';
const COMMIT = 'a'.repeat(40);
const goodWorkspace = () => ({
  isolation: 'worktree',
  branch: 'sdlc/3-fix-login',
  base: 'main',
  baseCommit: COMMIT,
  path: '/home/u/repo.worktrees/3-fix-login',
  subdir: '',
  requestedChanges: [],
});
const draft = (title: string): TicketDraft => ({ title, description: 'd', type: 'bug', stages: { plan: { enabled: true, model: 'sonnet' }, build: { enabled: true } } });

/** git with no user/system configuration, arguments as an array (never a shell). */
function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=Test', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('worktree: names', () => {
  it('slugOf keeps ASCII letters and digits, joined by single hyphens', () => {
    assert.strictEqual(slugOf('Fix the login (again)!'), 'fix-the-login-again');
    assert.strictEqual(slugOf('  --Hello,   World!!  '), 'hello-world');
    assert.strictEqual(slugOf('a/b\\c;rm -rf ~'), 'a-b-c-rm-rf');
    assert.strictEqual(slugOf('Café déjà vu'), 'cafe-deja-vu');
    assert.strictEqual(slugOf('Ünïcödé Straße'), 'unicode-stra-e');
  });
  it('slugOf cuts long titles at SLUG_MAX without a trailing hyphen', () => {
    assert.strictEqual(SLUG_MAX, 40);
    const cut = slugOf(`${'a'.repeat(39)} bcdef`);
    assert.strictEqual(cut, 'a'.repeat(39));
    const long = slugOf('the quick brown fox jumps over the lazy dog again and again');
    assert.strictEqual(long, 'the-quick-brown-fox-jumps-over-the-lazy');
    assert.ok(long.length <= SLUG_MAX);
    assert.strictEqual(slugOf('x'.repeat(100)), 'x'.repeat(40));
  });
  it('slugOf of nothing usable is "ticket"', () => {
    assert.strictEqual(slugOf(''), 'ticket');
    assert.strictEqual(slugOf('🎉🚀'), 'ticket');
    assert.strictEqual(slugOf('!!! ---'), 'ticket');
    assert.strictEqual(slugOf('日本語'), 'ticket');
  });
  it('ticketBranch: sdlc/<id>-<slug>, with -n when n > 1; results match TICKET_BRANCH', () => {
    assert.strictEqual(ticketBranch(3, 'Fix the login (again)!'), 'sdlc/3-fix-the-login-again');
    assert.strictEqual(ticketBranch(3, 'Fix the login (again)!', 1), 'sdlc/3-fix-the-login-again');
    assert.strictEqual(ticketBranch(12, 'Fix login', 2), 'sdlc/12-fix-login-2');
    assert.strictEqual(ticketBranch(7, '🎉', 3), 'sdlc/7-ticket-3');
    const made = [
      ticketBranch(1, 'Café déjà vu'),
      ticketBranch(999_999_999, 'x'.repeat(200), 99),
      ticketBranch(42, '', 2),
      ticketBranch(5, `${'a'.repeat(39)} b`, 10),
    ];
    for (const b of made) assert.ok(TICKET_BRANCH.test(b), b);
  });
  it('TICKET_BRANCH refuses anything the extension did not make', () => {
    for (const b of ['sdlc/1-x;rm', 'main', 'sdlc/../x', 'sdlc/x-1', 'sdlc/1-', 'sdlc/1-A', 'refs/heads/sdlc/1-x', 'sdlc/1-x/y', ' sdlc/1-x', 'sdlc/1-x\n'])
      assert.strictEqual(TICKET_BRANCH.test(b), false, JSON.stringify(b));
    assert.strictEqual(TICKET_BRANCH.test('sdlc/1-x'), true);
  });
  it('isSafeBranchName accepts ordinary branch names', () => {
    for (const b of ['main', 'release/1.2', 'feature/x-y', 'sdlc/3-fix-login', 'v1.0'])
      assert.strictEqual(isSafeBranchName(b), true, b);
  });
  it('isSafeBranchName refuses options, revision expressions and malformed refs', () => {
    const bad = ['-rf', '--upload-pack=x', 'a..b', 'a b', 'x.lock', '@{-1}', 'refs/heads/.x', '', 'a//b', 'a\x01b', 'a\x7fb', 'tab\there', 'new\nline',
      '/main', 'main/', 'main.', '@', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[b', 'a\\b', '.hidden', 'x'.repeat(201)];
    for (const b of bad) assert.strictEqual(isSafeBranchName(b), false, JSON.stringify(b));
  });
});

describe('worktree: git output', () => {
  let tmp: string;
  before(() => {
    tmp = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-wt-')));
  });
  after(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('parseWorktreeList reads real `git worktree list --porcelain -z` output', () => {
    const repo = path.join(tmp, 'repo');
    mkdirSync(repo);
    git(repo, ['init', '-q', '-b', 'main']);
    writeFileSync(path.join(repo, 'a.txt'), 'a\n');
    git(repo, ['add', 'a.txt']);
    git(repo, ['commit', '-q', '-m', 'first']);
    const head = git(repo, ['rev-parse', 'HEAD']).trim();
    assert.match(head, /^[0-9a-f]{40}$/);
    const wt1 = path.join(tmp, 'wt1');
    const wt2 = path.join(tmp, 'wt2');
    git(repo, ['worktree', 'add', '-q', '-b', 'b1', wt1]);
    git(repo, ['worktree', 'add', '-q', '--detach', wt2, 'HEAD']);
    rmSync(wt2, { recursive: true, force: true });

    const out = git(repo, ['worktree', 'list', '--porcelain', '-z']);
    assert.ok(out.includes('\0'), 'NUL-separated');
    assert.deepStrictEqual(parseWorktreeList(out), [
      { path: repo, head, branch: 'main', detached: false, bare: false, prunable: false },
      { path: wt1, head, branch: 'b1', detached: false, bare: false, prunable: false },
      { path: wt2, head, detached: true, bare: false, prunable: true },
    ]);
    // The same records, newline-separated (without -z), read the same.
    // -z output only: a path may hold a newline.
    assert.strictEqual(parseWorktreeList('worktree /tmp/a\nb\0HEAD abc\0detached\0\0')[0].path, '/tmp/a\nb');
    assert.deepStrictEqual(parseWorktreeList(''), []);
  });

  it('parseWorktreeList: bare repositories and a last record without its empty line', () => {
    assert.deepStrictEqual(parseWorktreeList('worktree /r.git\0bare\0\0worktree /w\0HEAD abc\0branch refs/heads/sdlc/1-x'), [
      { path: '/r.git', detached: false, bare: true, prunable: false },
      { path: '/w', head: 'abc', branch: 'sdlc/1-x', detached: false, bare: false, prunable: false },
    ]);
  });

  it('parseLeftRight', () => {
    assert.deepStrictEqual(parseLeftRight('2\t5\n'), { left: 2, right: 5 });
    assert.deepStrictEqual(parseLeftRight('0 0'), { left: 0, right: 0 });
    assert.deepStrictEqual(parseLeftRight('  13\t0  '), { left: 13, right: 0 });
    assert.strictEqual(parseLeftRight(''), undefined);
    assert.strictEqual(parseLeftRight('fatal: bad revision'), undefined);
    assert.strictEqual(parseLeftRight('1\t2\t3'), undefined);
    assert.strictEqual(parseLeftRight('-1\t2'), undefined);
  });

  it('parseChanges reads real `git diff --name-status -z -M` and untracked output', () => {
    const repo = path.join(tmp, 'changes');
    mkdirSync(repo);
    git(repo, ['init', '-q', '-b', 'main']);
    const lines = (tag: string) => Array.from({ length: 30 }, (_, i) => `${tag} line ${i}`).join('\n') + '\n';
    writeFileSync(path.join(repo, 'keep.txt'), lines('keep'));
    writeFileSync(path.join(repo, 'gone.txt'), lines('gone'));
    mkdirSync(path.join(repo, 'src'));
    writeFileSync(path.join(repo, 'src', 'old name.ts'), lines('moved'));
    writeFileSync(path.join(repo, '.gitignore'), 'ignored.log\n');
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '-m', 'base']);
    const base = git(repo, ['rev-parse', 'HEAD']).trim();

    writeFileSync(path.join(repo, 'keep.txt'), lines('keep') + 'one more\n');
    rmSync(path.join(repo, 'gone.txt'));
    git(repo, ['mv', 'src/old name.ts', 'src/new-name.ts']);
    writeFileSync(path.join(repo, 'added.txt'), 'new\n');
    git(repo, ['add', 'added.txt']);
    writeFileSync(path.join(repo, 'untracked.md'), 'u\n');
    writeFileSync(path.join(repo, 'ignored.log'), 'i\n');

    const diff = git(repo, ['diff', '--name-status', '-z', '-M', base]);
    const untracked = git(repo, ['ls-files', '--others', '--exclude-standard', '-z']);
    assert.strictEqual(untracked, 'untracked.md\0');
    assert.deepStrictEqual(parseChanges(diff, untracked), [
      { kind: 'added', path: 'added.txt' },
      { kind: 'deleted', path: 'gone.txt' },
      { kind: 'modified', path: 'keep.txt' },
      { kind: 'renamed', path: 'src/new-name.ts', from: 'src/old name.ts' },
      { kind: 'added', path: 'untracked.md' },
    ]);
    assert.deepStrictEqual(parseChanges('', ''), []);

    // The same tree's `git status --porcelain -z`: the staged rename carries its source path.
    const status = git(repo, ['status', '--porcelain', '-z']);
    assert.ok(status.includes('R  src/new-name.ts\0src/old name.ts\0'), JSON.stringify(status));
    assert.strictEqual(countStatus(status), 5);
    assert.strictEqual(countStatus(status, { trackedOnly: true }), 4);
    assert.strictEqual(countStatus(git(repo, ['status', '--porcelain', '-z', '--untracked-files=no'])), 4);
  });

  it('parseChanges: copies are additions, one entry per path, tracked wins over untracked', () => {
    assert.deepStrictEqual(parseChanges('C75\0a.ts\0b.ts\0M\0a.ts\0T\0link\0', 'a.ts\0z\0'), [
      { kind: 'modified', path: 'a.ts' },
      { kind: 'added', path: 'b.ts' },
      { kind: 'modified', path: 'link' },
      { kind: 'added', path: 'z' },
    ]);
  });

  it('countStatus counts entries once, a rename\'s source path included', () => {
    assert.strictEqual(countStatus(''), 0);
    assert.strictEqual(countStatus(' M a.ts\0'), 1);
    // "R  new\0old\0": the source path is part of the rename entry.
    assert.strictEqual(countStatus('R  new.ts\0old.ts\0 M b.ts\0?? c.ts\0'), 3);
    assert.strictEqual(countStatus('R  new.ts\0old.ts\0 M b.ts\0?? c.ts\0', { trackedOnly: true }), 2);
    // A source path that itself starts with "R" or "??" is not read as an entry.
    assert.strictEqual(countStatus('R  new\0README.md\0 M b\0', { trackedOnly: true }), 2);
    assert.strictEqual(countStatus('C  copy\0?? odd\0', { trackedOnly: true }), 1);
    assert.strictEqual(countStatus('?? x\0?? y\0', { trackedOnly: true }), 0);
    assert.strictEqual(countStatus('?? x\0?? y\0'), 2);
    // A rename seen on the working-tree side (`git add -N` of the new name): " R new\0old\0" is one entry.
    assert.strictEqual(countStatus(' R big2\0big\0'), 1);
    assert.strictEqual(countStatus(' R new\0README.md\0 M b\0'), 2);
  });

  it('isSafeBranchName refuses what git reads as a revision, and .lock parts', () => {
    for (const b of ['HEAD', 'FETCH_HEAD', 'ORIG_HEAD', 'MERGE_HEAD', 'a.lock/b']) assert.strictEqual(isSafeBranchName(b), false, b);
    assert.strictEqual(isSafeBranchName('head'), true);
  });

  it('describeBranchState', () => {
    assert.strictEqual(describeBranchState('sdlc/3-login', undefined), 'sdlc/3-login');
    assert.strictEqual(describeBranchState('sdlc/3-login', { ahead: 2, behind: 1, files: 4 }), 'sdlc/3-login ↑2 ↓1 · 4 files');
    assert.strictEqual(describeBranchState('sdlc/3-login', { ahead: 0, behind: 0, files: 0 }), 'sdlc/3-login');
    assert.strictEqual(describeBranchState('b', { ahead: 1, behind: 0, files: 1 }), 'b ↑1 · 1 file');
    assert.strictEqual(describeBranchState('b', { ahead: 0, behind: 3, files: 0 }), 'b ↓3');
    assert.strictEqual(describeBranchState('b', { ahead: 0, behind: 0, files: 2 }), 'b · 2 files');
  });
});

describe('worktree: .git/info/exclude', () => {
  it('excludeLine escapes glob characters in folder names: git ignores exactly the tickets folder (real git)', () => {
    assert.strictEqual(excludeLine('app[1]', '.sdlc/tickets'), '/app\\[1\\]/.sdlc/tickets/');
    const repo = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-exclude-')));
    try {
      git(repo, ['init', '-q']);
      writeFileSync(path.join(repo, '.git', 'info', 'exclude'), `${excludeLine('app[1]', '.sdlc/tickets')}\n`);
      for (const d of ['app[1]', 'app1']) mkdirSync(path.join(repo, d, '.sdlc', 'tickets', '1'), { recursive: true });
      const ignored = (p: string) => {
        try {
          execFileSync('git', ['-C', repo, 'check-ignore', '-q', p]);
          return true;
        } catch {
          return false;
        }
      };
      assert.strictEqual(ignored('app[1]/.sdlc/tickets/1/ticket.md'), true);
      assert.strictEqual(ignored('app1/.sdlc/tickets/1/ticket.md'), false);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('excludeLine anchors the tickets folder under the subdir, one slash between parts', () => {
    assert.strictEqual(excludeLine('', '.sdlc/tickets'), '/.sdlc/tickets/');
    assert.strictEqual(excludeLine('', '.sdlc/tickets/'), '/.sdlc/tickets/');
    assert.strictEqual(excludeLine('pkg/a', '.sdlc/tickets'), '/pkg/a/.sdlc/tickets/');
    assert.strictEqual(excludeLine('pkg/a/', '.sdlc/tickets/'), '/pkg/a/.sdlc/tickets/');
    assert.strictEqual(excludeLine('pkg/a//', 'tickets//'), '/pkg/a/tickets/');
  });
  it('withExcludeLine adds the line once, under the marker', () => {
    const line = '/.sdlc/tickets/';
    assert.strictEqual(withExcludeLine('', line), `${MARKER}\n${line}\n`);
    const git0 = '# git ls-files --others --exclude-from=.git/info/exclude\n*.tmp\n';
    const once = withExcludeLine(git0, line);
    assert.strictEqual(once, `${git0}${MARKER}\n${line}\n`);
    assert.strictEqual(withExcludeLine(once!, line), undefined);
    assert.strictEqual(withExcludeLine('*.tmp\r\n/.sdlc/tickets/\r\n', line), undefined);
    // No trailing newline: the marker starts on its own line.
    assert.strictEqual(withExcludeLine('*.tmp', line), `*.tmp\n${MARKER}\n${line}\n`);
    // Another subdir's line is a different line.
    const two = withExcludeLine(once!, '/pkg/a/.sdlc/tickets/');
    assert.strictEqual(two, `${once}${MARKER}\n/pkg/a/.sdlc/tickets/\n`);
    // A line that only contains ours as a prefix does not count.
    assert.strictEqual(withExcludeLine('/.sdlc/tickets/old\n', line), `/.sdlc/tickets/old\n${MARKER}\n${line}\n`);
  });
});

describe('worktree: TicketWorkspaceSchema', () => {
  it('accepts a good record and fills defaults', () => {
    const p = TicketWorkspaceSchema.safeParse(goodWorkspace());
    assert.ok(p.success);
    assert.deepStrictEqual(p.data, goodWorkspace());
    const minimal = TicketWorkspaceSchema.parse({ isolation: 'branch', branch: 'sdlc/9-x-2', base: 'release/1.2', baseCommit: 'f'.repeat(64) });
    assert.deepStrictEqual(minimal, { isolation: 'branch', branch: 'sdlc/9-x-2', base: 'release/1.2', baseCommit: 'f'.repeat(64), subdir: '', requestedChanges: [] });
  });
  it('refuses branches outside sdlc/, unsafe bases and bad commits', () => {
    const bad: Array<Record<string, unknown>> = [
      { branch: 'main' },
      { branch: 'feature/x' },
      { branch: 'sdlc/1-x;rm' },
      { base: '--upload-pack=evil' },
      { base: 'a..b' },
      { baseCommit: 'z'.repeat(40) },
      { baseCommit: 'A'.repeat(40) },
      { baseCommit: 'abc123' },
      { baseCommit: 'a'.repeat(41) },
      { isolation: 'none' },
      { mergeCommit: 'HEAD' },
      { path: '' },
      { review: 'maybe' },
    ];
    for (const patch of bad) assert.strictEqual(TicketWorkspaceSchema.safeParse({ ...goodWorkspace(), ...patch }).success, false, JSON.stringify(patch));
  });
});

describe('PipelineQueue', () => {
  it('runs up to the limit; the rest wait in order and start as slots free', async () => {
    let changes = 0;
    const q = new PipelineQueue(() => 2, () => changes++);
    const r1 = await q.acquire(1);
    const r2 = await q.acquire(2);
    assert.strictEqual(typeof r1, 'function');
    assert.strictEqual(typeof r2, 'function');
    assert.ok(changes >= 2, 'onChange on grants');
    let third: Release | undefined | 'pending' = 'pending';
    const p3 = q.acquire(3).then((r) => (third = r));
    await Promise.resolve();
    assert.strictEqual(third, 'pending');
    assert.deepStrictEqual(q.running(), [1, 2]);
    assert.deepStrictEqual(q.queued(), [3]);
    assert.strictEqual(q.placeOf(3), 1);
    assert.strictEqual(q.placeOf(1), 0);
    assert.strictEqual(q.isQueued(3), true);

    const before = changes;
    r1!();
    await p3;
    assert.strictEqual(typeof third, 'function');
    assert.ok(changes > before, 'onChange on release');
    assert.deepStrictEqual(q.running().sort(), [2, 3]);
    assert.deepStrictEqual(q.queued(), []);

    // A second release of the same slot does nothing (it must not free ticket 3's or 2's slot).
    let fourth: Release | undefined | 'pending' = 'pending';
    const p4 = q.acquire(4).then((r) => (fourth = r));
    r1!();
    await Promise.resolve();
    await Promise.resolve();
    assert.strictEqual(fourth, 'pending');
    assert.deepStrictEqual(q.running().sort(), [2, 3]);
    assert.deepStrictEqual(q.queued(), [4]);
    r2!();
    await p4;
    assert.strictEqual(typeof fourth, 'function');
    assert.deepStrictEqual(q.running().sort(), [3, 4]);
  });

  it('cancel takes a waiting ticket out; its acquire resolves undefined', async () => {
    let changes = 0;
    const q = new PipelineQueue(() => 1, () => changes++);
    const r1 = await q.acquire(1);
    const p2 = q.acquire(2);
    const p3 = q.acquire(3);
    assert.deepStrictEqual(q.queued(), [2, 3]);
    assert.strictEqual(q.placeOf(3), 2);
    const before = changes;
    assert.strictEqual(q.cancel(2), true);
    assert.ok(changes > before);
    assert.strictEqual(await p2, undefined);
    assert.deepStrictEqual(q.queued(), [3]);
    assert.strictEqual(q.placeOf(3), 1);
    assert.strictEqual(q.cancel(2), false);
    assert.strictEqual(q.cancel(1), false, 'a running ticket is not queued');
    r1!();
    assert.strictEqual(typeof (await p3), 'function');
    assert.deepStrictEqual(q.running(), [3]);
  });

  it('a ticket holds one slot or one place: acquiring again gives undefined', async () => {
    const q = new PipelineQueue(() => 1);
    const r1 = await q.acquire(1);
    assert.strictEqual(typeof r1, 'function');
    assert.strictEqual(await q.acquire(1), undefined);
    const p2 = q.acquire(2);
    assert.strictEqual(await q.acquire(2), undefined);
    assert.deepStrictEqual(q.queued(), [2]);
    assert.deepStrictEqual(q.running(), [1]);
    r1!();
    assert.strictEqual(typeof (await p2), 'function');
  });

  it('pump starts waiters after the limit grows; a limit below 1 counts as 1', async () => {
    let limit = 0;
    const q = new PipelineQueue(() => limit);
    const r1 = await q.acquire(1);
    assert.strictEqual(typeof r1, 'function', 'limit 0 still runs one');
    const started: number[] = [];
    const waits = [2, 3, 4].map((id) => q.acquire(id).then((r) => r && started.push(id)));
    await Promise.resolve();
    assert.deepStrictEqual(q.queued(), [2, 3, 4]);
    limit = 3;
    q.pump();
    await Promise.resolve();
    await Promise.resolve();
    assert.deepStrictEqual(started, [2, 3]);
    assert.deepStrictEqual(q.queued(), [4]);
    assert.deepStrictEqual(q.running(), [1, 2, 3]);
    r1!();
    await Promise.all(waits);
    assert.deepStrictEqual(started, [2, 3, 4]);
  });
});

describe('run settings: isolation, review gate, base branch, worktrees, parallel pipelines', () => {
  const parse = (raw: RawRunSettings) => parseRunSettings(raw, { trusted: true });

  it('isolation: a workspace may raise it, never lower it', () => {
    const up = parse({ isolation: { user: 'none', workspace: 'worktree' } });
    assert.strictEqual(up.settings.isolation, 'worktree');
    assert.deepStrictEqual(up.problems, []);
    const branch = parse({ isolation: { user: 'none', workspaceFolder: 'branch' } });
    assert.strictEqual(branch.settings.isolation, 'branch');
    assert.deepStrictEqual(branch.problems, []);
    const down = parse({ isolation: { workspace: 'none' } });
    assert.strictEqual(down.settings.isolation, 'worktree');
    assert.strictEqual(down.problems.length, 1);
    assert.match(down.problems[0], /sdlcPipeline\.isolation \(workspace settings\)/);
    assert.match(down.problems[0], /may only ask for more/);
    const downFromUser = parse({ isolation: { user: 'worktree', workspaceFolder: 'branch' } });
    assert.strictEqual(downFromUser.settings.isolation, 'worktree');
    assert.strictEqual(downFromUser.problems.length, 1);
    const userNone = parse({ isolation: { user: 'none' } });
    assert.strictEqual(userNone.settings.isolation, 'none');
    assert.deepStrictEqual(userNone.problems, []);
    const bogus = parse({ isolation: { workspace: 'sandbox' } });
    assert.strictEqual(bogus.settings.isolation, 'worktree');
    assert.strictEqual(bogus.problems.length, 1);
  });

  it('reviewGate: a workspace may turn it on, not off', () => {
    const off = parse({ reviewGate: { workspace: 'off' } });
    assert.strictEqual(off.settings.reviewGate, 'beforeMerge');
    assert.strictEqual(off.problems.length, 1);
    assert.match(off.problems[0], /sdlcPipeline\.reviewGate \(workspace settings\).*may only ask for more/);
    const on = parse({ reviewGate: { user: 'off', workspace: 'beforeMerge' } });
    assert.strictEqual(on.settings.reviewGate, 'beforeMerge');
    assert.deepStrictEqual(on.problems, []);
    const userOff = parse({ reviewGate: { user: 'off' } });
    assert.strictEqual(userOff.settings.reviewGate, 'off');
    assert.deepStrictEqual(userOff.problems, []);
  });

  it('baseBranch: a safe branch name or nothing', () => {
    const evil = parse({ baseBranch: { workspace: '--upload-pack=x' } });
    assert.strictEqual(evil.settings.baseBranch, undefined);
    assert.strictEqual(evil.problems.length, 1);
    assert.match(evil.problems[0], /sdlcPipeline\.baseBranch \(workspace settings\)/);
    const ok = parse({ baseBranch: { workspace: 'develop' } });
    assert.strictEqual(ok.settings.baseBranch, 'develop');
    assert.deepStrictEqual(ok.problems, []);
    const fallback = parse({ baseBranch: { user: 'main', workspace: 'a..b' } });
    assert.strictEqual(fallback.settings.baseBranch, 'main');
    assert.strictEqual(fallback.problems.length, 1);
  });

  it('worktreesDirectory: user settings only, absolute, trailing slashes dropped', () => {
    const ws = parse({ worktreesDirectory: { workspace: '/tmp/evil' } });
    assert.strictEqual(ws.settings.worktreesDirectory, undefined);
    assert.strictEqual(ws.problems.length, 1);
    assert.match(ws.problems[0], /sdlcPipeline\.worktreesDirectory \(workspace settings\).*only user settings/);
    const wsOverUser = parse({ worktreesDirectory: { user: '/home/u/wt', workspaceFolder: '/tmp/evil' } });
    assert.strictEqual(wsOverUser.settings.worktreesDirectory, '/home/u/wt');
    assert.strictEqual(wsOverUser.problems.length, 1);
    const rel = parse({ worktreesDirectory: { user: 'wt' } });
    assert.strictEqual(rel.settings.worktreesDirectory, undefined);
    assert.strictEqual(rel.problems.length, 1);
    assert.match(rel.problems[0], /sdlcPipeline\.worktreesDirectory \(user settings\).*absolute/);
    const dotdot = parse({ worktreesDirectory: { user: '/tmp/../etc' } });
    assert.strictEqual(dotdot.settings.worktreesDirectory, undefined);
    assert.strictEqual(dotdot.problems.length, 1);
    const ok = parse({ worktreesDirectory: { user: '/tmp/wt/' } });
    assert.strictEqual(ok.settings.worktreesDirectory, '/tmp/wt');
    assert.deepStrictEqual(ok.problems, []);
  });

  it('maxParallelPipelines: a whole number from 1 to 16', () => {
    for (const bad of [0, 17, 2.5, -1, '3']) {
      const r = parse({ maxParallelPipelines: { user: bad } });
      assert.strictEqual(r.settings.maxParallelPipelines, 2, String(bad));
      assert.strictEqual(r.problems.length, 1, String(bad));
      assert.match(r.problems[0], /sdlcPipeline\.maxParallelPipelines \(user settings\)/);
    }
    const ok = parse({ maxParallelPipelines: { user: 3 } });
    assert.strictEqual(ok.settings.maxParallelPipelines, 3);
    assert.deepStrictEqual(ok.problems, []);
    const ws = parse({ maxParallelPipelines: { user: 3, workspace: 16 } });
    assert.strictEqual(ws.settings.maxParallelPipelines, 3, 'application scope: user settings only');
    assert.strictEqual(ws.problems.length, 1);
  });
});

describe('tickets with a workspace', () => {
  const stored = (workspace: unknown): unknown => ({ ...newTicket(4, draft('Fix login'), 1000), workspace });

  it('a stored ticket with a malformed workspace still loads, without it', () => {
    const t = TicketSchema.parse(stored({ ...goodWorkspace(), branch: 'main' }));
    assert.strictEqual(t.id, 4);
    assert.strictEqual(t.title, 'Fix login');
    assert.strictEqual(t.workspace, undefined);
    assert.strictEqual(TicketSchema.parse(stored('nonsense')).workspace, undefined);
    const good = TicketSchema.parse(stored(goodWorkspace()));
    assert.deepStrictEqual(good.workspace, goodWorkspace());
  });

  it('ticketMarkdown lists requested changes, the last one marked latest', () => {
    const t: Ticket = { ...newTicket(4, draft('Fix login'), 1000), workspace: TicketWorkspaceSchema.parse({ ...goodWorkspace(), requestedChanges: ['a', 'b'] }) };
    const md = ticketMarkdown(t);
    assert.ok(md.includes('## Changes requested in review'), md);
    assert.ok(md.includes('### Request 1\n\na\n'), md);
    assert.ok(md.includes('### Request 2 (latest)\n\nb\n'), md);
    assert.strictEqual(md.match(/\(latest\)/g)?.length, 1);
    assert.ok(!ticketMarkdown(newTicket(4, draft('Fix login'), 1000)).includes('Changes requested'));
  });

  it('an import never brings a workspace', async () => {
    const kv = new MemoryKV();
    const s = new TicketStore(kv);
    await s.load();
    const incoming = TicketSchema.parse(stored(goodWorkspace()));
    assert.ok(incoming.workspace, 'the record carries a valid workspace');
    const r = await s.import([incoming]);
    assert.strictEqual(r.imported.length, 1);
    assert.strictEqual(r.imported[0].workspace, undefined);
    assert.ok(!('workspace' in r.imported[0]));
    const kept = s.get(r.imported[0].id)!;
    assert.strictEqual(kept.workspace, undefined);
    assert.strictEqual(kept.title, 'Fix login');
    const reloaded = new TicketStore(kv);
    await reloaded.load();
    assert.strictEqual(reloaded.get(r.imported[0].id)?.workspace, undefined);
  });
});

describe('worktree: the tickets folder is the extension\'s own (issue #22 item 5)', () => {
  const trustedRun = (raw: RawRunSettings) => parseRunSettings(raw, { trusted: true });
  it('ticketsDirectory: only a folder under .sdlc/, from any scope; anything else falls back to .sdlc/tickets with a problem', () => {
    for (const bad of ['src', 'docs/tickets', '.sdlc', '.sdlc/', '.sdlcx/t', '.SDLC/t', '.sdlc/../src', '.sdlc/./t', 'src/.sdlc/t', '.tickets/v1']) {
      for (const scope of ['user', 'workspace', 'workspaceFolder'] as const) {
        const r = trustedRun({ ticketsDirectory: { [scope]: bad } });
        assert.strictEqual(r.settings.ticketsDirectory, '.sdlc/tickets', `${scope}: ${bad}`);
        assert.strictEqual(r.problems.length, 1, `${scope}: ${bad}`);
        assert.match(r.problems[0], /under \.sdlc\//);
      }
    }
    assert.strictEqual(trustedRun({ ticketsDirectory: { workspace: '.sdlc/work' } }).settings.ticketsDirectory, '.sdlc/work');
    assert.strictEqual(trustedRun({ ticketsDirectory: { workspace: '.sdlc/a/v1.0_x-y/' } }).settings.ticketsDirectory, '.sdlc/a/v1.0_x-y');
  });

  it('withExcludeLine drops the lines an earlier version wrote for a folder outside .sdlc/, keeps the user\'s own and other folders\' lines', () => {
    const line = '/.sdlc/tickets/';
    const before = `*.log\n/src/\n${MARKER}\n/src/\n${MARKER}\n/pkg/a/.sdlc/tickets/\n${MARKER}\n/pkg/b/docs/\n`;
    // The user's own "/src/" (no marker above it) stays; ours for src and pkg/b/docs go.
    assert.strictEqual(withExcludeLine(before, line), `*.log\n/src/\n${MARKER}\n/pkg/a/.sdlc/tickets/\n${MARKER}\n${line}\n`);
    // Already there, but a stale line too: it still goes.
    assert.strictEqual(withExcludeLine(`${MARKER}\n/src/\n${MARKER}\n${line}\n`, line), `${MARKER}\n${line}\n`);
    assert.strictEqual(withExcludeLine(`${MARKER}\n${line}\n`, line), undefined);
  });

  it('after the rewrite the user\'s new file under src/ shows in git status again; ticket files stay hidden (real git)', () => {
    const repo = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-exclude-old-')));
    try {
      git(repo, ['init', '-q']);
      const exclude = path.join(repo, '.git', 'info', 'exclude');
      // What an earlier version wrote for a workspace's ticketsDirectory "src".
      writeFileSync(exclude, `${MARKER}\n${excludeLine('', 'src')}\n`);
      mkdirSync(path.join(repo, 'src'), { recursive: true });
      writeFileSync(path.join(repo, 'src', 'new.ts'), 'export {};\n');
      mkdirSync(path.join(repo, '.sdlc', 'tickets', '1'), { recursive: true });
      writeFileSync(path.join(repo, '.sdlc', 'tickets', '1', 'ticket.md'), '# t\n');
      const untracked = () => git(repo, ['ls-files', '--others', '--exclude-standard']).split('\n').filter(Boolean);
      assert.deepStrictEqual(untracked(), ['.sdlc/tickets/1/ticket.md']);
      writeFileSync(exclude, withExcludeLine(readFileSync(exclude, 'utf8'), excludeLine('', '.sdlc/tickets'))!);
      assert.deepStrictEqual(untracked(), ['src/new.ts']);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe('worktree: a stage runs only in the checkout\'s own folder (issue #22 item 7)', () => {
  it('cwdEscape: exactly <top>/<subdir> passes; out of the checkout is "outside"; elsewhere inside is "link"', () => {
    const p = path.posix;
    assert.strictEqual(cwdEscape('/w/t', '', '/w/t', p), undefined);
    assert.strictEqual(cwdEscape('/w/t', 'pkg/app', '/w/t/pkg/app', p), undefined);
    assert.strictEqual(cwdEscape('/w/t', 'sub', '/outside', p), 'outside');
    assert.strictEqual(cwdEscape('/w/t', 'sub', '/w', p), 'outside');
    assert.strictEqual(cwdEscape('/w/t', 'sub', '/w/t2/sub', p), 'outside');
    assert.strictEqual(cwdEscape('/w/t', 'sub', '/w/t/other', p), 'link');
    assert.strictEqual(cwdEscape('/w/t', 'sub', '/w/t', p), 'link');
    // A folder whose name starts with ".." is still inside.
    assert.strictEqual(cwdEscape('/w/t', '..sub', '/w/t/..sub', p), undefined);
    assert.strictEqual(cwdEscape('C:\\w\\t', 'sub', 'D:\\x', path.win32), 'outside');
    assert.strictEqual(cwdEscape('C:\\w\\t', 'a/b', 'C:\\w\\t\\a\\b', path.win32), undefined);
  });

  it('cwdEscape on a real checkout whose subfolder is a symlink to a folder outside (real git)', () => {
    const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-escape-')));
    try {
      const repo = path.join(parent, 'repo');
      const outside = path.join(parent, 'outside');
      mkdirSync(outside);
      mkdirSync(repo);
      git(repo, ['init', '-q']);
      symlinkSync(outside, path.join(repo, 'sub'));
      git(repo, ['add', '-A']);
      git(repo, ['commit', '-q', '-m', 'sub is a link']);
      assert.strictEqual(git(repo, ['ls-files', '-s', 'sub']).slice(0, 6), '120000');
      assert.strictEqual(cwdEscape(repo, 'sub', realpathSync(path.join(repo, 'sub')), path), 'outside');
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('worktree: what a removal would lose, named (issue #22 items 5 and 13)', () => {
  it('statusFiles names each entry of real `git status --porcelain -z` once, as countStatus counts them', () => {
    const repo = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-status-')));
    try {
      git(repo, ['init', '-q']);
      for (const f of ['a.txt', 'b.txt', 'c.txt']) writeFileSync(path.join(repo, f), `${f}\n`);
      git(repo, ['add', '-A']);
      git(repo, ['commit', '-q', '-m', 'init']);
      git(repo, ['mv', 'a.txt', 'renamed.txt']);
      writeFileSync(path.join(repo, 'b.txt'), 'changed\n');
      rmSync(path.join(repo, 'c.txt'));
      writeFileSync(path.join(repo, 'new file.txt'), 'n\n');
      const out = git(repo, ['status', '--porcelain', '-z']);
      assert.deepStrictEqual(statusFiles(out).sort(), ['b.txt', 'c.txt', 'new file.txt', 'renamed.txt']);
      assert.strictEqual(statusFiles(out).length, countStatus(out));
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
  it('keptTicketFile: only the *.md straight in the ticket\'s folder are copied back', () => {
    assert.strictEqual(keptTicketFile('.sdlc/tickets/3/plan.md', '.sdlc/tickets/3'), true);
    assert.strictEqual(keptTicketFile('pkg/.sdlc/tickets/3/review.md', 'pkg/.sdlc/tickets/3'), true);
    assert.strictEqual(keptTicketFile('.sdlc/tickets/3/notes/x.md', '.sdlc/tickets/3'), false);
    assert.strictEqual(keptTicketFile('.sdlc/tickets/3/data.json', '.sdlc/tickets/3'), false);
    assert.strictEqual(keptTicketFile('.sdlc/tickets/31/plan.md', '.sdlc/tickets/3'), false);
    assert.strictEqual(keptTicketFile('.sdlc/tickets/4/plan.md', '.sdlc/tickets/3'), false);
  });
  it('coversTicketFolder: an ignored folder holding (or inside) the ticket\'s folder is opened up; others are named whole', () => {
    assert.strictEqual(coversTicketFolder('.sdlc/', '.sdlc/tickets/3'), true);
    assert.strictEqual(coversTicketFolder('.sdlc/tickets/', '.sdlc/tickets/3'), true);
    assert.strictEqual(coversTicketFolder('.sdlc/tickets/3/', '.sdlc/tickets/3'), true);
    assert.strictEqual(coversTicketFolder('.sdlc/tickets/3/sub/', '.sdlc/tickets/3'), true);
    assert.strictEqual(coversTicketFolder('node_modules/', '.sdlc/tickets/3'), false);
    assert.strictEqual(coversTicketFolder('.sdlc/tickets/31/', '.sdlc/tickets/3'), false);
    assert.strictEqual(coversTicketFolder('.sdlc', '.sdlc/tickets/3'), false);
  });
  it('ticketIdOfBranch reads the id of a ticket branch only', () => {
    assert.strictEqual(ticketIdOfBranch('sdlc/12-fix-login'), 12);
    assert.strictEqual(ticketIdOfBranch('sdlc/12-fix-login-2'), 12);
    assert.strictEqual(ticketIdOfBranch('main'), undefined);
    assert.strictEqual(ticketIdOfBranch('sdlc/x-12'), undefined);
    assert.strictEqual(ticketIdOfBranch('feature/sdlc/12-x'), undefined);
  });
});
