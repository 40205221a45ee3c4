/**
 * The ticket form's stages and totals: one compact row per stage (toggle and name, model, effort,
 * estimate, and a sub-agent line where it applies), the sources line and the sub-agents toggle
 * under them, then the cost totals. A change to a row updates its estimate, hint and the totals
 * in place; one that shows or hides a sub-agent line (a model picked, the sub-agents toggle) calls
 * `render`. Owns no state: it writes the draft it is given and calls `save` after each edit; the
 * figures and texts come from draft.ts.
 */
import type { Draft, FormState } from '../src/protocol';
import * as l10n from '../src/domain/l10n';
import { showsSubagentPicker, sourcesLine, stageEffort, stageEstimate, stageHint, stageSubagentModel, totals, totalsText } from './draft';
import { byId, disable, dropdown, el, option, type Field } from './dom';

type Stage = FormState['stages'][number];

// Short labels: the effort column is narrow ("medium" shows as "med"); the full word is the option's title.
// Effort levels are the CLI's `--effort` values: shown as they are.
const effortOption = (value: string, label: string) => option(value, label === 'medium' ? 'med' : label, { title: value ? l10n.t('effort {0}', value) : l10n.t('the CLI’s default effort') });

/** Appends the stages fieldset and the totals to `form`. */
export function stages(form: HTMLElement, s: FormState, d: Draft, save: () => void, render: () => void): void {
  // Stages: one compact line each (toggle and name, model, effort, estimate), plus a sub-agent
  // line where the stage's sub-agents run on another model (or for every stage, when asked).
  const grid = el('div', { class: 'stages', role: 'group', 'aria-label': l10n.t('Pipeline stages') });
  grid.append(
    el('span', { class: 'col-head', 'aria-hidden': 'true' }, l10n.t('Stage')),
    el('span', { class: 'col-head', 'aria-hidden': 'true' }, l10n.t('Model')),
    el('span', { class: 'col-head', 'aria-hidden': 'true' }, l10n.t('Effort')),
    el('span', { class: 'col-head num', 'aria-hidden': 'true', title: l10n.t('Estimated cost of the stage') }, l10n.t('≈ USD')),
  );
  const sources = el('div', { class: 'hint', id: 'model-sources' }, sourcesLine(s, d));
  const refreshers = s.stages.map((st) => stageRow(grid, s, d, st, sources, renderTotals, save, render));
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
}

/** Appends the stage's row (and its sub-agent line, when it shows) to `grid`; returns what updates its estimate, hint and the totals. */
function stageRow(grid: HTMLElement, s: FormState, d: Draft, st: Stage, sources: HTMLElement, renderTotals: () => void, save: () => void, render: () => void): () => void {
  const choice = d.stages[st.id];
  const hint = el('span', { class: 'sr-only', id: `hint-${st.id}` }, stageHint(s, d, st.id));
  const toggle = el('vscode-checkbox', { id: `stage-${st.id}`, 'aria-label': l10n.t('Run {0} stage', st.label), title: st.summary }, st.label) as Field;
  if (choice.enabled) toggle.setAttribute('checked', '');
  const picker = dropdown({ id: `model-${st.id}`, class: 'compact', 'aria-label': l10n.t('Model for {0} stage', st.label), 'aria-describedby': `hint-${st.id}`, title: stageHint(s, d, st.id), position: 'below' });
  for (const m of s.models) {
    const title = m.ranAs ? l10n.t('{0} · {1}× haiku · ran as {2}', m.description, m.relativeCost, m.ranAs) : l10n.t('{0} · {1}× haiku', m.description, m.relativeCost);
    picker.append(option(m.id, m.id, { title }));
  }
  const effort = dropdown({ id: `effort-${st.id}`, class: 'compact', 'aria-label': l10n.t('Effort for {0} stage', st.label), position: 'below' });
  // "auto": no --effort, the CLI's own default. Offered only when no setting chose an effort.
  if (!s.defaults[st.id].effort) effort.append(effortOption('', l10n.t('auto')));
  for (const e of s.efforts) effort.append(effortOption(e, e));
  const estimate = el('span', { class: 'estimate num', id: `estimate-${st.id}` });
  const error = el('div', { class: 'error wide', id: `model-${st.id}-error`, role: 'alert' });
  const refresh = (justPicked = false) => {
    const usd = stageEstimate(s, d, st.id);
    // Compact: the column's head says USD; under a cent reads "<0.01" (the picker's tooltip has the exact figure).
    estimate.textContent = choice.enabled && usd !== undefined ? (usd < 0.01 ? '<0.01' : usd.toFixed(2)) : '—';
    const text = stageHint(s, d, st.id, { justPicked });
    hint.textContent = text;
    picker.setAttribute('title', text);
    sources.textContent = sourcesLine(s, d);
    renderTotals();
  };
  const setEnabled = () => {
    for (const c of [picker, effort]) {
      if (choice.enabled) c.removeAttribute('disabled');
      else disable(c);
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
    if (showsSubagentPicker(s, d, st.id) !== !!byId(`subagent-${st.id}`)) render();
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
  if (showsSubagentPicker(s, d, st.id)) subagentLine(grid, s, d, st, choice, save, refresh);
  grid.append(error);
  queueMicrotask(() => {
    picker.value = choice.model;
    effort.value = stageEffort(s, d, st.id) ?? '';
  });
  return refresh;
}

/** The line under a stage's row with the model its sub-agents run on. */
function subagentLine(grid: HTMLElement, s: FormState, d: Draft, st: Stage, choice: Draft['stages'][Stage['id']], save: () => void, refresh: () => void): void {
  const sub = dropdown({ id: `subagent-${st.id}`, class: 'compact', 'aria-label': l10n.t('Model for the sub-agents of the {0} stage', st.label), position: 'below' });
  for (const m of s.models) sub.append(option(m.id, m.id));
  if (!choice.enabled) disable(sub);
  sub.addEventListener('change', () => {
    if (!sub.value || sub.value === stageSubagentModel(s, d, st.id)) return;
    choice.subagentModel = sub.value;
    save();
    refresh();
  });
  grid.append(el('div', { class: 'subagents wide', title: l10n.t('The model of the sub-agents this stage starts (the Agent tool)') }, el('span', { 'aria-hidden': 'true' }, `↳ ${l10n.t('sub-agents')}`), sub));
  queueMicrotask(() => (sub.value = stageSubagentModel(s, d, st.id)));
}
