/**
 * Every setting key, generated from the settings table (src/domain/settingsTable.ts): add a
 * setting there, not here. `SETTINGS.x` is the key under `sdlcPipeline.`; `fullKey` prefixes it.
 * Pure: no `vscode` import.
 */
import { SETTING_KEYS, type SettingKey } from './domain/settingsTable';

export { fullKey, SECTION, type SettingKey } from './domain/settingsTable';

export const SETTINGS = Object.freeze(Object.fromEntries(SETTING_KEYS.map((k) => [k, k]))) as { readonly [K in SettingKey]: K };
