// A validated signing link, before anything is fetched or signed.

import { button, facts, h } from "../dom";
import type { SigningRequestView } from "../types";
import { screenHeading } from "./common";

export interface RequestActions {
  start(): void;
  home(): void;
}

export function requestScreen(request: SigningRequestView, actions: RequestActions): HTMLElement {
  const details =
    request.kind === "document"
      ? facts([
          ["Kind", "A single document"],
          ["Document ID", h("code", {}, request.document_id)],
          ["Stakeholder ID", h("code", {}, request.stakeholder_id)],
        ])
      : facts([
          ["Kind", "A signer's place in an envelope"],
          ["Envelope ID", h("code", {}, request.signing_envelope_id)],
          ["Signer ID", h("code", {}, request.signer_id)],
          ["Stakeholder ID", h("code", {}, request.stakeholder_id)],
        ]);

  let started = false;
  const startButton = button(
    "Review the document",
    () => {
      if (started) {
        return;
      }
      started = true;
      startButton.disabled = true;
      actions.start();
    },
    { class: "primary" },
  );

  return h(
    "section",
    { class: "screen screen-request" },
    screenHeading("A signing request"),
    h("p", { class: "lead" }, "A signing link asks you to review and sign:"),
    details,
    h(
      "p",
      {},
      "The app signs you in if needed, fetches the document and shows its disclosure packet. Nothing is signed until you type your name and press Sign.",
    ),
    h("div", { class: "actions" }, startButton, button("Not now", actions.home)),
  );
}
