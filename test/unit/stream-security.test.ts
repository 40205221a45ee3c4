import * as assert from 'node:assert';
import { RunSchema, type Run } from '../../src/domain/ticket';
import { parseStreamLine } from '../../src/domain/stream';
import { ansi, LineSplitter, StreamRenderer } from '../../src/domain/streamRenderer';
import { sanitizeTerminalText } from '../../src/domain/terminalText';

/** [what the CLI sends, what must reach the terminal]. Each is wrapped in "hello" … "world". */
const NASTY: Array<[string, string]> = [
  ['\x1b]52;c;ZXZpbA==\x07', ''], // OSC 52 clipboard write, BEL-terminated
  ['\x1b]52;c;ZXZpbA==\x1b\\', ''], // OSC 52, ST-terminated
  ['\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\', 'click'], // OSC 8 hyperlink
  ['\x1b]0;pwned title\x07', ''], // OSC 0 window title
  ['\x1b[2J\x1b[H', ''], // clear screen, cursor home
  ['\x1b[1A\x1b[2K\x1b[10;20H\x1b[?25l', ''], // cursor up, erase line, move, hide cursor
  ['\x1b[32m\x1b[1m■ Build succeeded\x1b[0m', '■ Build succeeded'], // forged green line
  ['\u009b2J\u009b31m', ''], // 8-bit CSI
  ['\u009d52;c;ZXZpbA==\u009c', ''], // 8-bit OSC, 8-bit ST
  ['\u009d8;;https://evil.example/\x07', ''], // 8-bit OSC, BEL
  ['\x1bP1$r0m\x1b\\', ''], // DCS
  ['\x1bXsos\x1b\\\x1b^pm\x1b\\\x1b_apc\x1b\\', ''], // SOS, PM, APC
  ['\u0090dcs\u009c\u0098sos\u009c\u009epm\u009c\u009fapc\u009c', ''], // their 8-bit forms
  ['\x1bc\x1b7\x1b8\x1b(0\x1b=', ''], // reset, save/restore cursor, DEC graphics charset, keypad mode
  ['abc\rXYZ', 'abcXYZ'], // bare CR would overwrite the line
  ['ab\b\bcd', 'abcd'], // backspace
  ['\x07\x00\x7f\x0b\x0c\x0e\x18\x1a\u0085\u0084', ''], // BEL, NUL, DEL, VT, FF, SO, CAN, SUB, NEL, IND
  ['\u202eevil\u202c \u2066x\u2069 \u200f\u200e\u061c', 'evil x '], // bidi controls
];
const wrap = (s: string) => `hello${s}world`;
/** For test titles: mocha prints them to the terminal, so controls are written as \\uXXXX. */
const show = (s: string) => s.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function fixture(payload: string): string[] {
  const w = wrap(payload);
  return [
    JSON.stringify({ type: 'system', subtype: 'init', model: w, session_id: 's1', permissionMode: w }),
    JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: w }, { type: 'tool_use', name: w, input: { file_path: w } }] } }),
    JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', is_error: true, content: w }] } }),
    JSON.stringify({ type: 'assistant', message: { content: w } }),
    JSON.stringify({ type: 'result', subtype: w, is_error: true, result: w, session_id: 's1' }),
  ];
}

function renderAll(lines: string[]): { out: string; renderer: StreamRenderer } {
  const renderer = new StreamRenderer();
  return { out: lines.map((l) => renderer.line(l)).join(''), renderer };
}

/** Every escape sequence our own `ansi` helpers write. */
const OWN_CODES = [...new Set(Object.values(ansi).flatMap((f) => f('\u0000').split('\u0000')))];

/** Removes our own colour codes, then fails on anything a terminal could act on. */
function assertInert(out: string): void {
  let rest = out;
  for (const code of OWN_CODES) rest = rest.split(code).join('');
  const bad = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/.exec(rest);
  assert.strictEqual(bad, null, `control character U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')} reached the terminal in ${JSON.stringify(rest)}`);
}

