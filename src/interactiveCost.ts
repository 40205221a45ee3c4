/**
 * What an interactive run costs while it runs, and its cap: follows the session's transcript
 * (only new bytes, each second), prices it with the estimates' table, warns at 80 % of the cap
 * and stops the session at 100 % — or, under a cap, when no transcript appears within 20 s (a
 * run whose cost cannot be measured may not run under a cap). When the terminal closes, the run's final record gets the
 * transcript's usage, per-model split and cost — or "cost unknown" when there was none.
 * Bundled on its own (`dist/interactive.js`): loaded with the first interactive run.
 */
import './l10nHost'; // first: this bundle's translations before any module uses them
import * as vscode from 'vscode';
import type { PriceTable } from './domain/cost';
import { formatUsd } from './domain/format';
import type { RunFinal } from './domain/runOutcome';
import { priceTally } from './domain/transcript';
import type { InteractiveTerminal } from './interactiveTerminal';
import { claudeConfigDir, TranscriptFollower } from './transcriptFollower';

export interface FollowSpec {
  sessionId: string;
  /** Stop the session when it has cost this much (USD). */
  capUsd?: number;
  prices: PriceTable;
  /** The stage's label ("Review") and its ticket, for messages. */
  stageLabel: string;
  ticketId: number;
  /** A resumed session: count only what is written from now on. */
  skipExisting?: boolean;
}

export interface FollowHooks {
  onCost(usd: number): void;
  warn(message: string): void;
  log(message: string): void;
}

/** How long a capped interactive run may go without its transcript appearing before it is stopped. */
export const NO_TRANSCRIPT_MS = 20_000;

export function followCost(t: InteractiveTerminal, cwd: string, follow: FollowSpec, hooks: FollowHooks, pollMs = 1000, noTranscriptMs = NO_TRANSCRIPT_MS): Promise<RunFinal> {
  const follower = new TranscriptFollower(claudeConfigDir(), cwd, follow.sessionId, follow.skipExisting);
  const primed = follower.prime().catch(() => undefined);
  const cap = follow.capUsd;
  let warned = false;
  let capped: number | undefined;
  let inFlight: Promise<void> | undefined;
  const started = Date.now();
  let unfollowable = false;
  const tick = (final = false): Promise<void> => {
    // One read at a time: the final read waits for the one in flight (they share the readers' offsets).
    if (inFlight) return final ? inFlight.then(() => tick(true)) : inFlight;
    inFlight = read(final).finally(() => (inFlight = undefined));
    return inFlight;
  };
  const read = async (final: boolean) => {
    {
      await primed;
      const changed = await follower.poll().catch(() => false);
      if (!changed) {
        // A run whose cost cannot be measured may not run under a cap: stopped, and said why.
        if (!final && cap !== undefined && !follower.file && !unfollowable && Date.now() - started > noTranscriptMs) {
          unfollowable = true;
          hooks.log(`${follow.stageLabel} of ticket #${follow.ticketId}: no transcript after ${noTranscriptMs} ms; stopped (cap ${formatUsd(cap)})`);
          t.stop();
        }
        return;
      }
      const usd = priceTally(follower.tally, follow.prices).costUsd;
      hooks.onCost(usd);
      // The last read after the session ended stops nothing: a run that finished is not "over budget".
      if (final || cap === undefined || capped !== undefined) return;
      if (usd >= cap) {
        capped = usd;
        hooks.log(`${follow.stageLabel} of ticket #${follow.ticketId}: stopped at ${formatUsd(usd)} (cap ${formatUsd(cap)})`);
        t.stop();
      } else if (!warned && usd >= 0.8 * cap) {
        warned = true;
        hooks.warn(vscode.l10n.t('{0} of ticket #{1} has spent {2} of its {3} cap; it stops at the cap.', follow.stageLabel, follow.ticketId, formatUsd(usd), formatUsd(cap)));
      }
    }
  };
  const timer = setInterval(() => void tick(), pollMs);
  return t.done.then(async (final): Promise<RunFinal> => {
    clearInterval(timer);
    await tick(true);
    if (!follower.file && unfollowable) {
      const message = vscode.l10n.t('Stopped: no session transcript appeared within {0} seconds, so what it spends could not be measured and its {1} cap not enforced. A capped run must be measurable: check cleanupPeriodDays in your or the repository\'s Claude Code settings, or run this stage headless.', Math.round(noTranscriptMs / 1000), formatUsd(cap!));
      hooks.warn(vscode.l10n.t('{0} of ticket #{1}: {2}', follow.stageLabel, follow.ticketId, message));
      return { ...final, status: 'failed', message };
    }
    if (!follower.file) return { ...final, message: [final.message, vscode.l10n.t('Cost unknown: the session left no transcript to read.')].filter(Boolean).join(' ') };
    const cost = priceTally(follower.tally, follow.prices);
    const counted = { costUsd: cost.costUsd, usage: cost.usage, modelUsage: cost.modelUsage, ...(cost.modelRan ? { modelRan: cost.modelRan } : {}), ...(follower.tally.malformed ? { malformedLines: follower.tally.malformed } : {}) };
    if (capped !== undefined) return { ...final, ...counted, status: 'budget-exceeded', message: vscode.l10n.t("Stopped at {0}: this run's cap is {1}.", formatUsd(capped), formatUsd(cap!)) };
    return { ...final, ...counted };
  });
}
