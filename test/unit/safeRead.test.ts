/**
 * safeReadFile (src/safeFiles.ts): how every file that comes from a repository or a ticket's
 * worktree is read — never through a link, only a regular file inside the root, never more than
 * the stated size. Real files, links, FIFOs and devices in a temporary folder.
 */
import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { safeReadFile, UnsafePathError } from '../../src/safeFiles';

const PLAN = '.sdlc/tickets/1/plan.md';

/** A worktree-like root with `.sdlc/tickets/1/` and, beside it, a folder outside the root holding a secret. */
function fixture() {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-saferead-')));
  const root = path.join(parent, 'wt');
  const outside = path.join(parent, 'outside');
  mkdirSync(path.join(root, '.sdlc', 'tickets', '1'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), 'TOP-SECRET-VALUE\n');
  return { root, outside, at: (rel: string) => path.join(root, ...rel.split('/')) };
}

const unsafe = (re: RegExp) => (e: unknown) => e instanceof UnsafePathError && re.test((e as Error).message);

describe('files from a repository are read without following links, regular files only, size-capped', () => {
  it('reads a regular file inside the root whole when it is under the cap', async () => {
    const f = fixture();
    writeFileSync(f.at(PLAN), '# Plan\n1. do it — ✓\n');
    assert.deepStrictEqual(await safeReadFile(f.root, PLAN, 1024), { text: '# Plan\n1. do it — ✓\n', truncated: false });
  });

  it('a file over the cap comes back cut at the cap, marked truncated', async () => {
    const f = fixture();
    writeFileSync(f.at(PLAN), 'abcdefghij');
    assert.deepStrictEqual(await safeReadFile(f.root, PLAN, 4), { text: 'abcd', truncated: true });
    // Exactly the cap is not truncated.
    assert.deepStrictEqual(await safeReadFile(f.root, PLAN, 10), { text: 'abcdefghij', truncated: false });
  });

  it('an absent file, or an absent folder on the way, is undefined', async () => {
    const f = fixture();
    assert.strictEqual(await safeReadFile(f.root, PLAN, 1024), undefined);
    assert.strictEqual(await safeReadFile(f.root, '.sdlc/tickets/2/plan.md', 1024), undefined);
    assert.strictEqual(await safeReadFile(path.join(f.root, 'no-such-root'), 'plan.md', 1024), undefined);
  });

  it('refuses the file when it is a symbolic link (to a file outside, or to /proc/self/environ)', async () => {
    const f = fixture();
    symlinkSync(path.join(f.outside, 'secret.txt'), f.at(PLAN));
    await assert.rejects(safeReadFile(f.root, PLAN, 1024), unsafe(/plan\.md is a symbolic link/));
    const g = fixture();
    symlinkSync('/proc/self/environ', g.at(PLAN));
    await assert.rejects(safeReadFile(g.root, PLAN, 1024), unsafe(/symbolic link/));
  });

  it('refuses a link even when it points at a file inside the root', async () => {
    const f = fixture();
    writeFileSync(path.join(f.root, 'README.md'), 'inside\n');
    symlinkSync('../../../README.md', f.at(PLAN));
    await assert.rejects(safeReadFile(f.root, PLAN, 1024), unsafe(/symbolic link/));
  });

  it('refuses a symlinked folder on the way', async () => {
    const f = fixture();
    // .sdlc/tickets/1 → the outside folder, which holds a plan.md of its own.
    writeFileSync(path.join(f.outside, 'plan.md'), 'TOP-SECRET-VALUE\n');
    execFileSync('rm', ['-r', f.at('.sdlc/tickets/1')]);
    symlinkSync(f.outside, f.at('.sdlc/tickets/1'));
    await assert.rejects(safeReadFile(f.root, PLAN, 1024), unsafe(/tickets[\\/]1 is a symbolic link/));
    // Higher up too: .sdlc → outside.
    const g = fixture();
    mkdirSync(path.join(g.outside, 'tickets', '1'), { recursive: true });
    writeFileSync(path.join(g.outside, 'tickets', '1', 'plan.md'), 'TOP-SECRET-VALUE\n');
    execFileSync('rm', ['-r', g.at('.sdlc')]);
    symlinkSync(g.outside, g.at('.sdlc'));
    await assert.rejects(safeReadFile(g.root, PLAN, 1024), unsafe(/\.sdlc is a symbolic link/));
  });

  it('refuses a FIFO without hanging', async () => {
    const f = fixture();
    execFileSync('mkfifo', [f.at(PLAN)]);
    const started = Date.now();
    await assert.rejects(safeReadFile(f.root, PLAN, 1024), unsafe(/not a regular file/));
    assert.ok(Date.now() - started < 5000, 'the FIFO held the read');
  });

  it('refuses a link to /dev/zero (never reads a device, never runs out of memory)', async () => {
    const f = fixture();
    symlinkSync('/dev/zero', f.at(PLAN));
    await assert.rejects(safeReadFile(f.root, PLAN, 1024), unsafe(/symbolic link/));
  });

  it('refuses a folder where the file should be', async () => {
    const f = fixture();
    mkdirSync(f.at(PLAN));
    await assert.rejects(safeReadFile(f.root, PLAN, 1024), unsafe(/not a regular file/));
  });

  it('refuses `..`, `.` and an empty path (never leaves the root)', async () => {
    const f = fixture();
    for (const rel of ['../outside/secret.txt', '.sdlc/../../outside/secret.txt', './plan.md', '', '/']) {
      await assert.rejects(safeReadFile(f.root, rel, 1024), unsafe(/plain relative path/), rel);
    }
  });
});
