import * as assert from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configurationContribution, restrictedConfigurations, stageCommandContributions } from '../../src/domain/manifest';
import { STAGES } from '../../src/domain/stages';
import { SETTINGS, fullKey } from '../../src/settingKeys';
import { englishManifest } from './manifestFile';

const pkg = englishManifest;

describe('package.json manifest', () => {
  it('every bundle loaded on first use (`lazy(…)`) is built by esbuild.mjs and shipped in the VSIX', () => {
    const root = join(__dirname, '../../..');
    const names = new Set<string>();
    for (const f of readdirSync(join(root, 'src')).filter((x) => x.endsWith('.ts'))) for (const m of readFileSync(join(root, 'src', f), 'utf8').matchAll(/lazy<[^>]*>\('([\w-]+)'\)/g)) names.add(m[1]);
    assert.deepStrictEqual([...names].sort(), ['commands', 'github', 'interactive', 'launch', 'report', 'worktrees']);
    const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');
    const build = readFileSync(join(root, 'esbuild.mjs'), 'utf8');
    for (const n of names) {
      assert.ok(ignore.includes(`!dist/${n}.js`), `.vscodeignore leaves dist/${n}.js out of the VSIX`);
      const entry = new RegExp(`entryPoints: \\['(src/[\\w/]+\\.ts)'\\],\\s*outfile: 'dist/${n}\\.js'`).exec(build)?.[1];
      assert.ok(entry, `esbuild.mjs does not build dist/${n}.js`);
      // Each bundle has its own copy of the l10n module: its translations must be set before any message is made.
      const firstImport = /^import [^\n]+/m.exec(readFileSync(join(root, entry), 'utf8'))?.[0];
      assert.match(firstImport ?? '', /^import '\.\/l10nHost';/, `${entry} must import './l10nHost' first`);
    }
  });
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
  it('restricted configurations cover the settings that can run something, spend, or widen permissions', () => {
    const r = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.deepStrictEqual(r, restrictedConfigurations(), 'generated from the domain (run `npm run manifest`)');
    const expected = ['claudePath', 'extraArgs', 'stagePrompts', 'stageCommands', 'allowedTools', 'permissionMode', 'fallbackModel', 'escalation', 'escalationMode', 'maxBudgetUsd', 'maxTicketBudgetUsd', 'maxDailyBudgetUsd', 'isolation', 'worktreesDirectory', 'reviewGate'];
    assert.deepStrictEqual([...r].sort(), expected.map((k) => `sdlcPipeline.${k}`).sort());
  });
  it('each run setting has a deliberate scope', () => {
    const props = pkg.contributes.configuration.properties;
    const scopes = Object.fromEntries(Object.entries(props).map(([k, v]) => [k.replace('sdlcPipeline.', ''), (v as { scope?: string }).scope]));
    assert.deepStrictEqual(scopes, {
      defaultModels: 'resource', defaultStages: 'resource', customModels: 'resource', presets: 'resource',
      runMode: 'application', projectClaudeSettings: 'application', claudePath: 'machine', permissionMode: 'resource', allowedTools: 'resource', extraArgs: 'application',
      maxBudgetUsd: 'resource', maxTicketBudgetUsd: 'resource', stagePrompts: 'resource', stageCommands: 'resource',
      ticketsDirectory: 'resource', prices: 'application', escalation: 'resource', escalationMode: 'resource', fallbackModel: 'resource',
      isolation: 'resource', baseBranch: 'resource', worktreesDirectory: 'machine', maxParallelPipelines: 'application', reviewGate: 'resource',
      'github.comment': 'application', 'github.draftPullRequests': 'resource', maxDailyBudgetUsd: 'application', defaultSubagentModels: 'resource', defaultEfforts: 'resource',
    });
  });
  it('documents the extraArgs allowlist and the caps\' lowest-wins rule', () => {
    const props = pkg.contributes.configuration.properties;
    const extra: string = props['sdlcPipeline.extraArgs'].markdownDescription;
    for (const f of ['`--max-turns <n>`', '`--effort <low|medium|high|xhigh|max>`', '`--disallowedTools <tool…>`', '`--strict-mcp-config`', '`--permission-mode`', '`--append-system-prompt`']) assert.ok(extra.includes(f), f);
    assert.match(props['sdlcPipeline.maxBudgetUsd'].markdownDescription, /a workspace can lower the cap, never raise or remove it/);
    assert.match(props['sdlcPipeline.maxTicketBudgetUsd'].markdownDescription, /lowest value across/);
    assert.strictEqual(props['sdlcPipeline.prices'].additionalProperties.properties.input.maximum, 10000);
  });
});
