/**
 * The allowlist for `sdlcPipeline.extraArgs`: which CLI flags a user may add to every stage,
 * which flags the extension reserves for itself, and `checkExtraArgs`, which names every
 * argument it refuses. It refuses arguments holding `UNQUOTABLE` characters (cli.ts). Pure: no
 * `vscode` import.
 */
import { UNQUOTABLE } from './cli';

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
  const refuse = (arg: string, why: string) => refused.push(`${quoteArg(arg)} ${why}`);
  for (const arg of args) if (UNQUOTABLE.test(arg)) refuse(arg, 'contains a quote or a control character (it could split into several arguments on Windows)');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-')) {
      refuse(arg, 'is not a flag (positional arguments are not accepted)');
      continue;
    }
    if (arg === '--' || !arg.startsWith('--')) {
      refuse(arg, (RESERVED_FLAGS as readonly string[]).includes(arg) ? 'is set by the extension and cannot be overridden' : 'is a short flag (only the allowed long flags are accepted)');
      while (i + 1 < args.length && !args[i + 1].startsWith('-')) i++;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const spec = allowedFlag(name);
    if (!spec) {
      refuse(arg, (RESERVED_FLAGS as readonly string[]).includes(name) ? 'is set by the extension and cannot be overridden' : 'is not an allowed flag');
      // Its values (if any) go with it; they are not reported separately.
      if (inline === undefined) while (i + 1 < args.length && !args[i + 1].startsWith('-')) i++;
      continue;
    }
    const valid = spec.valid ?? (() => true);
    if (spec.value === 'none') {
      if (inline !== undefined) refuse(arg, `takes no value`);
      continue;
    }
    if (inline !== undefined) {
      if (!valid(inline)) refuse(arg, `has an invalid value (expected ${spec.hint})`);
      continue;
    }
    const values: string[] = [];
    while (i + 1 < args.length && !args[i + 1].startsWith('-') && (spec.value === 'many' || values.length === 0)) values.push(args[++i]);
    if (!values.length) refuse(arg, `needs a value ${spec.hint} (a value may not start with "-"; write ${name}=<value>)`);
    for (const v of values) if (!valid(v)) refuse(v, `is not a valid value of ${name} (expected ${spec.hint})`);
  }
  return refused;
}
