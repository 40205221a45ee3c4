import * as assert from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { localDay, priceTally, projectDirName, spentOnDay, spentThisWeek, TranscriptTally } from '../../src/domain/transcript';
import { AppendReader, claudeConfigDir, TranscriptFollower } from '../../src/transcriptFollower';

/** A transcript the real CLI 2.1.197 wrote against the mock (one Write tool call: two assistant messages of 1000 in / 200 out on claude-opus-4-8). */
const FIXTURE = readFileSync(path.join(__dirname, '../../../test/unit/fixtures/transcript-2.1.197.jsonl'), 'utf8');
const SESSION = 'a8ca155a-ba93-4c67-a35c-dc50c3afbaca';

const assistant = (id: string, model: string, input: number, output: number, extra: object = {}) =>
  JSON.stringify({ type: 'assistant', sessionId: SESSION, message: { id, model, usage: { input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } }, ...extra });

describe('interactive transcripts', () => {
  it('the recorded 2.1.197 transcript: two opus messages, priced as the CLI prices them', () => {
    const t = new TranscriptTally(SESSION);
    t.feed(FIXTURE);
    assert.strictEqual(t.malformed, 0);
    assert.strictEqual(t.messages, 2);
    assert.strictEqual(t.mainModel, 'claude-opus-4-8');
    const c = priceTally(t);
    assert.deepStrictEqual(c.usage, { input_tokens: 2000, output_tokens: 400, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    // opus: $5 in / $25 out per MTok.
    assert.ok(Math.abs(c.costUsd - (2000 * 5 + 400 * 25) / 1e6) < 1e-12, String(c.costUsd));
    assert.deepStrictEqual(Object.keys(c.modelUsage), ['claude-opus-4-8']);
    assert.strictEqual(c.modelRan, 'claude-opus-4-8');
  });

  it('counts a message written over several lines once, skips malformed lines and other sessions, waits for a cut last line', () => {
    const t = new TranscriptTally(SESSION);
    const lines = [
      assistant('msg_1', 'claude-sonnet-5', 100, 10),
      assistant('msg_1', 'claude-sonnet-5', 100, 50), // the same message, a later content block: replaces, not adds
      '{not json',
      JSON.stringify({ type: 'assistant', message: { id: 'x', model: 7 } }),
      assistant('msg_2', 'claude-sonnet-5', 200, 20, { sessionId: 'another-session' }),
      JSON.stringify({ type: 'user', sessionId: SESSION, message: { role: 'user', content: 'hi' } }),
    ];
    const whole = `${lines.join('\n')}\n${assistant('msg_3', 'claude-haiku-4-5', 1000, 100)}`;
    const cut = whole.length - 25;
    t.feed(whole.slice(0, cut));
    assert.strictEqual(t.messages, 1, 'the cut last line was counted before it was complete');
    t.feed(`${whole.slice(cut)}\n`);
    assert.strictEqual(t.messages, 2);
    assert.strictEqual(t.malformed, 2);
    assert.strictEqual(t.foreign, 1);
    const per = t.perModel();
    assert.deepStrictEqual(per['claude-sonnet-5'].usage, { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    assert.deepStrictEqual(per['claude-haiku-4-5'].usage.input_tokens, 1000);
  });

  it('a negative, huge or non-numeric count is 0, never a refund or infinity', () => {
    const t = new TranscriptTally(SESSION);
    t.feed(`${JSON.stringify({ type: 'assistant', sessionId: SESSION, message: { id: 'm', model: 'claude-opus-4-8', usage: { input_tokens: -5000, output_tokens: 'lots', cache_read_input_tokens: Infinity } } })}\n`);
    assert.strictEqual(priceTally(t).costUsd, 0);
  });

  it('follows the file and its sub-agents incrementally: only appended bytes are read; a sub-agent\'s model is split out', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'sdlc-transcript-'));
    try {
      const cwd = '/work/shop.worktrees/3-add_thing';
      assert.strictEqual(projectDirName(cwd), '-work-shop-worktrees-3-add-thing');
      const dir = path.join(home, 'projects', projectDirName(cwd));
      const f = new TranscriptFollower(home, cwd, SESSION);
      assert.strictEqual(await f.poll(), false, 'no transcript yet');
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${SESSION}.jsonl`);
      writeFileSync(file, `${assistant('a', 'claude-opus-4-8', 1000, 100)}\n`);
      assert.strictEqual(await f.poll(), true);
      assert.strictEqual(await f.poll(), false, 'nothing new, nothing read');
      appendFileSync(file, `${assistant('b', 'claude-opus-4-8', 1000, 100)}\n`);
      mkdirSync(path.join(dir, SESSION, 'subagents'), { recursive: true });
      // A sub-agent's lines carry its own session id: still ours, by where the file is.
      writeFileSync(path.join(dir, SESSION, 'subagents', 'agent-1.jsonl'), `${assistant('c', 'claude-haiku-4-5', 500, 50, { sessionId: 'sub', isSidechain: true })}\n`);
      assert.strictEqual(await f.poll(), true);
      const c = priceTally(f.tally);
      assert.deepStrictEqual(Object.keys(c.modelUsage).sort(), ['claude-haiku-4-5', 'claude-opus-4-8']);
      assert.strictEqual(c.modelUsage['claude-opus-4-8'].inputTokens, 2000);
      assert.strictEqual(c.modelRan, 'claude-opus-4-8');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('AppendReader keeps a UTF-8 character cut between two reads whole, and starts over on a replaced file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sdlc-append-'));
    try {
      const file = path.join(dir, 'x.jsonl');
      const euro = Buffer.from('€', 'utf8');
      writeFileSync(file, Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)]));
      const r = new AppendReader(file);
      assert.strictEqual(await r.read(), 'a');
      appendFileSync(file, euro.subarray(1));
      assert.strictEqual(await r.read(), '€');
      assert.strictEqual(r.offset, 4);
      writeFileSync(file, 'b');
      assert.strictEqual(await r.read(), 'b');
      assert.strictEqual(await new AppendReader(path.join(dir, 'missing')).read(), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a line cut in one file never joins another file\'s text; a model named __proto__ is just a model', () => {
    const t = new TranscriptTally(SESSION);
    const main = `${assistant('m1', 'claude-opus-4-8', 100, 10)}\n`;
    t.feed(main.slice(0, 30));
    t.feed(`${assistant('s1', 'claude-haiku-4-5', 50, 5, { sessionId: 'sub' })}\n`, { sidechain: true, source: 'agent-1.jsonl' });
    t.feed(main.slice(30));
    assert.strictEqual(t.malformed, 0);
    assert.strictEqual(t.messages, 2);
    const odd = new TranscriptTally(SESSION);
    odd.feed(`${assistant('p', '__proto__', 1_000_000, 0)}\n`);
    const c = priceTally(odd);
    assert.deepStrictEqual(Object.keys(c.modelUsage), ['__proto__']);
    assert.ok(c.costUsd > 0);
  });

  it('a resumed session counts neither the earlier main file nor the earlier sub-agents', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'sdlc-resume-'));
    try {
      const cwd = '/r';
      const dir = path.join(home, 'projects', projectDirName(cwd));
      mkdirSync(path.join(dir, SESSION, 'subagents'), { recursive: true });
      writeFileSync(path.join(dir, `${SESSION}.jsonl`), `${assistant('old', 'claude-opus-4-8', 1000, 100)}\n`);
      writeFileSync(path.join(dir, SESSION, 'subagents', 'a.jsonl'), `${assistant('olds', 'claude-haiku-4-5', 1000, 100, { sessionId: 'sub' })}\n`);
      const f = new TranscriptFollower(home, cwd, SESSION, true);
      await f.prime();
      assert.strictEqual(await f.poll(), false);
      appendFileSync(path.join(dir, SESSION, 'subagents', 'a.jsonl'), `${assistant('new', 'claude-haiku-4-5', 10, 1, { sessionId: 'sub' })}\n`);
      assert.strictEqual(await f.poll(), true);
      assert.deepStrictEqual(Object.keys(priceTally(f.tally).modelUsage), ['claude-haiku-4-5']);
      assert.strictEqual(priceTally(f.tally).usage.input_tokens, 10);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('today and this week, by local day', () => {
    const now = new Date(2026, 10, 25, 9, 0).getTime();
    const yesterday = new Date(2026, 10, 24, 23, 59).getTime();
    const lastWeek = new Date(2026, 10, 17, 12, 0).getTime();
    const runs = [{ startedAt: now - 60_000, costUsd: 0.5 }, { startedAt: yesterday, costUsd: 1 }, { startedAt: lastWeek, costUsd: 4 }, { startedAt: now, costUsd: undefined }];
    assert.strictEqual(localDay(now), '2026-11-25');
    assert.strictEqual(spentOnDay(runs, now), 0.5);
    assert.strictEqual(spentThisWeek(runs, now), 1.5);
    assert.strictEqual(claudeConfigDir({ CLAUDE_CONFIG_DIR: '/x/cfg' }), '/x/cfg');
  });
});
