/**
 * Modules bundled on their own (`dist/<name>.js`, see esbuild.mjs) and loaded on first use, so
 * activation does not pay for features a session may never touch.
 */
import * as path from 'node:path';

export function lazy<T>(name: string): () => T {
  let mod: T | undefined;
  // A runtime require of a file beside this bundle: esbuild leaves it alone (an import would be bundled in).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return () => (mod ??= require(path.join(__dirname, `${name}.js`)) as T);
}
