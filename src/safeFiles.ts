/**
 * Writes files the extension owns inside a workspace folder without ever following a link:
 * every folder on the way is checked with `lstat` (created if missing), the target must be a
 * regular file or absent, and the content goes to a temp file renamed over the target (atomic,
 * and a hard link to a file elsewhere is replaced, never written through). A repository can
 * plant `.sdlc/tickets/1/ticket.md → ~/.bashrc`; this is what keeps that file unchanged.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as l10n from './domain/l10n';

export class UnsafePathError extends Error {}

async function lstatOrUndefined(p: string) {
  try {
    return await fs.lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** True when `target` is `root` or inside it (both absolute, already resolved). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Makes each folder of `relDir` under `root` (real path), refusing links and non-folders.
 * Returns the absolute folder.
 */
async function safeMkdirs(root: string, relDir: string): Promise<string> {
  const realRoot = await fs.realpath(root);
  const parts = relDir.split(/[\\/]+/).filter(Boolean);
  if (parts.some((p) => p === '..' || p === '.')) throw new UnsafePathError(l10n.t('"{0}" must be a plain relative folder.', relDir));
  let dir = realRoot;
  for (const part of parts) {
    dir = path.join(dir, part);
    const st = await lstatOrUndefined(dir);
    if (!st) {
      try {
        await fs.mkdir(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const again = await fs.lstat(dir);
      if (!again.isDirectory()) throw new UnsafePathError(l10n.t('{0} is not a folder.', dir));
    } else if (st.isSymbolicLink()) {
      throw new UnsafePathError(l10n.t('{0} is a symbolic link; SDLC Pipeline does not write through links.', dir));
    } else if (!st.isDirectory()) {
      throw new UnsafePathError(l10n.t('{0} is not a folder.', dir));
    }
  }
  // Belt and braces against a swap between the checks and now.
  if (!isInside(realRoot, await fs.realpath(dir))) throw new UnsafePathError(l10n.t('{0} resolves outside the workspace folder.', dir));
  return dir;
}

/** Writes `root/relFile` atomically; refuses links anywhere on the way and a target that is not a regular file. */
export async function safeWriteFile(root: string, relFile: string, content: string): Promise<string> {
  const dir = await safeMkdirs(root, path.dirname(relFile));
  const file = path.join(dir, path.basename(relFile));
  const st = await lstatOrUndefined(file);
  if (st?.isSymbolicLink()) throw new UnsafePathError(l10n.t('{0} is a symbolic link; SDLC Pipeline does not write through links. Remove the link to run this ticket.', file));
  if (st && !st.isFile()) throw new UnsafePathError(l10n.t('{0} is not a regular file.', file));
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', 0o644);
  try {
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
  try {
    // The folder must still be the one checked (not swapped for a link since): compare its real path.
    if ((await fs.realpath(dir)) !== dir) throw new UnsafePathError(l10n.t('{0} changed while the ticket file was written; nothing was written.', dir));
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  return file;
}
