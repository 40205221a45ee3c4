/**
 * What the worktree commands do (registered in commands.ts; the bodies load with the git code,
 * bundled in `dist/worktrees.js`). Each gets a ticket that has its own branch, except Clean Up
 * Worktrees, which looks for every worktree of a merged, archived or deleted ticket. Nothing is
 * removed before the user has seen what it would lose (worktreeCleanup.ts lists it).
 */
import * as vscode from 'vscode';
import type { CommandArgs } from './commandIds';
import { COMMANDS } from './commandNames';
import type { Ticket } from './domain/ticket';
import { oneLine } from './domain/terminalText';
import type { TicketWorkspace } from './domain/worktree';
import { notify } from './notify';
import type { PipelineService } from './pipeline';
import type { StageRunner } from './runner';
import type { TicketService } from './ticketService';
import type { Workspaces } from './workspaces';
import type { Losses, StaleWorktree } from './worktreeCleanup';

export type WorktreeCommand = 'openWorktree' | 'revealInSourceControl' | 'reviewChanges' | 'approveTicket' | 'requestChanges' | 'mergeTicket' | 'updateFromBase' | 'removeWorktree';

export interface WorktreeServices {
  tickets: TicketService;
  runner: StageRunner;
  pipeline: PipelineService;
  workspaces: Workspaces;
}

/** At most this many names per kind in a question's detail (the count is whole). */
const NAMES_SHOWN = 12;

/** One name in a detail block: one line, no control characters (file names and commit subjects come from the agent). */
const safeName = (s: string) => `  ${oneLine(s, 200)}`;

function names(items: readonly string[], total = items.length): string[] {
  const shown = items.slice(0, NAMES_SHOWN).map(safeName);
  return total > shown.length ? [...shown, vscode.l10n.t('  … and {0} more', total - shown.length)] : shown;
}

/** Everything a removal would throw away, kind by kind, and the ticket files it keeps: the detail of its question. */
export function lossDetail(l: Losses, base: string | undefined): string {
  const lines: string[] = [];
  if (l.commitCount) {
    lines.push(
      base
        ? vscode.l10n.t('Commits not in {0}: {1} ({2} of them on no remote):', base, l.commitCount, l.unpushed)
        : vscode.l10n.t('Commits on no other branch: {0} ({1} of them on no remote):', l.commitCount, l.unpushed),
      ...names(l.commits, l.commitCount),
    );
  }
  if (l.uncommitted.length) lines.push(vscode.l10n.t('Uncommitted and untracked files: {0}', l.uncommitted.length), ...names(l.uncommitted));
  if (l.ignored.length) lines.push(vscode.l10n.t('Ignored files, deleted with the folder: {0}', l.ignored.length), ...names(l.ignored));
  if (l.kept.length) lines.push(vscode.l10n.t('Kept: the ticket\'s own files ({0}) are copied to the workspace folder first.', l.kept.map((k) => oneLine(k.slice(k.lastIndexOf('/') + 1), 80)).join(', ')));
  return lines.join('\n');
}

/** "2 commits, 3 files and 1 ignored file" — the button of a question that deletes them. */
function lossSummary(l: Losses): string {
  const parts = [
    l.commitCount === 1 ? vscode.l10n.t('1 commit') : l.commitCount ? vscode.l10n.t('{0} commits', l.commitCount) : '',
    l.uncommitted.length === 1 ? vscode.l10n.t('1 uncommitted file') : l.uncommitted.length ? vscode.l10n.t('{0} uncommitted files', l.uncommitted.length) : '',
    l.ignored.length === 1 ? vscode.l10n.t('1 ignored file') : l.ignored.length ? vscode.l10n.t('{0} ignored files', l.ignored.length) : '',
  ].filter(Boolean);
  return parts.join(', ');
}

