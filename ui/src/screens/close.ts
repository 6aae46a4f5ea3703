// The confirmation shown when the human closes the window while signed
// receipts are unsaved. The shell has kept the window open; only "Close and
// lose them" (the `confirm_close` command) lets it close.

import { button, h } from "../dom";
import type { Environment } from "../env";
import { closeWarning } from "../format";
import type { FlowError, SignDone, UnsavedCopy, UnsavedReceipt } from "../types";
import { inlineError } from "./common";
import { unsavedControls } from "./unsaved";

export interface CloseActions {
  /** The dialog was dismissed and the app stays open. */
  keepOpen(): void;
  /** A receipt was saved or copied from the dialog, so the shell no longer holds it. */
  released(receiptId: string, outcome: SignDone | UnsavedCopy): void;
}

const FOCUSABLE = "button:not([disabled]), a[href], [tabindex='0']";

/**
 * Creates the modal confirmation as a `<dialog>` labelled by its heading and
 * described by its warning. Tab and Shift+Tab cycle inside it; Escape keeps
 * the app open. The caller adds it to the document and calls `open`.
 */
export function closeDialog(
  env: Environment,
  unsaved: UnsavedReceipt[],
  actions: CloseActions,
): { element: HTMLDialogElement; open(): void } {
  const remaining = new Set(unsaved.map((receipt) => receipt.receipt_id));
  const warning = h("p", { id: "close-dialog-warning", class: "close-warning" }, closeWarning(remaining.size));
  const feedback = h("div", { class: "feedback", role: "status" });
  let busy = false;

  const release = (receiptId: string, outcome: SignDone | UnsavedCopy) => {
    remaining.delete(receiptId);
    warning.textContent = closeWarning(remaining.size);
    closeButton.textContent = remaining.size === 0 ? "Close Matter Signer" : "Close and lose them";
    actions.released(receiptId, outcome);
  };

  const rows = unsaved.map((receipt) => {
    const status = h("p", { class: "success-text", tabindex: -1 });
    const controls = unsavedControls(
      env,
      receipt,
      {
        saved: (done: SignDone) => {
          controls.element.replaceChildren(status);
          status.textContent = "Saved in the receipts library.";
          status.focus();
          release(receipt.receipt_id, done);
        },
        copied: (copy: UnsavedCopy) => release(receipt.receipt_id, copy),
      },
      true,
    );
    return h(
      "li",
      { class: "unsaved-row" },
      h("p", {}, h("strong", {}, receipt.document_title), ` (${receipt.entity_name})`),
      h("p", {}, "Receipt ID ", h("code", {}, receipt.receipt_id)),
      controls.element,
    );
  });

  const keepButton = button("Keep Matter Signer open", () => dismiss(), { class: "primary" });
  const closeButton = button(
    "Close and lose them",
    () => {
      if (busy) {
        return;
      }
      busy = true;
      closeButton.setAttribute("aria-disabled", "true");
      feedback.replaceChildren("Closing…");
      env.ipc.confirmClose().then(
        () => {
          // The shell closes the window; nothing is left to do here.
        },
        (error: FlowError) => {
          busy = false;
          closeButton.removeAttribute("aria-disabled");
          feedback.replaceChildren(inlineError(env, error));
        },
      );
    },
    { class: "danger" },
  );

  const dialog = h(
    "dialog",
    { class: "close-dialog", "aria-labelledby": "close-dialog-title", "aria-describedby": "close-dialog-warning" },
    h("h2", { id: "close-dialog-title" }, "Close Matter Signer?"),
    warning,
    h(
      "p",
      {},
      "Matter has recorded these signatures, so signing again will not bring the receipts back. Save a copy of each first, or keep the app open and fix the problem.",
    ),
    h("ul", { class: "unsaved-list" }, ...rows),
    feedback,
    h("div", { class: "actions" }, keepButton, closeButton),
  );

  let dismissed = false;
  const dismiss = () => {
    if (dismissed) {
      return;
    }
    dismissed = true;
    if (dialog.open && typeof dialog.close === "function") {
      dialog.close();
    }
    dialog.remove();
    actions.keepOpen();
  };

  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      dismiss();
      return;
    }
    if (event.key !== "Tab") {
      return;
    }
    const focusable = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) {
      return;
    }
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !dialog.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !dialog.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  });
  // Escape may reach the dialog as `cancel` without a keydown (for example from
  // an assistive technology); it keeps the app open as well.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    dismiss();
  });

  return {
    element: dialog,
    open() {
      // jsdom, which the unit tests use, has no showModal.
      if (typeof dialog.showModal === "function") {
        dialog.showModal();
      } else {
        dialog.setAttribute("open", "");
      }
      keepButton.focus();
    },
  };
}
