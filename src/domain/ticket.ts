/** Tickets, their per-stage choices and their runs. Pure: no `vscode` import. */
import * as z from 'zod/mini';
import * as l10n from './l10n';
import { EFFORT_LEVELS, STAGE_IDS, STAGES, type StageId } from './stages';
import { IssueLinkSchema, PullRequestLinkSchema } from './issueLink';
import { TicketWorkspaceSchema } from './worktree';
import { jitObject, jitStrictObject } from './zodJit';

// The webview imports this module for its constants, `StageIdSchema` and the draft's schemas only. Each schema it does
// not use is marked `/* @__PURE__ */` (wrapped in an arrow when built from nested calls, which
// esbuild would otherwise keep) so that the webview bundle leaves it out.

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
export const SessionIdSchema = /* @__PURE__ */ z.uuid();
export const isSessionId = (v: unknown): v is string => SessionIdSchema.safeParse(v).success;

const stageChoiceShape = () => ({
  enabled: z.boolean(),
  /** The ticket's own model choice; absent means "use the configured default". */
  model: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /** The model of the stage's sub-agents; absent: the configured default. */
  subagentModel: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /** `--effort` for the stage; absent: the configured default (or the CLI's own). */
  effort: z.optional(z.enum(EFFORT_LEVELS)),
});
/** A stage's choices as the form sends them (the webview parses these too: no eval there). */
export const StageChoiceSchema = /* @__PURE__ */ (() => z.object(stageChoiceShape()))();
/**
 * A stored ticket's stages, parsed in bulk at activation: on zod's JIT-compiled parser
 * (zodJit.ts), as an object with one optional key per stage. Like `z.partialRecord` over the
 * stage ids, a key that is not a stage refuses the record (it is quarantined, never dropped).
 */
const StoredStagesSchema = /* @__PURE__ */ (() => {
  const choice = z.optional(jitObject(stageChoiceShape()));
  return jitStrictObject(Object.fromEntries(STAGE_IDS.map((id) => [id, choice])) as Record<StageId, typeof choice>);
})();
export type StageChoice = z.infer<typeof StageChoiceSchema>;

/**
 * `z.catch(innerType, value)`, built as zod/mini builds it. mini's own `z.catch` reaches its
 * constant wrapper through `core.util`, a path esbuild cannot tree-shake: it would pull all of
 * zod's utilities (~9 KB) into each bundle.
 */
function catchAs<T extends z.ZodMiniType>(innerType: T, value: z.output<T>): z.ZodMiniCatch<T> {
  return new z.ZodMiniCatch({ type: 'catch', innerType, catchValue: () => value }) as z.ZodMiniCatch<T>;
}

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

/** A run status as the tree and pickers show it (the stored value stays English). */
export function runStatusLabel(status: RunStatus): string {
  switch (status) {
    case 'queued': return l10n.t('queued');
    case 'running': return l10n.t('running');
    case 'succeeded': return l10n.t('succeeded');
    case 'failed': return l10n.t('failed');
    case 'cancelled': return l10n.t('cancelled');
    case 'interrupted': return l10n.t('interrupted');
    case 'budget-exceeded': return l10n.t('budget-exceeded');
  }
}

/** A ticket type as the tree and pickers show it (the stored value stays English). */
export function ticketTypeLabel(type: TicketType): string {
  switch (type) {
    case 'feature': return l10n.t('feature');
    case 'bug': return l10n.t('bug');
    case 'chore': return l10n.t('chore');
  }
}

export const UsageSchema = /* @__PURE__ */ (() => jitObject({
  input_tokens: z._default(z.number().check(z.nonnegative()), 0),
  output_tokens: z._default(z.number().check(z.nonnegative()), 0),
  cache_creation_input_tokens: z._default(z.number().check(z.nonnegative()), 0),
  cache_read_input_tokens: z._default(z.number().check(z.nonnegative()), 0),
}))();
export type Usage = z.infer<typeof UsageSchema>;

export const ModelUsageSchema = /* @__PURE__ */ (() => z.record(
  z.string(),
  jitObject({
    inputTokens: z.optional(z.number()),
    outputTokens: z.optional(z.number()),
    cacheReadInputTokens: z.optional(z.number()),
    cacheCreationInputTokens: z.optional(z.number()),
    costUSD: z.optional(z.number()),
  }),
))();

export const RunSchema = /* @__PURE__ */ (() => jitObject({
  id: z.string(),
  stage: StageIdSchema,
  mode: z.enum(['headless', 'interactive']),
  modelAsked: z.string(),
  modelRan: z.optional(z.string()),
  startedAt: z.number(),
  endedAt: z.optional(z.number()),
  exitCode: z.optional(z.nullable(z.number())),
  status: z.enum(RUN_STATUSES),
  /** Stored records: a session id that is not a UUID is dropped (the run just cannot be resumed). */
  sessionId: catchAs(z.optional(SessionIdSchema), undefined),
  usage: z.optional(UsageSchema),
  modelUsage: z.optional(ModelUsageSchema),
  /** Spend counts against caps: a cost that is not a non-negative number is dropped (stored or imported), never trusted. */
  costUsd: catchAs(z.optional(z.number().check(z.nonnegative())), undefined),
  numTurns: catchAs(z.optional(z.int().check(z.nonnegative())), undefined),
  durationMs: catchAs(z.optional(z.number().check(z.nonnegative())), undefined),
  message: z.optional(z.string()),
  malformedLines: z.optional(z.number()),
  /** What the run's sub-agents ran on and its effort, when set (the cost report splits by them). */
  subagentModel: z.optional(z.string()),
  effort: z.optional(z.string()),
}))();
export type Run = z.infer<typeof RunSchema>;

