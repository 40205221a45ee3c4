/**
 * A ticket's own place to work: a branch (and, with `worktree` isolation, a git worktree outside
 * the user's tree). Names, paths, the record kept on the ticket, and parsers for the git output
 * the adapter reads. Pure: no `vscode` import; paths are POSIX-or-native strings handled with
 * `node:path` only where the caller passes them in.
 */
import * as z from 'zod/mini';
import * as l10n from './l10n';

export const ISOLATIONS = ['worktree', 'branch', 'none'] as const;
export type Isolation = (typeof ISOLATIONS)[number];
/** How far a mode keeps the agent from the user's tree: a workspace setting may only raise it. */
export const ISOLATION_STRENGTH: Readonly<Record<Isolation, number>> = { none: 0, branch: 1, worktree: 2 };

export const REVIEW_GATES = ['beforeMerge', 'off'] as const;
export type ReviewGate = (typeof REVIEW_GATES)[number];

/** Longest slug of a title in a branch or folder name. */
export const SLUG_MAX = 40;

/** `Fix the login (again)!` → `fix-the-login-again`; empty → `ticket`. ASCII letters and digits only. */
export function slugOf(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
  return s || 'ticket';
}

/** `sdlc/<id>-<slug>`, with `-2`, `-3`… when `n` > 1 (the name was taken). */
export function ticketBranch(id: number, title: string, n = 1): string {
  return `sdlc/${id}-${slugOf(title)}${n > 1 ? `-${n}` : ''}`;
}

/** A branch this extension created: nothing else is ever deleted, checked out or merged as a ticket branch. */
export const TICKET_BRANCH = /^sdlc\/\d{1,9}-[a-z0-9-]{1,60}$/;

/**
 * A ref name safe to hand to git as one argument: what `git check-ref-format --branch` accepts,
 * minus anything that could read as an option or a revision expression.
 */
export function isSafeBranchName(name: string): boolean {
  if (!name || name.length > 200) return false;
  if (name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.') || name.endsWith('.lock')) return false;
  if (name.includes('..') || name.includes('@{') || name.includes('//') || name === '@') return false;
  // HEAD, FETCH_HEAD, ORIG_HEAD…: git reads these as revisions, not branches.
  if (/^[A-Z_]*HEAD$/.test(name)) return false;
  if (name.split('/').some((part) => part.endsWith('.lock'))) return false;
  if (/[\s~^:?*[\\\x00-\x1f\x7f]/.test(name)) return false;
  return name.split('/').every((part) => part.length > 0 && !part.startsWith('.'));
}

export const CommitSchema = /* @__PURE__ */ z.string().check(z.regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/));

/**
 * What a ticket records about where it works. Stored records and imports are checked here and
 * again where a value meets git or a terminal (the path must be a worktree of the repository,
 * inside the configured worktrees folder).
 */
export const TicketWorkspaceSchema = /* @__PURE__ */ (() => z.object({
  isolation: z.enum(['worktree', 'branch']),
  branch: z.string().check(z.regex(TICKET_BRANCH)),
  base: z.string().check(z.refine(isSafeBranchName)),
  baseCommit: CommitSchema,
  /** The worktree folder (absolute); absent with `branch` isolation. */
  path: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
  /** The folder of the ticket's workspace folder inside the repository ('' at the top). */
  subdir: z._default(z.string().check(z.maxLength(4096)), ''),
  /** The review gate: `awaiting` pauses the pipeline before Merge until the user approves. */
  review: z.optional(z.enum(['awaiting', 'approved'])),
  /** Notes from "Request Changes", oldest first; they go into the ticket's file. */
  requestedChanges: z._default(z.array(z.string().check(z.maxLength(20_000))), []),
  mergedAt: z.optional(z.number()),
  mergeCommit: z.optional(CommitSchema),
  /** The worktree (and branch) were removed after the merge. */
  removed: z.optional(z.boolean()),
  /**
   * What Approve approved: the branch's tip then and the tree of everything Review Changes showed
   * (its commits plus what was uncommitted in the worktree). Merge merges only that tree; anything
   * else needs its own approval. Absent in records from before it was kept (no check then).
   */
  reviewed: z.optional(z.object({ commit: CommitSchema, tree: CommitSchema, at: z.number() })),
}))();
export type TicketWorkspace = z.infer<typeof TicketWorkspaceSchema>;

/**
 * `<parent>/<repo>.worktrees`, or the configured folder when it lies outside the repository. A
 * configured folder that is the repository or inside it is not used (the default applies): the
 * user's tree, its `git status` and the Git extension's scan of it would hold the agent's worktrees.
 */
export function worktreesRoot(
  repoRoot: string,
  configured: string | undefined,
  path: { sep: string; dirname(p: string): string; basename(p: string): string; join(...p: string[]): string; relative(from: string, to: string): string; isAbsolute(p: string): boolean },
): string {
  const rel = configured ? path.relative(repoRoot, configured) : '';
  if (configured && (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))) return configured;
  return path.join(path.dirname(repoRoot), `${path.basename(repoRoot)}.worktrees`);
}

