// The signature is recorded: the receipt's summary and what to do with it.

import { button, facts, h } from "../dom";
import type { Environment } from "../env";
import { formatTimestamp } from "../format";
import type { ReceiptSummary, SignDone } from "../types";
import { hashBlock, inlineError, modeTag, screenHeading, verificationView } from "./common";
import { type UnsavedActions, unsavedAlert } from "./unsaved";

export interface DoneActions extends UnsavedActions {
  home(): void;
  receipts(): void;
}

export function doneScreen(env: Environment, done: SignDone, actions: DoneActions): HTMLElement {
  const receipt = done.receipt;
  const feedback = h("div", { class: "feedback", role: "status" });

  const parts: (HTMLElement | null)[] = [];
  if (done.saved) {
    parts.push(h("p", { class: "lead success-text" }, "Matter recorded your signature and the receipt is saved."));
  } else if (done.unsaved) {
    parts.push(unsavedAlert(env, done.unsaved, actions));
  } else {
    // The shell sent no held receipt, so only the warning and the reason are shown.
    parts.push(
      h(
        "div",
        { class: "inline-error", role: "alert" },
        h("p", {}, h("strong", {}, "Matter recorded your signature, but the receipt was not saved. Do not sign again.")),
        done.save_error ? h("p", {}, done.save_error) : null,
        h("p", {}, "Free disk space or fix the receipts folder's permissions, and keep this window open while you do."),
      ),
    );
  }

  if (receipt) {
    parts.push(receiptFacts(receipt), hashBlock(env, "Disclosure packet SHA-256", receipt.packet_hash));
  }
  if (done.verification) {
    parts.push(verificationView(done.verification));
  }
  if (receipt && done.saved) {
    parts.push(receiptActions(env, receipt, feedback));
  }

  return h(
    "section",
    { class: "screen screen-done" },
    screenHeading(done.saved ? "Signed" : "Signed, receipt not saved"),
    ...parts,
    feedback,
    h(
      "div",
      { class: "actions" },
      button("Back to home", actions.home),
      button("All receipts", actions.receipts),
    ),
  );
}

export function receiptFacts(receipt: ReceiptSummary): HTMLElement {
  return facts([
    ["Document", receipt.document_title],
    ["Entity", `${receipt.entity_name} (${receipt.entity_id})`],
    ["Signed for", `${receipt.stakeholder_name} (${receipt.stakeholder_id})`],
    ["Typed name", receipt.typed_name],
    ["Mode", modeTag(receipt.mode)],
    ["Matter recorded it at", formatTimestamp(receipt.server_signed_at)],
    ["Saved on this computer at", formatTimestamp(receipt.local_signed_at)],
    ["Receipt ID", h("code", {}, receipt.receipt_id)],
  ]);
}

/**
 * Open, show-in-folder and export buttons for one receipt. Each accessible
 * name starts with the visible label (WCAG 2.5.3) and adds the title, so a
 * list of receipts does not read as a row of identical buttons.
 */
export function receiptActions(
  env: Environment,
  receipt: ReceiptSummary,
  feedback: HTMLElement,
): HTMLElement {
  const report = (promise: Promise<unknown>, success: string | null) => {
    feedback.replaceChildren();
    promise.then(
      () => {
        if (success) {
          feedback.textContent = success;
        }
      },
      (error: { message: string; request_id?: string }) => {
        feedback.replaceChildren(inlineError(env, error));
      },
    );
  };
  const title = receipt.document_title;
  const controls: HTMLElement[] = [];
  if (receipt.files.html !== null) {
    controls.push(
      button("Open receipt", () => report(env.ipc.openReceipt(receipt.receipt_id, "html"), null), {
        "aria-label": `Open receipt: ${title}`,
      }),
    );
  }
  if (receipt.files.pdf !== null) {
    controls.push(
      button("Open PDF", () => report(env.ipc.openReceipt(receipt.receipt_id, "pdf"), null), {
        "aria-label": `Open PDF: ${title}`,
      }),
    );
  }
  if (receipt.files.html === null && receipt.files.pdf === null) {
    controls.push(
      button("Open receipt data", () => report(env.ipc.openReceipt(receipt.receipt_id, "json"), null), {
        "aria-label": `Open receipt data: ${title}`,
      }),
    );
  }
  controls.push(
    button("Show in folder", () => report(env.ipc.revealReceipt(receipt.receipt_id), null), {
      "aria-label": `Show in folder: ${title}`,
    }),
    button(
      "Export…",
      () => {
        feedback.replaceChildren();
        env.ipc.exportReceipt(receipt.receipt_id).then(
          (folder) => {
            feedback.textContent = folder === null ? "Export cancelled." : `Exported to ${folder}.`;
          },
          (error: { message: string; request_id?: string }) => {
            feedback.replaceChildren(inlineError(env, error));
          },
        );
      },
      { "aria-label": `Export…: ${title}` },
    ),
  );
  return h("div", { class: "actions receipt-actions" }, ...controls);
}
