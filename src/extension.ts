/** Composition root: services are created once, here, in dependency order. */
import './l10nHost'; // first: this bundle's translations before any module uses them
import * as vscode from 'vscode';
import { loadCommands, registerCommands } from './commands';
import { ConfigurationService } from './configuration';
import { CostReportHost } from './costReportHost';
import { TicketFormView } from './formView';
import { PipelineService } from './pipeline';
import { StageRunner } from './runner';
import { ExtensionState } from './state';
import { DailyBudgetBar, RunStatusBar } from './statusBar';
import { TicketService } from './ticketService';
import { TicketsTree } from './ticketsTree';
import { Workspaces } from './workspaces';
import { GitHubLink } from './githubLink';
import { FirstSteps } from './firstSteps';
import { loadTimes } from './lazy';

export interface Api {
  /** Wall time of this window's activate() in ms (`npm run bench` reports it). */
  activationMs: number;
  /** The lazily loaded bundles required so far, with each first require's ms (`npm run bench`). */
  loadTimes(): Readonly<Record<string, number>>;
  tickets: TicketService;
  runner: StageRunner;
  pipeline: PipelineService;
  form: TicketFormView;
  config: ConfigurationService;
  tree: TicketsTree;
  costReport: CostReportHost;
  firstSteps: FirstSteps;
  workspaces: Workspaces;
  github: GitHubLink;
}

export async function activate(context: vscode.ExtensionContext): Promise<Api> {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('SDLC Pipeline', { log: true });
  const config = new ConfigurationService(output);
  const tickets = new TicketService(context.workspaceState, output);
  await tickets.load();
  const state = new ExtensionState(context.workspaceState, context.globalState);
  const workspaces = new Workspaces(tickets, config, output);
  const runner = new StageRunner(context, tickets, config, state, output, workspaces);
  const interrupted = await runner.markInterrupted();
  if (interrupted) output.warn(`${interrupted} run(s) left running by a closed window are now "interrupted"`);
  const pipeline = new PipelineService(tickets, runner, config, output, (t, stage, exclude) => loadCommands().retryModelPicker(config)(t, stage, exclude));
  workspaces.pipelineBusy = (id) => pipeline.isRunning(id);
  const github = new GitHubLink(tickets, config, output, pipeline);
  const tree = new TicketsTree(tickets, runner, config, state, pipeline, workspaces, github);
  const form = new TicketFormView(context.extensionUri, state, tickets, config, { runPipeline: (id) => void pipeline.run(id) }, output);
  const costReport = new CostReportHost(tickets, config);
  const statusBar = new RunStatusBar(runner, pipeline);
  const dailyBudget = new DailyBudgetBar(runner, config, tickets);
  const firstSteps = new FirstSteps(tickets);
  context.subscriptions.push(output, config, tickets, workspaces, runner, pipeline, github, tree, form, costReport, statusBar, dailyBudget, firstSteps);
  context.subscriptions.push(...registerCommands({ context, tickets, config, runner, pipeline, tree, form, costReport, firstSteps, output, workspaces, github }));
  config.readSoon(); // after activate() returns: its warnings need no one waiting
  const activationMs = performance.now() - started;
  output.info(`activated in ${activationMs.toFixed(1)} ms (${tickets.store.size} tickets)`);
  return { activationMs, loadTimes, tickets, runner, pipeline, form, config, tree, costReport, firstSteps, workspaces, github };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
