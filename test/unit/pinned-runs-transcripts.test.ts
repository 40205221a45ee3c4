/**
 * Pins for runs and transcripts: per-file line buffers and per-model prices of interactive
 * transcripts, what a `user` message may show, run outcomes on a non-zero exit and their stderr
 * tail, estimates that never learn from the run they estimate, and the one-line helpers. Every
 * expected value is written out by hand (prices from the built-in table's literal numbers:
 * opus $5 in / $25 out / $6.25 cache write / $0.50 cache read per MTok, haiku $1 / $5 / $1.25 /
 * $0.10); none is computed by the code under test. test/harness/mutations/runs-transcripts.mjs
 * holds the bugs these catch.
 */
import * as assert from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { costRows, estimateStage } from '../../src/domain/cost';
import { EstimateIndex } from '../../src/domain/estimates';
import { noticeText } from '../../src/domain/notice';
import { outcomeLines, runOutcome, type ProcessEnd } from '../../src/domain/runOutcome';
import { parseStreamLine, type ResultEvent } from '../../src/domain/stream';
import { StreamRenderer } from '../../src/domain/streamRenderer';
import { oneLine } from '../../src/domain/terminalText';
import { oneLine as ticketOneLine, type Run, type Usage } from '../../src/domain/ticket';
import { priceTally, TranscriptTally } from '../../src/domain/transcript';
import { TranscriptFollower } from '../../src/transcriptFollower';

const SESSION = '3f2b8c1e-9d4a-4e7b-8a6c-5b1d2e3f4a5b';
const usage = (input: number, output: number, cacheWrite: number, cacheRead: number): Usage => ({
  input_tokens: input,
  output_tokens: output,
  cache_creation_input_tokens: cacheWrite,
  cache_read_input_tokens: cacheRead,
});
/** One transcript line of an assistant message. */
const line = (id: string, model: string, u: Usage, extra: object = {}) =>
  JSON.stringify({ type: 'assistant', sessionId: SESSION, message: { id, model, usage: u }, ...extra });
/** A sub-agent's line: its own session id, flagged as a side chain (as the CLI writes them). */
const subLine = (id: string, model: string, u: Usage) => line(id, model, u, { sessionId: 'agent-session', isSidechain: true });
const half = (s: string) => [s.slice(0, Math.floor(s.length / 2)), s.slice(Math.floor(s.length / 2))] as const;

// The main loop on opus: 1000 in / 200 out / 1000 cache write / 4000 cache read, then 1000 / 200 / 0 / 6000.
const M1 = line('msg_m1', 'claude-opus-4-8', usage(1000, 200, 1000, 4000));
const M2 = line('msg_m2', 'claude-opus-4-8', usage(1000, 200, 0, 6000));
// Two sub-agents on haiku: 5000 / 600 / 2000 / 0 and 625 / 400 / 0 / 25000.
const S1 = subLine('msg_s1', 'claude-haiku-4-5', usage(5000, 600, 2000, 0));
const S2 = subLine('msg_s2', 'claude-haiku-4-5', usage(625, 400, 0, 25000));
/**
 * Together: opus 2000 in, 400 out, 1000 write, 10000 read = 10000 + 10000 + 6250 + 5000 = 31250 µ$ = $0.03125;
 * haiku 5625 in, 1000 out, 2000 write, 25000 read = 5625 + 5000 + 2500 + 2500 = 15625 µ$ = $0.015625.
 * Total $0.046875 (all three are exact binary fractions). Haiku's tokens at opus's price would
 * be 28125 + 25000 + 12500 + 12500 = 78125 µ$, a total of $0.109375.
 */
const EXPECTED_MODEL_USAGE = {
  'claude-opus-4-8': { inputTokens: 2000, outputTokens: 400, cacheReadInputTokens: 10000, cacheCreationInputTokens: 1000, costUSD: 0.03125 },
  'claude-haiku-4-5': { inputTokens: 5625, outputTokens: 1000, cacheReadInputTokens: 25000, cacheCreationInputTokens: 2000, costUSD: 0.015625 },
};

