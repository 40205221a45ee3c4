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

export function run<N extends WorktreeCommand>(name: N, s: WorktreeServices, t: Ticket, ws: TicketWorkspace, args: CommandArgs<N>): unknown {
  const { runner, pipeline, workspaces } = s;
  const idle = (t: Ticket) => {
    if (!pipeline.isRunning(t.id) && !runner.isRunning(t.id)) return true;
    void notify.warn(`ticket #${t.id} is running; wait for it or stop it first.`);
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
        void notify.info(`ticket #${t.id} is not awaiting review; nothing to approve.`);
        return undefined;
      }
      return pipeline.approve(t.id);
    },
    requestChanges: async (t, _ws, args) => {
      if (!idle(t)) return undefined;
      if (!t.stages.build?.enabled) {
        void notify.warn(`ticket #${t.id} has no Build stage selected, so a change request would never be acted on. Turn Build on for it first.`);
        return undefined;
      }
      const note = args.note ?? (await vscode.window.showInputBox({ title: `Request changes on ticket #${t.id}`, prompt: 'What should the Build stage change? Your note is added to the ticket file; Build runs again, then the review gate.', ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Describe the change you want') }));
      if (!note?.trim()) return undefined;
      return pipeline.requestChanges(t.id, note.trim());
    },
    mergeTicket: async (t, ws, args) => {
      if (!idle(t)) return undefined;
      if (!args.confirm) {
        const c = await notify.confirm(`Merge ${ws.branch} into ${ws.base}?`, 'Merge');
        if (c !== 'Merge') return undefined;
      }
      const r = await workspaces.merge(t);
      if (!r.ok) {
        const actions = r.reason === 'conflict' ? ['Update from Base', 'Open Worktree'] : [];
        void (r.reason === 'nothing' ? notify.info(r.message) : notify.error(r.message, ...actions)).then((c) => {
          if (c === 'Update from Base') void vscode.commands.executeCommand(COMMANDS.updateFromBase, { ticketId: t.id });
          if (c === 'Open Worktree') void vscode.commands.executeCommand(COMMANDS.openWorktree, { ticketId: t.id });
        });
        return r;
      }
      const how = r.kind === 'fast-forward' ? 'fast-forward' : `merge commit ${r.commit.slice(0, 7)}`;
      void notify.info(`merged ${ws.branch} into ${ws.base} (${how})${r.committedLeftovers ? '; the changes left uncommitted were committed first' : ''}.`, 'Remove Worktree and Branch').then((c) => {
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
      const what = ws.path ? `the worktree ${ws.path} and branch ${ws.branch}` : `branch ${ws.branch}`;
      let force = false;
      if (lost.commits || lost.uncommitted) {
        const parts = [lost.commits ? `${lost.commits} commit${lost.commits === 1 ? '' : 's'} not in ${ws.base}` : '', lost.uncommitted ? `${lost.uncommitted} uncommitted change${lost.uncommitted === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ');
        const named = args.discard && args.discard.commits === lost.commits && args.discard.uncommitted === lost.uncommitted;
        if (!named) {
          const c = await notify.confirm(`Remove ${what} of ticket #${t.id}? ${parts} would be lost for good.`, `Delete ${parts}`);
          if (!c) return undefined;
        }
        force = true;
      } else if (!args.confirm) {
        const c = await notify.confirm(`Remove ${what} of ticket #${t.id}? Everything on it is merged into ${ws.base}.`, 'Remove');
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
  void notify
    .info(`ticket #${ticketId} is ready for review before Merge (branch ${ws.branch}).`, 'Review Changes', 'Approve', 'Request Changes…')
    .then((c) => {
      if (c === 'Review Changes') void vscode.commands.executeCommand(COMMANDS.reviewChanges, { ticketId });
      if (c === 'Approve') void vscode.commands.executeCommand(COMMANDS.approveTicket, { ticketId });
      if (c === 'Request Changes…') void vscode.commands.executeCommand(COMMANDS.requestChanges, { ticketId });
    });
}

/** After the Merge stage: offer to merge the ticket's branch into its base (never without asking). */
export function offerMerge(ticketId: number, ws: TicketWorkspace): void {
  const merge = `Merge into ${ws.base}`;
  void notify.info(`ticket #${ticketId}'s Merge stage finished on ${ws.branch}. Merge it into ${ws.base}?`, merge, 'Review Changes').then((c) => {
    if (c === merge) void vscode.commands.executeCommand(COMMANDS.mergeTicket, { ticketId, confirm: true });
    if (c === 'Review Changes') void vscode.commands.executeCommand(COMMANDS.reviewChanges, { ticketId });
  });
}
