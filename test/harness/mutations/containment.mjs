// Each undoes one containment fix of issue #22 (the unit-testable part); the unit tier must fail
// on every one. Items 6, 7, 8, 11, 12 and 13 are git and workbench behaviour, pinned by
// test/integration/11-… and 12-containment-….test.ts instead. O_NOFOLLOW on the last part of a
// read is not here: the lstat before it refuses a link first, so it only closes a race.
export default [
  ['c22 item 2: a repository file is read through a link', 'src/safeFiles.ts', "if (st.isSymbolicLink()) throw new UnsafePathError(l10n.t('{0} is a symbolic link; SDLC Pipeline does not read through links.', at), 'link');", ''],
  ['c22 item 3: keys not known to be harmless need no consent', 'src/domain/projectSettings.ts', 'else if (!unknown.includes(key)) unknown.push(key);', ''],
  ['c22 item 3: cleanupPeriodDays is harmless', 'src/domain/projectSettings.ts', "const HARMLESS_KEYS = new Set(['$schema',", "const HARMLESS_KEYS = new Set(['cleanupPeriodDays', '$schema',"],
  ['c22 item 1: the answer is tied to the folder, not the content', 'src/domain/projectSettings.ts', "return JSON.stringify(files.map((f) => ('unreadable' in f ? [f.name, null, f.unreadable] : [f.name, f.text])));", "return JSON.stringify(files.map((f) => f.name));"],
  ['c22 item 1: a linked settings file is not a risk', 'src/domain/projectSettings.ts', "    if ('unreadable' in f) {\n      out.add(", "    if ('unreadable' in f) {\n      continue;\n      out.add("],
  ['c22 item 4: a run in flight holds nothing', 'src/domain/daily.ts', 'const held = Math.max(finiteOrZero(r.costUsd), finiteOrZero(r.reservedUsd));', 'const held = finiteOrZero(r.costUsd);'],
  ['c22 item 5: ticketsDirectory may be any folder', 'src/domain/runSettingRules.ts', 'const TICKETS_DIR = /^\\.sdlc(?:\\/[\\w.-]+)+\\/?$/;', 'const TICKETS_DIR = /^[\\w.-]+(?:\\/[\\w.-]+)*\\/?$/;'],
  ['c22 item 9: the description is not fenced', 'src/domain/ticket.ts', "[`Quoted${source}; everything inside the fence is the description, not a part of this file:`, '', `${fence}text`, description, fence]", '[description]'],
  ['c22 item 9: a fence a description can close', 'src/domain/ticket.ts', "return '`'.repeat(Math.max(3, longest + 1));", "return '```';"],
  ['c22 item 9: a title keeps its line breaks', 'src/domain/ticket.ts', "  return s.replace(/[\\x00-\\x1f\\x7f\\u0085\\u2028\\u2029]+/g, ' ').trim();", '  return s;'],
  ['c22 item 10: a terminal.integrated.env key reaches the terminal', 'src/claudeConfigDir.ts', 'for (const k of configuredKeys) env[k] = null;', ''],
  ['c22 review: the extension\'s git runs the worktree\'s hooks', 'src/gitEnv.ts', "[`GIT_CONFIG_VALUE_${at}`]: devNull,", "[`GIT_CONFIG_VALUE_${at}`]: base.GIT_HOOKS ?? '.husky/_',"],
  ['c22 review: the repository\'s sub-agents, commands and skills need no consent', 'src/projectSettingsFiles.ts', '  files.push(...(await readDefinitions(cwd)));', ''],
];
