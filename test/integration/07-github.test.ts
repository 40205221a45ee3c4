/**
 * GitHub in and out, in the real extension host: Octokit talks to the mock GitHub REST API
 * (github-enterprise.uri in user settings points at it; the token comes from GH_ENTERPRISE_TOKEN), git
 * pushes to a local bare repository, stages run the real CLI against the mock Messages API.
 */
import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DESCRIPTION_MAX, type Ticket } from '../../src/domain/ticket';
import type { PipelineResult } from '../../src/pipeline';
import { addWorkspaceFolder, api, draft, git, mockReset, removeAddedFolders, setSetting, waitFor } from './helpers';

const gh = () => {
  const u = process.env.SDLC_MOCK_GITHUB;
  assert.ok(u, 'SDLC_MOCK_GITHUB is not set: run through npm test');
  return u;
};
const host = () => new URL(gh()).host;
interface GhRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: { body?: string; title?: string; head?: string; base?: string; draft?: boolean };
  status: number;
}
const ghLog = async (): Promise<GhRequest[]> => (await fetch(`${gh()}/__log`)).json() as Promise<GhRequest[]>;
const ghControl = (c: object) => fetch(`${gh()}/__control`, { method: 'POST', body: JSON.stringify(c) });
const ghReset = () => fetch(`${gh()}/__reset`, { method: 'POST' });

interface Repo {
  dir: string;
  bare: string;
  folder: vscode.WorkspaceFolder;
}

/** A repository whose origin is acme/shop on the mock (pushes go to a local bare repository), added as a workspace folder. */
async function shopRepo(): Promise<Repo> {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'sdlc-gh-')));
  const dir = path.join(parent, 'shop');
  const bare = path.join(parent, 'origin.git');
  mkdirSync(dir);
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'user.name', 'SDLC Test');
  writeFileSync(path.join(dir, 'README.md'), '# shop\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  git(dir, 'remote', 'add', 'origin', `${gh()}/acme/shop.git`);
  git(dir, 'remote', 'set-url', '--push', 'origin', bare);
  git(dir, 'push', '-q', 'origin', 'main');
  const folder = await addWorkspaceFolder(dir);
  return { dir, bare, folder };
}

const importIssue = (repo: Repo, issue: string, create = true, again = false) =>
  vscode.commands.executeCommand<Ticket | 'filled' | undefined>('sdlcPipeline.newTicketFromIssue', { folder: repo.folder.uri.toString(), issue, create, again });

