/**
 * The tests module the extension host loads (`extensionTestsPath`). The same `run()` serves
 * code-server (test/harness/integration.mjs) and @vscode/test-electron on a desktop.
 * It writes its own results file because the workbench log truncates host output.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { countNotRun, filesWithoutTests } from '../harness/results.mjs';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, forbidOnly: true, grep: process.env.SDLC_TEST_GREP || undefined });
  const dir = __dirname;
  // `npm run bench` sets SDLC_BENCH=1 to run the benchmarks that need the real host instead;
  // the untrusted suite (Restricted Mode, hostile workspace settings) runs `*.untrusted.js`.
  // the pseudo suite (the qps-ploc pseudo-locale: every translated string visibly changed) runs `*.pseudo.js`.
  const suite = process.env.SDLC_TEST_SUITE;
  const suffix = process.env.SDLC_BENCH === '1' ? '.bench.js' : suite === 'untrusted' ? '.untrusted.js' : suite === 'pseudo' ? '.pseudo.js' : '.test.js';
  // SDLC_TEST_ORDER=reverse runs the files last to first: no file may depend on what an earlier one left.
  // Subfolders too: a test moved into a folder keeps running.
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(suffix)).map((f) => f.split(path.sep).join('/')).sort();
  if (process.env.SDLC_TEST_ORDER === 'reverse') files.reverse();
  const loaded = files.map((f) => path.join(dir, f));
  for (const f of loaded) mocha.addFile(f);
  // `files`: the sources run (test/integration/<name>.ts), for the harness's check that every test file ran.
  const results = { passes: 0, pending: 0, failures: [] as Array<{ title: string; error: string }>, tests: [] as Array<{ title: string; state: string; ms?: number }>, files: files.map((f) => `test/integration/${f.replace(/\.js$/, '.ts')}`) };
  const write = () => {
    if (process.env.SDLC_TEST_RESULTS) writeFileSync(process.env.SDLC_TEST_RESULTS, JSON.stringify(results, null, 2));
  };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      countNotRun(runner, results);
      results.failures.push(...filesWithoutTests(mocha.suite, loaded, (f) => `test/integration/${path.relative(dir, f).replace(/\.js$/, '.ts')}`));
      write();
      if (failures || results.failures.length) reject(new Error(`${results.failures.length || failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('pending', (t) => {
      results.pending++;
      results.tests.push({ title: t.fullTitle(), state: 'pending' });
    });
    runner.on('pass', (t) => {
      results.passes++;
      results.tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration });
      console.log(`✔ ${t.fullTitle()}`);
    });
    runner.on('fail', (t, err: Error) => {
      results.failures.push({ title: t.fullTitle(), error: String(err?.stack ?? err).slice(0, 4000) });
      results.tests.push({ title: t.fullTitle(), state: 'failed' });
      console.log(`✘ ${t.fullTitle()}: ${err?.message}`);
      write();
    });
  });
}
