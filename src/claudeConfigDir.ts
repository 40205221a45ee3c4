/** Where the Claude Code CLI keeps its config and session transcripts. Node only. */
import * as os from 'node:os';
import * as path from 'node:path';

/** `CLAUDE_CONFIG_DIR`, else `~/.claude`. */
export function claudeConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLAUDE_CONFIG_DIR?.trim() || path.join(os.homedir(), '.claude');
}

/**
 * The terminal environment that keeps the CLI's config folder the one we follow: the host's
 * `CLAUDE_CONFIG_DIR`, or none at all (`null` removes one a `terminal.integrated.env.*` setting
 * would add). Setting it to `~/.claude` by hand would not do: the CLI then also reads its
 * `.claude.json` from there instead of from the home folder.
 */
export function cliConfigEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string | null> {
  const dir = env.CLAUDE_CONFIG_DIR?.trim();
  return { CLAUDE_CONFIG_DIR: dir || null };
}

/**
 * The whole environment of an interactive run's terminal: the extension host's own, with
 * `overrides` applied (`null` removes a variable), and every variable a `terminal.integrated.env.*`
 * setting names (`configuredKeys`) put back to the host's value or removed. `strictEnv` alone is
 * not enough: a remote window's terminal (code-server, Remote-SSH) merges the setting in anyway,
 * then our values over it — so ours must name each of its keys. A workspace's setting then cannot
 * redirect the API or the CLI's config.
 */
export function strictTerminalEnv(overrides: Record<string, string | null>, base: NodeJS.ProcessEnv = process.env, configuredKeys: Iterable<string> = []): Record<string, string | null> {
  const env: Record<string, string | null> = {};
  for (const k of configuredKeys) env[k] = null;
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(overrides)) env[k] = v;
  return env;
}
