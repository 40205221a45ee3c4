import * as assert from 'node:assert';
import { configurationContribution, restrictedConfigurations } from '../../src/domain/manifest';
import { RUN_SETTING_RULES } from '../../src/domain/runSettingRules';
import { parseRunSettings, RUN_DEFAULTS } from '../../src/domain/runSettings';
import type { RawRunSettings } from '../../src/domain/scopedValues';
import { resolveConfig } from '../../src/domain/settings';
import { RESTRICTED_SETTINGS, RUN_SETTING_KEYS, RUN_SETTING_ROWS, RUN_SETTING_SCOPES, SETTING_ROWS } from '../../src/domain/settingsTable';
import { fullKey, SECTION, SETTINGS } from '../../src/settingKeys';
import { englishManifest } from './manifestFile';

const pkg = englishManifest;
const props: Record<string, { order: number; scope: string; default: unknown }> = pkg.contributes.configuration.properties;

describe('settings table: one row per setting, everything else generated from it', () => {
  it('SETTINGS (settingKeys.ts) holds exactly the table\'s keys, in table order', () => {
    assert.deepStrictEqual(Object.keys(SETTINGS), SETTING_ROWS.map((r) => r.key));
    for (const [k, v] of Object.entries(SETTINGS)) assert.strictEqual(v, k);
    assert.strictEqual(fullKey(SETTINGS.runMode), `${SECTION}.runMode`);
    assert.strictEqual(new Set(SETTING_ROWS.map((r) => r.key)).size, SETTING_ROWS.length, 'no key twice');
  });
  it('RUN_SETTING_KEYS are the rows parsed by parseRunSettings, each with exactly one rule', () => {
    assert.deepStrictEqual([...RUN_SETTING_KEYS], SETTING_ROWS.filter((r) => r.parser === 'run').map((r) => r.key));
    assert.deepStrictEqual(Object.keys(RUN_SETTING_RULES).sort(), [...RUN_SETTING_KEYS].sort());
    assert.deepStrictEqual(SETTING_ROWS.filter((r) => r.parser === 'models').map((r) => r.key), ['defaultModels', 'defaultStages', 'customModels', 'presets']);
  });
  it('package.json has one property per row, in table order, with the row\'s scope, default and order', () => {
    assert.deepStrictEqual(Object.keys(props), SETTING_ROWS.map((r) => fullKey(r.key)));
    SETTING_ROWS.forEach((r, i) => {
      const p = props[fullKey(r.key)];
      assert.strictEqual(p.scope, r.scope, r.key);
      assert.deepStrictEqual(p.default, JSON.parse(JSON.stringify(r.default)), r.key);
      assert.strictEqual(p.order, i + 1, r.key);
    });
    assert.deepStrictEqual(pkg.contributes.configuration, JSON.parse(JSON.stringify(configurationContribution())), 'run `npm run manifest`');
  });
  it('RUN_SETTING_SCOPES and restrictedConfigurations come from the rows', () => {
    assert.deepStrictEqual(RUN_SETTING_SCOPES, Object.fromEntries(RUN_SETTING_ROWS.map((r) => [r.key, r.scope])));
    const restricted = SETTING_ROWS.filter((r) => r.restricted).map((r) => r.key);
    assert.deepStrictEqual([...RESTRICTED_SETTINGS], restricted);
    assert.deepStrictEqual(restrictedConfigurations(), restricted.map(fullKey));
    assert.deepStrictEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, restricted.map(fullKey), 'run `npm run manifest`');
  });
  it('RUN_DEFAULTS are the rows\' defaults ("" and null: unset), and what parsing no settings gives', () => {
    assert.deepStrictEqual(RUN_DEFAULTS, {
      runMode: 'headless', projectClaudeSettings: 'ask', permissionMode: 'acceptEdits', permissionModeSource: 'default', allowedTools: [], extraArgs: [],
      maxBudgetUsd: {}, stagePrompts: {}, stageCommands: {}, ticketsDirectory: '.sdlc/tickets', prices: {}, escalation: {}, escalationMode: 'ask',
      defaultSubagentModels: {}, defaultEfforts: {}, isolation: 'worktree', maxParallelPipelines: 2, reviewGate: 'beforeMerge', 'github.comment': 'summary', 'github.draftPullRequests': true,
    });
    for (const r of RUN_SETTING_ROWS) {
      const unset = r.default === '' || r.default === null;
      assert.deepStrictEqual((RUN_DEFAULTS as unknown as Record<string, unknown>)[r.key], unset ? undefined : r.default, r.key);
      assert.strictEqual(r.key in RUN_DEFAULTS, !unset, r.key);
    }
    assert.ok(Object.isFrozen(RUN_DEFAULTS));
    const none = parseRunSettings({}, { trusted: true });
    assert.deepStrictEqual({ ...none.settings, prices: { ...none.settings.prices } }, RUN_DEFAULTS);
    assert.deepStrictEqual(none.problems, []);
  });
  it('the model rows\' defaults are what resolveConfig gives for no settings', () => {
    const cfg = resolveConfig({ defaultModels: {}, customModels: {}, defaultStages: {}, presets: {} });
    const def = (key: string) => SETTING_ROWS.find((r) => r.key === key)!.default;
    assert.deepStrictEqual(cfg.defaultStages, def('defaultStages'));
    assert.deepStrictEqual(cfg.customModels, def('customModels'));
    assert.deepStrictEqual(cfg.defaultModels, def('defaultModels'));
    assert.deepStrictEqual(cfg.presets.filter((p) => !p.builtin), Object.entries(def('presets') as object));
  });
});

