/** Builds the Claude Code CLI's argument arrays. No shell ever parses them. Pure. */
export const PERMISSION_MODES = ['default', 'acceptEdits', 'auto', 'plan', 'dontAsk', 'bypassPermissions'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];
export type RunMode = 'headless' | 'interactive';

export interface CliOptions {
  model: string;
  prompt: string;
  sessionId: string;
  /** File with the ticket's text, appended to the system prompt (never on the command line). */
  systemPromptFile?: string;
  permissionMode?: PermissionMode;
  allowedTools?: readonly string[];
  addDirs?: readonly string[];
  maxBudgetUsd?: number;
  fallbackModel?: string;
  extraArgs?: readonly string[];
  /** `--effort` for this stage (beats an `--effort` in extraArgs). */
  effort?: string;
  /** Flags that keep the repository's own Claude Code settings out (see domain/projectSettings). */
  settingArgs?: readonly string[];
}

/** `claude -p --model … --output-format stream-json --verbose … -- <prompt>` */
export function headlessArgs(o: CliOptions): string[] {
  const args = ['-p', '--model', o.model, '--output-format', 'stream-json', '--verbose', '--session-id', o.sessionId];
  common(args, o);
  if (o.maxBudgetUsd !== undefined && o.maxBudgetUsd > 0) args.push('--max-budget-usd', String(o.maxBudgetUsd));
  if (o.fallbackModel && o.fallbackModel !== o.model) args.push('--fallback-model', o.fallbackModel);
  args.push('--', o.prompt);
  return args;
}

/** `claude --model … -- <prompt>`: the real TUI in a pty. */
export function interactiveArgs(o: CliOptions): string[] {
  const args = ['--model', o.model, '--session-id', o.sessionId];
  common(args, o);
  args.push('--', o.prompt);
  return args;
}

/**
 * `claude --model … --resume=<id> …`: the id as one argument (never read as another flag), with
 * the same guard rails as a run (project settings, permission mode, allowed tools).
 */
export function resumeArgs(sessionId: string, model?: string, o: Pick<CliOptions, 'permissionMode' | 'allowedTools' | 'settingArgs'> = {}): string[] {
  const args = model ? ['--model', model, `--resume=${sessionId}`] : [`--resume=${sessionId}`];
  if (o.settingArgs?.length) args.push(...o.settingArgs);
  if (o.permissionMode) args.push('--permission-mode', o.permissionMode);
  if (o.allowedTools?.length) args.push('--allowedTools', ...o.allowedTools);
  return args;
}

function common(args: string[], o: CliOptions): void {
  if (o.settingArgs?.length) args.push(...o.settingArgs);
  if (o.permissionMode) args.push('--permission-mode', o.permissionMode);
  if (o.systemPromptFile) args.push('--append-system-prompt-file', o.systemPromptFile);
  // Variadic flags: each value after the flag; the trailing `--` stops them swallowing the prompt.
  if (o.allowedTools?.length) args.push('--allowedTools', ...o.allowedTools);
  if (o.addDirs?.length) args.push('--add-dir', ...o.addDirs);
  if (o.extraArgs?.length) args.push(...withoutEffort(o.extraArgs, !!o.effort).filter((a) => a !== '--'));
  if (o.effort) args.push('--effort', o.effort);
}

/** A quote or control character: node-pty's Windows quoting can split such an argument in two. */
export const UNQUOTABLE = /["\u0000-\u001f\u007f]/;

/**
 * On Windows a terminal's argv is joined into one command line (node-pty), where an argument
 * holding `"` can split into several: such a launch is refused. Returns the offending argument.
 */
export function unsafeWindowsArg(args: readonly string[]): string | undefined {
  return args.find((a) => UNQUOTABLE.test(a));
}

/** extraArgs without its `--effort` (and value) when the stage sets its own. */
function withoutEffort(extra: readonly string[], drop: boolean): readonly string[] {
  if (!drop) return extra;
  const out: string[] = [];
  for (let i = 0; i < extra.length; i++) {
    if (extra[i] === '--effort') {
      i++;
      continue;
    }
    if (extra[i].startsWith('--effort=')) continue;
    out.push(extra[i]);
  }
  return out;
}