export const TicketSchema = /* @__PURE__ */ (() => jitObject({
  id: z.int().check(z.positive(), z.maximum(MAX_TICKET_ID)),
  title: z.string().check(z.minLength(1), z.maxLength(TITLE_MAX)),
  description: z.string().check(z.maxLength(DESCRIPTION_MAX)),
  type: z.enum(TICKET_TYPES),
  /** Workspace folder URI (string) the ticket belongs to; absent = first folder. */
  folder: z.optional(z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
  archived: z._default(z.boolean(), false),
  stages: StoredStagesSchema,
  runs: z._default(z.array(RunSchema), []),
  /** Its branch and worktree (see worktree.ts). A stored value that does not parse is dropped: the ticket keeps loading. */
  workspace: catchAs(z.optional(TicketWorkspaceSchema), undefined),
  /** The GitHub issue it came from, and the comment and pull request sent back. */
  issue: catchAs(z.optional(IssueLinkSchema), undefined),
  pullRequest: catchAs(z.optional(PullRequestLinkSchema), undefined),
}))();
export type Ticket = z.infer<typeof TicketSchema>;

/** What the form submits: a ticket without id and bookkeeping. */
export const TicketDraftSchema = /* @__PURE__ */ (() => z.object({
  // Messages as functions: read in the current language when a value is refused.
  title: z.string().check(
    z.trim(),
    z.minLength(1, { error: () => l10n.t('Title is required') }),
    z.maxLength(TITLE_MAX, { error: () => l10n.t('Title must be at most {0} characters', TITLE_MAX) }),
  ),
  description: z.string().check(z.maxLength(DESCRIPTION_MAX, { error: () => l10n.t('Description must be at most {0} characters', DESCRIPTION_MAX) })),
  type: z.enum(TICKET_TYPES),
  folder: z.optional(z.string()),
  stages: z.partialRecord(StageIdSchema, StageChoiceSchema),
  issue: z.optional(IssueLinkSchema),
  /** From the form: the issue's URL, turned into `issue` by the host. */
  issueUrl: z.optional(z.string().check(z.maxLength(500))),
}))();
export type TicketDraft = z.infer<typeof TicketDraftSchema>;

export function newTicket(id: number, draft: TicketDraft, now = Date.now()): Ticket {
  return {
    id,
    title: draft.title.trim(),
    description: draft.description,
    type: draft.type,
    ...(draft.folder ? { folder: draft.folder } : {}),
    ...(draft.issue ? { issue: draft.issue } : {}),
    createdAt: now,
    updatedAt: now,
    archived: false,
    stages: completeStages(draft.stages),
    runs: [],
  };
}

/** Every stage present, in table order (a stored ticket may predate a stage). */
export function completeStages(stages: Partial<Record<StageId, StageChoice>>): Record<StageId, StageChoice> {
  // A plain loop: this runs for every stored ticket at activation.
  const out = {} as Record<StageId, StageChoice>;
  for (const id of STAGE_IDS) out[id] = stages[id] ?? { enabled: false };
  return out;
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

/** Text on one line: line breaks and other control characters become a space. */
export function oneLine(s: string): string {
  return s.replace(/[\x00-\x1f\x7f\u0085\u2028\u2029]+/g, ' ').trim();
}

/** A Markdown fence for `text`: backticks, one more than its longest run (at least three), so nothing in it can close the fence. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * Ticket file contents: the ticket's text, which never goes on a command line. The title is one
 * line and the description is fenced, so neither (an issue's text, say) can pass for a section of
 * the file: "Changes requested in review" outside the fence is only ever the user's own notes.
 */
export function ticketMarkdown(ticket: Ticket): string {
  const description = ticket.description.trim();
  const fence = fenceFor(description);
  const source = ticket.issue ? ` (from GitHub issue ${ticket.issue.owner}/${ticket.issue.repo}#${ticket.issue.number}, as its author wrote it)` : '';
  const lines = [
    `# Ticket #${ticket.id}: ${oneLine(ticket.title)}`,
    '',
    `Type: ${ticket.type}`,
    '',
    '## Description',
    '',
    ...(description ? [`Quoted${source}; everything inside the fence is the description, not a part of this file:`, '', `${fence}text`, description, fence] : ['(no description)']),
    '',
  ];
  const notes = ticket.workspace?.requestedChanges ?? [];
  if (notes.length) {
    lines.push('## Changes requested in review', '');
    notes.forEach((n, i) => lines.push(`### Request ${i + 1}${i === notes.length - 1 ? ' (latest)' : ''}`, '', n.trim(), ''));
  }
  return lines.join('\n');
}
