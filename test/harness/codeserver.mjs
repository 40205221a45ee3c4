// Starts code-server (a real VS Code, Node extension host) for one test run, with its own
// user-data, extensions, HOME, XDG and TMPDIR folders, bound to 127.0.0.1.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killProcess, startProcess } from './processes.mjs';
import { codeServer } from './tools.mjs';

export const repoRoot = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(fn, timeoutMs, what) {
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    try {
      if (await fn()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

export const DEFAULT_USER_SETTINGS = {
  'terminal.integrated.gpuAcceleration': 'off',
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.panel.defaultLocation': 'bottom',
};

/** Makes a fresh run folder with a copy of the demo workspace. */
export function makeRunDir(name) {
  const base = join(process.env.SDLC_PIPELINE_RUNS ?? join(tmpdir(), 'sdlc-pipeline-runs'));
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `${name}-`));
  const workspace = join(dir, 'workspace');
  cpSync(join(repoRoot, 'demo'), workspace, { recursive: true, filter: (src) => !src.includes('/.sdlc') });
  return { dir, workspace };
}

/**
 * @param {{ name: string, workspace?: string, runDir?: string, env?: Record<string,string>,
 *   userSettings?: object, trust?: boolean, log?: boolean, locale?: string }} o
 */
export async function startCodeServer(o) {
  const { node, entry } = codeServer();
  const run = o.runDir ? { dir: o.runDir, workspace: o.workspace } : makeRunDir(o.name);
  const workspace = o.workspace ?? run.workspace;
  const d = (p) => {
    const full = join(run.dir, p);
    mkdirSync(full, { recursive: true });
    return full;
  };
  const userData = d('user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_USER_SETTINGS, ...(o.userSettings ?? {}) }, null, 2));
  const port = o.port ?? (await freePort());
  writeFileSync(join(run.dir, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const home = d('home');
  // VS Code resolves the login shell's environment for the extension host and terminals,
  // so a PATH entry must come from the profile, as it does on users' machines.
  if (o.isolateHome !== false) writeClaudeHome(home, workspace);
  if (o.pathPrepend) writeFileSync(join(home, '.profile'), `export PATH="${o.pathPrepend}:$PATH"\n`);
  // Tests isolate HOME/XDG/TMPDIR; `npm start` keeps the user's own (their claude login lives there).
  const isolated = o.isolateHome === false ? {} : {
    HOME: home,
    XDG_CONFIG_HOME: d('home/.config'),
    XDG_DATA_HOME: d('home/.local/share'),
    XDG_CACHE_HOME: d('home/.cache'),
    XDG_RUNTIME_DIR: d('xdg-runtime'),
    TMPDIR: d('tmp'),
    SHELL: '/bin/bash',
  };
  const env = { ...process.env, ...isolated, ...(o.env ?? {}) };
  delete env.VSCODE_IPC_HOOK_CLI;
  const args = [
    entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--config', join(run.dir, 'config.yaml'),
    '--user-data-dir', userData,
    '--extensions-dir', o.extensionsDir ?? d('extensions'),
    '--disable-telemetry',
    '--disable-update-check',
    ...(o.trust === false ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--vscode-option', 'enable-smoke-test-driver',
    ...(o.locale ? ['--locale', o.locale] : []),
    workspace,
  ];
  const child = startProcess(node, args, { env, cwd: run.dir });
  let log = '';
  const onData = (c) => {
    log += c;
    if (log.length > 200_000) log = log.slice(-100_000);
    if (o.log) process.stderr.write(c);
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${url}/healthz`)).ok, 30_000, 'code-server /healthz');
  } catch (e) {
    await killProcess(child);
    throw new Error(`${e.message}\n${log.slice(-3000)}`);
  }
  return {
    url,
    port,
    pid: child.pid,
    workspace,
    runDir: run.dir,
    home,
    userData,
    log: () => log,
    /** Workbench URL; payload entries are [key, value] pairs (extensionDevelopmentPath, …). */
    workbenchUrl(payload = []) {
      const q = new URLSearchParams(o.workspaceFile ? { workspace: o.workspaceFile } : { folder: workspace });
      if (payload.length) q.set('payload', JSON.stringify(payload));
      return `${url}/?${q}`;
    },
    remote: (p) => `vscode-remote://127.0.0.1:${port}${p}`,
    async stop({ keep = false } = {}) {
      await killProcess(child);
      if (!keep && !process.env.SDLC_KEEP_RUNS) rmSync(run.dir, { recursive: true, force: true });
    },
  };
}

/** Starts the mock Messages API as its own process; killed by PID with stop(). */
export const TEST_GITHUB_TOKEN = 'test-github-token';

/** The mock GitHub REST API (test/harness/mock-github.mjs); same shape as startMockApi's result. */
export function startMockGitHub(runDir, lifetimeSeconds = 1800) {
  return startMockApi(runDir, lifetimeSeconds, 'mock-github.mjs', ['--token', TEST_GITHUB_TOKEN]);
}

export async function startMockApi(runDir, lifetimeSeconds = 1800, script = 'mock-api.mjs', extra = []) {
  const portFile = join(runDir, `${script}.port`);
  const child = startProcess(process.execPath, [join(repoRoot, 'test/harness', script), '--port-file', portFile, '--lifetime', String(lifetimeSeconds), ...extra]);
  const { readFileSync, existsSync } = await import('node:fs');
  await waitFor(() => existsSync(portFile) && readFileSync(portFile, 'utf8').length > 0, 10_000, 'mock API');
  const url = `http://127.0.0.1:${readFileSync(portFile, 'utf8')}`;
  return {
    url,
    pid: child.pid,
    async log() {
      return (await fetch(`${url}/__log`)).json();
    },
    async control(scenario) {
      return (await fetch(`${url}/__control`, { method: 'POST', body: JSON.stringify(scenario) })).json();
    },
    /** Answers the requests held by `holdStages`; returns how many there were. */
    async release() {
      return (await (await fetch(`${url}/__release`, { method: 'POST' })).json()).released;
    },
    async reset() {
      await fetch(`${url}/__reset`, { method: 'POST' });
    },
    stop: () => killProcess(child),
  };
}

export const TEST_API_KEY = 'sk-ant-test-dummy-key-0000000000';

/** The CLI's first-run answers (onboarding, folder trust, "use this API key?") for a test HOME. */
export function writeClaudeHome(home, workspace) {
  const config = {
    hasCompletedOnboarding: true,
    theme: 'dark',
    customApiKeyResponses: { approved: [TEST_API_KEY.slice(-20)], rejected: [] },
    projects: { [workspace]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
  };
  writeFileSync(join(home, '.claude.json'), JSON.stringify(config, null, 2));
}

/** Environment that points the real Claude Code CLI at the mock API. */
export function claudeEnv(mockUrl, claudeBinDir) {
  return {
    ANTHROPIC_BASE_URL: mockUrl,
    ANTHROPIC_API_KEY: TEST_API_KEY,
    CLAUDE_CODE_MAX_RETRIES: '0',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ANTHROPIC_MODEL: 'haiku', // a stray value: --model must win over it
    SDLC_MOCK_API: mockUrl,
    PATH: `${claudeBinDir}:${process.env.PATH}`,
  };
}
