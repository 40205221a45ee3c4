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