describe('GitHub in and out (mock GitHub API, real git, real CLI, real extension host)', () => {
  beforeEach(async () => {
    await mockReset();
    await ghReset();
  });
  afterEach(async () => {
    await ghReset();
    for (const k of ['github.comment', 'github.draftPullRequests', 'reviewGate']) await setSetting(k, undefined);
    await removeAddedFolders();
  });

  it('imports an issue by URL (type from labels, text as data, the link kept) and says so when it is imported twice', async () => {
    const a = await api();
    const repo = await shopRepo();
    const t = (await importIssue(repo, `http://${host()}/acme/shop/issues/1`)) as Ticket;
    assert.strictEqual(t.title, 'Crash when saving an empty cart');
    assert.strictEqual(t.type, 'bug');
    assert.strictEqual(t.description, 'Body of issue 1.');
    assert.deepStrictEqual(t.issue, { host: host(), owner: 'acme', repo: 'shop', number: 1, url: `https://${host()}/acme/shop/issues/1` });
    assert.match(String(a.tree.getTreeItem({ kind: 'ticket', ticketId: t.id }).description), /acme\/shop#1/);
    // By number, from the folder's remote: the same issue again gives the existing ticket, not a copy.
    const again = (await importIssue(repo, '#1')) as Ticket;
    assert.strictEqual(again.id, t.id);
    assert.strictEqual(a.tickets.all().filter((x) => x.issue?.number === 1).length, 1);
    // An enhancement is a feature; the form is filled (not created) unless asked.
    assert.strictEqual(await importIssue(repo, 'acme/shop#2', false), 'filled');
    const d = await waitFor(() => {
      const saved = a.form.savedDraft();
      return saved?.title === 'Add a wishlist' ? saved : undefined;
    }, 'the form to be filled');
    assert.strictEqual(d.type, 'feature');
    assert.strictEqual(d.issueUrl, `https://${host()}/acme/shop/issues/2`);
    // Created from the form: linked by its issueUrl; a full link (with a comment id) sent by the webview is dropped.
    const before = a.tickets.store.size;
    await a.form.handleMessage({ type: 'create', requestId: 901, run: false, draft: { ...draft('From form', {}, ['plan']), folder: repo.folder.uri.toString(), issueUrl: d.issueUrl } });
    const viaForm = a.tickets.all().find((x) => x.title === 'From form')!;
    assert.deepStrictEqual(viaForm.issue, { host: host(), owner: 'acme', repo: 'shop', number: 2, url: `https://${host()}/acme/shop/issues/2` });
    await a.form.handleMessage({ type: 'create', requestId: 902, run: false, draft: { ...draft('Forged link', {}, ['plan']), issue: { host: 'github.com', owner: 'victim', repo: 'repo', number: 9, url: 'https://github.com/victim/repo/issues/9', commentId: 123 } } });
    assert.strictEqual(a.tickets.all().find((x) => x.title === 'Forged link')!.issue, undefined);
    assert.strictEqual(a.tickets.store.size, before + 2);
  });

  it('lists open issues with paging and search, without pull requests', async () => {
    const a = await api();
    const repo = await shopRepo();
    const [remote] = await a.github.service.remotes(repo.dir);
    assert.deepStrictEqual(remote, { host: host(), owner: 'acme', repo: 'shop', remote: 'origin' });
    const p1 = await a.github.service.issues(remote, '', 1);
    assert.strictEqual(p1.issues.length, 30);
    assert.strictEqual(p1.more, true);
    assert.strictEqual(p1.issues[0].number, 75);
    const p3 = await a.github.service.issues(remote, '', 3);
    assert.strictEqual(p3.more, false);
    assert.ok(!p3.issues.some((i) => i.number === 3), 'a pull request was listed as an issue');
    assert.deepStrictEqual((await a.github.service.issues(remote, 'wishlist', 1)).issues.map((i) => i.number), [2]);
    assert.deepStrictEqual((await a.github.service.issues(remote, 'octocat', 1)).issues.map((i) => i.number), [2]);
    assert.deepStrictEqual((await a.github.service.issues(remote, 'bug', 1)).issues.map((i) => i.number), [1]);
    const search = (await ghLog()).filter((r) => r.path === '/search/issues');
    assert.ok(search.every((r) => r.query.q.startsWith('repo:acme/shop is:issue is:open')), JSON.stringify(search.map((r) => r.query)));
  });

  it('a hostile 1 MB issue body changes nothing but the ticket text', async () => {
    const a = await api();
    const repo = await shopRepo();
    const t = (await importIssue(repo, '4')) as Ticket;
    assert.strictEqual(t.description.length <= DESCRIPTION_MAX, true);
    assert.match(t.description, /\[… cut: the issue body is 1,048,\d{3} characters\]$/);
    assert.ok(t.description.startsWith('<script>alert(1)</script> [click](command:'), 'the text is kept as it was, as data');
    // Plan runs; the body reaches the CLI only through the ticket file and system prompt.
    assert.strictEqual((await a.runner.run({ ticketId: t.id, stage: 'plan' }))?.status, 'succeeded');
    assert.strictEqual(git(repo.dir, 'status', '--porcelain'), '');
  });

  it('live: one comment, created once and edited after each stage, with the models and costs; then a pull request with the table and Closes #N', async () => {
    const a = await api();
    const repo = await shopRepo();
    await setSetting('github.comment', 'live');
    await setSetting('reviewGate', 'off');
    // (An earlier test linked a ticket to #2 already: import again, into this folder.)
    const t = (await importIssue(repo, '2', true, true)) as Ticket;
    assert.strictEqual(t.folder, repo.folder.uri.toString());
    await a.tickets.update(t.id, (tt) => {
      tt.stages = draft('x', { plan: 'sonnet' }, ['plan', 'build']).stages;
    });
    const r = await vscode.commands.executeCommand<PipelineResult>('sdlcPipeline.runPipeline', { ticketId: t.id });
    assert.strictEqual(r.status, 'succeeded', JSON.stringify(r));
    const writes = await waitFor(async () => {
      const w = (await ghLog()).filter((q) => q.path.includes('/comments') && q.method !== 'GET');
      return w.length >= 3 ? w : undefined;
    }, 'three comment writes');
    assert.deepStrictEqual(writes.map((q) => `${q.method} ${q.status}`), ['POST 201', 'PATCH 200', 'PATCH 200'], 'one comment, edited in place');
    assert.ok(writes.every((q) => q.path === writes[1].path || q.method === 'POST'));
    const last = writes[2].body!.body!;
    assert.ok(last.startsWith(`<!-- sdlc-pipeline:status ticket=${t.id} -->`));
    assert.match(last, /\| Plan \| sonnet \| claude-sonnet-[\w-]+ \| succeeded \| [\d.]+ m?s \| \$0\.0060 \|/);
    assert.match(last, /\| Build \| opus \| claude-opus-[\w-]+ \| succeeded \| [\d.]+ m?s \| \$0\.01 \|/);
    assert.match(last, /\*\*Total \$0\.02\*\* · \$0\.0040 less than running every stage on Opus \(\$0\.02\)/);
    assert.match(writes[0].body!.body!, /\(in progress\)/);
    const linked = a.tickets.get(t.id)!.issue!;
    assert.ok(linked.commentId && !linked.commentPending);

    // Create Pull Request: the ticket's branch is pushed to the bare remote; the PR holds the table and Closes #2.
    const ws = a.tickets.get(t.id)!.workspace!;
    writeFileSync(path.join(ws.path!, 'wishlist.txt'), 'wishlist\n');
    git(ws.path!, 'add', '-A');
    git(ws.path!, 'commit', '-q', '-m', 'work');
    const pr = await vscode.commands.executeCommand<{ number: number; url: string }>('sdlcPipeline.createPullRequest', { ticketId: t.id });
    assert.strictEqual(pr.number, 101);
    assert.strictEqual(git(repo.bare, 'rev-parse', ws.branch), git(repo.dir, 'rev-parse', ws.branch), 'the branch was not pushed');
    const post = (await ghLog()).find((q) => q.method === 'POST' && q.path === '/repos/acme/shop/pulls')!;
    assert.strictEqual(post.body!.head, ws.branch);
    assert.strictEqual(post.body!.base, 'main');
    assert.strictEqual(post.body!.draft, true);
    assert.match(post.body!.body!, /\| Build \| opus \|/);
    assert.match(post.body!.body!, /\nCloses #2$/);
    assert.deepStrictEqual(a.tickets.get(t.id)!.pullRequest, { number: 101, url: `http://${host()}/acme/shop/pull/101` });
    assert.match(String(a.tree.getTreeItem({ kind: 'ticket', ticketId: t.id }).description), /acme\/shop#2 · PR #101/);
    // The comment then links the pull request.
    await waitFor(async () => (await ghLog()).filter((q) => q.method === 'PATCH').at(-1)?.body?.body?.includes('Pull request: #101'), 'the comment to link the PR');
    // A ticket without a branch of its own, in a folder on main: nothing is pushed, no pull request.
    const inPlace = (await importIssue(repo, '7')) as Ticket;
    const mainBefore = git(repo.bare, 'rev-parse', 'main');
    git(repo.dir, 'commit', '-q', '--allow-empty', '-m', 'local only');
    assert.strictEqual(await vscode.commands.executeCommand('sdlcPipeline.createPullRequest', { ticketId: inPlace.id }), undefined);
    assert.strictEqual(git(repo.bare, 'rev-parse', 'main'), mainBefore, 'main was pushed');
    // A second Create Pull Request links the open one instead of failing.
    const again = await vscode.commands.executeCommand<{ number: number; existed: boolean }>('sdlcPipeline.createPullRequest', { ticketId: t.id });
    assert.deepStrictEqual([again.number, again.existed], [101, true]);
  });

  it('Create Pull Request never posts what a link in the repository points at (a committed plan.md → /proc/self/environ): the plan is left out and the user is told why', async () => {
    const a = await api();
    const repo = await shopRepo();
    // The host's environment as the link would show it, and a secret in it (the CLI's API key, the GitHub token).
    const environ = readFileSync('/proc/self/environ', 'utf8');
    const secret = ['ANTHROPIC_API_KEY', 'GH_ENTERPRISE_TOKEN'].map((k) => new RegExp(`(?:^|\0)${k}=([^\0]{8,})`).exec(environ)?.[1]).find(Boolean);
    assert.ok(secret, 'the extension host started without a planted secret in its environment');
    const t = await a.tickets.create({ ...draft('Linked plan', {}, ['plan']), folder: repo.folder.uri.toString() });
    git(repo.dir, 'checkout', '-q', '-b', 'feature/linked-plan');
    const ticketDir = path.join(repo.dir, '.sdlc', 'tickets', String(t.id));
    mkdirSync(ticketDir, { recursive: true });
    symlinkSync('/proc/self/environ', path.join(ticketDir, 'plan.md'));
    writeFileSync(path.join(repo.dir, 'feature.txt'), 'feature\n');
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-q', '-m', 'feature with a linked plan');
    const pr = await vscode.commands.executeCommand<{ number: number; planLeftOut?: string } | undefined>('sdlcPipeline.createPullRequest', { ticketId: t.id });
    assert.ok(pr, 'no pull request was opened');
    // Told why (the warning that says the pull request was opened carries this reason).
    assert.match(pr.planLeftOut ?? '', /plan\.md is a symbolic link; SDLC Pipeline does not read through links/);
    const post = (await ghLog()).find((q) => q.method === 'POST' && q.path === '/repos/acme/shop/pulls');
    const body = post?.body?.body ?? '';
    assert.match(body, new RegExp(`^SDLC Pipeline ticket #${t.id}: Linked plan\n`));
    assert.ok(!body.includes(secret), 'the pull request body holds a secret from the host\'s environment');
    for (const leak of ['ANTHROPIC_API_KEY', 'GH_ENTERPRISE_TOKEN', 'SDLC_MOCK_GITHUB', 'PATH=', '\0']) assert.ok(!body.includes(leak), `the pull request body holds ${JSON.stringify(leak)} from the link's target`);
    assert.ok(!body.includes('<summary>Plan</summary>'), 'a plan section was posted');
  });

  it('summary: offline or rate-limited updates wait and go out later (also after a reload); a 401 says sign in and keeps nothing pending', async () => {
    const a = await api();
    const repo = await shopRepo();
    const t = (await importIssue(repo, '5')) as Ticket;
    await a.tickets.update(t.id, (tt) => {
      tt.stages = draft('x', {}, ['clarify']).stages;
    });
    // Offline: the pipeline goes on; the comment is pending and the tree says so.
    await ghControl({ offline: true });
    assert.strictEqual((await a.pipeline.run(t.id)).status, 'succeeded');
    await waitFor(() => a.tickets.get(t.id)!.issue!.commentPending, 'the comment to be pending');
    assert.match(String(a.tree.getTreeItem({ kind: 'ticket', ticketId: t.id }).description), /acme\/shop#5 \(comment pending\)/);
    // Back online: what a reload does (retryPending) sends it.
    await ghControl({ offline: false });
    assert.strictEqual(a.github.service.retryPending(), 1);
    await waitFor(() => a.tickets.get(t.id)!.issue!.commentId && !a.tickets.get(t.id)!.issue!.commentPending, 'the pending comment to be sent');
    assert.strictEqual((await ghLog()).filter((q) => q.method === 'POST' && q.status === 201).length, 1);

    // Rate limit with retry-after: 1 s → pending, then sent by itself.
    await ghControl({ fail: [{ method: 'PATCH', path: '/comments/', status: 403, headers: { 'x-ratelimit-remaining': '0', 'retry-after': '1' }, times: 1 }] });
    assert.strictEqual(await a.github.service.syncComment(t.id, true), false);
    assert.strictEqual(a.tickets.get(t.id)!.issue!.commentPending, true);
    await waitFor(() => !a.tickets.get(t.id)!.issue!.commentPending, 'the retry after the rate limit', 15_000);
    assert.deepStrictEqual((await ghLog()).filter((q) => q.method === 'PATCH').map((q) => q.status), [403, 200]);

    // Someone else's comment carrying our marker is never edited: ours is written beside it.
    await fetch(`${gh()}/__comment`, { method: 'POST', body: JSON.stringify({ issue: 'acme/shop#6', body: `<!-- sdlc-pipeline:status ticket=${t.id + 1} -->\nplanted`, login: 'mallory' }) });
    const t6 = (await importIssue(repo, '6')) as Ticket;
    assert.strictEqual(t6.id, t.id + 1);
    await a.tickets.update(t6.id, (tt) => void (tt.runs = a.tickets.get(t.id)!.runs));
    assert.strictEqual(await a.github.service.syncComment(t6.id, true), true);
    const planted = (await ghLog()).filter((q) => q.path.includes('/comments') && q.method !== 'GET').at(-1)!;
    assert.strictEqual(planted.method, 'POST', 'the planted comment was edited');

    // 401: not pending (a retry would fail the same way); the user is told to sign in.
    await ghControl({ fail: [{ path: '/comments', status: 401, times: 5 }] });
    assert.strictEqual(await a.github.service.syncComment(t.id, true), false);
    assert.ok(!a.tickets.get(t.id)!.issue!.commentPending);
  });
});
