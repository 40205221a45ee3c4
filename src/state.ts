/**
 * Every value the extension keeps in workspaceState or globalState, besides the ticket store:
 * one typed getter and setter per key, each read parsed with zod (a bad stored value reads as
 * the documented default, never throws). Keys come from STORAGE_KEYS (domain/store).
 */
import type * as vscode from 'vscode';
import * as z from 'zod/mini';
import { readModelIds, STORAGE_KEYS } from './domain/store';
import { DraftSchema, type Draft } from './protocol';

export const TREE_FILTERS = ['all', 'active', 'archived'] as const;
export type TreeFilter = (typeof TREE_FILTERS)[number];

const TreeFilterSchema = z.enum(TREE_FILTERS);
const DecisionSchema = z.object({ fingerprint: z.string(), decision: z.enum(['load', 'ignore']) });
export type ProjectSettingsDecision = z.infer<typeof DecisionSchema>;
/** Answers kept per content fingerprint, newest last (an older store kept one; either reads). */
const DecisionsSchema = z.union([z.array(DecisionSchema), DecisionSchema]);
const MAX_DECISIONS = 32;

export class ExtensionState {
  constructor(
    private readonly workspace: vscode.Memento,
    private readonly global: vscode.Memento,
  ) {}

  /** Alias → model id the CLI actually ran (learned from runs; estimates price by it). */
  modelIds(): Record<string, string> {
    return readModelIds(this.workspace.get(STORAGE_KEYS.modelIds));
  }
  async learnModelId(alias: string, id: string): Promise<void> {
    await this.workspace.update(STORAGE_KEYS.modelIds, { ...this.modelIds(), [alias]: id });
  }

  /** The form's draft mirror (survives a window reload). */
  formDraft(): Draft | undefined {
    const p = DraftSchema.safeParse(this.workspace.get(STORAGE_KEYS.formDraft));
    return p.success ? p.data : undefined;
  }
  async setFormDraft(draft: Draft | undefined): Promise<void> {
    await this.workspace.update(STORAGE_KEYS.formDraft, draft);
  }

  treeFilter(): TreeFilter {
    const p = TreeFilterSchema.safeParse(this.workspace.get(STORAGE_KEYS.treeFilter));
    return p.success ? p.data : 'all';
  }
  async setTreeFilter(filter: TreeFilter): Promise<void> {
    await this.workspace.update(STORAGE_KEYS.treeFilter, filter);
  }

  /** Use or ignore a repository's .claude settings of this content fingerprint (undefined: not asked yet). */
  projectSettingsDecision(fingerprint: string): ProjectSettingsDecision['decision'] | undefined {
    return this.projectSettingsDecisions().find((d) => d.fingerprint === fingerprint)?.decision;
  }
  async setProjectSettingsDecision(fingerprint: string, decision: ProjectSettingsDecision['decision']): Promise<void> {
    const kept = this.projectSettingsDecisions().filter((d) => d.fingerprint !== fingerprint);
    await this.workspace.update(STORAGE_KEYS.projectSettingsDecision, [...kept, { fingerprint, decision }].slice(-MAX_DECISIONS));
  }
  private projectSettingsDecisions(): ProjectSettingsDecision[] {
    const p = DecisionsSchema.safeParse(this.workspace.get(STORAGE_KEYS.projectSettingsDecision));
    return !p.success ? [] : Array.isArray(p.data) ? p.data : [p.data];
  }

  /** The user confirmed running stages with bypassPermissions (all workspaces). */
  bypassConfirmed(): boolean {
    return this.global.get(STORAGE_KEYS.bypassConfirmed) === true;
  }
  async confirmBypass(): Promise<void> {
    await this.global.update(STORAGE_KEYS.bypassConfirmed, true);
  }
}
