#!/usr/bin/env node
// A local mock of the Anthropic Messages API for tests: the real Claude Code CLI talks to it
// through ANTHROPIC_BASE_URL. Binds 127.0.0.1 only, stops by itself after --lifetime seconds,
// and logs every request's model (the proof of which model a stage really asked for).
//
//   node mock-api.mjs --port-file F [--port 0] [--lifetime 1800]
//   GET  /__log        → JSON array of logged requests (a held one has `held: true` and, once it
//                         ends, the time of `released`, `holdExpired` or `disconnected`)
//   POST /__control    → merge a scenario: { failFamilies: ["opus"], failStages: ["plan"],
//                         failRules: [{ stage: "plan", family: "opus" }],
//                         usage: {input_tokens, output_tokens, ...}, delayMs, text, status,
//                         writes: [{ stage: "build", ticket?: 3, file: "a.txt", content: "…" }] }
//                       A `writes` rule makes the first request of that stage answer with a
//                       `Write` tool_use of `file` under the CLI's working directory (read from
//                       its system prompt); the CLI really writes it and sends the tool_result.
//                       `holdStages: ["build"]` keeps that stage's requests unanswered until
//                       POST /__release (or `holdMs`, 120 s by default): a test can see two runs
//                       talking at once however slow the machine is, then let them finish.
//   POST /__release    → answer every held request and stop holding; replies { released: n }
//   POST /__reset      → clear log and scenario (held requests are released)
import http from 'node:http';
import { writeFileSync } from 'node:fs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const lifetime = Number(args.lifetime ?? 1800) * 1000;
let scenario = {};
let log = [];
/** Resolvers of the requests held by `holdStages`. */
let held = [];
const release = () => {
  const waiting = [...held];
  for (const go of waiting) go();
  return waiting.length;
};

function family(model) {
  const m = String(model).toLowerCase();
  for (const f of ['opus', 'sonnet', 'haiku', 'fable']) if (m.includes(f)) return f;
  return 'unknown';
}

