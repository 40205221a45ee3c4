/**
 * `npm run bench`: store operations at 10,000 tickets (vs. rewriting one array of all tickets),
 * loading all at activation, the tree's first page, and stream renderer throughput on a
 * 10 MB stream-json fixture. Prints a table; no pass/fail thresholds here.
 */
import { rollup } from '../../src/domain/cost';
import { EstimateIndex } from '../../src/domain/estimates';
import { EFFORT_LEVELS, STAGE_IDS } from '../../src/domain/stages';
import { resolveConfig, resolveStageModel } from '../../src/domain/settings';
import { TicketStore, STORAGE_KEYS, type KeyValue } from '../../src/domain/store';
import { LineSplitter, StreamRenderer } from '../../src/domain/streamRenderer';
import { enabledStages, lastRun, newTicket, TicketSchema, type Ticket } from '../../src/domain/ticket';

/**
 * Like the extension host's Memento: values live deserialized in memory (`get` is a lookup)
 * and each `update` serializes the value it is given (the cost a write pays).
 */
class SerializingKV implements KeyValue {
  private data = new Map<string, unknown>();
  get(key: string) {
    return this.data.get(key);
  }
  async update(key: string, value: unknown) {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
  keys() {
    return [...this.data.keys()];
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const time = async (fn: () => unknown) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};
const draft = (i: number) => ({
  title: `Ticket ${i}: add a thing`,
  description: 'Some description of reasonable length. '.repeat(5),
  type: 'feature' as const,
  stages: { plan: { enabled: true, model: 'sonnet' }, build: { enabled: true }, test: { enabled: true }, review: { enabled: true } },
});
const rows: Array<[string, string]> = [];

async function store() {
  const N = 10_000;
  const kv = new SerializingKV();
  const s = new TicketStore(kv);
  await s.load();
  for (let i = 0; i < N; i++) await s.create((id) => newTicket(id, draft(i)));
  const creates: number[] = [];
  const updates: number[] = [];
  for (let i = 0; i < 200; i++) {
    creates.push(await time(() => s.create((id) => newTicket(id, draft(i)))));
    updates.push(await time(() => s.update(1 + ((i * 37) % N), (t) => void (t.title = `changed ${i}`))));
  }
  // The design we avoid: one array of all tickets, rewritten on every change.
  const arrayKV = new SerializingKV();
  const all: readonly Ticket[] = s.all();
  await arrayKV.update('all', all);
  const arrayWrites: number[] = [];
  for (let i = 0; i < 20; i++) {
    arrayWrites.push(await time(async () => {
      const arr = arrayKV.get('all') as Ticket[];
      arr[i].title = `changed ${i}`;
      await arrayKV.update('all', arr);
    }));
  }
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) loads.push(await time(() => new TicketStore(kv).load()));
  const mc = median(creates);
  const mu = median(updates);
  const ma = median(arrayWrites);
  rows.push([`create one at ${N} tickets (median of 200)`, `${mc.toFixed(3)} ms`]);
  rows.push([`update one at ${N} tickets (median of 200)`, `${mu.toFixed(3)} ms`]);
  rows.push([`rewrite one array of ${N} tickets (median of 20)`, `${ma.toFixed(1)} ms`]);
  rows.push(['speed-up of per-key update vs array rewrite', `${(ma / mu).toFixed(0)}×`]);
  rows.push([`load all ${s.size} tickets (parse + validate, median of 5)`, `${median(loads).toFixed(1)} ms`]);

  // Tree first page: filter, sort, slice 200, and compute each row's label/description.
  const cfg = resolveConfig({ defaultModels: {}, customModels: {}, defaultStages: {}, presets: {} });
  const pages: number[] = [];
  for (let i = 0; i < 20; i++) {
    pages.push(await time(() => {
      const page = s.all().filter((t) => !t.archived).slice(0, 200);
      return page.map((t) => {
        const stages = enabledStages(t);
        const done = stages.filter((x) => lastRun(t, x)?.status === 'succeeded').length;
        const models = stages.map((x) => resolveStageModel(x, cfg, t.stages[x]?.model).model);
        return `#${t.id} ${t.title} ${done}/${stages.length} ${rollup(t.runs).total} ${models.join()}`;
      });
    }));
  }
  rows.push([`tree first page (200 of ${s.size}, median of 20)`, `${median(pages).toFixed(2)} ms`]);
  void TicketSchema;
  void STORAGE_KEYS;
}

function stream() {
  const lines: string[] = [JSON.stringify({ type: 'system', subtype: 'init', model: 'claude-opus-4-8', session_id: 's' })];
  let size = 0;
  let i = 0;
  while (size < 10 * 1024 * 1024) {
    const l =
      i % 3 === 0
        ? JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: `Step ${i}: ${'lorem ipsum '.repeat(20)}` }] } })
        : i % 3 === 1
          ? JSON.stringify({ type: 'assistant', message: { content: [{ type: 'tool_use', name: 'Edit', input: { file_path: `src/f${i}.ts` } }] } })
          : i % 97 === 0
            ? '{"broken json'
            : JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', content: 'ok '.repeat(40) }] } });
    lines.push(l);
    size += l.length + 1;
    i++;
  }
  lines.push(JSON.stringify({ type: 'result', is_error: false, total_cost_usd: 1.23, num_turns: 99 }));
  const text = lines.join('\n') + '\n';
  const chunks: string[] = [];
  for (let o = 0; o < text.length; o += 65536) chunks.push(text.slice(o, o + 65536));
  const runs: number[] = [];
  let out = 0;
  let malformed = 0;
  for (let r = 0; r < 3; r++) {
    const renderer = new StreamRenderer();
    const splitter = new LineSplitter();
    runs.push(
      (() => {
        const t = performance.now();
        for (const c of chunks) for (const l of splitter.push(c)) out += renderer.line(l).length;
        return performance.now() - t;
      })(),
    );
    malformed = renderer.summary.malformed;
  }
  const ms = median(runs);
  rows.push([`stream renderer: ${(text.length / 1048576).toFixed(1)} MB, ${lines.length} lines (median of 3)`, `${ms.toFixed(0)} ms = ${Math.round(lines.length / (ms / 1000)).toLocaleString('en')} lines/s, ${(text.length / 1048576 / (ms / 1000)).toFixed(0)} MB/s (${malformed} malformed skipped)`]);
  void out;
}

