/** Reads settings (per scope, via `inspect`), validates them in the domain, warns once per change. */
import * as vscode from 'vscode';
import { notify } from './notify';
import { resolveConfig, formatProblem, type RawConfig, type ResolvedConfig, type ScopedValues } from './domain/settings';
import { parseRunSettings, type RunSettings } from './domain/runSettings';
import type { RawRunSettings } from './domain/scopedValues';
import { RUN_SETTING_KEYS, SETTING_ROWS } from './domain/settingsTable';
import type { Ticket } from './domain/ticket';
import { Disposable } from './lifecycle';
import { ticketFolder } from './workspaceFolders';
import { SECTION, SETTINGS, type SettingKey } from './settingKeys';

export interface Configuration {
  models: ResolvedConfig;
  run: RunSettings;
  problems: string[];
}

/**
 * Settings VS Code keeps outside the user's (profile's) settings: `application` ones live in the
 * default profile's and `machine` ones, in a remote window, on the remote. Only a per-key
 * `inspect` finds them there; a section's `globalValue` holds the profile's settings alone.
 */
const READ_ONE_BY_ONE: ReadonlySet<SettingKey> = new Set(SETTING_ROWS.filter((r) => r.scope === 'application' || r.scope === 'machine').map((r) => r.key));

/**
 * Every setting's value at each scope, from one `inspect` of the whole section (one call, not one
 * per setting: each costs about 0.15 ms in the extension host, and activation reads them all),
 * but for those READ_ONE_BY_ONE.
 */
function scopes(folder?: vscode.Uri): (key: SettingKey) => ScopedValues {
  const i = vscode.workspace.getConfiguration(undefined, folder).inspect<Record<string, unknown>>(SECTION);
  const section = vscode.workspace.getConfiguration(SECTION, folder);
  // A single-folder window reports its .vscode/settings.json at both scopes; VS Code calls it "Workspace".
  const multiRoot = vscode.workspace.workspaceFile !== undefined;
  return (key) => {
    if (!READ_ONE_BY_ONE.has(key)) return { user: at(i?.globalValue, key), workspace: at(i?.workspaceValue, key), workspaceFolder: multiRoot ? at(i?.workspaceFolderValue, key) : undefined };
    const one = section.inspect(key);
    return { user: one?.globalValue, workspace: one?.workspaceValue, workspaceFolder: multiRoot ? one?.workspaceFolderValue : undefined };
  };
}

/** `github.comment` → `section.github.comment`, own properties only. */
function at(section: unknown, key: string): unknown {
  let v = section;
  for (const part of key.split('.')) v = v !== null && typeof v === 'object' && Object.hasOwn(v, part) ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

export function readConfiguration(folder?: vscode.Uri): Configuration {
  const scoped = scopes(folder);
  const raw: RawConfig = {
    defaultModels: scoped(SETTINGS.defaultModels),
    customModels: scoped(SETTINGS.customModels),
    defaultStages: scoped(SETTINGS.defaultStages),
    presets: scoped(SETTINGS.presets),
  };
  const models = resolveConfig(raw);
  // Every scope's value: the domain decides what each scope may do (caps: lowest wins;
  // restricted settings: user settings only until the workspace is trusted).
  const runRaw: RawRunSettings = {};
  for (const key of RUN_SETTING_KEYS) runRaw[key] = scoped(SETTINGS[key]);
  const run = parseRunSettings(runRaw, { customModels: models.customModels, trusted: vscode.workspace.isTrusted });
  return { models, run: run.settings, problems: [...models.problems.map(formatProblem), ...run.problems] };
}

/**
 * Keeps the current configuration, fires on change, and warns about each new problem once.
 * Settings are read when first asked for (the first view, a command), or just after activation
 * (`readSoon`, to warn about problems): not during it.
 */
export class ConfigurationService extends Disposable {
  private current: Configuration | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<Configuration>());
  readonly onDidChange = this.changed.event;
  private warned = new Set<string>();
  private readonly perFolder = new Map<string, Configuration>();

  constructor(private readonly output: vscode.LogOutputChannel) {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) this.reload();
      }),
    );
    // Trusting the workspace makes its restricted settings count: read them again.
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.reload()));
    // Folder settings come and go with their folders.
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.perFolder.clear()));
  }

  private reload(): void {
    this.perFolder.clear();
    this.current = undefined;
    this.changed.fire(this.value);
  }

  /** Reads the settings (and warns about bad ones) just after activation, unless something asked first. */
  readSoon(): void {
    const soon = setTimeout(() => this.value, 0);
    this.register({ dispose: () => clearTimeout(soon) });
  }

  get value(): Configuration {
    if (!this.current) {
      this.current = readConfiguration();
      this.report(this.current);
    }
    return this.current;
  }

  /** Settings as a folder sees them; read and validated once per folder until a setting changes. */
  forFolder(folder?: vscode.Uri): Configuration {
    if (!folder) return this.value;
    const key = folder.toString();
    let cfg = this.perFolder.get(key);
    if (!cfg) this.perFolder.set(key, (cfg = readConfiguration(folder)));
    return cfg;
  }

  /** Settings as a ticket's folder sees them (what its stages run with). */
  forTicket(ticket: Pick<Ticket, 'folder'> | undefined): Configuration {
    return this.forFolder(ticketFolder(ticket)?.uri);
  }

  private report(cfg: Configuration): void {
    const now = new Set(cfg.problems);
    for (const p of cfg.problems) {
      if (this.warned.has(p)) continue;
      this.output.warn(`settings: ${p}`);
      void notify.warn(p, vscode.l10n.t('Open Settings')).then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
      });
    }
    // Forget fixed problems so a recurrence warns again.
    this.warned = now;
  }
}
