/** The native Tickets tree: ticket → its stages, with model, status, cost and duration. */
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import type { ConfigurationService } from './configuration';
import { resolveEffort, resolveStageModel, resolveSubagentModel, SOURCE_LABELS } from './domain/settings';
import { stageInfo, type StageId } from './domain/stages';
import { modelSplit } from './domain/cost';
import { formatDuration, formatUsd } from './domain/format';
import { enabledStages, lastRun, runStatusLabel, ticketSpend, ticketTypeLabel, type RunStatus, type Ticket } from './domain/ticket';
import { Disposable } from './lifecycle';
import type { ExtensionState, TreeFilter } from './state';
import type { StageRunner } from './runner';
import type { TicketService } from './ticketService';
import type { PipelineService } from './pipeline';
import type { Workspaces } from './workspaces';
import { describeBranchState } from './domain/worktree';
import { issueLabel } from './domain/github';
import type { GitHubLink } from './githubLink';

export const TREE_VIEW_ID = 'sdlcPipeline.tickets';
export const PAGE_SIZE = 200;
export type { TreeFilter } from './state';

export type Node =
  | { kind: 'ticket'; ticketId: number }
  | { kind: 'stage'; ticketId: number; stage: StageId }
  | { kind: 'more'; shown: number };

const STATUS_ICONS: Record<RunStatus, [string, string?]> = {
  queued: ['clock'],
  running: ['sync~spin', 'charts.blue'],
  succeeded: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash', 'disabledForeground'],
  interrupted: ['debug-disconnect', 'list.warningForeground'],
  'budget-exceeded': ['warning', 'list.warningForeground'],
};
const TYPE_ICONS = { feature: 'lightbulb', bug: 'bug', chore: 'tools' } as const;

