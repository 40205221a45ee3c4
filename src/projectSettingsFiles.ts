/**
 * Reads the Claude Code settings files the CLI would find in a folder, the way a repository's
 * files are read: no link followed, regular files only, at most PROJECT_SETTINGS_MAX_BYTES each
 * (see safeFiles). A link, an oversized file or a FIFO is named, not read, and counts as a risk.
 * Node only (no `vscode`), so the unit tier reads real folders with it.
 */
import { PROJECT_SETTINGS_FILES, PROJECT_SETTINGS_MAX_BYTES, type SettingsFileRead } from './domain/projectSettings';
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
  return files;
}
