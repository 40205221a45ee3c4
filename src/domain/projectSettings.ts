/**
 * What a repository's own Claude Code settings would do to a stage: the CLI reads
 * `.claude/settings.json`, `.claude/settings.local.json` and `.mcp.json` from its working
 * directory, and most of their keys run commands (hooks, apiKeyHelper, MCP servers, plugins),
 * widen what the agent may do (permissions), redirect the API (env) or switch off what the cost
 * record is made from (`cleanupPeriodDays`: no transcripts). Only a short list of keys is known to
 * be harmless; every other key — unknown ones included — needs the user's consent. Also the
 * fingerprint of what the user agreed to, so a changed file asks again. Pure: no `vscode` import.
 */
import * as l10n from './l10n';
import { oneLine } from './terminalText';

export const PROJECT_SETTINGS_FILES = ['.claude/settings.json', '.claude/settings.local.json', '.mcp.json'] as const;

/**
 * Folders of project definitions the CLI loads from its working directory with the project's
 * settings (and not with `--setting-sources user`, measured on CLI 2.1.197): sub-agents, whose
 * frontmatter can set their own `permissionMode`, `hooks` and `mcpServers`; slash commands, whose
 * `allowed-tools` widen what runs; skills, which can carry hooks and allowed tools. Any file in
 * them needs consent, as settings do.
 */
export const PROJECT_DEFINITION_DIRS = ['.claude/agents', '.claude/commands', '.claude/skills'] as const;

/** How many definition files are read (a hostile repository may hold thousands); more count as a risk of their own. */
export const PROJECT_DEFINITION_MAX_FILES = 64;

/** The definition folder a read file belongs to, or undefined for a settings file. */
function definitionDir(name: string): (typeof PROJECT_DEFINITION_DIRS)[number] | undefined {
  return PROJECT_DEFINITION_DIRS.find((d) => name === d || name.startsWith(`${d}/`));
}

const DEFINITION_RISKS: Record<(typeof PROJECT_DEFINITION_DIRS)[number], () => string> = {
  '.claude/agents': () => l10n.t('{0} (sub-agents: can set their own permission mode, hooks and MCP servers)', '.claude/agents'),
  '.claude/commands': () => l10n.t('{0} (slash commands: can allow tools and run shell lines)', '.claude/commands'),
  '.claude/skills': () => l10n.t('{0} (skills: can carry hooks and allow tools)', '.claude/skills'),
};

/** The largest settings file read (bytes); a larger one is not parsed and counts as a risk. */
export const PROJECT_SETTINGS_MAX_BYTES = 256 * 1024;

/**
 * Keys that change nothing a cap, a permission or the cost record depends on. `model` is here
 * because every stage passes `--model`, which beats it. Anything not listed asks first.
 */
const HARMLESS_KEYS = new Set(['$schema', 'model', 'includeCoAuthoredBy', 'includeGitInstructions', 'outputStyle', 'spinnerTipsEnabled', 'language', 'respectGitignore']);

/** Each known risky key, described in the current language (functions: the language is set after load). Key names stay as written. */
const RISKY_KEYS: Record<string, () => string> = {
  hooks: () => l10n.t('{0} (run commands)', 'hooks'),
  permissions: () => l10n.t('{0} (widen what the agent may do)', 'permissions'),
  env: () => l10n.t('{0} (can redirect the API and your key)', 'env'),
  apiKeyHelper: () => l10n.t('{0} (runs a command)', 'apiKeyHelper'),
  enableAllProjectMcpServers: () => l10n.t('MCP servers'),
  enabledMcpjsonServers: () => l10n.t('MCP servers'),
  mcpServers: () => l10n.t('MCP servers'),
  statusLine: () => l10n.t('{0} (runs a command)', 'statusLine'),
  fileSuggestion: () => l10n.t('{0} (runs a command)', 'fileSuggestion'),
  otelHeadersHelper: () => l10n.t('{0} (runs a command)', 'otelHeadersHelper'),
  awsAuthRefresh: () => l10n.t('{0} (runs a command)', 'awsAuthRefresh'),
  awsCredentialExport: () => l10n.t('{0} (runs a command)', 'awsCredentialExport'),
  cleanupPeriodDays: () => l10n.t('{0} (can stop the CLI keeping the transcripts that cost and caps are measured from)', 'cleanupPeriodDays'),
  enabledPlugins: () => l10n.t('{0} (loads plugins, which can run commands)', 'enabledPlugins'),
  extraKnownMarketplaces: () => l10n.t('{0} (adds plugin sources)', 'extraKnownMarketplaces'),
};

/** How many keys not known to be harmless are named one by one (a hostile file may hold thousands). */
const NAMED_UNKNOWN = 6;

/** A settings file as read from the stage's folder: its text, or why it was not read. */
export type SettingsFileRead =
  | { name: string; text: string }
  | { name: string; unreadable: 'link' | 'oversized' | 'not-a-file' | 'too-many' };

/** The risky things the given files define, described for people ("hooks (run commands)", …). Unreadable or invalid files count as risky. */
export function projectSettingsRisks(files: ReadonlyArray<SettingsFileRead>): string[] {
  const out = new Set<string>();
  const unknown: string[] = [];
  for (const f of files) {
    const dir = definitionDir(f.name);
    if (dir) {
      // Markdown with frontmatter, not JSON: its being there is what needs consent.
      out.add(DEFINITION_RISKS[dir]());
      if ('unreadable' in f && f.unreadable === 'link') out.add(l10n.t('{0} (a symbolic link, so not checked)', f.name));
      continue;
    }
    if ('unreadable' in f) {
      out.add(f.unreadable === 'link'
        ? l10n.t('{0} (a symbolic link, so not checked)', f.name)
        : f.unreadable === 'oversized'
          ? l10n.t('{0} (over {1} KB, so not checked)', f.name, PROJECT_SETTINGS_MAX_BYTES / 1024)
          : l10n.t('{0} (not a regular file, so not checked)', f.name));
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(f.text);
    } catch {
      out.add(l10n.t('{0} (not valid JSON, so not checked)', f.name));
      continue;
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) continue;
    for (const key of Object.keys(json)) {
      if (HARMLESS_KEYS.has(key)) continue;
      if (Object.hasOwn(RISKY_KEYS, key)) out.add(RISKY_KEYS[key]());
      else if (!unknown.includes(key)) unknown.push(key);
    }
  }
  if (unknown.length) {
    const named = unknown.slice(0, NAMED_UNKNOWN).map((k) => oneLine(k, 40)).join(', ');
    out.add(unknown.length > NAMED_UNKNOWN
      ? l10n.t('{0} and {1} more (not known to be harmless)', named, unknown.length - NAMED_UNKNOWN)
      : l10n.t('{0} (not known to be harmless)', named));
  }
  return [...out];
}

/**
 * What the user's answer is tied to: the files' names and exact contents (not where they are, so
 * the same settings in each ticket's worktree ask once; any change asks again).
 */
export function projectSettingsFingerprintInput(files: ReadonlyArray<SettingsFileRead>): string {
  return JSON.stringify(files.map((f) => ('unreadable' in f ? [f.name, null, f.unreadable] : [f.name, f.text])));
}

/** CLI flags for a decision: `ignore` keeps only the user's settings and no project MCP servers. */
export function projectSettingsArgs(decision: 'load' | 'ignore'): string[] {
  return decision === 'ignore' ? ['--setting-sources', 'user', '--strict-mcp-config'] : [];
}
