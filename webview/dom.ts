// A tiny DOM builder. Never sets a `style` attribute: the CSP has no 'unsafe-inline', so inline
// style attributes would be refused; dynamic sizes go through the CSSOM (element.style.x) instead.

export type Child = Node | string | number | null | undefined | false;
export type Attrs = Readonly<Record<string, string | number | boolean | null | undefined | ((ev: Event) => void)>>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (name === 'style') throw new Error('inline style attributes are blocked by the CSP');
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let idCounter = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/**
 * A translated sentence with elements in it: "{0}" and "{1}" in `text` become `parts[0]` and
 * `parts[1]`, wherever the translation put them (a placeholder with no part stays as written).
 */
export function withParts(text: string, parts: readonly Child[]): Child[] {
  return text.split(/(\{\d+\})/).map((piece) => {
    const m = /^\{(\d+)\}$/.exec(piece);
    return m && Number(m[1]) < parts.length ? parts[Number(m[1])] : piece;
  }).filter((c) => c !== '');
}
