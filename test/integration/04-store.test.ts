import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { STORAGE_KEYS, TicketStore } from '../../src/domain/store';
import { newTicket } from '../../src/domain/ticket';
import { api, draft, EXTENSION_ID } from './helpers';

/** The extension's real workspaceState Memento (the same object the store uses). */
function memento(a: Awaited<ReturnType<typeof api>>): vscode.Memento {
  return a.tickets.memento;
}

describe('ticket store through the real workspaceState (real extension host)', () => {
  it('10,000 tickets round-trip through the real workspaceState: a second store over the same Memento reads back exactly what was written', async function () {
    this.timeout(300_000);
    const a = await api();
    const kv = memento(a);
    const store = new TicketStore(kv);
    await store.load();
    const before = store.size;
    // Issued concurrently in chunks: VS Code batches Memento writes into one round trip.
    const created = [];
    for (let chunk = 0; chunk < 10; chunk++) {
      created.push(...(await Promise.all(Array.from({ length: 1000 }, (_, i) => store.create((id) => newTicket(id, draft(`Bulk ${chunk * 1000 + i}`, i % 3 ? {} : { plan: 'sonnet' })))))));
    }
    const reloaded = new TicketStore(kv);
    const report = await reloaded.load();
    assert.strictEqual(report.quarantined.length, 0);
    assert.strictEqual(reloaded.size, before + 10_000);
    for (const t of created) assert.deepStrictEqual(reloaded.get(t.id), t);
    // Clean up so later tests see a normal workspace.
    await Promise.all(created.map((t) => reloaded.delete(t.id)));
    await a.tickets.load();
  });

  it('garbage records are quarantined while the rest load, and reported once', async () => {
    const a = await api();
    const kv = memento(a);
    const good = await a.tickets.create(draft('Still here'));
    await kv.update(`${STORAGE_KEYS.ticketPrefix}900001`, '{"v":2,"data":{"id":9');
    await kv.update(`${STORAGE_KEYS.ticketPrefix}900002`, { v: 2, data: 'a string where an object belongs' });
    await kv.update(`${STORAGE_KEYS.ticketPrefix}900003`, { v: 2, data: { id: 900003, title: 42 } });
    const report = await a.tickets.load();
    assert.strictEqual(report.quarantined.length, 3);
    assert.ok(a.tickets.get(good.id), 'a good ticket was lost');
    assert.strictEqual(a.tickets.store.quarantine().filter((q) => q.key.includes('90000')).length, 3);
    assert.ok(a.tickets.store.peekNextId() > 900003, 'quarantined numbers must not be reused');
    const again = await a.tickets.load();
    assert.strictEqual(again.quarantined.length, 0);
  });

  it('export → import → equal (clashing numbers renumbered)', async () => {
    const a = await api();
    const t1 = await a.tickets.create(draft('Export me', { build: 'haiku' }));
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'export-test.json');
    await vscode.commands.executeCommand('sdlcPipeline.exportTickets', { uri: file.toString() });
    const exported = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)));
    assert.strictEqual(exported.format, 'sdlc-pipeline-tickets');
    const n = a.tickets.all().length;
    const r = await vscode.commands.executeCommand<{ imported: Array<{ id: number; title: string; stages: unknown }>; renumbered: Array<[number, number]> }>('sdlcPipeline.importTickets', { uri: file.toString() });
    assert.strictEqual(a.tickets.all().length, 2 * n);
    assert.strictEqual(r.renumbered.length, n);
    const copy = r.imported.find((x) => x.title === 'Export me')!;
    assert.notStrictEqual(copy.id, t1.id);
    const { id: _a, ...orig } = a.tickets.get(t1.id)!;
    const { id: _b, ...dup } = a.tickets.get(copy.id)!;
    assert.deepStrictEqual(dup, orig);
    await Promise.all(r.imported.map((x) => a.tickets.delete(x.id)));
  });

  it('numbers are never reused: delete the newest ticket, load again from workspaceState, the next number moves on', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Newest, then deleted'));
    await a.tickets.delete(t.id);
    await a.tickets.load();
    const next = await a.tickets.create(draft('After the reload'));
    assert.strictEqual(next.id, t.id + 1, 'the deleted number came back');
    // An import with a lower number than the next one is renumbered, and the number after it is free.
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'low-number.json');
    const now = Date.now();
    const low = { id: 1, title: 'Low', description: '', type: 'bug', createdAt: now, updatedAt: now, archived: false, stages: {}, runs: [] };
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify({ format: 'sdlc-pipeline-tickets', version: 1, exportedAt: now, tickets: [low] })));
    const r = await vscode.commands.executeCommand<{ imported: Array<{ id: number }> }>('sdlcPipeline.importTickets', { uri: file.toString() });
    assert.strictEqual(r.imported[0].id, next.id + 1);
    assert.strictEqual((await a.tickets.create(draft('After the import'))).id, next.id + 2);
    assert.strictEqual(a.tickets.get(next.id)?.title, 'After the reload', 'an import overwrote a ticket');
  });

  it('delete with confirmation really deletes; the key is gone', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Delete me'));
    assert.strictEqual(await vscode.commands.executeCommand('sdlcPipeline.deleteTicket', { ticketId: t.id, confirm: true }), true);
    assert.strictEqual(a.tickets.get(t.id), undefined);
    assert.strictEqual(memento(a).get(`${STORAGE_KEYS.ticketPrefix}${t.id}`), undefined);
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
  });
});
