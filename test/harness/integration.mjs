// Integration tier: mocha inside the real Node extension host of code-server, with the real
// Claude Code CLI pointed at the local mock Messages API. The tests module's run() is the
// same one @vscode/test-electron calls on a desktop (see electron.mjs).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, openWorkbench } from './browser.mjs';
import { claudeEnv, makeRunDir, repoRoot, startCodeServer, startMockApi } from './codeserver.mjs';
import { ensureAll } from './tools.mjs';

export async function runIntegration({ timeoutMs = 20 * 60_000, env = {} } = {}) {
  const tools = ensureAll();
  const run = makeRunDir('integration');
  const resultsFile = join(run.dir, 'integration-results.json');
  const mock = await startMockApi(run.dir);
  let server;
  let browser;
  try {
    server = await startCodeServer({
      name: 'integration',
      runDir: run.dir,
      workspace: run.workspace,
      pathPrepend: tools.claude.binDir,
      env: { ...claudeEnv(mock.url, tools.claude.binDir), SDLC_TEST_RESULTS: resultsFile, SDLC_TEST_WORKSPACE: run.workspace, SDLC_TEST_GREP: process.env.SDLC_TEST_GREP ?? '', ...env },
      userSettings: { 'sdlcPipeline.permissionMode': 'acceptEdits' },
    });
    browser = await launchBrowser();
    let exit;
    const exited = new Promise((resolve) => (exit = resolve));
    const payload = [
      ['extensionDevelopmentPath', server.remote(repoRoot)],
      ['extensionTestsPath', server.remote(join(repoRoot, 'out/test/integration/index.js'))],
    ];
    await openWorkbench(browser, server.workbenchUrl(payload), { onExit: (code) => exit(code) });
    let timeout;
    const timer = new Promise((resolve) => (timeout = setTimeout(() => resolve('timeout'), timeoutMs)));
    const code = await Promise.race([exited, timer]);
    clearTimeout(timeout);
    const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : undefined;
    if (code === 'timeout') {
      return { passes: results?.passes ?? 0, failures: [...(results?.failures ?? []), { title: 'integration tier', error: `timed out after ${timeoutMs / 1000} s` }] };
    }
    if (!results) {
      return { passes: 0, failures: [{ title: 'integration tier', error: `the extension host exited with ${code} without results\n${server.log().slice(-4000)}` }] };
    }
    return results;
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    await mock.stop();
  }
}
