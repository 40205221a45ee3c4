// One bundle per world: the extension host (Node, CJS, `vscode` external) and the form (browser).
// Unit and integration tests are bundled too (mocha/vscode external); e2e tests are plain .mjs.  Usage:
//   node esbuild.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  // Loaded on first use (src/lazy.ts): the git worktree feature.
  {
    ...common,
    entryPoints: ['src/worktrees.ts'],
    outfile: 'dist/worktrees.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  // Loaded with the first run, resume or pipeline (src/runner.ts, src/pipeline.ts): starting a
  // stage's CLI and recording its result, and running a pipeline.
  {
    ...common,
    entryPoints: ['src/launcher.ts'],
    outfile: 'dist/launch.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  // Loaded with the first command run (src/commands.ts) or the pipeline's "Retry with Another
  // Model…" (src/extension.ts): what each command does, and the quick picks.
  {
    ...common,
    entryPoints: ['src/commandHandlers.ts'],
    outfile: 'dist/commands.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  // Loaded on first use: the cost report (its HTML, charts and CSV).
  {
    ...common,
    entryPoints: ['src/costReport.ts'],
    outfile: 'dist/report.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  // Loaded with the first interactive run: following its transcript for cost and caps.
  {
    ...common,
    entryPoints: ['src/interactiveCost.ts'],
    outfile: 'dist/interactive.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  // Loaded on first use: GitHub in and out, with Octokit.
  {
    ...common,
    entryPoints: ['src/github.ts'],
    outfile: 'dist/github.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { main: 'webview-ui/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    loader: { '.css': 'css' },
  },
  {
    ...common,
    entryPoints: { main: 'webview-ui/main.css' },
    outdir: 'dist/webview',
    sourcemap: false,
  },
];

function files(dir, suffix) {
  const out = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...files(p, suffix));
    else if (p.endsWith(suffix)) out.push(p);
  }
  return out;
}

if (production) rmSync('dist', { recursive: true, force: true }); // no stale sourcemaps

if (tests && !watch) {
  // Tests run what was just built: a bundle of a test file since deleted or moved must not linger.
  rmSync('out/test', { recursive: true, force: true });
}

if (tests) {
  const testCommon = { ...common, minify: false, sourcemap: 'inline', platform: 'node', format: 'cjs', target: 'node20' };
  builds.push(
    { ...testCommon, entryPoints: files('test/unit', '.test.ts'), outdir: 'out/test/unit', external: ['mocha', 'esbuild'] },
    {
      ...testCommon,
      entryPoints: ['test/integration/index.ts', ...files('test/integration', '.test.ts'), ...files('test/integration', '.untrusted.ts'), ...files('test/integration', '.pseudo.ts'), ...files('test/integration', '.bench.ts')],
      outdir: 'out/test/integration',
      external: ['vscode', 'mocha'],
    },
  );
}

if (watch) {
  for (const b of builds) {
    const ctx = await esbuild.context(b);
    await ctx.watch();
  }
  console.log('[watch] esbuild is watching for changes');
} else {
  const started = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`[build] ${production ? 'production' : 'development'}${tests ? ' + tests' : ''} in ${Date.now() - started} ms`);
}
