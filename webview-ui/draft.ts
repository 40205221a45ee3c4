/**
 * The ticket form's draft logic, without the DOM: a fresh draft from the host's defaults, merging
 * new host state into a draft, presets and reset, the per-stage hint, the cost totals and the
 * `create` message. No `document`, no `window`, no toolkit: unit-tested on Node. Functions that
 * change a draft return a new one and leave their argument as it was. Texts are in the current
 * language (src/domain/l10n.ts), read each time they are built.
 */
import type { Draft, FormState, WebviewMessage } from '../src/protocol';
import type { Effort, StageId } from '../src/domain/stages';
import { formatUsd } from '../src/domain/format';
import * as l10n from '../src/domain/l10n';

type StageDraft = Draft['stages'][StageId];
export type CreateMessage = Extract<WebviewMessage, { type: 'create' }>;

/** A stage as the host's defaults have it: on if it runs by default, the default model, untouched. */
function defaultStage(s: FormState, id: StageId): StageDraft {
  return { enabled: s.defaultStages.includes(id), model: s.defaults[id].model, touched: false };
}

/** An empty ticket with every stage as the defaults have it, in the first workspace folder. */
export function freshDraft(s: FormState): Draft {
  return {
    title: '',
    description: '',
    type: 'feature',
    folder: s.folders[0]?.uri,
    stages: Object.fromEntries(s.stages.map((st) => [st.id, defaultStage(s, st.id)])) as Draft['stages'],
  };
}

/**
 * Merge new host state into the draft: untouched pickers follow the (new) defaults, a chosen model
 * that is no longer offered goes back to the default, missing stages are added, and a folder that
 * is gone falls back to the first one. No draft yet: a fresh one.
 */
export function reconcile(s: FormState, d: Draft | undefined): Draft {
  if (!d) return freshDraft(s);
  const offered = new Set(s.models.map((m) => m.id));
  const stages = { ...d.stages };
  for (const st of s.stages) {
    const cur = stages[st.id] as StageDraft | undefined;
    if (!cur) stages[st.id] = defaultStage(s, st.id);
    else if (!cur.touched || !offered.has(cur.model)) stages[st.id] = { ...cur, model: s.defaults[st.id].model, touched: false };
    const now = stages[st.id];
    // A chosen sub-agent model that is no longer offered goes back to the default too.
    if (now.subagentModel !== undefined && !offered.has(now.subagentModel)) {
      const { subagentModel: _gone, ...rest } = now;
      stages[st.id] = rest;
    }
  }
  const next: Draft = { ...d, stages };
  if (s.folders.length && !s.folders.some((f) => f.uri === d.folder)) next.folder = s.folders[0].uri;
  return next;
}

/** The preset's models on every stage it names (those count as chosen); undefined for an unknown preset. */
export function applyPreset(s: FormState, d: Draft, name: string): Draft | undefined {
  const p = s.presets.find((x) => x.name === name);
  if (!p) return undefined;
  const stages = { ...d.stages };
  for (const st of s.stages) {
    const m = p.models[st.id];
    if (m) stages[st.id] = { ...stages[st.id], model: m, touched: true };
    const e = p.efforts?.[st.id];
    if (e) stages[st.id] = { ...stages[st.id], effort: e };
  }
  return { ...d, stages, preset: p.name };
}

/** Every model, effort and sub-agent model back to its default, nothing chosen, no preset. Which stages run stays as it was. */
export function resetModels(s: FormState, d: Draft): Draft {
  const stages = { ...d.stages };
  for (const st of s.stages) stages[st.id] = { enabled: stages[st.id].enabled, model: s.defaults[st.id].model, touched: false };
  return { ...d, stages, preset: undefined };
}

/** The stage's effort: chosen on this ticket, else the configured one; undefined: the CLI's default. */
export function stageEffort(s: FormState, d: Draft, id: StageId): Effort | undefined {
  return d.stages[id].effort ?? s.defaults[id].effort;
}

/** The model the stage's sub-agents run on: chosen on this ticket, else configured, else the stage's own model. */
export function stageSubagentModel(s: FormState, d: Draft, id: StageId): string {
  return d.stages[id].subagentModel ?? s.defaults[id].subagentModel ?? d.stages[id].model;
}

/** The sub-agent picker shows for every stage when asked, else only where sub-agents run on another model. */
export function showsSubagentPicker(s: FormState, d: Draft, id: StageId): boolean {
  return !!d.showSubagents || stageSubagentModel(s, d, id) !== d.stages[id].model;
}

/** Estimated USD for the stage with its current model and effort; undefined without an estimate for that model. */
export function stageEstimate(s: FormState, d: Draft, id: StageId, model = d.stages[id].model): number | undefined {
  const e = s.estimates[id];
  if (!e) return undefined;
  const effort = stageEffort(s, d, id);
  return (effort ? e.usdByEffort[effort] : e.usdByModel)?.[model];
}

/**
 * Where a stage's model comes from ("opus · user settings", or "chosen on this ticket" when it
 * differs from the default), its effort and sub-agents when set, and for an enabled stage the
 * estimate: the row's tooltip and screen-reader description.
 * `justPicked`: the user has just picked a model, which reads as chosen until the next render.
 */
