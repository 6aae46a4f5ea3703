// The receipts library: search, list, open, show in folder and verify. Every
// command here reads local files, so the library works offline.

import { button, facts, h } from "../dom";
import type { Environment } from "../env";
import { formatTimestamp } from "../format";
import type { FlowError, ReceiptList, ReceiptSummary } from "../types";
import { inlineError, modeTag, screenHeading, uniqueId, verificationView } from "./common";
import { receiptActions } from "./done";

export interface ReceiptsActions {
  home(): void;
}

/** Delay after the last keystroke before searching, in milliseconds. */
const SEARCH_DELAY_MS = 250;

export function receiptsScreen(env: Environment, actions: ReceiptsActions): HTMLElement {
  const searchId = uniqueId("receipt-search");
  const searchHelpId = uniqueId("receipt-search-help");
  const search = h("input", {
    id: searchId,
    type: "search",
    spellcheck: "false",
    autocomplete: "off",
    "aria-describedby": searchHelpId,
    "aria-controls": "receipt-results",
  });
  const status = h("p", { class: "results-status", role: "status" });
  const results = h("div", { id: "receipt-results", class: "results" });

  let generation = 0;
  let timer: number | undefined;

  function load(): void {
    generation += 1;
    const mine = generation;
    status.textContent = "Searching…";
    env.ipc.listReceipts({ text: search.value }).then(
      (list) => {
        if (mine === generation) {
          show(list);
        }
      },
      (error: FlowError) => {
        if (mine === generation) {
          status.textContent = "";
          results.replaceChildren(inlineError(env, error));
        }
      },
    );
  }

  function show(list: ReceiptList): void {
    const count = list.entries.length;
    status.textContent =
      count === 0
        ? search.value.trim() === ""
          ? "No receipts yet."
          : "No receipt matches your search."
        : `${count} ${count === 1 ? "receipt" : "receipts"}.`;
    const items = list.entries.map((receipt) => receiptItem(env, receipt));
    const unreadable =
      list.unreadable.length > 0
        ? h(
            "div",
            { class: "unreadable" },
            h("h2", {}, "Files that could not be read"),
            h(
              "ul",
              {},
              ...list.unreadable.map((file) =>
                h("li", {}, h("code", {}, file.path), `: ${file.reason}`),
              ),
            ),
          )
        : null;
    results.replaceChildren(
      ...(items.length > 0 ? [h("ul", { class: "receipt-list" }, ...items)] : []),
      ...(unreadable ? [unreadable] : []),
    );
  }

  search.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, SEARCH_DELAY_MS);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      window.clearTimeout(timer);
      load();
    }
  });

  load();
  const screen = h(
    "section",
    { class: "screen screen-receipts" },
    screenHeading("Receipts"),
    h("label", { for: searchId }, "Search receipts"),
    h("p", { id: searchHelpId, class: "field-help" }, "Matches document title, entity and stakeholder."),
    search,
    status,
    results,
    h("div", { class: "actions" }, button("Back to home", actions.home)),
  );
  screen.addEventListener("screen:leave", () => window.clearTimeout(timer));
  return screen;
}

function receiptItem(env: Environment, receipt: ReceiptSummary): HTMLLIElement {
  const feedback = h("div", { class: "feedback", role: "status" });
  const verification = h("div", { class: "verification-slot" });
  let verifying = false;
  const verifyButton = button(
    "Verify",
    () => {
      if (verifying) {
        return;
      }
      verifying = true;
      verifyButton.disabled = true;
      verification.replaceChildren(h("p", { role: "status" }, "Verifying…"));
      env.ipc.verifyReceipt(receipt.receipt_id).then(
        (result) => {
          verification.replaceChildren(verificationView(result));
        },
        (error: FlowError) => {
          verification.replaceChildren(inlineError(env, error));
        },
      ).finally(() => {
        verifying = false;
        verifyButton.disabled = false;
      });
    },
    { "aria-label": `Verify: ${receipt.document_title}` },
  );

  const actionsRow = receiptActions(env, receipt, feedback);
  actionsRow.appendChild(verifyButton);
  return h(
    "li",
    { class: "receipt-item" },
    h("h2", { class: "receipt-title" }, receipt.document_title, " ", modeTag(receipt.mode)),
    facts([
      ["Entity", receipt.entity_name],
      ["Signed for", `${receipt.stakeholder_name} (typed “${receipt.typed_name}”)`],
      ["Signed at", formatTimestamp(receipt.server_signed_at)],
      ["Receipt ID", h("code", {}, receipt.receipt_id)],
    ]),
    actionsRow,
    feedback,
    verification,
  );
}
