// `npm run mutate`: applies each mutation below to a scratch copy of src/ and runs the unit tier
// against it. Every mutation is a bug that once passed (or could pass) every test; the unit tier
// must fail on each. A mutation whose text is no longer in the source fails the script too, so a
// refactor cannot make this check pass by missing its target.
//   node test/harness/mutate.mjs [--only <substring of a mutation's name>]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './codeserver.mjs';

/** [name, file, exact text, replacement]; more in test/harness/mutations/*.mjs (each default-exports such a list). */
const BUILTIN = [
  ['precedence order reversed', 'src/domain/settings.ts', "export const SCOPES = ['workspaceFolder', 'workspace', 'user'] as const;", "export const SCOPES = ['user', 'workspace', 'workspaceFolder'] as const;"],
  ['import leaves nextId at the last imported id', 'src/domain/store.ts', 'if (!clash) this.nextId = id + 1;', 'if (!clash) this.nextId = id;'],
  ['load ignores the stored index', 'src/domain/store.ts', 'this.nextId = Math.max(idx.success ? idx.data.data.nextId : 1, maxSeen + 1);', 'this.nextId = maxSeen + 1;'],
  ['cache reads priced at the cache-write rate', 'src/domain/cost.ts', 'count(usage.cache_read_input_tokens) * count(price.cacheRead)', 'count(usage.cache_read_input_tokens) * count(price.cacheWrite)'],
  ['opus cache reads ×10', 'src/domain/cost.ts', 'opus: { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 }', 'opus: { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 5 }'],
  ['unknown family priced as haiku', 'src/domain/cost.ts', "return family === 'unknown' ? BUILTIN_PRICES.opus : BUILTIN_PRICES[family];", "return family === 'unknown' ? BUILTIN_PRICES.haiku : BUILTIN_PRICES[family];"],
  ['per-model-id price override ignored', 'src/domain/cost.ts', 'if (isSanePrice(exact)) return exact;', 'if (isSanePrice(exact) && false) return exact;'],
  ['did-you-mean ignores customModels', 'src/domain/models.ts', 'didYouMean(model, [...CLI_ALIASES, ...customModels])', 'didYouMean(model, [...CLI_ALIASES])'],
  ['--fallback-model gets the main model', 'src/domain/cli.ts', "args.push('--fallback-model', o.fallbackModel)", "args.push('--fallback-model', o.model)"],
  ['resume passes the session as a separate argument', 'src/domain/cli.ts', "const args = model ? ['--model', model, `--resume=${sessionId}`] : [`--resume=${sessionId}`];", "const args = model ? ['--model', model, '--resume', sessionId] : ['--resume', sessionId];"],
  ['rollup credits the model asked for', 'src/domain/cost.ts', 'const key = r.modelRan ?? r.modelAsked;', 'const key = r.modelAsked;'],
  ['terminal text not sanitized', 'src/domain/terminalText.ts', 'export function sanitizeTerminalText(s: string): string {', 'export function sanitizeTerminalText(s: string): string {\n  if (s !== "\\u0000") return s;'],
  ['notification links left intact', 'src/domain/notice.ts', ".replace(/\\]\\s*\\(/g, '] (')", ''],
  ['symlinked ticket file written through', 'src/safeFiles.ts', 'if (st?.isSymbolicLink()) throw', 'if (st?.isSymbolicLink() && false) throw'],
  ['a model may start with "-"', 'src/domain/models.ts', "if (model.startsWith('-')) return", "if (model.startsWith('-') && false) return"],
  ['a stored session id may be any string', 'src/domain/ticket.ts', 'export const SessionIdSchema = /* @__PURE__ */ z.uuid();', 'export const SessionIdSchema = /* @__PURE__ */ z.string();'],
  ['caps: a workspace may raise a stage cap', 'src/domain/scopedValues.ts', 'caps[stage] = Math.min(cap, caps[stage] ?? Infinity);', 'caps[stage] = cap;'],
  ['caps: a workspace may raise the ticket cap', 'src/domain/scopedValues.ts', 'if (r.ok) cap = Math.min(r.value, cap ?? Infinity);', 'if (r.ok) cap = r.value;'],
  ['a workspace may widen the permission mode', 'src/domain/runSettingRules.ts', 'if (PERMISSIVENESS[m] > PERMISSIVENESS[userMode]) {', 'if (false) {'],
  ['escalation chains may repeat a model', 'src/domain/runSettingRules.ts', 'if (chain.includes(c.model)) return', 'if (chain.includes(c.model) && false) return'],
  ['imported ids are not capped', 'src/domain/store.ts', '|| wanted >= MAX_TICKET_ID;', ';'],
  ['stream amounts not range-checked', 'src/domain/stream.ts', 'const Amount = z.number().check(z.nonnegative());', 'const Amount = z.number();'],
  ['a workspace may lower the isolation', 'src/domain/runSettingRuleKinds.ts', 'if (rank[x] < rank[floor]) {', 'if (false) {'],
  ['a base branch may read as an option', 'src/domain/worktree.ts', "if (name.startsWith('-') || ", 'if ('],
  ['a stored branch may be any name', 'src/domain/worktree.ts', 'export const TICKET_BRANCH = /^sdlc\\/\\d{1,9}-[a-z0-9-]{1,60}$/;', 'export const TICKET_BRANCH = /^.+$/;'],
  ['a rename counts its source path too', 'src/domain/worktree.ts', 'if (/[RC]/.test(e.slice(0, 2))) i++;', ''],
  ['exclude patterns unescaped', 'src/domain/worktree.ts', "return `/${rel.replace(/[[\\]*?\\\\!#]/g, (c) => `\\\\${c}`)}/`;", 'return `/${rel}/`;'],
  ['the queue ignores its limit', 'src/domain/queue.ts', 'if (this.holders.size < Math.max(1, this.limit())) return Promise.resolve(this.grant(ticketId));', 'return Promise.resolve(this.grant(ticketId));'],
];

