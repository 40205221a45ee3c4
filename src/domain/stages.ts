/**
 * The one table of pipeline stages: order, labels, built-in default models and icons (their
 * default prompt templates are `STAGE_PROMPTS` in prompt.ts, keyed by this table's ids). Pure: no `vscode` import.
 */
import type { BuiltinModelId } from './models';

/** The CLI's `--effort` levels, lowest first. A stage's effort is a cost/quality choice like its model. */
export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export type Effort = (typeof EFFORT_LEVELS)[number];

export interface StageInfo {
  readonly id: string;
  readonly label: string;
  readonly defaultModel: BuiltinModelId;
  /** Built-in model for the stage's sub-agents (the `Agent` tool); absent: the stage's own model. */
  readonly defaultSubagentModel?: BuiltinModelId;
  /** Codicon id used by the tree and terminals. */
  readonly icon: string;
  readonly summary: string;
}

export const STAGES = [
  {
    id: 'clarify',
    label: 'Clarify',
    defaultModel: 'haiku',
    icon: 'question',
    summary: 'List open questions about the ticket',
  },
  {
    id: 'plan',
    label: 'Plan',
    defaultModel: 'opus',
    // "In the plan, all those smaller sub phases can use haiku."
    defaultSubagentModel: 'haiku',
    icon: 'list-ordered',
    summary: 'Write an implementation plan',
  },
  {
    id: 'build',
    label: 'Build',
    defaultModel: 'opus',
    icon: 'tools',
    summary: 'Implement the plan',
  },
  {
    id: 'test',
    label: 'Test',
    defaultModel: 'sonnet',
    icon: 'beaker',
    summary: 'Run and fix the tests',
  },
  {
    id: 'review',
    label: 'Review',
    defaultModel: 'sonnet',
    icon: 'checklist',
    summary: 'Review the change against plan and ticket',
  },
  {
    id: 'document',
    label: 'Document',
    defaultModel: 'sonnet',
    icon: 'book',
    summary: 'Update the documentation',
  },
  {
    id: 'merge',
    label: 'Merge',
    defaultModel: 'haiku',
    icon: 'git-merge',
    summary: 'Prepare a commit (no push)',
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
