/**
 * The environment every git the extension starts gets (Node only, no `vscode`): no prompts, no
 * optional locks, C locale, and — as configuration given on the command line, which beats every
 * repository's and worktree's own — no hooks (`core.hooksPath` at the null device) and no
 * file-system monitor. A hook's commands can come from the ticket's branch itself (husky's
 * relative `core.hooksPath=.husky/_`, lefthook, pre-commit), which the agent writes: the
 * extension's own commits, merges, checkouts and pushes never run them.
 */
import { devNull } from 'node:os';

/** `base` plus git's settings for the extension's own git calls (appended after any `GIT_CONFIG_*` pairs `base` already has). */
export function gitEnv(base: NodeJS.ProcessEnv, extra?: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const n = Number.parseInt(base.GIT_CONFIG_COUNT ?? '', 10);
  const at = Number.isInteger(n) && n > 0 ? n : 0;
  return {
    ...base,
    ...extra,
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
    GIT_CONFIG_COUNT: String(at + 2),
    [`GIT_CONFIG_KEY_${at}`]: 'core.hooksPath',
    [`GIT_CONFIG_VALUE_${at}`]: devNull,
    [`GIT_CONFIG_KEY_${at + 1}`]: 'core.fsmonitor',
    [`GIT_CONFIG_VALUE_${at + 1}`]: 'false',
  };
}
