/**
 * The one contract between the ticket form (webview-ui/) and the extension host.
 * Every message in either direction is a zod schema; both sides `safeParse` what they receive.
 * Pure: no `vscode` import (the webview bundles it too).
 */
import * as z from 'zod/mini';
import { StageIdSchema, TicketDraftSchema, TICKET_TYPES } from './domain/ticket';
import { EFFORT_LEVELS } from './domain/stages';

const EffortSchema = z.enum(EFFORT_LEVELS);
const OptionSourceSchema = z.enum(['ticket', 'settings', 'default']);
/** USD per model id. */
const UsdByModelSchema = z.record(z.string(), z.number());

const ModelSourceSchema = z.enum(['ticket', 'workspaceFolder', 'workspace', 'user', 'default']);

/** The form's draft: kept in webview state (survives hiding) and mirrored to workspaceState (survives reload). */
export const DraftSchema = z.object({
  title: z.string(),
  description: z.string(),
  type: z.enum(TICKET_TYPES),
  folder: z.optional(z.string()),
  preset: z.optional(z.string()),
  stages: z.record(
    StageIdSchema,
    z.object({
      enabled: z.boolean(),
      model: z.string(),
      touched: z.boolean(),
      /** Chosen on this ticket; absent: the stage's default effort. */
      effort: z.optional(EffortSchema),
      /** Chosen on this ticket; absent: the stage's default sub-agent model. */
      subagentModel: z.optional(z.string()),
    }),
  ),
  /** Every stage shows its sub-agent picker (else only those whose sub-agents run on another model). */
  showSubagents: z.optional(z.boolean()),
  /** The GitHub issue the draft was filled from (its URL; the host checks it again on create). */
  issueUrl: z.optional(z.string().check(z.maxLength(500))),
});
export type Draft = z.infer<typeof DraftSchema>;

export const FormStateSchema = z.object({
  stages: z.array(z.object({ id: StageIdSchema, label: z.string(), summary: z.string() })),
  models: z.array(z.object({
    id: z.string(),
    label: z.string(),
    relativeCost: z.number(),
    description: z.string(),
    /** The id this alias last ran as in this workspace (learned from runs). */
    ranAs: z.optional(z.string()),
  })),
  efforts: z.array(EffortSchema),
  defaults: z.record(StageIdSchema, z.object({
    model: z.string(),
    source: ModelSourceSchema,
    sourceLabel: z.string(),
    /** The configured effort (absent: the CLI's default). */
    effort: z.optional(EffortSchema),
    effortSource: OptionSourceSchema,
    /** The configured sub-agent model (absent: the stage's own model). */
    subagentModel: z.optional(z.string()),
    subagentSource: OptionSourceSchema,
  })),
  defaultStages: z.array(StageIdSchema),
  presets: z.array(z.object({ name: z.string(), label: z.optional(z.string()), models: z.partialRecord(StageIdSchema, z.string()), efforts: z.optional(z.partialRecord(StageIdSchema, EffortSchema)) })),
  folders: z.array(z.object({ uri: z.string(), name: z.string() })),
  types: z.array(z.enum(TICKET_TYPES)),
  trusted: z.boolean(),
  /** The workspace folder whose settings `defaults`, `presets` and `defaultStages` come from. */
  folder: z.optional(z.string()),
  nextTicketId: z.int().check(z.positive()),
  /** The last draft the host saw (restores the form when webview state was lost). */
  draft: z.optional(DraftSchema),
  /** Per stage: estimated USD per model id at the default effort and at each effort, and what the estimates are based on. */
  estimates: z.record(
    StageIdSchema,
    z.object({ basis: z.enum(['history', 'priors']), runs: z.number(), usdByModel: UsdByModelSchema, usdByEffort: z.partialRecord(EffortSchema, UsdByModelSchema) }),
  ),
  /** The date of the built-in price table. */
  pricesAsOf: z.string(),
});
export type FormState = z.infer<typeof FormStateSchema>;

/** Limits of the translations sent to the form: every message of the extension fits many times over. */
export const L10N_MAX_MESSAGES = 5000;
export const L10N_MAX_CHARS = 4000;

/**
 * Message → translation (`vscode.l10n.bundle`), as src/domain/l10n.ts `useBundle` takes it. The
 * count is checked with a plain `z.check` (`z.refine` would add ~0.7 KB of zod to the form's bundle).
 */
const L10nBundleSchema = z.record(z.string().check(z.maxLength(L10N_MAX_CHARS)), z.string().check(z.maxLength(L10N_MAX_CHARS))).check(
  z.check((ctx) => {
    if (Object.keys(ctx.value).length > L10N_MAX_MESSAGES) ctx.issues.push({ code: 'custom', message: `at most ${L10N_MAX_MESSAGES} messages`, input: ctx.value });
  }),
);

/** Every message the host sends, one object per `type`. */
const HOST_MESSAGES = [
  /** The form's translations: sent once, before the first `state`, when the editor is not in English. */
  z.object({ type: z.literal('l10n'), bundle: L10nBundleSchema }),
  z.object({ type: z.literal('state'), state: FormStateSchema }),
  /** Replies to `create` echo its `requestId`, so the form knows which request finished. */
  z.object({ type: z.literal('created'), requestId: z.int(), id: z.int().check(z.positive()), ran: z.boolean() }),
  z.object({ type: z.literal('error'), requestId: z.optional(z.int()), message: z.string(), field: z.optional(z.string()) }),
  /** The draft mirror reached workspaceState (it survives a reload from now on). */
  z.object({ type: z.literal('draftSaved') }),
  /** Replace the form's draft (e.g. filled from a GitHub issue). */
  z.object({ type: z.literal('fill'), draft: DraftSchema }),
] as const;

/**
 * What the form accepts: a plain union. Each option's literal `type` already tells them apart
 * (and `z.object` drops extra keys, so none accepts another's message); z.discriminatedUnion
 * would add ~1.7 KB to the form's bundle.
 */
export const HostMessageSchema = z.union(HOST_MESSAGES);

/**
 * The same messages as the host checks its own before sending: a discriminated union, whose
 * errors name the failing field of the message's own type. Host only (left out of the form's bundle).
 */
export const HostMessageCheckSchema = /* @__PURE__ */ (() => z.discriminatedUnion('type', [...HOST_MESSAGES]))();
export type HostMessage = z.infer<typeof HostMessageSchema>;

// Only the host parses these: marked pure so that the webview bundle leaves the schema out (see ticket.ts).
export const WebviewMessageSchema = /* @__PURE__ */ (() => z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('create'), requestId: z.int(), draft: TicketDraftSchema, run: z.boolean() }),
  /** The folder picked in a multi-root window: the host answers with that folder's defaults. */
  z.object({ type: z.literal('selectFolder'), folder: z.string().check(z.maxLength(4096)) }),
  z.object({ type: z.literal('openSettings'), query: z.string().check(z.maxLength(200)) }),
  z.object({ type: z.literal('draft'), draft: z.nullable(DraftSchema) }),
]))();
export type WebviewMessage = z.infer<typeof WebviewMessageSchema>;

/** Safe parse that returns a readable error instead of throwing. */
export function parseMessage<T>(schema: z.ZodMiniType<T>, data: unknown): { ok: true; value: T } | { ok: false; error: string } {
  const r = schema.safeParse(data);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: z.prettifyError(r.error) };
}
