// `npm run bench`: pure benchmarks (store, tree page, stream renderer) on Node, then the
// command → spawn benchmark inside the real VS Code extension host.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './codeserver.mjs';
import { runIntegration } from './integration.mjs';

await esbuild.build({ entryPoints: [`${repoRoot}/test/bench/bench.ts`], outfile: `${repoRoot}/out/bench/bench.js`, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
execFileSync(process.execPath, [`${repoRoot}/out/bench/bench.js`], { stdio: 'inherit' });

if (!process.argv.includes('--node-only')) {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'ignore' });
  execFileSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: repoRoot, stdio: 'ignore' });
  const file = join(mkdtempSync(join(tmpdir(), 'sdlc-bench-')), 'host.json');
  const res = await runIntegration({ env: { SDLC_BENCH: '1', SDLC_BENCH_RESULTS: file } });
  if (!existsSync(file)) {
    console.error('host benchmark failed:', JSON.stringify(res.failures, null, 2));
    process.exit(1);
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`\nIn the real extension host (code-server, ${r.runs} runs each, medians):`);
  console.log(`  "Run Stage" command → claude process spawned   ${r.oursMedianMs.toFixed(1)} ms`);
  console.log(`  bare createTerminal → process id               ${r.bareMedianMs.toFixed(1)} ms`);
  console.log(`  overhead                                       ${r.overheadPct.toFixed(0)} %`);
}