/** One huge stream-json line: the splitter must stay linear, and drop (not buffer) a line over its cap. */
function lineSplitter() {
  const chunk = 'x'.repeat(65536);
  const measure = (mb: number, maxLineBytes?: number) => {
    const runs: number[] = [];
    let result = '';
    for (let r = 0; r < 3; r++) {
      const splitter = new LineSplitter({ maxLineBytes });
      const t = performance.now();
      for (let o = 0; o < mb * 1048576; o += chunk.length) splitter.push(chunk);
      const lines = splitter.push('\n{"type":"result"}\n');
      runs.push(performance.now() - t);
      result = `${lines[0].length === mb * 1048576 ? 'kept' : 'dropped'}, ${splitter.oversized} oversized`;
    }
    return `${median(runs).toFixed(1)} ms (${result})`;
  };
  rows.push(['LineSplitter: one 10 MB line in 64 KB chunks (cap raised to 16 MB, median of 3)', measure(10, 16 * 1048576)]);
  rows.push(['LineSplitter: 40 MB line (over the 8 MB cap, median of 3)', measure(40)]);
}

/**
 * Following a 50 MB interactive transcript: the follower reads only what was appended, so the
 * cost of a poll is O(new bytes). Appends 1 MB at a time to a 50 MB file and times each poll.
 */
async function transcriptFollow(): Promise<void> {
  const { mkdtempSync, mkdirSync, appendFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { TranscriptFollower } = await import('../../src/transcriptFollower');
  const { projectDirName } = await import('../../src/domain/transcript');
  const session = '11111111-2222-4333-8444-555555555555';
  const home = mkdtempSync(path.join(tmpdir(), 'sdlc-bench-transcript-'));
  try {
    const cwd = '/bench/project';
    const dir = path.join(home, 'projects', projectDirName(cwd));
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${session}.jsonl`);
    let n = 0;
    const mb = () => {
      const lines: string[] = [];
      let size = 0;
      while (size < 1048576) {
        const l = JSON.stringify({ type: 'assistant', sessionId: session, message: { id: `msg_${n++}`, model: 'claude-opus-4-8', content: [{ type: 'text', text: 'x'.repeat(400) }], usage: { input_tokens: 1000, output_tokens: 200, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } });
        lines.push(l);
        size += l.length + 1;
      }
      return `${lines.join('\n')}\n`;
    };
    const chunk = mb();
    const f = new TranscriptFollower(home, cwd, session);
    // 49 MB already written, followed as it grew; then time each poll after appending 1 MB (50 → 60 MB).
    for (let i = 0; i < 49; i++) appendFileSync(file, chunk);
    let t0 = performance.now();
    await f.poll();
    const first = performance.now() - t0;
    const perMb: number[] = [];
    const idle: number[] = [];
    for (let i = 0; i < 10; i++) {
      appendFileSync(file, chunk);
      t0 = performance.now();
      await f.poll();
      perMb.push(performance.now() - t0);
      t0 = performance.now();
      await f.poll();
      idle.push(performance.now() - t0);
    }
    rows.push(['transcript: first read of a 49 MB transcript (once per run)', `${first.toFixed(0)} ms`]);
    rows.push(['transcript: poll after 1 MB appended to a 50–60 MB transcript (median of 10)', `${median(perMb).toFixed(1)} ms per MB appended (min ${Math.min(...perMb).toFixed(1)}, max ${Math.max(...perMb).toFixed(1)}; ${f.tally.lines.toLocaleString('en')} lines parsed)`]);
    rows.push(['transcript: poll with nothing appended (median of 10)', `${median(idle).toFixed(2)} ms`]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** What the form computes for its estimates (every stage × model × effort) over 10,000 past runs. */
function estimates() {
  const models = ['haiku', 'sonnet', 'opus', 'fable'];
  const runs = Array.from({ length: 10_000 }, (_, i) => ({
    id: `r${i}`, stage: STAGE_IDS[i % STAGE_IDS.length], mode: 'headless' as const, modelAsked: models[i % 3], startedAt: i, status: 'succeeded' as const,
    usage: { input_tokens: 1000 + (i % 977), output_tokens: 200 + (i % 131), cache_creation_input_tokens: 0, cache_read_input_tokens: i % 53 },
  }));
  const times: number[] = [];
  for (let k = 0; k < 7; k++) {
    const t = performance.now();
    const index = new EstimateIndex(runs);
    for (const stage of STAGE_IDS) for (const m of models) for (const e of [undefined, ...EFFORT_LEVELS]) index.usd(stage, m, e, {});
    times.push(performance.now() - t);
  }
  rows.push(['form estimates: every stage × model × effort over 10,000 runs (median of 7)', `${median(times).toFixed(1)} ms`]);
}

void (async () => {
  await store();
  estimates();
  stream();
  lineSplitter();
  await transcriptFollow();
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log('\nSDLC Pipeline benchmark (Node ' + process.version + ')\n');
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
})();