export class TicketsTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<Node>;
  private limit = PAGE_SIZE;
  private ticketNodes = new Map<number, Node>();

  constructor(
    private readonly tickets: TicketService,
    private readonly runner: StageRunner,
    private readonly config: ConfigurationService,
    private readonly state: ExtensionState,
    private readonly pipeline: PipelineService,
    private readonly workspaces: Workspaces,
    github: GitHubLink,
  ) {
    super();
    this.view = this.register(vscode.window.createTreeView(TREE_VIEW_ID, { treeDataProvider: this, showCollapseAll: true }));
    this.register(tickets.onDidChange((id) => this.refresh(id)));
    // The view starts collapsed (package.json), so that a first look shows the whole form:
    // the first ticket opens it (without taking focus or selecting anything).
    let empty = tickets.all().length === 0;
    this.register(tickets.onDidChange((id) => {
      if (!empty || id === undefined || !tickets.get(id)) return;
      empty = false;
      setTimeout(() => void this.view.reveal(this.ticketNode(id), { select: false, focus: false }).then(undefined, () => undefined), 0);
    }));
    this.register(runner.onDidChangeRunning(() => {
      workspaces.invalidate(); // a stage started or ended: its branch may have moved
      this.refresh();
    }));
    this.register(pipeline.onDidChange(() => this.refresh()));
    // A live cost changes one ticket's row, and no branch: no git reads for it.
    this.register(runner.onDidChangeLiveCost((e) => this.refresh(e.ticketId)));
    this.register(workspaces.onDidChangeState((id) => this.refresh(id)));
    this.register(github.onDidChange((id) => this.refresh(id)));
    this.register(config.onDidChange(() => this.refresh()));
    this.updateMessage();
  }

  get filter(): TreeFilter {
    return this.state.treeFilter();
  }

  async setFilter(f: TreeFilter): Promise<void> {
    await this.state.setTreeFilter(f);
    this.limit = PAGE_SIZE;
    this.refresh();
  }

  showMore(): void {
    this.limit += PAGE_SIZE;
    this.refresh();
  }

  refresh(ticketId?: number): void {
    const node = ticketId !== undefined ? this.ticketNodes.get(ticketId) : undefined;
    this.updateMessage();
    // A changed ticket refreshes its own subtree; a new or deleted one refreshes the root.
    this.changed.fire(node && this.tickets.get(ticketId!) ? node : undefined);
  }

  private updateMessage(): void {
    const f = this.filter;
    this.view.description = f === 'all' ? undefined : f === 'active' ? vscode.l10n.t('active') : vscode.l10n.t('archived');
    const none = f !== 'all' && this.visible().length === 0 && this.tickets.all().length > 0;
    this.view.message = !none ? undefined : f === 'active' ? vscode.l10n.t('No active tickets. Use the filter to see the others.') : vscode.l10n.t('No archived tickets. Use the filter to see the others.');
  }

  private visible(): Ticket[] {
    const f = this.filter;
    return this.tickets.all().filter((t) => (f === 'all' ? true : f === 'archived' ? t.archived : !t.archived));
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const all = this.visible();
      const out: Node[] = all.slice(0, this.limit).map((t) => this.ticketNode(t.id));
      if (all.length > this.limit) out.push({ kind: 'more', shown: this.limit });
      return out;
    }
    if (node.kind === 'ticket') {
      const t = this.tickets.get(node.ticketId);
      return t ? enabledStages(t).map((stage) => ({ kind: 'stage', ticketId: t.id, stage })) : [];
    }
    return [];
  }

  private ticketNode(id: number): Node {
    let n = this.ticketNodes.get(id);
    if (!n) {
      n = { kind: 'ticket', ticketId: id };
      this.ticketNodes.set(id, n);
    }
    return n;
  }

  getParent(node: Node): Node | undefined {
    return node.kind === 'stage' ? this.ticketNode(node.ticketId) : undefined;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'more') {
      const item = new vscode.TreeItem(vscode.l10n.t('Show more… ({0} shown)', node.shown));
      item.command = { command: COMMANDS.showMoreTickets, title: vscode.l10n.t('Show more') };
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      return item;
    }
    const t = this.tickets.get(node.ticketId);
    if (!t) return new vscode.TreeItem(vscode.l10n.t('(deleted)'));
    if (node.kind === 'ticket') return this.ticketItem(t);
    return this.stageItem(t, node.stage);
  }

  private ticketItem(t: Ticket): vscode.TreeItem {
    const item = new vscode.TreeItem(`#${t.id} ${t.title}`, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `ticket-${t.id}`;
    const stages = enabledStages(t);
    const done = stages.filter((s) => lastRun(t, s)?.status === 'succeeded').length;
    const cost = ticketSpend(t.runs);
    const ws = t.workspace && !t.workspace.removed ? t.workspace : undefined;
    const place = this.pipeline.queue.placeOf(t.id);
    const phase = place ? vscode.l10n.t('queued ({0})', place) : ws?.review === 'awaiting' && !this.pipeline.isRunning(t.id) ? vscode.l10n.t('awaiting review') : ws?.mergedAt ? vscode.l10n.t('merged') : undefined;
    const branch = ws ? describeBranchState(`⎇ ${ws.branch}`, this.workspaces.state(t)) : undefined;
    const link = t.issue ? (t.issue.commentPending ? vscode.l10n.t('{0} (comment pending)', issueLabel(t.issue)) : issueLabel(t.issue)) : undefined;
    const pr = t.pullRequest ? vscode.l10n.t('PR #{0}', t.pullRequest.number) : undefined;
    const type = ticketTypeLabel(t.type);
    item.description = [phase, link, pr, type, vscode.l10n.t('{0}/{1} stages', done, stages.length), cost > 0 ? formatUsd(cost) : undefined, branch, t.archived ? vscode.l10n.t('archived') : undefined].filter(Boolean).join(' · ');
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown('**').appendText(`#${t.id} ${t.title}`).appendMarkdown('**\n\n');
    if (t.description.trim()) tip.appendText(t.description.slice(0, 500)).appendMarkdown('\n\n');
    const created = new Date(t.createdAt).toLocaleString();
    tip.appendText(cost > 0 ? vscode.l10n.t('{0} · created {1} · spent {2}', type, created, formatUsd(cost)) : vscode.l10n.t('{0} · created {1}', type, created));
    if (t.issue) {
      const issue = issueLabel(t.issue);
      tip.appendMarkdown('\n\n').appendText(t.issue.commentPending ? vscode.l10n.t('Issue {0} · status comment pending (retried automatically)', issue) : t.issue.commentId ? vscode.l10n.t('Issue {0} · status comment up to date', issue) : vscode.l10n.t('Issue {0}', issue));
    }
    if (t.pullRequest) tip.appendMarkdown('\n\n').appendText(vscode.l10n.t('Pull request #{0}', t.pullRequest.number));
    if (ws) {
      const st = this.workspaces.state(t);
      const at = ws.baseCommit.slice(0, 7);
      tip.appendMarkdown('\n\n').appendText(
        !st ? vscode.l10n.t('Branch {0} from {1} at {2}', ws.branch, ws.base, at)
        : st.missing ? vscode.l10n.t('Branch {0} from {1} at {2} · {3} ahead, {4} behind · {5} files changed · worktree folder missing (re-created on the next run)', ws.branch, ws.base, at, st.ahead, st.behind, st.files)
        : vscode.l10n.t('Branch {0} from {1} at {2} · {3} ahead, {4} behind · {5} files changed', ws.branch, ws.base, at, st.ahead, st.behind, st.files),
      );
      if (ws.path) tip.appendMarkdown('\n\n').appendText(vscode.l10n.t('Worktree: {0}', ws.path));
      if (ws.mergeCommit) tip.appendMarkdown('\n\n').appendText(vscode.l10n.t('Merged into {0} ({1})', ws.base, ws.mergeCommit.slice(0, 7)));
    }
    item.tooltip = tip;
    item.iconPath = place ? new vscode.ThemeIcon('clock') : new vscode.ThemeIcon(TYPE_ICONS[t.type]);
    // Space-separated flags after the kind: the menus' `when` clauses match them.
    item.contextValue = [t.archived ? 'ticket-archived' : 'ticket', ws ? 'branch' : '', ws?.path ? 'worktree' : '', ws?.review === 'awaiting' ? 'awaiting' : '', place ? 'queued' : '', t.issue ? 'issue' : '', t.pullRequest ? 'pr' : ''].filter(Boolean).join(' ');
    item.accessibilityInformation = { label: vscode.l10n.t('Ticket {0}: {1}, {2}', t.id, t.title, item.description) };
    return item;
  }

  private stageItem(t: Ticket, stage: StageId): vscode.TreeItem {
    const info = stageInfo(stage);
    const resolved = resolveStageModel(stage, this.config.forTicket(t).models, t.stages[stage]?.model);
    const run = lastRun(t, stage);
    const running = this.runner.isRunning(t.id, stage);
    const item = new vscode.TreeItem(info.label);
    item.id = `ticket-${t.id}-${stage}`;
    const status: RunStatus | undefined = running ? 'running' : run?.status;
    const runCfg = this.config.forTicket(t).run;
    const sub = resolveSubagentModel(stage, runCfg.defaultSubagentModels, t.stages[stage]?.subagentModel).model;
    const effort = resolveEffort(stage, runCfg.defaultEfforts, t.stages[stage]?.effort).effort;
    const parts = [resolved.model];
    if (sub && sub !== resolved.model) parts.push(vscode.l10n.t('sub-agents {0}', sub));
    if (effort) parts.push(vscode.l10n.t('effort {0}', effort));
    const live = running ? this.runner.liveCost(t.id, stage) : undefined;
    if (live !== undefined) parts.push(vscode.l10n.t('{0} so far', formatUsd(live)));
    if (run && !running) {
      if (run.costUsd !== undefined) parts.push(formatUsd(run.costUsd));
      if (run.endedAt) parts.push(formatDuration(run.durationMs ?? run.endedAt - run.startedAt));
    }
    if (status && status !== 'succeeded') parts.push(runStatusLabel(status));
    item.description = parts.join(' · ');
    const tip = new vscode.MarkdownString();
    tip.appendText(vscode.l10n.t('{0}: {1}\nModel: {2} ({3})', info.label, info.summary, resolved.model, SOURCE_LABELS[resolved.source]));
    if (run) {
      const last = [
        vscode.l10n.t('Last run: {0}', runStatusLabel(run.status)),
        run.modelRan ? vscode.l10n.t('ran {0}', run.modelRan) : undefined,
        run.costUsd !== undefined ? formatUsd(run.costUsd) : undefined,
        run.numTurns !== undefined ? vscode.l10n.t('{0} turns', run.numTurns) : undefined,
      ];
      tip.appendText(`\n${last.filter(Boolean).join(' · ')}`);
      // Main loop and sub-agents, each on its own model: what each cost.
      const split = modelSplit(run).map((m) => (m.main ? vscode.l10n.t('{0} {1} (main)', m.model, formatUsd(m.usd)) : vscode.l10n.t('{0} {1} (sub-agents)', m.model, formatUsd(m.usd))));
      if (split.length) tip.appendText(`\n${vscode.l10n.t('By model: {0}', split.join(' · '))}`);
      if (run.message) tip.appendText(`\n${run.message}`);
    }
    item.tooltip = tip;
    const [icon, colour] = status ? STATUS_ICONS[status] : ['circle-large-outline', undefined];
    item.iconPath = new vscode.ThemeIcon(icon, colour ? new vscode.ThemeColor(colour) : undefined);
    item.contextValue = running ? 'stage-running' : 'stage';
    item.command = running ? { command: COMMANDS.showRunningTerminal, title: vscode.l10n.t('Show terminal'), arguments: [{ ticketId: t.id, stage }] } : undefined;
    item.accessibilityInformation = {
      label: status ? vscode.l10n.t('{0} stage, model {1}, {2}', info.label, resolved.model, runStatusLabel(status)) : vscode.l10n.t('{0} stage, model {1}, not run', info.label, resolved.model),
    };
    return item;
  }

  reveal(ticketId: number): void {
    void this.view.reveal(this.ticketNode(ticketId), { expand: true, select: true });
  }
}
