/**
 * Validates raw settings values (as read per scope) and resolves each stage's model with
 * the documented precedence: ticket > workspace folder > workspace > user > built-in.
 * Pure: no `vscode` import; the configuration adapter feeds it `inspect()` results. The model
 * settings' keys, scopes, defaults and schema are rows of settingsTable.ts.
 */
import * as z from 'zod/mini';
import { EFFORT_LEVELS, type Effort } from './extraArgs';
import * as l10n from './l10n';
import { checkModel, describeValue } from './models';
import type { ModelSettingKey } from './settingsTable';
import { builtinDefaults, isStageId, STAGE_IDS, STAGES, type StageId, type StageInfo } from './stages';

export const SCOPES = ['workspaceFolder', 'workspace', 'user'] as const;
export type Scope = (typeof SCOPES)[number];
export type ModelSource = 'ticket' | Scope | 'default';

/** Where a model came from, in the current language (getters: read when shown). */
export const SOURCE_LABELS: Readonly<Record<ModelSource, string>> = {
  get ticket() { return l10n.t('ticket'); },
  get workspaceFolder() { return l10n.t('folder settings'); },
  get workspace() { return l10n.t('workspace settings'); },
  get user() { return l10n.t('user settings'); },
  get default() { return l10n.t('built-in default'); },
};

/** Raw values of one setting at each scope, as `WorkspaceConfiguration.inspect` reports them. */
export type ScopedValues = Partial<Record<Scope, unknown>>;

export interface SettingProblem {
  setting: string;
  scope: Scope;
  message: string;
}

export interface Preset {
  /** Its identity: the form's option value, and what a user preset of the same name replaces. */
  name: string;
  /** What the form shows, when it differs from the name (a built-in's name, translated). */
  readonly label?: string;
  models: Partial<Record<StageId, string>>;
  /** Effort per stage; a stage it does not name keeps the effort it had. */
  efforts?: Partial<Record<StageId, Effort>>;
  builtin: boolean;
}

export const BUILTIN_PRESETS: readonly Preset[] = [
  { name: 'Balanced', get label() { return l10n.t('Balanced'); }, models: builtinDefaults(), builtin: true },
  {
    name: 'Cost-optimized',
    get label() {
      return l10n.t('Cost-optimized');
    },
    models: { clarify: 'haiku', plan: 'sonnet', build: 'sonnet', test: 'haiku', review: 'haiku', document: 'haiku', merge: 'haiku' },
    efforts: { plan: 'medium', build: 'medium' },
    builtin: true,
  },
  {
    // The thinking stages on the tier above Opus, thinking harder; the rest on Opus.
    name: 'Max quality',
    get label() {
      return l10n.t('Max quality');
    },
    models: { clarify: 'opus', plan: 'fable', build: 'fable', test: 'opus', review: 'fable', document: 'opus', merge: 'opus' },
    efforts: { plan: 'xhigh', build: 'xhigh', review: 'high' },
    builtin: true,
  },
];

/** A preset's value for one stage in settings: a model, or `{ model, effort }`. */
const PresetStageSchema = z.union([z.string(), z.object({ model: z.optional(z.string()), effort: z.optional(z.enum(EFFORT_LEVELS)) })]);

export interface ResolvedConfig {
  /** Per scope, the valid stage → model entries of `defaultModels`. */
  defaultModels: Partial<Record<Scope, Partial<Record<StageId, string>>>>;
  customModels: string[];
  defaultStages: StageId[];
  presets: Preset[];
  problems: SettingProblem[];
}

/** Raw values of each model setting (`defaultModels`, `customModels`, `defaultStages`, `presets`: the settings table's `models` rows) at each scope. */
export type RawConfig = Record<ModelSettingKey, ScopedValues>;

/** Most specific defined value wins (folder > workspace > user). */
function effective(values: ScopedValues): { scope: Scope; value: unknown } | undefined {
  for (const scope of SCOPES) if (values[scope] !== undefined) return { scope, value: values[scope] };
  return undefined;
}

