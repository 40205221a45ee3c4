/**
 * Command palette and view commands: their handlers. Ids and argument schemas are in commandIds.ts;
 * one wrapper registers each command, validates its argument, and turns a failure into a logged,
 * shown error. The quick picks are in pickers.ts.
 */
import * as vscode from 'vscode';
import * as z from 'zod/mini';
import { COMMAND_ARGS, COMMANDS, STAGE_COMMAND_ARGS, STAGE_COMMANDS, type CommandArgs, type CommandName } from './commandIds';
import type { ConfigurationService } from './configuration';
import type { CostReportHost } from './costReportHost';
import { WALKTHROUGH_ID, type FirstSteps } from './firstSteps';
import { checkModel } from './domain/models';
import { ticketPaths } from './domain/prompt';
import { stageInfo, STAGES, type StageId } from './domain/stages';
import { lastRun, ticketMarkdown, TITLE_MAX, type Ticket } from './domain/ticket';
import type { TicketFormView } from './formView';
import { notify } from './notify';
import { pickFilter, pickModel, pickResume, pickRunning, pickStage, pickTicket, stageModel } from './pickers';
import type { PipelineService } from './pipeline';
import type { StageRunner } from './runner';
import type { TicketService } from './ticketService';
import type { TicketsTree } from './ticketsTree';
import type { Workspaces } from './workspaces';
import { lazy } from './lazy';
import type { WorktreeCommand } from './worktreeCommands';
import type { GitHubCommand } from './githubCommands';
import { loadGitHub, type GitHubLink } from './githubLink';

export interface Services {
  context: vscode.ExtensionContext;
  tickets: TicketService;
  config: ConfigurationService;
  runner: StageRunner;
  pipeline: PipelineService;
  tree: TicketsTree;
  form: TicketFormView;
  costReport: CostReportHost;
  firstSteps: FirstSteps;
  output: vscode.LogOutputChannel;
  workspaces: Workspaces;
  github: GitHubLink;
}

/** The commands about one ticket (a tree's ticket node, or a `ticketId`, or a pick). */
type TicketCommand = 'changeStageModel' | 'resumeSession' | 'editTicket' | 'duplicateTicket' | 'archiveTicket' | 'unarchiveTicket' | 'deleteTicket' | 'openTicketFile' | 'openPlanFile' | WorktreeCommand | Exclude<GitHubCommand, 'newTicketFromIssue'>;
const WORKTREE_COMMANDS = ['openWorktree', 'revealInSourceControl', 'reviewChanges', 'approveTicket', 'requestChanges', 'mergeTicket', 'updateFromBase', 'removeWorktree'] as const satisfies readonly WorktreeCommand[];
const loadWorktreeCommands = lazy<typeof import('./worktrees')>('worktrees');

/** Command titles from the manifest ("Run Stage…" → "Run Stage"), for messages. */
function titles(context: vscode.ExtensionContext): (id: string) => string {
  const r = z.object({ contributes: z.object({ commands: z.array(z.object({ command: z.string(), title: z.string() })) }) }).safeParse(context.extension.packageJSON);
  const byId = new Map(r.success ? r.data.contributes.commands.map((c) => [c.command, c.title.replace(/…$/, '')]) : []);
  return (id) => byId.get(id) ?? id;
}

/**
 * Registers command `id`. Its first argument is parsed with `schema` (invalid: an error naming the
 * command and the first problem). A handler that throws is logged and shown, never an unhandled
 * rejection. Returns what the handler returns (undefined after an error).
 */
function registrar(output: vscode.LogOutputChannel, titleOf: (id: string) => string) {
  return <S extends z.ZodMiniType>(id: string, schema: S, handler: (args: z.output<S>) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (raw: unknown) => {
      const parsed = schema.safeParse(raw ?? {});
      if (!parsed.success) {
        const [issue] = parsed.error.issues;
        void notify.error(`invalid arguments for ${titleOf(id)}: ${issue.path.length ? `${issue.path.map(String).join('.')}: ` : ''}${issue.message}`);
        return undefined;
      }
      try {
        return await handler(parsed.data);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        output.error(`${id} failed: ${e instanceof Error ? (e.stack ?? message) : message}`);
        void notify.error(`${titleOf(id)} failed: ${message}`);
        return undefined;
      }
    });
}