describe('stream security: terminal escape injection', () => {
  it('our ansi helpers produce only SGR codes (the ones the checks below allow)', () => {
    assert.ok(OWN_CODES.length >= 2);
    for (const c of OWN_CODES) assert.match(c, /^\x1b\[\d+m$/);
  });

  for (const [raw, clean] of NASTY) {
    it(`renders "${show(raw)}" inertly in text, tool name, tool detail, tool error, init model and result`, () => {
      const { out, renderer } = renderAll(fixture(raw));
      assertInert(out);
      // Exactly what the same stream without the sequences renders (so an injected SGR that
      // equals one of ours cannot hide among them).
      assert.strictEqual(out, renderAll(fixture(clean)).out);
      const visible = wrap(clean);
      assert.ok(out.includes(`model ${visible} · permissions ${visible}`), out);
      assert.ok(out.includes(`${visible}\r\n\r\n`), out);
      assert.ok(out.includes(`⏺ ${visible}`), out);
      assert.ok(out.includes(` ${visible}`), out);
      assert.ok(out.includes(`✗ ${visible}`), out);
      assert.strictEqual(renderer.summary.modelRan, visible);
      assert.strictEqual(renderer.summary.result?.result, visible);
      assert.strictEqual(renderer.summary.result?.subtype, visible);
      // The runner sanitizes the result message (and stderr) with the same function.
      assert.strictEqual(sanitizeTerminalText(wrap(raw)), visible);
    });
  }

  it('all of the sequences in one assistant message', () => {
    const text = NASTY.map(([raw]) => wrap(raw)).join('\n');
    const { out } = renderAll([JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text }] } })]);
    assertInert(out);
    assert.strictEqual(out, NASTY.map(([, clean]) => wrap(clean)).join('\r\n') + '\r\n\r\n');
  });

  it('keeps our own colours around sanitized text', () => {
    const out = new StreamRenderer().render({ kind: 'tool', name: 'Edit\x1b[0m', detail: '\x1b[31mx.ts' });
    // Cyan (36) around the tool's name, dim (2) around its detail, each reset (0).
    assert.strictEqual(out, '\x1b[36m⏺ Edit\x1b[0m\x1b[2m x.ts\x1b[0m\r\n');
  });

  it('sanitizeTerminalText keeps ordinary text, newlines and tabs, and turns CRLF into LF', () => {
    const plain = 'Plain text — ünïcödé, emoji 🎉, 中文, tabs\tand\nnewlines.';
    assert.strictEqual(sanitizeTerminalText(plain), plain);
    assert.strictEqual(sanitizeTerminalText('a\r\nb\r\n'), 'a\nb\n');
    assert.strictEqual(sanitizeTerminalText(''), '');
  });

  it('sanitizeTerminalText: unterminated and interrupted sequences', () => {
    // An unterminated control string is dropped to the end of the text.
    assert.strictEqual(sanitizeTerminalText('ok\x1b]52;c;ZXZpbA== and the rest'), 'ok');
    assert.strictEqual(sanitizeTerminalText('ok\x1bPqqq'), 'ok');
    assert.strictEqual(sanitizeTerminalText('ok\u009d0;title'), 'ok');
    // An unterminated CSI or a lone ESC at the end.
    assert.strictEqual(sanitizeTerminalText('ok\x1b[12;'), 'ok');
    assert.strictEqual(sanitizeTerminalText('ok\x1b'), 'ok');
    // A CSI interrupted by a character that cannot belong to it ends there.
    assert.strictEqual(sanitizeTerminalText('a\x1b[1\nb'), 'a\nb');
    // ESC inside an OSC ends the OSC and starts the next sequence; CAN cancels it.
    assert.strictEqual(sanitizeTerminalText('a\x1b]0;t\x1b[31mb'), 'ab');
    assert.strictEqual(sanitizeTerminalText('a\x1b]0;t\x18b'), 'ab');
    // An ESC followed by something that is no escape sequence: only the ESC goes.
    assert.strictEqual(sanitizeTerminalText('a\x1b\u00e9b'), 'a\u00e9b');
  });

  it('sanitizeTerminalText is linear on hostile input (no quadratic rescans)', () => {
    const n = 200_000;
    for (const [input, expected] of [
      ['\x1b]' + 'a'.repeat(n), ''],
      ['\x1b]'.repeat(n) + 'x', ''],
      ['\x1b['.repeat(n) + 'x', ''],
      ['\x1b[' + '1;'.repeat(n) + 'x', ''],
      ['\x1bP'.repeat(n), ''],
      ['\x1b'.repeat(n) + 'x', ''],
      ['\u009d'.repeat(n), ''],
      ['a\r'.repeat(n), 'a'.repeat(n)],
    ] as const) {
      const t = performance.now();
      assert.strictEqual(sanitizeTerminalText(input), expected);
      // Generous: linear is a few ms; quadratic on 200k would be many seconds.
      assert.ok(performance.now() - t < 1500, `took ${performance.now() - t} ms for ${JSON.stringify(input.slice(0, 8))}…`);
    }
  });
});