/** One worktree's folder name: `<id>-<slug>` (the branch's last part). */
export function worktreeFolderName(branch: string): string {
  return branch.slice('sdlc/'.length);
}

// ---- git output ----

export interface WorktreeEntry {
  path: string;
  head?: string;
  /** `refs/heads/…` stripped, when a branch is checked out there. */
  branch?: string;
  detached: boolean;
  bare: boolean;
  prunable: boolean;
}

/** `git worktree list --porcelain -z`: records of NUL-separated lines, ended by an empty one. */
export function parseWorktreeList(out: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let cur: WorktreeEntry | undefined;
  for (const line of out.split('\0')) {
    if (!line) {
      if (cur) entries.push(cur);
      cur = undefined;
      continue;
    }
    const sp = line.indexOf(' ');
    const key = sp < 0 ? line : line.slice(0, sp);
    const value = sp < 0 ? '' : line.slice(sp + 1);
    if (key === 'worktree') {
      if (cur) entries.push(cur);
      cur = { path: value, detached: false, bare: false, prunable: false };
    } else if (cur) {
      if (key === 'HEAD') cur.head = value;
      else if (key === 'branch') cur.branch = value.replace(/^refs\/heads\//, '');
      else if (key === 'detached') cur.detached = true;
      else if (key === 'bare') cur.bare = true;
      else if (key === 'prunable') cur.prunable = true;
    }
  }
  if (cur) entries.push(cur);
  return entries;
}

/** `git rev-list --left-right --count A...B` → commits only in A (left) and only in B (right). */
export function parseLeftRight(out: string): { left: number; right: number } | undefined {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(out);
  return m ? { left: Number(m[1]), right: Number(m[2]) } : undefined;
}

export type ChangeKind = 'added' | 'modified' | 'deleted' | 'renamed';
export interface Change {
  kind: ChangeKind;
  path: string;
  /** Where a renamed file was. */
  from?: string;
}

/**
 * `git diff --name-status -z <commit>` (R/C carry two paths), plus untracked files
 * (`git ls-files --others --exclude-standard -z`) as added. Sorted by path; one entry per path.
 */
export function parseChanges(nameStatus: string, untracked = ''): Change[] {
  const parts = nameStatus.split('\0');
  const out = new Map<string, Change>();
  for (let i = 0; i < parts.length; i++) {
    const code = parts[i];
    if (!code) continue;
    const letter = code[0];
    if (letter === 'R' || letter === 'C') {
      const from = parts[++i];
      const to = parts[++i];
      if (to) out.set(to, letter === 'R' ? { kind: 'renamed', path: to, from } : { kind: 'added', path: to });
      continue;
    }
    const p = parts[++i];
    if (!p) continue;
    out.set(p, { kind: letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : 'modified', path: p });
  }
  for (const p of untracked.split('\0')) if (p && !out.has(p)) out.set(p, { kind: 'added', path: p });
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `git status --porcelain -z`: how many entries (0 = clean). Untracked entries count unless `tracked` only. */
export function countStatus(out: string, { trackedOnly = false } = {}): number {
  let n = 0;
  const parts = out.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const e = parts[i];
    if (!e) continue;
    if (/[RC]/.test(e.slice(0, 2))) i++; // a rename or copy (staged or not): its source path follows
    if (trackedOnly && e.startsWith('??')) continue;
    n++;
  }
  return n;
}

/** One line for the tree: `⎇ sdlc/3-login ↑2 ↓1 · 4 files`. */
export function describeBranchState(branch: string, s: { ahead: number; behind: number; files: number } | undefined): string {
  if (!s) return branch;
  const arrows = [s.ahead ? `↑${s.ahead}` : '', s.behind ? `↓${s.behind}` : ''].filter(Boolean).join(' ');
  const files = !s.files ? '' : s.files === 1 ? l10n.t('1 file') : l10n.t('{0} files', s.files);
  return [`${branch}${arrows ? ` ${arrows}` : ''}`, files].filter(Boolean).join(' · ');
}

/** The line appended to `.git/info/exclude` so a ticket's files never reach its commits. */
export function excludeLine(subdir: string, ticketsDirectory: string): string {
  const rel = [subdir, ticketsDirectory].filter(Boolean).join('/').replace(/\/+/g, '/').replace(/\/$/, '');
  // A pattern, not a path: glob characters in folder names match only themselves; a leading "#" or "!" stays literal.
  return `/${rel.replace(/[[\]*?\\!#]/g, (c) => `\\${c}`)}/`;
}

/** The comment above every line `withExcludeLine` writes: how a later version finds the lines it wrote. */
export const EXCLUDE_MARKER = '# SDLC Pipeline: ticket files (ticket, plan, review) stay out of commits';

/**
 * `exclude` with the line added under our marker, or undefined when nothing changes. Lines an
 * earlier version wrote (under our marker) for a tickets folder outside `.sdlc/` — a workspace's
 * `ticketsDirectory: "src"` gave `/src/` — go, marker and all: they hid the user's own files.
 * Lines the user wrote (not under our marker) are never touched.
 */
export function withExcludeLine(exclude: string, line: string): string | undefined {
  const lines = exclude.split(/\r?\n/);
  const kept: string[] = [];
  let pruned = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === EXCLUDE_MARKER && i + 1 < lines.length && !isTicketsExcludeLine(lines[i + 1])) {
      i++;
      pruned = true;
      continue;
    }
    kept.push(lines[i]);
  }
  if (kept.includes(line)) return pruned ? kept.join('\n') : undefined;
  const text = kept.join('\n');
  const base = text && !text.endsWith('\n') ? `${text}\n` : text;
  return `${base}${EXCLUDE_MARKER}\n${line}\n`;
}

