/**
 * The allowlist for `sdlcPipeline.extraArgs`: which CLI flags a user may add to every stage,
 * which flags the extension reserves for itself, and `checkExtraArgs`, which names every
 * argument it refuses. It refuses arguments holding `UNQUOTABLE` characters (cli.ts). Pure: no
 * `vscode` import.
 */
import { UNQUOTABLE } from './cli';
import * as l10n from './l10n';

export interface AllowedFlag {
  /** Long flag as written on the command line. */
  readonly flag: string;
  readonly aliases?: readonly string[];
  /** `none`: a switch; `one`: exactly one value; `many`: one or more values (variadic). */
  readonly value: 'none' | 'one' | 'many';
  /** How the value is documented, e.g. `<n>`. */
  readonly hint?: string;
  /** Which values are accepted. */
  readonly valid?: (value: string) => boolean;
  /** Why it is allowed: package.json text (settingsSchema.ts), English. */
  readonly why: string;
}

export { EFFORT_LEVELS, type Effort } from './stages';
import { EFFORT_LEVELS } from './stages';

/**
 * CLI flags that `sdlcPipeline.extraArgs` may contain. Each one can only narrow, shorten or tune
 * a run; nothing here widens permissions, loads code or configuration, or replaces what the
 * extension sets. Short flags, bundles and positional arguments are never accepted.
 */
export const EXTRA_ARGS_ALLOWLIST: readonly AllowedFlag[] = [
  { flag: '--max-turns', value: 'one', hint: '<n>', valid: (v) => /^[1-9]\d{0,5}$/.test(v), why: 'ends a headless run after n agentic turns: it can only shorten a run' },
  { flag: '--effort', value: 'one', hint: `<${EFFORT_LEVELS.join('|')}>`, valid: (v) => (EFFORT_LEVELS as readonly string[]).includes(v), why: 'reasoning effort: a cost/quality knob like the model; the caps still apply' },
  { flag: '--disallowedTools', aliases: ['--disallowed-tools'], value: 'many', hint: '<tool…>', valid: (v) => v.trim().length > 0, why: 'denies tools: it can only narrow what a stage may do' },
  { flag: '--strict-mcp-config', value: 'none', why: 'only servers from --mcp-config are used, and that flag is refused: it can only remove MCP servers' },
];

/**
 * Flags the extension sets itself (or whose slot it uses, as `--append-system-prompt-file` does
 * for the ticket text); extraArgs may not contain them.
 */
export const RESERVED_FLAGS = [
  '-p', '--print', '--model', '--output-format', '--verbose', '--session-id', '--resume', '-r', '--continue', '-c',
  '--permission-mode', '--allowedTools', '--allowed-tools', '--append-system-prompt', '--append-system-prompt-file',
  '--max-budget-usd', '--fallback-model', '--',
] as const;

const allowedFlag = (name: string) => EXTRA_ARGS_ALLOWLIST.find((f) => f.flag === name || f.aliases?.includes(name));

/** `--flag <hint>` per allowed flag, for documentation and messages. */
export function describeAllowedFlags(): string[] {
  return EXTRA_ARGS_ALLOWLIST.map((f) => [f.flag, ...(f.aliases ?? [])].join(' / ') + (f.hint ? ` ${f.hint}` : ''));
}

/** An argument (or a settings key) as a message quotes it: JSON-quoted, at most 80 characters. */
export const quoteArg = (a: string) => JSON.stringify(a.length > 80 ? a.slice(0, 77) + '…' : a);

/**
 * Checks an extraArgs list against the allowlist. Returns the refusals, each naming the
 * argument; an empty list means every argument is allowed.
 */
export function checkExtraArgs(args: readonly string[]): string[] {
  const refused: string[] = [];
  const reserved = (arg: string) => l10n.t('{0} is set by the extension and cannot be overridden', quoteArg(arg));
  for (const arg of args) if (UNQUOTABLE.test(arg)) refused.push(l10n.t('{0} contains a quote or a control character (it could split into several arguments on Windows)', quoteArg(arg)));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-')) {
      refused.push(l10n.t('{0} is not a flag (positional arguments are not accepted)', quoteArg(arg)));
      continue;
    }
    if (arg === '--' || !arg.startsWith('--')) {
      refused.push((RESERVED_FLAGS as readonly string[]).includes(arg) ? reserved(arg) : l10n.t('{0} is a short flag (only the allowed long flags are accepted)', quoteArg(arg)));
      while (i + 1 < args.length && !args[i + 1].startsWith('-')) i++;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const spec = allowedFlag(name);
    if (!spec) {
      refused.push((RESERVED_FLAGS as readonly string[]).includes(name) ? reserved(arg) : l10n.t('{0} is not an allowed flag', quoteArg(arg)));
      // Its values (if any) go with it; they are not reported separately.
      if (inline === undefined) while (i + 1 < args.length && !args[i + 1].startsWith('-')) i++;
      continue;
    }
    const valid = spec.valid ?? (() => true);
    if (spec.value === 'none') {
      if (inline !== undefined) refused.push(l10n.t('{0} takes no value', quoteArg(arg)));
      continue;
    }
    if (inline !== undefined) {
      if (!valid(inline)) refused.push(l10n.t('{0} has an invalid value (expected {1})', quoteArg(arg), String(spec.hint)));
      continue;
    }
    const values: string[] = [];
    while (i + 1 < args.length && !args[i + 1].startsWith('-') && (spec.value === 'many' || values.length === 0)) values.push(args[++i]);
    if (!values.length) refused.push(l10n.t('{0} needs a value {1} (a value may not start with "-"; write {2}=<value>)', quoteArg(arg), String(spec.hint), name));
    for (const v of values) if (!valid(v)) refused.push(l10n.t('{0} is not a valid value of {1} (expected {2})', quoteArg(v), name, String(spec.hint)));
  }
  return refused;
}
