import * as assert from 'node:assert';
import { exportTickets, ExportFileSchema, STORAGE_KEYS, TicketStore, TICKET_VERSION } from '../../src/domain/store';
import { newTicket, type TicketDraft } from '../../src/domain/ticket';
import { MemoryKV } from './memoryKV';

const draft = (title: string): TicketDraft => ({ title, description: 'd', type: 'bug', stages: { plan: { enabled: true, model: 'sonnet' }, build: { enabled: true } } });

describe('ticket store', () => {
  it('all() is newest first, kept until a ticket is created, changed, deleted, imported or loaded', async () => {
    const kv = new MemoryKV();
    const s = new TicketStore(kv);
    await s.load();
    for (const t of ['a', 'b', 'c']) await s.create((id) => newTicket(id, draft(t)));
    const first = s.all();
    assert.deepStrictEqual(first.map((t) => t.id), [3, 2, 1]);
    assert.strictEqual(s.all(), first, 'asked twice without a change: the same answer');
    await s.update(2, (t) => void (t.title = 'B'));
    assert.notStrictEqual(s.all(), first);
    assert.deepStrictEqual(s.all().map((t) => t.title), ['c', 'B', 'a']);
    let before = s.all();
    await s.delete(3);
    assert.deepStrictEqual(s.all().map((t) => t.id), [2, 1]);
    assert.notStrictEqual(s.all(), before);
    await s.create((id) => newTicket(id, draft('d')));
    assert.deepStrictEqual(s.all().map((t) => t.id), [4, 2, 1]);
    before = s.all();
    await s.import([{ ...newTicket(50, draft('imported')), id: 50 }]);
    assert.deepStrictEqual(s.all().map((t) => t.id), [50, 4, 2, 1]);
    before = s.all();
    await s.load();
    assert.notStrictEqual(s.all(), before);
    assert.deepStrictEqual(s.all().map((t) => t.id), [50, 4, 2, 1]);
  });
  it('creates with readable numbers, never reused after delete', async () => {
    const kv = new MemoryKV();
    const s = new TicketStore(kv);
    await s.load();
    const a = await s.create((id) => newTicket(id, draft('a')));
    const b = await s.create((id) => newTicket(id, draft('b')));
    assert.deepStrictEqual([a.id, b.id], [1, 2]);
    await s.delete(2);
    const c = await s.create((id) => newTicket(id, draft('c')));
    assert.strictEqual(c.id, 3);
    const reloaded = new TicketStore(kv);
    await reloaded.load();
    assert.deepStrictEqual(reloaded.all().map((t) => t.id), [3, 1]);
    assert.strictEqual((await reloaded.create((id) => newTicket(id, draft('d')))).id, 4);
  });

  it('loading writes the index only when it would say something new (an empty store writes nothing)', async () => {
    const kv = new MemoryKV();
    await new TicketStore(kv).load();
    assert.strictEqual(kv.writes, 0, 'an empty store with no index needs none');
    kv.data.set(`${STORAGE_KEYS.ticketPrefix}4`, { v: TICKET_VERSION, data: newTicket(4, draft('four')) });
    await new TicketStore(kv).load();
    assert.deepStrictEqual(kv.get(STORAGE_KEYS.index), { v: 1, data: { nextId: 5 } }, 'tickets without an index: the next number is written');
    kv.writes = 0;
    await new TicketStore(kv).load();
    assert.strictEqual(kv.writes, 0, 'an index that is right is left alone');
    kv.data.set(STORAGE_KEYS.index, 'garbage');
    kv.data.delete(`${STORAGE_KEYS.ticketPrefix}4`);
    await new TicketStore(kv).load();
    assert.deepStrictEqual(kv.get(STORAGE_KEYS.index), { v: 1, data: { nextId: 1 } }, 'a malformed index is rewritten');
  });

  it('create and update write O(1) keys (one ticket + small index)', async () => {
    const kv = new MemoryKV();
    const s = new TicketStore(kv);
    await s.load();
    for (let i = 0; i < 50; i++) await s.create((id) => newTicket(id, draft(`t${i}`)));
    kv.writes = 0;
    await s.create((id) => newTicket(id, draft('x')));
    assert.strictEqual(kv.writes, 2);
    kv.writes = 0;
    await s.update(10, (t) => void (t.title = 'changed'));
    assert.strictEqual(kv.writes, 1);
    assert.strictEqual((kv.get(`${STORAGE_KEYS.ticketPrefix}10`) as { data: { title: string } }).data.title, 'changed');
  });

  it('migrates v1 records forward and rewrites them at the current version', async () => {
    const kv = new MemoryKV();
    kv.data.set(`${STORAGE_KEYS.ticketPrefix}7`, { v: 1, data: { id: 7, title: 'old', description: 'x', type: 'chore', createdAt: 1, models: { plan: 'sonnet' }, enabled: ['plan', 'build'] } });
    const s = new TicketStore(kv);
    const r = await s.load();
    assert.strictEqual(r.migrated, 1);
    const t = s.get(7)!;
    assert.deepStrictEqual(t.stages.plan, { enabled: true, model: 'sonnet' });
    assert.deepStrictEqual(t.stages.build, { enabled: true });
    assert.deepStrictEqual(t.stages.merge, { enabled: false });
    assert.strictEqual((kv.get(`${STORAGE_KEYS.ticketPrefix}7`) as { v: number }).v, TICKET_VERSION);
    assert.strictEqual(s.peekNextId(), 8);
  });

  it('quarantines garbage and loads everything else; nothing is dropped', async () => {
    const kv = new MemoryKV();
    const s0 = new TicketStore(kv);
    await s0.load();
    await s0.create((id) => newTicket(id, draft('good')));
    const garbage: unknown[] = ['{"v":2,"data":{"id":', 'a string', 42, null, [], { v: 2, data: { id: 3, title: 5 } }, { v: 99, data: {} }, { v: 2, data: { ...newTicket(99, draft('wrong key')) } }];
    garbage.forEach((g, i) => kv.data.set(`${STORAGE_KEYS.ticketPrefix}${i + 2}`, g));
    const s = new TicketStore(kv);
    const r = await s.load();
    assert.strictEqual(r.loaded, 1);
    assert.strictEqual(r.quarantined.length, garbage.length);
    assert.strictEqual(s.quarantine().length, garbage.length);
    assert.deepStrictEqual(s.quarantine().map((q) => q.raw), garbage);
    assert.ok(s.quarantine().every((q) => q.error.length > 0));
    // Quarantined keys are gone from the live set; numbers are not reused.
    assert.ok(s.peekNextId() > garbage.length + 1);
    const again = new TicketStore(kv);
    const r2 = await again.load();
    assert.strictEqual(r2.quarantined.length, 0, 'reported once');
  });

  it('export → import round-trips, renumbering clashes', async () => {
    const kv = new MemoryKV();
    const s = new TicketStore(kv);
    await s.load();
    for (const t of ['a', 'b', 'c']) await s.create((id) => newTicket(id, draft(t)));
    const file = JSON.parse(JSON.stringify(exportTickets(s.all())));
    assert.ok(ExportFileSchema.safeParse(file).success);
    const other = new TicketStore(new MemoryKV());
    await other.load();
    await other.import(file.tickets);
    assert.deepStrictEqual(other.all(), s.all());
    const r = await s.import(file.tickets);
    assert.deepStrictEqual(r.renumbered, [[1, 4], [2, 5], [3, 6]]);
    assert.strictEqual(s.size, 6);
  });
});
