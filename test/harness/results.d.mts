import type { Runner } from 'mocha';

/** See results.mjs. */
export function countNotRun(runner: Runner, results: { failures: Array<{ title: string; error: string }>; tests: Array<{ title: string; state: string }> }): void;
