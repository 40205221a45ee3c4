/** Every notification the extension shows goes through here: prefixed, and never a link (see domain/notice). */
import * as vscode from 'vscode';
import { noticeText } from './domain/notice';

const prefix = (message: string) => noticeText(vscode.l10n.t('SDLC Pipeline: {0}', message));

export const notify = {
  error: <T extends string>(message: string, ...items: T[]) => vscode.window.showErrorMessage<T>(prefix(message), ...items),
  warn: <T extends string>(message: string, ...items: T[]) => vscode.window.showWarningMessage<T>(prefix(message), ...items),
  info: <T extends string>(message: string, ...items: T[]) => vscode.window.showInformationMessage<T>(prefix(message), ...items),
  /** A modal question (its detail text is not prefixed). */
  confirm: <T extends string>(message: string, ...items: T[]) => vscode.window.showWarningMessage<T>(noticeText(message), { modal: true }, ...items),
  /** A modal question with a detail block below it (plain text, several lines; the caller makes each line safe). */
  confirmDetail: <T extends string>(message: string, detail: string, ...items: T[]) => vscode.window.showWarningMessage<T>(noticeText(message), { modal: true, detail: detail.slice(0, 8000) }, ...items),
};
