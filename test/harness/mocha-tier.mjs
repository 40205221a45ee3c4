// Runs one mocha tier in this process and writes { passes, failures, pending, tests, files } to a JSON file.
//   node mocha-tier.mjs <results.json> <file.js>...
// A stray `.only` fails the tier (forbidOnly); a test that never ran because a hook failed counts
// as failed (see countNotRun), never as vanished; a file that registers no test fails too.
import Mocha from 'mocha';
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { countNotRun, filesWithoutTests } from './results.mjs';

const [resultsFile, ...files] = process.argv.slice(2);
const mocha = new Mocha({ ui: 'bdd', timeout: Number(process.env.SDLC_MOCHA_TIMEOUT ?? 120_000), color: true, reporter: 'spec', forbidOnly: true, grep: process.env.SDLC_TEST_GREP || undefined });
for (const f of files) mocha.addFile(resolve(f));

const loaded = files.map((f) => resolve(f));
const results = { passes: 0, failures: [], pending: 0, tests: [], files: loaded };
await mocha.loadFilesAsync();
const runner = mocha.run((failures) => {
  countNotRun(runner, results);
  results.failures.push(...filesWithoutTests(mocha.suite, loaded, (f) => relative(process.cwd(), f).replace(/^out\//, '').replace(/\.test\.js$/, '.test.ts')));
  writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  process.exitCode = failures || results.failures.length ? 1 : 0;
});
runner.on('pass', (t) => {
  results.passes++;
  results.tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration });
});
runner.on('fail', (t, err) => {
  results.failures.push({ title: t.fullTitle(), error: String(err?.stack ?? err).slice(0, 4000) });
  results.tests.push({ title: t.fullTitle(), state: 'failed' });
});
runner.on('pending', (t) => {
  results.pending++;
  results.tests.push({ title: t.fullTitle(), state: 'pending' });
});
