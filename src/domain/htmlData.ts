/**
 * JSON for a `<script type="application/json">` data block in a webview's HTML: never executed,
 * and unable to close its element or open a comment, whatever the value holds (a ticket title
 * such as `</script><script>…`): every `<` is written as `\u003c`, which JSON.parse reads back.
 * Pure: no `vscode` import.
 */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
