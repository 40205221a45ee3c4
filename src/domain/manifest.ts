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
  return STAGES.map((s) => ({ command: stageCommandId(s.id), title: `Run ${s.label} Stage`, category: 'SDLC' }));
}
