/** Command palette and view commands. Every command also accepts arguments (validated). */
import * as vscode from 'vscode';
import { notify } from './notify';
import * as z from 'zod';
import type { ConfigurationService } from './configuration';
import { checkModel, pickerModels, relativeCost } from './domain/models';
import { resolveStageModel, SOURCE_LABELS } from './domain/settings';
import { stageCommandId, stageInfo, STAGES, type StageId } from './domain/stages';
import { enabledStages, lastRun, StageIdSchema, ticketMarkdown, TITLE_MAX, type Ticket } from './domain/ticket';
import { ticketPaths } from './domain/prompt';
import type { TicketFormView } from './formView';
import type { PipelineService } from './pipeline';
import type { StageRunner } from './runner';
import type { TicketService } from './storage';
import type { TicketsTree, TreeFilter } from './ticketsTree';
import type { CostReport } from './costReport';

/** What commands accept: a tree node or `{ ticketId, stage, model, mode, … }`. */
export const CommandArgsSchema = z.looseObject({
  ticketId: z.number().int().positive().optional(),
  stage: StageIdSchema.optional(),
  model: z.string().min(1).max(200).optional(),
  mode: z.enum(['headless', 'interactive']).optional(),
  resume: z.boolean().optional(),
  models: z.partialRecord(StageIdSchema, z.string()).optional(),
  skip: z.array(StageIdSchema).optional(),
  exclude: z.string().optional(),
  confirm: z.boolean().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  filter: z.enum(['all', 'active', 'archived']).optional(),
  uri: z.string().optional(),
});
export type CommandArgs = z.infer<typeof CommandArgsSchema>;

export interface Services {
  context: vscode.ExtensionContext;
  tickets: TicketService;
  config: ConfigurationService;
  runner: StageRunner;
  pipeline: PipelineService;
  tree: TicketsTree;
  form: TicketFormView;
  costReport: CostReport;
  output: vscode.LogOutputChannel;
}

function parseArgs(command: string, raw: unknown): CommandArgs | undefined {
  if (raw === undefined || raw === null) return {};
  const r = CommandArgsSchema.safeParse(raw);
  if (r.success) return r.data;
  void notify.error(`invalid arguments for ${command}: ${z.prettifyError(r.error).split('\n')[0]}`);
  return undefined;
}

