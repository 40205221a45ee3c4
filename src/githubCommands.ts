/**
 * What the GitHub commands do (registered in commands.ts; the bodies load with Octokit in
 * `dist/github.js`): New Ticket from GitHub Issue…, Open Issue, Create Pull Request, Open Pull
 * Request.
 */
import * as vscode from 'vscode';
import type { CommandArgs } from './commandIds';
import { COMMANDS } from './commandNames';
import type { ConfigurationService } from './configuration';
import { issueKey, issueLabel, labelNames, parseIssueRef, type Issue, type RepoRef } from './domain/github';
import { ticketPaths } from './domain/prompt';
import { STAGES } from './domain/stages';
import type { Ticket } from './domain/ticket';
import { statusFiles, type TicketWorkspace } from './domain/worktree';
import type { TicketFormView } from './formView';
import { GitHubError, type GitHubService } from './github';
import { notify } from './notify';
import { safeReadFile, UnsafePathError } from './safeFiles';
import type { TicketService } from './ticketService';
import type { TicketsTree } from './ticketsTree';
import type { Workspaces } from './workspaces';
import { Git } from './git';

export type GitHubCommand = 'newTicketFromIssue' | 'openIssue' | 'createPullRequest' | 'openPullRequest';

export interface GitHubServices {
  tickets: TicketService;
  config: ConfigurationService;
  form: TicketFormView;
  tree: TicketsTree;
  workspaces: Workspaces;
  github: GitHubService;
}

type Remote = RepoRef & { remote: string };
interface IssueItem extends vscode.QuickPickItem {
  issue?: Issue;
  ref?: RepoRef & { number: number };
  more?: boolean;
}

/** The button on an issue that creates its ticket at once (its tooltip in the current language). */
function createNowButton(): vscode.QuickInputButton {
  return { iconPath: new vscode.ThemeIcon('add'), tooltip: vscode.l10n.t('Create the ticket now with the default models') };
}

/** Shows what went wrong (`say` turns the error's message into the whole sentence) with the actions that help (sign in again). */
function report(e: unknown, say: (message: string) => string): undefined {
  const err = e instanceof GitHubError ? e : undefined;
  const message = err?.message ?? (e as Error).message;
  void notify.error(say(message), ...(err?.kind === 'auth' ? [vscode.l10n.t('Sign in to GitHub')] : [])).then((c) => {
    if (c) void vscode.authentication.getSession('github', ['repo'], { createIfNone: true }).then(undefined, () => undefined);
  });
  return undefined;
}

/** The folder's GitHub repository: the only one, `origin`, or the one the user picks. */
async function pickRepo(s: GitHubServices, folder: vscode.WorkspaceFolder, remote?: string): Promise<Remote | undefined> {
  const all = await s.github.remotes(folder.uri.fsPath);
  if (!all.length) {
    void notify.error(vscode.l10n.t('{0} has no GitHub remote (github.com, or the server in github-enterprise.uri).', folder.name));
    return undefined;
  }
  if (remote) return all.find((r) => r.remote === remote);
  if (all.length === 1) return all[0];
  const pick = await vscode.window.showQuickPick(
    all.map((r) => ({ label: `${r.owner}/${r.repo}`, description: `${r.remote} · ${r.host}`, r })),
    { placeHolder: vscode.l10n.t('Issues of which repository?') },
  );
  return pick?.r;
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Which folder\'s repository?') });
}

function issueItem(i: Issue, repo: RepoRef, createNow: vscode.QuickInputButton): IssueItem {
  const labels = labelNames(i);
  return {
    // `$(…)` in a title would render as an icon: shown as typed.
    label: `#${i.number} ${i.title.replace(/\$\(/g, '$\u200b(')}`,
    description: labels.join(', '),
    detail: i.assignee ? vscode.l10n.t('assigned to {0}', i.assignee.login) : undefined,
    issue: i,
    ref: { ...repo, number: i.number },
    buttons: [createNow],
    // The server matched it (perhaps in the body): VS Code's own filter must not hide it.
    alwaysShow: true,
  };
}

