// Mutations killed by test/unit/pinned-worktrees-store.test.ts (see test/harness/mutate.mjs):
// where worktrees may go, the pure parts of the isolation checks, ticket numbers that never go
// backwards, a quarantine that only grows, and a draft that keeps its workspace folder.
export default [
  // The worktrees folder (src/domain/worktree.ts worktreesRoot).
  ['wts: a worktrees folder inside the repository is used', 'src/domain/worktree.ts', "if (configured && (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))) return configured;", 'if (configured) return configured;'],
  ['wts: a folder named "..x" inside the repository counts as outside', 'src/domain/worktree.ts', "rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))) return configured;", "rel.startsWith('..') || path.isAbsolute(rel))) return configured;"],
  ['wts: the repository\'s parent is refused as the worktrees folder', 'src/domain/worktree.ts', "if (configured && (rel === '..' || rel.startsWith(", 'if (configured && (rel.startsWith('],
  ['wts: a worktrees folder on another drive is refused', 'src/domain/worktree.ts', ' || path.isAbsolute(rel))) return configured;', ')) return configured;'],
  // The pure parts of the isolation checks.
  ['wts: a multi-word ticket branch is not a ticket branch (another ticket\'s branch could be a base)', 'src/domain/worktree.ts', 'export const TICKET_BRANCH = /^sdlc\\/\\d{1,9}-[a-z0-9-]{1,60}$/;', 'export const TICKET_BRANCH = /^sdlc\\/\\d{1,9}-[a-z0-9]{1,60}$/;'],
  ['wts: left/right counts read the wrong way round (base moved ↔ ticket\'s commits)', 'src/domain/worktree.ts', '{ left: Number(m[1]), right: Number(m[2]) }', '{ left: Number(m[2]), right: Number(m[1]) }'],
  // Ticket numbers (src/domain/store.ts).
  ['wts: an import may take a number below nextId (a deleted ticket\'s)', 'src/domain/store.ts', 'const clash = this.tickets.has(wanted) || wanted < this.nextId || wanted >= MAX_TICKET_ID;', 'const clash = this.tickets.has(wanted) || wanted >= MAX_TICKET_ID;'],
  ['wts: an import does not write the index', 'src/domain/store.ts', 'writes.push(this.writeIndex());', ''],
  ['wts: load trusts an index lower than the highest stored ticket', 'src/domain/store.ts', 'this.nextId = Math.max(idx.success ? idx.data.data.nextId : 1, maxSeen + 1);', 'this.nextId = idx.success ? idx.data.data.nextId : maxSeen + 1;'],
  ['wts: a quarantined record\'s number is given out again', 'src/domain/store.ts', 'if (Number.isInteger(idFromKey) && idFromKey > maxSeen) maxSeen = idFromKey;', 'if (Number.isInteger(idFromKey) && idFromKey > maxSeen && parseRecord(raw).ok) maxSeen = idFromKey;'],
  // The quarantine.
  ['wts: a second load overwrites the earlier quarantine', 'src/domain/store.ts', '[...existing, ...report.quarantined]', 'report.quarantined'],
  ['wts: the new quarantine entries go before the earlier ones', 'src/domain/store.ts', '[...existing, ...report.quarantined]', '[...report.quarantined, ...existing]'],
  ['wts: a quarantined record stays under its key (quarantined again by every load)', 'src/domain/store.ts', 'for (const q of report.quarantined) await this.kv.update(q.key, undefined);', ''],
  // The draft's workspace folder.
  ['wts: reconcile follows the host\'s folder over the draft\'s', 'webview-ui/draft.ts', 'const next: Draft = { ...d, stages };', 'const next: Draft = { ...d, stages, folder: s.folder ?? d.folder };'],
  ['wts: Reset moves the draft to the first folder', 'webview-ui/draft.ts', 'return { ...d, stages, preset: undefined };', 'return { ...d, stages, preset: undefined, folder: s.folders[0]?.uri };'],
  ['wts: a preset moves the draft to the first folder', 'webview-ui/draft.ts', 'return { ...d, stages, preset: p.name };', 'return { ...d, stages, preset: p.name, folder: s.folders[0]?.uri };'],
  ['wts: the create message names the first folder', 'webview-ui/draft.ts', 'type: d.type, folder: d.folder, stages,', 'type: d.type, folder: s.folders[0]?.uri, stages,'],
  ['wts: the saved draft loses its folder', 'src/protocol.ts', '  folder: z.optional(z.string()),\n  preset: z.optional(z.string()),', '  preset: z.optional(z.string()),'],
  ['wts: a ticket draft loses its folder', 'src/domain/ticket.ts', '  folder: z.optional(z.string()),\n  stages: z.partialRecord(StageIdSchema, StageChoiceSchema),', '  stages: z.partialRecord(StageIdSchema, StageChoiceSchema),'],
  ['wts: a stored ticket loses its folder', 'src/domain/ticket.ts', '  folder: z.optional(z.string()),\n  createdAt: z.number(),', '  createdAt: z.number(),'],
  ['wts: a new ticket forgets the draft\'s folder', 'src/domain/ticket.ts', '...(draft.folder ? { folder: draft.folder } : {}),', ''],
];
