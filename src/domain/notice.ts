/**
 * Text for a VS Code notification. Notifications render `[label](command:…)` as a clickable
 * link that runs the command with arguments, so any text that can come from outside (a setting
 * value, a ticket title, an import, the CLI's output) must not form one: `](` is broken apart.
 * Control characters go too, and the length is capped. Pure: no `vscode` import.
 */
import { oneLine } from './terminalText';

export const NOTICE_MAX = 1000;

export function noticeText(text: string): string {
  const clean = oneLine(text, Infinity);
  // `[x](y)` → `[x] (y)`: still readable, never a link; also defuses `<a href>` and bare `command:` URIs.
  const unlinked = clean.replace(/\]\s*\(/g, '] (').replace(/<(\/?)a\b/gi, '‹$1a').replace(/\bcommand:/gi, 'command\u200b:');
  return unlinked.length > NOTICE_MAX ? `${unlinked.slice(0, NOTICE_MAX - 1)}…` : unlinked;
}