export function registerCommands(s: Services): vscode.Disposable[] {
  const { tickets, config, runner, pipeline, tree, workspaces } = s;
  const register = registrar(s.output, titles(s.context));
  // The schema and the handler's argument type both come from `name` (TypeScript cannot follow that).
  const command = <N extends CommandName>(name: N, handler: (args: CommandArgs<N>) => unknown) => register(COMMANDS[name], COMMAND_ARGS[name], handler as (args: unknown) => unknown);

  /** The ticket an argument names, or one the user picks. */
  const ticketFor = async (ticketId: number | undefined, placeHolder: string): Promise<Ticket | undefined> => {
    if (ticketId === undefined) return pickTicket(tickets, placeHolder, () => s.form.reveal());
    const t = tickets.get(ticketId);
    if (!t) void notify.error(`ticket #${ticketId} does not exist.`);
    return t;
  };
  /** A command about one ticket: the one its argument names, or one the user picks. */
  const ticketCommand = <N extends TicketCommand>(name: N, fn: (t: Ticket, args: CommandArgs<N>) => unknown, placeHolder = 'Which ticket?') =>
    command(name, async (args) => {
      const t = await ticketFor(args.ticketId, placeHolder);
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
    const t = await ticketFor(args.ticketId, 'Run a stage of which ticket?');
    if (!t) return;
    const stage = fixedStage ?? args.stage ?? (await pickStage(config, t, `Run which stage of #${t.id}?`, true));
    if (!stage) return;
    let model = args.model;
    if (!model && !fixedStage && args.stage === undefined) {
      const current = stageModel(config, t, stage).model;
      const m = await pickModel(config, t, stage, current, { placeHolder: `Model for ${stageInfo(stage).label} (this run; Enter keeps ${current})` });
      if (m === undefined) return;
      model = m ?? undefined;
    }
    if (model && !checked(t, model)) return;
    return runner.run({ ticketId: t.id, stage, model, mode: args.mode });
  };

  /** The commands about a ticket's own branch and worktree: registered here, their bodies load with the git code. */
  function worktreeCommands(): vscode.Disposable[] {
    return WORKTREE_COMMANDS.map((name) =>
      ticketCommand(name, (t, args) => {
        const ws = t.workspace;
        // git runs the repository's own hooks and config: not in Restricted Mode.
        if (!vscode.workspace.isTrusted) {
          void notify.warn('branch and worktree commands run git in the repository, which is disabled in Restricted Mode. Trust this workspace to use them.');
          return undefined;
        }
        if (ws && !ws.removed) return loadWorktreeCommands().runWorktreeCommand(name, { tickets, runner, pipeline, workspaces }, t, ws, args as never);
        void notify.info(`ticket #${t.id} has no branch or worktree of its own${ws?.removed ? ' any more (it was removed)' : ' yet: its first stage creates them (see sdlcPipeline.isolation)'}.`);
        return undefined;
      }),
    );
  }

  /** The GitHub commands: registered here, their bodies load with Octokit. */
  function gitHubCommands(): vscode.Disposable[] {
    const services = () => ({ tickets, config, form: s.form, tree, workspaces, github: s.github.service });
    return [
      command('newTicketFromIssue', (args) => loadGitHub().runGitHubCommand('newTicketFromIssue', services(), undefined, args)),
      ...(['openIssue', 'createPullRequest', 'openPullRequest'] as const).map((name) =>
        ticketCommand(name, (t, args) => {
          const has = name === 'openIssue' ? t.issue : name === 'openPullRequest' ? t.pullRequest : true;
          if (has) return loadGitHub().runGitHubCommand(name, services(), t, args);
          void notify.info(`ticket #${t.id} has no ${name === 'openIssue' ? 'GitHub issue' : 'pull request'} linked.`);
          return undefined;
        }),
      ),
    ];
  }

  return [
    command('newTicket', () => s.form.reveal()),
    command('runStage', (args) => runStage(args)),
    ...STAGES.map((st) => register(STAGE_COMMANDS[st.id], STAGE_COMMAND_ARGS, (args) => runStage(args, st.id))),
    command('runPipeline', async (args) => {
      const t = await ticketFor(args.ticketId, 'Run the pipeline of which ticket?');
      if (!t) return;
      const resume = args.resume ?? (await pickResume(t));
      if (resume === undefined) return;
      return pipeline.run(t.id, { resume, models: args.models, skip: args.skip });
    }),
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
        void notify.info('no stage is running.');
        return false;
      }
      const pick = await pickRunning(running);
      return pick ? stop(pick.ticketId, pick.stage) : false;
    }),
    ticketCommand('changeStageModel', async (t, args) => {
      const stage = args.stage ?? (await pickStage(config, t, `Change the model of which stage of #${t.id}?`, true));
      if (!stage) return;
      const picked = args.model === undefined ? await pickModel(config, t, stage, stageModel(config, t, stage).model, { withDefault: true }) : args.model;
      if (picked === undefined) return;
      const model = picked === null ? null : checked(t, picked);
      if (model === undefined) return;
      const updated = await tickets.update(t.id, (tt) => {
        tt.stages[stage] = { enabled: tt.stages[stage]?.enabled ?? false, model: model ?? undefined };
      });
      void vscode.window.setStatusBarMessage(`SDLC Pipeline: #${t.id} ${stageInfo(stage).label} → ${stageModel(config, updated, stage).model}`, 4000);
      return updated.stages[stage];
    }),
    command('pickModel', async (args) => {
      if (!args.stage) return undefined;
      const t = args.ticketId ? tickets.get(args.ticketId) : undefined;
      return (await pickModel(config, t, args.stage, t ? stageModel(config, t, args.stage).model : '', { exclude: args.exclude })) ?? undefined;
    }),
    ticketCommand('resumeSession', async (t, args) => {
      const withSessions = STAGES.map((x) => x.id).filter((st) => lastRun(t, st)?.sessionId && lastRun(t, st)?.mode === 'headless');
      const stage = args.stage ?? (withSessions.length === 1 ? withSessions[0] : await pickStage(config, t, 'Resume the session of which stage?', true));
      if (!stage) return;
      const run = lastRun(t, stage);
      if (!run?.sessionId) {
        void notify.info(`${stageInfo(stage).label} of #${t.id} has no session to resume yet.`);
        return;
      }
      return runner.resume(t, run);
    }),
    command('showRunningTerminal', (args) => runner.showTerminal(args.ticketId, args.stage)),
    command('refreshTickets', () => tree.refresh()),
    command('showMoreTickets', () => tree.showMore()),
    command('filterTickets', async (args) => {
      const f = args.filter ?? (await pickFilter(tree.filter));
      if (f) await tree.setFilter(f);
    }),
    ticketCommand('editTicket', async (t, args) => {
      const title = args.title ?? (await vscode.window.showInputBox({ prompt: `Title of ticket #${t.id}`, value: t.title, validateInput: (v) => (!v.trim() ? 'Title is required' : v.length > TITLE_MAX ? `At most ${TITLE_MAX} characters` : undefined) }));
      if (title === undefined || !title.trim()) return;
      const description = args.description ?? (await vscode.window.showInputBox({ prompt: `Description of ticket #${t.id}`, value: t.description }));
      if (description === undefined) return;
      return tickets.update(t.id, (tt) => {
        tt.title = title.trim().slice(0, TITLE_MAX);
        tt.description = description;
      });
    }),
    ticketCommand('duplicateTicket', async (t) => {
      const copy = await tickets.create({ title: `${t.title} (copy)`.slice(0, TITLE_MAX), description: t.description, type: t.type, folder: t.folder, stages: t.stages });
      tree.reveal(copy.id);
      return copy;
    }),
    ticketCommand('archiveTicket', (t) => tickets.update(t.id, (tt) => void (tt.archived = true))),
    ticketCommand('unarchiveTicket', (t) => tickets.update(t.id, (tt) => void (tt.archived = false))),
    ticketCommand('deleteTicket', async (t, args) => {
      const busy = pipeline.isRunning(t.id) || runner.isRunning(t.id);
      if (!args.confirm) {
        const action = busy ? 'Stop and Delete' : 'Delete';
        const what = busy ? `Ticket #${t.id} "${t.title}" is running. Stop its stages and delete it?` : `Delete ticket #${t.id} "${t.title}"?`;
        const c = await notify.confirm(`${what} Its run history is deleted too; files in the workspace are kept.`, action);
        if (c !== action) return false;
      }
      if (pipeline.isRunning(t.id) || runner.isRunning(t.id)) {
        pipeline.cancel(t.id);
        if (!(await runner.stopTicket(t.id))) {
          void notify.error(`ticket #${t.id} did not stop in time; it was not deleted.`);
          return false;
        }
      }
      await tickets.delete(t.id);
      return true;
    }),
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
        void notify.error(`cannot write the ticket file of #${t.id}: ${(e as Error).message}`);
        return undefined;
      }
    }),
    ticketCommand('openPlanFile', async (t) => {
      const folder = tickets.folderOf(t);
      if (!folder) return;
      const root = workspaces.filesRoot(t);
      const file = vscode.Uri.joinPath(root ? vscode.Uri.file(root) : folder.uri, ticketPaths(config.forFolder(folder.uri).run.ticketsDirectory, t.id).planFile);
      try {
        await vscode.workspace.fs.stat(file);
        await vscode.window.showTextDocument(file);
      } catch {
        void notify.info(`ticket #${t.id} has no plan yet — run its Plan stage.`);
      }
    }),
    command('exportTickets', async (args) => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      const target = args.uri ? vscode.Uri.parse(args.uri, true) : await vscode.window.showSaveDialog({ filters: { JSON: ['json'] }, saveLabel: 'Export tickets', defaultUri: folder ? vscode.Uri.joinPath(folder.uri, 'sdlc-tickets.json') : undefined });
      if (!target) return;
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(tickets.exportJson()));
      void notify.info(`exported ${tickets.store.size} tickets.`);
      return target.toString();
    }),
    command('importTickets', async (args) => {
      const source = args.uri ? vscode.Uri.parse(args.uri, true) : (await vscode.window.showOpenDialog({ filters: { JSON: ['json'] }, openLabel: 'Import tickets' }))?.[0];
      if (!source) return;
      const parsed = tickets.parseImport(new TextDecoder().decode(await vscode.workspace.fs.readFile(source)));
      if (!parsed.ok) {
        void notify.error(`cannot import ${source.fsPath}: ${parsed.error}.`);
        return;
      }
      const r = await tickets.importTickets(parsed.tickets);
      void notify.info(`imported ${r.imported.length} tickets${r.renumbered.length ? ` (${r.renumbered.length} renumbered: ${r.renumbered.slice(0, 5).map(([a, b]) => `#${a}→#${b}`).join(', ')})` : ''}.`);
      return r;
    }),
    ...worktreeCommands(),
    ...gitHubCommands(),
    command('showCostReport', () => s.costReport.show()),
    command('findClaude', () => s.firstSteps.findClaude()),
    command('getStarted', () => vscode.commands.executeCommand('workbench.action.openWalkthrough', `${s.context.extension.id}#${WALKTHROUGH_ID}`, false)),
    command('exportCostCsv', async (args) => {
      const target = args.uri ? vscode.Uri.parse(args.uri, true) : await vscode.window.showSaveDialog({ filters: { CSV: ['csv'] }, saveLabel: 'Export costs' });
      if (!target) return;
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(s.costReport.csv()));
      return target.toString();
    }),
  ];
}