describe('pinned: transcripts keep one partial line per file', () => {
  it('a half line in the main file, in a source-less side chain and in two named sub-agent files: each completed line parses on its own', () => {
    const t = new TranscriptTally(SESSION);
    const [m2a, m2b] = half(M2);
    const [s0a, s0b] = half(subLine('msg_s0', 'claude-haiku-4-5', usage(0, 0, 0, 0)));
    const [s1a, s1b] = half(S1);
    const [s2a, s2b] = half(S2);
    t.feed(`${M1}\n${m2a}`);
    t.feed(s0a, { sidechain: true });
    t.feed(s1a, { sidechain: true, source: 'agent-1.jsonl' });
    t.feed(s2a, { sidechain: true, source: 'agent-2.jsonl' });
    assert.deepStrictEqual([t.messages, t.malformed, t.lines], [1, 0, 1], 'only the whole line is counted so far');
    // The rests, in the other order.
    t.feed(`${s2b}\n`, { sidechain: true, source: 'agent-2.jsonl' });
    t.feed(`${s1b}\n`, { sidechain: true, source: 'agent-1.jsonl' });
    t.feed(`${s0b}\n`, { sidechain: true });
    t.feed(`${m2b}\n`);
    assert.deepStrictEqual([t.messages, t.malformed, t.foreign, t.lines], [5, 0, 0, 5]);
    assert.deepStrictEqual({ ...priceTally(t).modelUsage }, EXPECTED_MODEL_USAGE);
    assert.strictEqual(t.perModel()['claude-haiku-4-5'].messages, 3);
    assert.strictEqual(t.perModel()['claude-opus-4-8'].messages, 2);
  });

  it('the follower, on real files: half lines left in the main file and in two sub-agent files are each completed by their own file', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'sdlc-pinned-transcript-'));
    try {
      const cwd = '/work/pinned';
      const dir = path.join(home, 'projects', '-work-pinned');
      const subagents = path.join(dir, SESSION, 'subagents');
      mkdirSync(subagents, { recursive: true });
      const main = path.join(dir, `${SESSION}.jsonl`);
      const a1 = path.join(subagents, 'agent-a1.jsonl');
      const a2 = path.join(subagents, 'agent-a2.jsonl');
      const [m2a, m2b] = half(M2);
      const [s1a, s1b] = half(S1);
      const [s2a, s2b] = half(S2);
      writeFileSync(main, `${M1}\n${m2a}`);
      writeFileSync(a1, s1a);
      writeFileSync(a2, s2a);
      const f = new TranscriptFollower(home, cwd, SESSION);
      assert.strictEqual(await f.poll(), true);
      assert.strictEqual(f.file, main);
      assert.deepStrictEqual([f.tally.messages, f.tally.malformed], [1, 0]);
      appendFileSync(a2, `${s2b}\n`);
      appendFileSync(main, `${m2b}\n`);
      appendFileSync(a1, `${s1b}\n`);
      assert.strictEqual(await f.poll(), true);
      assert.deepStrictEqual([f.tally.messages, f.tally.malformed, f.tally.foreign], [4, 0, 0]);
      const c = priceTally(f.tally);
      assert.deepStrictEqual({ ...c.modelUsage }, EXPECTED_MODEL_USAGE);
      assert.strictEqual(c.costUsd, 0.046875);
      assert.deepStrictEqual(c.usage, usage(7625, 1400, 3000, 35000));
      assert.strictEqual(c.modelRan, 'claude-opus-4-8');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('pinned: transcripts price each model at its own price', () => {
  it('a sub-agent on haiku under an opus main loop: $0.03125 (opus) + $0.015625 (haiku) = $0.046875', () => {
    const t = new TranscriptTally(SESSION);
    t.feed(`${M1}\n${M2}\n`);
    t.feed(`${S1}\n`, { sidechain: true, source: 'agent-1.jsonl' });
    t.feed(`${S2}\n`, { sidechain: true, source: 'agent-2.jsonl' });
    const c = priceTally(t);
    assert.strictEqual(c.costUsd, 0.046875);
    assert.deepStrictEqual({ ...c.modelUsage }, EXPECTED_MODEL_USAGE);
    assert.strictEqual(c.modelRan, 'claude-opus-4-8');
  });

  it('a sub-agent that writes first does not become the main model; its tokens stay its own model\'s', () => {
    const t = new TranscriptTally(SESSION);
    t.feed(`${S1}\n`, { sidechain: true, source: 'agent-1.jsonl' });
    // The main file may flag a side chain too: that line is not the main loop either.
    t.feed(`${line('msg_x', 'claude-sonnet-5', usage(0, 0, 0, 0), { isSidechain: true })}\n`);
    t.feed(`${M1}\n`);
    const c = priceTally(t);
    assert.strictEqual(c.modelRan, 'claude-opus-4-8');
    // opus 1000 / 200 / 1000 / 4000 = 5000 + 5000 + 6250 + 2000 = 18250 µ$; haiku 5000 / 600 / 2000 / 0 = 5000 + 3000 + 2500 = 10500 µ$.
    assert.strictEqual(c.modelUsage['claude-opus-4-8'].costUSD, 0.01825);
    assert.strictEqual(c.modelUsage['claude-haiku-4-5'].costUSD, 0.0105);
    assert.ok(Math.abs(c.costUsd - 0.02875) < 1e-15, String(c.costUsd));
  });

  it('a sub-agent message with the same id as a main-loop message is another message, not a replacement', () => {
    const t = new TranscriptTally(SESSION);
    t.feed(`${line('msg_same', 'claude-opus-4-8', usage(1_000_000, 0, 0, 0))}\n`);
    t.feed(`${subLine('msg_same', 'claude-haiku-4-5', usage(1_000_000, 0, 0, 0))}\n`, { sidechain: true, source: 'agent-1.jsonl' });
    assert.strictEqual(t.messages, 2);
    // 1 MTok in on opus ($5) + 1 MTok in on haiku ($1).
    assert.strictEqual(priceTally(t).costUsd, 6);
  });

  it('a user line is never counted, even one that carries a model and usage', () => {
    const t = new TranscriptTally(SESSION);
    t.feed(`${JSON.stringify({ type: 'user', sessionId: SESSION, message: { id: 'msg_u', model: 'claude-opus-4-8', role: 'user', content: [{ type: 'text', text: 'tool output' }], usage: usage(1_000_000, 1_000_000, 0, 0) } })}\n`);
    assert.deepStrictEqual([t.messages, t.malformed, t.lines], [0, 0, 1]);
    assert.strictEqual(priceTally(t).costUsd, 0);
    assert.strictEqual(priceTally(t).modelRan, undefined);
  });
});

describe('pinned: a user message\'s text (tool results echoed back) is never the assistant\'s', () => {
  const user = (content: unknown) => JSON.stringify({ type: 'user', message: { role: 'user', content } });

  it('string content and text blocks of a user message give no text event; its failed tool results still show', () => {
    assert.deepStrictEqual(parseStreamLine(user('echoed tool output')), []);
    assert.deepStrictEqual(parseStreamLine(user([{ type: 'text', text: 'echoed tool output' }, { type: 'tool_result', content: 'ok' }])), []);
    assert.deepStrictEqual(parseStreamLine(user([{ type: 'text', text: 'echoed' }, { type: 'tool_result', is_error: true, content: 'denied\nsecond line' }])), [{ kind: 'toolError', detail: 'denied' }]);
    // The same shapes from the assistant are its text.
    assert.deepStrictEqual(parseStreamLine(JSON.stringify({ type: 'assistant', message: { content: 'mine' } })), [{ kind: 'text', text: 'mine' }]);
    assert.deepStrictEqual(parseStreamLine(JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: 'mine too' }] } })), [{ kind: 'text', text: 'mine too' }]);
  });

  it('the renderer writes nothing for them', () => {
    const r = new StreamRenderer();
    assert.strictEqual(r.line(user('echoed tool output')), '');
    assert.strictEqual(r.line(user([{ type: 'text', text: 'echoed tool output' }])), '');
    assert.strictEqual(r.line(JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: 'mine\n' }] } })), 'mine\r\n\r\n');
    assert.strictEqual(r.summary.malformed, 0);
  });
});

