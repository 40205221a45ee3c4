/**
 * The ticket form (browser side). Built from DOM nodes (never innerHTML with user text),
 * toolkit web components, and the shared zod protocol: host messages are validated here.
 * The draft lives in webview state, so it survives hiding the view and reloading the window.
 * This file only renders and wires events; the draft logic (defaults, merging host state, presets,
 * hints, totals, the `create` message) is the DOM-free draft.ts. Its text is translated with the
 * bundle the host sends in an `l10n` message (src/domain/l10n.ts), at each render.
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
import { TITLE_MAX, type TicketType } from '../src/domain/ticket';
import * as l10n from '../src/domain/l10n';
import { applyPreset, createMessage, freshDraft, reconcile, resetModels, showsSubagentPicker, sourcesLine, stageEffort, stageEstimate, stageHint, stageSubagentModel, titleMissing, totals, totalsText } from './draft';
import { formatUsd } from '../src/domain/format';

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

type Field = HTMLElement & { value: string; disabled: boolean; checked?: boolean };

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
  document.getElementById('app')?.setAttribute('data-draft', 'saving');
  // Mirror to the host (workspaceState) so the draft also survives a window reload.
  clearTimeout(mirrorTimer);
  mirrorTimer = setTimeout(() => vscode.postMessage({ type: 'draft', draft: draft ?? null }), 250);
}

/** Rows the description shows: its lines (long lines counted as wrapped at ~40 characters), 2 to 12. */
function descriptionRows(text: string): number {
  const lines = text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 40)), 0);
  return Math.min(12, Math.max(2, lines));
}

function typeLabel(t: TicketType): string {
  switch (t) {
    case 'feature': return l10n.t('Feature');
    case 'bug': return l10n.t('Bug');
    case 'chore': return l10n.t('Chore');
  }
}

function el(tag: string, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c); // strings become text nodes: never parsed as HTML
  return e;
}

