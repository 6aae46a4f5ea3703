// Recovery controls for a signed receipt the library could not store: try the
// save again, or write a copy to a file the human picks. The done screen and
// the home screen's warning both use them.

import { button, h } from "../dom";
import type { Environment } from "../env";
import { unsavedCopyMessage } from "../format";
import type { FlowError, SignDone, UnsavedCopy, UnsavedReceipt } from "../types";
import { inlineError } from "./common";

export interface UnsavedActions {
  /** The receipt is now in the library; `done` is its saved summary. */
  saved(done: SignDone): void;
  /** A copy was written to a file, and the shell has released the receipt. */
  copied(copy: UnsavedCopy): void;
}

export interface UnsavedControls {
  element: HTMLElement;
  /** The "Why" line, updated after each failed retry. */
  reason: HTMLElement;
}

/**
 * Creates "Try saving again" and "Save a copy…" for one receipt, with a
 * status line. When `named` is set, each accessible name adds the document
 * title after the visible label (WCAG 2.5.3), for lists of receipts.
 */
export function unsavedControls(
  env: Environment,
  unsaved: UnsavedReceipt,
  actions: UnsavedActions,
  named: boolean,
): UnsavedControls {
  const reason = h("p", { class: "unsaved-reason" }, `Why: ${unsaved.error.message}`);
  const feedback = h("div", { class: "feedback", role: "status", tabindex: -1 });
  const label = (text: string) => (named ? { "aria-label": `${text}: ${unsaved.document_title}` } : {});
  let busy = false;

  // aria-disabled rather than disabled, so the focused button keeps the focus
  // while the shell works; `busy` drops repeated activations.
  const setBusy = (value: boolean) => {
    busy = value;
    for (const control of [retry, copy]) {
      if (value) {
        control.setAttribute("aria-disabled", "true");
      } else {
        control.removeAttribute("aria-disabled");
      }
    }
  };
  const fail = (error: FlowError) => {
    setBusy(false);
    if (error.code === "receipt_not_saved") {
      reason.textContent = `Why: ${error.message}`;
    }
    feedback.replaceChildren(inlineError(env, error));
  };

  const retry = button(
    "Try saving again",
    () => {
      if (busy) {
        return;
      }
      setBusy(true);
      feedback.replaceChildren("Saving the receipt…");
      env.ipc.saveUnsavedReceipt(unsaved.receipt_id).then((done) => {
        setBusy(false);
        actions.saved(done);
      }, fail);
    },
    { class: "primary", ...label("Try saving again") },
  );

  const copy = button(
    "Save a copy…",
    () => {
      if (busy) {
        return;
      }
      setBusy(true);
      feedback.replaceChildren();
      env.ipc.exportUnsavedReceipt(unsaved.receipt_id).then((written) => {
        setBusy(false);
        if (written === null) {
          feedback.replaceChildren("No copy saved. The app still holds the receipt.");
          return;
        }
        // The shell has released the receipt, so its buttons go and the
        // message takes the focus they had.
        buttons.remove();
        feedback.replaceChildren(h("p", { class: "success-text" }, unsavedCopyMessage(written.receipt_id, written.path)));
        feedback.focus();
        actions.copied(written);
      }, fail);
    },
    label("Save a copy…"),
  );

  const buttons = h("div", { class: "actions unsaved-actions" }, retry, copy);
  return { element: h("div", { class: "unsaved-controls" }, buttons, feedback), reason };
}

/**
 * Creates the done screen's alert for a signature Matter recorded whose
 * receipt is not saved: the receipt ID, the reason, and the two ways to keep it.
 */
export function unsavedAlert(env: Environment, unsaved: UnsavedReceipt, actions: UnsavedActions): HTMLElement {
  const advice = h(
    "p",
    {},
    "This app holds the receipt until you save it, and loses it when the app closes. Fix the problem and choose Try saving again, or choose Save a copy… to write it to another folder.",
  );
  const controls = unsavedControls(
    env,
    unsaved,
    {
      ...actions,
      copied: (written) => {
        // The app no longer holds the receipt; the copy is now the one to keep.
        advice.replaceChildren("The app no longer holds this receipt: the copy you saved is the one to keep, until you file it with the command below.");
        actions.copied(written);
      },
    },
    false,
  );
  return h(
    "div",
    { class: "unsaved" },
    h(
      "div",
      { class: "unsaved-alert", role: "alert" },
      h(
        "p",
        {},
        h("strong", {}, "Matter recorded your signature (receipt ID "),
        h("code", {}, unsaved.receipt_id),
        h("strong", {}, "), but the receipt is not saved yet. Do not sign again: the document is already signed."),
      ),
      controls.reason,
      advice,
    ),
    controls.element,
  );
}
