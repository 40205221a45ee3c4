/**
 * Finds the `claude` executable: the claudePath setting, else PATH, else the places the
 * installers use (a VS Code started from a desktop launcher often lacks the login shell's
 * PATH). Never runs a shell. Says where it looked when it finds nothing.
 */
import { constants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as l10n from './domain/l10n';

export const INSTALL_URL = 'https://docs.anthropic.com/en/docs/claude-code/setup';

export type Located = { ok: true; path: string } | { ok: false; message: string; looked: string[]; configured?: string; installUrl: string };

async function executable(p: string): Promise<boolean> {
  try {
    const st = await fs.stat(p);
    if (!st.isFile()) return false;
    await fs.access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where the native installer, the old local install and npm's global prefix put `claude`. */
export function wellKnownPlaces(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string[] {
  const home = env.HOME || env.USERPROFILE || os.homedir();
  const exe = platform === 'win32' ? 'claude.exe' : 'claude';
  const places = [path.join(home, '.local', 'bin', exe), path.join(home, '.claude', 'local', exe)];
  const npmPrefix = env.npm_config_prefix || env.NPM_CONFIG_PREFIX;
  // Windows: the executable itself, never npm's claude.cmd shim (a batch file runs through cmd.exe).
  const npmExe = (prefix: string) => path.join(prefix, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
  if (npmPrefix) places.push(platform === 'win32' ? npmExe(npmPrefix) : path.join(npmPrefix, 'bin', exe));
  if (platform === 'win32') places.push(npmExe(path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'npm')));
  else places.push(path.join(home, '.npm-global', 'bin', exe), '/usr/local/bin/claude', '/opt/homebrew/bin/claude');
  return [...new Set(places)];
}

export async function locateClaude(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Located> {
  if (configured) {
    const home = env.HOME || os.homedir();
    const p = configured.startsWith('~/') ? path.join(home, configured.slice(2)) : configured;
    if (process.platform === 'win32' && /\.(cmd|bat)$/i.test(p)) {
      return { ok: false, configured, looked: [p], installUrl: INSTALL_URL, message: l10n.t('sdlcPipeline.claudePath is "{0}", a batch file (it would run through cmd.exe); point it at claude.exe.', configured) };
    }
    if (await executable(p)) return { ok: true, path: p };
    return { ok: false, configured, looked: [p], installUrl: INSTALL_URL, message: l10n.t('sdlcPipeline.claudePath is "{0}", but no executable file is there.', configured) };
  }
  const names = process.platform === 'win32' ? ['claude.exe'] : ['claude'];
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    for (const n of names) {
      const p = path.join(dir, n);
      if (await executable(p)) return { ok: true, path: p };
    }
  }
  const places = wellKnownPlaces(env);
  for (const p of places) if (await executable(p)) return { ok: true, path: p };
  return {
    ok: false,
    looked: [...dirs.map((d) => path.join(d, 'claude')), ...places],
    installUrl: INSTALL_URL,
    message: l10n.t('The Claude Code CLI ("claude") was not found on PATH or in {0}.', places.join(', ')),
  };
}

/** The message a user sees: what was tried, and where to set the path (a remote window reads machine settings from the remote). */
export function notFoundMessage(l: Extract<Located, { ok: false }>, remoteName: string | undefined): string {
  return remoteName
    ? l10n.t('{0} This is a remote window ({1}): sdlcPipeline.claudePath is a machine setting, so set it in the remote\'s settings (Preferences: Open Remote Settings), not in your user settings.', l.message, remoteName)
    : l10n.t('{0} Install Claude Code or set sdlcPipeline.claudePath to run stages.', l.message);
}
