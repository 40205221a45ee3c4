/**
 * The ticket store: one key per ticket plus a small index, versioned records (`{ v, data }`)
 * parsed with zod and migrated forward, a quarantine for records that do not parse.
 * Works over any Memento-like key-value store. Pure: no `vscode` import.
 */
import * as z from 'zod/mini';
import * as l10n from './l10n';
import { STAGE_IDS } from './stages';
import { completeStages, MAX_TICKET_ID, RunSchema, SessionIdSchema, TicketSchema, type Ticket } from './ticket';
import './zodLocale';

/** Every storage key lives here. */
export const STORAGE_KEYS = {
  index: 'sdlcPipeline.index',
  ticketPrefix: 'sdlcPipeline.ticket.',
  quarantine: 'sdlcPipeline.quarantine',
  modelIds: 'sdlcPipeline.modelIds',
  treeFilter: 'sdlcPipeline.treeFilter',
  formDraft: 'sdlcPipeline.formDraft',
  /** workspaceState: use or ignore this repository's .claude settings, for one content fingerprint. */
  projectSettingsDecision: 'sdlcPipeline.projectSettingsDecision',
  /** globalState: the user confirmed running stages with `bypassPermissions`. */
  bypassConfirmed: 'sdlcPipeline.bypassPermissionsConfirmed',
} as const;

/** Alias → model id the CLI actually ran (learned from runs' init events); bad values read as empty. */
const ModelIdsSchema = z.record(z.string(), z.string());
export function readModelIds(raw: unknown): Record<string, string> {
  const p = ModelIdsSchema.safeParse(raw);
  return p.success ? p.data : {};
}

export interface KeyValue {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
  keys(): readonly string[];
}

export const TICKET_VERSION = 2;

/** v1 (0.0.x previews): models and enabled stages kept apart, no runs. */
const TicketV1 = z.object({
  id: z.int().check(z.positive()),
  title: z.string(),
  description: z._default(z.string(), ''),
  type: z._default(z.enum(['feature', 'bug', 'chore']), 'feature'),
  createdAt: z.number(),
  models: z._default(z.record(z.string(), z.string()), {}),
  enabled: z._default(z.array(z.string()), []),
});

function migrateV1(v1: z.infer<typeof TicketV1>): unknown {
  const stages = Object.fromEntries(
    STAGE_IDS.map((s) => [s, { enabled: v1.enabled.includes(s), ...(v1.models[s] ? { model: v1.models[s] } : {}) }]),
  );
  return { ...v1, updatedAt: v1.createdAt, archived: false, stages, runs: [] };
}

/** `{ v: positive integer, data }` — checked by hand: it runs for every record at activation. */
function isEnvelope(raw: unknown): raw is { v: number; data: unknown } {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Number.isInteger((raw as { v?: unknown }).v) && (raw as { v: number }).v > 0 && 'data' in raw;
}

export type ParseOutcome = { ok: true; ticket: Ticket; migrated: boolean } | { ok: false; error: string };

export function parseRecord(raw: unknown): ParseOutcome {
  if (!isEnvelope(raw)) return { ok: false, error: 'not a versioned record ({ v, data })' };
  let data = raw.data;
  let v = raw.v;
  if (v > TICKET_VERSION) return { ok: false, error: `record version ${v} is newer than this extension understands (${TICKET_VERSION})` };
  if (v === 1) {
    const p = TicketV1.safeParse(data);
    if (!p.success) return { ok: false, error: `v1 record: ${z.prettifyError(p.error)}` };
    data = migrateV1(p.data);
    v = 2;
  }
  const p = TicketSchema.safeParse(data);
  if (!p.success) return { ok: false, error: z.prettifyError(p.error) };
  const complete = STAGE_IDS.every((id) => p.data.stages[id]);
  return { ok: true, ticket: complete ? p.data : { ...p.data, stages: completeStages(p.data.stages) }, migrated: raw.v !== TICKET_VERSION };
}

/** The small index: only the next ticket number (ticket keys are listed by `keys()`). */
const IndexSchema = z.object({ v: z.literal(1), data: z.object({ nextId: z.int().check(z.positive()) }) });

export interface QuarantineEntry {
  key: string;
  raw: unknown;
  error: string;
  at: number;
}

export interface LoadReport {
  loaded: number;
  migrated: number;
  quarantined: QuarantineEntry[];
}

export class TicketStore {
  private tickets = new Map<number, Ticket>();
  /** `all()`'s answer until a ticket is added, changed or removed. */
  private sorted: readonly Ticket[] | undefined;
  private nextId = 1;
  private loadedOnce = false;