export function stageHint(s: FormState, d: Draft, id: StageId, { justPicked = false } = {}): string {
  const c = d.stages[id];
  const def = s.defaults[id];
  const parts = [justPicked || (c.touched && c.model !== def.model) ? l10n.t('chosen on this ticket') : `${def.model} · ${def.sourceLabel}`];
  const ran = s.models.find((m) => m.id === c.model)?.ranAs;
  if (ran) parts.push(l10n.t('ran as {0}', ran));
  const effort = stageEffort(s, d, id);
  // "(settings)": the effort is the configured one, not chosen on this ticket.
  parts.push(!effort ? l10n.t('CLI default effort') : !c.effort && def.effortSource === 'settings' ? l10n.t('effort {0} (settings)', effort) : l10n.t('effort {0}', effort));
  const sub = stageSubagentModel(s, d, id);
  if (sub !== c.model) parts.push(l10n.t('sub-agents {0}', sub));
  const usd = stageEstimate(s, d, id);
  if (usd !== undefined && (c.enabled || justPicked)) parts.push(`~${formatUsd(usd)}`);
  return parts.join(' · ');
}

/**
 * One line under the stages saying where the models come from, so the compact rows still tell
 * which rule applied: "Models: built-in defaults", or e.g. "From user settings: plan, build · Chosen here: review".
 */
export function sourcesLine(s: FormState, d: Draft): string {
  const groups = new Map<string, string[]>();
  for (const st of s.stages) {
    const c = d.stages[st.id];
    const def = s.defaults[st.id];
    const label = c.touched && c.model !== def.model ? l10n.t('Chosen here') : def.source === 'default' ? undefined : l10n.t('From {0}', def.sourceLabel);
    if (label) groups.set(label, [...(groups.get(label) ?? []), st.id]);
  }
  if (!groups.size) return l10n.t('Models: built-in defaults');
  return [...groups].map(([label, ids]) => `${label}: ${ids.join(', ')}`).join(' · ');
}

export interface Totals {
  /** How many stages will run. */
  stages: number;
  /** Estimated USD of the enabled stages with their chosen models. */
  usd: number;
  /** The same stages at the same efforts, all on opus. */
  opusUsd: number;
  /** Sum of the chosen models' relative costs as a % of all-opus (0 with no stage); unknown models count as 5×. */
  relativePct: number;
  /** opusUsd − usd when positive, else 0. */
  saving: number;
  /** 'history' when any enabled stage's estimate comes from this workspace's past runs. */
  basis: 'history' | 'priors';
}

export function totals(s: FormState, d: Draft): Totals {
  const enabled = s.stages.filter((st) => d.stages[st.id].enabled);
  const rel = (id: string) => s.models.find((m) => m.id === id)?.relativeCost ?? 5;
  const usd = enabled.reduce((a, st) => a + (stageEstimate(s, d, st.id) ?? 0), 0);
  // The same stages at the same efforts, all on opus.
  const opusUsd = enabled.reduce((a, st) => a + (stageEstimate(s, d, st.id, 'opus') ?? 0), 0);
  const relSum = enabled.reduce((a, st) => a + rel(d.stages[st.id].model), 0);
  return {
    stages: enabled.length,
    usd,
    opusUsd,
    relativePct: enabled.length ? Math.round((100 * relSum) / (rel('opus') * enabled.length)) : 0,
    saving: opusUsd > usd ? opusUsd - usd : 0,
    basis: enabled.some((st) => s.estimates[st.id]?.basis === 'history') ? 'history' : 'priors',
  };
}

/** The totals as the form shows them: "Estimated $x" (bold), the scope, "Relative cost n% of all-opus", the saving ('' without one). */
export function totalsText(t: Totals): { estimate: string; scope: string; relative: string; saving: string } {
  const history = t.basis === 'history';
  const scope =
    t.stages === 1
      ? (history ? l10n.t('for 1 stage (from this workspace’s past runs)') : l10n.t('for 1 stage (from built-in priors)'))
      : (history ? l10n.t('for {0} stages (from this workspace’s past runs)', t.stages) : l10n.t('for {0} stages (from built-in priors)', t.stages));
  return {
    estimate: l10n.t('Estimated {0}', formatUsd(t.usd)),
    scope: ` ${scope}`,
    relative: l10n.t('Relative cost {0}% of all-opus', t.relativePct),
    saving: t.saving > 0 ? ` · ${l10n.t('saves ~{0}', formatUsd(t.saving))}` : '',
  };
}

/** The title is required (blank after trimming counts as missing). */
export function titleMissing(d: Draft): boolean {
  return !d.title.trim();
}

/** The `create` request: the trimmed title, and a model only for stages where one was chosen (the rest follow the defaults when they run). */
export function createMessage(s: FormState, d: Draft, requestId: number, run: boolean): CreateMessage {
  const stages = Object.fromEntries(
    s.stages.map((st) => {
      const c = d.stages[st.id];
      return [st.id, { enabled: c.enabled, ...(c.touched ? { model: c.model } : {}), ...(c.effort ? { effort: c.effort } : {}), ...(c.subagentModel ? { subagentModel: c.subagentModel } : {}) }];
    }),
  );
  return { type: 'create', requestId, run, draft: { title: d.title.trim(), description: d.description, type: d.type, folder: d.folder, stages, ...(d.issueUrl ? { issueUrl: d.issueUrl } : {}) } };
}