const StringArray = z.array(z.string());

export function resolveConfig(raw: RawConfig): ResolvedConfig {
  const problems: SettingProblem[] = [];

  // customModels first: the other settings' model values may name them.
  const customModels: string[] = [];
  const custom = effective(raw.customModels);
  if (custom) {
    const parsed = StringArray.safeParse(custom.value);
    if (!parsed.success) {
      problems.push({ setting: 'sdlcPipeline.customModels', scope: custom.scope, message: l10n.t('expected a list of model names, got {0}; using none', describeValue(custom.value)) });
    } else {
      for (const m of parsed.data) {
        const t = m.trim();
        if (t && /^[\w.:/@[\]-]+$/.test(t) && !t.startsWith('-')) {
          if (!customModels.includes(t)) customModels.push(t);
        } else {
          problems.push({ setting: 'sdlcPipeline.customModels', scope: custom.scope, message: l10n.t('"{0}" is not a usable model name (letters, digits and . : / @ [ ] - only, not starting with "-"); ignored', m) });
        }
      }
    }
  }

  const defaultModels: ResolvedConfig['defaultModels'] = {};
  for (const scope of SCOPES) {
    const value = raw.defaultModels[scope];
    if (value === undefined) continue;
    const setting = 'sdlcPipeline.defaultModels';
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ setting, scope, message: l10n.t('expected an object of stage → model, got {0}; ignored', describeValue(value)) });
      continue;
    }
    const entries: Partial<Record<StageId, string>> = {};
    for (const [stage, model] of Object.entries(value)) {
      if (!isStageId(stage)) {
        problems.push({ setting: `${setting}.${stage}`, scope, message: l10n.t('"{0}" is not a stage (stages: {1}); ignored', stage, STAGE_IDS.join(', ')) });
        continue;
      }
      const check = checkModel(model, customModels);
      if (check.ok) entries[stage] = check.model;
      else problems.push({ setting: `${setting}.${stage}`, scope, message: l10n.t('{0}; {1} uses its built-in default', check.message, stage) });
    }
    defaultModels[scope] = entries;
  }

  let defaultStages: StageId[] = [...STAGE_IDS];
  const stagesSetting = effective(raw.defaultStages);
  if (stagesSetting) {
    const parsed = StringArray.safeParse(stagesSetting.value);
    if (!parsed.success) {
      problems.push({ setting: 'sdlcPipeline.defaultStages', scope: stagesSetting.scope, message: l10n.t('expected a list of stages, got {0}; all stages are selected', describeValue(stagesSetting.value)) });
    } else {
      const bad = parsed.data.filter((s) => !isStageId(s));
      if (bad.length) problems.push({ setting: 'sdlcPipeline.defaultStages', scope: stagesSetting.scope, message: l10n.t('unknown stage {0}; ignored', bad.map((b) => `"${b}"`).join(', ')) });
      defaultStages = STAGE_IDS.filter((s) => parsed.data.includes(s));
    }
  }

  const presets: Preset[] = [...BUILTIN_PRESETS];
  const presetSetting = effective(raw.presets);
  if (presetSetting) {
    const v = presetSetting.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      problems.push({ setting: 'sdlcPipeline.presets', scope: presetSetting.scope, message: l10n.t('expected an object of preset name → { stage: model }, got {0}; ignored', describeValue(v)) });
    } else {
      for (const [name, map] of Object.entries(v)) {
        if (typeof map !== 'object' || map === null || Array.isArray(map)) {
          problems.push({ setting: `sdlcPipeline.presets.${name}`, scope: presetSetting.scope, message: l10n.t('expected an object of stage → model, got {0}; preset ignored', describeValue(map)) });
          continue;
        }
        const models: Partial<Record<StageId, string>> = {};
        const efforts: Partial<Record<StageId, Effort>> = {};
        for (const [stage, value] of Object.entries(map)) {
          const at = `sdlcPipeline.presets.${name}.${stage}`;
          if (!isStageId(stage)) {
            problems.push({ setting: at, scope: presetSetting.scope, message: l10n.t('"{0}" is not a stage; ignored', stage) });
            continue;
          }
          const entry = PresetStageSchema.safeParse(value);
          if (!entry.success) {
            problems.push({ setting: at, scope: presetSetting.scope, message: l10n.t('expected a model or { "model", "effort" } (effort: {0}), got {1}; ignored', EFFORT_LEVELS.join(', '), describeValue(value)) });
            continue;
          }
          const { model, effort } = typeof entry.data === 'string' ? { model: entry.data, effort: undefined } : entry.data;
          if (effort) efforts[stage] = effort;
          if (model === undefined) continue;
          const check = checkModel(model, customModels);
          if (check.ok) models[stage] = check.model;
          else problems.push({ setting: at, scope: presetSetting.scope, message: l10n.t('{0}; ignored', check.message) });
        }
        const existing = presets.findIndex((p) => p.name === name);
        const preset: Preset = { name, models, ...(Object.keys(efforts).length ? { efforts } : {}), builtin: false };
        if (existing >= 0) presets[existing] = preset;
        else presets.push(preset);
      }
    }
  }

  return { defaultModels, customModels, defaultStages, presets, problems };
}

