/** Tickets, their per-stage choices and their runs. Pure: no `vscode` import. */
import * as z from 'zod';
import { STAGE_IDS, STAGES, type StageId } from './stages';

export const TICKET_TYPES = ['feature', 'bug', 'chore'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 20_000;

export const StageIdSchema = z.enum(STAGE_IDS);

/**
 * Ticket numbers stay far below Number.MAX_SAFE_INTEGER so `nextId` can always grow
 * (an import with id 9007199254740991 once blocked creating tickets).
 */
export const MAX_TICKET_ID = 999_999_999;

/** A CLI session id: what we pass to `--session-id` and `--resume`. Anything else never reaches a command line. */
export const SessionIdSchema = z.uuid();
export const isSessionId = (v: unknown): v is string => SessionIdSchema.safeParse(v).success;

export const StageChoiceSchema = z.object({
  enabled: z.boolean(),
  /** The ticket's own model choice; absent means "use the configured default". */
  model: z.string().min(1).max(200).optional(),
});
export type StageChoice = z.infer<typeof StageChoiceSchema>;

export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'interrupted',
  'budget-exceeded',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const UsageSchema = z.object({
  input_tokens: z.number().nonnegative().default(0),
  output_tokens: z.number().nonnegative().default(0),
  cache_creation_input_tokens: z.number().nonnegative().default(0),
  cache_read_input_tokens: z.number().nonnegative().default(0),
});
export type Usage = z.infer<typeof UsageSchema>;

export const ModelUsageSchema = z.record(
  z.string(),
  z.object({
    inputTokens: z.number().optional(),
    outputTokens: z.number().optional(),
    cacheReadInputTokens: z.number().optional(),
    cacheCreationInputTokens: z.number().optional(),
    costUSD: z.number().optional(),
  }),
);

export const RunSchema = z.object({
  id: z.string(),
  stage: StageIdSchema,
  mode: z.enum(['headless', 'interactive']),
  modelAsked: z.string(),
  modelRan: z.string().optional(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  exitCode: z.number().nullable().optional(),
  status: z.enum(RUN_STATUSES),
  /** Stored records: a session id that is not a UUID is dropped (the run just cannot be resumed). */
  sessionId: SessionIdSchema.optional().catch(undefined),
  usage: UsageSchema.optional(),
  modelUsage: ModelUsageSchema.optional(),
  /** Spend counts against caps: a cost that is not a non-negative number is dropped (stored or imported), never trusted. */
  costUsd: z.number().nonnegative().optional().catch(undefined),
  numTurns: z.number().int().nonnegative().optional().catch(undefined),
  durationMs: z.number().nonnegative().optional().catch(undefined),
  message: z.string().optional(),
  malformedLines: z.number().optional(),
});
export type Run = z.infer<typeof RunSchema>;

export const TicketSchema = z.object({
  id: z.number().int().positive().max(MAX_TICKET_ID),
  title: z.string().min(1).max(TITLE_MAX),
  description: z.string().max(DESCRIPTION_MAX),
  type: z.enum(TICKET_TYPES),
  /** Workspace folder URI (string) the ticket belongs to; absent = first folder. */
  folder: z.string().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
  archived: z.boolean().default(false),
  stages: z.partialRecord(StageIdSchema, StageChoiceSchema),
  runs: z.array(RunSchema).default([]),
});
export type Ticket = z.infer<typeof TicketSchema>;

/** What the form submits: a ticket without id and bookkeeping. */
export const TicketDraftSchema = z.object({
  title: z
    .string()
    .trim()
    .min(1, 'Title is required')
    .max(TITLE_MAX, `Title must be at most ${TITLE_MAX} characters`),
  description: z.string().max(DESCRIPTION_MAX, `Description must be at most ${DESCRIPTION_MAX} characters`),
  type: z.enum(TICKET_TYPES),
  folder: z.string().optional(),
  stages: z.partialRecord(StageIdSchema, StageChoiceSchema),
});
export type TicketDraft = z.infer<typeof TicketDraftSchema>;

export function newTicket(id: number, draft: TicketDraft, now = Date.now()): Ticket {
  return {
    id,
    title: draft.title.trim(),
    description: draft.description,
    type: draft.type,
    ...(draft.folder ? { folder: draft.folder } : {}),
    createdAt: now,
    updatedAt: now,
    archived: false,
    stages: completeStages(draft.stages),
    runs: [],
  };
}

/** Every stage present, in table order (a stored ticket may predate a stage). */
export function completeStages(stages: Partial<Record<StageId, StageChoice>>): Record<StageId, StageChoice> {
  return Object.fromEntries(
    STAGES.map((s) => [s.id, stages[s.id] ?? { enabled: false }]),
  ) as Record<StageId, StageChoice>;
}

export function enabledStages(ticket: Pick<Ticket, 'stages'>): StageId[] {
  return STAGES.map((s) => s.id).filter((id) => ticket.stages[id]?.enabled);
}

export function lastRun(ticket: Ticket, stage: StageId): Run | undefined {
  for (let i = ticket.runs.length - 1; i >= 0; i--) if (ticket.runs[i].stage === stage) return ticket.runs[i];
  return undefined;
}

/** What a ticket's runs have cost so far (the CLI's own figures; runs without a cost count 0). */
export function ticketSpend(runs: readonly Run[]): number {
  let usd = 0;
  for (const r of runs) if (r.costUsd !== undefined && Number.isFinite(r.costUsd)) usd += r.costUsd;
  return usd;
}

/** The stages a resumed pipeline still has to run: enabled and not yet succeeded since the last start. */
export function unfinishedStages(ticket: Ticket): StageId[] {
  return enabledStages(ticket).filter((id) => lastRun(ticket, id)?.status !== 'succeeded');
}

/** Ticket file contents: the ticket's text, which never goes on a command line. */
export function ticketMarkdown(ticket: Ticket): string {
  const lines = [
    `# Ticket #${ticket.id}: ${ticket.title}`,
    '',
    `Type: ${ticket.type}`,
    '',
    '## Description',
    '',
    ticket.description.trim() || '(no description)',
    '',
  ];
  return lines.join('\n');
}
