import type { Runner } from 'mocha';

/** See results.mjs. */
export function countNotRun(runner: Runner, results: { failures: Array<{ title: string; error: string }>; tests: Array<{ title: string; state: string }> }): void;

/** See results.mjs. */
export function filesWithoutTests(root: import('mocha').Suite, files: string[], name?: (file: string) => string): Array<{ title: string; error: string }>;
export function tierOf(file: string): 'unit' | 'integration' | 'e2e' | undefined;
export function orphanTestFiles(files: string[], ran: Set<string>, tiers: string[]): string[];