function render(): void {
  const app = document.getElementById('app')!;
  if (!state || !draft) return;
  const s = state;
  const d = draft;
  // Only when the form has focus: the last focused element stays `activeElement` after focus left
  // the view, and focusing it again would take focus from whatever the user is in now (a quick pick,
  // the editor) each time a run posts new state.
  const focusedId = document.hasFocus() ? document.activeElement?.id : undefined;
  const refreshers: Array<() => void> = [];
  app.replaceChildren();

  const form = el('form', { id: 'ticket-form', novalidate: '', 'aria-label': l10n.t('New ticket') });
  form.addEventListener('submit', (e) => e.preventDefault());

  // Title
  const title = el('vscode-text-field', { id: 'title', maxlength: String(TITLE_MAX), placeholder: l10n.t('What needs doing?'), 'aria-required': 'true' }) as Field;
  title.append(el('span', {}, l10n.t('Title')));
  title.value = d.title;
  const titleError = el('div', { id: 'title-error', class: 'error', role: 'alert' });
  title.addEventListener('input', () => {
    d.title = title.value;
    if (d.title.trim()) {
      titleError.textContent = '';
      title.removeAttribute('aria-invalid');
    }
    save();
  });
  form.append(el('div', { class: 'field' }, title, titleError));

  // Description
  // Two lines until there is more to show: it grows as the text does (up to 12 lines), and stays resizable.
  const desc = el('vscode-text-area', { id: 'description', rows: String(descriptionRows(d.description)), resize: 'vertical', placeholder: l10n.t('Context, acceptance criteria, links…') }) as Field;
  desc.append(el('span', {}, l10n.t('Description')));
  desc.value = d.description;
  desc.addEventListener('input', () => {
    d.description = desc.value;
    const rows = String(descriptionRows(d.description));
    if (desc.getAttribute('rows') !== rows) desc.setAttribute('rows', rows);
    save();
  });
  form.append(el('div', { class: 'field' }, desc));

  // Filled from a GitHub issue: say which (text only), and let the user unlink it.
  if (d.issueUrl) {
    const m = /\/([^/]+)\/([^/]+)\/issues\/(\d+)$/.exec(d.issueUrl);
    const unlink = el('vscode-button', { id: 'issue-unlink', appearance: 'icon', 'aria-label': l10n.t('Do not link this ticket to the issue') }, '×');
    unlink.addEventListener('click', () => {
      delete d.issueUrl;
      save();
      render();
    });
    form.append(el('div', { class: 'field issue-link', id: 'issue-link' }, el('span', {}, l10n.t('From issue {0}', m ? `${m[1]}/${m[2]}#${m[3]}` : d.issueUrl)), unlink));
  }

  // Type
  const typeGroup = el('vscode-radio-group', { id: 'type', orientation: 'horizontal' });
  typeGroup.append(el('label', { slot: 'label' }, l10n.t('Type')));
  for (const t of s.types) {
    const r = el('vscode-radio', { value: t, id: `type-${t}` }, typeLabel(t)) as Field;
    if (d.type === t) r.setAttribute('checked', '');
    typeGroup.append(r);
  }
  typeGroup.addEventListener('change', (e) => {
    const v = (e.target as Field).value;
    if (v === 'feature' || v === 'bug' || v === 'chore') {
      d.type = v;
      save();
    }
  });
  form.append(el('div', { class: 'field' }, typeGroup));

  // Workspace folder (only with several)
  if (s.folders.length > 1) {
    const folder = el('vscode-dropdown', { id: 'folder', 'aria-label': l10n.t('Workspace folder') }) as Field;
    for (const f of s.folders) folder.append(el('vscode-option', { value: f.uri }, f.name));
    folder.addEventListener('change', () => {
      d.folder = folder.value;
      save();
      // Defaults and presets come from that folder's settings, as they will when it runs.
      vscode.postMessage({ type: 'selectFolder', folder: folder.value });
    });
    form.append(el('div', { class: 'field' }, el('label', { for: 'folder', class: 'label' }, l10n.t('Workspace folder')), folder));
    queueMicrotask(() => (folder.value = d.folder ?? s.folders[0].uri));
  }

  // Presets + reset
  const preset = el('vscode-dropdown', { id: 'preset', 'aria-label': l10n.t('Model preset') }) as Field;
  preset.append(el('vscode-option', { value: '' }, d.preset ? l10n.t('Custom') : l10n.t('Choose…')));
  for (const p of s.presets) preset.append(el('vscode-option', { value: p.name }, p.label ?? p.name));
  preset.addEventListener('change', () => {
    const next = applyPreset(s, d, preset.value);
    if (!next) return;
    draft = next;
    save();
    render();
  });
  const resetText = l10n.t('Reset models, efforts and sub-agents to defaults');
  const reset = el('vscode-button', { id: 'reset', appearance: 'secondary', 'aria-label': resetText, title: resetText }, l10n.t('Reset'));
  reset.addEventListener('click', () => {
    draft = resetModels(s, d);
    save();
    render();
  });
  form.append(el('div', { class: 'row presets' }, el('label', { for: 'preset', class: 'label' }, l10n.t('Preset')), preset, reset));
  queueMicrotask(() => (preset.value = d.preset ?? ''));

  // Stages: one compact line each (toggle and name, model, effort, estimate), plus a sub-agent
  // line where the stage's sub-agents run on another model (or for every stage, when asked).
  const grid = el('div', { class: 'stages', role: 'group', 'aria-label': l10n.t('Pipeline stages') });
  grid.append(
    el('span', { class: 'col-head', 'aria-hidden': 'true' }, l10n.t('Stage')),
    el('span', { class: 'col-head', 'aria-hidden': 'true' }, l10n.t('Model')),
    el('span', { class: 'col-head', 'aria-hidden': 'true' }, l10n.t('Effort')),
    el('span', { class: 'col-head num', 'aria-hidden': 'true', title: l10n.t('Estimated cost of the stage') }, l10n.t('≈ USD')),
  );
  // Short labels: the effort column is narrow ("medium" shows as "med"); the full word is the option's title.
  // Effort levels are the CLI's `--effort` values: shown as they are.
  const effortOption = (value: string, label: string) => el('vscode-option', { value, title: value ? l10n.t('effort {0}', value) : l10n.t('the CLI’s default effort') }, label === 'medium' ? 'med' : label);
  const sources = el('div', { class: 'hint', id: 'model-sources' }, sourcesLine(s, d));
  for (const st of s.stages) {
    const choice = d.stages[st.id];
    const hint = el('span', { class: 'sr-only', id: `hint-${st.id}` }, stageHint(s, d, st.id));
    const toggle = el('vscode-checkbox', { id: `stage-${st.id}`, 'aria-label': l10n.t('Run {0} stage', st.label), title: st.summary }, st.label) as Field;
    if (choice.enabled) toggle.setAttribute('checked', '');
    const picker = el('vscode-dropdown', { id: `model-${st.id}`, class: 'compact', 'aria-label': l10n.t('Model for {0} stage', st.label), 'aria-describedby': `hint-${st.id}`, title: stageHint(s, d, st.id), position: 'below' }) as Field;
    for (const m of s.models) {
      const title = m.ranAs ? l10n.t('{0} · {1}× haiku · ran as {2}', m.description, m.relativeCost, m.ranAs) : l10n.t('{0} · {1}× haiku', m.description, m.relativeCost);
      picker.append(el('vscode-option', { value: m.id, title }, m.id));
    }
    const effort = el('vscode-dropdown', { id: `effort-${st.id}`, class: 'compact', 'aria-label': l10n.t('Effort for {0} stage', st.label), position: 'below' }) as Field;
    // "auto": no --effort, the CLI's own default. Offered only when no setting chose an effort.
    if (!s.defaults[st.id].effort) effort.append(effortOption('', l10n.t('auto')));
    for (const e of s.efforts) effort.append(effortOption(e, e));
    const estimate = el('span', { class: 'estimate num', id: `estimate-${st.id}` });
    const error = el('div', { class: 'error wide', id: `model-${st.id}-error`, role: 'alert' });
    const refresh = (justPicked = false) => {
      const usd = stageEstimate(s, d, st.id);
      // Compact: under a cent reads "<$0.01" (the row's tooltip has the exact figure).
      estimate.textContent = choice.enabled && usd !== undefined ? (usd < 0.01 ? '<$0.01' : formatUsd(usd)) : '—';
      const text = stageHint(s, d, st.id, { justPicked });
      hint.textContent = text;
      picker.setAttribute('title', text);
      sources.textContent = sourcesLine(s, d);
      renderTotals();
    };
    const setEnabled = () => {
      for (const c of [picker, effort]) {
        if (choice.enabled) c.removeAttribute('disabled');
        else c.setAttribute('disabled', '');
      }
    };
    setEnabled();
    toggle.addEventListener('change', () => {
      choice.enabled = !!toggle.checked;
      setEnabled();
      save();
      refresh();
    });
    picker.addEventListener('change', () => {
      if (!picker.value || picker.value === choice.model) return;
      choice.model = picker.value;
      choice.touched = true;
      d.preset = undefined;
      save();
      // Whether the sub-agent line shows depends on the model: re-render the rows.
      if (showsSubagentPicker(s, d, st.id) !== !!document.getElementById(`subagent-${st.id}`)) render();
      else refresh(true);
    });
    effort.addEventListener('change', () => {
      const v = effort.value;
      const next = v === '' ? undefined : s.efforts.find((e) => e === v);
      if (next === stageEffort(s, d, st.id)) return;
      if (next) choice.effort = next;
      else delete choice.effort;
      d.preset = undefined;
      save();
      refresh();
    });
    grid.append(toggle, picker, effort, estimate, hint);
    if (showsSubagentPicker(s, d, st.id)) {
      const sub = el('vscode-dropdown', { id: `subagent-${st.id}`, class: 'compact', 'aria-label': l10n.t('Model for the sub-agents of the {0} stage', st.label), position: 'below' }) as Field;
      for (const m of s.models) sub.append(el('vscode-option', { value: m.id }, m.id));
      if (!choice.enabled) sub.setAttribute('disabled', '');
      sub.addEventListener('change', () => {
        if (!sub.value || sub.value === stageSubagentModel(s, d, st.id)) return;
        choice.subagentModel = sub.value;
        save();
        refresh();
      });
      grid.append(el('div', { class: 'subagents wide', title: l10n.t('The model of the sub-agents this stage starts (the Agent tool)') }, el('span', { 'aria-hidden': 'true' }, `↳ ${l10n.t('sub-agents')}`), sub));
      queueMicrotask(() => (sub.value = stageSubagentModel(s, d, st.id)));
    }
    grid.append(error);
    queueMicrotask(() => {
      picker.value = choice.model;
      effort.value = stageEffort(s, d, st.id) ?? '';
    });
    refreshers.push(refresh);
  }
  const moreSubagents = el('a', { href: '#', id: 'toggle-subagents', role: 'button' }, d.showSubagents ? l10n.t('Fewer sub-agent pickers') : l10n.t('Sub-agents for every stage'));
  moreSubagents.addEventListener('click', (e) => {
    e.preventDefault();
    d.showSubagents = !d.showSubagents;
    save();
    render();
  });
  form.append(el('fieldset', { class: 'stages-set' }, el('legend', {}, l10n.t('Stages and models')), grid, el('div', { class: 'stages-foot' }, sources, moreSubagents)));

  // Totals
  const totalsBox = el('div', { id: 'totals', class: 'totals', role: 'status' });
  function renderTotals(): void {
    const t = totalsText(totals(s, d));
    totalsBox.replaceChildren(el('div', {}, el('strong', {}, t.estimate), t.scope), el('div', { id: 'relative-cost' }, t.relative, t.saving));
  }
  for (const r of refreshers) r();
  form.append(totalsBox);

  // Actions
  const status = el('div', { id: 'status', class: 'status', role: 'status' }, lastCreated ?? '');
  const create = el('vscode-button', { id: 'create', appearance: 'primary' }, l10n.t('Create ticket'));
  const createRun = el('vscode-button', { id: 'create-run', appearance: 'secondary' }, l10n.t('Create and run pipeline'));
  if (!s.trusted) {
    createRun.setAttribute('disabled', '');
    createRun.setAttribute('title', l10n.t('Running stages is disabled until you trust this workspace.'));
  }
  if (pendingRequest !== undefined) {
    create.setAttribute('disabled', '');
    createRun.setAttribute('disabled', '');
  }
  const submit = (run: boolean) => {
    if (pendingRequest !== undefined) return;
    if (titleMissing(d)) {
      titleError.textContent = l10n.t('Title is required.');
      title.setAttribute('aria-invalid', 'true');
      title.focus();
      return;
    }
    pendingRequest = newRequestId();
    create.setAttribute('disabled', '');
    createRun.setAttribute('disabled', '');
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

  app.append(form);
  if (focusedId) document.getElementById(focusedId)?.focus();
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

/** `initial`: a message the page carried (see the end of this file), not one the host posted. */
function receive(data: unknown, initial = false): void {
  const parsed = HostMessageSchema.safeParse(data);
  if (!parsed.success) {
    console.warn('SDLC Pipeline: ignored a malformed host message');
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
      document.getElementById('title')?.focus();
      break;
    case 'fill':
      draft = state ? reconcile(state, msg.draft) : msg.draft;
      lastCreated = undefined;
      save();
      render();
      document.getElementById('title')?.focus();
      break;
    case 'draftSaved':
      document.getElementById('app')?.setAttribute('data-draft', 'saved');
      break;
    case 'error': {
      if (msg.requestId !== undefined && msg.requestId === pendingRequest) {
        pendingRequest = undefined;
        lastCreated = undefined;
        render();
      }
      const target = msg.field ? document.getElementById(`${msg.field}-error`) : null;
      const status = document.getElementById('status');
      (target ?? status)!.textContent = msg.message;
      break;
    }
  }
}

// The page carries its first messages (translations, the first state) so the form paints at once;
// each is checked like any message from the host.
const initial = document.getElementById('initial-messages')?.textContent;
let initialList: unknown = [];
try {
  initialList = JSON.parse(initial ?? '[]');
} catch {
  console.warn('SDLC Pipeline: ignored malformed initial messages');
}
if (Array.isArray(initialList)) for (const m of initialList) receive(m, true);
performance.mark('sdlc:ready');
vscode.postMessage({ type: 'ready' });