describe('stream security: LineSplitter bounds', () => {
  it('a line split across many chunks arrives whole', () => {
    const s = new LineSplitter();
    const line = Array.from({ length: 500 }, (_, i) => `part${i};`).join('');
    const got: string[] = [];
    for (let o = 0; o < line.length; o += 7) got.push(...s.push(line.slice(o, o + 7)));
    assert.deepStrictEqual(got, []);
    assert.deepStrictEqual(s.push('\nnext'), [line]);
    assert.deepStrictEqual(s.flush(), ['next']);
    assert.strictEqual(s.oversized, 0);
  });

  it('1,000 chunks of 10 KB without a newline, then a newline: one line of 10,000,000 characters (cap raised to 16 MiB)', () => {
    const s = new LineSplitter({ maxLineBytes: 16 * 1024 * 1024 });
    const chunk = 'x'.repeat(10_000);
    for (let i = 0; i < 1000; i++) assert.deepStrictEqual(s.push(chunk), []);
    const lines = s.push('\n{"type":"result"}\n');
    assert.strictEqual(lines.length, 2);
    assert.strictEqual(lines[0].length, 10_000_000);
    assert.ok(/^x+$/.test(lines[0]));
    assert.strictEqual(lines[1], '{"type":"result"}');
    assert.strictEqual(s.oversized, 0);
  });

  it('the same 10,000,000-character line is over the default 8 MiB cap: dropped, counted, the next line intact', () => {
    const s = new LineSplitter();
    const chunk = 'x'.repeat(10_000);
    for (let i = 0; i < 1000; i++) assert.deepStrictEqual(s.push(chunk), []);
    assert.deepStrictEqual(s.push('\n{"type":"result"}\n'), ['{"type":"result"}']);
    assert.strictEqual(s.oversized, 1);
  });

  it('drops and counts a line over the cap; the following line arrives intact', () => {
    const s = new LineSplitter({ maxLineBytes: 100 });
    assert.strictEqual(s.maxLineBytes, 100);
    assert.deepStrictEqual(s.push('a'.repeat(100) + '\n'), ['a'.repeat(100)]); // exactly the cap is kept
    assert.deepStrictEqual(s.push('b'.repeat(60)), []);
    assert.deepStrictEqual(s.push('b'.repeat(60)), []); // over the cap now: dropped, not buffered
    assert.strictEqual(s.oversized, 1);
    assert.deepStrictEqual(s.push('b'.repeat(1000)), []);
    assert.deepStrictEqual(s.push('bbb\nafter'), []);
    assert.deepStrictEqual(s.push(' line\n'), ['after line']);
    assert.strictEqual(s.oversized, 1);
    // An over-cap line inside one chunk, between two good ones.
    assert.deepStrictEqual(s.push(`one\n${'c'.repeat(101)}\ntwo\n`), ['one', 'two']);
    assert.strictEqual(s.oversized, 2);
    // An unfinished over-cap line is not returned by flush.
    s.push('d'.repeat(150));
    assert.deepStrictEqual(s.flush(), []);
    assert.strictEqual(s.oversized, 3);
    assert.deepStrictEqual(s.push('fresh\n'), ['fresh']);
  });

  it('defaults to an 8 MiB cap and rejects a nonsense cap', () => {
    assert.strictEqual(new LineSplitter().maxLineBytes, 8 * 1024 * 1024);
    for (const bad of [0, -1, 1.5, NaN, Infinity]) assert.throws(() => new LineSplitter({ maxLineBytes: bad }), RangeError);
  });

  it('keeps CRLF lines, empty lines and a chunk that is only a newline', () => {
    const s = new LineSplitter();
    assert.deepStrictEqual(s.push('a\r\n\n'), ['a\r', '']);
    assert.deepStrictEqual(s.push('b'), []);
    assert.deepStrictEqual(s.push('\n'), ['b']);
    assert.deepStrictEqual(s.push(''), []);
    assert.deepStrictEqual(s.flush(), []);
  });
});

