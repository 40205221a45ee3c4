import * as assert from 'node:assert';
import {
  chooseToken, commentMarker, draftFromIssue, IssueSchema, isGitHubHost, mdText, parseIssueRef, parseRemote, pullRequestBody, statusComment,
  typeFromLabels, type RepoRef,
} from '../../src/domain/github';
import { IssueLinkSchema, PullRequestLinkSchema } from '../../src/domain/issueLink';
import { TicketStore } from '../../src/domain/store';
import { DESCRIPTION_MAX, newTicket, TicketSchema, TITLE_MAX, type Run, type Ticket, type TicketDraft } from '../../src/domain/ticket';
import { MemoryKV } from './memoryKV';

const SHOP: RepoRef = { host: 'github.com', owner: 'acme', repo: 'shop' };
const LINK = { host: 'github.com', owner: 'acme', repo: 'shop', number: 42, url: 'https://github.com/acme/shop/issues/42' };

const draft = (title: string, extra: Partial<TicketDraft> = {}): TicketDraft => ({
  title,
  description: 'd',
  type: 'bug',
  stages: { plan: { enabled: true, model: 'sonnet' }, build: { enabled: true }, test: { enabled: false, model: 'haiku' } },
  ...extra,
});

const usage = (input: number, output: number) => ({ input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });

const run = (over: Partial<Run> & Pick<Run, 'id' | 'stage'>): Run => ({
  mode: 'headless',
  modelAsked: 'sonnet',
  startedAt: 10_000,
  status: 'succeeded',
  ...over,
});

/** Ticket #7: plan ran twice (an older failed run, then a sonnet run of 1000 in / 200 out costing $0.006), build never ran, test disabled. */
function ranTicket(extra: Partial<TicketDraft> = {}): Ticket {
  const t = newTicket(7, draft('Fix login', extra), 1000);
  t.runs.push(
    run({ id: 'r1', stage: 'plan', modelAsked: 'haiku', modelRan: 'claude-haiku-old', startedAt: 1_000, endedAt: 2_000, status: 'failed' }),
    run({ id: 'r2', stage: 'plan', modelAsked: 'sonnet', modelRan: 'claude-sonnet-4-5', startedAt: 10_000, endedAt: 75_000, status: 'succeeded', costUsd: 0.006, usage: usage(1000, 200) }),
  );
  return t;
}

describe('github: parseRemote', () => {
  it('reads https, ssh and scp-style remotes', () => {
    assert.deepStrictEqual(parseRemote('https://github.com/acme/shop.git'), SHOP);
    assert.deepStrictEqual(parseRemote('https://github.com/acme/shop'), SHOP);
    assert.deepStrictEqual(parseRemote('https://github.com/acme/shop/'), SHOP);
    assert.deepStrictEqual(parseRemote('https://github.com/acme/shop.git/'), SHOP);
    assert.deepStrictEqual(parseRemote('  https://github.com/acme/shop.git\n'), SHOP);
    assert.deepStrictEqual(parseRemote('https://user:tok@github.com/acme/shop.git'), SHOP);
    assert.deepStrictEqual(parseRemote('ssh://git@github.com/acme/shop.git'), SHOP);
    assert.deepStrictEqual(parseRemote('git@github.com:acme/shop.git'), SHOP);
    assert.deepStrictEqual(parseRemote('git@github.com:acme/shop'), SHOP);
    assert.deepStrictEqual(parseRemote('git@github.com:acme/my.shop-2_x.git'), { host: 'github.com', owner: 'acme', repo: 'my.shop-2_x' });
  });

  it('keeps an Enterprise host with its port, and lower-cases hosts (not owner or repo)', () => {
    assert.deepStrictEqual(parseRemote('http://127.0.0.1:8080/acme/shop.git'), { host: '127.0.0.1:8080', owner: 'acme', repo: 'shop' });
    assert.deepStrictEqual(parseRemote('https://GitHub.COM/Acme/Shop.git'), { host: 'github.com', owner: 'Acme', repo: 'Shop' });
    assert.deepStrictEqual(parseRemote('git@GHE.Corp.Example:Acme/shop.git'), { host: 'ghe.corp.example', owner: 'Acme', repo: 'shop' });
  });

  it('rejects local paths, extra path parts, bad owners and repos', () => {
    for (const bad of [
      '/srv/git/shop.git',
      '../shop',
      'shop',
      'file:///srv/git/acme/shop.git',
      'https://github.com/acme/shop/extra',
      'https://github.com/acme',
      'https://github.com/-acme/shop.git',
      'git@github.com:-acme/shop.git',
      'https://github.com/acme/..',
      'https://github.com/acme/.',
      'https://github.com/acme/...git',
      'https://github.com/acme/.git',
      'https://github.com/ac_me/shop',
      'https://github.com/acme/sh op',
      'ftp://github.com/acme/shop',
      '',
    ]) {
      assert.strictEqual(parseRemote(bad), undefined, bad);
    }
  });
});

