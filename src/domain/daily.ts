/** What "today" and "this week" cost, by local day (the daily budget, the cost report). Pure: no `vscode` import. */

/** The local day of a timestamp, `YYYY-MM-DD` (what "today" means for the daily budget). */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** What runs started on `now`'s local day cost (every ticket of the workspace). */
export function spentOnDay(runs: Iterable<{ startedAt: number; costUsd?: number }>, now: number): number {
  const day = localDay(now);
  let usd = 0;
  for (const r of runs) if (r.costUsd !== undefined && Number.isFinite(r.costUsd) && localDay(r.startedAt) === day) usd += r.costUsd;
  return usd;
}

/** What runs of the last 7 local days (today included) cost. */
export function spentThisWeek(runs: Iterable<{ startedAt: number; costUsd?: number }>, now: number): number {
  // By calendar day, not 24-hour steps: a day of a DST change is 23 or 25 hours long (noon: always exists).
  const d = new Date(now);
  const days = new Set(Array.from({ length: 7 }, (_, i) => localDay(new Date(d.getFullYear(), d.getMonth(), d.getDate() - i, 12).getTime())));
  let usd = 0;
  for (const r of runs) if (r.costUsd !== undefined && Number.isFinite(r.costUsd) && days.has(localDay(r.startedAt))) usd += r.costUsd;
  return usd;
}

/**
 * What runs in flight hold of a budget until they end: each the cap it was started with (its
 * reservation) or what it has spent so far, whichever is more. Counted as spent by every later
 * launch, so the runs going at once can never be given more, together, than was left.
 */
export function heldInFlight(runs: Iterable<{ costUsd?: number; reservedUsd?: number }>): number {
  let usd = 0;
  for (const r of runs) {
    const held = Math.max(finiteOrZero(r.costUsd), finiteOrZero(r.reservedUsd));
    usd += held;
  }
  return usd;
}

const finiteOrZero = (x: number | undefined) => (x !== undefined && Number.isFinite(x) && x > 0 ? x : 0);