describe('stream security: numbers and keys in the result', () => {
  const base = { type: 'result', subtype: 'success', is_error: false, session_id: 's1' };
  const line = (extra: object) => JSON.stringify({ ...base, ...extra });

  const INVALID: Array<[string, string]> = [
    ['negative cost', line({ total_cost_usd: -1 })],
    ['infinite cost (1e400)', line({ total_cost_usd: 0.5 }).replace('0.5', '1e400')],
    ['negative duration', line({ duration_ms: -5 })],
    ['infinite duration', line({ duration_ms: 1 }).replace('"duration_ms":1', '"duration_ms":1e999')],
    ['fractional num_turns', line({ num_turns: 2.5 })],
    ['negative num_turns', line({ num_turns: -1 })],
    ['negative input tokens', line({ usage: { input_tokens: -10, output_tokens: 5 } })],
    ['negative output tokens', line({ usage: { input_tokens: 10, output_tokens: -5 } })],
    ['infinite cache tokens', line({ usage: { cache_read_input_tokens: 7 } }).replace(':7', ':1e400')],
    ['negative cache creation tokens', line({ usage: { cache_creation_input_tokens: -1 } })],
    ['negative modelUsage cost', line({ modelUsage: { m: { costUSD: -0.1 } } })],
    ['negative modelUsage tokens', line({ modelUsage: { m: { inputTokens: -3 } } })],
    ['infinite modelUsage tokens', line({ modelUsage: { m: { outputTokens: 9 } } }).replace(':9', ':1e400')],
    ['non-number modelUsage value', line({ modelUsage: { m: { costUSD: '1' } } })],
  ];

  for (const [name, bad] of INVALID) {
    it(`a result with ${name} is a malformed line and leaves no result`, () => {
      assert.strictEqual(parseStreamLine(bad)[0].kind, 'malformed');
      const r = new StreamRenderer();
      assert.strictEqual(r.line(bad), '');
      assert.strictEqual(r.summary.malformed, 1);
      assert.strictEqual(r.summary.result, undefined);
    });
  }

  it('accepts zeros and large finite values, and the run record built from them is valid', () => {
    const ok = line({
      total_cost_usd: 0,
      duration_ms: 0,
      num_turns: 0,
      usage: { input_tokens: 0, output_tokens: 1e12, cache_creation_input_tokens: 0, cache_read_input_tokens: 3 },
      modelUsage: { 'claude-opus-4-8': { inputTokens: 0, outputTokens: 1, cacheReadInputTokens: 2, cacheCreationInputTokens: 3, costUSD: 0 } },
    });
    const r = new StreamRenderer();
    r.line(ok);
    const res = r.summary.result;
    assert.ok(res);
    assert.strictEqual(r.summary.malformed, 0);
    // The same mapping the runner makes for its final save.
    const run: Run = {
      id: 'r', stage: 'plan', mode: 'headless', modelAsked: 'opus', startedAt: 1, status: 'succeeded',
      costUsd: res.total_cost_usd, numTurns: res.num_turns, durationMs: res.duration_ms, modelUsage: res.modelUsage,
      usage: {
        input_tokens: res.usage?.input_tokens ?? 0,
        output_tokens: res.usage?.output_tokens ?? 0,
        cache_creation_input_tokens: res.usage?.cache_creation_input_tokens ?? 0,
        cache_read_input_tokens: res.usage?.cache_read_input_tokens ?? 0,
      },
    };
    assert.ok(RunSchema.safeParse(JSON.parse(JSON.stringify(run))).success);
  });

  it('modelUsage keys __proto__, constructor, toString change no prototype and come out as own data', () => {
    const raw = '{"type":"result","is_error":false,"modelUsage":{"__proto__":{"costUSD":1,"polluted":true},"constructor":{"costUSD":2},"toString":{"costUSD":3},"hasOwnProperty":{"costUSD":4},"claude-opus-4-8":{"costUSD":5}}}';
    const events = parseStreamLine(raw);
    assert.strictEqual(events[0].kind, 'result');
    const mu = events[0].kind === 'result' ? events[0].result.modelUsage : undefined;
    assert.ok(mu);
    assert.strictEqual(Object.getPrototypeOf(mu), null);
    assert.deepStrictEqual(Object.keys(mu).sort(), ['claude-opus-4-8', 'constructor', 'hasOwnProperty', 'toString']);
    assert.ok(!Object.prototype.hasOwnProperty.call(mu, '__proto__'));
    for (const k of Object.keys(mu)) {
      const d = Object.getOwnPropertyDescriptor(mu, k);
      assert.ok(d && 'value' in d && d.enumerable, `${k} is an own data property`);
      assert.strictEqual(Object.getPrototypeOf(d.value), Object.prototype);
    }
    assert.deepStrictEqual({ ...mu.constructor }, { costUSD: 2 });
    assert.deepStrictEqual({ ...mu.toString }, { costUSD: 3 });
    // Nothing leaked into shared prototypes.
    assert.strictEqual(({} as Record<string, unknown>).polluted, undefined);
    assert.strictEqual(({} as Record<string, unknown>).costUSD, undefined);
    assert.strictEqual(typeof {}.toString, 'function');
    assert.strictEqual(({}).constructor, Object);
    // Entries keep only known fields.
    assert.deepStrictEqual(Object.keys(mu['claude-opus-4-8']), ['costUSD']);
    // Survives the store's JSON round trip and validation.
    const back = JSON.parse(JSON.stringify(mu)) as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(back).sort(), ['claude-opus-4-8', 'constructor', 'hasOwnProperty', 'toString']);
  });
});
