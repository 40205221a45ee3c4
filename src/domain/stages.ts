/**
 * The one table of pipeline stages: order, names and labels, built-in default models and icons (their
 * default prompt templates are `STAGE_PROMPTS` in prompt.ts, keyed by this table's ids). A stage's
 * `label` and `summary` are getters, read in the current language each time; its `name` is the
 * English label, for what must not change with the language. Pure: no `vscode` import.
 */
import * as l10n from './l10n';
import type { BuiltinModelId } from './models';

/** The CLI's `--effort` levels, lowest first. A stage's effort is a cost/quality choice like its model. */
export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export type Effort = (typeof EFFORT_LEVELS)[number];

export interface StageInfo {
  readonly id: string;
  /** The English label: command ids, the prompts and what is shared with the team (GitHub comments, pull requests). */
  readonly name: string;
  /** The label people see, in the current language. */
  readonly label: string;
  readonly defaultModel: BuiltinModelId;
  /** Built-in model for the stage's sub-agents (the `Agent` tool); absent: the stage's own model. */
  readonly defaultSubagentModel?: BuiltinModelId;
  /** Codicon id used by the tree and terminals. */
  readonly icon: string;
  /** What the stage does, in the current language. */
  readonly summary: string;
}

export const STAGES = [
  {
    id: 'clarify',
    name: 'Clarify',
    get label() { return l10n.t('Clarify'); },
    defaultModel: 'haiku',
    icon: 'question',
    get summary() { return l10n.t('List open questions about the ticket'); },
  },
  {
    id: 'plan',
    name: 'Plan',
    get label() { return l10n.t('Plan'); },
    defaultModel: 'opus',
    // "In the plan, all those smaller sub phases can use haiku."
    defaultSubagentModel: 'haiku',
    icon: 'list-ordered',
    get summary() { return l10n.t('Write an implementation plan'); },
  },
  {
    id: 'build',
    name: 'Build',
    get label() { return l10n.t('Build'); },
    defaultModel: 'opus',
    icon: 'tools',
    get summary() { return l10n.t('Implement the plan'); },
  },
  {
    id: 'test',
    name: 'Test',
    get label() { return l10n.t('Test'); },
    defaultModel: 'sonnet',
    icon: 'beaker',
    get summary() { return l10n.t('Run and fix the tests'); },
  },
  {
    id: 'review',
    name: 'Review',
    get label() { return l10n.t('Review'); },
    defaultModel: 'sonnet',
    icon: 'checklist',
    get summary() { return l10n.t('Review the change against plan and ticket'); },
  },
  {
    id: 'document',
    name: 'Document',
    get label() { return l10n.t('Document'); },
    defaultModel: 'sonnet',
    icon: 'book',
    get summary() { return l10n.t('Update the documentation'); },
  },
  {
    id: 'merge',
    name: 'Merge',
    get label() { return l10n.t('Merge'); },
    defaultModel: 'haiku',
    icon: 'git-merge',
    get summary() { return l10n.t('Prepare a commit (no push)'); },
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

/** "runPlanStage" style command suffix for a stage (from its English name: a command id never changes with the language). */
export function stageCommandId(id: StageId): string {
  return `sdlcPipeline.run${stageInfo(id).name}Stage`;
}
