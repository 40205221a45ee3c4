/**
 * The top of the ticket form, in two parts: `textFields` (title, description, the linked GitHub
 * issue) and `choiceFields` (type, workspace folder, the preset picker and its reset button).
 * Each control writes the draft it is given and calls back: `save` after an edit, `render` to draw
 * the form again, `replace` when a preset or reset makes a new draft; picking a folder also asks
 * the host for its defaults. Owns no state; the draft logic is draft.ts.
 */
import type { Draft, FormState, WebviewMessage } from '../src/protocol';
import { TITLE_MAX, type TicketType } from '../src/domain/ticket';
import * as l10n from '../src/domain/l10n';
import { applyPreset, resetModels } from './draft';
import { dropdown, el, option, type Field } from './dom';

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

/**
 * Appends the title, the description and the issue link to `form`; returns the title field and
 * its error line (the create buttons check the title).
 */
export function textFields(form: HTMLElement, d: Draft, save: () => void, render: () => void): [Field, HTMLElement] {
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
  return [title, titleError];
}

/** Appends the type, the workspace folder (with several) and the preset row to `form`. */
export function choiceFields(
  form: HTMLElement,
  s: FormState,
  d: Draft,
  save: () => void,
  replace: (next: Draft) => void,
  vscode: { postMessage(msg: WebviewMessage): void },
): void {
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
    const folder = dropdown({ id: 'folder', 'aria-label': l10n.t('Workspace folder') });
    for (const f of s.folders) folder.append(option(f.uri, f.name));
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
  const preset = dropdown({ id: 'preset', 'aria-label': l10n.t('Model preset') });
  preset.append(option('', d.preset ? l10n.t('Custom') : l10n.t('Choose…')));
  for (const p of s.presets) preset.append(option(p.name, p.label ?? p.name));
  preset.addEventListener('change', () => {
    const next = applyPreset(s, d, preset.value);
    if (!next) return;
    replace(next);
  });
  const resetText = l10n.t('Reset models, efforts and sub-agents to defaults');
  const reset = el('vscode-button', { id: 'reset', appearance: 'secondary', 'aria-label': resetText, title: resetText }, l10n.t('Reset'));
  reset.addEventListener('click', () => replace(resetModels(s, d)));
  form.append(el('div', { class: 'row presets' }, el('label', { for: 'preset', class: 'label' }, l10n.t('Preset')), preset, reset));
  queueMicrotask(() => (preset.value = d.preset ?? ''));
}
