/**
 * The ticket form's page: a nonce CSP (no inline script, resources only from the form's own
 * folder), the script and stylesheet, and its first messages as a JSON data block (every `<`
 * escaped, see domain/htmlData) so it paints before any round trip.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { jsonForHtml } from './domain/htmlData';
import type { HostMessage } from './protocol';

export function formPage(webview: vscode.Webview, assets: vscode.Uri, initial: readonly HostMessage[]): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(assets, 'main.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(assets, 'main.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  // Translations end up in HTML text here: escaped, though they come with the extension.
  const text = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const lang = vscode.l10n.bundle ? vscode.env.language : 'en';
  return `<!DOCTYPE html>
<html lang="${text(lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${text(vscode.l10n.t('New Ticket'))}</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="loading">${text(vscode.l10n.t('Loading…'))}</p></main>
<script type="application/json" id="initial-messages">${jsonForHtml(initial)}</script>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
