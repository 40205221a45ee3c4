/**
 * Every command the extension registers: its id and the schema of its argument. Callers name a
 * command through `COMMANDS`, never a string literal; a unit test checks the ids against
 * package.json. Pure: no `vscode` import.
 */
import * as z from 'zod/mini';
import { stageCommandId, STAGES, type StageId } from './domain/stages';
import { StageIdSchema } from './domain/ticket';
import './domain/zodLocale';
import * as l10n from './domain/l10n';
import { COMMANDS } from './commandNames';

export { COMMANDS };

export type CommandName = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandName];

/** "Run <Stage> Stage", one per stage, from the stage table (`sdlcPipeline.runPlanStage`, …). */
export const STAGE_COMMANDS = Object.fromEntries(STAGES.map((s) => [s.id, stageCommandId(s.id)])) as Readonly<Record<StageId, string>>;

/** Every id above: what package.json contributes, no more and no less. */
export const ALL_COMMAND_IDS: readonly string[] = [...Object.values(COMMANDS), ...Object.values(STAGE_COMMANDS)];

// Argument schemas. A command given no argument parses `{}`. Unknown keys are dropped: context
// menus pass the tree node ({ kind, ticketId, stage? }), view-title buttons the focused node.
const NoArgs = z.unknown();
const TicketArgs = z.object({ ticketId: z.optional(z.int().check(z.positive())) });
const StageArgs = z.extend(TicketArgs, { stage: z.optional(StageIdSchema) });
const Model = z.string().check(z.minLength(1), z.maxLength(200));
const RunArgs = z.extend(TicketArgs, { model: z.optional(Model), mode: z.optional(z.enum(['headless', 'interactive'])) });
/** A file to write or read: a `file:` URI only, so a `command:` link cannot reach another scheme. */
const FileArgs = z.object({ uri: z.optional(z.string().check(z.regex(/^file:\/\//, { error: () => l10n.t('expected a file: URI (file://…)') }))) });

export const COMMAND_ARGS = {
  newTicket: NoArgs,
  runStage: z.extend(RunArgs, { stage: z.optional(StageIdSchema) }),
  runPipeline: z.extend(TicketArgs, { resume: z.optional(z.boolean()), models: z.optional(z.partialRecord(StageIdSchema, z.string())), skip: z.optional(z.array(StageIdSchema)) }),
  stopStage: StageArgs,
  /** `model: null` goes back to the default. */
  changeStageModel: z.extend(StageArgs, { model: z.optional(z.nullable(Model)) }),
  pickModel: z.extend(StageArgs, { exclude: z.optional(z.string()) }),
  resumeSession: StageArgs,
  showRunningTerminal: StageArgs,
  refreshTickets: NoArgs,
  showMoreTickets: NoArgs,
  filterTickets: z.object({ filter: z.optional(z.enum(['all', 'active', 'archived'])) }),
  editTicket: z.extend(TicketArgs, { title: z.optional(z.string()), description: z.optional(z.string()) }),
  duplicateTicket: TicketArgs,
  archiveTicket: TicketArgs,
  unarchiveTicket: TicketArgs,
  deleteTicket: z.extend(TicketArgs, { confirm: z.optional(z.boolean()) }),
  openTicketFile: TicketArgs,
  openPlanFile: TicketArgs,
  exportTickets: FileArgs,
  importTickets: FileArgs,
  showCostReport: NoArgs,
  exportCostCsv: FileArgs,
  findClaude: NoArgs,
  getStarted: NoArgs,
  openWorktree: TicketArgs,
  revealInSourceControl: TicketArgs,
  reviewChanges: TicketArgs,
  approveTicket: TicketArgs,
  requestChanges: z.extend(TicketArgs, { note: z.optional(z.string().check(z.minLength(1), z.maxLength(20_000))) }),
  /**
   * `confirm`: merge without asking first (the question is the caller's). `approveUnreviewed`:
   * the tree a refused merge named (`MergeOutcome.tree`): what changed after Approve is approved too.
   */
  mergeTicket: z.extend(TicketArgs, { confirm: z.optional(z.boolean()), approveUnreviewed: z.optional(z.string().check(z.regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/))) }),
  updateFromBase: TicketArgs,
  /**
   * `confirm`: remove without asking when nothing would be lost. Unmerged commits, uncommitted
   * or ignored files are only thrown away when `discard` names exactly how many of each go
   * (`ignored` counts as 0 when left out); otherwise the modal lists them first.
   */
  removeWorktree: z.extend(TicketArgs, { confirm: z.optional(z.boolean()), discard: z.optional(z.object({ commits: z.int(), uncommitted: z.int(), ignored: z.optional(z.int()) })) }),
  /**
   * `ticketIds`: remove the stale worktrees of these tickets without the quick pick (`[]`: only
   * list them); any that would lose work still asks, naming what.
   */
  cleanUpWorktrees: z.object({ ticketIds: z.optional(z.array(z.int().check(z.positive())).check(z.maxLength(1000))) }),
  /** `issue`: a URL, `owner/repo#N` or a number; `create`: with the default models, without the form; `again`: even if already imported. */
  newTicketFromIssue: z.object({ folder: z.optional(z.string()), remote: z.optional(z.string().check(z.maxLength(200))), issue: z.optional(z.string().check(z.maxLength(500))), create: z.optional(z.boolean()), again: z.optional(z.boolean()) }),
  openIssue: TicketArgs,
  /**
   * `commit`: the files left uncommitted in the ticket's worktree that the caller has shown and
   * agreed to commit first; committed without the question only when they are exactly what is
   * there (otherwise the modal lists them).
   */
  createPullRequest: z.extend(TicketArgs, { commit: z.optional(z.array(z.string().check(z.maxLength(4096))).check(z.maxLength(10_000))) }),
  openPullRequest: TicketArgs,
} as const satisfies Record<CommandName, z.ZodMiniType>;

/** The argument of each "Run <Stage> Stage" command (the stage is the command's own). */
export const STAGE_COMMAND_ARGS = RunArgs;

export type CommandArgs<N extends CommandName> = z.output<(typeof COMMAND_ARGS)[N]>;
