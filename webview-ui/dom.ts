/**
 * The form's DOM helpers: `el()` builds an element from a tag, attributes and children (text
 * becomes text nodes, never parsed as HTML), `dropdown()` and `option()` the toolkit's pickers,
 * `byId()` finds one by id, `disable()` disables one, and `Field` is the shape of a toolkit
 * control the form reads and writes. No state, nothing runs at import.
 */

export type Field = HTMLElement & { value: string; disabled: boolean; checked?: boolean };

export function el(tag: string, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c); // strings become text nodes: never parsed as HTML
  return e;
}

/** A toolkit picker (`vscode-dropdown`) with these attributes. */
export const dropdown = (attrs: Record<string, string>) => el('vscode-dropdown', attrs) as Field;

/** One of a picker's choices: `value` first, then any other attributes, and its visible label. */
export const option = (value: string, label: string, attrs: Record<string, string> = {}) => el('vscode-option', { value, ...attrs }, label);

export const byId = (id: string) => document.getElementById(id);

/** Sets the (boolean) `disabled` attribute, as the toolkit's controls read it. */
export const disable = (e: Element) => e.setAttribute('disabled', '');
