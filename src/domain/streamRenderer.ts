/**
 * The CLI's stream-json on a terminal: `LineSplitter` cuts the process output into lines
 * (bounded, linear however it is chunked), `StreamRenderer` turns each line's events (parsed by
 * stream.ts) into terminal text and keeps the summary a run record needs. Pure: no `vscode` import.
 *
 * Everything the CLI sends is outside text: `StreamRenderer` passes every string it writes
 * through `sanitizeTerminalText` before adding its own colours (`ansi`), so a model, a tool or
 * a file name cannot write escape sequences (clipboard, hyperlinks, title, cursor, colours)
 * to the user's terminal.
 */
import * as l10n from './l10n';
import { parseStreamLine, type ResultEvent, type StreamEvent } from './stream';
import { oneLine, sanitizeTerminalText } from './terminalText';

export interface LineSplitterOptions {
  /**
   * The longest line kept, in characters (UTF-16 code units, as `string.length` counts them;
   * the name says bytes because that is what it bounds in practice). Default 8 MiB.
   */
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE = 8 * 1024 * 1024;

/**
 * Splits a text stream into lines across chunk boundaries. Each chunk is scanned once: the
 * unfinished line is kept as a list of parts and joined only when its newline arrives, so a
 * long line costs linear time however it is chunked. A line longer than `maxLineBytes` is
 * not buffered: from the moment it passes the cap everything up to its newline is dropped,
 * `oversized` counts it, and the next line arrives intact. `flush()` returns the unfinished
 * last line (nothing if it was over the cap).
 */
export class LineSplitter {
  readonly maxLineBytes: number;
  /** Lines dropped because they were longer than `maxLineBytes`. */
  oversized = 0;
  private parts: string[] = [];
  private pending = 0;
  private discarding = false;

  constructor(options: LineSplitterOptions = {}) {
    const max = options.maxLineBytes ?? DEFAULT_MAX_LINE;
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`maxLineBytes must be a positive integer, not ${max}`);
    this.maxLineBytes = max;
  }

  push(chunk: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      this.append(chunk, start, nl);
      if (!this.discarding) lines.push(this.parts.length === 1 ? this.parts[0] : this.parts.join(''));
      this.reset();
      start = nl + 1;
    }
    this.append(chunk, start, chunk.length);
    return lines;
  }

  flush(): string[] {
    const line = this.discarding ? '' : this.parts.join('');
    this.reset();
    return line ? [line] : [];
  }

  private append(chunk: string, from: number, to: number): void {
    if (this.discarding || from >= to) return;
    if (this.pending + (to - from) > this.maxLineBytes) {
      this.oversized++;
      this.discarding = true;
      this.parts = [];
      this.pending = 0;
      return;
    }
    this.parts.push(from === 0 && to === chunk.length ? chunk : chunk.slice(from, to));
    this.pending += to - from;
  }

  private reset(): void {
    if (this.parts.length) this.parts = [];
    this.pending = 0;
    this.discarding = false;
  }
}

const ESC = '\x1b[';
export const ansi = {
  dim: (s: string) => `${ESC}2m${s}${ESC}0m`,
  bold: (s: string) => `${ESC}1m${s}${ESC}0m`,
  cyan: (s: string) => `${ESC}36m${s}${ESC}0m`,
  green: (s: string) => `${ESC}32m${s}${ESC}0m`,
  red: (s: string) => `${ESC}31m${s}${ESC}0m`,
  yellow: (s: string) => `${ESC}33m${s}${ESC}0m`,
};

/** Terminals want CRLF. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

export interface StreamSummary {
  modelRan?: string;
  sessionId?: string;
  result?: ResultEvent;
  malformed: number;
}

/** Turns events into terminal text and keeps the summary a run record needs. */
export class StreamRenderer {
  readonly summary: StreamSummary = { malformed: 0 };

  /**
   * Every string from the stream is sanitized (`sanitizeTerminalText`) before our own colours
   * are added. The summary's `modelRan` and the result's `result` and `subtype` texts are
   * sanitized too, since the runner prints them.
   */
  render(event: StreamEvent): string {
    // Fields that are one line by nature stay one line (a "\n" in them could start a fake line at column 0).
    switch (event.kind) {
      case 'init': {
        const model = oneLine(event.model);
        const mode = event.permissionMode ? oneLine(event.permissionMode) : '';
        this.summary.modelRan = model;
        this.summary.sessionId = event.sessionId;
        return ansi.dim(`● ${mode ? l10n.t('model {0} · permissions {1}', model, mode) : l10n.t('model {0}', model)}`) + '\r\n';
      }
      case 'text':
        return crlf(sanitizeTerminalText(event.text).trimEnd()) + '\r\n\r\n';
      case 'tool': {
        const detail = oneLine(event.detail);
        return ansi.cyan(`⏺ ${oneLine(event.name)}`) + (detail ? ansi.dim(` ${detail}`) : '') + '\r\n';
      }
      case 'toolError':
        return ansi.red(`  ✗ ${oneLine(event.detail)}`) + '\r\n';
      case 'result': {
        const r = event.result;
        this.summary.result = {
          ...r,
          ...(r.result !== undefined && { result: sanitizeTerminalText(r.result) }),
          ...(r.subtype !== undefined && { subtype: sanitizeTerminalText(r.subtype) }),
        };
        if (r.session_id) this.summary.sessionId = r.session_id;
        return '';
      }
      case 'malformed':
        this.summary.malformed++;
        return '';
      default:
        return '';
    }
  }

  /** Render a whole line (parse + render). */
  line(line: string): string {
    let out = '';
    for (const e of parseStreamLine(line)) out += this.render(e);
    return out;
  }
}