const moreDir = join(repoRoot, 'test/harness/mutations');
const MUTATIONS = [...BUILTIN];
for (const f of existsSync(moreDir) ? readdirSync(moreDir).filter((n) => n.endsWith('.mjs')).sort() : []) MUTATIONS.push(...(await import(pathToFileURL(join(moreDir, f)).href)).default);

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
/** Every unit test file, in subfolders too. */
const unitTests = readdirSync(join(repoRoot, 'test/unit'), { recursive: true }).filter((f) => f.endsWith('.test.ts')).map((f) => `test/unit/${f}`);
const mocha = join(repoRoot, 'node_modules/mocha/bin/mocha.js');

async function unitTier(dir) {
  const out = join(dir, 'out/test/unit'); // same depth as the real build (tests find package.json from there)
  await esbuild.build({ entryPoints: unitTests.map((f) => join(dir, f)), outdir: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['mocha', 'esbuild'], logLevel: 'silent' });
  const r = spawnSync(process.execPath, [mocha, '--reporter', 'dot', '--forbid-only', join(out, '**/*.test.js')], { cwd: dir, encoding: 'utf8' });
  return { failed: r.status !== 0, tail: (r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ') };
}

const scratch = mkdtempSync(join(tmpdir(), 'sdlc-mutate-'));
let survived = 0;
let missing = 0;
try {
  cpSync(join(repoRoot, 'src'), join(scratch, 'src'), { recursive: true });
  cpSync(join(repoRoot, 'test/unit'), join(scratch, 'test/unit'), { recursive: true });
  cpSync(join(repoRoot, 'test/harness'), join(scratch, 'test/harness'), { recursive: true }); // the harness's own unit test runs it
  cpSync(join(repoRoot, 'package.json'), join(scratch, 'package.json'));
  for (const f of ['.vscodeignore', 'esbuild.mjs', 'package.nls.json']) cpSync(join(repoRoot, f), join(scratch, f));
  cpSync(join(repoRoot, 'webview-ui'), join(scratch, 'webview-ui'), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(scratch, 'node_modules'));
  const baseline = await unitTier(scratch);
  if (baseline.failed) throw new Error(`the unit tier fails without any mutation: ${baseline.tail}`);
  console.log(`baseline: unit tier passes (${baseline.tail})\n`);
  for (const [name, file, from, to] of MUTATIONS) {
    if (only && !name.includes(only)) continue;
    const path = join(scratch, file);
    const original = readFileSync(path, 'utf8');
    if (!original.includes(from)) {
      missing++;
      console.log(`✘ MISSING  ${name}: the text to mutate is not in ${file} (update this script)`);
      continue;
    }
    writeFileSync(path, original.replace(from, to));
    const r = await unitTier(scratch);
    writeFileSync(path, original);
    if (r.failed) console.log(`✔ killed   ${name}`);
    else {
      survived++;
      console.log(`✘ SURVIVED ${name} (${file})`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const total = only ? MUTATIONS.filter(([n]) => n.includes(only)).length : MUTATIONS.length;
console.log(`\n${total - survived - missing} killed, ${survived} survived, ${missing} missing`);
console.log(`${total - survived - missing} passed, ${survived + missing} failed`);
process.exit(survived + missing ? 1 : 0);