export interface ResolvedModel {
  model: string;
  source: ModelSource;
}

/** A stage's model: the ticket's own choice > folder > workspace > user > built-in default. */
export function resolveStageModel(stage: StageId, config: Pick<ResolvedConfig, 'defaultModels'>, ticketChoice?: string): ResolvedModel {
  if (ticketChoice) return { model: ticketChoice, source: 'ticket' };
  for (const scope of SCOPES) {
    const m = config.defaultModels[scope]?.[stage];
    if (m) return { model: m, source: scope };
  }
  return { model: builtinDefaults()[stage], source: 'default' };
}

/** The configured default (ignoring any ticket) for every stage. */
export function stageDefaults(config: Pick<ResolvedConfig, 'defaultModels'>): Record<StageId, ResolvedModel> {
  return Object.fromEntries(STAGES.map((s) => [s.id, resolveStageModel(s.id, config)])) as Record<StageId, ResolvedModel>;
}

export function formatProblem(p: SettingProblem): string {
  if (p.scope === 'user') return l10n.t('{0} (user settings): {1}', p.setting, p.message);
  if (p.scope === 'workspace') return l10n.t('{0} (workspace settings): {1}', p.setting, p.message);
  return l10n.t('{0} (folder settings): {1}', p.setting, p.message);
}

/** Where a stage's sub-agent model or effort came from. */
export type OptionSource = 'ticket' | 'settings' | 'default';

/** The model of a stage's sub-agents: the ticket's choice, the settings, the stage table's built-in, or none (the stage's own model). */
export function resolveSubagentModel(stage: StageId, configured: Partial<Record<StageId, string>>, ticketChoice?: string): { model?: string; source: OptionSource } {
  if (ticketChoice) return { model: ticketChoice, source: 'ticket' };
  if (configured[stage]) return { model: configured[stage], source: 'settings' };
  const builtin = (STAGES as readonly StageInfo[]).find((s) => s.id === stage)?.defaultSubagentModel;
  return builtin ? { model: builtin, source: 'default' } : { source: 'default' };
}

/** A stage's effort: the ticket's choice, the settings, or none (the CLI's default). */
export function resolveEffort(stage: StageId, configured: Partial<Record<StageId, Effort>>, ticketChoice?: Effort): { effort?: Effort; source: OptionSource } {
  if (ticketChoice) return { effort: ticketChoice, source: 'ticket' };
  if (configured[stage]) return { effort: configured[stage], source: 'settings' };
  return { source: 'default' };
}
