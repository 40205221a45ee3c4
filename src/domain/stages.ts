/**
 * The one table of pipeline stages: order, labels, built-in default models, icons and
 * default prompt templates. Pure: no `vscode` import.
 */
import type { BuiltinModelId } from './models';

export interface StageInfo {
  readonly id: string;
  readonly label: string;
  readonly defaultModel: BuiltinModelId;
  /** Built-in model for the stage's sub-agents (the `Agent` tool); absent: the stage's own model. */
  readonly defaultSubagentModel?: BuiltinModelId;
  /** Codicon id used by the tree and terminals. */
  readonly icon: string;
  readonly summary: string;
  /** Default prompt template; placeholders are documented in `prompt.ts`. */
  readonly prompt: string;
}

export const STAGES = [
  {
    id: 'clarify',
    label: 'Clarify',
    defaultModel: 'haiku',
    icon: 'question',
    summary: 'List open questions about the ticket',
    prompt:
      'You are the Clarify stage of ticket #${ticketId}. Read the ticket in ${ticketFile}. Write the open questions, ambiguities and assumptions a developer would need answered to ${questionsFile}. Do not change any code.',
  },
  {
    id: 'plan',
    label: 'Plan',
    defaultModel: 'opus',
    // "In the plan, all those smaller sub phases can use haiku."
    defaultSubagentModel: 'haiku',
    icon: 'list-ordered',
    summary: 'Write an implementation plan',
    prompt:
      'You are the Plan stage of ticket #${ticketId}. Read the ticket in ${ticketFile} (and ${questionsFile} if it exists). Study the code in ${workspaceFolder} and write a step-by-step implementation plan to ${planFile}. Do not change any code.',
  },
  {
    id: 'build',
    label: 'Build',
    defaultModel: 'opus',
    icon: 'tools',
    summary: 'Implement the plan',
    prompt:
      'You are the Build stage of ticket #${ticketId}. Read the ticket in ${ticketFile} and implement the plan in ${planFile}. Keep changes focused on the ticket.',
  },
  {
    id: 'test',
    label: 'Test',
    defaultModel: 'sonnet',
    icon: 'beaker',
    summary: 'Run and fix the tests',
    prompt:
      'You are the Test stage of ticket #${ticketId}. Read the ticket in ${ticketFile} and the plan in ${planFile}. Add or update tests for the change, run the test suite and fix failures.',
  },
  {
    id: 'review',
    label: 'Review',
    defaultModel: 'sonnet',
    icon: 'checklist',
    summary: 'Review the change against plan and ticket',
    prompt:
      'You are the Review stage of ticket #${ticketId}. Review the uncommitted change against the ticket in ${ticketFile} and the plan in ${planFile}. Write findings to ${reviewFile} and fix clear defects.',
  },
  {
    id: 'document',
    label: 'Document',
    defaultModel: 'sonnet',
    icon: 'book',
    summary: 'Update the documentation',
    prompt:
      'You are the Document stage of ticket #${ticketId}. Update README, CHANGELOG and code comments for the change described in ${ticketFile} and ${planFile}.',
  },
  {
    id: 'merge',
    label: 'Merge',
    defaultModel: 'haiku',
    icon: 'git-merge',
    summary: 'Prepare a commit (no push)',
    prompt:
      'You are the Merge stage of ticket #${ticketId}. Stage the change and prepare a commit with a clear message that references ticket #${ticketId} (see ${ticketFile}). Do not push.',
  },
] as const satisfies readonly StageInfo[];

export type StageId = (typeof STAGES)[number]['id'];
export const STAGE_IDS = STAGES.map((s) => s.id) as unknown as readonly [StageId, ...StageId[]];

export function stageInfo(id: StageId): StageInfo {
  const s = STAGES.find((x) => x.id === id);
  if (!s) throw new Error(`Unknown stage ${id}`);
  return s;
}

export function isStageId(value: unknown): value is StageId {
  return typeof value === 'string' && (STAGE_IDS as readonly string[]).includes(value);
}

/** Built-in default model per stage, derived from the table (never a second copy). */
export function builtinDefaults(): Record<StageId, BuiltinModelId> {
  return Object.fromEntries(STAGES.map((s) => [s.id, s.defaultModel])) as Record<StageId, BuiltinModelId>;
}

/** "runPlanStage" style command suffix for a stage. */
export function stageCommandId(id: StageId): string {
  return `sdlcPipeline.run${stageInfo(id).label}Stage`;
}
