/** Which workspace folder a ticket belongs to: its own (by URI), else the first. One rule, used everywhere. */
import * as vscode from 'vscode';
import type { Ticket } from './domain/ticket';

export function ticketFolder(ticket: Pick<Ticket, 'folder'> | undefined): vscode.WorkspaceFolder | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return (ticket?.folder !== undefined ? folders.find((f) => f.uri.toString() === ticket.folder) : undefined) ?? folders[0];
}
