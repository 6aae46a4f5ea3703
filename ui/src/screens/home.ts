// Home: who is signed in, a field to open a signing link, recent receipts.

import { button, h } from "../dom";
import type { Environment } from "../env";
import { formatTimestamp, unsavedBannerTitle } from "../format";
import type { AppState, FlowError, ReceiptSummary, UnsavedReceipt } from "../types";
import { inlineError, modeTag, screenHeading, uniqueId } from "./common";
import { type UnsavedActions, unsavedControls } from "./unsaved";

export interface HomeActions extends UnsavedActions {
  signIn(): void;
  signOut(): void;
  checkLink(link: string): Promise<void>;
  receipts(): void;
  openReceipt(receipt: ReceiptSummary): void;
}

/** Maximum length accepted in the link field; the engine's parser has its own cap. */
const LINK_FIELD_MAX = 2048;

export interface HomeScreen {
  element: HTMLElement;
  /** Replaces the "Loading receipts" line with the receipts or the error. */
  showRecent(recent: ReceiptSummary[] | FlowError): void;
}

export function homeScreen(env: Environment, state: AppState, actions: HomeActions): HomeScreen {
  const account = state.user
    ? h(
        "div",
        { class: "account" },
        h("p", {}, "Signed in as ", h("strong", {}, state.user.name), ` <${state.user.email}>`),
        button("Sign out", actions.signOut),
      )
    : h(
        "div",
        { class: "account" },
        h("p", {}, "Not signed in. The app asks you to sign in when you open a signing link."),
        button("Sign in", actions.signIn, { class: "primary" }),
      );

  const storageNote =
    state.storage.kind === "memory"
      ? h(
          "p",
          { class: "warning-text" },
          "Your sign-in is kept in memory only and ends when the app closes",
          state.storage.reason ? `: ${state.storage.reason.replace(/\.$/, "")}.` : ".",
        )
      : null;

  const linkId = uniqueId("link-field");
  const linkHelpId = uniqueId("link-help");
  const linkInput = h("input", {
    id: linkId,
    type: "text",
    spellcheck: "false",
    autocomplete: "off",
    maxlength: LINK_FIELD_MAX,
    "aria-describedby": linkHelpId,
  });
  const linkError = h("div", { class: "error-slot" });
  const form = h(
    "form",
    { class: "link-form", novalidate: true },
    h("label", { for: linkId }, "Signing link"),
    h(
      "p",
      { id: linkHelpId, class: "field-help" },
      "Paste a mattermode:// link if clicking it did not open this app.",
    ),
    h("div", { class: "link-row" }, linkInput, h("button", { type: "submit" }, "Open link")),
    linkError,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    linkError.replaceChildren();
    const link = linkInput.value.trim();
    if (link === "") {
      linkError.replaceChildren(inlineError(env, { message: "Paste a signing link first." }));
      return;
    }
    actions.checkLink(link).catch((error: FlowError) => {
      linkError.replaceChildren(inlineError(env, error));
    });
  });

  const recentSlot = h("div", { class: "recent-slot" }, recentList(env, null, actions));
  const element = h(
    "section",
    { class: "screen screen-home" },
    screenHeading("Matter Signer"),
    unsavedBanner(env, state.unsaved_receipts, actions),
    account,
    storageNote,
    h("h2", {}, "Open a signing link"),
    form,
    h("h2", {}, "Recent receipts"),
    recentSlot,
    h("div", { class: "actions" }, button("All receipts", actions.receipts)),
  );
  return {
    element,
    showRecent: (recent) => recentSlot.replaceChildren(recentList(env, recent, actions)),
  };
}

function recentList(
  env: Environment,
  recent: ReceiptSummary[] | FlowError | null,
  actions: HomeActions,
): HTMLElement {
  if (recent === null) {
    return h("p", { role: "status" }, "Loading receipts…");
  }
  if (!Array.isArray(recent)) {
    return inlineError(env, recent);
  }
  if (recent.length === 0) {
    return h("p", {}, "No receipts yet. They appear here after you sign.");
  }
  return h(
    "ul",
    { class: "receipt-list recent" },
    ...recent.map((receipt) =>
      h(
        "li",
        { class: "receipt-row" },
        h(
          "span",
          { class: "receipt-main" },
          h("strong", {}, receipt.document_title),
          ` ${receipt.entity_name}, signed ${formatTimestamp(receipt.server_signed_at)} `,
          modeTag(receipt.mode),
        ),
        button("Open", () => actions.openReceipt(receipt), {
          "aria-label": `Open: ${receipt.document_title}`,
        }),
      ),
    ),
  );
}

/**
 * The warning shown while the shell holds signed receipts it could not save,
 * each with its recovery controls. A landmark region, not an alert, because
 * home is shown often; the done screen raised the alert when signing ended.
 */
function unsavedBanner(env: Environment, unsaved: UnsavedReceipt[], actions: UnsavedActions): HTMLElement | null {
  if (unsaved.length === 0) {
    return null;
  }
  const headingId = uniqueId("unsaved-heading");
  return h(
    "section",
    { class: "unsaved-banner", "aria-labelledby": headingId },
    h("h2", { id: headingId }, unsavedBannerTitle(unsaved.length)),
    h(
      "p",
      {},
      "Matter recorded these signatures, so do not sign them again. Their receipts are only in this app's memory and are lost when it closes: save each one now.",
    ),
    h(
      "ul",
      { class: "unsaved-list" },
      ...unsaved.map((receipt) => {
        const controls = unsavedControls(env, receipt, actions, true);
        return h(
          "li",
          { class: "unsaved-row" },
          h("p", {}, h("strong", {}, receipt.document_title), ` ${receipt.entity_name}, signed ${formatTimestamp(receipt.server_signed_at)}`),
          h("p", {}, "Receipt ID ", h("code", {}, receipt.receipt_id)),
          controls.reason,
          controls.element,
        );
      }),
    ),
  );
}
