/**
 * The quick picks that commands and the pipeline ask with: a ticket, a stage, a model, a running
 * stage, resume or start over, a tree filter. Each takes what it reads as arguments (no globals)
 * and resolves to undefined when dismissed.
 */
import * as vscode from 'vscode';
import type { ConfigurationService } from './configuration';
import { checkModel, pickerModels, relativeCost } from './domain/models';
import { resolveStageModel, SOURCE_LABELS, type ResolvedModel } from './domain/settings';
import { stageInfo, STAGES, type StageId } from './domain/stages';
import { enabledStages, lastRun, runStatusLabel, ticketTypeLabel, type Ticket } from './domain/ticket';
import { notify } from './notify';
import type { TicketService } from './ticketService';
import type { TreeFilter } from './ticketsTree';

/** The model a ticket's stage runs with, and which setting chose it. */
export function stageModel(config: ConfigurationService, t: Ticket, stage: StageId): ResolvedModel {
  return resolveStageModel(stage, config.forTicket(t).models, t.stages[stage]?.model);
}

/** One of the active tickets. With none, offers "New Ticket", which calls `newTicket`. */
export async function pickTicket(tickets: TicketService, placeHolder: string, newTicket: () => void): Promise<Ticket | undefined> {
  const all = tickets.all().filter((t) => !t.archived);
  if (!all.length) {
    const c = await notify.info(vscode.l10n.t('there are no tickets yet.'), vscode.l10n.t('New Ticket'));
    if (c) newTicket();
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    all.map((t) => ({ label: `#${t.id} ${t.title}`, description: ticketTypeLabel(t.type), detail: enabledStages(t).map((st) => stageInfo(st).label).join(' → '), ticket: t })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return pick?.ticket;
}

/** One of the ticket's selected stages (`all`: any stage), each with its model and last run. */
export async function pickStage(config: ConfigurationService, t: Ticket, placeHolder: string, all = false): Promise<StageId | undefined> {
  const ids = all ? STAGES.map((x) => x.id) : enabledStages(t);
  const pick = await vscode.window.showQuickPick(
    ids.map((id) => {
      const m = stageModel(config, t, id);
      const r = lastRun(t, id);
      return { label: stageInfo(id).label, description: `${m.model} · ${SOURCE_LABELS[m.source]}`, detail: r ? vscode.l10n.t('last run: {0}', runStatusLabel(r.status)) : stageInfo(id).summary, stage: id };
    }),
    { placeHolder },
  );
  return pick?.stage;
}

export interface ModelPickOptions {
  /** Left out of the list (the model that just failed). */
  exclude?: string;
  /** Offer "Use the default", which resolves to null. */
  withDefault?: boolean;
  placeHolder?: string;
}

/**
 * A model for a stage: the known models with their relative cost, "Use the default" (→ null) when
 * asked for, and "Other model id…", an input box validated by `checkModel`.
 */
export async function pickModel(config: ConfigurationService, t: Ticket | undefined, stage: StageId, current: string, opts: ModelPickOptions = {}): Promise<string | null | undefined> {
  const cfg = config.forTicket(t).models;
  type Item = vscode.QuickPickItem & { model?: string | null; other?: boolean };
  const items: Item[] = [];
  if (opts.withDefault) {
    const d = resolveStageModel(stage, cfg);
    items.push({ label: vscode.l10n.t('$(discard) Use the default ({0} · {1})', d.model, SOURCE_LABELS[d.source]), model: null });
  }
  for (const m of pickerModels(cfg.customModels)) {
    if (m === opts.exclude) continue;
    items.push({ label: m, description: m === current ? vscode.l10n.t('{0}× cost · current', relativeCost(m)) : vscode.l10n.t('{0}× cost', relativeCost(m)), model: m });
  }
  items.push({ label: vscode.l10n.t('$(edit) Other model id…'), other: true });
  const qp = vscode.window.createQuickPick<Item>();
  qp.items = items;
  qp.placeholder = opts.placeHolder ?? vscode.l10n.t('Model for {0}', stageInfo(stage).label);
  const active = items.find((i) => i.model === current);
  if (active) qp.activeItems = [active];
  const chosen = await new Promise<Item | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0] ?? qp.activeItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!chosen) return undefined;
  if (!chosen.other) return chosen.model;
  const typed = await vscode.window.showInputBox({
    prompt: vscode.l10n.t('Model for {0}: an alias, a configured custom model, or a full model id', stageInfo(stage).label),
    value: current,
    validateInput: (v) => {
      const c = checkModel(v, cfg.customModels);
      return c.ok ? undefined : c.message;
    },
  });
  return typed?.trim() || undefined;
}

/** What the pipeline's "Retry with Another Model…" asks: any model but the one that failed. */
export type RetryModelPicker = (ticket: Ticket, stage: StageId, exclude: string) => Promise<string | undefined>;

export function retryModelPicker(config: ConfigurationService): RetryModelPicker {
  return async (t, stage, exclude) => (await pickModel(config, t, stage, stageModel(config, t, stage).model, { exclude })) ?? undefined;
}

/** One of the running stages; the only one without asking. */
export async function pickRunning<R extends { ticketId: number; stage: StageId; model: string }>(running: readonly R[]): Promise<R | undefined> {
  if (running.length === 1) return running[0];
  const pick = await vscode.window.showQuickPick(
    running.map((r) => ({ label: `#${r.ticketId} ${stageInfo(r.stage).label}`, description: r.model, r })),
    { placeHolder: vscode.l10n.t('Stop which stage?') },
  );
  return pick?.r;
}

/**
 * Whether to resume a pipeline from its first unfinished stage. Asked only when some stages
 * succeeded and some did not; otherwise false (start from the first stage).
 */
export async function pickResume(t: Ticket): Promise<boolean | undefined> {
  const done = enabledStages(t).filter((st) => lastRun(t, st)?.status === 'succeeded');
  const unfinished = enabledStages(t).filter((st) => lastRun(t, st)?.status !== 'succeeded');
  if (!done.length || !unfinished.length) return false;
  const c = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Resume from {0}', stageInfo(unfinished[0]).label), resume: true },
      { label: vscode.l10n.t('Start over from the first stage'), resume: false },
    ],
    { placeHolder: vscode.l10n.t('Ticket #{0}: {1} stage(s) already succeeded', t.id, done.length) },
  );
  return c?.resume;
}

/** Which tickets the tree shows. */
export async function pickFilter(current: TreeFilter): Promise<TreeFilter | undefined> {
  const labels: Record<TreeFilter, string> = { all: vscode.l10n.t('All'), active: vscode.l10n.t('Active'), archived: vscode.l10n.t('Archived') };
  const pick = await vscode.window.showQuickPick(
    (['all', 'active', 'archived'] as const).map((x) => ({ label: labels[x], picked: current === x, f: x, description: current === x ? vscode.l10n.t('current') : undefined })),
    { placeHolder: vscode.l10n.t('Show which tickets?') },
  );
  return pick?.f;
}