export function run<N extends WorktreeCommand>(name: N, s: WorktreeServices, t: Ticket, ws: TicketWorkspace, args: CommandArgs<N>): unknown {
  const { runner, pipeline, workspaces } = s;
  const idle = (t: Ticket) => {
    if (!pipeline.isRunning(t.id) && !runner.isRunning(t.id)) return true;
    void notify.warn(vscode.l10n.t('ticket #{0} is running; wait for it or stop it first.', t.id));
    return false;
  };
  const handlers: { [N in WorktreeCommand]: (t: Ticket, ws: TicketWorkspace, args: CommandArgs<N>) => unknown } = {
    openWorktree: async (_t, ws) => {
      if (!ws.path) return vscode.commands.executeCommand('workbench.view.scm');
      await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(ws.path), { forceNewWindow: true });
      return ws.path;
    },
    revealInSourceControl: (t) => workspaces.revealInScm(t),
    reviewChanges: (t) => workspaces.review(t),
    approveTicket: async (t, ws) => {
      if (!idle(t)) return undefined;
      if (ws.review !== 'awaiting') {
        void notify.info(vscode.l10n.t('ticket #{0} is not awaiting review; nothing to approve.', t.id));
        return undefined;
      }
      // What is approved is what Review Changes shows now: recorded, so Merge merges only that.
      await workspaces.recordReviewed(t);
      return pipeline.approve(t.id);
    },
    requestChanges: async (t, _ws, args) => {
      if (!idle(t)) return undefined;
      if (!t.stages.build?.enabled) {
        void notify.warn(vscode.l10n.t('ticket #{0} has no Build stage selected, so a change request would never be acted on. Turn Build on for it first.', t.id));
        return undefined;
      }
      const note =
        args.note ??
        (await vscode.window.showInputBox({
          title: vscode.l10n.t('Request changes on ticket #{0}', t.id),
          prompt: vscode.l10n.t('What should the Build stage change? Your note is added to the ticket file; Build runs again, then the review gate.'),
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Describe the change you want')),
        }));
      if (!note?.trim()) return undefined;
      return pipeline.requestChanges(t.id, note.trim());
    },
    mergeTicket: async (t, ws, args) => {
      if (!idle(t)) return undefined;
      if (!args.confirm) {
        const merge = vscode.l10n.t('Merge');
        const c = await notify.confirm(vscode.l10n.t('Merge {0} into {1}?', ws.branch, ws.base), merge);
        if (c !== merge) return undefined;
      }
      const r = await workspaces.merge(t, { approveUnreviewed: args.approveUnreviewed });
      if (!r.ok) {
        const update = vscode.l10n.t('Update from Base');
        const open = vscode.l10n.t('Open Worktree');
        const reviewAgain = vscode.l10n.t('Review Changes');
        const approveRest = vscode.l10n.t('Approve and Merge');
        const actions = r.reason === 'conflict' ? [update, open] : r.reason === 'unreviewed' ? [reviewAgain, approveRest] : [];
        void (r.reason === 'nothing' ? notify.info(r.message) : notify.error(r.message, ...actions)).then((c) => {
          if (c === update) void vscode.commands.executeCommand(COMMANDS.updateFromBase, { ticketId: t.id });
          if (c === open) void vscode.commands.executeCommand(COMMANDS.openWorktree, { ticketId: t.id });
          if (c === reviewAgain) void vscode.commands.executeCommand(COMMANDS.reviewChanges, { ticketId: t.id });
          if (c === approveRest && r.tree) void vscode.commands.executeCommand(COMMANDS.mergeTicket, { ticketId: t.id, confirm: true, approveUnreviewed: r.tree });
        });
        return r;
      }
      const commit = r.commit.slice(0, 7);
      const merged =
        r.kind === 'fast-forward'
          ? r.committedLeftovers
            ? vscode.l10n.t('merged {0} into {1} (fast-forward); the changes left uncommitted were committed first.', ws.branch, ws.base)
            : vscode.l10n.t('merged {0} into {1} (fast-forward).', ws.branch, ws.base)
          : r.committedLeftovers
            ? vscode.l10n.t('merged {0} into {1} (merge commit {2}); the changes left uncommitted were committed first.', ws.branch, ws.base, commit)
            : vscode.l10n.t('merged {0} into {1} (merge commit {2}).', ws.branch, ws.base, commit);
      const removeIt = vscode.l10n.t('Remove Worktree and Branch');
      const cleanUp = vscode.l10n.t('Clean Up Worktrees…');
      void notify.info(merged, removeIt, cleanUp).then((c) => {
        if (c === removeIt) void vscode.commands.executeCommand(COMMANDS.removeWorktree, { ticketId: t.id, confirm: true });
        if (c === cleanUp) void vscode.commands.executeCommand(COMMANDS.cleanUpWorktrees);
      });
      return r;
    },
    updateFromBase: async (t) => {
      if (!idle(t)) return undefined;
      const r = await workspaces.updateFromBase(t);
      void (r.ok ? notify.info(r.message) : notify.error(r.message));
      return r;
    },
    removeWorktree: async (t, ws, args) => {
      if (!idle(t)) return undefined;
      const lost = await workspaces.losses(t, ws);
      const detail = lossDetail(lost, ws.base);
      const ignored = lost.ignored.length;
      let force = false;
      if (lost.commitCount || lost.uncommitted.length || ignored) {
        const parts = lossSummary(lost);
        const named = args.discard && args.discard.commits === lost.commitCount && args.discard.uncommitted === lost.uncommitted.length && (args.discard.ignored ?? 0) === ignored;
        if (!named) {
          const question = ws.path
            ? vscode.l10n.t('Remove the worktree {0} and branch {1} of ticket #{2}? {3} would be lost for good:', ws.path, ws.branch, t.id, parts)
            : vscode.l10n.t('Remove branch {0} of ticket #{1}? {2} would be lost for good:', ws.branch, t.id, parts);
          const c = await notify.confirmDetail(question, detail, vscode.l10n.t('Delete {0}', parts));
          if (!c) return undefined;
        }
        // Ignored files alone need no force: `git worktree remove` deletes them anyway (now named and agreed to).
        force = lost.commitCount > 0 || lost.uncommitted.length > 0;
      } else if (!args.confirm) {
        const question = ws.path
          ? vscode.l10n.t('Remove the worktree {0} and branch {1} of ticket #{2}? Everything on it is merged into {3}.', ws.path, ws.branch, t.id, ws.base)
          : vscode.l10n.t('Remove branch {0} of ticket #{1}? Everything on it is merged into {2}.', ws.branch, t.id, ws.base);
        const c = await notify.confirmDetail(question, detail, vscode.l10n.t('Remove'));
        if (!c) return undefined;
      }
      const r = await workspaces.remove(t, force);
      void (r.ok ? notify.info(r.message) : notify.error(r.message));
      return r;
    },
  };
  return handlers[name](t, ws, args);
}