describe('pinned: run outcome on a non-zero exit', () => {
  const success: ResultEvent = {
    type: 'result', subtype: 'success', is_error: false, result: 'All done', total_cost_usd: 0.42, num_turns: 2, duration_ms: 1500,
    usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 3, cache_read_input_tokens: 2 },
  };
  const end = (over: Partial<ProcessEnd>): ProcessEnd => ({ code: 0, signal: null, stopped: false, stderr: '', startedAt: 1000, now: 5000, ...over });
  const thirty = `${Array.from({ length: 30 }, (_, i) => `stderr line ${i + 1}`).join('\n')}\n\n\n`;

  it('is never "succeeded", whatever the last result event says', () => {
    const summary = { malformed: 0, modelRan: 'claude-opus-4-8', result: success };
    assert.deepStrictEqual([runOutcome(summary, end({})).status, runOutcome(summary, end({})).message], ['succeeded', undefined]);
    for (const code of [1, 2, 137, 255]) {
      const f = runOutcome(summary, end({ code }));
      assert.deepStrictEqual([f.status, f.exitCode, f.message], ['failed', code, `Exited with ${code}.`], `exit ${code}`);
    }
    const killed = runOutcome(summary, end({ code: null, signal: 'SIGKILL' }));
    assert.deepStrictEqual([killed.status, killed.exitCode, killed.message], ['failed', null, 'Exited with SIGKILL.']);
    // What the result reported is still recorded.
    const f = runOutcome(summary, end({ code: 1 }));
    assert.deepStrictEqual([f.costUsd, f.numTurns, f.durationMs, f.modelRan], [0.42, 2, 1500, 'claude-opus-4-8']);
  });

  it('the failure message is the last three lines of stderr (of 30), never the first', () => {
    const f = runOutcome({ malformed: 0, modelRan: 'claude-opus-4-8', result: success }, end({ code: 1, stderr: thirty }));
    assert.strictEqual(f.status, 'failed');
    assert.strictEqual(f.message, 'stderr line 28 stderr line 29 stderr line 30');
    const none = runOutcome({ malformed: 0 }, end({ code: 3, stderr: thirty.replace(/\n/g, '\r\n') }));
    assert.strictEqual(none.message, 'stderr line 28 stderr line 29 stderr line 30');
    assert.strictEqual(
      outcomeLines('plan', 'opus', f, { malformed: 0, modelRan: 'claude-opus-4-8', result: success }),
      '\r\n\x1b[31m\x1b[1m■ Plan failed · model claude-opus-4-8 · 2 turns · 1.5 s · 15 in / 5 out tokens · $0.42\x1b[0m\x1b[0m\r\n'
        + '\x1b[31m  stderr line 28 stderr line 29 stderr line 30\x1b[0m\r\n',
    );
  });

  it('the closing lines keep any message on one line; the model that ran is kept to 200 characters', () => {
    const lines = outcomeLines('build', 'sonnet', { status: 'failed', exitCode: 1, durationMs: 250, message: 'first\nsecond\r\n\tthird' }, { malformed: 0 });
    assert.strictEqual(lines, '\r\n\x1b[31m\x1b[1m■ Build failed · model sonnet · 250 ms\x1b[0m\x1b[0m\r\n\x1b[31m  first second third\x1b[0m\r\n');
    assert.strictEqual(runOutcome({ malformed: 0, modelRan: 'm'.repeat(300), result: success }, end({})).modelRan, 'm'.repeat(200));
    assert.strictEqual(runOutcome({ malformed: 0, modelRan: 'claude\nopus', result: success }, end({})).modelRan, 'claude opus');
    assert.strictEqual(runOutcome({ malformed: 0, modelRan: '\n\t\n', result: success }, end({})).modelRan, undefined);
  });
});

