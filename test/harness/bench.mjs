// `npm run bench`: bundles and runs test/bench/bench.ts.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { repoRoot } from './codeserver.mjs';

await esbuild.build({ entryPoints: [`${repoRoot}/test/bench/bench.ts`], outfile: `${repoRoot}/out/bench/bench.js`, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
execFileSync(process.execPath, [`${repoRoot}/out/bench/bench.js`], { stdio: 'inherit' });
