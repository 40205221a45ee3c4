/**
 * Command palette and view commands: registered at activation, their handlers (commandHandlers.ts,
 * bundled as dist/commands.js) loaded with the first command run. Ids and argument schemas are in
 * commandIds.ts; one wrapper registers each command, validates its argument, and turns a failure
 * into a logged, shown error.
 */
import * as vscode from 'vscode';
import * as z from 'zod/mini';
import { COMMAND_ARGS, COMMANDS, STAGE_COMMAND_ARGS, STAGE_COMMANDS, type CommandName } from './commandIds';
import type { Handlers } from './commandHandlers';
import type { ConfigurationService } from './configuration';
import type { CostReportHost } from './costReportHost';
import type { FirstSteps } from './firstSteps';
import { STAGES } from './domain/stages';
import type { TicketFormView } from './formView';
import { notify } from './notify';
import type { PipelineService } from './pipeline';
import type { StageRunner } from './runner';
import type { TicketService } from './ticketService';
import type { TicketsTree } from './ticketsTree';
import type { Workspaces } from './workspaces';
import { lazy } from './lazy';
import type { GitHubLink } from './githubLink';

/** The handlers' bundle: also the pipeline's "Retry with Another Model…" picker. */
export const loadCommands = lazy<typeof import('./commandHandlers')>('commands');

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

/**
 * Command titles from the manifest ("Run Stage…" → "Run Stage"), for messages. In a translated
 * language VS Code gives a title as `{ value, original }`.
 */
function titles(context: vscode.ExtensionContext): (id: string) => string {
  // Read on the first message that needs one, not at activation.
  let byId: Map<string, string> | undefined;
  const read = () => {
    const Title = z.union([z.string(), z.object({ value: z.string() })]);
    const r = z.object({ contributes: z.object({ commands: z.array(z.object({ command: z.string(), title: Title })) }) }).safeParse(context.extension.packageJSON);
    const text = (t: z.infer<typeof Title>) => (typeof t === 'string' ? t : t.value);
    return new Map(r.success ? r.data.contributes.commands.map((c) => [c.command, text(c.title).replace(/…$/, '')]) : []);
  };
  return (id) => (byId ??= read()).get(id) ?? id;
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
        void notify.error(
          issue.path.length
            ? vscode.l10n.t('invalid arguments for {0}: {1}: {2}', titleOf(id), issue.path.map(String).join('.'), issue.message)
            : vscode.l10n.t('invalid arguments for {0}: {1}', titleOf(id), issue.message),
        );
        return undefined;
      }
      try {
        return await handler(parsed.data);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        output.error(`${id} failed: ${e instanceof Error ? (e.stack ?? message) : message}`);
        void notify.error(vscode.l10n.t('{0} failed: {1}', titleOf(id), message));
        return undefined;
      }
    });
}

export function registerCommands(s: Services): vscode.Disposable[] {
  const register = registrar(s.output, titles(s.context));
  let handlers: Handlers | undefined;
  const handler = () => (handlers ??= loadCommands().commandHandlers(s));
  // The schema and the handler's argument type both come from `name` (TypeScript cannot follow that).
  const names = Object.keys(COMMANDS) as CommandName[];
  return [
    ...names.map((name) => register(COMMANDS[name], COMMAND_ARGS[name], (args) => (handler()[name] as (a: unknown) => unknown)(args))),
    ...STAGES.map((st) => register(STAGE_COMMANDS[st.id], STAGE_COMMAND_ARGS, (args) => handler().runFixedStage(args, st.id))),
  ];
}
