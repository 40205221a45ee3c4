/**
 * What each command does (bundled on its own as dist/commands.js, loaded with the first command
 * run): one handler per command name, given its argument already parsed by the registration in
 * commands.ts. The quick picks are in pickers.ts.
 */
import './l10nHost'; // first: this bundle's translations before any module uses them
import * as vscode from 'vscode';
import type { CommandArgs, CommandName } from './commandIds';
import type { Services } from './commands';
import { WALKTHROUGH_ID } from './firstSteps';
import { checkModel } from './domain/models';
import { ticketPaths } from './domain/prompt';
import { stageInfo, STAGES, type StageId } from './domain/stages';
import { lastRun, ticketMarkdown, TITLE_MAX, type Ticket } from './domain/ticket';
import { notify } from './notify';
import { pickFilter, pickModel, pickResume, pickRunning, pickStage, pickTicket, retryModelPicker, stageModel } from './pickers';
import { lazy } from './lazy';
import { locateClaude, notFoundMessage } from './claudeLocator';
import type { WorktreeCommand } from './worktreeCommands';
import type { GitHubCommand } from './githubCommands';
import { loadGitHub } from './githubLink';

export { retryModelPicker };

/** The commands about one ticket (a tree's ticket node, or a `ticketId`, or a pick). */
type TicketCommand = 'changeStageModel' | 'resumeSession' | 'editTicket' | 'duplicateTicket' | 'archiveTicket' | 'unarchiveTicket' | 'deleteTicket' | 'openTicketFile' | 'openPlanFile' | WorktreeCommand | Exclude<GitHubCommand, 'newTicketFromIssue'>;
const WORKTREE_COMMANDS = ['openWorktree', 'revealInSourceControl', 'reviewChanges', 'approveTicket', 'requestChanges', 'mergeTicket', 'updateFromBase', 'removeWorktree'] as const satisfies readonly WorktreeCommand[];
const loadWorktreeCommands = lazy<typeof import('./worktrees')>('worktrees');

export type Handlers = { [N in CommandName]: (args: CommandArgs<N>) => unknown } & {
  /** "Run <Stage> Stage": runStage with the stage fixed. */
  runFixedStage(args: CommandArgs<'runStage'>, stage: StageId): unknown;
};

