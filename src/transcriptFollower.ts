/**
 * Follows an interactive session's transcript (and its sub-agents') while it runs: each poll
 * reads only the bytes appended since the last one — never the whole file again — and feeds
 * them to a `TranscriptTally`. Node only (no `vscode` import), so the benchmark can drive it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { projectDirName, TranscriptTally } from './domain/transcript';

/** Where the CLI keeps its config and transcripts: `CLAUDE_CONFIG_DIR`, else `~/.claude`. */
export { claudeConfigDir } from './claudeConfigDir';

const CHUNK = 4 * 1024 * 1024;

/** Reads what was appended to one file since the last read (UTF-8 safe across reads). */
export class AppendReader {
  offset = 0;
  private decoder = new StringDecoder('utf8');

  constructor(readonly file: string) {}

  /** The new text ('' when nothing was appended), or undefined when the file is not there. */
  async read(): Promise<string | undefined> {
    const h = await fs.open(this.file, 'r').catch(() => undefined);
    if (!h) return undefined;
    try {
      const { size } = await h.stat();
      if (size < this.offset) {
        // Replaced or truncated: not the file we were reading; start over on what is there now.
        this.offset = 0;
        this.decoder = new StringDecoder('utf8');
      }
      let out = '';
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(0, size - this.offset)));
      while (this.offset < size) {
        const { bytesRead } = await h.read(buf, 0, Math.min(buf.length, size - this.offset), this.offset);
        if (!bytesRead) break;
        this.offset += bytesRead;
        out += this.decoder.write(buf.subarray(0, bytesRead));
      }
      return out;
    } finally {
      await h.close();
    }
  }
}

export class TranscriptFollower {
  readonly tally: TranscriptTally;
  private main?: AppendReader;
  private readonly subagents = new Map<string, AppendReader>();

  constructor(
    private readonly configDir: string,
    private readonly cwd: string,
    private readonly sessionId: string,
    /** A resumed session: count only what is written from now on (the file holds the earlier run too). */
    private readonly skipExisting = false,
  ) {
    this.tally = new TranscriptTally(sessionId);
  }

  /** The transcript's path once found. */
  get file(): string | undefined {
    return this.main?.file;
  }

  /** A resumed session: find the transcript now and start after what it already holds. */
  async prime(): Promise<void> {
    if (!this.skipExisting || this.main) return;
    const file = await this.locate();
    if (!file) return;
    this.main = new AppendReader(file);
    this.main.offset = (await fs.stat(file)).size;
    // The earlier run's sub-agents are the earlier run's too.
    const dir = path.join(path.dirname(file), this.sessionId, 'subagents');
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.jsonl')) continue;
      const r = new AppendReader(path.join(dir, name));
      r.offset = (await fs.stat(r.file)).size;
      this.subagents.set(name, r);
    }
  }

  /** Reads what is new; true when anything was read. */
  async poll(): Promise<boolean> {
    if (!this.main) {
      const file = await this.locate();
      if (!file) return false;
      this.main = new AppendReader(file);
      if (this.skipExisting) this.main.offset = (await fs.stat(file)).size;
    }
    let changed = false;
    const text = await this.main.read();
    if (text) {
      this.tally.feed(text);
      changed = true;
    }
    const dir = path.join(path.dirname(this.main.file), this.sessionId, 'subagents');
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.jsonl')) continue;
      let r = this.subagents.get(name);
      if (!r) this.subagents.set(name, (r = new AppendReader(path.join(dir, name))));
      const sub = await r.read();
      if (sub) {
        this.tally.feed(sub, { sidechain: true, source: name });
        changed = true;
      }
    }
    return changed;
  }

  /** `<config>/projects/<cwd as a folder name>/<session>.jsonl`, else that file name in any project folder (a CLI may name folders differently). */
  private async locate(): Promise<string | undefined> {
    const name = `${this.sessionId}.jsonl`;
    const projects = path.join(this.configDir, 'projects');
    const direct = path.join(projects, projectDirName(this.cwd), name);
    if (await fs.stat(direct).then((s) => s.isFile(), () => false)) return direct;
    for (const d of await fs.readdir(projects).catch(() => [] as string[])) {
      const f = path.join(projects, d, name);
      if (await fs.stat(f).then((s) => s.isFile(), () => false)) return f;
    }
    return undefined;
  }
}
