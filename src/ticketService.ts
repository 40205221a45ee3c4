/** The ticket service: the store of tickets in workspaceState (one key per ticket, see domain/store) and their files in the workspace folder. */
import * as vscode from 'vscode';
import { ticketPaths } from './domain/prompt';
import { exportTickets, parseExportFile, TicketStore, type ImportedTicket, type LoadReport } from './domain/store';
import { newTicket, ticketMarkdown, type Ticket, type TicketDraft } from './domain/ticket';
import { Disposable } from './lifecycle';
import { notify } from './notify';
import { safeWriteFile } from './safeFiles';
import { ticketFolder } from './workspaceFolders';

export class TicketService extends Disposable {
  readonly store: TicketStore;
  private readonly changed = this.register(new vscode.EventEmitter<number | undefined>());
  /** Fires with the changed ticket id, or undefined when many changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    /** The workspaceState the tickets live in (read-only access for diagnostics and tests). */
    readonly memento: vscode.Memento,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super();
    this.store = new TicketStore(memento);
  }

  async load(): Promise<LoadReport> {
    const started = performance.now();
    const report = await this.store.load();
    this.output.info(`loaded ${report.loaded} tickets in ${(performance.now() - started).toFixed(1)} ms (${report.migrated} migrated, ${report.quarantined.length} quarantined)`);
    if (report.quarantined.length) {
      for (const q of report.quarantined) this.output.error(`quarantined ${q.key}: ${q.error}`);
      const details = vscode.l10n.t('Show Details');
      const exportThem = vscode.l10n.t('Export');
      void notify
        .warn(vscode.l10n.t('{0} stored ticket record(s) could not be read and were moved to quarantine. Your other tickets loaded normally.', report.quarantined.length), details, exportThem)
        .then((choice) => {
          if (choice === details) void this.showQuarantine();
          if (choice === exportThem) void this.exportQuarantine();
        });
    }
    this.changed.fire(undefined);
    return report;
  }

  all(): readonly Ticket[] {
    return this.store.all();
  }
  get(id: number): Ticket | undefined {
    return this.store.get(id);
  }

  async create(draft: TicketDraft): Promise<Ticket> {
    const t = await this.store.create((id) => newTicket(id, draft));
    this.changed.fire(t.id);
    return t;
  }

  async update(id: number, change: (t: Ticket) => Ticket | void): Promise<Ticket> {
    const t = await this.store.update(id, change);
    this.changed.fire(id);
    return t;
  }

  async delete(id: number): Promise<void> {
    await this.store.delete(id);
    this.changed.fire(id);
  }

  async importTickets(tickets: ImportedTicket[]) {
    const r = await this.store.import(tickets);
    this.changed.fire(undefined);
    return r;
  }

  exportJson(): string {
    return JSON.stringify(exportTickets(this.store.all()), null, 2);
  }

  parseImport(text: string): ReturnType<typeof parseExportFile> {
    return parseExportFile(text);
  }

  /** The workspace folder a ticket belongs to. */
  folderOf(ticket: Ticket): vscode.WorkspaceFolder | undefined {
    return ticketFolder(ticket);
  }

  /**
   * Writes `<root or folder>/<ticketsDir>/<id>/ticket.md` (atomically, never through a link, never
   * outside the folder: see safeFiles); returns the paths (relative + absolute).
   * Throws `UnsafePathError` with a message for the user when the repository plants a link.
   */
  async writeTicketFile(ticket: Ticket, ticketsDir: string, root?: string) {
    const folder = this.folderOf(ticket);
    if (!folder) throw new Error(vscode.l10n.t('Open a folder to run stages: tickets are written into the workspace.'));
    if (folder.uri.scheme !== 'file') throw new Error(vscode.l10n.t('ticket files can only be written to a local folder ({0}: is not).', folder.uri.scheme));
    const rel = ticketPaths(ticketsDir, ticket.id);
    // `root`: where the stage runs (the ticket's worktree), else the folder.
    const written = await safeWriteFile(root ?? folder.uri.fsPath, rel.ticketFile, ticketMarkdown(ticket));
    return { folder, root: root ?? folder.uri.fsPath, rel, ticketFile: vscode.Uri.file(written) };
  }

  private quarantineJson(): string {
    return JSON.stringify(this.store.quarantine(), null, 2);
  }

  async showQuarantine(): Promise<void> {
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: this.quarantineJson() });
    await vscode.window.showTextDocument(doc);
  }

  async exportQuarantine(): Promise<void> {
    const target = await vscode.window.showSaveDialog({ filters: { JSON: ['json'] }, saveLabel: vscode.l10n.t('Export quarantined records') });
    if (target) await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(this.quarantineJson()));
  }
}