  constructor(private readonly kv: KeyValue) {}

  /** Loads every ticket. Records that do not parse move to quarantine; nothing is dropped. */
  async load(now = Date.now()): Promise<LoadReport> {
    this.tickets.clear();
    this.sorted = undefined;
    const report: LoadReport = { loaded: 0, migrated: 0, quarantined: [] };
    const idx = IndexSchema.safeParse(this.kv.get(STORAGE_KEYS.index));
    let maxSeen = 0;
    const keys = this.kv.keys().filter((k) => k.startsWith(STORAGE_KEYS.ticketPrefix));
    const migratedWrites: Promise<void>[] = [];
    for (const key of keys) {
      const raw = this.kv.get(key);
      const idFromKey = Number(key.slice(STORAGE_KEYS.ticketPrefix.length));
      if (Number.isInteger(idFromKey) && idFromKey > maxSeen) maxSeen = idFromKey;
      const out = parseRecord(raw);
      if (out.ok && out.ticket.id === idFromKey) {
        this.tickets.set(out.ticket.id, out.ticket);
        report.loaded++;
        if (out.migrated) {
          report.migrated++;
          migratedWrites.push(Promise.resolve(this.kv.update(key, { v: TICKET_VERSION, data: out.ticket })));
        }
      } else {
        report.quarantined.push({ key, raw, error: out.ok ? `id ${out.ticket.id} does not match key` : out.error, at: now });
      }
    }
    if (report.quarantined.length) {
      const existing = this.quarantine();
      await this.kv.update(STORAGE_KEYS.quarantine, [...existing, ...report.quarantined]);
      for (const q of report.quarantined) await this.kv.update(q.key, undefined);
    }
    await Promise.all(migratedWrites);
    // Numbers are never reused: the index remembers the next one even after deletes.
    this.nextId = Math.max(idx.success ? idx.data.data.nextId : 1, maxSeen + 1);
    // Written only when it would say something new: no index reads as "next is #1", so an empty
    // store's activation does not wait for a storage round trip.
    const stored = idx.success ? idx.data.data.nextId : this.kv.get(STORAGE_KEYS.index) === undefined ? 1 : undefined;
    if (stored !== this.nextId) await this.writeIndex();
    this.loadedOnce = true;
    return report;
  }

  quarantine(): QuarantineEntry[] {
    const q = this.kv.get(STORAGE_KEYS.quarantine);
    return Array.isArray(q) ? (q as QuarantineEntry[]) : [];
  }

  /** Every ticket, newest first. Kept until the next change: the tree, estimates and today's spend all ask. */
  all(): readonly Ticket[] {
    return (this.sorted ??= [...this.tickets.values()].sort((a, b) => b.id - a.id));
  }

  get(id: number): Ticket | undefined {
    return this.tickets.get(id);
  }

  get size(): number {
    return this.tickets.size;
  }

  peekNextId(): number {
    return this.nextId;
  }

  /** O(1) in the number of tickets: writes the one ticket and the small index. */
  async create(make: (id: number) => Ticket): Promise<Ticket> {
    this.assertLoaded();
    const id = this.nextId++;
    const ticket = TicketSchema.parse(make(id));
    this.tickets.set(id, ticket);
    this.sorted = undefined;
    await Promise.all([this.kv.update(STORAGE_KEYS.ticketPrefix + id, { v: TICKET_VERSION, data: ticket }), this.writeIndex()]);
    return ticket;
  }

  /** O(1): writes the one ticket. The updater gets a copy. */
  async update(id: number, change: (t: Ticket) => Ticket | void): Promise<Ticket> {
    this.assertLoaded();
    const current = this.tickets.get(id);
    if (!current) throw new Error(l10n.t('Ticket #{0} does not exist', id));
    const copy = structuredClone(current);
    const next = TicketSchema.parse({ ...(change(copy) ?? copy), id, updatedAt: Date.now() });
    this.tickets.set(id, next);
    this.sorted = undefined;
    await this.kv.update(STORAGE_KEYS.ticketPrefix + id, { v: TICKET_VERSION, data: next });
    return next;
  }

  async delete(id: number): Promise<void> {
    this.assertLoaded();
    if (!this.tickets.delete(id)) return;
    this.sorted = undefined;
    await this.kv.update(STORAGE_KEYS.ticketPrefix + id, undefined);
  }

