/**
 * One started run's life in its terminal, for the launcher: a headless run's pseudoterminal, an
 * interactive run's real terminal with its transcript followed for cost and cap, and the final
 * record saved whatever happens (a failed save still ends the run with a status).
 */
import * as vscode from 'vscode';
import type { RunFinal } from './domain/runOutcome';
import { stageInfo, type StageId } from './domain/stages';
import type { Run } from './domain/ticket';
import { HeadlessTerminal } from './headlessTerminal';
import type { FollowSpec } from './interactiveCost';
import { InteractiveTerminal } from './interactiveTerminal';
import { lazy } from './lazy';
import { notify } from './notify';
import type { ActiveRun, RunnerHost } from './runner';

const loadInteractive = lazy<typeof import('./interactiveCost')>('interactive');

export function terminalName(ticketId: number, stage: StageId, model: string, resumed = false): string {
  const label = stageInfo(stage).label;
  return resumed ? vscode.l10n.t('SDLC #{0} · {1} · {2} · resumed', ticketId, label, model) : vscode.l10n.t('SDLC #{0} · {1} · {2}', ticketId, label, model);
}

/** Saves a run's final state; if that fails (or the ticket is gone), still ends the run with a status. */
export async function recordFinal(host: RunnerHost, ticketId: number, runId: string, final: Partial<RunFinal>): Promise<Run | undefined> {
  const apply = () => host.tickets.update(ticketId, (t) => {
    const r = t.runs.find((x) => x.id === runId);
    if (r) Object.assign(r, final, { endedAt: Date.now() });
  });
  try {
    return (await apply()).runs.find((r) => r.id === runId);
  } catch (e) {
    if (!host.tickets.get(ticketId)) return undefined; // deleted while it ran
    host.output.error(`run ${runId}: could not record its result (${(e as Error).message}); recording the status only`);
    final = { status: final.status === 'succeeded' ? 'failed' : final.status ?? 'failed', message: vscode.l10n.t('The run ended, but its result could not be recorded.') };
    return (await apply()).runs.find((r) => r.id === runId);
  }
}

export function startHeadless(host: RunnerHost, entry: ActiveRun, spec: ConstructorParameters<typeof HeadlessTerminal>[0]): Promise<RunFinal> {
  const t = new HeadlessTerminal(spec);
  const { ticketId, stage } = entry;
  const subs = [
    t.onDidSpawn((pid) => host.spawned({ ticketId, stage, pid })),
    t.onDidWrite((data) => host.wrote({ ticketId, stage, data })),
  ];
  const stoppedEarly = entry.cancelled;
  Object.assign(entry, { terminal: t.terminal, stop: () => t.stop(), killNow: () => t.killNow() });
  if (stoppedEarly) t.stop(); // Stop arrived while the run was being recorded
  host.changed();
  t.terminal.show(true);
  return t.done.finally(() => {
    subs.forEach((s) => s.dispose());
    t.dispose();
  });
}

/**
 * An interactive run: the TUI in a terminal. Its transcript is followed while it runs (only new
 * bytes each second) for the live cost; at 80 % of its cap the user is warned, at 100 % the
 * session is stopped and the run ends "budget exceeded". When the terminal closes, the run
 * records what the transcript says it cost — or "cost unknown" without one.
 */
export function startInteractive(host: RunnerHost, entry: ActiveRun, spec: ConstructorParameters<typeof InteractiveTerminal>[0], follow: FollowSpec): Promise<RunFinal> {
  const t = new InteractiveTerminal(spec);
  void t.terminal.processId.then((pid) => host.spawned({ ticketId: entry.ticketId, stage: entry.stage, pid }));
  const stoppedEarly = entry.cancelled;
  Object.assign(entry, { terminal: t.terminal, stop: () => t.stop(), killNow: () => t.stop() });
  if (stoppedEarly) t.stop();
  host.changed();
  t.terminal.show();
  // The transcript code loads with the first interactive run (dist/interactive.js).
  return loadInteractive().followCost(t, spec.cwd, follow, {
    onCost: (usd) => {
      entry.costUsd = usd;
      host.liveCostChanged(entry.ticketId, entry.stage);
    },
    warn: (m) => void notify.warn(m),
    log: (m) => host.output.warn(m),
  });
}
