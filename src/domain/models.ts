/**
 * The one table of models. Every picker, setting schema, price and validation rule reads it.
 * A model's `description` is a getter, read in the current language each time (its label is a
 * name). Pure: no `vscode` import.
 */
import { distance } from 'fastest-levenshtein';
import * as l10n from './l10n';

export type ModelFamily = 'opus' | 'sonnet' | 'haiku' | 'fable' | 'unknown';

export interface BuiltinModel {
  readonly id: string;
  readonly label: string;
  readonly family: ModelFamily;
  /** Relative cost, haiku = 1 (from list prices: input and output scale alike). */
  readonly relativeCost: number;
  /** In the current language. */
  readonly description: string;
}

export const BUILTIN_MODELS = [
  { id: 'opus', label: 'Opus', family: 'opus', relativeCost: 5, get description() { return l10n.t('Most capable, highest cost'); } },
  { id: 'sonnet', label: 'Sonnet', family: 'sonnet', relativeCost: 3, get description() { return l10n.t('Balanced capability and cost'); } },
  { id: 'haiku', label: 'Haiku', family: 'haiku', relativeCost: 1, get description() { return l10n.t('Fastest, lowest cost'); } },
  // The tier above Opus (CLI 2.1.197 runs it as claude-fable-5 at $10/$50 per MTok).
  { id: 'fable', label: 'Fable', family: 'fable', relativeCost: 10, get description() { return l10n.t('Above Opus: the hardest work, highest cost'); } },
] as const satisfies readonly BuiltinModel[];

export type BuiltinModelId = (typeof BUILTIN_MODELS)[number]['id'];
export const BUILTIN_MODEL_IDS = BUILTIN_MODELS.map((m) => m.id) as readonly BuiltinModelId[];

/** Aliases the Claude Code CLI itself understands (besides the built-in three). */
export const CLI_ALIASES = [
  'opus',
  'sonnet',
  'haiku',
  'fable',
  'best',
  'opusplan',
  'default',
  'sonnet[1m]',
  'opus[1m]',
  'fable[1m]',
] as const;

/** The shape of a full model id: Anthropic API, Bedrock (incl. inference profiles/ARNs), Vertex. */
const MODEL_ID_SHAPE =
  /^(?:arn:aws[\w-]*:bedrock:[\w-]+:\d*:[\w-]+\/[\w.:/-]+|(?:[a-z]{2,7}\.)?anthropic\.claude-[a-z0-9][a-z0-9.-]*(?::\d+)?|claude-[a-z0-9][a-z0-9.-]*(?:@\d{8})?)(?:\[1m\])?$/;

export function hasModelIdShape(value: string): boolean {
  return MODEL_ID_SHAPE.test(value);
}

/** Family of any model string, used for prices and for tests that assert a family. */
export function modelFamily(model: string): ModelFamily {
  const m = model.toLowerCase();
  if (m === 'opusplan' || m === 'best' || m.includes('opus')) return 'opus';
  if (m.includes('sonnet') || m === 'default') return 'sonnet';
  if (m.includes('haiku')) return 'haiku';
  if (m.includes('fable')) return 'fable';
  return 'unknown';
}

export function builtinModel(id: string): BuiltinModel | undefined {
  return BUILTIN_MODELS.find((m) => m.id === id);
}

/** Relative cost of any model string (haiku = 1), from its family. */
export function relativeCost(model: string): number {
  const family = modelFamily(model);
  const builtin = BUILTIN_MODELS.find((m) => m.family === family);
  return builtin?.relativeCost ?? OPUS_RELATIVE_COST;
}

const OPUS_RELATIVE_COST = 5;

/**
 * The escalation chain a stage uses when `sdlcPipeline.escalation` names none: the built-in
 * models from cheapest to costliest (haiku → sonnet → opus → fable).
 */
export const BUILTIN_ESCALATION_CHAIN: readonly string[] = [...BUILTIN_MODELS].sort((a, b) => a.relativeCost - b.relativeCost).map((m) => m.id);

export type ModelCheck = { ok: true; model: string } | { ok: false; model: string; message: string; suggestion?: string };

/**
 * A model is valid when it is a CLI alias, a configured custom model, or has the shape of a
 * model id. The CLI validates nothing locally (a typo costs a failed API call), so we do.
 */
export function checkModel(value: unknown, customModels: readonly string[] = []): ModelCheck {
  if (typeof value !== 'string') {
    return { ok: false, model: String(value), message: l10n.t('expected a model name (string), got {0}', describeValue(value)) };
  }
  const model = value.trim();
  if (model.length === 0) return { ok: false, model, message: l10n.t('the model name is empty') };
  // A leading dash would read as a flag on the CLI's command line, whatever list it came from.
  if (model.startsWith('-')) return { ok: false, model, message: l10n.t('"{0}" is not a model name (it starts with "-")', model) };
  if ((CLI_ALIASES as readonly string[]).includes(model) || customModels.includes(model) || hasModelIdShape(model)) {
    return { ok: true, model };
  }
  const suggestion = didYouMean(model, [...CLI_ALIASES, ...customModels]);
  return {
    ok: false,
    model,
    message: suggestion
      ? l10n.t('"{0}" is not a known model alias, a configured custom model, or a model id — did you mean "{1}"?', model, suggestion)
      : l10n.t('"{0}" is not a known model alias, a configured custom model, or a model id', model),
    suggestion,
  };
}

export function didYouMean(value: string, candidates: readonly string[]): string | undefined {
  const v = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(v, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(best.length / 3));
  if (bestDistance <= limit) return best;
  // "claude-opus" style values: suggest the family alias.
  const family = modelFamily(v);
  return family !== 'unknown' && (candidates as readonly string[]).includes(family) ? family : undefined;
}

/** A value as a message names it ("an array", `"opus"`, `number 3`): JSON words stay as they are. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return l10n.t('an array');
  if (typeof value === 'object') return l10n.t('an object');
  if (typeof value === 'string') return `"${value}"`;
  return `${typeof value} ${String(value)}`;
}

/** Every model a picker offers: built-ins first, then configured custom models (deduplicated). */
export function pickerModels(customModels: readonly string[]): string[] {
  const out: string[] = [...BUILTIN_MODEL_IDS];
  for (const m of customModels) if (!out.includes(m)) out.push(m);
  return out;
}