export function commandHandlers(s: Services): Handlers {
  const { tickets, config, runner, pipeline, tree, workspaces } = s;
  const table: Partial<Record<CommandName, (args: never) => unknown>> = {};
  const command = <N extends CommandName>(name: N, handler: (args: CommandArgs<N>) => unknown) => void (table[name] = handler);

  /** The ticket an argument names, or one the user picks. */
  const ticketFor = async (ticketId: number | undefined, placeHolder: string): Promise<Ticket | undefined> => {
    if (ticketId === undefined) return pickTicket(tickets, placeHolder, () => s.form.reveal());
    const t = tickets.get(ticketId);
    if (!t) void notify.error(vscode.l10n.t('ticket #{0} does not exist.', ticketId));
    return t;
  };
  /** A command about one ticket: the one its argument names, or one the user picks. */
  const ticketCommand = <N extends TicketCommand>(name: N, fn: (t: Ticket, args: CommandArgs<N>) => unknown) =>
    command(name, async (args) => {
      const t = await ticketFor(args.ticketId, vscode.l10n.t('Which ticket?'));
      if (t) return fn(t, args);
    });
  /** The model checked against the ticket's settings; undefined after saying why not. */
  const checked = (t: Ticket, model: string): string | undefined => {
    const c = checkModel(model, config.forTicket(t).models.customModels);
    if (c.ok) return c.model;
    void notify.error(c.message);
    return undefined;
  };

  const runStage = async (args: CommandArgs<'runStage'>, fixedStage?: StageId) => {
    const t = await ticketFor(args.ticketId, vscode.l10n.t('Run a stage of which ticket?'));
    if (!t) return;
    const stage = fixedStage ?? args.stage ?? (await pickStage(config, t, vscode.l10n.t('Run which stage of #{0}?', t.id), true));
    if (!stage) return;
    let model = args.model;
    if (!model && !fixedStage && args.stage === undefined) {
      const current = stageModel(config, t, stage).model;
      const m = await pickModel(config, t, stage, current, { placeHolder: vscode.l10n.t('Model for {0} (this run; Enter keeps {1})', stageInfo(stage).label, current) });
      if (m === undefined) return;
      model = m ?? undefined;
    }
    if (model && !checked(t, model)) return;
    return runner.run({ ticketId: t.id, stage, model, mode: args.mode });
  };

  /** The commands about a ticket's own branch and worktree: registered here, their bodies load with the git code. */
  function worktreeCommands(): void {
    WORKTREE_COMMANDS.forEach((name) =>
      ticketCommand(name, (t, args) => {
        const ws = t.workspace;
        // git runs the repository's own hooks and config: not in Restricted Mode.
        if (!vscode.workspace.isTrusted) {
          void notify.warn(vscode.l10n.t('branch and worktree commands run git in the repository, which is disabled in Restricted Mode. Trust this workspace to use them.'));
          return undefined;
        }
        if (ws && !ws.removed) return loadWorktreeCommands().runWorktreeCommand(name, { tickets, runner, pipeline, workspaces }, t, ws, args as never);
        void notify.info(
          ws?.removed
            ? vscode.l10n.t('ticket #{0} has no branch or worktree of its own any more (it was removed).', t.id)
            : vscode.l10n.t('ticket #{0} has no branch or worktree of its own yet: its first stage creates them (see sdlcPipeline.isolation).', t.id),
        );
        return undefined;
      }),
    );
  }

  // Clean Up Worktrees: every workspace folder's repository, not one ticket (its body loads with the git code).
  command('cleanUpWorktrees', (args) => {
    if (!vscode.workspace.isTrusted) {
      void notify.warn(vscode.l10n.t('branch and worktree commands run git in the repository, which is disabled in Restricted Mode. Trust this workspace to use them.'));
      return undefined;
    }
    return loadWorktreeCommands().cleanUpWorktrees({ tickets, runner, pipeline, workspaces }, args.ticketIds);
  });

  /** The GitHub commands: registered here, their bodies load with Octokit. */
  function gitHubCommands(): void {
    const services = () => ({ tickets, config, form: s.form, tree, workspaces, github: s.github.service });
    command('newTicketFromIssue', (args) => loadGitHub().runGitHubCommand('newTicketFromIssue', services(), undefined, args));
    (['openIssue', 'createPullRequest', 'openPullRequest'] as const).forEach((name) =>
        ticketCommand(name, (t, args) => {
          const has = name === 'openIssue' ? t.issue : name === 'openPullRequest' ? t.pullRequest : true;
          if (has) return loadGitHub().runGitHubCommand(name, services(), t, args);
          void notify.info(name === 'openIssue' ? vscode.l10n.t('ticket #{0} has no GitHub issue linked.', t.id) : vscode.l10n.t('ticket #{0} has no pull request linked.', t.id));
          return undefined;
        }),
    );
  }

  command('newTicket', () => s.form.reveal());
  command('runStage', (args) => runStage(args));
  command('runPipeline', async (args) => {
    const t = await ticketFor(args.ticketId, vscode.l10n.t('Run the pipeline of which ticket?'));
    if (!t) return;
    const resume = args.resume ?? (await pickResume(t));
    if (resume === undefined) return;
    return pipeline.run(t.id, { resume, models: args.models, skip: args.skip });
  });
  command('stopStage', async (args) => {
    const stop = (ticketId: number, stage: StageId) => {
      pipeline.cancel(ticketId);
      return runner.stop(ticketId, stage);
    };
    if (args.ticketId !== undefined && args.stage) return stop(args.ticketId, args.stage);
    // A ticket waiting in the queue: take it out.
    if (args.ticketId !== undefined && pipeline.isQueued(args.ticketId)) return pipeline.cancel(args.ticketId);
    const running = runner.running().filter((r) => args.ticketId === undefined || r.ticketId === args.ticketId);
    if (!running.length) {
      void notify.info(vscode.l10n.t('no stage is running.'));
      return false;
    }
    const pick = await pickRunning(running);
    return pick ? stop(pick.ticketId, pick.stage) : false;
  });
  ticketCommand('changeStageModel', async (t, args) => {
    const stage = args.stage ?? (await pickStage(config, t, vscode.l10n.t('Change the model of which stage of #{0}?', t.id), true));
    if (!stage) return;
    const picked = args.model === undefined ? await pickModel(config, t, stage, stageModel(config, t, stage).model, { withDefault: true }) : args.model;
    if (picked === undefined) return;
    const model = picked === null ? null : checked(t, picked);
    if (model === undefined) return;
    const updated = await tickets.update(t.id, (tt) => {
      tt.stages[stage] = { enabled: tt.stages[stage]?.enabled ?? false, model: model ?? undefined };
    });
    void vscode.window.setStatusBarMessage(vscode.l10n.t('SDLC Pipeline: #{0} {1} → {2}', t.id, stageInfo(stage).label, stageModel(config, updated, stage).model), 4000);
    return updated.stages[stage];
  });
  command('pickModel', async (args) => {
    if (!args.stage) return undefined;
    const t = args.ticketId ? tickets.get(args.ticketId) : undefined;
    return (await pickModel(config, t, args.stage, t ? stageModel(config, t, args.stage).model : '', { exclude: args.exclude })) ?? undefined;
  });
  ticketCommand('resumeSession', async (t, args) => {
    const withSessions = STAGES.map((x) => x.id).filter((st) => lastRun(t, st)?.sessionId && lastRun(t, st)?.mode === 'headless');
    const stage = args.stage ?? (withSessions.length === 1 ? withSessions[0] : await pickStage(config, t, vscode.l10n.t('Resume the session of which stage?'), true));
    if (!stage) return;
    const run = lastRun(t, stage);
    if (!run?.sessionId) {
      void notify.info(vscode.l10n.t('{0} of #{1} has no session to resume yet.', stageInfo(stage).label, t.id));
      return;
    }
    return runner.resume(t, run);
  });
  command('showRunningTerminal', (args) => runner.showTerminal(args.ticketId, args.stage));
  command('refreshTickets', () => tree.refresh());
  command('showMoreTickets', () => tree.showMore());
  command('filterTickets', async (args) => {
    const f = args.filter ?? (await pickFilter(tree.filter));
    if (f) await tree.setFilter(f);
  });
  ticketCommand('editTicket', async (t, args) => {
    const title =
      args.title ??
      (await vscode.window.showInputBox({
        prompt: vscode.l10n.t('Title of ticket #{0}', t.id),
        value: t.title,
        validateInput: (v) => (!v.trim() ? vscode.l10n.t('Title is required') : v.length > TITLE_MAX ? vscode.l10n.t('At most {0} characters', TITLE_MAX) : undefined),
      }));
    if (title === undefined || !title.trim()) return;
    const description = args.description ?? (await vscode.window.showInputBox({ prompt: vscode.l10n.t('Description of ticket #{0}', t.id), value: t.description }));
    if (description === undefined) return;
    return tickets.update(t.id, (tt) => {
      tt.title = title.trim().slice(0, TITLE_MAX);
      tt.description = description;
    });
  });
  ticketCommand('duplicateTicket', async (t) => {
    const copy = await tickets.create({ title: vscode.l10n.t('{0} (copy)', t.title).slice(0, TITLE_MAX), description: t.description, type: t.type, folder: t.folder, stages: t.stages });
    tree.reveal(copy.id);
    return copy;
  });
  ticketCommand('archiveTicket', (t) => tickets.update(t.id, (tt) => void (tt.archived = true)));
  ticketCommand('unarchiveTicket', (t) => tickets.update(t.id, (tt) => void (tt.archived = false)));
  ticketCommand('deleteTicket', async (t, args) => {
    const busy = pipeline.isRunning(t.id) || runner.isRunning(t.id);
    if (!args.confirm) {
      const action = busy ? vscode.l10n.t('Stop and Delete') : vscode.l10n.t('Delete');
      const question = busy
        ? vscode.l10n.t('Ticket #{0} "{1}" is running. Stop its stages and delete it? Its run history is deleted too; files in the workspace are kept.', t.id, t.title)
        : vscode.l10n.t('Delete ticket #{0} "{1}"? Its run history is deleted too; files in the workspace are kept.', t.id, t.title);
      const c = await notify.confirm(question, action);
      if (c !== action) return false;
    }
    if (pipeline.isRunning(t.id) || runner.isRunning(t.id)) {
      pipeline.cancel(t.id);
      if (!(await runner.stopTicket(t.id))) {
        void notify.error(vscode.l10n.t('ticket #{0} did not stop in time; it was not deleted.', t.id));
        return false;
      }
    }
    await tickets.delete(t.id);
    return true;
  });
  ticketCommand('openTicketFile', async (t) => {
    // Restricted Mode writes nothing into the workspace: show the text instead.
    if (!vscode.workspace.isTrusted) {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: ticketMarkdown(t) });
      return vscode.window.showTextDocument(doc);
    }
    try {
      const { ticketFile } = await tickets.writeTicketFile(t, config.forTicket(t).run.ticketsDirectory, workspaces.filesRoot(t));
      return vscode.window.showTextDocument(ticketFile);
    } catch (e) {
      void notify.error(vscode.l10n.t('cannot write the ticket file of #{0}: {1}', t.id, (e as Error).message));
      return undefined;
    }
  });
  ticketCommand('openPlanFile', async (t) => {
    const folder = tickets.folderOf(t);
    if (!folder) return;
    const root = workspaces.filesRoot(t);
    const file = vscode.Uri.joinPath(root ? vscode.Uri.file(root) : folder.uri, ticketPaths(config.forFolder(folder.uri).run.ticketsDirectory, t.id).planFile);
    try {
      await vscode.workspace.fs.stat(file);
      await vscode.window.showTextDocument(file);
    } catch {
      void notify.info(vscode.l10n.t('ticket #{0} has no plan yet — run its Plan stage.', t.id));
    }
  });
  command('exportTickets', async (args) => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const target = args.uri ? vscode.Uri.parse(args.uri, true) : await vscode.window.showSaveDialog({ filters: { JSON: ['json'] }, saveLabel: vscode.l10n.t('Export tickets'), defaultUri: folder ? vscode.Uri.joinPath(folder.uri, 'sdlc-tickets.json') : undefined });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(tickets.exportJson()));
    void notify.info(vscode.l10n.t('exported {0} tickets.', tickets.store.size));
    return target.toString();
  });
  command('importTickets', async (args) => {
    const source = args.uri ? vscode.Uri.parse(args.uri, true) : (await vscode.window.showOpenDialog({ filters: { JSON: ['json'] }, openLabel: vscode.l10n.t('Import tickets') }))?.[0];
    if (!source) return;
    const parsed = tickets.parseImport(new TextDecoder().decode(await vscode.workspace.fs.readFile(source)));
    if (!parsed.ok) {
      void notify.error(vscode.l10n.t('cannot import {0}: {1}.', source.fsPath, parsed.error));
      return;
    }
    const r = await tickets.importTickets(parsed.tickets);
    const renumbered = r.renumbered.slice(0, 5).map(([a, b]) => `#${a}→#${b}`).join(', ');
    void notify.info(
      r.renumbered.length
        ? vscode.l10n.t('imported {0} tickets ({1} renumbered: {2}).', r.imported.length, r.renumbered.length, renumbered)
        : vscode.l10n.t('imported {0} tickets.', r.imported.length),
    );
    return r;
  });
  command('showCostReport', () => s.costReport.show());
  command('findClaude', () => findClaude(s));
  command('getStarted', () => vscode.commands.executeCommand('workbench.action.openWalkthrough', `${s.context.extension.id}#${WALKTHROUGH_ID}`, false));
  command('exportCostCsv', async (args) => {
    const target = args.uri ? vscode.Uri.parse(args.uri, true) : await vscode.window.showSaveDialog({ filters: { CSV: ['csv'] }, saveLabel: vscode.l10n.t('Export costs') });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(s.costReport.csv()));
    return target.toString();
  });
  worktreeCommands();
  gitHubCommands();
  return { ...(table as Omit<Handlers, 'runFixedStage'>), runFixedStage: (args, stage) => runStage(args, stage) };
}

/** "SDLC: Find Claude Code": where the CLI is, or what to do about it. Returns the path found. */
async function findClaude(s: Services): Promise<string | undefined> {
  const found = await locateClaude(s.config.value.run.claudePath);
  if (found.ok) {
    s.firstSteps.claudeFound();
    void notify.info(vscode.l10n.t('Claude Code found: {0}. Each stage runs it with the model you choose.', found.path));
    return found.path;
  }
  const install = vscode.l10n.t('How to Install');
  const setPath = vscode.l10n.t('Set Claude Path');
  const choice = await notify.error(notFoundMessage(found, vscode.env.remoteName), install, setPath);
  if (choice === install) void vscode.env.openExternal(vscode.Uri.parse(found.installUrl));
  if (choice === setPath) void vscode.commands.executeCommand('workbench.action.openSettings', 'sdlcPipeline.claudePath');
  return undefined;
}
