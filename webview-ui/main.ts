/**
 * The ticket form (browser side): the entry point. It registers the toolkit's web components,
 * owns the form's state (the host's last state, the draft, the pending `create` request, the
 * last "created" line), validates each host message with the shared zod protocol and draws the
 * form again from them. The draft lives in webview state, so it survives hiding the view and
 * reloading the window. The form is built from DOM nodes (never innerHTML with user text): its
 * fields in fields.ts, its stage rows and totals in stages.ts, the create buttons and footer
 * here; the draft logic (defaults, merging host state, presets, hints, totals, the `create`
 * message) is the DOM-free draft.ts. Its text is translated with the bundle the host sends in an
 * `l10n` message (src/domain/l10n.ts), at each render.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeRadio,
  vsCodeRadioGroup,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import { DraftSchema, HostMessageSchema, type Draft, type FormState, type WebviewMessage } from '../src/protocol';
import * as l10n from '../src/domain/l10n';
import { createMessage, freshDraft, reconcile, titleMissing } from './draft';
import { byId, disable, el, type Field } from './dom';
import { choiceFields, textFields } from './fields';
import { stages } from './stages';

// Marks that `npm run bench` reads from this frame: script running, first state, first paint.
performance.mark('sdlc:script');
provideVSCodeDesignSystem().register(
  vsCodeButton(),
  vsCodeCheckbox(),
  vsCodeDropdown(),
  vsCodeOption(),
  vsCodeRadio(),
  vsCodeRadioGroup(),
  vsCodeTextArea(),
  vsCodeTextField(),
);

interface VsCodeApi {
  postMessage(msg: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

let state: FormState | undefined;
let draft: Draft | undefined = restoreDraft();
let lastCreated: string | undefined;
/** The `create` request waiting for its reply: both buttons stay disabled until it comes. */
let pendingRequest: number | undefined;
/** Random, so a form re-created while a request was in flight never reuses its id. */
const newRequestId = () => crypto.getRandomValues(new Uint32Array(1))[0];

function restoreDraft(): Draft | undefined {
  const saved = vscode.getState() as { draft?: unknown } | undefined;
  const p = DraftSchema.safeParse(saved?.draft);
  return p.success ? p.data : undefined;
}

let mirrorTimer: ReturnType<typeof setTimeout> | undefined;
function save(): void {
  // Nothing is kept from a provisional state (see restoredDraft): a control set while drawing it
  // may report a change, and the draft it would save was reconciled against an old state.
  if (restoredDraft !== null) return;
  vscode.setState({ draft });
  byId('app')?.setAttribute('data-draft', 'saving');
  // Mirror to the host (workspaceState) so the draft also survives a window reload.
  clearTimeout(mirrorTimer);
  mirrorTimer = setTimeout(() => vscode.postMessage({ type: 'draft', draft: draft ?? null }), 250);
}

/** Draws the form again from the state and the draft (nothing before both exist), keeping the focus where it was. */
function render(): void {
  const app = byId('app')!;
  if (!state || !draft) return;
  const s = state;
  const d = draft;
  // Only when the form has focus: the last focused element stays `activeElement` after focus left
  // the view, and focusing it again would take focus from whatever the user is in now (a quick pick,
  // the editor) each time a run posts new state.
  const focusedId = document.hasFocus() ? document.activeElement?.id : undefined;
  app.replaceChildren();

  const form = el('form', { id: 'ticket-form', novalidate: '', 'aria-label': l10n.t('New ticket') });
  form.addEventListener('submit', (e) => e.preventDefault());
  const [title, titleError] = textFields(form, d, save, render);
  choiceFields(form, s, d, save, replace, vscode);
  stages(form, s, d, save, render);
  actions(form, s, d, title, titleError);

  app.append(form);
  if (focusedId) byId(focusedId)?.focus();
}

/** A preset or reset made a new draft: it becomes the draft, saved and drawn. */
function replace(next: Draft): void {
  draft = next;
  save();
  render();
}

