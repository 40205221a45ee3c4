// `npm test`: builds, then runs every tier — unit (Node), integration (real VS Code extension
// host), end-to-end (playwright driving the real workbench) — and ends with "N passed, N failed".
//   --only unit|integration|e2e   one tier
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { repoRoot } from './codeserver.mjs';
import { runIntegration } from './integration.mjs';
import { orphanTestFiles } from './results.mjs';
import { ensureAll } from './tools.mjs';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const tiers = only ? [only] : ['unit', 'integration', 'e2e'];
const started = Date.now();
const say = (m) => console.log(`\n\x1b[1m== ${m}\x1b[0m`);

say('build');
execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
execFileSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: repoRoot, stdio: 'inherit' });

/** Every file under `dir` (subfolders too) whose name ends with `ext`. */
const list = (dir, ext = '.test.js') => (existsSync(join(repoRoot, dir)) ? readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(ext)).sort().map((f) => join(repoRoot, dir, f)) : []);

/** The source (repository-relative, `/`) of a file a tier ran: out/test/unit/a/b.test.js → test/unit/a/b.test.ts. */
const sourceOf = (file) => {
  const rel = relative(repoRoot, file).split(sep).join('/');
  return rel.startsWith('out/') ? rel.slice(4).replace(/\.js$/, '.ts') : rel;
};

function mochaTier(name, files, extraEnv = {}) {
  const out = join(mkdtempSync(join(tmpdir(), `sdlc-${name}-`)), 'results.json');
  const r = spawnSync(process.execPath, [join(repoRoot, 'test/harness/mocha-tier.mjs'), out, ...files], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, ...extraEnv },
  });
  if (existsSync(out)) return JSON.parse(readFileSync(out, 'utf8'));
  return { passes: 0, failures: [{ title: `${name} tier`, error: `mocha exited with ${r.status ?? r.signal} and wrote no results` }] };
}

const summary = {};
/** The sources each tier ran (see the check after the tiers). */
const ran = new Set();
const grep = process.env.SDLC_TEST_GREP;
/** A tier (or suite) that ran nothing is a failure, unless SDLC_TEST_GREP filtered it on purpose. */
const ranNothing = (name, r) => !grep && (r.passes ?? 0) + (r.failures?.length ?? 0) === 0 ? [{ title: `${name}`, error: 'ran no tests (a tier that runs nothing proves nothing)' }] : [];
for (const tier of tiers) {
  const t0 = Date.now();
  say(`${tier} tests`);
  let res;
  try {
    if (tier === 'unit') res = mochaTier('unit', list('out/test/unit'));
    else if (tier === 'integration') {
      // Three real hosts: a trusted multi-root window, Restricted Mode on a hostile repository, and
      // the pseudo-locale (every user-facing string through l10n).
      res = { passes: 0, pending: 0, failures: [], tests: [] };
      for (const suite of ['trusted', 'untrusted', 'pseudo']) {
        const r = await runIntegration({ suite });
        res.passes += r.passes ?? 0;
        res.pending += r.pending ?? 0;
        res.failures.push(...(r.failures ?? []), ...ranNothing(`integration (${suite})`, r));
        for (const f of r.files ?? []) ran.add(f);
        for (const t of r.tests ?? []) console.log(`  ${t.state === 'passed' ? '\x1b[32m✔\x1b[0m' : t.state === 'pending' ? '\x1b[33m-\x1b[0m' : '\x1b[31m✘\x1b[0m'} [${suite}] ${t.title}${t.ms ? ` (${t.ms} ms)` : ''}`);
      }
    } else if (tier === 'e2e') {
      ensureAll();
      res = mochaTier('e2e', list('test/e2e', '.test.mjs'), { SDLC_MOCHA_TIMEOUT: '240000' });
    } else throw new Error(`unknown tier ${tier}`);
  } catch (e) {
    res = { passes: 0, failures: [{ title: `${tier} tier`, error: String(e?.stack ?? e) }] };
  }
  res.failures.push(...ranNothing(`${tier} tier`, res));
  for (const f of res.files ?? []) ran.add(sourceOf(f));
  // Skipped tests fail, here as in CI: a test that cannot run cannot fail.
  if (res.pending) res.failures.push({ title: `${tier} tier`, error: `${res.pending} pending (skipped) test(s): every test runs (remove the .skip, or the test)` });
  summary[tier] = { passed: res.passes, failed: res.failures.length, pending: res.pending ?? 0, seconds: Math.round((Date.now() - t0) / 1000) };
  for (const f of res.failures) console.log(`\n\x1b[31m✘ ${tier}: ${f.title}\x1b[0m\n${f.error}`);
}

// Every test file under test/ ran in some tier: one in a folder no tier collects, or with a name
// no tier loads, would otherwise stop running without a word.
{
  const all = readdirSync(join(repoRoot, 'test'), { recursive: true, encoding: 'utf8' }).map((f) => `test/${f.split(sep).join('/')}`);
  const orphans = orphanTestFiles(all, ran, tiers);
  if (orphans.length) {
    summary.files = { passed: 0, failed: orphans.length, pending: 0, seconds: 0 };
    for (const f of orphans) console.log(`\n\x1b[31m✘ ${f}: no tier ran it (unit: test/unit/**/*.test.ts, integration: test/integration/**/*.{test,untrusted,pseudo}.ts, e2e: test/e2e/**/*.test.mjs)\x1b[0m`);
  }
}

say('summary');
let passed = 0;
let failed = 0;
let pending = 0;
for (const [tier, s] of Object.entries(summary)) {
  console.log(`${tier.padEnd(12)} ${String(s.passed).padStart(4)} passed ${String(s.failed).padStart(3)} failed ${String(s.pending).padStart(3)} skipped  (${s.seconds} s)`);
  passed += s.passed;
  failed += s.failed;
  pending += s.pending;
}
if (passed === 0 && failed === 0) failed = 1; // a run that ran nothing is a failure
console.log(`total time ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
// Exit explicitly: a stray handle must never keep CI waiting after the verdict.
process.exit(failed ? 1 : 0);
