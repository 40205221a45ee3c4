// Writes (--write) or checks (--check) the generated parts of package.json: the settings schema and
// the restricted configurations of untrusted workspaces (from the settings table,
// src/domain/settingsTable.ts, and the settings' package.json text, src/domain/settingsSchema.ts)
// and the per-stage commands, as src/domain/manifest.ts builds them.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const out = await esbuild.build({ entryPoints: ['src/domain/manifest.ts'], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'error' });
const mod = { exports: {} };
new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
const { configurationContribution, restrictedConfigurations, stageCommandContributions } = mod.exports;

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const next = structuredClone(pkg);
next.contributes.configuration = configurationContribution();
next.capabilities.untrustedWorkspaces.restrictedConfigurations = restrictedConfigurations();
const stageIds = new Set(stageCommandContributions().map((c) => c.command));
const others = next.contributes.commands.filter((c) => !stageIds.has(c.command));
const at = others.findIndex((c) => c.command === 'sdlcPipeline.runPipeline');
next.contributes.commands = [...others.slice(0, at + 1), ...stageCommandContributions(), ...others.slice(at + 1)];
const text = JSON.stringify(next, null, 2) + '\n';
if (process.argv.includes('--check')) {
  if (text !== readFileSync('package.json', 'utf8')) {
    console.error('package.json is out of date with src/domain/settingsTable.ts / settingsSchema.ts / manifest.ts: run npm run manifest');
    process.exit(1);
  }
} else writeFileSync('package.json', text);
