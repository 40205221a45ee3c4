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
