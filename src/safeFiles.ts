/**
 * Writes files the extension owns inside a workspace folder without ever following a link:
 * every folder on the way is checked with `lstat` (created if missing), the target must be a
 * regular file or absent, and the content goes to a temp file renamed over the target (atomic,
 * and a hard link to a file elsewhere is replaced, never written through). A repository can
 * plant `.sdlc/tickets/1/ticket.md → ~/.bashrc`; this is what keeps that file unchanged.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as l10n from './domain/l10n';

/** Why a path was refused: a link on the way, not a regular file or folder, or leaving the root / not a plain relative path. */
export type UnsafeKind = 'link' | 'not-a-file' | 'outside';

export class UnsafePathError extends Error {
  constructor(message: string, readonly kind: UnsafeKind = 'outside') {
    super(message);
  }
}


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

/** What `safeReadFile` found: the text (cut at `maxBytes`, then `truncated`), or nothing there. */
export interface SafeRead {
  text: string;
  truncated: boolean;
}

/**
 * Reads `root/relFile` the way a repository's file must be read: no link followed anywhere
 * under `root` (each folder on the way is `lstat`ed, the file is opened with `O_NOFOLLOW`), only
 * a regular file (never a FIFO, device or `/proc` entry), whose real path stays inside `root`,
 * and at most `maxBytes` bytes. Undefined when the file (or a folder on the way) does not exist;
 * `UnsafePathError` for a link, a non-regular file or a path that leaves `root`.
 */
export async function safeReadFile(root: string, relFile: string, maxBytes: number): Promise<SafeRead | undefined> {
  const parts = relFile.split(/[\\/]+/).filter(Boolean);
  if (!parts.length || parts.some((p) => p === '..' || p === '.')) throw new UnsafePathError(l10n.t('"{0}" must be a plain relative path.', relFile));
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let at = realRoot;
  for (const part of parts) {
    at = path.join(at, part);
    const st = await lstatOrUndefined(at);
    if (!st) return undefined;
    if (st.isSymbolicLink()) throw new UnsafePathError(l10n.t('{0} is a symbolic link; SDLC Pipeline does not read through links.', at), 'link');
    if (at !== path.join(realRoot, ...parts) && !st.isDirectory()) throw new UnsafePathError(l10n.t('{0} is not a folder.', at), 'not-a-file');
  }
  let handle: fs.FileHandle;
  try {
    // O_NONBLOCK: a FIFO swapped in after the checks must not hang the open.
    handle = await fs.open(at, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP' || code === 'EMLINK') throw new UnsafePathError(l10n.t('{0} is a symbolic link; SDLC Pipeline does not read through links.', at), 'link');
    throw e;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new UnsafePathError(l10n.t('{0} is not a regular file.', at), 'not-a-file');
    // The folders must still be the ones checked (not swapped for a link since).
    if (!isInside(realRoot, await fs.realpath(path.dirname(at)))) throw new UnsafePathError(l10n.t('{0} resolves outside the workspace folder.', at));
    // st.size is not trusted (a /proc entry says 0): read up to one byte past the limit.
    const buf = Buffer.alloc(maxBytes + 1);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, got);
      if (!bytesRead) break;
      got += bytesRead;
    }
    const truncated = got > maxBytes;
    return { text: buf.subarray(0, Math.min(got, maxBytes)).toString('utf8'), truncated };
  } finally {
    await handle.close();
  }
}
