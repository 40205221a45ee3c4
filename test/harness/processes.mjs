// Every process the harness starts is registered here and killed by PID (its whole process
// group) on success, failure, timeout and Ctrl-C.
import { spawn } from 'node:child_process';

const live = new Map();

export function startProcess(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'] });
  live.set(child.pid, child);
  child.on('exit', () => live.delete(child.pid));
  return child;
}

export async function killProcess(child, graceMs = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* gone */
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, graceMs);
  await gone;
  clearTimeout(timer);
  live.delete(child.pid);
}

export function killAllSync() {
  for (const [pid] of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  live.clear();
}

let installed = false;
export function installExitHandlers() {
  if (installed) return;
  installed = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      killAllSync();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}
installExitHandlers();
