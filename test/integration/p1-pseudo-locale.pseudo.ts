/**
 * The pseudo-locale (real extension host, VS Code started with `--locale qps-ploc`): the
 * extension's bundle and package.nls are pseudo-translated (every letter accented, so
 * "Run Stage" reads "Řŭŭƞ Şŧȧȧɠḗḗ"), so any user-facing text still in plain English bypassed l10n.
 * Data is kept out of the way: ticket titles here are non-ASCII, and model ids, paths and
 * numbers are taken out before a text is judged.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { api, draft, waitFor } from './helpers';

/** Ticket text that reads as already translated, so only our own words can fail the check. */
const TITLE = 'Ŧḗşŧ ŧȋƈķḗŧ';
/**
 * What is data, not text: model ids, file paths, the CLI's id, markdown command links and
 * escapes, codicons, URLs, times (the locale's own "PM") and durations (SI symbols: ms, s, min, h).
 */
const DATA = /\b(?:opus|sonnet|haiku|fable|claude(?:-[\w.-]+)?)\b|(?:file:\/\/)?\/[^\s,;)]*|command:[\w.]+(?:\?[^\s)]*)?|&nbsp;|\$\([\w-]+\)|https?:\/\/\S+|\d{1,2}:\d{2}(?::\d{2})?(?:\s|&nbsp;)*[AP]M\b|\b\d+(?:\.\d+)?\s*(?:ms|s|min|h)\b/g;

/** The English words (two or more ASCII letters in a row) left in `text` once data (and the workspace folders' names) is taken out. */
function english(text: string): string[] {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.name);
  const words = (text.replace(DATA, ' ').match(/[A-Za-z]{2,}/g) ?? []);
  return words.filter((w) => !folders.includes(w));
}

function assertTranslated(what: string, text: string | undefined): void {
  assert.ok(text !== undefined && text.trim() !== '', `${what} is empty`);
  const left = english(text);
  assert.deepStrictEqual(left, [], `${what} bypasses l10n: "${text}"`);
}

const textOf = (v: string | vscode.TreeItemLabel | vscode.MarkdownString | undefined | boolean): string | undefined =>
  v === undefined || typeof v === 'boolean' ? undefined : typeof v === 'string' ? v : 'label' in v ? v.label : v.value;

/** Captures what the extension shows through `vscode.window`'s message and pick functions; `restore()` puts them back. */
function capture() {
  const w = vscode.window as unknown as Record<string, unknown>;
  const names = ['showInformationMessage', 'showWarningMessage', 'showErrorMessage', 'showQuickPick'] as const;
  const saved = Object.fromEntries(names.map((n) => [n, w[n]]));
  const messages: string[] = [];
  const picks: Array<{ items: string[]; placeHolder?: string; title?: string }> = [];
  for (const n of names.slice(0, 3)) {
    w[n] = (message: string, ...rest: unknown[]) => {
      messages.push([message, ...rest.filter((r): r is string => typeof r === 'string')].join(' | '));
      return Promise.resolve(undefined);
    };
  }
  w.showQuickPick = async (items: unknown, options?: vscode.QuickPickOptions) => {
    const list = (await items) as Array<string | vscode.QuickPickItem>;
    picks.push({ items: list.flatMap((i) => (typeof i === 'string' ? [i] : [i.label, i.description ?? '', i.detail ?? ''])), placeHolder: options?.placeHolder, title: options?.title });
    return undefined;
  };
  return { messages, picks, restore: () => Object.assign(w, saved) };
}

