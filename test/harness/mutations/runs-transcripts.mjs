// Mutations pinned by test/unit/pinned-runs-transcripts.test.ts: transcripts' per-file line
// buffers and per-model prices, a user message's text, run outcomes on a non-zero exit and their
// stderr tail, estimates that never learn from their own run, and the one-line helpers.
// [name, file, exact text, replacement], as the BUILTIN list in test/harness/mutate.mjs.
const ZERO = '{ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }';

export default [
  // Transcripts: one partial-line buffer per file.
  ['rt: every sub-agent file shares one partial-line buffer', 'src/domain/transcript.ts', "const source = o.source ?? (sidechain ? 'subagent' : 'main');", "const source = sidechain ? 'subagent' : 'main';"],
  ['rt: a side chain without a source shares the main file\'s buffer', 'src/domain/transcript.ts', "const source = o.source ?? (sidechain ? 'subagent' : 'main');", "const source = o.source ?? 'main';"],
  ['rt: the follower feeds sub-agent files without their name', 'src/transcriptFollower.ts', 'this.tally.feed(sub, { sidechain: true, source: name });', 'this.tally.feed(sub, { sidechain: true });'],
  // Transcripts: each model at its own price.
  ['rt: every model priced as the main model', 'src/domain/transcript.ts', 'const cost = costOf(m.usage, priceFor(model, prices));', 'const cost = costOf(m.usage, priceFor(t.mainModel ?? model, prices));'],
  ['rt: sub-agent tokens credited to the main model', 'src/domain/transcript.ts', 'const t = (out[m.model] ??=', 'const t = (out[m.sidechain ? this.mainModel ?? m.model : m.model] ??='],
  ['rt: a sub-agent message replaces the main message with its id', 'src/domain/transcript.ts', "this.byMessage.set(`${sidechain ? 's' : 'm'}:${key}`,", 'this.byMessage.set(key,'],
  ['rt: a sub-agent writing first becomes the main model', 'src/domain/transcript.ts', "if (!sidechain && !this.mainModel && l.message.model !== '<synthetic>')", "if (!this.mainModel && l.message.model !== '<synthetic>')"],
  ['rt: a user line\'s usage is counted', 'src/domain/transcript.ts', "if (l.type !== 'assistant' || !l.message?.model || !l.message.usage) return;", 'if (!l.message?.model || !l.message.usage) return;'],
  // A user message's text is not the assistant's.
  ['rt: a user message\'s text blocks shown as the assistant\'s', 'src/domain/stream.ts', "if (block.type === 'text' && 'text' in block && base.data.type === 'assistant')", "if (block.type === 'text' && 'text' in block)"],
  ['rt: a user message\'s string content shown as the assistant\'s', 'src/domain/stream.ts', "if (typeof content === 'string') return base.data.type === 'assistant' ? [{ kind: 'text', text: content }] : [];", "if (typeof content === 'string') return [{ kind: 'text', text: content }];"],
  // Run outcome.
  ['rt: a non-zero exit with a success result succeeds', 'src/domain/runOutcome.ts', '} else if (end.code === 0 && result && !result.is_error) {', '} else if (result && !result.is_error) {'],
  ['rt: the failure message shows the first stderr lines', 'src/domain/runOutcome.ts', "const stderrTail = end.stderr.trim().split('\\n').slice(-3).join(' ');", "const stderrTail = end.stderr.trim().split('\\n').slice(0, 3).join(' ');"],
  ['rt: the failure message shows only the last stderr line', 'src/domain/runOutcome.ts', "const stderrTail = end.stderr.trim().split('\\n').slice(-3).join(' ');", "const stderrTail = end.stderr.trim().split('\\n').slice(-1).join(' ');"],
  ['rt: the stderr tail counts trailing blank lines', 'src/domain/runOutcome.ts', "const stderrTail = end.stderr.trim().split('\\n').slice(-3).join(' ');", "const stderrTail = end.stderr.split('\\n').slice(-3).join(' ');"],
  ['rt: the model that ran is kept to 500 characters', 'src/domain/runOutcome.ts', 'oneLine(modelRan, 200) || undefined', 'oneLine(modelRan) || undefined'],
  ['rt: the closing lines print the message as it is', 'src/domain/runOutcome.ts', 'out += colour(`  ${oneLine(message)}`)', 'out += colour(`  ${message}`)'],
  // Estimates never learn from their own run.
  ['rt: a cost row\'s estimate includes its own run', 'src/domain/cost.ts', 'history.filter((h) => h.startedAt < r.startedAt)', 'history.filter((h) => h.startedAt <= r.startedAt)'],
  ['rt: a cost row\'s estimate includes every run', 'src/domain/cost.ts', 'history.filter((h) => h.startedAt < r.startedAt)', 'history'],
  ['rt: estimateStage counts a running record as zero tokens', 'src/domain/cost.ts', 'const past = history.filter((r) => r.stage === stage && r.usage);', `const past = history.filter((r) => r.stage === stage).map((r) => (r.usage ? r : { ...r, usage: ${ZERO} }));`],
  ['rt: the estimate index counts a running record as zero tokens', 'src/domain/estimates.ts', 'if (!r.usage) continue;', `if (!r.usage) Object.assign(r, { usage: ${ZERO} });`],
  // One-line helpers.
  ['rt: terminal oneLine keeps the blanks around a newline', 'src/domain/terminalText.ts', ".replace(/\\s*\\n\\s*/g, ' ')", ".replace(/\\n/g, ' ')"],
  ['rt: terminal oneLine not trimmed', 'src/domain/terminalText.ts', ".replace(/\\s*\\n\\s*/g, ' ').trim().slice(0, max);", ".replace(/\\s*\\n\\s*/g, ' ').slice(0, max);"],
  ['rt: terminal oneLine cut before it is trimmed', 'src/domain/terminalText.ts', ".replace(/\\s*\\n\\s*/g, ' ').trim().slice(0, max);", ".replace(/\\s*\\n\\s*/g, ' ').slice(0, max).trim();"],
  ['rt: terminal oneLine caps at 1000 by default', 'src/domain/terminalText.ts', 'export function oneLine(s: string, max = 500): string {', 'export function oneLine(s: string, max = 1000): string {'],
  ['rt: terminal oneLine turns tabs into spaces', 'src/domain/terminalText.ts', ".replace(/\\s*\\n\\s*/g, ' ').trim()", ".replace(/\\s*\\n\\s*/g, ' ').replace(/\\t/g, ' ').trim()"],
  ['rt: ticket oneLine keeps DEL', 'src/domain/ticket.ts', "s.replace(/[\\x00-\\x1f\\x7f\\u0085\\u2028\\u2029]+/g, ' ')", "s.replace(/[\\x00-\\x1f\\u0085\\u2028\\u2029]+/g, ' ')"],
  ['rt: ticket oneLine keeps U+2029', 'src/domain/ticket.ts', "s.replace(/[\\x00-\\x1f\\x7f\\u0085\\u2028\\u2029]+/g, ' ')", "s.replace(/[\\x00-\\x1f\\x7f\\u0085\\u2028]+/g, ' ')"],
  ['rt: ticket oneLine keeps NUL', 'src/domain/ticket.ts', "s.replace(/[\\x00-\\x1f\\x7f\\u0085\\u2028\\u2029]+/g, ' ')", "s.replace(/[\\x01-\\x1f\\x7f\\u0085\\u2028\\u2029]+/g, ' ')"],
  ['rt: ticket oneLine caps at 500', 'src/domain/ticket.ts', "s.replace(/[\\x00-\\x1f\\x7f\\u0085\\u2028\\u2029]+/g, ' ').trim();", "s.replace(/[\\x00-\\x1f\\x7f\\u0085\\u2028\\u2029]+/g, ' ').trim().slice(0, 500);"],
  ['rt: a notice of exactly 1000 characters is cut', 'src/domain/notice.ts', 'unlinked.length > NOTICE_MAX ?', 'unlinked.length >= NOTICE_MAX ?'],
  ['rt: a cut notice has no ellipsis', 'src/domain/notice.ts', '`${unlinked.slice(0, NOTICE_MAX - 1)}…`', 'unlinked.slice(0, NOTICE_MAX)'],
  ['rt: the renderer keeps newlines in the model', 'src/domain/streamRenderer.ts', 'const model = oneLine(event.model);', 'const model = sanitizeTerminalText(event.model);'],
  ['rt: the renderer keeps newlines in the permission mode', 'src/domain/streamRenderer.ts', 'event.permissionMode ? oneLine(event.permissionMode)', 'event.permissionMode ? sanitizeTerminalText(event.permissionMode)'],
  ['rt: the renderer keeps newlines in a tool detail', 'src/domain/streamRenderer.ts', 'const detail = oneLine(event.detail);', 'const detail = sanitizeTerminalText(event.detail);'],
  ['rt: the renderer keeps newlines in a tool error', 'src/domain/streamRenderer.ts', 'ansi.red(`  ✗ ${oneLine(event.detail)}`)', 'ansi.red(`  ✗ ${sanitizeTerminalText(event.detail)}`)'],
  ['rt: a tool detail is 200 characters', 'src/domain/stream.ts', 'return typeof v === \'string\' ? firstLine(v, 120) : \'\';', 'return typeof v === \'string\' ? firstLine(v, 200) : \'\';'],
  ['rt: a tool error is 300 characters', 'src/domain/stream.ts', 'firstLine(c, 160)', 'firstLine(c, 300)'],
];
