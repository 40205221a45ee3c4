/** Finds the `claude` executable: the claudePath setting, else PATH. Never runs a shell. */
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

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

export async function locateClaude(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<{ ok: true; path: string } | { ok: false; message: string }> {
  if (configured) {
    const p = configured.startsWith('~/') ? path.join(env.HOME ?? '', configured.slice(2)) : configured;
    if (await executable(p)) return { ok: true, path: p };
    return { ok: false, message: `sdlcPipeline.claudePath is "${configured}", but no executable file is there.` };
  }
  const names = process.platform === 'win32' ? ['claude.exe', 'claude.cmd', 'claude'] : ['claude'];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const n of names) {
      const p = path.join(dir, n);
      if (await executable(p)) return { ok: true, path: p };
    }
  }
  return { ok: false, message: 'The Claude Code CLI ("claude") was not found on PATH.' };
}

export const INSTALL_URL = 'https://docs.anthropic.com/en/docs/claude-code/setup';