/** The quick pick of open issues: search as you type, paging, a pasted URL. Resolves with the choice and whether to create at once. */
function pickIssue(s: GitHubServices, repo: RepoRef): Promise<{ ref: RepoRef & { number: number }; issue?: Issue; now: boolean } | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<IssueItem>();
    const createNow = createNowButton();
    qp.title = vscode.l10n.t('New Ticket from {0}/{1} Issue', repo.owner, repo.repo);
    qp.placeholder = vscode.l10n.t('Search open issues (number, title, label, assignee) or paste an issue URL');
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    let page = 1;
    let query = '';
    let seq = 0;
    let done = false;
    const finish = (v: Parameters<typeof resolve>[0]) => {
      if (done) return;
      done = true;
      resolve(v);
      qp.hide();
    };
    const load = async (append: boolean) => {
      const mine = ++seq;
      qp.busy = true;
      const ref = parseIssueRef(query, repo);
      if (ref && /^(https?:\/\/|[^/\s]+\/[^/\s]+#)/.test(query.trim())) {
        qp.items = [{ label: vscode.l10n.t('Import {0}', issueLabel(ref)), description: ref.host, ref, alwaysShow: true, buttons: [createNow] }];
        qp.busy = false;
        return;
      }
      try {
        const res = await s.github.issues(repo, query, page);
        if (mine !== seq) return;
        const items = res.issues.map((i) => issueItem(i, repo, createNow));
        const kept = append ? qp.items.filter((i) => !i.more) : [];
        qp.items = [...kept, ...items, ...(res.more ? [{ label: vscode.l10n.t('$(more) Load more issues…'), more: true, alwaysShow: true }] : [])];
        if (!qp.items.length) qp.items = [{ label: query ? vscode.l10n.t('No open issue matches "{0}"', query) : vscode.l10n.t('No open issues'), alwaysShow: true }];
      } catch (e) {
        if (mine !== seq) return;
        if (!append) qp.items = [];
        report(e, (message) => vscode.l10n.t('cannot list the issues of {0}/{1}: {2}', repo.owner, repo.repo, message));
      } finally {
        if (mine === seq) qp.busy = false;
      }
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    qp.onDidChangeValue((v) => {
      query = v;
      page = 1;
      clearTimeout(timer);
      timer = setTimeout(() => void load(false), 250);
    });
    qp.onDidAccept(() => {
      const [item] = qp.selectedItems;
      if (!item) return;
      if (item.more) {
        if (qp.busy) return;
        page++;
        void load(true);
        return;
      }
      if (item.ref) finish({ ref: item.ref, issue: item.issue, now: false });
    });
    qp.onDidTriggerItemButton((e) => {
      if (e.item.ref) finish({ ref: e.item.ref, issue: e.item.issue, now: true });
    });
    qp.onDidHide(() => {
      clearTimeout(timer);
      finish(undefined);
      qp.dispose();
    });
    qp.show();
    void load(false);
  });
}

/** A ticket with the default stages (and models, left to the settings) from an issue. */
function defaultStages(s: GitHubServices, folder: vscode.WorkspaceFolder) {
  const chosen = s.config.forFolder(folder.uri).models.defaultStages;
  return Object.fromEntries(STAGES.map((st) => [st.id, { enabled: chosen.includes(st.id) }]));
}

async function newTicketFromIssue(s: GitHubServices, args: CommandArgs<'newTicketFromIssue'>): Promise<Ticket | 'filled' | undefined> {
  const folder = args.folder ? vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === args.folder) : await pickFolder();
  if (!folder) return undefined;
  const repo = await pickRepo(s, folder, args.remote);
  if (!repo) return undefined;
  let choice: { ref: RepoRef & { number: number }; issue?: Issue; now: boolean } | undefined;
  if (args.issue) {
    const ref = parseIssueRef(args.issue, repo);
    if (!ref) {
      void notify.error(vscode.l10n.t('"{0}" is not an issue URL or number.', args.issue.slice(0, 100)));
      return undefined;
    }
    choice = { ref, now: args.create ?? false };
  } else {
    choice = await pickIssue(s, repo);
  }
  if (!choice) return undefined;
  const existing = s.tickets.all().find((t) => t.issue && issueKey(t.issue) === issueKey(choice.ref));
  if (existing && !args.again) {
    // Asked, not assumed: the answer re-runs this command with `again`.
    const again = { ...args, issue: choice.ref ? `https://${choice.ref.host}/${choice.ref.owner}/${choice.ref.repo}/issues/${choice.ref.number}` : args.issue, folder: folder.uri.toString(), remote: repo.remote, create: choice.now, again: true };
    const show = vscode.l10n.t('Show Ticket');
    const importAgain = vscode.l10n.t('Import Again');
    void notify.warn(vscode.l10n.t('{0} is already ticket #{1} "{2}".', issueLabel(choice.ref), existing.id, existing.title), show, importAgain).then((c) => {
      if (c === show) s.tree.reveal(existing.id);
      if (c === importAgain) void vscode.commands.executeCommand(COMMANDS.newTicketFromIssue, again);
    });
    return existing;
  }
  let issue: Issue;
  try {
    issue = choice.issue ?? (await s.github.issue(choice.ref, choice.ref.number));
  } catch (e) {
    return report(e, (message) => vscode.l10n.t('cannot read {0}: {1}', issueLabel(choice.ref), message));
  }
  const d = s.github.draft(issue, choice.ref);
  if (!choice.now) {
    await s.form.fill({ title: d.title, description: d.description, type: d.type, folder: folder.uri.toString(), issueUrl: d.link.url });
    return 'filled';
  }
  const t = await s.tickets.create({ title: d.title, description: d.description, type: d.type, folder: folder.uri.toString(), stages: defaultStages(s, folder), issue: d.link });
  s.tree.reveal(t.id);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('SDLC Pipeline: ticket #{0} created from {1}', t.id, issueLabel(d.link)), 4000);
  return t;
}

