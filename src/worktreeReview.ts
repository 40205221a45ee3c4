/**
 * What VS Code shows of a ticket's branch (part of `dist/worktrees.js`): its changes against
 * where it left the base in the multi-file diff editor, and its worktree in the Source Control
 * view, both through the built-in git extension's API.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ticket } from './domain/ticket';
import { notify } from './notify';
import { changes, diffBase, repoOf, type WorktreeContext } from './worktreeGit';

/** The built-in git extension's API (it serves `git:` URIs), or undefined when it is not there. */
async function gitApi(): Promise<GitApi | undefined> {
  const ext = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git');
  if (!ext) return undefined;
  const exports = ext.isActive ? ext.exports : await ext.activate();
  return exports?.getAPI(1);
}

/** Opens the multi-file diff editor: every file the ticket changed, its base commit on the left. */
export async function review(ctx: WorktreeContext, ticket: Ticket): Promise<number> {
  const ws = ticket.workspace;
  if (!ws || ws.removed) throw new Error(vscode.l10n.t('ticket #{0} has no branch of its own.', ticket.id));
  const top = ws.path ?? (await repoOf(ctx, ticket));
  const api = await gitApi();
  if (!api) throw new Error(vscode.l10n.t('the built-in Git extension is disabled; enable it to review changes.'));
  await api.openRepository(vscode.Uri.file(top));
  const files = await changes(ctx, ticket, ws);
  const from = await diffBase(ctx, ticket, ws);
  if (!files.length) {
    void notify.info(vscode.l10n.t('ticket #{0} has no changes against {1} yet.', ticket.id, ws.base));
    return 0;
  }
  const resources = files.map((c): [vscode.Uri, vscode.Uri | undefined, vscode.Uri | undefined] => {
    const file = vscode.Uri.file(path.join(top, ...c.path.split('/')));
    const before = vscode.Uri.file(path.join(top, ...(c.from ?? c.path).split('/')));
    return [file, c.kind === 'added' ? undefined : api.toGitUri(before, from), c.kind === 'deleted' ? undefined : file];
  });
  await vscode.commands.executeCommand('vscode.changes', `#${ticket.id} ${ticket.title} (${ws.branch} ↔ ${ws.base})`, resources);
  return files.length;
}

/** Shows the ticket's worktree as a repository in the Source Control view. */
export async function revealInScm(ctx: WorktreeContext, ticket: Ticket): Promise<void> {
  const ws = ticket.workspace;
  if (!ws || ws.removed) throw new Error(vscode.l10n.t('ticket #{0} has no branch of its own.', ticket.id));
  const api = await gitApi();
  await api?.openRepository(vscode.Uri.file(ws.path ?? (await repoOf(ctx, ticket))));
  await vscode.commands.executeCommand('workbench.view.scm');
}

/** The part of the built-in git extension's API used here (extensions/git/src/api/git.d.ts). */
interface GitApi {
  toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
  openRepository(root: vscode.Uri): Promise<unknown>;
}