export function registerCommands(s: Services): vscode.Disposable[] {
  const { tickets, config, runner, pipeline, tree } = s;

  const pickTicket = async (args: CommandArgs, placeHolder: string): Promise<Ticket | undefined> => {
    if (args.ticketId !== undefined) {
      const t = tickets.get(args.ticketId);
      if (!t) void notify.error(`ticket #${args.ticketId} does not exist.`);
      return t;
    }
    const all = tickets.all().filter((t) => !t.archived);
    if (!all.length) {
      const c = await notify.info('there are no tickets yet.', 'New Ticket');
      if (c) s.form.reveal();
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      all.map((t) => ({ label: `#${t.id} ${t.title}`, description: t.type, detail: enabledStages(t).map((st) => stageInfo(st).label).join(' → '), ticket: t })),
      { placeHolder, matchOnDescription: true, matchOnDetail: true },
    );
    return pick?.ticket;
  };

  const modelOf = (t: Ticket, stage: StageId) => resolveStageModel(stage, config.forFolder(tickets.folderOf(t)?.uri).models, t.stages[stage]?.model);

  const pickStage = async (t: Ticket, args: CommandArgs, placeHolder: string, all = false): Promise<StageId | undefined> => {
    if (args.stage) return args.stage;
    const ids = all ? STAGES.map((x) => x.id) : enabledStages(t);
    const pick = await vscode.window.showQuickPick(
      ids.map((id) => {
        const m = modelOf(t, id);
        const r = lastRun(t, id);
        return { label: stageInfo(id).label, description: `${m.model} · ${SOURCE_LABELS[m.source]}`, detail: r ? `last run: ${r.status}` : stageInfo(id).summary, stage: id };
      }),
      { placeHolder },
    );
    return pick?.stage;
  };

  const pickModel = async (t: Ticket | undefined, stage: StageId, current: string, opts: { exclude?: string; withDefault?: boolean; placeHolder?: string } = {}): Promise<string | null | undefined> => {
    const cfg = config.forFolder(t ? tickets.folderOf(t)?.uri : undefined).models;
    type Item = vscode.QuickPickItem & { model?: string | null; other?: boolean };
    const items: Item[] = [];
    if (opts.withDefault) {
      const d = resolveStageModel(stage, cfg);
      items.push({ label: `$(discard) Use the default (${d.model} · ${SOURCE_LABELS[d.source]})`, model: null });
    }
    for (const m of pickerModels(cfg.customModels)) {
      if (m === opts.exclude) continue;
      items.push({ label: m, description: `${relativeCost(m)}× cost${m === current ? ' · current' : ''}`, model: m });
    }
    items.push({ label: '$(edit) Other model id…', other: true });
    const qp = vscode.window.createQuickPick<Item>();
    qp.items = items;
    qp.placeholder = opts.placeHolder ?? `Model for ${stageInfo(stage).label}`;
    const active = items.find((i) => i.model === current);
    if (active) qp.activeItems = [active];
    const chosen = await new Promise<Item | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0] ?? qp.activeItems[0]));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (!chosen) return undefined;
    if (!chosen.other) return chosen.model;
    const typed = await vscode.window.showInputBox({
      prompt: `Model for ${stageInfo(stage).label}: an alias, a configured custom model, or a full model id`,
      value: current,
      validateInput: (v) => {
        const c = checkModel(v, cfg.customModels);
        return c.ok ? undefined : c.message;
      },
    });
    return typed?.trim() || undefined;
  };

  const runStage = async (raw: unknown, fixedStage?: StageId) => {
    const args = parseArgs('Run Stage', raw);
    if (!args) return;
    const t = await pickTicket(args, 'Run a stage of which ticket?');
    if (!t) return;
    const stage = fixedStage ?? (await pickStage(t, args, `Run which stage of #${t.id}?`, true));
    if (!stage) return;
    let model = args.model;
    if (!model && !fixedStage && args.stage === undefined) {
      const current = modelOf(t, stage).model;
      const m = await pickModel(t, stage, current, { placeHolder: `Model for ${stageInfo(stage).label} (this run; Enter keeps ${current})` });
      if (m === undefined) return;
      model = m ?? undefined;
    }
    if (model) {
      const c = checkModel(model, config.forFolder(tickets.folderOf(t)?.uri).models.customModels);
      if (!c.ok) {
        void notify.error(`${c.message}`);
        return;
      }
    }
    return runner.run({ ticketId: t.id, stage, model, mode: args.mode });
  };

  const reg = (id: string, fn: (...a: unknown[]) => unknown) => vscode.commands.registerCommand(id, fn);
  const ticketCmd = (id: string, fn: (t: Ticket, args: CommandArgs) => unknown, placeHolder = 'Which ticket?') =>
    reg(id, async (raw) => {
      const args = parseArgs(id, raw);
      if (!args) return;
      const t = await pickTicket(args, placeHolder);
      if (t) return fn(t, args);
    });

  return [
    reg('sdlcPipeline.newTicket', () => s.form.reveal()),
    reg('sdlcPipeline.runStage', (raw) => runStage(raw)),
    ...STAGES.map((st) => reg(stageCommandId(st.id), (raw) => runStage(raw, st.id))),
    reg('sdlcPipeline.runPipeline', async (raw) => {
      const args = parseArgs('Run Pipeline', raw);
      if (!args) return;
      const t = await pickTicket(args, 'Run the pipeline of which ticket?');
      if (!t) return;
      let resume = args.resume;
      if (resume === undefined) {
        const done = enabledStages(t).filter((st) => lastRun(t, st)?.status === 'succeeded');
        const unfinished = enabledStages(t).filter((st) => lastRun(t, st)?.status !== 'succeeded');
        if (done.length && unfinished.length) {
          const c = await vscode.window.showQuickPick(
            [
              { label: `Resume from ${stageInfo(unfinished[0]).label}`, resume: true },
              { label: 'Start over from the first stage', resume: false },
            ],
            { placeHolder: `Ticket #${t.id}: ${done.length} stage(s) already succeeded` },
          );
          if (!c) return;
          resume = c.resume;
        }
      }
      return pipeline.run(t.id, { resume, models: args.models, skip: args.skip });
    }),
    reg('sdlcPipeline.stopStage', async (raw) => {
      const args = parseArgs('Stop Stage', raw);
      if (!args) return;
      if (args.ticketId !== undefined && args.stage) {
        pipeline.cancel(args.ticketId);
        return runner.stop(args.ticketId, args.stage);
      }
      const running = runner.running().filter((r) => args.ticketId === undefined || r.ticketId === args.ticketId);
      if (!running.length) {
        void notify.info('no stage is running.');
        return false;
      }
      const pick = running.length === 1 ? running[0] : (await vscode.window.showQuickPick(running.map((r) => ({ label: `#${r.ticketId} ${stageInfo(r.stage).label}`, description: r.model, r })), { placeHolder: 'Stop which stage?' }))?.r;
      if (!pick) return false;
      pipeline.cancel(pick.ticketId);
      return runner.stop(pick.ticketId, pick.stage);
    }),
    ticketCmd('sdlcPipeline.changeStageModel', async (t, args) => {
      const stage = await pickStage(t, args, `Change the model of which stage of #${t.id}?`, true);
      if (!stage) return;
      let model: string | null | undefined = args.model;
      if (model === undefined) model = await pickModel(t, stage, modelOf(t, stage).model, { withDefault: true });
      if (model === undefined) return;
      if (model !== null) {
        const c = checkModel(model, config.forFolder(tickets.folderOf(t)?.uri).models.customModels);
        if (!c.ok) {
          void notify.error(`${c.message}`);
          return;
        }
        model = c.model;
      }
      const updated = await tickets.update(t.id, (tt) => {
        tt.stages[stage] = { enabled: tt.stages[stage]?.enabled ?? false, model: model ?? undefined };
      });
      void vscode.window.setStatusBarMessage(`SDLC Pipeline: #${t.id} ${stageInfo(stage).label} → ${modelOf(updated, stage).model}`, 4000);
      return updated.stages[stage];
    }),
    reg('sdlcPipeline.pickModel', async (raw) => {
      const args = parseArgs('pickModel', raw);
      if (!args?.stage) return undefined;
      const t = args.ticketId ? tickets.get(args.ticketId) : undefined;
      const m = await pickModel(t, args.stage, t ? modelOf(t, args.stage).model : '', { exclude: args.exclude });
      return m ?? undefined;
    }),
    ticketCmd('sdlcPipeline.resumeSession', async (t, args) => {
      const withSessions = STAGES.map((x) => x.id).filter((st) => lastRun(t, st)?.sessionId && lastRun(t, st)?.mode === 'headless');
      const stage = args.stage ?? (withSessions.length === 1 ? withSessions[0] : await pickStage(t, { ...args, stage: undefined }, 'Resume the session of which stage?', true));
      if (!stage) return;
      const run = lastRun(t, stage);
      if (!run?.sessionId) {
        void notify.info(`${stageInfo(stage).label} of #${t.id} has no session to resume yet.`);
        return;
      }
      return runner.resume(t, run);
    }),
    reg('sdlcPipeline.showRunningTerminal', (raw) => {
      const args = parseArgs('showRunningTerminal', raw) ?? {};
      return runner.showTerminal(args.ticketId, args.stage);
    }),
    reg('sdlcPipeline.refreshTickets', () => tree.refresh()),
    reg('sdlcPipeline.showMoreTickets', () => tree.showMore()),
    reg('sdlcPipeline.filterTickets', async (raw) => {
      const args = parseArgs('filterTickets', raw);
      if (!args) return;
      let f: TreeFilter | undefined = args.filter;
      if (!f) {
        const pick = await vscode.window.showQuickPick(
          (['all', 'active', 'archived'] as const).map((x) => ({ label: x[0].toUpperCase() + x.slice(1), picked: tree.filter === x, f: x, description: tree.filter === x ? 'current' : undefined })),
          { placeHolder: 'Show which tickets?' },
        );
        f = pick?.f;
      }
      if (f) await tree.setFilter(f);
    }),
    ticketCmd('sdlcPipeline.editTicket', async (t, args) => {
      const title = args.title ?? (await vscode.window.showInputBox({ prompt: `Title of ticket #${t.id}`, value: t.title, validateInput: (v) => (!v.trim() ? 'Title is required' : v.length > TITLE_MAX ? `At most ${TITLE_MAX} characters` : undefined) }));
      if (title === undefined || !title.trim()) return;
      const description = args.description ?? (await vscode.window.showInputBox({ prompt: `Description of ticket #${t.id}`, value: t.description }));
      if (description === undefined) return;
      return tickets.update(t.id, (tt) => {
        tt.title = title.trim().slice(0, TITLE_MAX);
        tt.description = description;
      });
    }),
    ticketCmd('sdlcPipeline.duplicateTicket', async (t) => {
      const copy = await tickets.create({ title: `${t.title} (copy)`.slice(0, TITLE_MAX), description: t.description, type: t.type, folder: t.folder, stages: t.stages });
      tree.reveal(copy.id);
      return copy;
    }),
    ticketCmd('sdlcPipeline.archiveTicket', (t) => tickets.update(t.id, (tt) => void (tt.archived = true))),
    ticketCmd('sdlcPipeline.unarchiveTicket', (t) => tickets.update(t.id, (tt) => void (tt.archived = false))),
    ticketCmd('sdlcPipeline.deleteTicket', async (t, args) => {
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
    ticketCmd('sdlcPipeline.openTicketFile', async (t) => {
      // Restricted Mode writes nothing into the workspace: show the text instead.
      if (!vscode.workspace.isTrusted) {
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: ticketMarkdown(t) });
        return vscode.window.showTextDocument(doc);
      }
      const cfg = config.forFolder(tickets.folderOf(t)?.uri);
      try {
        const { ticketFile } = await tickets.writeTicketFile(t, cfg.run.ticketsDirectory);
        return vscode.window.showTextDocument(ticketFile);
      } catch (e) {
        void notify.error(`cannot write the ticket file of #${t.id}: ${(e as Error).message}`);
        return undefined;
      }
    }),
    ticketCmd('sdlcPipeline.openPlanFile', async (t) => {
      const folder = tickets.folderOf(t);
      if (!folder) return;
      const file = vscode.Uri.joinPath(folder.uri, ticketPaths(config.forFolder(folder.uri).run.ticketsDirectory, t.id).planFile);
      try {
        await vscode.workspace.fs.stat(file);
        await vscode.window.showTextDocument(file);
      } catch {
        void notify.info(`ticket #${t.id} has no plan yet — run its Plan stage.`);
      }
    }),
    reg('sdlcPipeline.exportTickets', async (raw) => {
      const args = parseArgs('exportTickets', raw);
      if (!args) return;
      const target = args.uri ? vscode.Uri.parse(args.uri) : await vscode.window.showSaveDialog({ filters: { JSON: ['json'] }, saveLabel: 'Export tickets', defaultUri: vscode.workspace.workspaceFolders?.[0] ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'sdlc-tickets.json') : undefined });
      if (!target) return;
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(tickets.exportJson()));
      void notify.info(`exported ${tickets.all().length} tickets.`);
      return target.toString();
    }),
    reg('sdlcPipeline.importTickets', async (raw) => {
      const args = parseArgs('importTickets', raw);
      if (!args) return;
      const source = args.uri ? vscode.Uri.parse(args.uri) : (await vscode.window.showOpenDialog({ filters: { JSON: ['json'] }, openLabel: 'Import tickets' }))?.[0];
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
    reg('sdlcPipeline.showCostReport', () => s.costReport.show()),
    reg('sdlcPipeline.exportCostCsv', async (raw) => {
      const args = parseArgs('exportCostCsv', raw);
      if (!args) return;
      const target = args.uri ? vscode.Uri.parse(args.uri) : await vscode.window.showSaveDialog({ filters: { CSV: ['csv'] }, saveLabel: 'Export costs' });
      if (!target) return;
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(s.costReport.csv()));
      return target.toString();
    }),
  ];
}