/**
 * The most of a ticket's plan that is read into its pull request: 64 KiB (GitHub keeps 65,536
 * characters of a body; pullRequestBody cuts the plan shorter still).
 */
export const PLAN_MAX_BYTES = 64 * 1024;

/**
 * The ticket's plan as the pull request shows it, read the way every file of a repository is
 * (safeFiles.ts): not through a link, a regular file inside the worktree, at most
 * `PLAN_MAX_BYTES`. A plan that cannot be read so is left out, and `planLeftOut` says why.
 */
async function readPlan(root: string, planFile: string): Promise<{ plan?: string; planLeftOut?: string }> {
  try {
    const r = await safeReadFile(root, planFile, PLAN_MAX_BYTES);
    if (!r) return {};
    return { plan: r.truncated ? `${r.text}\n\n[… cut: the plan is longer than ${PLAN_MAX_BYTES / 1024} KiB]` : r.text };
  } catch (e) {
    return { planLeftOut: e instanceof UnsafePathError ? e.message : vscode.l10n.t('{0} could not be read ({1}).', planFile, (e as Error).message) };
  }
}

/** At most this many of the files a commit would hold are named in its question (the rest are counted). */
const FILES_SHOWN = 30;

/** `files`, one per line, the first FILES_SHOWN of them and a count of the rest. */
function fileList(files: readonly string[]): string {
  const more = files.length - FILES_SHOWN;
  return [...files.slice(0, FILES_SHOWN), ...(more > 0 ? [vscode.l10n.t('… and {0} more', more)] : [])].join('\n');
}

/**
 * A pull request always holds the ticket's change (issue #22 item 11): what the ticket left
 * uncommitted is committed first to its branch in its own worktree, after the user has seen the
 * list; in the user's own folder (isolation "branch", or a branch checked out by hand) nothing
 * is committed for them and the pull request is refused with the list. Whether to go on.
 */
async function committedFirst(s: GitHubServices, t: Ticket, ws: TicketWorkspace | undefined, dir: string, agreed: readonly string[] | undefined): Promise<boolean> {
  let files: string[];
  try {
    files = ws ? await s.workspaces.uncommitted(t, ws) : statusFiles(await new Git().ok(dir, ['status', '--porcelain', '-z', '--untracked-files=all']));
  } catch (e) {
    void notify.error(vscode.l10n.t('cannot open a pull request for ticket #{0}: {1}', t.id, (e as Error).message));
    return false;
  }
  if (!files.length) return true;
  if (!ws?.path || ws.isolation === 'branch') {
    void notify.error(
      files.length === 1
        ? vscode.l10n.t('cannot open a pull request for ticket #{0}: {1} has 1 uncommitted change, which the pull request would not hold ({2}). Commit it (or stash it), then try again. Nothing was pushed.', t.id, dir, files[0])
        : vscode.l10n.t('cannot open a pull request for ticket #{0}: {1} has {2} uncommitted changes, which the pull request would not hold ({3}). Commit them (or stash them), then try again. Nothing was pushed.', t.id, dir, files.length, files.slice(0, 5).join(', ')),
    );
    return false;
  }
  const go = vscode.l10n.t('Commit and Open Pull Request');
  const question = files.length === 1
    ? vscode.l10n.t('Ticket #{0} left 1 file uncommitted in its worktree. Commit it to {1} so that the pull request holds it?', t.id, ws.branch)
    : vscode.l10n.t('Ticket #{0} left {1} files uncommitted in its worktree. Commit them to {2} so that the pull request holds them?', t.id, files.length, ws.branch);
  const same = agreed?.length === files.length && agreed.every((f, i) => f === files[i]);
  if (!same && (await notify.confirmDetail(question, fileList(files), go)) !== go) return false;
  const r = await s.workspaces.commitWork(t, ws, files);
  if (!r.ok) void notify.error(vscode.l10n.t('cannot open a pull request for ticket #{0}: {1}', t.id, r.message));
  return r.ok;
}

