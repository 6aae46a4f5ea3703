// The document, its disclosure packet and the consent to sign.
//
// The packet is shown with textContent only. The name field and the Sign
// button stay disabled until the end of the packet has been on screen, and a
// second activation of Sign while the first is being sent does nothing.

import { button, facts, h } from "../dom";
import type { Environment } from "../env";
import {
  formatBytes,
  isSha256Hex,
  normaliseTypedName,
  signatureText,
  TYPED_NAME_MAX,
  typedNameProblem,
} from "../format";
import type { Decision, Review } from "../types";
import { hashBlock, inlineError, modeTag, screenHeading, uniqueId } from "./common";

export interface ReviewActions {
  /** Sends the decision; the promise settles when the shell accepted it. */
  decide(decision: Decision): Promise<void>;
}

export function reviewScreen(env: Environment, review: Review, actions: ReviewActions): HTMLElement {
  const hashValid = isSha256Hex(review.packet_hash);

  const documentFacts = facts([
    ["Title", review.document.title],
    ["Entity", `${review.document.entity_name} (${review.document.entity_id})`],
    ["Asked to sign", `${review.stakeholder.name} (${review.stakeholder.id})`],
    ["Signed in as", `${review.signed_in_user.name} <${review.signed_in_user.email}>`],
    [
      "Envelope",
      review.envelope
        ? `${review.envelope.subject}: signer ${review.envelope.position} of ${review.envelope.signer_count}`
        : null,
    ],
    ["Document ID", h("code", {}, review.document.id)],
    ["Envelope ID", review.envelope ? h("code", {}, review.envelope.id) : null],
    ["Size", formatBytes(review.document.byte_length)],
    ["Status", review.document.execution_status],
    ["Mode", modeTag(review.mode)],
  ]);

  // The packet pane: focusable so the keyboard can scroll it, with a sentinel
  // after the text whose visibility means the reader reached the end.
  const packetHeadingId = uniqueId("packet-heading");
  const hintId = uniqueId("sign-hint");
  const packetText = h("pre", { class: "packet-text" });
  packetText.textContent = review.packet_text;
  const sentinel = h("div", { class: "packet-end", "aria-hidden": "true" });
  const endMarker = h("p", { class: "packet-end-marker" }, "End of the disclosure packet.");
  const pane = h(
    "div",
    {
      class: "packet-pane",
      tabindex: 0,
      role: "region",
      "aria-labelledby": packetHeadingId,
      "aria-describedby": hintId,
    },
    packetText,
    endMarker,
    sentinel,
  );
  pane.addEventListener("keydown", (event) => {
    // Browsers scroll a focused scroll container on End, but not all engines
    // do it for a div with tabindex, and none scrolls the window to show the
    // pane's bottom edge, so End does both here.
    if (event.key === "End" && !event.ctrlKey && !event.altKey && !event.metaKey) {
      pane.scrollTop = pane.scrollHeight;
      sentinel.scrollIntoView({ block: "nearest" });
      event.preventDefault();
    } else if (event.key === "Home" && !event.ctrlKey && !event.altKey && !event.metaKey) {
      pane.scrollTop = 0;
      event.preventDefault();
    }
  });

  const hint = h("p", { id: hintId, class: "hint", role: "status" });
  const nameId = uniqueId("typed-name");
  const nameHelpId = uniqueId("typed-name-help");
  const nameInput = h("input", {
    id: nameId,
    type: "text",
    autocomplete: "name",
    spellcheck: "false",
    maxlength: TYPED_NAME_MAX,
    disabled: true,
    "aria-describedby": `${nameHelpId} ${hintId}`,
  });
  const nameHelp = h(
    "p",
    { id: nameHelpId, class: "field-help" },
    `Type your full name as Matter has it: ${review.stakeholder.name}. It becomes your electronic signature.`,
  );
  const preview = h("pre", { class: "signature-preview" });
  const previewBlock = h(
    "div",
    { class: "signature-preview-block" },
    h("p", { class: "preview-label" }, "Matter will record exactly this text as your signature:"),
    preview,
  );
  const errorSlot = h("div", { class: "error-slot" });

  let endReached = false;
  let submitting = false;

  const signButton = button("Sign", () => {
    if (submitting || signButton.disabled) {
      return;
    }
    const problem = typedNameProblem(nameInput.value, review.stakeholder.name);
    if (problem !== null || !endReached || !hashValid) {
      update();
      return;
    }
    submitting = true;
    errorSlot.replaceChildren();
    update();
    actions
      .decide({ kind: "sign", typed_name: normaliseTypedName(nameInput.value) })
      .catch((error: { message: string; request_id?: string }) => {
        submitting = false;
        errorSlot.replaceChildren(inlineError(env, error));
        update();
      });
  }, { class: "primary", "aria-describedby": hintId });

  const cancelButton = button("Cancel, do not sign", () => {
    if (submitting) {
      return;
    }
    submitting = true;
    update();
    actions.decide({ kind: "cancel" }).catch((error: { message: string; request_id?: string }) => {
      submitting = false;
      errorSlot.replaceChildren(inlineError(env, error));
      update();
    });
  });

  function update(): void {
    const problem = typedNameProblem(nameInput.value, review.stakeholder.name);
    nameInput.disabled = !endReached || submitting || !hashValid;
    signButton.disabled = !endReached || problem !== null || submitting || !hashValid;
    cancelButton.disabled = submitting;
    signButton.setAttribute("aria-busy", submitting ? "true" : "false");
    signButton.textContent = submitting ? "Signing…" : "Sign";

    if (!hashValid) {
      hint.textContent =
        "Signing is blocked: the packet's hash is not a SHA-256 digest, so it cannot be checked.";
    } else if (!endReached) {
      hint.textContent =
        "Read the packet to its end to enable signing. With the keyboard, focus the packet and press End.";
    } else if (problem !== null) {
      hint.textContent = problem;
    } else if (submitting) {
      hint.textContent = "Sending your decision…";
    } else {
      hint.textContent = "Ready to sign.";
    }

    const name = normaliseTypedName(nameInput.value);
    preview.textContent = signatureText(review.signature_attestation, name === "" ? "…" : name);
  }

  nameInput.addEventListener("input", update);
  nameInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      signButton.click();
    }
  });

  const stopWatching = env.whenVisible(sentinel, () => {
    endReached = true;
    update();
  });
  update();

  const screen = h(
    "section",
    { class: "screen screen-review", "aria-labelledby": "review-heading" },
    screenHeading("Review and sign"),
    h("h2", {}, "The document"),
    documentFacts,
    hashBlock(env, "Document SHA-256", review.document.sha256),
    h("h2", { id: packetHeadingId }, "Disclosure packet"),
    h(
      "p",
      {},
      "This is everything Matter discloses about what signing does. Read it in full; it scrolls.",
    ),
    pane,
    hashBlock(env, "Disclosure packet SHA-256", review.packet_hash),
    h(
      "p",
      { class: "note" },
      hashValid
        ? "This hash matches what Matter will bind to your signature: the app computed it from the packet shown above and checked it against the hash Matter sent."
        : "This is not a valid SHA-256 digest, so the app cannot show that it matches what Matter will bind.",
    ),
    h("h2", {}, "Your signature"),
    h("p", { class: "attestation-label" }, "Attestation:"),
    h("blockquote", { class: "attestation" }, review.signature_attestation),
    h("label", { for: nameId }, "Your full name"),
    nameHelp,
    nameInput,
    hint,
    previewBlock,
    errorSlot,
    h("div", { class: "actions" }, signButton, cancelButton),
  );
  const heading = screen.querySelector("h1");
  if (heading) {
    heading.id = "review-heading";
  }
  screen.addEventListener("screen:leave", () => stopWatching());
  return screen;
}
