/**
 * Localised text for code that cannot import `vscode`: the domain and the form's browser code.
 *
 * `t()` has `vscode.l10n.t`'s shape and placeholders (`{0}`, `{1}`, … or `{name}` with an object),
 * and `@vscode/l10n-dev export` finds its calls (`l10n.t('…')`, the module imported as `l10n`)
 * beside the adapters' `vscode.l10n.t('…')`, so one bundle, `l10n/bundle.l10n.json`, holds both.
 * With no bundle (English, and unit tests) a message is its own translation. The extension host
 * hands `vscode.l10n.bundle` to `useBundle` in every bundle it loads (src/l10nHost.ts); the form
 * receives it from the host in an `l10n` message.
 */
export type L10nArg = string | number | boolean;
export type L10nBundle = Readonly<Record<string, string>>;

let bundle: L10nBundle | undefined;

/** The translations to use from now on; `undefined` for the source language. */
export function useBundle(next: L10nBundle | undefined): void {
  bundle = next;
}

/** The message in the current language, its `{0}` / `{name}` placeholders filled in. */
export function t(message: string, ...args: L10nArg[]): string;
export function t(message: string, args: Readonly<Record<string, L10nArg>>): string;
export function t(message: string, ...args: Array<L10nArg | Readonly<Record<string, L10nArg>>>): string {
  // Own-property lookup: a message such as "constructor" must not find Object.prototype's.
  const text = bundle && Object.hasOwn(bundle, message) ? bundle[message] : message;
  return format(text, args);
}

/** `{0}` → the first argument, `{name}` → a named one; a placeholder with no argument stays as it is. */
function format(text: string, args: ReadonlyArray<L10nArg | Readonly<Record<string, L10nArg>>>): string {
  if (args.length === 0) return text;
  const named = args.length === 1 && typeof args[0] === 'object' ? args[0] : undefined;
  return text.replace(/\{([^{}\s]+)\}/g, (whole, key: string) => {
    const value = named ? (Object.hasOwn(named, key) ? named[key] : undefined) : /^\d+$/.test(key) ? args[Number(key)] : undefined;
    return value === undefined || typeof value === 'object' ? whole : String(value);
  });
}
