/**
 * What the ticket form shows for a folder: stages, models (with the id each alias last ran as),
 * efforts, the defaults and where each came from, presets, estimates per stage, model and effort
 * learned from the runs, and the saved draft. Sent to the form as its `state` message.
 */
import * as vscode from 'vscode';
import type { Configuration } from './configuration';
import { PRICES_AS_OF } from './domain/cost';
import { EstimateIndex } from './domain/estimates';
import { builtinModel, pickerModels, relativeCost } from './domain/models';
import { resolveEffort, resolveSubagentModel, SOURCE_LABELS, stageDefaults } from './domain/settings';
import { EFFORT_LEVELS, STAGES, type Effort, type StageId } from './domain/stages';
import { TICKET_TYPES } from './domain/ticket';
import type { FormState } from './protocol';
import type { ExtensionState } from './state';
import type { TicketService } from './ticketService';

export function formState(folder: vscode.WorkspaceFolder | undefined, cfg: Configuration, saved: ExtensionState, tickets: TicketService): FormState {
  const defaults = stageDefaults(cfg.models);
  const learned = saved.modelIds();
  // Own-property lookup: a model named "constructor" must not find Object.prototype's.
  const ranAs = (id: string) => (Object.hasOwn(learned, id) ? learned[id] : undefined);
  const models = pickerModels(cfg.models.customModels).map((id) => {
    const b = builtinModel(id);
    const ran = ranAs(id);
    return { id, label: b?.label ?? id, relativeCost: relativeCost(id), description: b?.description ?? vscode.l10n.t('Custom model'), ...(ran && ran !== id ? { ranAs: ran } : {}) };
  });
  // Typical tokens per stage, model and effort; priced per model by the id each alias actually ran as.
  const index = new EstimateIndex(tickets.all().flatMap((t) => t.runs));
  const priced = (stage: StageId, effort?: Effort) =>
    Object.fromEntries(models.map((m) => [m.id, index.usd(stage, m.id, effort, cfg.run.prices, ranAs(m.id) ?? m.id).usd]));
  const estimates = Object.fromEntries(
    STAGES.map((s) => {
      const t = index.typical(s.id, defaults[s.id].model);
      return [s.id, { basis: t.basis, runs: t.runs, usdByModel: priced(s.id), usdByEffort: Object.fromEntries(EFFORT_LEVELS.map((e) => [e, priced(s.id, e)])) }];
    }),
  ) as FormState['estimates'];
  return {
    stages: STAGES.map((s) => ({ id: s.id, label: s.label, summary: s.summary })),
    models,
    efforts: [...EFFORT_LEVELS],
    defaults: Object.fromEntries(
      STAGES.map((st) => {
        const v = defaults[st.id];
        const effort = resolveEffort(st.id, cfg.run.defaultEfforts);
        const sub = resolveSubagentModel(st.id, cfg.run.defaultSubagentModels);
        return [st.id, {
          ...v,
          sourceLabel: SOURCE_LABELS[v.source],
          ...(effort.effort ? { effort: effort.effort as Effort } : {}),
          effortSource: effort.source,
          ...(sub.model ? { subagentModel: sub.model } : {}),
          subagentSource: sub.source,
        }];
      }),
    ) as FormState['defaults'],
    defaultStages: cfg.models.defaultStages,
    presets: cfg.models.presets.map((p) => ({ name: p.name, ...(p.label ? { label: p.label } : {}), models: p.models as Record<string, string>, ...(p.efforts ? { efforts: p.efforts } : {}) })) as FormState['presets'],
    folders: (vscode.workspace.workspaceFolders ?? []).map((f) => ({ uri: f.uri.toString(), name: f.name })),
    types: [...TICKET_TYPES],
    trusted: vscode.workspace.isTrusted,
    folder: folder?.uri.toString(),
    nextTicketId: tickets.store.peekNextId(),
    draft: saved.formDraft(),
    estimates,
    pricesAsOf: PRICES_AS_OF,
  };
}
