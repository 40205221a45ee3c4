/**
 * What a repository's own Claude Code settings would do to a stage: the CLI reads
 * `.claude/settings.json`, `.claude/settings.local.json` and `.mcp.json` from its working
 * directory, and some of their keys run commands (hooks, apiKeyHelper, MCP servers), widen what
 * the agent may do (permissions) or redirect the API (env). Pure: no `vscode` import.
 */
import * as l10n from './l10n';

export const PROJECT_SETTINGS_FILES = ['.claude/settings.json', '.claude/settings.local.json', '.mcp.json'] as const;

/** Each risky key, described in the current language (functions: the language is set after load). Key names stay as written. */
const RISKY_KEYS: Record<string, () => string> = {
  hooks: () => l10n.t('{0} (run commands)', 'hooks'),
  permissions: () => l10n.t('{0} (widen what the agent may do)', 'permissions'),
  env: () => l10n.t('{0} (can redirect the API and your key)', 'env'),
  apiKeyHelper: () => l10n.t('{0} (runs a command)', 'apiKeyHelper'),
  enableAllProjectMcpServers: () => l10n.t('MCP servers'),
  enabledMcpjsonServers: () => l10n.t('MCP servers'),
  mcpServers: () => l10n.t('MCP servers'),
  statusLine: () => l10n.t('{0} (runs a command)', 'statusLine'),
  otelHeadersHelper: () => l10n.t('{0} (runs a command)', 'otelHeadersHelper'),
  awsAuthRefresh: () => l10n.t('{0} (runs a command)', 'awsAuthRefresh'),
  awsCredentialExport: () => l10n.t('{0} (runs a command)', 'awsCredentialExport'),
};

/** The risky things the given files define, described for people ("hooks (run commands)", …). Unreadable JSON counts as risky. */
export function projectSettingsRisks(files: ReadonlyArray<{ name: string; text: string }>): string[] {
  const out = new Set<string>();
  for (const f of files) {
    let json: unknown;
    try {
      json = JSON.parse(f.text);
    } catch {
      out.add(l10n.t('{0} (not valid JSON, so not checked)', f.name));
      continue;
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) continue;
    for (const key of Object.keys(json)) if (Object.hasOwn(RISKY_KEYS, key)) out.add(RISKY_KEYS[key]());
  }
  return [...out];
}

/** CLI flags for a decision: `ignore` keeps only the user's settings and no project MCP servers. */
export function projectSettingsArgs(decision: 'load' | 'ignore'): string[] {
  return decision === 'ignore' ? ['--setting-sources', 'user', '--strict-mcp-config'] : [];
}
