/**
 * What an interactive session cost, from the transcript the Claude Code CLI writes for it:
 * `<config dir>/projects/<cwd, every non-alphanumeric → "-">/<session id>.jsonl`, one JSON object
 * per line; assistant lines carry `message.model` and `message.usage`; sub-agents write beside
 * it under `<session id>/subagents/*.jsonl`. This is the CLI's format, not a public contract:
 * lines are parsed defensively (zod), unknown or malformed ones are skipped and counted, and one
 * assistant message written over several lines (one per content block) is counted once.
 * Text arrives in chunks (`feed`), so a line cut at a chunk's end waits for the rest.
 * Pure: no `vscode` import.
 */
import * as z from 'zod/mini';
import { costOf, priceFor, type PriceTable } from './cost';
import type { Usage } from './ticket';

/** The folder name the CLI uses for a working directory under `projects/`. */
export function projectDirName(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

/** A token count; anything else (negative, NaN, a string) counts 0. */
const Count = z.unknown();
const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
const LineSchema = z.object({
  type: z.optional(z.string()),
  sessionId: z.optional(z.string()),
  isSidechain: z.optional(z.boolean()),
  message: z.optional(z.object({
    id: z.optional(z.string()),
    model: z.optional(z.string()),
    usage: z.optional(z.object({
      input_tokens: z.optional(Count),
      output_tokens: z.optional(Count),
      cache_creation_input_tokens: z.optional(Count),
      cache_read_input_tokens: z.optional(Count),
    })),
  })),
});

/** A line longer than this is not ours to keep in memory: skipped and counted. */
export const MAX_LINE = 8 * 1024 * 1024;

export interface ModelTally {
  usage: Usage;
  /** Assistant messages counted for this model. */
  messages: number;
}

export class TranscriptTally {
  /** Per message id: its model and usage (a later line for the same message replaces it). */
  private readonly byMessage = new Map<string, { model: string; usage: Usage; sidechain: boolean }>();
  private anonymous = 0;
  /** Per file: the start of a line whose end has not been read yet. */
  private readonly rest = new Map<string, string>();
  malformed = 0;
  /** Lines of another session (never attributed to this run). */
  foreign = 0;
  lines = 0;
  /** The first model the main conversation ran. */
  mainModel: string | undefined;

  constructor(private readonly sessionId: string) {}

  /** Adds a chunk of one file (`source`); a partial last line waits for that file's next chunk. */
  feed(chunk: string, o: { sidechain?: boolean; source?: string } = {}): void {
    const sidechain = o.sidechain ?? false;
    const source = o.source ?? (sidechain ? 'subagent' : 'main');
    const text = (this.rest.get(source) ?? '') + chunk;
    const lines = text.split('\n');
    let rest = lines.pop() ?? '';
    if (rest.length > MAX_LINE) {
      rest = '';
      this.malformed++;
    }
    this.rest.set(source, rest);
    for (const line of lines) this.line(line, sidechain);
  }

  private line(raw: string, fromSubagentFile: boolean): void {
    if (!raw.trim()) return;
    this.lines++;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      this.malformed++;
      return;
    }
    const p = LineSchema.safeParse(json);
    if (!p.success) {
      this.malformed++;
      return;
    }
    const l = p.data;
    // A sub-agent's file is ours by where it is; the main file's lines must name our session.
    if (!fromSubagentFile && l.sessionId !== undefined && l.sessionId !== this.sessionId) {
      this.foreign++;
      return;
    }
    if (l.type !== 'assistant' || !l.message?.model || !l.message.usage) return;
    const u = l.message.usage;
    const usage: Usage = {
      input_tokens: count(u.input_tokens),
      output_tokens: count(u.output_tokens),
      cache_creation_input_tokens: count(u.cache_creation_input_tokens),
      cache_read_input_tokens: count(u.cache_read_input_tokens),
    };
    const sidechain = fromSubagentFile || l.isSidechain === true;
    if (!sidechain && !this.mainModel && l.message.model !== '<synthetic>') this.mainModel = l.message.model;
    const key = l.message.id ?? `anon-${this.anonymous++}`;
    this.byMessage.set(`${sidechain ? 's' : 'm'}:${key}`, { model: l.message.model, usage, sidechain });
  }

  /** Usage per model (main conversation and sub-agents together), as the CLI's `modelUsage` names them. */
  perModel(): Record<string, ModelTally> {
    const out: Record<string, ModelTally> = Object.create(null);
    for (const m of this.byMessage.values()) {
      if (m.model === '<synthetic>') continue;
      const t = (out[m.model] ??= { usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }, messages: 0 });
      t.messages++;
      t.usage.input_tokens += m.usage.input_tokens;
      t.usage.output_tokens += m.usage.output_tokens;
      t.usage.cache_creation_input_tokens += m.usage.cache_creation_input_tokens;
      t.usage.cache_read_input_tokens += m.usage.cache_read_input_tokens;
    }
    return out;
  }

  get messages(): number {
    return this.byMessage.size;
  }
}

export interface TranscriptCost {
  costUsd: number;
  usage: Usage;
  /** `modelUsage`-style split, priced with the same table as estimates. */
  modelUsage: Record<string, { inputTokens: number; outputTokens: number; cacheReadInputTokens: number; cacheCreationInputTokens: number; costUSD: number }>;
  modelRan?: string;
}

/** Prices a tally per model (cache writes and reads at their own rates). */
export function priceTally(t: TranscriptTally, prices: PriceTable = {}): TranscriptCost {
  const usage: Usage = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const modelUsage: TranscriptCost['modelUsage'] = Object.create(null);
  let costUsd = 0;
  for (const [model, m] of Object.entries(t.perModel())) {
    const cost = costOf(m.usage, priceFor(model, prices));
    costUsd += cost;
    usage.input_tokens += m.usage.input_tokens;
    usage.output_tokens += m.usage.output_tokens;
    usage.cache_creation_input_tokens += m.usage.cache_creation_input_tokens;
    usage.cache_read_input_tokens += m.usage.cache_read_input_tokens;
    modelUsage[model] = { inputTokens: m.usage.input_tokens, outputTokens: m.usage.output_tokens, cacheReadInputTokens: m.usage.cache_read_input_tokens, cacheCreationInputTokens: m.usage.cache_creation_input_tokens, costUSD: cost };
  }
  return { costUsd, usage, modelUsage, ...(t.mainModel ? { modelRan: t.mainModel } : {}) };
}

export { localDay, spentOnDay, spentThisWeek } from './daily';