describe('settings table: each row\'s scope, restriction and combine rule hold when parsing', () => {
  // prices is a null-prototype object: compared as a plain one.
  const run = (raw: RawRunSettings, trusted = true) => {
    const p = parseRunSettings(raw, { trusted });
    return { ...p, settings: { ...p.settings, prices: { ...p.settings.prices } } };
  };
  it('an application or machine setting set by a workspace or folder is reported and ignored', () => {
    const userOnly = RUN_SETTING_ROWS.filter((r) => r.scope === 'application' || r.scope === 'machine');
    assert.deepStrictEqual(userOnly.map((r) => r.key).sort(), ['claudePath', 'extraArgs', 'github.comment', 'maxDailyBudgetUsd', 'maxParallelPipelines', 'prices', 'projectClaudeSettings', 'runMode', 'worktreesDirectory']);
    for (const r of userOnly)
      for (const scope of ['workspace', 'workspaceFolder'] as const) {
        const p = run({ [r.key]: { [scope]: 'x' } });
        assert.deepStrictEqual(p.problems.length, 1, `${r.key} ${scope}`);
        assert.match(p.problems[0], new RegExp(`^sdlcPipeline\\.${r.key} .*only user settings can set it \\(scope "${r.scope}"\\)`));
        assert.deepStrictEqual((p.settings as unknown as Record<string, unknown>)[r.key], (RUN_DEFAULTS as unknown as Record<string, unknown>)[r.key], r.key);
      }
  });
  it('a restricted setting is read from user settings only (silently) while the workspace is untrusted', () => {
    for (const r of RUN_SETTING_ROWS.filter((x) => x.restricted && x.scope === 'resource')) {
      const p = run({ [r.key]: { workspace: 'not even valid', workspaceFolder: 42 } }, false);
      assert.deepStrictEqual(p.problems, [], r.key);
      assert.deepStrictEqual((p.settings as unknown as Record<string, unknown>)[r.key], (RUN_DEFAULTS as unknown as Record<string, unknown>)[r.key], r.key);
    }
  });
  it('a "lowest" or "perStageLowest" setting: a workspace or folder can lower the user\'s value, never raise it', () => {
    const caps = RUN_SETTING_ROWS.filter((r) => (r.combine === 'lowest' || r.combine === 'perStageLowest') && r.scope === 'resource');
    assert.deepStrictEqual(caps.map((r) => r.key), ['maxBudgetUsd', 'maxTicketBudgetUsd']);
    // The daily cap is the user's alone (application scope): a workspace cannot even lower it.
    assert.deepStrictEqual(RUN_SETTING_ROWS.filter((r) => r.combine === 'lowest' && r.scope === 'application').map((r) => r.key), ['maxDailyBudgetUsd']);
    for (const r of caps) {
      const v = (n: number) => (r.combine === 'lowest' ? n : { build: n });
      for (const scope of ['workspace', 'workspaceFolder'] as const) {
        assert.deepStrictEqual((run({ [r.key]: { user: v(5), [scope]: v(50) } }).settings as unknown as Record<string, unknown>)[r.key], v(5), `${r.key} ${scope}`);
        assert.deepStrictEqual((run({ [r.key]: { user: v(5), [scope]: v(2) } }).settings as unknown as Record<string, unknown>)[r.key], v(2), `${r.key} ${scope}`);
      }
    }
  });
});
