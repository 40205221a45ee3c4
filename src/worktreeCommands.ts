/**
 * What the worktree commands do (registered in commands.ts; the bodies load with the git code,
 * bundled in `dist/worktrees.js`). Each gets a ticket that has its own branch.
 */
import * as vscode from 'vscode';
import type { CommandArgs } from './commandIds';
import { COMMANDS } from './commandNames';
import type { Ticket } from './domain/ticket';
import type { TicketWorkspace } from './domain/worktree';
import { notify } from './notify';
import type { PipelineService } from './pipeline';
import type { StageRunner } from './runner';
import type { TicketService } from './ticketService';
import type { Workspaces } from './workspaces';

export type WorktreeCommand = 'openWorktree' | 'revealInSourceControl' | 'reviewChanges' | 'approveTicket' | 'requestChanges' | 'mergeTicket' | 'updateFromBase' | 'removeWorktree';

export interface WorktreeServices {
  tickets: TicketService;
  runner: StageRunner;
  pipeline: PipelineService;
  workspaces: Workspaces;
}

/** What removing a branch would throw away ("2 commits not in main and 1 uncommitted change"), one whole phrase per case. */
function lostWork(commits: number, uncommitted: number, base: string): string {
  if (!uncommitted) return commits === 1 ? vscode.l10n.t('1 commit not in {0}', base) : vscode.l10n.t('{0} commits not in {1}', commits, base);
  if (!commits) return uncommitted === 1 ? vscode.l10n.t('1 uncommitted change') : vscode.l10n.t('{0} uncommitted changes', uncommitted);
  if (commits === 1) return uncommitted === 1 ? vscode.l10n.t('1 commit not in {0} and 1 uncommitted change', base) : vscode.l10n.t('1 commit not in {0} and {1} uncommitted changes', base, uncommitted);
  return uncommitted === 1 ? vscode.l10n.t('{0} commits not in {1} and 1 uncommitted change', commits, base) : vscode.l10n.t('{0} commits not in {1} and {2} uncommitted changes', commits, base, uncommitted);
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
    approveTicket: (t, ws) => {
      if (!idle(t)) return undefined;
      if (ws.review !== 'awaiting') {
        void notify.info(vscode.l10n.t('ticket #{0} is not awaiting review; nothing to approve.', t.id));
        return undefined;
      }
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
      const r = await workspaces.merge(t);
      if (!r.ok) {
        const update = vscode.l10n.t('Update from Base');
        const open = vscode.l10n.t('Open Worktree');
        const actions = r.reason === 'conflict' ? [update, open] : [];
        void (r.reason === 'nothing' ? notify.info(r.message) : notify.error(r.message, ...actions)).then((c) => {
          if (c === update) void vscode.commands.executeCommand(COMMANDS.updateFromBase, { ticketId: t.id });
          if (c === open) void vscode.commands.executeCommand(COMMANDS.openWorktree, { ticketId: t.id });
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
      void notify.info(merged, vscode.l10n.t('Remove Worktree and Branch')).then((c) => {
        if (c) void vscode.commands.executeCommand(COMMANDS.removeWorktree, { ticketId: t.id, confirm: true });
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
      const lost = await workspaces.unmerged(t);
      let force = false;
      if (lost.commits || lost.uncommitted) {
        const parts = lostWork(lost.commits, lost.uncommitted, ws.base);
        const named = args.discard && args.discard.commits === lost.commits && args.discard.uncommitted === lost.uncommitted;
        if (!named) {
          const question = ws.path
            ? vscode.l10n.t('Remove the worktree {0} and branch {1} of ticket #{2}? {3} would be lost for good.', ws.path, ws.branch, t.id, parts)
            : vscode.l10n.t('Remove branch {0} of ticket #{1}? {2} would be lost for good.', ws.branch, t.id, parts);
          const c = await notify.confirm(question, vscode.l10n.t('Delete {0}', parts));
          if (!c) return undefined;
        }
        force = true;
      } else if (!args.confirm) {
        const question = ws.path
          ? vscode.l10n.t('Remove the worktree {0} and branch {1} of ticket #{2}? Everything on it is merged into {3}.', ws.path, ws.branch, t.id, ws.base)
          : vscode.l10n.t('Remove branch {0} of ticket #{1}? Everything on it is merged into {2}.', ws.branch, t.id, ws.base);
        const c = await notify.confirm(question, vscode.l10n.t('Remove'));
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