/** An exclude line for a tickets folder under `.sdlc/` (what `excludeLine` makes of an accepted `ticketsDirectory`). */
export function isTicketsExcludeLine(line: string): boolean {
  return /^\/(?:.*\/)?\.sdlc\/[^/].*\/$/.test(line);
}

// ---- containment: where a stage runs (issue #22 item 7) ----

/**
 * Why a stage's folder, as resolved on disk, is not the checkout's own subfolder `subdir`:
 * `outside` when it resolves out of the checkout `realTop`, `link` when it resolves elsewhere
 * inside it (a link on the way), undefined when it is exactly `<realTop>/<subdir>`. Both paths
 * are real (resolved) absolute paths; `path` is `node:path` (or its posix/win32 flavour).
 */
export function cwdEscape(
  realTop: string,
  subdir: string,
  realCwd: string,
  path: { sep: string; join(...p: string[]): string; relative(from: string, to: string): string; isAbsolute(p: string): boolean; resolve(...p: string[]): string },
): 'outside' | 'link' | undefined {
  const rel = path.relative(realTop, realCwd);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return 'outside';
  const want = path.resolve(path.join(realTop, ...subdir.split('/').filter(Boolean)));
  return path.resolve(realCwd) === want ? undefined : 'link';
}

/**
 * Every path `git status --porcelain -z` names (both sides of a rename or copy): what is
 * uncommitted, untracked or (with `--ignored`) ignored in a folder. A folder entry keeps its `/`.
 */
export function statusPaths(out: string): string[] {
  const paths: string[] = [];
  const parts = out.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const e = parts[i];
    if (e.length < 4) continue;
    paths.push(e.slice(3));
    if (/[RC]/.test(e.slice(0, 2)) && parts[i + 1]) paths.push(parts[++i]);
  }
  return paths;
}

/**
 * The local paths (`dirty`, from `statusPaths`) that a change to `changed` (repository paths)
 * would touch: the same path, a file inside a listed folder, or a folder holding a changed path.
 */
export function overlapping(dirty: readonly string[], changed: readonly string[]): string[] {
  const hit = (d: string, c: string) => {
    const dir = d.endsWith('/') ? d : `${d}/`;
    return d === c || c.startsWith(dir) || d.startsWith(`${c}/`);
  };
  return [...new Set(dirty.filter((d) => changed.some((c) => hit(d, c))))].sort();
}

// ---- what removing a worktree would lose (issue #22 items 5 and 13) ----

/** `git status --porcelain -z`: each entry's path (a rename's new path), in git's order; as many as `countStatus` counts. */
export function statusFiles(out: string): string[] {
  const paths: string[] = [];
  const parts = out.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const e = parts[i];
    if (!e) continue;
    paths.push(e.slice(3));
    if (/[RC]/.test(e.slice(0, 2))) i++;
  }
  return paths;
}

/**
 * Whether `rel` (a path in the worktree) is one of the ticket's own files that Remove Worktree
 * copies back to the workspace folder first: a `*.md` straight in the ticket's folder `ticketDir`
 * (`<subdir>/<ticketsDirectory>/<id>`).
 */
export function keptTicketFile(rel: string, ticketDir: string): boolean {
  const prefix = `${ticketDir.replace(/\/+$/, '')}/`;
  return rel.startsWith(prefix) && /^[\w.-]+\.md$/.test(rel.slice(prefix.length));
}

/** Whether an ignored folder `git ls-files --directory` names ("a/b/") holds or is inside the ticket's folder, so its files are listed one by one. */
export function coversTicketFolder(entry: string, ticketDir: string): boolean {
  if (!entry.endsWith('/')) return false;
  const dir = `${ticketDir.replace(/\/+$/, '')}/`;
  return dir.startsWith(entry) || entry.startsWith(dir);
}

/** The ticket number in a ticket branch's name (`sdlc/12-fix` → 12), or undefined. */
export function ticketIdOfBranch(branch: string): number | undefined {
  return TICKET_BRANCH.test(branch) ? Number(/^sdlc\/(\d+)-/.exec(branch)![1]) : undefined;
}
