/**
 * The "New Ticket" sidebar webview: its page (formPage.ts, nonce CSP) with its first state
 * (formState.ts) inside, then typed messages, both sides validated; creating tickets from it.
 * The form gets its translations from here (`vscode.l10n.bundle`, in an `l10n` message).
 */
import * as vscode from 'vscode';
import type { ConfigurationService } from './configuration';
import { checkModel } from './domain/models';
import { parseIssueRef } from './domain/github';
import type { TicketType } from './domain/ticket';
import { formPage } from './formPage';
import { formState } from './formState';
import './domain/zodLocale';
import { Disposable } from './lifecycle';
import type { ExtensionState } from './state';
import { HostMessageCheckSchema, parseMessage, WebviewMessageSchema, type Draft, type FormState, type HostMessage, type WebviewMessage } from './protocol';
import type { TicketService } from './ticketService';

export const FORM_VIEW_ID = 'sdlcPipeline.ticketForm';

export interface FormActions {
  runPipeline(ticketId: number): void;
}

export class TicketFormView extends Disposable implements vscode.WebviewViewProvider {
  private view?: vscode.WebviewView;
  private ready = false;
  /** The folder the form resolves defaults for (multi-root: what the user picked). */
  private folder: string | undefined;
  /** `create` requests being handled: a repeated id is ignored (no double tickets). */
  private readonly pending = new Set<number>();
  /** Messages the host rejected (kept for tests and the log). */
  rejected = 0;
  /** Messages whose handling threw (a bug, not bad input): logged, reported to the form, counted. */
  errors = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly saved: ExtensionState,
    private readonly tickets: TicketService,
    private readonly config: ConfigurationService,
    private readonly actions: FormActions,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super();
    this.register(vscode.window.registerWebviewViewProvider(FORM_VIEW_ID, this));
    this.register(config.onDidChange(() => this.postState()));
    this.register(tickets.onDidChange(() => this.postState()));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.postState()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const assets = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, localResourceRoots: [assets] };
    // The first state (and translations) ride in the page itself: the form paints without waiting
    // for its 'ready' → 'state' round trip; later states come as messages.
    view.webview.html = formPage(view.webview, assets, this.initialMessages());
    const subs = [
      view.webview.onDidReceiveMessage((m) => this.handleMessage(m)),
      // A hidden view's page is gone until it is shown again (and says 'ready' again): post nothing to it.
      view.onDidChangeVisibility(() => {
        if (!view.visible) this.ready = false;
      }),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
        subs.forEach((s) => s.dispose());
      }),
    ];
  }

  reveal(): void {
    void vscode.commands.executeCommand(`${FORM_VIEW_ID}.focus`);
  }

  /**
   * Fills the form (e.g. from a GitHub issue) so the user still chooses stages and models, and
   * shows it. Stages and models start from the folder's defaults.
   */
  async fill(fields: { title: string; description: string; type: TicketType; folder?: string; issueUrl?: string }): Promise<void> {
    const s = this.state();
    const draft: Draft = {
      ...fields,
      folder: fields.folder ?? s.folder,
      stages: Object.fromEntries(s.stages.map((st) => [st.id, { enabled: s.defaultStages.includes(st.id), model: s.defaults[st.id].model, touched: false }])) as Draft['stages'],
    };
    await this.saved.setFormDraft(draft);
    this.pendingFill = draft;
    if (this.ready) this.flushFill();
    this.reveal();
  }

  /** The draft as last saved (the form mirrors it on every edit; `fill` sets it). */
  savedDraft(): Draft | undefined {
    return this.saved.formDraft();
  }

  private pendingFill: Draft | undefined;
  private flushFill(): void {
    if (!this.pendingFill) return;
    this.post({ type: 'fill', draft: this.pendingFill });
    this.pendingFill = undefined;
  }

  /** Counts, logs and (optionally) reports a refused message. */
  private reject(reason: string, reply?: { requestId?: number; field?: string; message: string }): void {
    this.rejected++;
    this.output.warn(`form: rejected ${reason}`);
    if (reply) this.post({ type: 'error', ...reply });
  }

  /** Handles one untrusted message from the webview. Never throws; rejections are logged. */
  async handleMessage(raw: unknown): Promise<void> {
    const parsed = parseMessage(WebviewMessageSchema, raw);
    if (!parsed.ok) {
      this.reject(`a malformed message: ${parsed.error.split('\n')[0]}`);
      return;
    }
    const msg = parsed.value;
    try {
      await this.dispatch(msg);
    } catch (e) {
      this.errors++;
      this.output.error(`form: ${(e as Error).message}`);
      this.post({ type: 'error', message: (e as Error).message, ...(msg.type === 'create' ? { requestId: msg.requestId } : {}) });
    }
  }

  private async dispatch(msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        // The page started with the translations and a first state (see formPage.ts); a state that
        // changed since arrives now (the form ignores one equal to what it shows).
        this.postState();
        this.flushFill();
        return;
      case 'draft':
        await this.saved.setFormDraft(msg.draft ?? undefined);
        this.post({ type: 'draftSaved' });
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', msg.query.startsWith('sdlcPipeline') ? msg.query : 'sdlcPipeline');
        return;
      case 'selectFolder': {
        const folder = this.openFolder(msg.folder);
        if (!folder) return this.reject('a folder that is not open', { field: 'folder', message: vscode.l10n.t('That workspace folder is no longer open.') });
        this.folder = folder.uri.toString();
        this.postState();
        return;
      }
      case 'create': {
        const { requestId } = msg;
        if (this.pending.has(requestId)) return this.reject(`a repeated create request (${requestId})`);
        this.pending.add(requestId);
        try {
          await this.create(msg);
        } finally {
          this.pending.delete(requestId);
        }
        return;
      }
    }
  }

  private openFolder(uri: string | undefined): vscode.WorkspaceFolder | undefined {
    return (vscode.workspace.workspaceFolders ?? []).find((f) => f.uri.toString() === uri);
  }

  /** Settings as the selected folder sees them (the runner resolves a ticket's folder the same way). */
  private folderConfig() {
    const folder = this.openFolder(this.folder) ?? vscode.workspace.workspaceFolders?.[0];
    return { folder, cfg: this.config.forFolder(folder?.uri) };
  }

  private async create(msg: Extract<WebviewMessage, { type: 'create' }>): Promise<void> {
    const { requestId } = msg;
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (msg.draft.folder && !folders.some((f) => f.uri.toString() === msg.draft.folder)) {
      return this.reject('a ticket for a folder that is not open', { requestId, field: 'folder', message: vscode.l10n.t('That workspace folder is no longer open.') });
    }
    const folder = this.openFolder(msg.draft.folder) ?? folders[0];
    const custom = this.config.forFolder(folder?.uri).models.customModels;
    for (const [stage, choice] of Object.entries(msg.draft.stages)) {
      for (const [field, model] of [[`model-${stage}`, choice.model], [`subagent-${stage}`, choice.subagentModel]] as const) {
        if (!model) continue;
        const c = checkModel(model, custom);
        if (!c.ok) return this.reject(`the model for ${stage}: ${c.message}`, { requestId, field, message: c.message });
      }
    }
    // The form names an issue only by `issueUrl`, rebuilt here: a full link (with a comment id) from it is dropped.
    const { issueUrl, issue: _fromWebview, ...fields } = msg.draft;
    // A form filled from an issue links the ticket to it (the URL is checked again here).
    const issue = issueUrl ? parseIssueRef(issueUrl) : undefined;
    const ticket = await this.tickets.create(issue ? { ...fields, issue: { host: issue.host, owner: issue.owner, repo: issue.repo, number: issue.number, url: `https://${issue.host}/${issue.owner}/${issue.repo}/issues/${issue.number}` } } : fields);
    await this.saved.setFormDraft(undefined);
    this.post({ type: 'created', requestId, id: ticket.id, ran: msg.run });
    void vscode.window.setStatusBarMessage(vscode.l10n.t('SDLC Pipeline: ticket #{0} created', ticket.id), 4000);
    if (msg.run) this.actions.runPipeline(ticket.id);
  }

  state(): FormState {
    const { folder, cfg } = this.folderConfig();
    return formState(folder, cfg, this.saved, this.tickets);
  }

  /** The form's translations, before its first state; none in English (no bundle). A bundle over the protocol's limits is left out: the form stays in English. */
  /** The messages the page starts with: translations (when not English) and the first state. */
  private initialMessages(): HostMessage[] {
    const l10n = this.l10nMessage();
    try {
      return [...(l10n ? [l10n] : []), HostMessageCheckSchema.parse({ type: 'state', state: this.state() })];
    } catch (e) {
      // The page still loads; its 'ready' asks for the state again (and reports what fails).
      this.output.error(`form: the first state was not embedded: ${(e as Error).message}`);
      return l10n ? [l10n] : [];
    }
  }

  private l10nMessage(): HostMessage | undefined {
    const bundle = vscode.l10n.bundle;
    if (!bundle) return undefined;
    const checked = HostMessageCheckSchema.safeParse({ type: 'l10n', bundle });
    if (!checked.success) {
      this.output.warn(`form: the translations were not sent (${checked.error.issues[0]?.message ?? 'invalid'}); the form shows English`);
      return undefined;
    }
    return checked.data;
  }

  private postState(): void {
    if (!this.ready) return;
    this.post({ type: 'state', state: this.state() });
  }

  private post(msg: HostMessage): void {
    // Validate our own output too: a bug here should be loud in tests, not a confused webview.
    const checked = HostMessageCheckSchema.parse(msg);
    void this.view?.webview.postMessage(checked);
  }

}