describe('pinned: a stage\'s estimate never includes its own run', () => {
  const M = 1_000_000;
  const run = (id: string, startedAt: number, over: Partial<Run>): Run => ({ id, stage: 'plan', mode: 'headless', modelAsked: 'opus', startedAt, status: 'succeeded', ...over });
  const done = (id: string, startedAt: number, input: number, costUsd: number, stage: Run['stage'] = 'plan') => run(id, startedAt, { stage, costUsd, usage: usage(input, 0, 0, 0) });
  // The plan run being estimated: recorded as running, no usage or cost yet.
  const running = run('r-running', 400, { status: 'running' });
  const tickets = [
    { id: 1, title: 'one', runs: [done('p1', 100, 1 * M, 1), done('b1', 150, 8 * M, 9, 'build')] },
    { id: 2, title: 'two', runs: [done('p2', 200, 2 * M, 2), done('p3', 300, 9 * M, 3), running] },
  ];
  const all = tickets.flatMap((t) => t.runs);

  it('the cost report: each run\'s estimate is from the runs started before it only', () => {
    const rows = costRows(tickets);
    // p1: no earlier plan run → plan's priors on opus, 60k in / 4k out = 0.3 + 0.1; b1: build's priors,
    // 150k in / 12k out = 0.75 + 0.3; p2: p1 only, 1 MTok in = $5; p3: p1 and p2, median 1.5 MTok = $7.50.
    assert.deepStrictEqual(rows.map((r) => [r.ticketId, r.stage, r.costUsd, r.estimateUsd]), [
      [1, 'plan', 1, 0.4],
      [1, 'build', 9, 1.05],
      [2, 'plan', 2, 5],
      [2, 'plan', 3, 7.5],
    ]);
  });

  it('a run recorded as running (no usage yet) is not history: the launcher\'s and the form\'s estimate of it', () => {
    // Plan runs with usage: 1, 2 and 9 MTok in → median 2 MTok = $10 on opus; the running one is not a fourth.
    const e = estimateStage('plan', 'opus', all);
    assert.deepStrictEqual([e.usd, e.basis, e.runs], [10, 'history', 3]);
    const idx = new EstimateIndex(all);
    const u = idx.usd('plan', 'opus', undefined, {});
    assert.deepStrictEqual([u.usd, u.basis, u.runs, u.usage], [10, 'history', 3, usage(2 * M, 0, 0, 0)]);
    // Only the running record: the priors ($0.40), not zero tokens.
    const alone = estimateStage('plan', 'opus', [running]);
    assert.deepStrictEqual([alone.usd, alone.basis, alone.runs], [0.4, 'priors', 0]);
    const aloneIdx = new EstimateIndex([running]).usd('plan', 'opus', undefined, {});
    assert.deepStrictEqual([aloneIdx.usd, aloneIdx.basis, aloneIdx.runs], [0.4, 'priors', 0]);
    // One finished run and the running one: that run's 1 MTok ($5), not a median with zero.
    const one = [done('p1', 100, 1 * M, 1), running];
    assert.strictEqual(estimateStage('plan', 'opus', one).usd, 5);
    assert.strictEqual(new EstimateIndex(one).usd('plan', 'opus', undefined, {}).usd, 5);
    assert.strictEqual(one[1].usage, undefined, 'the running record is left as it was');
  });
});

