/**
 * package.json as VS Code reads it in English: every `%key%` replaced by its text from
 * package.nls.json (a key missing there fails the test that loads it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
export const rawManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
export const nls: Record<string, string> = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));

function resolve(value: unknown): unknown {
  if (typeof value === 'string') {
    const m = /^%([\w.-]+)%$/.exec(value);
    if (!m) return value;
    if (!Object.hasOwn(nls, m[1])) throw new Error(`package.json names %${m[1]}%, which package.nls.json lacks`);
    return nls[m[1]];
  }
  if (Array.isArray(value)) return value.map(resolve);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  return value;
}

export const englishManifest = resolve(rawManifest) as typeof rawManifest;
