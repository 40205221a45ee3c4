/**
 * Modules bundled on their own (`dist/<name>.js`, see esbuild.mjs) and loaded on first use, so
 * activation does not pay for features a session may never touch. How long each load took is
 * kept for `npm run bench` (`loadTimes`).
 */
import * as path from 'node:path';

/** Shared by every bundle's copy of this module (each bundle has one): one record per window. */
const times: Record<string, number> = ((globalThis as { [k: symbol]: Record<string, number> })[Symbol.for('sdlcPipeline.lazyLoadTimes')] ??= {});

export function lazy<T>(name: string): () => T {
  let mod: T | undefined;
  return () => {
    if (mod) return mod;
    const started = performance.now();
    // A runtime require of a file beside this bundle: esbuild leaves it alone (an import would be bundled in).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(path.join(__dirname, `${name}.js`)) as T;
    times[name] ??= performance.now() - started;
    return mod;
  };
}

/** Each bundle loaded so far (by any bundle), and its first require's wall time (ms). */
export function loadTimes(): Readonly<Record<string, number>> {
  return { ...times };
}
