/**
 * Reads the Claude Code settings files — and the sub-agent, command and skill definitions — the
 * CLI would find in a folder, the way a repository's files are read: no link followed, regular
 * files only, at most PROJECT_SETTINGS_MAX_BYTES each (see safeFiles). A link, an oversized file
 * or a FIFO is named, not read, and counts as a risk. Node only (no `vscode`), so the unit tier
 * reads real folders with it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_DEFINITION_DIRS, PROJECT_DEFINITION_MAX_FILES, PROJECT_SETTINGS_FILES, PROJECT_SETTINGS_MAX_BYTES, type SettingsFileRead } from './domain/projectSettings';
import { safeReadFile, UnsafePathError } from './safeFiles';

/** The settings files the CLI would read in `cwd`, as it would see them (absent ones left out). */
export async function readProjectSettings(cwd: string): Promise<SettingsFileRead[]> {
  const files: SettingsFileRead[] = [];
  for (const name of PROJECT_SETTINGS_FILES) {
    try {
      const read = await safeReadFile(cwd, name, PROJECT_SETTINGS_MAX_BYTES);
      if (!read) continue;
      files.push(read.truncated ? { name, unreadable: 'oversized' } : { name, text: read.text });
    } catch (e) {
      files.push({ name, unreadable: e instanceof UnsafePathError && e.kind === 'link' ? 'link' : 'not-a-file' });
    }
  }
  files.push(...(await readDefinitions(cwd)));
  return files;
}

/** Every file under the definition folders (three levels deep, sorted, at most PROJECT_DEFINITION_MAX_FILES), read as above. */
async function readDefinitions(cwd: string): Promise<SettingsFileRead[]> {
  const out: SettingsFileRead[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    let st;
    try {
      st = await fs.lstat(path.join(cwd, ...rel.split('/')));
    } catch {
      return;
    }
    if (st.isSymbolicLink()) return void out.push({ name: rel, unreadable: 'link' });
    if (st.isFile()) {
      try {
        const read = await safeReadFile(cwd, rel, PROJECT_SETTINGS_MAX_BYTES);
        if (read) out.push(read.truncated ? { name: rel, unreadable: 'oversized' } : { name: rel, text: read.text });
      } catch (e) {
        out.push({ name: rel, unreadable: e instanceof UnsafePathError && e.kind === 'link' ? 'link' : 'not-a-file' });
      }
      return;
    }
    if (!st.isDirectory()) return void out.push({ name: rel, unreadable: 'not-a-file' });
    if (depth >= 3) return;
    const names = (await fs.readdir(path.join(cwd, ...rel.split('/'))).catch(() => [] as string[])).sort();
    for (const n of names) {
      if (out.length >= PROJECT_DEFINITION_MAX_FILES) return;
      await walk(`${rel}/${n}`, depth + 1);
    }
  };
  // The folders themselves are checked with lstat too: `.claude` a link is named, not followed.
  try {
    if ((await fs.lstat(path.join(cwd, '.claude'))).isSymbolicLink()) return [{ name: PROJECT_DEFINITION_DIRS[0], unreadable: 'link' }];
  } catch {
    return [];
  }
  for (const d of PROJECT_DEFINITION_DIRS) await walk(d, 0);
  if (out.length >= PROJECT_DEFINITION_MAX_FILES) out.push({ name: `${PROJECT_DEFINITION_DIRS[0]}/…`, unreadable: 'too-many' });
  return out;
}
