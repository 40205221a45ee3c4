/**
 * The harness cannot skip a test file (issue #23): a file moved into a subfolder still runs, a
 * file that registers no test fails its tier, a skipped test fails (locally as in CI), a stray
 * `.only` fails, and a test file no tier collects is named. Runs the real mocha-tier.mjs on
 * fixture files written to a temporary folder.
 */
import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { orphanTestFiles, tierOf } from '../harness/results.mjs';

interface TierResults { passes: number; pending: number; failures: Array<{ title: string; error: string }>; files: string[] }

/** Runs mocha-tier.mjs (from the repository, found from the compiled test's folder) on the given fixture files. */
function runTier(files: Record<string, string>): { code: number | null; results: TierResults; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdlc-harness-'));
  try {
    const paths = Object.entries(files).map(([name, text]) => {
      const p = path.join(dir, name);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, text);
      return p;
    });
    const out = path.join(dir, 'results.json');
    const tier = path.resolve(__dirname, '../../../test/harness/mocha-tier.mjs');
    const r = spawnSync(process.execPath, [tier, out, ...paths], { cwd: dir, encoding: 'utf8', env: { ...process.env, SDLC_TEST_GREP: '' } });
    // No results file at all (mocha gave up while loading): run-all counts that as a failed tier.
    const results = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as TierResults) : { passes: 0, pending: 0, failures: [{ title: 'tier', error: 'no results' }], files: [] };
    return { code: r.status, results, output: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PASSING = "describe('a suite', () => { it('passes', () => undefined); });\n";

describe('the test harness cannot skip a file', () => {
  it('a file with tests passes; the results name the file', () => {
    const { code, results } = runTier({ 'a.test.js': PASSING });
    assert.deepStrictEqual([code, results.passes, results.failures.length, results.files.map((f) => path.basename(f))], [0, 1, 0, ['a.test.js']]);
  });

  it('a file that registers no test fails its tier, named', () => {
    const { code, results } = runTier({ 'a.test.js': PASSING, 'sub/empty.test.js': "describe('nothing', () => {});\n" });
    assert.strictEqual(code, 1);
    // Named as its source: the tier runs compiled `*.test.js` of `*.test.ts` files.
    assert.deepStrictEqual(results.failures.map((f) => f.title), ['sub/empty.test.ts']);
    assert.match(results.failures[0].error, /has no tests/);
  });

  it('a skipped test is counted as pending (run-all fails a tier with any), and a stray .only fails the tier', () => {
    const skipped = runTier({ 'a.test.js': "describe('s', () => { it.skip('skipped', () => undefined); it('runs', () => undefined); });\n" });
    assert.deepStrictEqual([skipped.results.pending, skipped.results.passes], [1, 1]);
    const only = runTier({ 'a.test.js': "describe('s', () => { it.only('only', () => undefined); it('other', () => undefined); });\n" });
    assert.notStrictEqual(only.code, 0, only.output);
    assert.match(only.output, /\.only forbidden|forbid/i);
  });

  it('knows which tier collects a file, in subfolders too', () => {
    assert.deepStrictEqual(
      ['test/unit/a.test.ts', 'test/unit/github/b.test.ts', 'test/integration/07-github.test.ts', 'test/integration/x/u1.untrusted.ts', 'test/integration/p1.pseudo.ts', 'test/e2e/01.test.mjs', 'test/e2e/01.test.ts', 'test/other/c.test.ts', 'test/unit/helpers.ts'].map(tierOf),
      ['unit', 'unit', 'integration', 'integration', 'integration', 'e2e', undefined, undefined, undefined],
    );
  });

  it('names every test file that no tier ran, and only those', () => {
    const files = ['test/unit/a.test.ts', 'test/unit/sub/b.test.ts', 'test/integration/01.test.ts', 'test/e2e/01.test.mjs', 'test/other/lost.test.ts', 'test/e2e/typo.test.ts', 'test/unit/memoryKV.ts', 'test/harness/x.test.mjs'];
    const ran = new Set(['test/unit/a.test.ts', 'test/integration/01.test.ts', 'test/e2e/01.test.mjs']);
    assert.deepStrictEqual(orphanTestFiles(files, ran, ['unit', 'integration', 'e2e']), ['test/e2e/typo.test.ts', 'test/other/lost.test.ts', 'test/unit/sub/b.test.ts']);
    // With one tier run (npm run test:unit), the other tiers' files are not expected to have run.
    assert.deepStrictEqual(orphanTestFiles(files, new Set(['test/unit/a.test.ts']), ['unit']), ['test/e2e/typo.test.ts', 'test/other/lost.test.ts', 'test/unit/sub/b.test.ts']);
  });
});
