/**
 * Pins, with expected values written out by hand (never computed with the code under test):
 * where ticket worktrees may go (never the repository or inside it), the pure parts of the
 * isolation checks before a merge, ticket numbers that never go backwards (imports, stale
 * indexes, quarantined records), a quarantine that only grows, and a multi-root draft that keeps
 * the workspace folder it chose. Each is killed by a mutation in test/harness/mutations/worktrees-store.mjs.
 */
import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { STORAGE_KEYS, TicketStore, TICKET_VERSION } from '../../src/domain/store';
import type { StageId } from '../../src/domain/stages';
import { newTicket, TicketDraftSchema, TicketSchema, type TicketDraft } from '../../src/domain/ticket';
import { isSafeBranchName, parseLeftRight, TICKET_BRANCH, ticketIdOfBranch, worktreesRoot } from '../../src/domain/worktree';
import { DraftSchema, WebviewMessageSchema, type Draft, type FormState } from '../../src/protocol';
import { applyPreset, createMessage, reconcile, resetModels } from '../../webview-ui/draft';
import { MemoryKV } from './memoryKV';

const draft = (title: string, folder?: string): TicketDraft => ({ title, description: 'd', type: 'bug', ...(folder ? { folder } : {}), stages: { plan: { enabled: true, model: 'sonnet' } } });
const record = (id: number, title: string) => ({ v: TICKET_VERSION, data: newTicket(id, draft(title), 1000) });
const imported = (id: number, title: string) => ({ ...newTicket(id, draft(title), 1000), id });
const key = (id: number) => `sdlcPipeline.ticket.${id}`;

/** git with no user/system configuration, arguments as an array (never a shell). */
function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=Test', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('pinned: the worktrees folder is never the repository or inside it', () => {
  const root = (configured: string | undefined) => worktreesRoot('/home/u/repo', configured, path.posix);

  it('nothing configured: <repo>.worktrees beside the repository', () => {
    assert.strictEqual(root(undefined), '/home/u/repo.worktrees');
    assert.strictEqual(root(''), '/home/u/repo.worktrees');
  });

  it('a folder beside or above the repository is used as configured', () => {
    assert.strictEqual(root('/home/u/wt'), '/home/u/wt');
    assert.strictEqual(root('/srv/worktrees'), '/srv/worktrees');
    assert.strictEqual(root('/home/u/repo.worktrees'), '/home/u/repo.worktrees');
    // Named with the repository's name as a prefix, but beside it.
    assert.strictEqual(root('/home/u/repo-wt'), '/home/u/repo-wt');
    assert.strictEqual(root('/home/u/repository'), '/home/u/repository');
    // The repository's own parent: worktrees sit beside the repository.
    assert.strictEqual(root('/home/u'), '/home/u');
    assert.strictEqual(root('/'), '/');
  });

  it('the repository itself is not used: the default applies', () => {
    assert.strictEqual(root('/home/u/repo'), '/home/u/repo.worktrees');
    assert.strictEqual(root('/home/u/repo/'), '/home/u/repo.worktrees');
  });

  it('a folder inside the repository is not used: the default applies', () => {
    assert.strictEqual(root('/home/u/repo/wt'), '/home/u/repo.worktrees');
    assert.strictEqual(root('/home/u/repo/.git/wt'), '/home/u/repo.worktrees');
    assert.strictEqual(root('/home/u/repo/a/b/c'), '/home/u/repo.worktrees');
    // A folder whose name starts with ".." is still inside.
    assert.strictEqual(root('/home/u/repo/..wt'), '/home/u/repo.worktrees');
    assert.strictEqual(root('/home/u/repo/...'), '/home/u/repo.worktrees');
  });

  it('".." cannot smuggle a folder inside the repository past the check', () => {
    assert.strictEqual(root('/home/u/repo/wt/..'), '/home/u/repo.worktrees');
    assert.strictEqual(root('/home/u/repo/../repo/wt'), '/home/u/repo.worktrees');
    assert.strictEqual(root('/home/u/other/../repo/sub'), '/home/u/repo.worktrees');
    assert.strictEqual(root('/home/u/repo/./wt'), '/home/u/repo.worktrees');
    // Out of the repository after "..": beside it, so used (as written).
    assert.strictEqual(root('/home/u/repo/../wt'), '/home/u/repo/../wt');
  });

  it('Windows paths: case-insensitive inside check, another drive is outside', () => {
    const win = (configured: string) => worktreesRoot('C:\\Users\\u\\repo', configured, path.win32);
    assert.strictEqual(win('c:\\users\\U\\REPO\\wt'), 'C:\\Users\\u\\repo.worktrees');
    assert.strictEqual(win('C:\\Users\\u\\repo'), 'C:\\Users\\u\\repo.worktrees');
    assert.strictEqual(win('D:\\wt'), 'D:\\wt');
    assert.strictEqual(win('C:\\Users\\u\\repo2'), 'C:\\Users\\u\\repo2');
    assert.strictEqual(win('C:\\Users\\u\\repo\\..\\wt'), 'C:\\Users\\u\\repo\\..\\wt');
  });
});

