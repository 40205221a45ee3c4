/**
 * What a repository's own Claude Code settings would do to a stage: the CLI reads
 * `.claude/settings.json`, `.claude/settings.local.json` and `.mcp.json` from its working
 * directory, and some of their keys run commands (hooks, apiKeyHelper, MCP servers), widen what
 * the agent may do (permissions) or redirect the API (env). Pure: no `vscode` import.
 */
export const PROJECT_SETTINGS_FILES = ['.claude/settings.json', '.claude/settings.local.json', '.mcp.json'] as const;

const RISKY_KEYS: Record<string, string> = {
  hooks: 'hooks (run commands)',
  permissions: 'permissions (widen what the agent may do)',
  env: 'env (can redirect the API and your key)',
  apiKeyHelper: 'apiKeyHelper (runs a command)',
  enableAllProjectMcpServers: 'MCP servers',
  enabledMcpjsonServers: 'MCP servers',
  mcpServers: 'MCP servers',
  statusLine: 'statusLine (runs a command)',
  otelHeadersHelper: 'otelHeadersHelper (runs a command)',
  awsAuthRefresh: 'awsAuthRefresh (runs a command)',
  awsCredentialExport: 'awsCredentialExport (runs a command)',
};

/** The risky things the given files define, described for people ("hooks (run commands)", …). Unreadable JSON counts as risky. */
export function projectSettingsRisks(files: ReadonlyArray<{ name: string; text: string }>): string[] {
  const out = new Set<string>();
  for (const f of files) {
    let json: unknown;
    try {
      json = JSON.parse(f.text);
    } catch {
      out.add(`${f.name} (not valid JSON, so not checked)`);
      continue;
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) continue;
    for (const key of Object.keys(json)) if (Object.hasOwn(RISKY_KEYS, key)) out.add(RISKY_KEYS[key]);
  }
  return [...out];
}

/** CLI flags for a decision: `ignore` keeps only the user's settings and no project MCP servers. */
export function projectSettingsArgs(decision: 'load' | 'ignore'): string[] {
  return decision === 'ignore' ? ['--setting-sources', 'user', '--strict-mcp-config'] : [];
}
