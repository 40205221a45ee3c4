/**
 * Validates the settings that shape a run (CLI path, permission mode, tools, extra args,
 * budgets, prompts, prices, escalation). Bad values are reported and fall back to the
 * documented default; nothing throws. Pure: no `vscode` import.
 */
import * as z from 'zod';
import { PERMISSION_MODES, type PermissionMode, type RunMode } from './cli';
import type { PriceTable } from './cost';
import { checkModel, describeValue } from './models';
import { unknownPlaceholders } from './prompt';
import { isStageId, STAGE_IDS, type StageId } from './stages';

export interface RunSettings {
  runMode: RunMode;
  claudePath?: string;
  permissionMode: PermissionMode;
  allowedTools: string[];
  extraArgs: string[];
  maxBudgetUsd: Partial<Record<StageId, number>>;
  stagePrompts: Partial<Record<StageId, string>>;
  stageCommands: Partial<Record<StageId, string>>;
  ticketsDirectory: string;
  prices: PriceTable;
  escalation: Partial<Record<StageId, string[]>>;
  escalationMode: 'off' | 'ask' | 'auto';
  fallbackModel?: string;
}

export const RUN_DEFAULTS: RunSettings = {
  runMode: 'headless',
  permissionMode: 'acceptEdits',
  allowedTools: [],
  extraArgs: [],
  maxBudgetUsd: {},
  stagePrompts: {},
  stageCommands: {},
  ticketsDirectory: '.sdlc/tickets',
  prices: {},
  escalation: {},
  escalationMode: 'ask',
};

/** Flags the extension owns; extraArgs may not override them. */
export const RESERVED_FLAGS = ['-p', '--print', '--model', '--output-format', '--session-id', '--resume', '-r', '--continue', '-c', '--verbose', '--'];

export type RawRunSettings = Partial<Record<keyof RunSettings, unknown>>;

const PriceSchema = z.object({ input: z.number().nonnegative(), output: z.number().nonnegative(), cacheWrite: z.number().nonnegative(), cacheRead: z.number().nonnegative() });

function stageMap<T>(raw: unknown, key: string, item: z.ZodType<T>, problems: string[], what: string): Partial<Record<StageId, T>> {
  const out: Partial<Record<StageId, T>> = {};
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`sdlcPipeline.${key}: expected an object of stage → ${what}, got ${describeValue(raw)}; ignored`);
    return out;
  }
  for (const [stage, value] of Object.entries(raw)) {
    if (!isStageId(stage)) {
      problems.push(`sdlcPipeline.${key}.${stage}: "${stage}" is not a stage (stages: ${STAGE_IDS.join(', ')}); ignored`);
      continue;
    }
    const p = item.safeParse(value);
    if (p.success) out[stage] = p.data;
    else problems.push(`sdlcPipeline.${key}.${stage}: expected ${what}, got ${describeValue(value)}; ignored`);
  }
  return out;
}

