/**
 * Benchmarks in the real extension host (run by `npm run bench`, not by `npm test`): activation,
 * loading 10,000 tickets from the real workspaceState, and the Tickets tree's work after a stage
 * finishes with 10,000 tickets. Figures are medians with their spread; they go to
 * SDLC_BENCH_RESULTS (merged with runner.bench's).
 */
import { newTicket } from '../../src/domain/ticket';
import { api, benchResult, draft, stats } from './helpers';

describe('bench: activation, 10,000 tickets, tree refresh (real extension host)', () => {
  it('measures', async function () {
    this.timeout(600_000);
    const a = await api();
    const gitLoadedAtActivation = a.workspaces.loaded;
    // The bundles meant to load on first use (src/lazy.ts): none of them by activation.
    const lazyLoadedAtActivation = ['launch', 'commands', 'worktrees', 'github', 'report', 'interactive'].filter((n) => Object.keys(require.cache).some((k) => k.endsWith(`dist/${n}.js`)));
    const emptyLoads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await a.tickets.load();
      emptyLoads.push(performance.now() - t);
    }
    const before = a.tickets.all().length;
    const N = 10_000;
    const created: number[] = [];
    for (let chunk = 0; chunk < 10; chunk++) {
      const batch = await Promise.all(Array.from({ length: N / 10 }, (_, i) => a.tickets.store.create((id) => newTicket(id, draft(`Bench ${chunk * 1000 + i}`, i % 3 ? {} : { plan: 'sonnet' })))));
      created.push(...batch.map((t) => t.id));
    }
    const loads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await a.tickets.load();
      loads.push(performance.now() - t);
    }
    // After a stage finishes: the ticket's change event refreshes its subtree; VS Code then asks
    // for that ticket's children and their items. Measured synchronously, as the host runs it.
    const id = created[created.length >> 1];
    const refreshes: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      a.tree.refresh(id);
      const node = a.tree.getChildren().find((n) => n.kind === 'ticket' && n.ticketId === id) ?? { kind: 'ticket' as const, ticketId: id };
      a.tree.getTreeItem(node);
      for (const c of a.tree.getChildren(node)) a.tree.getTreeItem(c);
      refreshes.push(performance.now() - t);
    }
    const pages: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      for (const n of a.tree.getChildren()) a.tree.getTreeItem(n);
      pages.push(performance.now() - t);
    }
    await Promise.all(created.map((t) => a.tickets.store.delete(t)));
    await a.tickets.load();
    benchResult('host', {
      ticketsBefore: before,
      activationMs: a.activationMs,
      loadEmptyMs: stats(emptyLoads),
      load10kMs: stats(loads),
      treeRefreshAfterStage10kMs: stats(refreshes),
      treeFirstPage10kMs: stats(pages),
      gitLoadedAtActivation,
      lazyLoadedAtActivation,
    });
  });
});