describe('the pseudo-locale (real extension host, qps-ploc)', () => {
  it('the window really runs in the pseudo-locale with the extension\'s pseudo bundle loaded', async () => {
    assert.strictEqual(vscode.env.language, 'qps-ploc');
    // The extension's own translations took (a stage label read through its l10n).
    const clarify = (await api()).form.state().stages.find((s) => s.id === 'clarify');
    assert.ok(clarify && clarify.label !== 'Clarify' && english(clarify.label).length === 0, `Clarify reads ${clarify?.label}`);
  });

  it('command titles, view names, the walkthrough and setting descriptions come from package.nls', () => {
    const pkg = vscode.extensions.getExtension('sdlc-pipeline.sdlc-pipeline')!.packageJSON as {
      contributes: {
        commands: Array<{ command: string; title: string | { value: string } }>;
        views: Record<string, Array<{ name: string | { value: string } }>>;
        walkthroughs: Array<{ title: string; steps: Array<{ title: string; description: string }> }>;
        configuration: { properties: Record<string, { markdownDescription?: string; description?: string }> };
      };
    };
    const text = (v: string | { value: string }) => (typeof v === 'string' ? v : v.value);
    for (const c of pkg.contributes.commands) assertTranslated(`the title of ${c.command}`, text(c.title));
    for (const v of Object.values(pkg.contributes.views).flat()) assertTranslated('a view name', text(v.name));
    for (const w of pkg.contributes.walkthroughs) {
      assertTranslated('the walkthrough title', w.title);
      for (const s of w.steps) assertTranslated(`walkthrough step "${s.title}"`, `${s.title} ${s.description.replace(/\[[^\]]*\]\(command:[^)]*\)/g, (m) => m.slice(0, m.indexOf('](') + 1))}`);
    }
    for (const [key, p] of Object.entries(pkg.contributes.configuration.properties)) {
      // Setting descriptions name settings (`#sdlcPipeline.x#`), CLI flags and JSON: those are data.
      const d = (p.markdownDescription ?? p.description ?? '').replace(/`[^`]*`/g, ' ');
      assertTranslated(`the description of ${key}`, d);
    }
  });

  it('a ticket\'s tree rows, its run\'s terminal, the form\'s state, notifications and quick picks speak the pseudo-locale', async () => {
    const a = await api();
    const cap = capture();
    try {
      const t = await a.tickets.create({ ...draft(TITLE, {}, ['clarify']), description: TITLE });
      const run = await a.runner.run({ ticketId: t.id, stage: 'clarify' });
      assert.strictEqual(run?.status, 'succeeded', run?.message);
      // The terminal the stage ran in: "SDLC #1 · Clarify · haiku" with its words translated.
      const names = vscode.window.terminals.map((x) => x.name).filter((n) => n.includes(`#${t.id}`));
      assert.ok(names.length, `no terminal for ticket #${t.id}: ${vscode.window.terminals.map((x) => x.name).join(', ')}`);
      for (const n of names) assertTranslated('the terminal name', n.replace(TITLE, ''));
      for (const node of [{ kind: 'ticket' as const, ticketId: t.id }, ...a.tree.getChildren({ kind: 'ticket', ticketId: t.id })]) {
        const item = a.tree.getTreeItem(node);
        const label = textOf(item.label)?.replace(TITLE, '').replace(/#\d+/g, '');
        if (label?.trim()) assertTranslated(`the ${node.kind} row's label`, label);
        if (item.description) assertTranslated(`the ${node.kind} row's description`, textOf(item.description));
        assertTranslated(`the ${node.kind} row's tooltip`, textOf(item.tooltip)?.replace(TITLE, '').replace(/`[^`]*`/g, ' '));
      }
      const state = a.form.state();
      for (const s of state.stages) assertTranslated(`stage ${s.id}`, `${s.label} ${s.summary}`);
      for (const m of state.models) assertTranslated(`model ${m.id}'s description`, m.description);
      for (const d of Object.values(state.defaults)) assertTranslated('a model source', d.sourceLabel);
      const builtins = state.presets.filter((p) => ['Balanced', 'Cost-optimized', 'Max quality'].includes(p.name));
      assert.strictEqual(builtins.length, 3, 'the built-in presets');
      for (const p of builtins) assertTranslated(`preset ${p.name}`, p.label);
      // Messages a notification shows: what a run says when nothing is left to do, and Find Claude Code.
      await vscode.commands.executeCommand('sdlcPipeline.findClaude');
      await vscode.commands.executeCommand('sdlcPipeline.runStage');
      await waitFor(() => cap.messages.length >= 1 && cap.picks.length >= 1, 'a notification and a quick pick');
      for (const m of cap.messages) assertTranslated('a notification', m);
      for (const p of cap.picks) {
        // An item that is only data ("#1 <title>") has nothing to translate.
        for (const i of p.items.map((x) => x.replace(TITLE, '').replace(/#\d+/g, '')).filter((x) => x.trim())) assertTranslated('a quick-pick item', i);
        if (p.placeHolder) assertTranslated('a quick pick\'s placeholder', p.placeHolder);
      }
    } finally {
      cap.restore();
    }
  });

  it('the cost report (its own lazily loaded bundle) is titled in the pseudo-locale', async () => {
    await vscode.commands.executeCommand('sdlcPipeline.showCostReport');
    const tab = await waitFor(() => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((x) => x.input instanceof vscode.TabInputWebview), 'the cost report tab');
    assertTranslated('the cost report title', tab.label);
  });
});