function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => (typeof c === 'string' ? c : c.text ?? textOf(c.content ?? ''))).join('\n');
  return '';
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const send = (res, status, obj) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(obj));
};

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const body = await readBody(req);
  if (url.pathname === '/__log') return send(res, 200, log);
  if (url.pathname === '/__control') {
    scenario = { ...scenario, ...JSON.parse(body || '{}') };
    return send(res, 200, scenario);
  }
  if (url.pathname === '/__release') {
    scenario = { ...scenario, holdStages: [] };
    return send(res, 200, { released: release() });
  }
  if (url.pathname === '/__reset') {
    release();
    scenario = {};
    log = [];
    return send(res, 200, {});
  }
  if (url.pathname === '/v1/messages/count_tokens') return send(res, 200, { input_tokens: 100 });
  if (url.pathname !== '/v1/messages' || req.method !== 'POST') return send(res, 200, {});

  let payload = {};
  try {
    payload = JSON.parse(body);
  } catch {
    return send(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'bad json' } });
  }
  const system = textOf(payload.system ?? '');
  const marker = /SDLC Pipeline · ticket #(\d+) · stage (\w+)/.exec(system);
  const lastUser = [...(payload.messages ?? [])].reverse().find((m) => m.role === 'user');
  const entry = {
    at: Date.now(),
    model: payload.model,
    family: family(payload.model),
    stream: !!payload.stream,
    tools: Array.isArray(payload.tools) ? payload.tools.length : 0,
    ticket: marker ? Number(marker[1]) : undefined,
    stage: marker ? marker[2] : undefined,
    system: marker ? system.slice(marker.index) : undefined,
    prompt: marker ? textOf(lastUser?.content ?? '') : undefined,
    // In the system prompt up to CLI 2.1.3xx; newer CLIs send the environment block as a message.
    cwd: /Primary working directory: (.+)/.exec(`${system}\n${(payload.messages ?? []).map((m) => textOf(m?.content ?? '')).join('\n')}`)?.[1]?.trim(),
    effort: payload.output_config?.effort,
    toolNames: Array.isArray(payload.tools) ? payload.tools.map((t) => t.name) : [],
    toolResult: Array.isArray(lastUser?.content) && lastUser.content.some((c) => c?.type === 'tool_result'),
  };
  log.push(entry);
  if (marker && (scenario.holdStages ?? []).includes(entry.stage)) {
    entry.held = true;
    await new Promise((resolve) => {
      // Released, timed out or disconnected: each ends the hold once and leaves `held`, so a later
      // release counts only the requests still waiting.
      const end = (how) => () => {
        if (!held.includes(go)) return;
        held.splice(held.indexOf(go), 1);
        clearTimeout(timer);
        entry[how] = Date.now();
        resolve();
      };
      const go = end('released');
      const timer = setTimeout(end('holdExpired'), Number(scenario.holdMs ?? 120_000));
      res.on('close', end('disconnected'));
      held.push(go);
    });
    if (res.destroyed) return;
  }

  const fail =
    (scenario.failFamilies ?? []).includes(entry.family) ||
    (entry.stage && (scenario.failStages ?? []).includes(entry.stage)) ||
    (scenario.failRules ?? []).some((r) => (!r.stage || r.stage === entry.stage) && (!r.family || r.family === entry.family));
  if (fail && marker) {
    return send(res, scenario.status ?? 500, { type: 'error', error: { type: 'api_error', message: 'mock: this stage is set to fail' } });
  }
  const usage = {
    input_tokens: 1000,
    output_tokens: 200,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    ...(marker ? scenario.usage ?? {} : {}),
  };
  const text = marker ? scenario.text ?? `Mock ${entry.family} reply for ${entry.stage}.` : 'Mock title';
  const message = {
    id: `msg_mock_${log.length}`,
    type: 'message',
    role: 'assistant',
    model: payload.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { ...usage, output_tokens: 1 },
  };
  if (!payload.stream) {
    return send(res, 200, { ...message, content: [{ type: 'text', text }], stop_reason: 'end_turn', usage });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const ev = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  // `agents: [{ stage }]`: the stage's first request starts a sub-agent (the `Agent` tool); sub-agents have no Agent tool, so they answer plainly.
  const agent = marker && !entry.toolResult && entry.toolNames.includes('Agent') ? (scenario.agents ?? []).find((a) => a.stage === entry.stage && (a.ticket === undefined || a.ticket === entry.ticket)) : undefined;
  if (agent) {
    const input = { description: 'Survey the code', prompt: 'List the files that matter for this ticket.', subagent_type: 'general-purpose' };
    entry.agent = true;
    ev('message_start', { message });
    ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: `toolu_agent_${log.length}`, name: 'Agent', input: {} } });
    ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(input) } });
    ev('content_block_stop', { index: 0 });
    ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
    ev('message_stop', {});
    res.end();
    return;
  }
  // `loop: true` answers every request of the stage with another Write (a session that never ends by itself).
  const write = marker && entry.cwd ? (scenario.writes ?? []).find((w) => w.stage === entry.stage && (w.ticket === undefined || w.ticket === entry.ticket) && (w.loop || !entry.toolResult)) : undefined;
  if (write) {
    const file = write.loop ? `${write.file}.${log.length}` : write.file;
    const input = { file_path: `${entry.cwd}/${file}`, content: write.content ?? `written by the ${entry.stage} stage of #${entry.ticket}\n` };
    entry.wrote = input.file_path;
    const reply = () => {
      if (res.destroyed) return;
      ev('message_start', { message });
      ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: `toolu_mock_${log.length}`, name: 'Write', input: {} } });
      ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(input) } });
      ev('content_block_stop', { index: 0 });
      ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
      ev('message_stop', {});
      res.end();
    };
    const delay = Number(scenario.delayMs ?? 0);
    if (delay > 0) setTimeout(reply, delay);
    else reply();
    return;
  }
  ev('message_start', { message });
  ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
  const delay = marker ? Number(scenario.delayMs ?? 0) : 0;
  const finish = () => {
    if (res.destroyed) return;
    ev('content_block_stop', { index: 0 });
    ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
    ev('message_stop', {});
    res.end();
  };
  if (delay > 0) setTimeout(finish, delay);
  else finish();
});

server.listen(Number(args.port ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  if (args['port-file']) writeFileSync(args['port-file'], String(port));
  process.stdout.write(`mock-api listening on http://127.0.0.1:${port}\n`);
});
setTimeout(() => process.exit(0), lifetime).unref();
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
