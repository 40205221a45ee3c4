/**
 * Turns what a finished headless CLI left behind (its stream summary, exit code or signal,
 * stderr tail, whether the user stopped it) into the run record's fields and the closing
 * lines the terminal shows. Everything from the CLI is sanitized before it is shown or kept.
 * Pure: no `vscode` import.
 */
import * as z from 'zod/mini';
import * as l10n from './l10n';
import { stageInfo, type StageId } from './stages';
import { formatDuration, formatUsd } from './format';
import { ansi, type StreamSummary } from './streamRenderer';
import { oneLine } from './terminalText';
import { RunSchema, type Run, type RunStatus } from './ticket';

export interface ProcessEnd {
  code: number | null;
  signal: string | null;
  /** The user (or the window closing) stopped it. */
  stopped: boolean;
  /** Last few KB of stderr. */
  stderr: string;
  /** Lines dropped for being over the line cap. */
  oversized?: number;
  startedAt: number;
  now: number;
}

export type RunFinal = Pick<Run, 'status' | 'exitCode' | 'modelRan' | 'costUsd' | 'usage' | 'modelUsage' | 'numTurns' | 'durationMs' | 'message' | 'malformedLines'>;


/** Status, message and usage of a finished headless run. Never throws; the result always parses as a Run's fields. */
export function runOutcome(summary: StreamSummary, end: ProcessEnd): RunFinal {
  const { result, modelRan } = summary;
  let status: RunStatus;
  let message: string | undefined;
  if (end.stopped) {
    status = 'cancelled';
    message = l10n.t('Stopped by the user.');
  } else if (result?.subtype === 'error_max_budget_usd') {
    status = 'budget-exceeded';
    message = l10n.t('Stopped by the budget cap after spending {0}.', formatUsd(result.total_cost_usd ?? 0));
  } else if (end.code === 0 && result && !result.is_error) {
    status = 'succeeded';
  } else {
    status = 'failed';
    const stderrTail = end.stderr.trim().split('\n').slice(-3).join(' ');
    message = result?.is_error
      ? oneLine(result.result ?? result.subtype ?? l10n.t('The CLI reported an error.'))
      : oneLine(stderrTail) || (end.code === 0 ? l10n.t('The CLI ended without a result.') : l10n.t('Exited with {0}.', String(end.signal ?? end.code)));
  }
  const usage = result?.usage
    ? {
        input_tokens: result.usage.input_tokens ?? 0,
        output_tokens: result.usage.output_tokens ?? 0,
        cache_creation_input_tokens: result.usage.cache_creation_input_tokens ?? 0,
        cache_read_input_tokens: result.usage.cache_read_input_tokens ?? 0,
      }
    : undefined;
  const malformed = summary.malformed + (end.oversized ?? 0);
  const final: RunFinal = {
    status,
    exitCode: end.code,
    modelRan: modelRan === undefined ? undefined : oneLine(modelRan, 200) || undefined,
    costUsd: result?.total_cost_usd,
    usage,
    modelUsage: result?.modelUsage,
    numTurns: result?.num_turns,
    durationMs: result?.duration_ms ?? Math.max(0, end.now - end.startedAt),
    message,
    malformedLines: malformed || undefined,
  };
  // The stream schema already matches the stored one; if it ever drifts, keep the status and drop the numbers.
  const check = z.pick(RunSchema, { exitCode: true, modelRan: true, costUsd: true, usage: true, modelUsage: true, numTurns: true, durationMs: true, malformedLines: true }).safeParse(final);
  if (!check.success) {
    const outOfRange = message
      ? l10n.t('{0} (The CLI reported values out of range; they were not recorded.)', message)
      : l10n.t('(The CLI reported values out of range; they were not recorded.)');
    return { status, exitCode: end.code, durationMs: Math.max(0, end.now - end.startedAt), message: outOfRange };
  }
  return final;
}

/** "Plan succeeded": one whole message per status. */
function stageEnded(label: string, status: RunStatus): string {
  switch (status) {
    case 'succeeded': return l10n.t('{0} succeeded', label);
    case 'failed': return l10n.t('{0} failed', label);
    case 'cancelled': return l10n.t('{0} cancelled', label);
    case 'budget-exceeded': return l10n.t('{0} budget-exceeded', label);
    case 'interrupted': return l10n.t('{0} interrupted', label);
    case 'queued': return l10n.t('{0} queued', label);
    case 'running': return l10n.t('{0} running', label);
  }
}

/** The closing lines of a headless terminal: a coloured summary, the reason, and warnings. */
export function outcomeLines(stage: StageId, modelAsked: string, final: RunFinal, summary: StreamSummary): string {
  const { status, message, usage } = final;
  const colour = status === 'succeeded' ? ansi.green : status === 'budget-exceeded' || status === 'cancelled' ? ansi.yellow : ansi.red;
  const turns = final.numTurns;
  const parts = [
    stageEnded(stageInfo(stage).label, status),
    l10n.t('model {0}', final.modelRan ?? modelAsked),
    turns === undefined ? undefined : turns === 1 ? l10n.t('1 turn') : l10n.t('{0} turns', turns),
    formatDuration(final.durationMs ?? 0),
    usage ? l10n.t('{0} in / {1} out tokens', usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens, usage.output_tokens) : undefined,
    final.costUsd !== undefined ? formatUsd(final.costUsd) : undefined,
  ].filter(Boolean);
  let out = '\r\n' + colour(ansi.bold(`■ ${parts.join(' · ')}`)) + '\r\n';
  if (message && status !== 'succeeded') out += colour(`  ${oneLine(message)}`) + '\r\n';
  if (final.malformedLines) out += ansi.yellow(`  ${l10n.t('{0} malformed or oversized stream line(s) skipped.', final.malformedLines)}`) + '\r\n';
  const denials = summary.result?.permission_denials?.length;
  if (denials) out += ansi.yellow(`  ${l10n.t('{0} tool call(s) were denied (permission mode).', denials)}`) + '\r\n';
  return out;
}
