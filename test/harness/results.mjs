// Shared by every mocha tier (Node and the extension host's copy in test/integration/index.ts).

/**
 * Tests that mocha never reached because a `before`/`beforeEach` hook failed are reported as
 * failures named after the test, so a broken hook cannot make its suite's tests vanish.
 * @param {import('mocha').Runner} runner
 * @param {{ failures: Array<{ title: string, error: string }>, tests: Array<{ title: string, state: string }> }} results
 */
export function countNotRun(runner, results) {
  const seen = new Set(results.tests.map((t) => t.title));
  // Tests a grep left out were not meant to run (mocha keeps its compiled grep on the runner).
  const grep = runner._grep instanceof RegExp ? runner._grep : undefined;
  const selected = (title) => !grep || grep.test(title) !== Boolean(runner._invert);
  const walk = (suite) => {
    for (const t of suite.tests) {
      const title = t.fullTitle();
      if (seen.has(title) || t.isPending() || !selected(title)) continue;
      results.failures.push({ title, error: 'not run: a hook of its suite failed (see the hook\'s failure)' });
      results.tests.push({ title, state: 'failed' });
    }
    for (const s of suite.suites) walk(s);
  };
  walk(runner.suite);
}

/**
 * Files loaded into a tier that registered no test: a failure each (a file whose tests were all
 * deleted, or whose `describe` never ran, proves nothing). Counted from the suite tree, so a
 * grep that filters what runs does not make a file look empty.
 * @param {import('mocha').Suite} root
 * @param {string[]} files the files the tier loaded (as mocha was given them)
 * @param {(file: string) => string} name how to name a file in the failure
 * @returns {Array<{ title: string, error: string }>}
 */
export function filesWithoutTests(root, files, name = (f) => f) {
  const counted = new Set();
  const walk = (suite) => {
    for (const t of suite.tests) if (t.file) counted.add(t.file);
    for (const s of suite.suites) walk(s);
  };
  walk(root);
  return files.filter((f) => !counted.has(f)).map((f) => ({ title: name(f), error: 'has no tests: a test file that registers no test proves nothing (delete it, or give it a test)' }));
}

/** The tier that collects a test file (repository-relative, `/`), or undefined when none does. */
export function tierOf(file) {
  if (/^test\/unit\/.*\.test\.ts$/.test(file)) return 'unit';
  if (/^test\/integration\/.*\.(test|untrusted|pseudo)\.ts$/.test(file)) return 'integration';
  if (/^test\/e2e\/.*\.test\.mjs$/.test(file)) return 'e2e';
  return undefined;
}

/**
 * Test files that were never run: every file under test/ (outside the harness) named as a test
 * (`*.test.*`, `*.untrusted.*`, `*.pseudo.*` in .ts or .mjs) that no tier collects, or that a tier
 * which ran (`tiers`) collects but did not report in `ran` (its sources).
 * @param {string[]} files repository-relative paths with `/`
 * @param {Set<string>} ran
 * @param {string[]} tiers
 */
export function orphanTestFiles(files, ran, tiers) {
  return files.filter((f) => /\.(test|untrusted|pseudo)\.(ts|mjs)$/.test(f) && !f.startsWith('test/harness/') && !ran.has(f) && (!tierOf(f) || tiers.includes(tierOf(f)))).sort();
}
