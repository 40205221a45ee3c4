import * as assert from 'node:assert';
import { parseStreamLine } from '../../src/domain/stream';
import { LineSplitter, StreamRenderer } from '../../src/domain/streamRenderer';

const init = JSON.stringify({ type: 'system', subtype: 'init', model: 'claude-opus-4-8', session_id: 's1', permissionMode: 'acceptEdits' });
const assistant = JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: 'Hello\nworld' }, { type: 'tool_use', name: 'Write', input: { file_path: 'plan.md' } }] } });
const toolErr = JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', is_error: true, content: 'denied\nmore' }] } });
const result = JSON.stringify({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0.42, num_turns: 3, duration_ms: 1200, session_id: 's1', usage: { input_tokens: 10, output_tokens: 5 }, modelUsage: { 'claude-opus-4-8': { costUSD: 0.42 } } });

describe('stream-json parsing and rendering', () => {
  it('parses init, text, tool calls, tool errors and result', () => {
    assert.deepStrictEqual(parseStreamLine(init), [{ kind: 'init', model: 'claude-opus-4-8', sessionId: 's1', permissionMode: 'acceptEdits' }]);
    assert.deepStrictEqual(parseStreamLine(assistant), [{ kind: 'text', text: 'Hello\nworld' }, { kind: 'tool', name: 'Write', detail: 'plan.md' }]);
    assert.deepStrictEqual(parseStreamLine(toolErr), [{ kind: 'toolError', detail: 'denied' }]);
    const r = parseStreamLine(result);
    assert.strictEqual(r[0].kind, 'result');
  });

  it('skips and counts malformed lines, never throws', () => {
    const r = new StreamRenderer();
    for (const bad of ['{', 'not json', '[]', '42', '{"type":"assistant","message":5}', '{"type":"result"}', '\u0000', '{"no":"type"}']) {
      assert.doesNotThrow(() => r.line(bad));
    }
    assert.strictEqual(r.summary.malformed, 8);
    r.line('{"type":"stream_event"}'); // unknown event types are not malformed
    assert.strictEqual(r.summary.malformed, 8);
  });

  it('renders people-readable text with CRLF and keeps the summary', () => {
    const r = new StreamRenderer();
    const out = [init, assistant, toolErr, result].map((l) => r.line(l)).join('');
    assert.match(out, /model claude-opus-4-8/);
    assert.match(out, /Hello\r\nworld/);
    assert.match(out, /⏺ Write/);
    assert.match(out, /✗ denied/);
    assert.strictEqual(r.summary.modelRan, 'claude-opus-4-8');
    assert.strictEqual(r.summary.result?.total_cost_usd, 0.42);
  });

  it('splits lines across chunk boundaries', () => {
    const s = new LineSplitter();
    assert.deepStrictEqual(s.push('ab'), []);
    assert.deepStrictEqual(s.push('c\nde'), ['abc']);
    assert.deepStrictEqual(s.push('f\n\ng'), ['def', '']);
    assert.deepStrictEqual(s.flush(), ['g']);
  });
});