export function parseRunSettings(raw: RawRunSettings, customModels: readonly string[] = []): { settings: RunSettings; problems: string[] } {
  const problems: string[] = [];
  const s: RunSettings = structuredClone(RUN_DEFAULTS);

  if (raw.runMode !== undefined) {
    if (raw.runMode === 'headless' || raw.runMode === 'interactive') s.runMode = raw.runMode;
    else problems.push(`sdlcPipeline.runMode: expected "headless" or "interactive", got ${describeValue(raw.runMode)}; using "headless"`);
  }
  if (raw.claudePath !== undefined && raw.claudePath !== '') {
    if (typeof raw.claudePath === 'string') s.claudePath = raw.claudePath.trim() || undefined;
    else problems.push(`sdlcPipeline.claudePath: expected a path, got ${describeValue(raw.claudePath)}; looking for "claude" on PATH`);
  }
  if (raw.permissionMode !== undefined) {
    if ((PERMISSION_MODES as readonly unknown[]).includes(raw.permissionMode)) s.permissionMode = raw.permissionMode as PermissionMode;
    else problems.push(`sdlcPipeline.permissionMode: expected one of ${PERMISSION_MODES.join(', ')}, got ${describeValue(raw.permissionMode)}; using "acceptEdits"`);
  }
  for (const key of ['allowedTools', 'extraArgs'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    const p = z.array(z.string()).safeParse(v);
    if (!p.success) {
      problems.push(`sdlcPipeline.${key}: expected a list of strings, got ${describeValue(v)}; ignored`);
      continue;
    }
    if (key === 'extraArgs') {
      const reserved = p.data.filter((a) => RESERVED_FLAGS.includes(a.split('=')[0]));
      if (reserved.length) problems.push(`sdlcPipeline.extraArgs: ${reserved.join(', ')} are set by the extension and cannot be overridden; extraArgs ignored`);
      else s.extraArgs = p.data;
    } else s.allowedTools = p.data.filter((t) => t.trim());
  }
  s.maxBudgetUsd = stageMap(raw.maxBudgetUsd, 'maxBudgetUsd', z.number().positive(), problems, 'a positive number of USD');
  s.stagePrompts = stageMap(raw.stagePrompts, 'stagePrompts', z.string().min(1), problems, 'a prompt template');
  for (const [stage, tpl] of Object.entries(s.stagePrompts)) {
    const unknown = unknownPlaceholders(tpl);
    if (unknown.length) problems.push(`sdlcPipeline.stagePrompts.${stage}: unknown placeholder ${unknown.map((u) => '${' + u + '}').join(', ')} is left as written`);
  }
  s.stageCommands = stageMap(raw.stageCommands, 'stageCommands', z.string().regex(/^\/?[\w:.-]+$/), problems, 'a command name such as "plan-ticket"');
  if (raw.ticketsDirectory !== undefined) {
    const v = raw.ticketsDirectory;
    if (typeof v === 'string' && v.trim() && !v.includes('..') && !v.startsWith('/')) s.ticketsDirectory = v.trim();
    else problems.push(`sdlcPipeline.ticketsDirectory: expected a relative folder inside the workspace, got ${describeValue(v)}; using ".sdlc/tickets"`);
  }
  if (raw.prices !== undefined && raw.prices !== null) {
    if (typeof raw.prices !== 'object' || Array.isArray(raw.prices)) problems.push(`sdlcPipeline.prices: expected an object of model → price, got ${describeValue(raw.prices)}; using built-in prices`);
    else
      for (const [model, price] of Object.entries(raw.prices)) {
        const p = PriceSchema.safeParse(price);
        if (p.success) s.prices[model] = p.data;
        else problems.push(`sdlcPipeline.prices.${model}: expected { input, output, cacheWrite, cacheRead } in USD per million tokens; ignored`);
      }
  }
  s.escalation = stageMap(raw.escalation, 'escalation', z.array(z.string()), problems, 'a list of models');
  for (const [stage, chain] of Object.entries(s.escalation) as Array<[StageId, string[]]>) {
    const bad = chain.map((m) => checkModel(m, customModels)).filter((c) => !c.ok);
    if (bad.length) {
      problems.push(`sdlcPipeline.escalation.${stage}: ${bad.map((b) => (b.ok ? '' : b.message)).join('; ')}; chain ignored`);
      delete s.escalation[stage];
    }
  }
  if (raw.escalationMode !== undefined) {
    if (raw.escalationMode === 'off' || raw.escalationMode === 'ask' || raw.escalationMode === 'auto') s.escalationMode = raw.escalationMode;
    else problems.push(`sdlcPipeline.escalationMode: expected "off", "ask" or "auto", got ${describeValue(raw.escalationMode)}; using "ask"`);
  }
  if (raw.fallbackModel !== undefined && raw.fallbackModel !== '') {
    const c = checkModel(raw.fallbackModel, customModels);
    if (c.ok) s.fallbackModel = c.model;
    else problems.push(`sdlcPipeline.fallbackModel: ${c.message}; no fallback model`);
  }
  return { settings: s, problems };
}

/** Next model in a stage's escalation chain after `current`, if any. */
export function nextEscalation(chain: readonly string[] | undefined, current: string): string | undefined {
  if (!chain?.length) return undefined;
  const i = chain.indexOf(current);
  return i >= 0 ? chain[i + 1] : undefined;
}
