/**
 * Generates the parts of package.json that come from the settings and stage tables (the
 * settings schema, `restrictedConfigurations`, the per-stage commands), so the manifest never
 * holds a second copy of a setting's scope, default or order. `npm run manifest` writes them;
 * a unit test fails when package.json is stale.
 */
import { SETTING_SCHEMAS } from './settingsSchema';
import { fullKey, RESTRICTED_SETTINGS, SETTING_ROWS } from './settingsTable';
import { stageCommandId, STAGES } from './stages';

/** package.json `contributes.configuration`: one property per settings-table row, in table order. */
export function configurationContribution() {
  return {
    title: 'SDLC Pipeline',
    properties: Object.fromEntries(
      SETTING_ROWS.map((row, i) => {
        const { type, ...schema } = SETTING_SCHEMAS[row.key];
        return [fullKey(row.key), { order: i + 1, type, scope: row.scope, default: row.default, ...schema }];
      }),
    ),
  };
}

/** package.json `capabilities.untrustedWorkspaces.restrictedConfigurations`. */
export function restrictedConfigurations(): string[] {
  return RESTRICTED_SETTINGS.map(fullKey);
}

export function stageCommandContributions() {
  return STAGES.map((s) => ({ command: stageCommandId(s.id), title: `Run ${s.name} Stage`, category: 'SDLC' }));
}

/** The first sentence of a setting's description, with VS Code's `#setting#` links as plain code. */
function summary(markdown: string): string {
  const text = markdown.replace(/`#([\w.]+)#`/g, '`$1`').replace(/\s+/g, ' ').trim();
  const end = text.search(/(?<!\b(?:e\.g|i\.e))\.(\s|$)/);
  return (end >= 0 ? text.slice(0, end + 1) : text).replace(/\|/g, '\\|');
}

function defaultText(value: unknown): string {
  if (value === undefined || value === null) return 'unset';
  return `\`${JSON.stringify(value)}\``;
}

const SCOPE_TEXT: Record<string, string> = { resource: 'any', 'language-overridable': 'any', window: 'user, workspace', application: 'user only', machine: 'user only (machine)' };

/**
 * The README's settings table, one row per settings-table row (key, default, where it may be set,
 * restricted, first sentence of its description): `npm run manifest` writes it between markers, and
 * the manifest check fails when it is stale, so it cannot drift from package.json.
 */
export function readmeSettingsTable(): string {
  const rows = SETTING_ROWS.map((row) => {
    const md = (SETTING_SCHEMAS[row.key] as { markdownDescription?: string }).markdownDescription ?? '';
    return `| \`${fullKey(row.key)}\` | ${defaultText(row.default)} | ${SCOPE_TEXT[row.scope] ?? row.scope}${row.restricted ? ' · restricted' : ''} | ${summary(md)} |`;
  });
  return ['| Setting | Default | Set in | What it does |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
