// `npm start`: builds, launches a real VS Code (code-server) with the extension loaded
// (extensionDevelopmentPath) on a copy of demo/ that is its own git repository (so tickets get
// their own branch and worktree beside it, never in this repository), and prints the URL to
// open. Ctrl-C stops everything.
//   PORT=8080 npm start      SDLC_PIPELINE_PROFILE=<dir> keeps settings/tickets elsewhere
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startCodeServer } from './codeserver.mjs';
import { cacheDir, claudeCli, codeServer, systemPackages } from './tools.mjs';

execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
try {
  systemPackages();
} catch (e) {
  console.warn(String(e.message)); // the browser is the user's own; only code-server's build needs libkrb5
}
codeServer();
const profile = process.env.SDLC_PIPELINE_PROFILE ?? join(cacheDir, 'start-profile');
mkdirSync(profile, { recursive: true });
// The demo workspace: copied once, committed once; kept (with its tickets and worktrees) across starts.
const demo = join(profile, 'demo');
if (!existsSync(demo)) {
  cpSync(join(repoRoot, 'demo'), demo, { recursive: true, filter: (src) => !src.includes('/.sdlc') });
  const git = (...args) => execFileSync('git', ['-C', demo, ...args], { stdio: 'ignore' });
  try {
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('-c', 'user.name=SDLC Pipeline demo', '-c', 'user.email=demo@sdlc-pipeline.invalid', 'commit', '-q', '-m', 'Demo workspace');
  } catch (e) {
    console.warn(`git is not available (${e.message}); the demo runs stages in place.`);
  }
}
const env = {};
if (process.env.SDLC_START_WITH_TEST_CLI) env.PATH = `${claudeCli().binDir}:${process.env.PATH}`;
const server = await startCodeServer({
  name: 'start',
  runDir: profile,
  workspace: demo,
  env,
  isolateHome: false,
  port: process.env.PORT ? Number(process.env.PORT) : undefined,
  log: !!process.env.SDLC_START_LOG,
});
const url = server.workbenchUrl([['extensionDevelopmentPath', server.remote(repoRoot)]]);
console.log(`\nSDLC Pipeline is running in a real VS Code (code-server, pid ${server.pid}).`);
console.log(`Open this URL in a browser:\n\n  ${url}\n`);
console.log('The "SDLC Pipeline" icon is in the activity bar. Press Ctrl-C to stop.');
const stop = async () => {
  await server.stop({ keep: true });
  process.exit(0);
};
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