/** The review gate's notification: Review Changes, Approve, Request Changes (each through its command). */
export function askForReview(ticketId: number, ws: TicketWorkspace): void {
  const review = vscode.l10n.t('Review Changes');
  const approve = vscode.l10n.t('Approve');
  const requestChanges = vscode.l10n.t('Request Changes…');
  void notify
    .info(vscode.l10n.t('ticket #{0} is ready for review before Merge (branch {1}).', ticketId, ws.branch), review, approve, requestChanges)
    .then((c) => {
      if (c === review) void vscode.commands.executeCommand(COMMANDS.reviewChanges, { ticketId });
      if (c === approve) void vscode.commands.executeCommand(COMMANDS.approveTicket, { ticketId });
      if (c === requestChanges) void vscode.commands.executeCommand(COMMANDS.requestChanges, { ticketId });
    });
}

/** After the Merge stage: offer to merge the ticket's branch into its base (never without asking). */
export function offerMerge(ticketId: number, ws: TicketWorkspace): void {
  const merge = vscode.l10n.t('Merge into {0}', ws.base);
  const review = vscode.l10n.t('Review Changes');
  void notify.info(vscode.l10n.t('ticket #{0}\'s Merge stage finished on {1}. Merge it into {2}?', ticketId, ws.branch, ws.base), merge, review).then((c) => {
    if (c === merge) void vscode.commands.executeCommand(COMMANDS.mergeTicket, { ticketId, confirm: true });
    if (c === review) void vscode.commands.executeCommand(COMMANDS.reviewChanges, { ticketId });
  });
}

