import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configurationContribution, stageCommandContributions } from '../../src/domain/manifest';
import { STAGES } from '../../src/domain/stages';
import { SETTINGS, fullKey } from '../../src/settingKeys';

const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));

describe('package.json manifest', () => {
  it('settings schema is generated from the tables (run `npm run manifest` when this fails)', () => {
    assert.deepStrictEqual(pkg.contributes.configuration, JSON.parse(JSON.stringify(configurationContribution())));
  });
  it('has one command per stage, in the SDLC category', () => {
    for (const c of stageCommandContributions()) assert.ok(pkg.contributes.commands.some((x: { command: string; category: string }) => x.command === c.command && x.category === 'SDLC'), c.command);
    assert.strictEqual(stageCommandContributions().length, STAGES.length);
  });
  it('every setting key in settingKeys.ts is contributed, and vice versa', () => {
    const contributed = Object.keys(pkg.contributes.configuration.properties).sort();
    assert.deepStrictEqual(Object.values(SETTINGS).map(fullKey).sort(), contributed);
  });
  it('every contributed command is in the SDLC category; activation is implicit', () => {
    for (const c of pkg.contributes.commands) assert.strictEqual(c.category, 'SDLC', c.command);
    assert.deepStrictEqual(pkg.activationEvents, []);
    assert.strictEqual(pkg.name, 'sdlc-pipeline');
    assert.strictEqual(pkg.displayName, 'SDLC Pipeline');
  });
  it('restricted configurations cover the settings that can run something', () => {
    const r = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const k of ['claudePath', 'extraArgs', 'stagePrompts']) assert.ok(r.includes(`sdlcPipeline.${k}`), k);
  });
});
