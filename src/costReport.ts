/** "SDLC: Show Cost Report": a script-free webview with an SVG chart that follows the theme. */
import './l10nHost'; // first: this bundle's translations before any module uses them
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ConfigurationService } from './configuration';
import { costRows, rollup, toCsv } from './domain/cost';
import { spentOnDay, spentThisWeek } from './domain/daily';
import { STAGES } from './domain/stages';
import { formatUsd } from './domain/format';
import { COMMANDS } from './commandIds';
import { Disposable } from './lifecycle';
import type { TicketService } from './ticketService';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A translated sentence as HTML: its text escaped, its `{0}`, `{1}`… replaced by the HTML given. */
const fill = (text: string, ...html: string[]) => esc(text).replace(/\{(\d+)\}/g, (m, i: string) => html[Number(i)] ?? m);

function bars(title: string, data: Array<{ label: string; value: number; estimate?: number }>): string {
  const max = Math.max(0.000001, ...data.flatMap((d) => [d.value, d.estimate ?? 0]));
  const rowH = 22;
  // Room for the longest label (model ids are long), at about 7 px per character.
  const labelW = Math.min(260, 12 + 7 * Math.max(8, ...data.map((d) => d.label.length)));
  const width = labelW + 310;
  const h = data.length * rowH + 4;
  const rows = data
    .map((d, i) => {
      const y = i * rowH + 2;
      const w = Math.round(((width - labelW - 80) * d.value) / max);
      const e = d.estimate !== undefined ? Math.round(((width - labelW - 80) * d.estimate) / max) : undefined;
      return `<text x="0" y="${y + 14}" class="label">${esc(d.label)}</text>
<rect x="${labelW}" y="${y + 3}" width="${Math.max(1, w)}" height="12" class="bar"><title>${esc(d.label)}: ${formatUsd(d.value)}</title></rect>
${e !== undefined ? `<rect x="${labelW}" y="${y + 16}" width="${Math.max(1, e)}" height="3" class="estimate"><title>${esc(vscode.l10n.t('estimate {0}', formatUsd(d.estimate!)))}</title></rect>` : ''}
<text x="${labelW + Math.max(1, w) + 6}" y="${y + 14}" class="value">${formatUsd(d.value)}</text>`;
    })
    .join('\n');
  return `<figure><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}">${rows}</svg></figure>`;
}

export class CostReport extends Disposable {
  private panel?: vscode.WebviewPanel;

  constructor(
    private readonly tickets: TicketService,
    private readonly config: ConfigurationService,
  ) {
    super();
    this.register(tickets.onDidChange(() => this.update()));
  }

  csv(): string {
    return toCsv(costRows(this.tickets.all(), this.config.value.run.prices));
  }

  show(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    this.panel = vscode.window.createWebviewPanel('sdlcPipeline.costReport', vscode.l10n.t('SDLC Cost Report'), vscode.ViewColumn.Active, {
      enableScripts: false,
      enableCommandUris: [COMMANDS.exportCostCsv],
      localResourceRoots: [],
    });
    this.panel.onDidDispose(() => (this.panel = undefined));
    this.update();
    return this.panel;
  }

  /** The report owns its panel: closing the window or deactivating disposes it with the rest. */
  override dispose(): void {
    this.panel?.dispose();
    this.panel = undefined;
    super.dispose();
  }

  html(): string {
    const rows = costRows(this.tickets.all(), this.config.value.run.prices);
    const all = rollup(this.tickets.all().flatMap((t) => t.runs));
    const estimateByStage: Record<string, number> = {};
    for (const r of rows) estimateByStage[r.stage] = (estimateByStage[r.stage] ?? 0) + r.estimateUsd;
    const stageData = STAGES.filter((s) => all.byStage[s.id] !== undefined).map((s) => ({ label: s.label, value: all.byStage[s.id]!, estimate: estimateByStage[s.id] }));
    const modelData = Object.entries(all.byModel).map(([label, value]) => ({ label, value }));
    const byTicket = new Map<number, { title: string; total: number }>();
    for (const r of rows) {
      const e = byTicket.get(r.ticketId) ?? { title: r.title, total: 0 };
      e.total += r.costUsd;
      byTicket.set(r.ticketId, e);
    }
    const nonce = randomBytes(16).toString('base64');
    const runs = this.tickets.all().flatMap((t) => t.runs);
    const now = Date.now();
    // Headless and interactive side by side (interactive costs come from the session's transcript).
    const byMode = (['headless', 'interactive'] as const).map((mode) => ({ label: mode === 'headless' ? vscode.l10n.t('headless') : vscode.l10n.t('interactive'), value: runs.filter((r) => r.mode === mode).reduce((n, r) => n + (r.costUsd ?? 0), 0) }));
    const unknown = runs.filter((r) => r.mode === 'interactive' && r.costUsd === undefined && r.status !== 'running').length;
    const strong = (usd: number) => `<strong>${formatUsd(usd)}</strong>`;
    const total = fill(
      vscode.l10n.t('Total spent: {0} over {1} run(s) · today {2} · this week {3} · {4}'),
      strong(all.total), String(rows.length), strong(spentOnDay(runs, now)), strong(spentThisWeek(runs, now)),
      `<a href="command:${COMMANDS.exportCostCsv}">${esc(vscode.l10n.t('Export CSV'))}</a>`,
    );
    const body = rows.length
      ? `<p class="total">${total}</p>
${unknown ? `<p>${esc(vscode.l10n.t('{0} interactive run(s) left no transcript to read: their cost is unknown and not counted.', unknown))}</p>` : ''}
<div class="charts">${bars(vscode.l10n.t('Cost per stage (thin bar: estimate)'), stageData)}${bars(vscode.l10n.t('Cost per model'), modelData)}${bars(vscode.l10n.t('Headless and interactive'), byMode)}</div>
<table><caption>${esc(vscode.l10n.t('Per ticket'))}</caption><thead><tr><th scope="col">${esc(vscode.l10n.t('Ticket'))}</th><th scope="col">${esc(vscode.l10n.t('Spent'))}</th></tr></thead><tbody>
${[...byTicket.entries()].map(([id, t]) => `<tr><td>#${id} ${esc(t.title)}</td><td>${formatUsd(t.total)}</td></tr>`).join('\n')}
</tbody></table>`
      : `<p>${esc(vscode.l10n.t('No stage has reported a cost yet. Headless runs record the cost the Claude Code CLI reports; interactive runs, what their session transcript prices to.'))}</p>`;
    const title = esc(vscode.l10n.t('SDLC Cost Report'));
    return `<!DOCTYPE html><html lang="${esc(vscode.l10n.bundle ? vscode.env.language : 'en')}"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">
<style nonce="${nonce}">
body{color:var(--vscode-foreground);font-family:var(--vscode-font-family);padding:12px}
.charts{display:flex;flex-wrap:wrap;gap:24px}
figcaption{margin-bottom:6px;color:var(--vscode-descriptionForeground)}
.label,.value{fill:var(--vscode-foreground);font-size:12px}
.bar{fill:var(--vscode-charts-blue)}
.estimate{fill:var(--vscode-charts-orange)}
table{border-collapse:collapse;margin-top:16px}
th,td{text-align:left;padding:2px 12px 2px 0;border-bottom:1px solid var(--vscode-widget-border,transparent)}
a{color:var(--vscode-textLink-foreground)}
</style><title>${title}</title></head><body><h2>${title}</h2>${body}</body></html>`;
  }

  private update(): void {
    if (this.panel) this.panel.webview.html = this.html();
  }
}