describe('pinned: the pure parts of the isolation checks (placement and merge)', () => {
  it('a base that is another ticket\'s branch is recognised as a ticket branch (placement refuses to start from it)', () => {
    for (const b of ['sdlc/7-other-ticket', 'sdlc/7-other-ticket-2', 'sdlc/123456789-x', 'sdlc/1-a']) assert.strictEqual(TICKET_BRANCH.test(b), true, b);
    for (const b of ['main', 'develop', 'feature/sdlc/7-x', 'sdlc/7', 'sdlc/x-7', 'sdlc/7-Other', 'sdlc/1234567890-x']) assert.strictEqual(TICKET_BRANCH.test(b), false, b);
    // The settings accept such a name as a branch; the ticket it belongs to is read from it.
    assert.strictEqual(isSafeBranchName('sdlc/7-other-ticket'), true);
    assert.strictEqual(ticketIdOfBranch('sdlc/7-other-ticket'), 7);
    assert.strictEqual(ticketIdOfBranch('sdlc/42-fix-login-3'), 42);
    assert.strictEqual(ticketIdOfBranch('main'), undefined);
  });

  it('rev-list --left-right --count <base>...<tip>: left is how far the base moved on, right is the ticket\'s own commits (real git)', () => {
    const repo = mkdtempSync(path.join(tmpdir(), 'sdlc-pin-lr-'));
    try {
      git(repo, ['init', '-q', '-b', 'main']);
      writeFileSync(path.join(repo, 'a.txt'), 'a\n');
      git(repo, ['add', '-A']);
      git(repo, ['commit', '-q', '-m', 'base']);
      git(repo, ['switch', '-q', '-c', 'sdlc/3-fix']);
      for (const f of ['b.txt', 'c.txt']) {
        writeFileSync(path.join(repo, f), `${f}\n`);
        git(repo, ['add', '-A']);
        git(repo, ['commit', '-q', '-m', f]);
      }
      const tip = git(repo, ['rev-parse', 'HEAD']).trim();
      // Not moved yet: nothing on the left.
      assert.deepStrictEqual(parseLeftRight(git(repo, ['rev-list', '--left-right', '--count', `refs/heads/main...${tip}`])), { left: 0, right: 2 });
      git(repo, ['switch', '-q', 'main']);
      writeFileSync(path.join(repo, 'd.txt'), 'd\n');
      git(repo, ['add', '-A']);
      git(repo, ['commit', '-q', '-m', 'the base moves on']);
      assert.deepStrictEqual(parseLeftRight(git(repo, ['rev-list', '--left-right', '--count', `refs/heads/main...${tip}`])), { left: 1, right: 2 });
      // Merged: the ticket has nothing of its own left.
      git(repo, ['merge', '-q', '--no-edit', 'sdlc/3-fix']);
      assert.deepStrictEqual(parseLeftRight(git(repo, ['rev-list', '--left-right', '--count', `refs/heads/main...${tip}`])), { left: 2, right: 0 });
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe('pinned: ticket numbers never go backwards', () => {
  it('an import never takes a deleted ticket\'s number: create 1, 2, 3, delete 3, import #3 → #4', async () => {
    const kv = new MemoryKV();
    const s = new TicketStore(kv);
    await s.load();
    for (const t of ['a', 'b', 'c']) await s.create((id) => newTicket(id, draft(t), 1000));
    await s.delete(3);
    const r = await s.import([imported(3, 'imported three')]);
    assert.deepStrictEqual(r.imported.map((t) => t.id), [4]);
    assert.deepStrictEqual(r.renumbered, [[3, 4]]);
    assert.strictEqual(s.get(3), undefined);
    assert.strictEqual(s.get(4)?.title, 'imported three');
    assert.deepStrictEqual(s.all().map((t) => t.id), [4, 2, 1]);
    assert.strictEqual(s.peekNextId(), 5);
    const reloaded = new TicketStore(kv);
    await reloaded.load();
    assert.strictEqual(reloaded.peekNextId(), 5);
    assert.strictEqual((await reloaded.create((id) => newTicket(id, draft('d'), 1000))).id, 5);
  });

  it('within one import, a number below one just imported is renumbered after it', async () => {
    const s = new TicketStore(new MemoryKV());
    await s.load();
    const r = await s.import([imported(10, 'ten'), imported(5, 'five')]);
    assert.deepStrictEqual(r.imported.map((t) => [t.id, t.title]), [[10, 'ten'], [11, 'five']]);
    assert.deepStrictEqual(r.renumbered, [[5, 11]]);
    assert.strictEqual(s.peekNextId(), 12);
    assert.strictEqual((await s.create((id) => newTicket(id, draft('next'), 1000))).id, 12);
  });

  it('an import writes the index: its numbers stay used after the ticket is deleted and the store reloaded', async () => {
    const kv = new MemoryKV();
    const s = new TicketStore(kv);
    await s.load();
    await s.import([imported(10, 'ten')]);
    assert.deepStrictEqual(kv.get(STORAGE_KEYS.index), { v: 1, data: { nextId: 11 } });
    await s.delete(10);
    const reloaded = new TicketStore(kv);
    await reloaded.load();
    assert.strictEqual(reloaded.peekNextId(), 11);
    assert.strictEqual((await reloaded.create((id) => newTicket(id, draft('after'), 1000))).id, 11);
  });

  it('load: an index lower than the highest stored ticket is raised past it (and rewritten)', async () => {
    const kv = new MemoryKV();
    kv.data.set(STORAGE_KEYS.index, { v: 1, data: { nextId: 2 } });
    kv.data.set(key(1), record(1, 'one'));
    kv.data.set(key(5), record(5, 'five'));
    const s = new TicketStore(kv);
    await s.load();
    assert.strictEqual(s.peekNextId(), 6);
    assert.deepStrictEqual(kv.get(STORAGE_KEYS.index), { v: 1, data: { nextId: 6 } });
    assert.strictEqual((await s.create((id) => newTicket(id, draft('six'), 1000))).id, 6);
    assert.strictEqual(s.get(5)?.title, 'five', 'the stored #5 is not overwritten');
  });

  it('load: an index higher than every stored ticket is kept', async () => {
    const kv = new MemoryKV();
    kv.data.set(STORAGE_KEYS.index, { v: 1, data: { nextId: 9 } });
    kv.data.set(key(2), record(2, 'two'));
    const s = new TicketStore(kv);
    await s.load();
    assert.strictEqual(s.peekNextId(), 9);
  });

  it('a quarantined record\'s number is not given out again (create or import)', async () => {
    const kv = new MemoryKV();
    kv.data.set(key(1), record(1, 'good'));
    kv.data.set(key(7), 'garbage');
    const s = new TicketStore(kv);
    const r = await s.load();
    assert.strictEqual(r.loaded, 1);
    assert.deepStrictEqual(r.quarantined.map((q) => q.key), ['sdlcPipeline.ticket.7']);
    assert.strictEqual(s.peekNextId(), 8);
    const imp = await s.import([imported(7, 'seven again')]);
    assert.deepStrictEqual(imp.renumbered, [[7, 8]]);
    assert.strictEqual((await s.create((id) => newTicket(id, draft('nine'), 1000))).id, 9);
  });
});

describe('pinned: the quarantine only grows', () => {
  it('two loads each finding a different bad record: both are kept, oldest first, nothing overwritten', async () => {
    const kv = new MemoryKV();
    kv.data.set(key(1), record(1, 'good'));
    kv.data.set(key(2), 'a string');
    const s = new TicketStore(kv);
    const first = await s.load(5000);
    const a = { key: 'sdlcPipeline.ticket.2', raw: 'a string', error: 'not a versioned record ({ v, data })', at: 5000 };
    assert.deepStrictEqual(first.quarantined, [a]);
    assert.deepStrictEqual(s.quarantine(), [a]);
    assert.strictEqual(kv.get(key(2)), undefined, 'moved out of the live keys');

    kv.data.set(key(3), { v: 99, data: {} });
    const second = await new TicketStore(kv).load(6000);
    const b = { key: 'sdlcPipeline.ticket.3', raw: { v: 99, data: {} }, error: 'record version 99 is newer than this extension understands (2)', at: 6000 };
    assert.deepStrictEqual(second.quarantined, [b], 'the second load reports only what it found');
    assert.strictEqual(second.loaded, 1);
    assert.deepStrictEqual(kv.get(STORAGE_KEYS.quarantine), [a, b]);
    assert.strictEqual(kv.get(key(3)), undefined);

    const third = await new TicketStore(kv).load(7000);
    assert.deepStrictEqual(third.quarantined, []);
    assert.deepStrictEqual(kv.get(STORAGE_KEYS.quarantine), [a, b], 'a load that finds nothing leaves it as it was');
    const s4 = new TicketStore(kv);
    await s4.load(8000);
    assert.strictEqual(s4.peekNextId(), 4);
  });
});

describe('pinned: a multi-root draft keeps the workspace folder it chose', () => {
  const A = 'file:///work/a';
  const B = 'file:///work/b';
  const stage = (model: string, enabled: boolean) => ({ enabled, model, touched: false });
  const defaults: FormState['defaults'][StageId] = { model: 'sonnet', source: 'default', sourceLabel: 'Built-in default', effortSource: 'default', subagentSource: 'default' };
  const estimate: FormState['estimates'][StageId] = { basis: 'priors', runs: 0, usdByModel: { haiku: 0.5, sonnet: 1 }, usdByEffort: {} };
  /** The host sends every stage's default and estimate; these states list two stages only. */
  const only = <T>(byStage: Partial<Record<StageId, T>>) => byStage as Record<StageId, T>;
  /** The host's state for folder `folder` (whose settings the defaults come from). */
  const state = (folder: string | undefined): FormState => ({
    stages: [
      { id: 'plan', label: 'Plan', summary: 'Write a plan' },
      { id: 'build', label: 'Build', summary: 'Implement it' },
    ],
    models: [
      { id: 'haiku', label: 'Haiku', relativeCost: 1, description: 'fast' },
      { id: 'sonnet', label: 'Sonnet', relativeCost: 3, description: 'balanced' },
    ],
    defaults: only({ plan: defaults, build: defaults }),
    efforts: ['low', 'high'],
    pricesAsOf: '2026-11-25',
    defaultStages: ['plan', 'build'],
    presets: [{ name: 'Cheap', models: { plan: 'haiku', build: 'haiku' } }],
    folders: [
      { uri: A, name: 'a' },
      { uri: B, name: 'b' },
    ],
    types: ['feature', 'bug', 'chore'],
    trusted: true,
    ...(folder ? { folder } : {}),
    nextTicketId: 3,
    estimates: only({ plan: estimate, build: estimate }),
  });
  const inB = (): Draft => ({ title: 'In b', description: '', type: 'feature', folder: B, stages: { plan: stage('sonnet', true), build: stage('sonnet', true) } as Draft['stages'] });

  it('reconcile keeps the draft\'s folder when the host\'s state is for another (the first) folder', () => {
    assert.strictEqual(reconcile(state(A), inB()).folder, B);
    assert.strictEqual(reconcile(state(B), inB()).folder, B);
    assert.strictEqual(reconcile(state(undefined), inB()).folder, B);
  });

  it('a preset and Reset keep the draft\'s folder', () => {
    assert.strictEqual(applyPreset(state(A), inB(), 'Cheap')?.folder, B);
    assert.strictEqual(resetModels(state(A), inB()).folder, B);
  });

  it('the create message names the draft\'s folder, whatever folder the state is for', () => {
    assert.strictEqual(createMessage(state(A), inB(), 9, false).draft.folder, B);
    assert.strictEqual(createMessage(state(undefined), inB(), 9, true).draft.folder, B);
  });

  it('the host\'s schemas keep the folder: the saved draft, the create message and its ticket draft', () => {
    const all = (): Draft['stages'] => {
      const s = {} as Record<StageId, { enabled: boolean; model: string; touched: boolean }>;
      for (const id of ['clarify', 'plan', 'build', 'test', 'review', 'document', 'merge'] as const) s[id] = stage('sonnet', false);
      return s;
    };
    assert.strictEqual(DraftSchema.parse({ ...inB(), stages: all() }).folder, B);
    const msg = WebviewMessageSchema.parse({ type: 'create', requestId: 1, run: false, draft: { title: 'In b', description: '', type: 'bug', folder: B, stages: { plan: { enabled: true } } } });
    assert.ok(msg.type === 'create');
    assert.strictEqual(msg.draft.folder, B);
    assert.strictEqual(TicketDraftSchema.parse({ title: 'In b', description: '', type: 'bug', folder: B, stages: {} }).folder, B);
  });

  it('a ticket made from the draft belongs to the draft\'s folder, stored and reloaded', async () => {
    const t = newTicket(5, draft('In b', B), 1000);
    assert.strictEqual(t.folder, B);
    assert.ok(!('folder' in newTicket(5, draft('No folder'), 1000)), 'no folder: the key is absent (the first folder at run time)');
    assert.strictEqual(TicketSchema.parse(t).folder, B);
    const kv = new MemoryKV();
    const s = new TicketStore(kv);
    await s.load();
    const created = await s.create((id) => newTicket(id, draft('In b', B), 1000));
    assert.strictEqual(created.folder, B);
    assert.strictEqual((kv.get(key(1)) as { data: { folder?: string } }).data.folder, B);
    const reloaded = new TicketStore(kv);
    await reloaded.load();
    assert.strictEqual(reloaded.get(1)?.folder, B);
  });
});
