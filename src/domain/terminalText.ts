/**
 * Makes outside text safe to write to a terminal: `sanitizeTerminalText` removes escape
 * sequences (CSI, OSC, DCS/SOS/PM/APC and other `ESC` sequences, 7- and 8-bit forms), the
 * remaining C0 and C1 controls except `\n` and `\t`, `\r`, DEL and the bidi controls, in one
 * linear pass; `oneLine` also folds newlines and caps the length, for one-line slots. Used
 * for everything the CLI sends before it reaches a terminal or a notification. Pure: no
 * `vscode` import.
 */

const C0_ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const C1_ST = 0x9c;

/** True for a character `sanitizeTerminalText` never lets through. */
function isUnsafe(c: number): boolean {
  if (c < 0x20) return c !== 0x0a && c !== 0x09; // C0 except \n and \t (\r included)
  if (c < 0x7f) return false;
  if (c <= 0x9f) return true; // DEL and C1
  return c === 0x061c || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

// The same set as isUnsafe, as a fast first test (one linear regex pass, no backtracking).
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Skips a CSI's parameter and intermediate bytes and its final byte; returns the index after it. */
function skipCsi(s: string, j: number): number {
  const n = s.length;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c >= 0x20 && c <= 0x3f) j++;
    else if (c >= 0x40 && c <= 0x7e) return j + 1;
    else return j; // not a CSI byte: the sequence ends here and that character is looked at on its own
  }
  return n;
}

/**
 * Skips a control string (OSC, DCS, SOS, PM, APC) up to and including its terminator: ST
 * (`ESC \` or U+009C), BEL for OSC, or CAN/SUB, which cancel it. Another ESC or C1 control
 * ends the string and starts the next sequence, as in a terminal's parser. Unterminated: the
 * rest of the text is dropped.
 */
function skipControlString(s: string, j: number, belEnds: boolean): number {
  const n = s.length;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c === C0_ESC) return s.charCodeAt(j + 1) === 0x5c ? j + 2 : j;
    if (c === C1_ST || c === CAN || c === SUB || (belEnds && c === BEL)) return j + 1;
    if (c >= 0x80 && c <= 0x9f) return j;
    j++;
  }
  return n;
}

/** Skips the control character or escape sequence that starts at `i`; returns the index after it. */
function skipControl(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === C0_ESC) {
    const d = s.charCodeAt(i + 1); // NaN at the end of the text
    if (d === 0x5b) return skipCsi(s, i + 2); // ESC [
    if (d === 0x5d) return skipControlString(s, i + 2, true); // ESC ]
    if (d === 0x50 || d === 0x58 || d === 0x5e || d === 0x5f) return skipControlString(s, i + 2, false); // ESC P X ^ _
    // Any other escape: ESC, intermediate bytes (0x20–0x2F), one final byte (0x30–0x7E).
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x2f) j++;
    const f = s.charCodeAt(j);
    return f >= 0x30 && f <= 0x7e ? j + 1 : j;
  }
  if (c === 0x9b) return skipCsi(s, i + 1);
  if (c === 0x9d) return skipControlString(s, i + 1, true);
  if (c === 0x90 || c === 0x98 || c === 0x9e || c === 0x9f) return skipControlString(s, i + 1, false);
  return i + 1; // a single control character (\r of \r\n included: the \n stays)
}

/**
 * Makes outside text safe to write to a terminal. Removes whole escape sequences — CSI
 * (`ESC [` … final byte), OSC (`ESC ]` … BEL or ST), DCS/SOS/PM/APC (`ESC P|X|^|_` … ST),
 * other `ESC` sequences (`ESC` intermediates final, e.g. `ESC c`, `ESC 7`, `ESC ( 0`) and the
 * 8-bit forms U+009B, U+009D, U+0090, U+0098, U+009E, U+009F — then every other C0 control
 * except `\n` and `\t`, DEL, all of C1 (U+0080–U+009F), `\r` (so `\r\n` becomes `\n` and a
 * bare `\r` cannot overwrite a line), and the bidi controls U+202A–U+202E, U+2066–U+2069,
 * U+200E, U+200F, U+061C.
 *
 * A control string (OSC, DCS, …) without its terminator is dropped to the end of the text,
 * as the terminal itself would swallow it; a sequence interrupted by a character that cannot
 * belong to it ends there (that character is then kept or removed on its own). One pass, each
 * character looked at a bounded number of times: linear time on any input.
 */
export function sanitizeTerminalText(s: string): string {
  if (!UNSAFE.test(s)) return s;
  const out: string[] = [];
  const n = s.length;
  let kept = 0;
  let i = 0;
  while (i < n) {
    if (!isUnsafe(s.charCodeAt(i))) {
      i++;
      continue;
    }
    if (i > kept) out.push(s.slice(kept, i));
    i = skipControl(s, i);
    kept = i;
  }
  if (kept < n) out.push(s.slice(kept));
  return out.join('');
}

/** Outside text for a one-line slot (a summary, a tool name, a notification): sanitized, newlines folded, capped. */
export function oneLine(s: string, max = 500): string {
  return sanitizeTerminalText(s).replace(/\s*\n\s*/g, ' ').trim().slice(0, max);
}
