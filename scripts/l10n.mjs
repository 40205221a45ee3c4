// The translation bundle, l10n/bundle.l10n.json: every `vscode.l10n.t('…')` (adapters) and
// `l10n.t('…')` (src/domain/l10n.ts, used by the domain and the form) in src/ and webview-ui/,
// extracted with @vscode/l10n-dev.
//   --write   writes l10n/bundle.l10n.json
//   --check   fails when it is stale, or when a call's message is not a literal (an extractor
//             cannot see it, so it would never be translated)
//   --pseudo DIR   writes the pseudo-locale (qps-ploc) bundle and package.nls into DIR/l10n and DIR
//             (the pseudo-locale integration run: every translated string visibly changed)
import { getL10nJson, getL10nPseudoLocalized } from '@vscode/l10n-dev';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const BUNDLE = 'l10n/bundle.l10n.json';

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

const files = [...sources('src'), ...sources('webview-ui')].sort();
/** `t(` whose first argument is not a string literal: `vscode.l10n.t(x)`, `l10n.t(a + b)`, `` l10n.t(`${x}`) ``. */
const NON_LITERAL = /\bl10n\.t\((?!\s*'(?:[^'\\\n]|\\.)*'\s*[,)]|\s*"(?:[^"\\\n]|\\.)*"\s*[,)]|\s*`[^`$]*`\s*[,)])/g;
const problems = [];
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  for (const m of text.matchAll(NON_LITERAL)) {
    const line = text.slice(0, m.index).split('\n').length;
    problems.push(`${relative('.', f)}:${line}: the message of l10n.t must be a string literal (use {0} placeholders)`);
  }
}
// The extractor reads `l10n.t(…)` only in a file that imports '@vscode/l10n' (or 'vscode'): our own
// src/domain/l10n.ts has the same shape, so its import is presented to it as that package.
const asExtractorSees = (text) => text.replace(/import \* as l10n from '[^']*\/l10n';/g, "import * as l10n from '@vscode/l10n';");
const bundle = await getL10nJson(files.map((f) => ({ contents: asExtractorSees(readFileSync(f, 'utf8')), extension: '.ts' })));
const sorted = Object.fromEntries(Object.entries(bundle).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const text = JSON.stringify(sorted, null, 2) + '\n';

if (process.argv.includes('--pseudo')) {
  const dir = process.argv[process.argv.indexOf('--pseudo') + 1];
  mkdirSync(join(dir, 'l10n'), { recursive: true });
  writeFileSync(join(dir, 'l10n', 'bundle.l10n.qps-ploc.json'), JSON.stringify(getL10nPseudoLocalized(sorted), null, 2));
  const nls = JSON.parse(readFileSync('package.nls.json', 'utf8'));
  writeFileSync(join(dir, 'package.nls.qps-ploc.json'), JSON.stringify(getL10nPseudoLocalized(nls), null, 2));
} else if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(BUNDLE, 'utf8');
  } catch {}
  if (current !== text) problems.push(`${BUNDLE} is out of date with the sources: run npm run l10n`);
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(`${BUNDLE}: ${Object.keys(sorted).length} messages, up to date`);
} else {
  if (problems.length) console.error(problems.join('\n'));
  mkdirSync('l10n', { recursive: true });
  writeFileSync(BUNDLE, text);
  console.log(`${BUNDLE}: ${Object.keys(sorted).length} messages`);
  if (problems.length) process.exit(1);
}