/** Appends the create buttons, their status line, the Restricted Mode hint and the footer to `form`. */
function actions(form: HTMLElement, s: FormState, d: Draft, title: Field, titleError: HTMLElement): void {
  const status = el('div', { id: 'status', class: 'status', role: 'status' }, lastCreated ?? '');
  const create = el('vscode-button', { id: 'create', appearance: 'primary' }, l10n.t('Create ticket'));
  const createRun = el('vscode-button', { id: 'create-run', appearance: 'secondary' }, l10n.t('Create and run pipeline'));
  if (!s.trusted) {
    disable(createRun);
    createRun.setAttribute('title', l10n.t('Running stages is disabled until you trust this workspace.'));
  }
  const busy = () => [create, createRun].forEach(disable);
  if (pendingRequest !== undefined) busy();
  const submit = (run: boolean) => {
    if (pendingRequest !== undefined) return;
    if (titleMissing(d)) {
      titleError.textContent = l10n.t('Title is required.');
      title.setAttribute('aria-invalid', 'true');
      title.focus();
      return;
    }
    pendingRequest = newRequestId();
    busy();
    status.textContent = l10n.t('Creating…');
    vscode.postMessage(createMessage(s, d, pendingRequest, run));
  };
  create.addEventListener('click', () => submit(false));
  createRun.addEventListener('click', () => submit(true));
  form.append(el('div', { class: 'row actions' }, create, createRun), status);
  if (!s.trusted) form.append(el('p', { class: 'hint' }, l10n.t('Restricted Mode: tickets can be created, but stages run only in a trusted workspace.')));

  const settingsLink = el('a', { href: '#', id: 'open-settings' }, l10n.t('Default models in Settings'));
  settingsLink.addEventListener('click', (e) => {
    e.preventDefault();
    vscode.postMessage({ type: 'openSettings', query: 'sdlcPipeline.defaultModels' });
  });
  form.append(el('p', { class: 'footer' }, l10n.t('Next ticket: #{0}', s.nextTicketId), ' · ', settingsLink));
}

window.addEventListener('message', (event: MessageEvent) => receive(event.data));

/** The last state drawn, as JSON: the host may post an equal one (e.g. on 'ready'), which changes nothing. */
let lastStateJson: string | undefined;
/**
 * The page's own first state is provisional: VS Code reloads the same page when a hidden view is
 * shown again, so it may be old. It is drawn, but not saved; the draft as restored before it waits
 * here (null: nothing waits) for the first state the host posts, unless the user edits first.
 */
let restoredDraft: Draft | undefined | null = null;
// A user's own action ends it: from then on their edits are the draft.
for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, () => (restoredDraft = null), true);

const MALFORMED = 'SDLC Pipeline: ignored a malformed message from the host';

/** `initial`: a message the page carried (see the end of this file), not one the host posted. */
function receive(data: unknown, initial = false): void {
  const parsed = HostMessageSchema.safeParse(data);
  if (!parsed.success) {
    console.warn(MALFORMED);
    return;
  }
  const msg = parsed.data;
  switch (msg.type) {
    case 'l10n':
      // Before the first state; should it come later, the form is drawn again in the new language.
      l10n.useBundle(msg.bundle);
      render();
      break;
    case 'state':
    {
      const json = JSON.stringify(msg.state);
      const settling = !initial && restoredDraft !== null;
      if (json === lastStateJson && !settling) break;
      if (!state) performance.mark('sdlc:state');
      state = msg.state;
      // After a provisional state, start again from the draft as it was restored.
      const base = settling ? (restoredDraft ?? undefined) : draft;
      restoredDraft = initial ? (draft ?? undefined) : null;
      const before = JSON.stringify(base ?? null);
      draft = reconcile(msg.state, base ?? msg.state.draft);
      // Save (and mirror to the host) only when the new state changed the draft: a run finishing
      // posts state too, and must not start a write round trip each time. Never for the page's own.
      if (!initial && JSON.stringify(draft) !== before) save();
      render();
      lastStateJson = json;
      if (!performance.getEntriesByName('sdlc:painted').length) performance.mark('sdlc:painted');
      // A restored draft for another folder: ask for that folder's defaults (the host answers with state for it).
      if (!initial && draft.folder && msg.state.folders.length > 1 && draft.folder !== msg.state.folder) vscode.postMessage({ type: 'selectFolder', folder: draft.folder });
      break;
    }
    case 'created':
      if (msg.requestId !== pendingRequest) break; // a reply to a request this form no longer waits for
      pendingRequest = undefined;
      lastCreated = msg.ran ? l10n.t('Ticket #{0} created — running the pipeline.', msg.id) : l10n.t('Ticket #{0} created.', msg.id);
      draft = state ? freshDraft(state) : undefined;
      save();
      render();
      byId('title')?.focus();
      break;
    case 'fill':
      draft = state ? reconcile(state, msg.draft) : msg.draft;
      lastCreated = undefined;
      save();
      render();
      byId('title')?.focus();
      break;
    case 'draftSaved':
      byId('app')?.setAttribute('data-draft', 'saved');
      break;
    case 'error': {
      if (msg.requestId !== undefined && msg.requestId === pendingRequest) {
        pendingRequest = undefined;
        lastCreated = undefined;
        render();
      }
      const target = msg.field ? byId(`${msg.field}-error`) : null;
      const status = byId('status');
      (target ?? status)!.textContent = msg.message;
      break;
    }
  }
}

// The page carries its first messages (translations, the first state) so the form paints at once;
// each is checked like any message from the host.
const initial = byId('initial-messages')?.textContent;
let initialList: unknown = [];
try {
  initialList = JSON.parse(initial ?? '[]');
} catch {
  console.warn(MALFORMED);
}
if (Array.isArray(initialList)) for (const m of initialList) receive(m, true);
vscode.postMessage({ type: 'ready' });
