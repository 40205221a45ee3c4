/**
 * What a stage's agent may do, as a policy over settings: which permission modes a workspace
 * may choose, how permissive each mode is (a workspace may only narrow the user's), and
 * whether a repository's own Claude Code settings apply. Pure: no `vscode` import.
 */
import { PERMISSION_MODES, type PermissionMode } from './cli';

/**
 * `ask`: the first run in a repository whose `.claude/` settings define hooks, permissions, env or
 * MCP servers asks whether to use them (remembered per workspace, asked again when they change);
 * `load`: the CLI uses them (as when you run `claude` there yourself); `ignore`: stages run with
 * `--setting-sources user --strict-mcp-config` (the project's CLAUDE.md is then not read either).
 */
export const PROJECT_CLAUDE_SETTINGS = ['ask', 'load', 'ignore'] as const;
export type ProjectClaudeSettings = (typeof PROJECT_CLAUDE_SETTINGS)[number];

/** Permission modes a workspace or folder may choose; the others are honoured only from user settings. */
export const WORKSPACE_PERMISSION_MODES = ['default', 'acceptEdits', 'plan', 'dontAsk'] as const satisfies readonly PermissionMode[];
/** Modes that let the agent act without asking (`auto` decides by a classifier): user settings only. */
export const USER_ONLY_PERMISSION_MODES = PERMISSION_MODES.filter((m) => !(WORKSPACE_PERMISSION_MODES as readonly string[]).includes(m));

/** How much a permission mode lets the agent do unasked (higher = more). A workspace may not go above the user's. */
export const PERMISSIVENESS: Record<PermissionMode, number> = { plan: 0, dontAsk: 1, default: 2, acceptEdits: 3, auto: 4, bypassPermissions: 5 };

/** True when a run with these settings skips permission checks (the runner confirms it once). */
export function bypassesPermissions(s: { readonly permissionMode: PermissionMode }): boolean {
  return s.permissionMode === 'bypassPermissions';
}