describe('pinned: one-line rendering of names and messages', () => {
  it('terminalText oneLine: sanitized, every newline with the blanks around it folded to one space, trimmed, 500 characters', () => {
    assert.strictEqual(oneLine('  first line\n\n   second\tline  \r\n third  '), 'first line second\tline third');
    assert.strictEqual(oneLine('a\tb'), 'a\tb', 'a tab alone is kept');
    assert.strictEqual(oneLine('a \t\n\t b'), 'a b');
    assert.strictEqual(oneLine('a   b'), 'a   b', 'blanks without a newline are kept');
    assert.strictEqual(oneLine('a\x00b\x07c\x7fd\u0085e\u009b1mf'), 'abcdef', 'control characters are removed, not spaced (U+009B is a CSI: its "1m" goes too)');
    assert.strictEqual(oneLine('\x1b[31mred\x1b[0m \x1b]0;title\x07text'), 'red text');
    assert.strictEqual(oneLine('abc\rXYZ'), 'abcXYZ');
    assert.strictEqual(oneLine('\n\t \n'), '');
    assert.strictEqual(oneLine('x'.repeat(600)), 'x'.repeat(500));
    assert.strictEqual(oneLine(`   ${'z'.repeat(600)}`), 'z'.repeat(500), 'trimmed before it is cut');
    assert.strictEqual(oneLine('y'.repeat(50), 10), 'yyyyyyyyyy');
    assert.strictEqual(oneLine('ab\ncd', 4), 'ab c');
  });

  it('ticket oneLine: each run of line breaks and control characters becomes one space; trimmed; never cut', () => {
    assert.strictEqual(ticketOneLine('\x00lead\x7fDEL\u2029para\x1ftail\x00'), 'lead DEL para tail');
    assert.strictEqual(ticketOneLine('a\t\tb'), 'a b');
    assert.strictEqual(ticketOneLine('a\r\n\r\nb'), 'a b');
    assert.strictEqual(ticketOneLine('a \n b'), 'a   b');
    assert.strictEqual(ticketOneLine('a\x01\x02\x03b'), 'a b');
    assert.strictEqual(ticketOneLine('x'.repeat(5000)), 'x'.repeat(5000));
    assert.strictEqual(ticketOneLine('\u2028\u0085\n'), '');
  });

  it('notification text: one line, at most 1000 characters, a cut one ends with an ellipsis', () => {
    assert.strictEqual(noticeText('x'.repeat(1000)), 'x'.repeat(1000));
    assert.strictEqual(noticeText('x'.repeat(1001)), `${'x'.repeat(999)}…`);
    assert.strictEqual(noticeText(`a\n${'b'.repeat(2000)}`), `a ${'b'.repeat(997)}…`);
  });

  it('the stream renderer keeps the model, the permission mode, tool names and details and tool errors on one line', () => {
    const r = new StreamRenderer();
    assert.strictEqual(r.render({ kind: 'init', model: 'claude\nopus', permissionMode: 'accept\r\nEdits' }), '\x1b[2m● model claude opus · permissions accept Edits\x1b[0m\r\n');
    assert.strictEqual(r.summary.modelRan, 'claude opus');
    assert.strictEqual(r.render({ kind: 'tool', name: 'Bash\n', detail: '  npm\n  test  ' }), '\x1b[36m⏺ Bash\x1b[0m\x1b[2m npm test\x1b[0m\r\n');
    assert.strictEqual(r.render({ kind: 'tool', name: 'Read', detail: '\n\t\n' }), '\x1b[36m⏺ Read\x1b[0m\r\n');
    assert.strictEqual(r.render({ kind: 'toolError', detail: 'no\npermission' }), '\x1b[31m  ✗ no permission\x1b[0m\r\n');
    assert.strictEqual(r.render({ kind: 'text', text: 'a\nb\n\n' }), 'a\r\nb\r\n\r\n');
  });

  it('a tool\'s detail is the first line of its input, 120 characters; a tool error\'s, 160', () => {
    assert.deepStrictEqual(parseStreamLine(JSON.stringify({ type: 'assistant', message: { content: [{ type: 'tool_use', name: 'Write', input: { file_path: `${'p'.repeat(200)}\nrest` } }] } })), [
      { kind: 'tool', name: 'Write', detail: 'p'.repeat(120) },
    ]);
    assert.deepStrictEqual(parseStreamLine(JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', is_error: true, content: 'e'.repeat(300) }] } })), [
      { kind: 'toolError', detail: 'e'.repeat(160) },
    ]);
  });
});
