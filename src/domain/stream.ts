/**
 * Parses the Claude Code CLI's `--output-format stream-json` lines into events (zod schemas,
 * checked ranges). Malformed lines become `malformed` events, never an exception; rendering
 * them for people is streamRenderer.ts. Pure: no `vscode` import.
 */
import * as z from 'zod/mini';
import * as l10n from './l10n';

const InitEvent = z.object({
  type: z.literal('system'),
  subtype: z.literal('init'),
  model: z.string(),
  session_id: z.optional(z.string()),
  permissionMode: z.optional(z.string()),
  cwd: z.optional(z.string()),
});

const ContentBlock = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), name: z.string(), input: z.optional(z.unknown()) }),
  z.object({ type: z.literal('tool_result'), is_error: z.optional(z.boolean()), content: z.optional(z.unknown()) }),
  z.object({ type: z.string() }),
]);

const MessageEvent = z.object({
  type: z.enum(['assistant', 'user']),
  message: z.object({ content: z.union([z.string(), z.array(ContentBlock)]), model: z.optional(z.string()) }),
});

/**
 * A count or an amount from the CLI: finite (zod 4's `z.number()` already rejects ±Infinity,
 * which is what `1e400` parses to) and not negative; `num_turns` also an integer. At least as
 * strict as the stored run (`RunSchema`, `UsageSchema` in ticket.ts), so a value that passes
 * here cannot make the run's final save fail. A result line with any value out of range is a
 * malformed line: the run then has no result.
 */
const Amount = z.number().check(z.nonnegative());
const Count = z.int().check(z.nonnegative());

const ModelUsageEntry = z.object({
  inputTokens: z.optional(Amount),
  outputTokens: z.optional(Amount),
  cacheReadInputTokens: z.optional(Amount),
  cacheCreationInputTokens: z.optional(Amount),
  costUSD: z.optional(Amount),
});
export type ModelUsageEntry = z.infer<typeof ModelUsageEntry>;

/**
 * `modelUsage` is keyed by model id, i.e. by whatever the CLI sends. The result is a
 * null-prototype object holding only own data properties (written with `defineProperty`, so
 * no setter runs) and never a `__proto__` key: keys such as `constructor` or `toString` are
 * plain entries and no prototype can be changed.
 */
const ModelUsage = z.pipe(z.record(z.string(), ModelUsageEntry), z.transform((rec: Record<string, ModelUsageEntry>) => {
  const out = Object.create(null) as Record<string, ModelUsageEntry>;
  for (const key of Object.keys(rec)) {
    if (key === '__proto__') continue;
    Object.defineProperty(out, key, { value: rec[key], enumerable: true, writable: true, configurable: true });
  }
  return out;
}));

const ResultEvent = z.object({
  type: z.literal('result'),
  subtype: z.optional(z.string()),
  is_error: z.boolean(),
  result: z.optional(z.string()),
  total_cost_usd: z.optional(Amount),
  duration_ms: z.optional(Amount),
  num_turns: z.optional(Count),
  session_id: z.optional(z.string()),
  usage: z.optional(
    z.object({
      input_tokens: z.optional(Amount),
      output_tokens: z.optional(Amount),
      cache_creation_input_tokens: z.optional(Amount),
      cache_read_input_tokens: z.optional(Amount),
    }),
  ),
  modelUsage: z.optional(ModelUsage),
  permission_denials: z.optional(z.array(z.unknown())),
  errors: z.optional(z.array(z.unknown())),
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

/** The first line of `s`, at most `max` characters (without splitting a large string into all its lines). */
function firstLine(s: string, max: number): string {
  const nl = s.indexOf('\n');
  return (nl === -1 ? s : s.slice(0, nl)).slice(0, max);
}

function toolDetail(input: unknown): string {
  if (!input || typeof input !== 'object') return '';
  const i = input as Record<string, unknown>;
  const v = i.file_path ?? i.path ?? i.command ?? i.pattern ?? i.url ?? i.description;
  return typeof v === 'string' ? firstLine(v, 120) : '';
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
          out.push({ kind: 'toolError', detail: typeof c === 'string' ? firstLine(c, 160) : l10n.t('tool failed') });
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