describe('github: isGitHubHost', () => {
  it('github.com always, an Enterprise host only when configured (case-insensitive)', () => {
    assert.strictEqual(isGitHubHost('github.com', undefined), true);
    assert.strictEqual(isGitHubHost('GitHub.COM', undefined), true);
    assert.strictEqual(isGitHubHost('github.com', 'ghe.corp'), true);
    assert.strictEqual(isGitHubHost('ghe.corp', undefined), false);
    assert.strictEqual(isGitHubHost('ghe.corp', ''), false);
    assert.strictEqual(isGitHubHost('ghe.corp', 'other.corp'), false);
    assert.strictEqual(isGitHubHost('ghe.corp', 'ghe.corp'), true);
    assert.strictEqual(isGitHubHost('GHE.corp', 'ghe.CORP'), true);
    assert.strictEqual(isGitHubHost('127.0.0.1:8080', '127.0.0.1:8080'), true);
    assert.strictEqual(isGitHubHost('127.0.0.1:8080', '127.0.0.1'), false);
    assert.strictEqual(isGitHubHost('gitlab.com', undefined), false);
    assert.strictEqual(isGitHubHost('github.com.evil.example', undefined), false);
  });
});

describe('github: parseIssueRef', () => {
  it('reads issue and pull request URLs, with a query or fragment', () => {
    assert.deepStrictEqual(parseIssueRef('https://github.com/acme/shop/issues/12'), { ...SHOP, number: 12 });
    assert.deepStrictEqual(parseIssueRef('https://github.com/acme/shop/pull/7'), { ...SHOP, number: 7 });
    assert.deepStrictEqual(parseIssueRef('  https://GitHub.com/acme/shop/issues/12  '), { ...SHOP, number: 12 });
    assert.deepStrictEqual(parseIssueRef('https://github.com/acme/shop/issues/12?x=1'), { ...SHOP, number: 12 });
    assert.deepStrictEqual(parseIssueRef('https://github.com/acme/shop/issues/12#issuecomment-99'), { ...SHOP, number: 12 });
    assert.deepStrictEqual(parseIssueRef('https://github.com/acme/shop/issues/12/'), { ...SHOP, number: 12 });
    assert.deepStrictEqual(parseIssueRef('http://127.0.0.1:8080/acme/shop/issues/3'), { host: '127.0.0.1:8080', owner: 'acme', repo: 'shop', number: 3 });
    // A URL names its own repository: the given one does not matter.
    assert.deepStrictEqual(parseIssueRef('https://github.com/other/thing/issues/5', SHOP), { host: 'github.com', owner: 'other', repo: 'thing', number: 5 });
  });

  it('reads owner/repo#N on the given repository\'s host, and #N or N in the given repository', () => {
    const ghe: RepoRef = { host: 'ghe.corp', owner: 'acme', repo: 'shop' };
    assert.deepStrictEqual(parseIssueRef('other/thing#12', ghe), { host: 'ghe.corp', owner: 'other', repo: 'thing', number: 12 });
    assert.strictEqual(parseIssueRef('other/thing#12'), undefined, 'owner/repo#N needs a repository for the host');
    assert.deepStrictEqual(parseIssueRef('#12', SHOP), { ...SHOP, number: 12 });
    assert.deepStrictEqual(parseIssueRef(' 12 ', SHOP), { ...SHOP, number: 12 });
    assert.deepStrictEqual(parseIssueRef('#012', SHOP), { ...SHOP, number: 12 });
    assert.strictEqual(parseIssueRef('#12'), undefined);
    assert.strictEqual(parseIssueRef('12'), undefined);
  });

  it('accepts up to 9 digits, rejects more', () => {
    assert.deepStrictEqual(parseIssueRef('#999999999', SHOP), { ...SHOP, number: 999_999_999 });
    assert.strictEqual(parseIssueRef('#1234567890', SHOP), undefined);
    assert.strictEqual(parseIssueRef('1234567890', SHOP), undefined);
    assert.strictEqual(parseIssueRef('https://github.com/acme/shop/issues/1234567890'), undefined);
    assert.strictEqual(parseIssueRef('acme/shop#1234567890', SHOP), undefined);
  });

  it('issue number 0 is not an issue', () => {
    assert.strictEqual(parseIssueRef('#0', SHOP), undefined);
    assert.strictEqual(parseIssueRef('https://github.com/acme/shop/issues/0'), undefined);
  });

  it('ssh and git ports are not part of the web host', () => {
    assert.deepStrictEqual(parseRemote('ssh://git@github.com:22/acme/shop.git'), { host: 'github.com', owner: 'acme', repo: 'shop' });
    assert.deepStrictEqual(parseRemote('ssh://git@ghe.corp:7999/acme/shop.git'), { host: 'ghe.corp', owner: 'acme', repo: 'shop' });
    assert.deepStrictEqual(parseRemote('http://127.0.0.1:8080/acme/shop.git'), { host: '127.0.0.1:8080', owner: 'acme', repo: 'shop' });
  });

  it('an encoded @ cannot mention anyone; a pull request closes its own repository\'s issue as #N, another repository\'s the user linked as owner/repo#N, and never one an import brought', () => {
    assert.strictEqual(mdText('&#64;octocat'), '&amp;\\#64;octocat');
    const t = { ...newTicket(7, { title: 'x', description: '', type: 'bug', stages: { build: { enabled: true } } }), issue: { host: 'github.com', owner: 'other', repo: 'thing', number: 5, url: 'https://github.com/other/thing/issues/5' } };
    // The user's own link to another repository (the pull request goes to a fork): closed by its full name.
    assert.match(pullRequestBody(t, undefined, {}, SHOP), /\nCloses other\/thing#5$/);
    assert.strictEqual(pullRequestBody(t, undefined, {}, SHOP).match(/#5/g)?.length, 1);
    assert.match(pullRequestBody(t, undefined, {}, { host: 'GitHub.com', owner: 'Other', repo: 'thing' }), /\nCloses #5$/);
    // An imported ticket's link to another repository: not a word of it (it could name any issue).
    const imported = { ...t, issue: { ...t.issue, imported: true } };
    assert.doesNotMatch(pullRequestBody(imported, undefined, {}, SHOP), /other|#5/);
    assert.match(pullRequestBody(imported, undefined, {}, { host: 'github.com', owner: 'other', repo: 'thing' }), /\nCloses #5$/);
    // Another host: #5 there is an unrelated issue.
    assert.doesNotMatch(pullRequestBody(t, undefined, {}, { host: 'ghe.corp', owner: 'other', repo: 'thing' }), /#5/);
  });

  it('rejects garbage, spaces, other paths and bad names', () => {
    for (const bad of [
      '',
      'fix the login',
      '#',
      '#-1',
      '#1.5',
      '#12a',
      '##12',
      'https://github.com/acme/shop/issues/12 extra',
      'https://github.com/ac me/shop/issues/12',
      'https://github.com/acme/shop/issues/',
      'https://github.com/acme/shop/commits/12',
      'https://github.com/acme/shop/issues/12abc',
      'https://github.com/acme/shop/extra/issues/12',
      'https://github.com/-acme/shop/issues/12',
      'https://github.com/acme/../issues/12',
      'javascript://github.com/acme/shop/issues/12',
      'acme/shop#',
      'acme/..#3',
      '-acme/shop#3',
      'a/b/c#3',
    ]) {
      assert.strictEqual(parseIssueRef(bad, SHOP), undefined, bad);
    }
  });
});

describe('github: typeFromLabels', () => {
  it('bug → bug, enhancement/feature → feature, else chore; bug wins', () => {
    assert.strictEqual(typeFromLabels(['Bug']), 'bug');
    assert.strictEqual(typeFromLabels(['BUG']), 'bug');
    assert.strictEqual(typeFromLabels(['enhancement']), 'feature');
    assert.strictEqual(typeFromLabels(['Feature']), 'feature');
    assert.strictEqual(typeFromLabels(['docs', 'question']), 'chore');
    assert.strictEqual(typeFromLabels([]), 'chore');
    assert.strictEqual(typeFromLabels(['bugfix', 'feature-request']), 'chore', 'whole labels only');
    assert.strictEqual(typeFromLabels(['enhancement', 'bug']), 'bug');
    assert.strictEqual(typeFromLabels(['Feature', 'Bug']), 'bug');
  });
});

describe('github: draftFromIssue', () => {
  const issue = (over: Record<string, unknown>) => IssueSchema.parse({ number: 9, title: 'Login fails', body: 'Steps', html_url: 'https://github.com/acme/shop/issues/9', ...over });

  it('title trimmed, link built from the repository, labels as strings or objects', () => {
    const d = draftFromIssue(issue({ title: '  Login fails \n', labels: ['docs', { name: 'Bug' }, { name: null }, {}] }), SHOP);
    assert.deepStrictEqual(d, {
      title: 'Login fails',
      description: 'Steps',
      type: 'bug',
      link: { host: 'github.com', owner: 'acme', repo: 'shop', number: 9, url: 'https://github.com/acme/shop/issues/9' },
    });
    assert.strictEqual(draftFromIssue(issue({ labels: [{ name: 'enhancement' }] }), SHOP).type, 'feature');
    assert.strictEqual(draftFromIssue(issue({ labels: ['Feature'] }), SHOP).type, 'feature');
    assert.strictEqual(draftFromIssue(issue({}), SHOP).type, 'chore');
    const ghe = draftFromIssue(issue({ number: 3 }), { host: '127.0.0.1:8080', owner: 'o', repo: 'r' });
    assert.strictEqual(ghe.link.url, 'https://127.0.0.1:8080/o/r/issues/3');
    assert.strictEqual(ghe.link.host, '127.0.0.1:8080');
  });

  it('title cut at TITLE_MAX; empty title becomes "Issue #N"', () => {
    assert.strictEqual(TITLE_MAX, 200);
    const long = draftFromIssue(issue({ title: `  ${'x'.repeat(TITLE_MAX + 50)}` }), SHOP);
    assert.strictEqual(long.title, 'x'.repeat(TITLE_MAX));
    assert.strictEqual(draftFromIssue(issue({ title: '' }), SHOP).title, 'Issue #9');
    assert.strictEqual(draftFromIssue(issue({ title: '   \t ' }), SHOP).title, 'Issue #9');
  });

  it('body: null → empty, at the limit kept, above it cut with a note and within DESCRIPTION_MAX', () => {
    assert.strictEqual(draftFromIssue(issue({ body: null }), SHOP).description, '');
    assert.strictEqual(draftFromIssue(issue({ body: undefined }), SHOP).description, '');
    const exact = 'b'.repeat(DESCRIPTION_MAX);
    assert.strictEqual(draftFromIssue(issue({ body: exact }), SHOP).description, exact);
    const body = 'a'.repeat(DESCRIPTION_MAX + 1);
    const d = draftFromIssue(issue({ body }), SHOP).description;
    assert.ok(d.length <= DESCRIPTION_MAX, String(d.length));
    assert.ok(d.endsWith('[… cut: the issue body is 20,001 characters]'), d.slice(-80));
    assert.ok(d.startsWith('a'.repeat(DESCRIPTION_MAX - 100)));
    const huge = draftFromIssue(issue({ body: 'z'.repeat(1_234_567) }), SHOP).description;
    assert.ok(huge.length <= DESCRIPTION_MAX, String(huge.length));
    assert.ok(huge.endsWith('\n\n[… cut: the issue body is 1,234,567 characters]'), huge.slice(-80));
    // The draft is a valid ticket.
    const t = TicketSchema.parse(newTicket(1, { ...draftFromIssue(issue({ body, title: 'y'.repeat(500) }), SHOP), stages: {} }));
    assert.strictEqual(t.description.length, d.length);
  });
});

describe('github: mdText', () => {
  it('escapes Markdown and HTML specials', () => {
    assert.strictEqual(mdText('<script>'), '\\<script\\>');
    assert.strictEqual(mdText('[x](y)'), '\\[x\\]\\(y\\)');
    assert.strictEqual(mdText('a|b'), 'a\\|b');
    assert.strictEqual(mdText('*b* _i_ `c` # ~s~ !x +y {z} a\\b'), '\\*b\\* \\_i\\_ \\`c\\` \\# \\~s\\~ \\!x \\+y \\{z\\} a\\\\b');
    assert.strictEqual(mdText('plain text, 1.5 - ok'), 'plain text, 1.5 - ok');
  });

  it('newlines become spaces, mentions are broken, cut at 300', () => {
    assert.strictEqual(mdText('a\r\nb\nc\rd'), 'a b c d');
    assert.strictEqual(mdText('a\n\n\nb'), 'a b');
    assert.strictEqual(mdText('ping @octocat'), 'ping @\u200boctocat');
    assert.ok(!/@[a-z]/i.test(mdText('@a @b @team/x')));
    assert.strictEqual(mdText('x'.repeat(1000)), 'x'.repeat(300));
    assert.ok(mdText('<'.repeat(1000)).length <= 300);
  });

  it('a pipe in a model name cannot break the table row', () => {
    const t = newTicket(3, draft('t', { stages: { plan: { enabled: true, model: 'evil | injected\n| row |' } } }), 1);
    const row = statusComment(t).split('\n').find((l) => l.startsWith('| Plan '));
    assert.ok(row, 'plan row');
    assert.strictEqual(row.match(/(?<!\\)\|/g)?.length, 7, row);
    assert.strictEqual(row, '| Plan | evil \\| injected \\| row \\| | — | not run | — | — |');
  });
});

describe('github: statusComment', () => {
  it('marker first, one row per enabled stage from its latest run, total and Opus saving', () => {
    const body = statusComment(ranTicket(), {}, true);
    const lines = body.split('\n');
    assert.strictEqual(lines[0], commentMarker(7));
    assert.strictEqual(commentMarker(7), '<!-- sdlc-pipeline:status ticket=7 -->');
    assert.strictEqual(lines[1], '### SDLC Pipeline · ticket #7');
    const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| Stage') && !l.startsWith('| ---'));
    assert.deepStrictEqual(rows, [
      '| Plan | sonnet | claude-sonnet-4-5 | succeeded | 1 min 5 s | $0.0060 |',
      '| Build | — | — | not run | — | — |',
    ]);
    assert.ok(!body.includes('| Test '), 'a disabled stage is absent');
    assert.ok(!body.includes('failed') && !body.includes('claude-haiku-old'), 'only the latest run of a stage shows');
    assert.ok(lines.includes('**Total $0.0060** · $0.0040 less than running every stage on Opus ($0.01)'), body);
    assert.ok(!body.includes('(in progress)'));
    assert.ok(!body.includes('Pull request:'));
  });

  it('"(in progress)" unless final; prices change the figures; no saving line when nothing is saved', () => {
    const t = ranTicket();
    assert.ok(statusComment(t).split('\n')[1].endsWith(' (in progress)'));
    assert.ok(statusComment(t, {}, false).includes('### SDLC Pipeline · ticket #7 (in progress)'));
    // An Opus price override equal to sonnet's: no saving.
    const same = statusComment(t, { opus: { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 } }, true);
    assert.ok(same.split('\n').includes('**Total $0.0060**'), same);
    // An opus run: Opus costs the same, no saving line.
    const o = newTicket(8, draft('o'), 1);
    o.runs.push(run({ id: 'o1', stage: 'plan', modelAsked: 'opus', costUsd: 0.01, usage: usage(1000, 200) }));
    assert.ok(statusComment(o, {}, true).split('\n').includes('**Total $0.01**'));
    // Without runs: $0.00 and every enabled stage "not run".
    const empty = statusComment(newTicket(9, draft('e'), 1), {}, true);
    assert.ok(empty.split('\n').includes('**Total $0.00**'), empty);
    assert.strictEqual(empty.match(/\| not run \|/g)?.length, 2);
  });

  it('a run without usage counts its own cost on both sides; every run counts in the total', () => {
    const t = ranTicket();
    t.runs.push(run({ id: 'r3', stage: 'build', modelAsked: 'haiku', modelRan: 'claude-haiku-4-5', costUsd: 0.5, endedAt: 10_500 }));
    const body = statusComment(t, {}, true);
    assert.ok(body.includes('| Build | haiku | claude-haiku-4-5 | succeeded | 500 ms | $0.50 |'), body);
    assert.ok(body.split('\n').includes('**Total $0.51** · $0.0040 less than running every stage on Opus ($0.51)'), body);
  });

  it('a pull request line when the ticket has one', () => {
    const t = ranTicket();
    t.pullRequest = { number: 12, url: 'https://github.com/acme/shop/pull/12' };
    const lines = statusComment(t, {}, true).split('\n');
    assert.ok(lines.includes('Pull request: #12'));
    assert.ok(lines.indexOf('Pull request: #12') > lines.findIndex((l) => l.startsWith('**Total')));
  });
});

describe('github: pullRequestBody', () => {
  it('title escaped, plan in <details> in a 4-backtick fence, table, total, Closes #N last', () => {
    const t = ranTicket({ issue: LINK });
    t.title = 'Fix <b>login</b> | @admin';
    const plan = '1. Step\n```ts\ncode\n```\n````\n</details>\n# injected\n`````';
    const body = pullRequestBody(t, plan, {}, SHOP);
    const lines = body.split('\n');
    assert.strictEqual(lines[0], 'SDLC Pipeline ticket #7: Fix \\<b\\>login\\</b\\> \\| @\u200badmin');
    assert.strictEqual(lines[lines.length - 1], 'Closes #42');
    const expectedPlan = '1. Step\n```ts\ncode\n```\n```\n</details>\n# injected\n```';
    assert.ok(body.includes(`<details><summary>Plan</summary>\n\n\`\`\`\`markdown\n${expectedPlan}\n\`\`\`\`\n\n</details>\n`), body);
    // Only the fence itself has 4 backticks: the plan cannot close it early.
    assert.deepStrictEqual(body.match(/`{4,}/g), ['````', '````']);
    const open = lines.indexOf('````markdown');
    const close = lines.indexOf('````');
    assert.ok(open > 0 && close > open && lines.indexOf('</details>', close) === close + 2, body);
    assert.ok(lines.includes('| Plan | sonnet | claude-sonnet-4-5 | succeeded | 1 min 5 s | $0.0060 |'));
    assert.ok(lines.includes('**Total $0.0060** · $0.0040 less than running every stage on Opus ($0.01)'));
    assert.ok(!body.includes(commentMarker(7)));
  });

  it('no plan → no <details>; no issue → no Closes', () => {
    const t = ranTicket();
    for (const plan of [undefined, '', '  \n ']) {
      const body = pullRequestBody(t, plan, {}, SHOP);
      assert.ok(!body.includes('<details>'), String(plan));
      assert.ok(!body.includes('````'));
      assert.ok(!body.includes('Closes'));
    }
    const lines = pullRequestBody(ranTicket({ issue: LINK }), undefined, {}, SHOP).split('\n');
    assert.strictEqual(lines[lines.length - 1], 'Closes #42');
    assert.strictEqual(lines.filter((l) => l.startsWith('Closes')).length, 1);
  });

  it('a very long plan is cut at 40,000 characters', () => {
    const body = pullRequestBody(ranTicket(), 'p'.repeat(50_000), {}, SHOP);
    assert.ok(body.includes(`\`\`\`\`markdown\n${'p'.repeat(40_000)}\n\`\`\`\``));
    assert.ok(!body.includes('p'.repeat(40_001)));
  });
});

describe('github: chooseToken', () => {
  const counted = (value: string | undefined) => {
    const f = async () => {
      f.calls++;
      return value;
    };
    f.calls = 0;
    return f;
  };

  it('the session wins over the environment; ask is not called', async () => {
    const session = counted('sess');
    const ask = counted('asked');
    assert.strictEqual(await chooseToken(session, ['envtok'], ask), 'sess');
    assert.strictEqual(session.calls, 1);
    assert.strictEqual(ask.calls, 0);
  });

  it('without a session: the first non-empty env value, trimmed; ask is not called', async () => {
    const ask = counted('asked');
    assert.strictEqual(await chooseToken(counted(undefined), [undefined, '', '   ', ' tok1 \n', 'tok2'], ask), 'tok1');
    assert.strictEqual(await chooseToken(counted(''), ['tok2'], ask), 'tok2', 'an empty session counts as none');
    assert.strictEqual(ask.calls, 0);
  });

  it('ask only when both are missing, and its answer is returned', async () => {
    const ask = counted('asked');
    assert.strictEqual(await chooseToken(counted(undefined), [undefined, '', ' \t'], ask), 'asked');
    assert.strictEqual(ask.calls, 1);
    assert.strictEqual(await chooseToken(counted(undefined), [], ask), 'asked');
    assert.strictEqual(ask.calls, 2);
    assert.strictEqual(await chooseToken(counted(undefined), [], counted(undefined)), undefined);
  });
});

describe('github: issue and pull request link schemas', () => {
  it('accept good records', () => {
    assert.deepStrictEqual(IssueLinkSchema.parse({ ...LINK, commentId: 5, commentPending: true }), { ...LINK, commentId: 5, commentPending: true });
    assert.deepStrictEqual(IssueLinkSchema.parse({ ...LINK, host: '127.0.0.1:8080', url: 'http://127.0.0.1:8080/acme/shop/issues/42' }).host, '127.0.0.1:8080');
    assert.deepStrictEqual(PullRequestLinkSchema.parse({ number: 3, url: 'https://github.com/acme/shop/pull/3' }), { number: 3, url: 'https://github.com/acme/shop/pull/3' });
  });

  it('reject bad urls, owners, repos and numbers', () => {
    for (const bad of [
      { url: 'javascript:alert(1)' },
      { url: 'https://github.com/acme/shop/issues/42 x' },
      { url: 'https://github.com/acme/\nshop' },
      { url: 'file:///etc/passwd' },
      { url: `https://github.com/${'a'.repeat(2000)}` },
      { owner: 'acme/evil' },
      { owner: '-acme' },
      { owner: 'a'.repeat(40) },
      { repo: 'shop/x' },
      { repo: '' },
      { host: 'github.com/evil' },
      { host: 'user@github.com' },
      { number: 0 },
      { number: 1.5 },
      { number: 1_000_000_000 },
      { commentId: 0 },
    ]) {
      assert.strictEqual(IssueLinkSchema.safeParse({ ...LINK, ...bad }).success, false, JSON.stringify(bad).slice(0, 80));
    }
    assert.strictEqual(PullRequestLinkSchema.safeParse({ number: 3, url: 'javascript:alert(1)' }).success, false);
    assert.strictEqual(PullRequestLinkSchema.safeParse({ number: 3, url: 'https://github.com/a b' }).success, false);
    assert.strictEqual(PullRequestLinkSchema.safeParse({ number: 0, url: 'https://github.com/acme/shop/pull/3' }).success, false);
  });

  it('a stored ticket with a malformed issue or pull request still loads, without them', () => {
    const base = newTicket(4, draft('Stored'), 1);
    const t = TicketSchema.parse({ ...base, issue: { ...LINK, owner: 'a/b' }, pullRequest: { number: 1, url: 'javascript:alert(1)' } });
    assert.strictEqual(t.issue, undefined);
    assert.strictEqual(t.pullRequest, undefined);
    assert.strictEqual(t.title, 'Stored');
    assert.strictEqual(t.id, 4);
    assert.deepStrictEqual(TicketSchema.parse({ ...base, issue: LINK }).issue, LINK);
  });
});

describe('github: import', () => {
  it('keeps the issue link, drops the comment id, pending flag and pull request', async () => {
    const kv = new MemoryKV();
    const s = new TicketStore(kv);
    await s.load();
    const incoming = TicketSchema.parse({
      ...newTicket(5, draft('From an issue', { issue: LINK }), 1),
      issue: { ...LINK, commentId: 5, commentPending: true },
      pullRequest: { number: 12, url: 'https://github.com/acme/shop/pull/12' },
    });
    assert.strictEqual(incoming.issue?.commentId, 5, 'the record carries a comment id');
    assert.ok(incoming.pullRequest, 'the record carries a pull request');
    const r = await s.import([incoming]);
    assert.strictEqual(r.imported.length, 1);
    const got = r.imported[0];
    assert.deepStrictEqual(got.issue, { ...LINK, imported: true }, "kept, marked as imported (it posts only to a remote of the folder)");
    assert.ok(!('pullRequest' in got));
    const kept = s.get(got.id);
    assert.deepStrictEqual(kept?.issue, { ...LINK, imported: true });
    assert.strictEqual(kept?.pullRequest, undefined);
    const reloaded = new TicketStore(kv);
    await reloaded.load();
    assert.deepStrictEqual(reloaded.get(got.id)?.issue, { ...LINK, imported: true });
    assert.strictEqual(reloaded.get(got.id)?.pullRequest, undefined);
  });

  it('a ticket without an issue gets none', async () => {
    const s = new TicketStore(new MemoryKV());
    await s.load();
    const r = await s.import([TicketSchema.parse(newTicket(6, draft('Plain'), 1))]);
    assert.ok(!('issue' in r.imported[0]));
  });
});