  /**
   * Import: validated; clashing numbers, and numbers above MAX_TICKET_ID, are renumbered
   * (so the next number is always a safe integer). Returns the new ids.
   */
  async import(tickets: readonly ImportedTicket[]): Promise<{ imported: Ticket[]; renumbered: Array<[number, number]> }> {
    this.assertLoaded();
    const imported: Ticket[] = [];
    const renumbered: Array<[number, number]> = [];
    const writes: PromiseLike<void>[] = [];
    for (const t of tickets) {
      const parsed = TicketSchema.parse({ ...ImportTicketSchema.parse(t), id: 1 });
      const wanted = t.id;
      // At or above the bound, a number would leave no room to create the next ticket.
      const clash = this.tickets.has(wanted) || wanted < this.nextId || wanted >= MAX_TICKET_ID;
      if (this.nextId > MAX_TICKET_ID) throw new Error(l10n.t('Ticket numbers are exhausted (#{0} reached).', MAX_TICKET_ID));
      const id = clash ? this.nextId++ : wanted;
      if (!clash) this.nextId = id + 1;
      if (clash) renumbered.push([wanted, id]);
      // A branch and worktree path belong to the machine that made them: an import never brings them.
      const { workspace: _elsewhere, pullRequest: _theirs, issue, ...rest } = parsed;
      // The issue link comes along; the comment and pull request it points at were someone else's to edit.
      // Its URL is rebuilt from the fields: "Open Issue" cannot be pointed anywhere else.
      const link = issue ? { host: issue.host, owner: issue.owner, repo: issue.repo, number: issue.number, url: `https://${issue.host}/${issue.owner}/${issue.repo}/issues/${issue.number}`, imported: true } : undefined;
      const ticket = { ...rest, ...(link ? { issue: link } : {}), id, stages: completeStages(parsed.stages) };
      this.tickets.set(id, ticket);
      this.sorted = undefined;
      // Issued together: the host batches Memento writes, so this is one round trip, not n.
      writes.push(this.kv.update(STORAGE_KEYS.ticketPrefix + id, { v: TICKET_VERSION, data: ticket }));
      imported.push(ticket);
    }
    writes.push(this.writeIndex());
    await Promise.all(writes);
    return { imported, renumbered };
  }

  private writeIndex(): PromiseLike<void> {
    return this.kv.update(STORAGE_KEYS.index, { v: 1, data: { nextId: this.nextId } });
  }

  private assertLoaded(): void {
    if (!this.loadedOnce) throw new Error('TicketStore used before load()');
  }
}

/**
 * What an import accepts: stricter than a stored record where text could reach a command line
 * (a session id that is not a UUID is refused, not dropped), looser on the number (renumbered).
 */
const ImportRunSchema = z.extend(RunSchema, {
  sessionId: z.optional(SessionIdSchema),
});
export const ImportTicketSchema = z.extend(TicketSchema, {
  id: z.int().check(z.positive()),
  runs: z._default(z.array(ImportRunSchema), []),
});
export type ImportedTicket = z.infer<typeof ImportTicketSchema>;

export const ExportFileSchema = z.object({
  format: z.literal('sdlc-pipeline-tickets'),
  version: z.literal(1),
  exportedAt: z.number(),
  tickets: z.array(ImportTicketSchema),
});

/** Parses an export file's text; errors name the first bad field (e.g. `tickets[0].runs[1].sessionId`). */
export function parseExportFile(text: string): { ok: true; tickets: ImportedTicket[] } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: l10n.t('not JSON ({0})', (e as Error).message) };
  }
  const head = z.object({ format: z.literal('sdlc-pipeline-tickets') }).safeParse(json);
  if (!head.success) return { ok: false, error: l10n.t('not an SDLC Pipeline tickets export') };
  const p = ExportFileSchema.safeParse(json);
  if (p.success) return { ok: true, tickets: p.data.tickets };
  const issue = p.error.issues[0];
  const where = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '');
  if (where.endsWith('sessionId')) return { ok: false, error: l10n.t('{0} is not a session id (a UUID); nothing was imported', where) };
  return { ok: false, error: where ? l10n.t('{0} {1}; nothing was imported', where, issue.message) : l10n.t('the file {0}; nothing was imported', issue.message) };
}
export type ExportFile = z.infer<typeof ExportFileSchema>;

export function exportTickets(tickets: readonly Ticket[], now = Date.now()): ExportFile {
  return { format: 'sdlc-pipeline-tickets', version: 1, exportedAt: now, tickets: [...tickets].sort((a, b) => a.id - b.id) };
}