async function createPullRequest(s: GitHubServices, t: Ticket, args: CommandArgs<'createPullRequest'>): Promise<{ number: number; url: string; existed: boolean; planLeftOut?: string } | undefined> {
  if (!vscode.workspace.isTrusted) {
    void notify.warn(vscode.l10n.t('creating a pull request pushes a branch, which is disabled in Restricted Mode. Trust this workspace first.'));
    return undefined;
  }
  const folder = s.tickets.folderOf(t);
  if (!folder) return undefined;
  const remotes = await s.github.remotes(folder.uri.fsPath);
  const repo = (t.issue && remotes.find((r) => r.host === t.issue!.host.toLowerCase() && r.owner.toLowerCase() === t.issue!.owner.toLowerCase() && r.repo.toLowerCase() === t.issue!.repo.toLowerCase())) ?? remotes.find((r) => r.remote === 'origin') ?? remotes[0];
  if (!repo) {
    void notify.error(vscode.l10n.t('{0} has no GitHub remote to push to.', folder.name));
    return undefined;
  }
  const ws = t.workspace && !t.workspace.removed ? t.workspace : undefined;
  const dir = ws?.path ?? folder.uri.fsPath;
  const branch = ws?.branch ?? (await new Git().value(folder.uri.fsPath, ['symbolic-ref', '--short', '-q', 'HEAD']));
  if (!branch) {
    void notify.error(vscode.l10n.t('{0} has no branch checked out (detached HEAD); nothing to open a pull request from.', folder.name));
    return undefined;
  }
  if (!(await committedFirst(s, t, ws, dir, args.commit))) return undefined;
  const root = s.workspaces.filesRoot(t) ?? folder.uri.fsPath;
  const { plan, planLeftOut } = await readPlan(root, ticketPaths(s.config.forTicket(t).run.ticketsDirectory, t.id).planFile);
  try {
    const pr = await s.github.createPullRequest(t, { repo, dir, branch, base: ws?.base, plan });
    const done = pr.existed ? vscode.l10n.t('linked the open pull request #{0} for ticket #{1}.', pr.number, t.id) : vscode.l10n.t('opened pull request #{0} for ticket #{1}.', pr.number, t.id);
    const open = vscode.l10n.t('Open Pull Request');
    const shown = planLeftOut ? notify.warn(vscode.l10n.t('{0} Its plan was left out of the pull request: {1}', done, planLeftOut), open) : notify.info(done, open);
    void shown.then((c) => {
      if (c) void vscode.env.openExternal(vscode.Uri.parse(pr.url));
    });
    return planLeftOut ? { ...pr, planLeftOut } : pr;
  } catch (e) {
    return report(e, (message) => vscode.l10n.t('cannot open a pull request for ticket #{0}: {1}', t.id, message));
  }
}

export function runGitHubCommand<N extends GitHubCommand>(name: N, s: GitHubServices, t: Ticket | undefined, args: CommandArgs<N>): unknown {
  switch (name) {
    case 'newTicketFromIssue':
      return newTicketFromIssue(s, args as CommandArgs<'newTicketFromIssue'>);
    case 'openIssue':
      return t?.issue ? vscode.env.openExternal(vscode.Uri.parse(t.issue.url)) : undefined;
    case 'openPullRequest':
      return t?.pullRequest ? vscode.env.openExternal(vscode.Uri.parse(t.pullRequest.url)) : undefined;
    case 'createPullRequest':
      return t ? createPullRequest(s, t, args as CommandArgs<'createPullRequest'>) : undefined;
  }
  return undefined;
}
