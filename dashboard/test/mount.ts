import { afterEach } from 'vitest';

/**
 * Renders an element with the given properties into the document and waits for Lit's first
 * update; every mounted element is removed after each test.
 */
export async function mount<Tag extends keyof HTMLElementTagNameMap>(tag: Tag, properties: Partial<HTMLElementTagNameMap[Tag]> = {}): Promise<HTMLElementTagNameMap[Tag]> {
  const element = Object.assign(document.createElement(tag), properties);
  document.body.append(element);
  await settle(element);
  return element;
}

/** Waits until the element and the elements inside it have rendered. */
export async function settle(element: Element): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const pending = [element, ...deepElements(element)].filter(isLit);
    const changed = await Promise.all(pending.map((e) => e.updateComplete));
    if (changed.every(Boolean)) return;
  }
}

/** The element's shadow root; every Mien element has one. */
export function shadow(element: Element): ShadowRoot {
  if (!element.shadowRoot) throw new Error(`${element.localName} has no shadow root`);
  return element.shadowRoot;
}

/** Text of a node and its descendants, crossing shadow roots; elements are set apart by a space. */
export function textOf(node: Node): string {
  return collectText(node).replace(/\s+/g, ' ').trim();
}

function collectText(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  if (node instanceof HTMLStyleElement) return '';
  const children = node instanceof Element && node.shadowRoot ? [...node.shadowRoot.childNodes] : [...node.childNodes];
  return children.map((child) => (child instanceof Element ? ` ${collectText(child)} ` : collectText(child))).join('');
}

function* deepElements(root: Element): Generator<Element> {
  for (const child of [...(root.shadowRoot?.querySelectorAll('*') ?? []), ...root.querySelectorAll('*')]) {
    yield child;
    yield* deepElements(child);
  }
}

function isLit(element: Element): element is Element & { updateComplete: Promise<boolean> } {
  return 'updateComplete' in element;
}

afterEach(() => {
  document.body.replaceChildren();
});
