/**
 * The ticket form's draft logic, without the DOM: a fresh draft from the host's defaults, merging
 * new host state into a draft, presets and reset, the per-stage hint, the cost totals and the
 * `create` message. No `document`, no `window`, no toolkit: unit-tested on Node. Functions that
 * change a draft return a new one and leave their argument as it was.
 */
import type { Draft, FormState, WebviewMessage } from '../src/protocol';
import type { StageId } from '../src/domain/stages';
import { formatUsd } from '../src/domain/format';

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
  }
  return { ...d, stages, preset: p.name };
}

/** Every model back to its default, nothing chosen, no preset. Which stages run stays as it was. */
export function resetModels(s: FormState, d: Draft): Draft {
  const stages = { ...d.stages };
  for (const st of s.stages) stages[st.id] = { ...stages[st.id], model: s.defaults[st.id].model, touched: false };
  return { ...d, stages, preset: undefined };
}

/** Estimated USD for the stage with its current model; undefined without an estimate for that model. */
export function stageEstimate(s: FormState, d: Draft, id: StageId): number | undefined {
  return s.estimates[id]?.usdByModel[d.stages[id].model];
}

/**
 * The line under a stage's picker: where its model comes from ("opus · User settings", or
 * "chosen on this ticket" when it differs from the default) and, for an enabled stage, the estimate.
 * `justPicked`: the user has just picked a model, which reads as chosen until the next render.
 */
export function stageHint(s: FormState, d: Draft, id: StageId, { justPicked = false } = {}): string {
  const c = d.stages[id];
  const def = s.defaults[id];
  const source = justPicked || (c.touched && c.model !== def.model) ? 'chosen on this ticket' : `${def.model} · ${def.sourceLabel}`;
  const usd = stageEstimate(s, d, id);
  return source + (usd !== undefined && (c.enabled || justPicked) ? ` · ~${formatUsd(usd)}` : '');
}

export interface Totals {
  /** How many stages will run. */
  stages: number;
  /** Estimated USD of the enabled stages with their chosen models. */
  usd: number;
  /** The same stages, all on opus. */
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
  const opusUsd = enabled.reduce((a, st) => a + (s.estimates[st.id]?.usdByModel.opus ?? 0), 0);
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
  const basis = t.basis === 'history' ? 'from this workspace’s past runs' : 'from built-in priors';
  return {
    estimate: `Estimated ${formatUsd(t.usd)}`,
    scope: ` for ${t.stages} stage${t.stages === 1 ? '' : 's'} (${basis})`,
    relative: `Relative cost ${t.relativePct}% of all-opus`,
    saving: t.saving > 0 ? ` · saves ~${formatUsd(t.saving)}` : '',
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
      return [st.id, { enabled: c.enabled, ...(c.touched ? { model: c.model } : {}) }];
    }),
  );
  return { type: 'create', requestId, run, draft: { title: d.title.trim(), description: d.description, type: d.type, folder: d.folder, stages, ...(d.issueUrl ? { issueUrl: d.issueUrl } : {}) } };
}
