// Everything the screens need from the outside world, gathered so tests can
// provide their own.

import type { Ipc } from "./ipc";

export interface Environment {
  ipc: Ipc;
  /** Copies text to the system clipboard; rejects when the clipboard is unavailable. */
  copyText(text: string): Promise<void>;
  /**
   * Calls `onVisible` once `target` has been inside the viewport (and inside
   * every scrolling ancestor). Returns a function that stops watching.
   */
  whenVisible(target: Element, onVisible: () => void): () => void;
  /** Milliseconds since the epoch. */
  now(): number;
}

export function browserEnvironment(ipc: Ipc): Environment {
  return {
    ipc,
    copyText: (text) => navigator.clipboard.writeText(text),
    whenVisible(target, onVisible) {
      // The viewport is the root, so the packet's end counts as shown only when
      // it is on screen, not merely scrolled into the pane while the pane itself
      // is outside the window.
      const observer = new IntersectionObserver((entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          observer.disconnect();
          onVisible();
        }
      });
      observer.observe(target);
      return () => observer.disconnect();
    },
    now: () => Date.now(),
  };
}