export interface CleanUpResult {
  /** Every stale worktree found, with what it would lose. */
  stale: { ticketId: number; why: StaleWorktree['why']; branch: string; path?: string; losses: Losses }[];
  /** The ones removed. */
  removed: number[];
}

/**
 * SDLC: Clean Up Worktrees…: the worktrees of merged, archived or deleted tickets, each with
 * what it would lose, in a multi-select quick pick (or the ones `ticketIds` names); removes the
 * picked ones, after a question naming everything that would be lost when anything would.
 */
export async function cleanUpWorktrees(s: WorktreeServices, ticketIds?: readonly number[]): Promise<CleanUpResult | undefined> {
  const { runner, pipeline, workspaces } = s;
  const busy = (id: number) => pipeline.isRunning(id) || runner.isRunning(id);
  const stale = await workspaces.stale(vscode.workspace.workspaceFolders ?? [], busy);
  const result: CleanUpResult = { stale: stale.map((w) => ({ ticketId: w.ticketId, why: w.why, branch: w.branch, path: w.path, losses: w.losses })), removed: [] };
  if (!stale.length) {
    if (ticketIds === undefined) void notify.info(vscode.l10n.t('no worktrees of merged, archived or deleted tickets to clean up.'));
    return result;
  }
  const why = (w: StaleWorktree) => (w.why === 'merged' ? vscode.l10n.t('merged') : w.why === 'archived' ? vscode.l10n.t('archived') : vscode.l10n.t('no ticket (deleted)'));
  let picked: StaleWorktree[];
  if (ticketIds) picked = stale.filter((w) => ticketIds.includes(w.ticketId));
  else {
    const items = stale.map((w) => ({
      label: w.ticket ? `#${w.ticketId} ${oneLine(w.ticket.title, 80)}` : `#${w.ticketId}`,
      description: `${why(w)} · ${w.branch}`,
      detail: lossSummary(w.losses) ? vscode.l10n.t('would lose {0}', lossSummary(w.losses)) : vscode.l10n.t('nothing would be lost'),
      // Only what loses nothing is ticked to start with.
      picked: !lossSummary(w.losses),
      w,
    }));
    const chosen = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: vscode.l10n.t('Clean Up Worktrees'),
      placeHolder: vscode.l10n.t('Worktrees of merged, archived or deleted tickets: pick the ones to remove (with their branches)'),
      ignoreFocusOut: true,
    });
    if (!chosen?.length) return result;
    picked = chosen.map((c) => c.w);
  }
  if (!picked.length) return result;
  const losing = picked.filter((w) => lossSummary(w.losses));
  if (losing.length) {
    const detail = losing.map((w) => `${w.branch}${w.path ? ` (${w.path})` : ''}\n${lossDetail(w.losses, w.ticket?.workspace?.base)}`).join('\n\n');
    const go = vscode.l10n.t('Remove and Delete');
    const question = losing.length === 1
      ? vscode.l10n.t('Remove {0} worktrees? 1 of them holds work that would be lost for good:', picked.length)
      : vscode.l10n.t('Remove {0} worktrees? {1} of them hold work that would be lost for good:', picked.length, losing.length);
    if ((await notify.confirmDetail(question, detail, go)) !== go) return result;
  }
  const failed: string[] = [];
  for (const w of picked) {
    const r = await workspaces.removeStale(w);
    if (r.ok) result.removed.push(w.ticketId);
    else failed.push(r.message);
  }
  if (failed.length) void notify.error(failed.join(' '));
  else void notify.info(result.removed.length === 1 ? vscode.l10n.t('removed 1 worktree.') : vscode.l10n.t('removed {0} worktrees.', result.removed.length));
  return result;
}
