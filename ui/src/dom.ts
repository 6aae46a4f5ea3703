// Minimal DOM builder. Text always goes in through Text nodes, so data from
// the shell is never parsed as markup. This module never touches innerHTML
// and rejects `style` and event-handler attributes.

type Attributes = Record<string, string | number | boolean | null | undefined>;
export type Child = Node | string | null | undefined | false;

/**
 * Creates an element with attributes and children. String children become
 * Text nodes. An attribute whose value is `false`, `null` or `undefined` is
 * left out; `true` sets an empty attribute.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "style" || name.toLowerCase().startsWith("on")) {
      throw new Error(`attribute ${name} is not allowed; use classes and addEventListener`);
    }
    if (value === false || value === null || value === undefined) {
      continue;
    }
    element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** Removes every child of `element`. */
export function clear(element: Element): void {
  while (element.firstChild) {
    element.removeChild(element.firstChild);
  }
}

/** Creates a button of type "button" that runs `action` when activated. */
export function button(
  label: string,
  action: (event: MouseEvent) => void,
  attributes: Attributes = {},
): HTMLButtonElement {
  const element = h("button", { type: "button", ...attributes }, label);
  element.addEventListener("click", action);
  return element;
}

/** Creates a definition list from label and value pairs, skipping pairs with no value. */
export function facts(pairs: [string, Child][], className = "facts"): HTMLDListElement {
  const list = h("dl", { class: className });
  for (const [label, value] of pairs) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    append(list, h("dt", {}, label), h("dd", {}, value));
  }
  return list;
}
