/**
 * Parses the Claude Code CLI's `--output-format stream-json` lines and renders them for
 * people. Malformed lines are skipped and counted, never fatal. Pure: no `vscode` import.
 */
import * as z from 'zod';
import { ModelUsageSchema } from './ticket';

const InitEvent = z.object({
  type: z.literal('system'),
  subtype: z.literal('init'),
  model: z.string(),
  session_id: z.string().optional(),
  permissionMode: z.string().optional(),
  cwd: z.string().optional(),
});

const ContentBlock = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), name: z.string(), input: z.unknown().optional() }),
  z.object({ type: z.literal('tool_result'), is_error: z.boolean().optional(), content: z.unknown().optional() }),
  z.object({ type: z.string() }),
]);

const MessageEvent = z.object({
  type: z.enum(['assistant', 'user']),
  message: z.object({ content: z.union([z.string(), z.array(ContentBlock)]), model: z.string().optional() }),
});

const ResultEvent = z.object({
  type: z.literal('result'),
  subtype: z.string().optional(),
  is_error: z.boolean(),
  result: z.string().optional(),
  total_cost_usd: z.number().optional(),
  duration_ms: z.number().optional(),
  num_turns: z.number().optional(),
  session_id: z.string().optional(),
  usage: z
    .object({
      input_tokens: z.number().optional(),
      output_tokens: z.number().optional(),
      cache_creation_input_tokens: z.number().optional(),
      cache_read_input_tokens: z.number().optional(),
    })
    .optional(),
  modelUsage: ModelUsageSchema.optional(),
  permission_denials: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});
export type ResultEvent = z.infer<typeof ResultEvent>;

const AnyEvent = z.object({ type: z.string() });

export type StreamEvent =
  | { kind: 'init'; model: string; sessionId?: string; permissionMode?: string }
  | { kind: 'text'; text: string }
  | { kind: 'tool'; name: string; detail: string }
  | { kind: 'toolError'; detail: string }
  | { kind: 'result'; result: ResultEvent }
  | { kind: 'other'; type: string }
  | { kind: 'malformed'; line: string };

function toolDetail(input: unknown): string {
  if (!input || typeof input !== 'object') return '';
  const i = input as Record<string, unknown>;
  const v = i.file_path ?? i.path ?? i.command ?? i.pattern ?? i.url ?? i.description;
  return typeof v === 'string' ? v.split('\n')[0].slice(0, 120) : '';
}

/** Parse one line of stream-json into zero or more events. */
export function parseStreamLine(line: string): StreamEvent[] {
  const trimmed = line.trim();
  if (!trimmed) return [];
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return [{ kind: 'malformed', line: trimmed.slice(0, 200) }];
  }
  const base = AnyEvent.safeParse(json);
  if (!base.success) return [{ kind: 'malformed', line: trimmed.slice(0, 200) }];
  switch (base.data.type) {
    case 'system': {
      const init = InitEvent.safeParse(json);
      return init.success
        ? [{ kind: 'init', model: init.data.model, sessionId: init.data.session_id, permissionMode: init.data.permissionMode }]
        : [{ kind: 'other', type: 'system' }];
    }
    case 'assistant':
    case 'user': {
      const msg = MessageEvent.safeParse(json);
      if (!msg.success) return [{ kind: 'malformed', line: trimmed.slice(0, 200) }];
      const content = msg.data.message.content;
      if (typeof content === 'string') return base.data.type === 'assistant' ? [{ kind: 'text', text: content }] : [];
      const out: StreamEvent[] = [];
      for (const block of content) {
        if (block.type === 'text' && 'text' in block && base.data.type === 'assistant') out.push({ kind: 'text', text: block.text });
        else if (block.type === 'tool_use' && 'name' in block) out.push({ kind: 'tool', name: block.name, detail: toolDetail(block.input) });
        else if (block.type === 'tool_result' && 'is_error' in block && block.is_error) {
          const c = block.content;
          out.push({ kind: 'toolError', detail: typeof c === 'string' ? c.split('\n')[0].slice(0, 160) : 'tool failed' });
        }
      }
      return out;
    }
    case 'result': {
      const r = ResultEvent.safeParse(json);
      return r.success ? [{ kind: 'result', result: r.data }] : [{ kind: 'malformed', line: trimmed.slice(0, 200) }];
    }
    default:
      return [{ kind: 'other', type: base.data.type }];
  }
}

/** Splits a byte stream into lines across chunk boundaries. */
export class LineSplitter {
  private rest = '';
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines;
  }
  flush(): string[] {
    const r = this.rest;
    this.rest = '';
    return r ? [r] : [];
  }
}

const ESC = '\x1b[';
export const ansi = {
  dim: (s: string) => `${ESC}2m${s}${ESC}0m`,
  bold: (s: string) => `${ESC}1m${s}${ESC}0m`,
  cyan: (s: string) => `${ESC}36m${s}${ESC}0m`,
  green: (s: string) => `${ESC}32m${s}${ESC}0m`,
  red: (s: string) => `${ESC}31m${s}${ESC}0m`,
  yellow: (s: string) => `${ESC}33m${s}${ESC}0m`,
};

/** Terminals want CRLF. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

export interface StreamSummary {
  modelRan?: string;
  sessionId?: string;
  result?: ResultEvent;
  malformed: number;
}

/** Turns events into terminal text and keeps the summary a run record needs. */
export class StreamRenderer {
  readonly summary: StreamSummary = { malformed: 0 };

  render(event: StreamEvent): string {
    switch (event.kind) {
      case 'init':
        this.summary.modelRan = event.model;
        this.summary.sessionId = event.sessionId;
        return ansi.dim(`● model ${event.model}${event.permissionMode ? ` · permissions ${event.permissionMode}` : ''}`) + '\r\n';
      case 'text':
        return crlf(event.text.trimEnd()) + '\r\n\r\n';
      case 'tool':
        return ansi.cyan(`⏺ ${event.name}`) + (event.detail ? ansi.dim(` ${event.detail}`) : '') + '\r\n';
      case 'toolError':
        return ansi.red(`  ✗ ${event.detail}`) + '\r\n';
      case 'result':
        this.summary.result = event.result;
        if (event.result.session_id) this.summary.sessionId = event.result.session_id;
        return '';
      case 'malformed':
        this.summary.malformed++;
        return '';
      default:
        return '';
    }
  }

  /** Render a whole line (parse + render). */
  line(line: string): string {
    let out = '';
    for (const e of parseStreamLine(line)) out += this.render(e);
    return out;
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function formatUsd(usd: number): string {
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}
