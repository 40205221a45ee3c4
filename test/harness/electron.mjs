// `npm run test:electron`: the integration tier through @vscode/test-electron on a desktop
// with internet (it downloads VS Code). The tests module is the same `run()` that the
// code-server harness uses. Not run in CI here (no download possible offline).
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './codeserver.mjs';

const workspace = join(mkdtempSync(join(tmpdir(), 'sdlc-electron-')), 'workspace');
cpSync(join(repoRoot, 'demo'), workspace, { recursive: true });
try {
  await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out/test/integration/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    // The runner stage tests need a `claude` on PATH and SDLC_MOCK_API (see integration.mjs).
  });
} catch (e) {
  console.error(`test:electron failed: ${e.message ?? e}`);
  process.exit(1);
}
