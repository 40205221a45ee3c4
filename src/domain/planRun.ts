/**
 * Everything a stage run's command line is made of, decided in one pure function: the prompt
 * (a fixed sentence naming files, or the user's template / slash command), the budget (the
 * stage's cap or what is left of the ticket's, whichever is lower), and the argv for the mode.
 * The runner does the I/O around it. Pure: no `vscode` import.
 */
import { headlessArgs, interactiveArgs, unsafeWindowsArg, type RunMode } from './cli';
import { slashCommandPrompt, stagePrompt, type PromptVars, type ticketPaths } from './prompt';
import type { RunSettings } from './runSettings';
import type { StageId } from './stages';

export interface RunPlanInput {
  ticketId: number;
  stage: StageId;
  mode: RunMode;
  /** Already checked with `checkModel`. */
  model: string;
  sessionId: string;
  /** The ticket's files, relative to the folder. */
  paths: ReturnType<typeof ticketPaths>;
  workspaceFolder: string;
  systemPromptFile: string;
  settings: Pick<RunSettings, 'stageCommands' | 'stagePrompts' | 'permissionMode' | 'allowedTools' | 'extraArgs' | 'maxBudgetUsd' | 'maxTicketBudgetUsd' | 'fallbackModel'>;
  /** What the ticket's runs have cost so far. */
  spentUsd: number;
  /** The stage's `--effort`, if any (see `resolveEffort`). */
  effort?: string;
  /** The model of the stage's sub-agents, if any (see `resolveSubagentModel`). */
  subagentModel?: string;
  /** What is left of today's budget across every ticket (`maxDailyBudgetUsd` minus today's spend), if there is one. */
  dailyRemainingUsd?: number;
  /** Flags for the repository's own Claude Code settings (see projectSettings). */
  settingArgs: readonly string[];
  platform?: NodeJS.Platform;
}

export type RunPlan =
  | { ok: true; prompt: string; args: string[]; maxBudgetUsd?: number; env: Record<string, string> }
  | { ok: false; reason: 'ticket-cap'; spentUsd: number; capUsd: number }
  | { ok: false; reason: 'unsafe-arg'; arg: string };

export function planRun(i: RunPlanInput): RunPlan {
  const s = i.settings;
  const ticketCap = s.maxTicketBudgetUsd;
  if (ticketCap !== undefined && i.spentUsd >= ticketCap) return { ok: false, reason: 'ticket-cap', spentUsd: i.spentUsd, capUsd: ticketCap };
  const vars: PromptVars = {
    ticketId: String(i.ticketId),
    stage: i.stage,
    ticketFile: i.paths.ticketFile,
    planFile: i.paths.planFile,
    questionsFile: i.paths.questionsFile,
    reviewFile: i.paths.reviewFile,
    workspaceFolder: i.workspaceFolder,
  };
  const command = s.stageCommands[i.stage];
  const prompt = command ? slashCommandPrompt(command, i.paths.ticketFile) : stagePrompt(i.stage, vars, s.stagePrompts[i.stage]);
  const stageCap = s.maxBudgetUsd[i.stage];
  const remaining = ticketCap !== undefined ? ticketCap - i.spentUsd : undefined;
  // The lowest of the stage's cap, what is left of the ticket's, and what is left of today's.
  const caps = [stageCap, remaining, i.dailyRemainingUsd].filter((c): c is number => c !== undefined);
  const maxBudgetUsd = caps.length ? Math.min(...caps) : undefined;
  const options = {
    model: i.model,
    prompt,
    sessionId: i.sessionId,
    systemPromptFile: i.systemPromptFile,
    permissionMode: s.permissionMode,
    allowedTools: s.allowedTools,
    extraArgs: s.extraArgs,
    maxBudgetUsd,
    fallbackModel: s.fallbackModel,
    settingArgs: i.settingArgs,
    effort: i.effort,
  };
  const args = i.mode === 'headless' ? headlessArgs(options) : interactiveArgs(options);
  // A Windows terminal joins argv into one command line, where a quote can split an argument.
  const unsafe = (i.platform ?? process.platform) === 'win32' && i.mode === 'interactive' ? unsafeWindowsArg(args) : undefined;
  if (unsafe !== undefined) return { ok: false, reason: 'unsafe-arg', arg: unsafe };
  // The CLI reads the sub-agents' model from its environment (checked with 2.1.197).
  const env: Record<string, string> = i.subagentModel ? { CLAUDE_CODE_SUBAGENT_MODEL: i.subagentModel } : {};
  return { ok: true, prompt, args, maxBudgetUsd, env };
}
