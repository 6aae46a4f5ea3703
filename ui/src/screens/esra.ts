// The E-SIGN consumer disclosure and the stakeholder's consent to electronic
// records, asked only when Matter reports that consent is missing.

import { button, h } from "../dom";
import type { Environment } from "../env";
import type { EsraAnswer, EsraPrompt, PaperCopyMethod } from "../types";
import { inlineError, screenHeading, uniqueId } from "./common";

export interface EsraActions {
  answer(answer: EsraAnswer): Promise<void>;
}

export function esraScreen(env: Environment, prompt: EsraPrompt, actions: EsraActions): HTMLElement {
  const textHeadingId = uniqueId("esra-heading");
  const text = h("pre", { class: "packet-text" });
  text.textContent = prompt.text;
  const pane = h(
    "div",
    { class: "packet-pane esra-pane", tabindex: 0, role: "region", "aria-labelledby": textHeadingId },
    text,
  );

  const group = uniqueId("paper-copy");
  const radio = (value: PaperCopyMethod, label: string, checked: boolean) => {
    const id = uniqueId("paper-copy-option");
    const input = h("input", { type: "radio", name: group, id, value, checked });
    return { input, row: h("div", { class: "choice" }, input, h("label", { for: id }, label)) };
  };
  const email = radio("email", "By email", true);
  const postal = radio("postal_mail", "By postal mail", false);

  const affirmId = uniqueId("esra-affirm");
  const affirm = h("input", { type: "checkbox", id: affirmId });
  const errorSlot = h("div", { class: "error-slot" });

  let sending = false;
  const consentButton = button("I consent", () => {
    if (sending || !affirm.checked) {
      return;
    }
    const method: PaperCopyMethod = postal.input.checked ? "postal_mail" : "email";
    send({ kind: "affirm", paper_copy_request_method: method });
  }, { class: "primary" });
  const declineButton = button("I do not consent", () => {
    if (!sending) {
      send({ kind: "decline" });
    }
  });

  function update(): void {
    consentButton.disabled = sending || !affirm.checked;
    declineButton.disabled = sending;
  }

  function send(answer: EsraAnswer): void {
    sending = true;
    errorSlot.replaceChildren();
    update();
    actions.answer(answer).catch((error: { message: string; request_id?: string }) => {
      sending = false;
      errorSlot.replaceChildren(inlineError(env, error));
      update();
    });
  }

  affirm.addEventListener("change", update);
  update();

  return h(
    "section",
    { class: "screen screen-esra" },
    screenHeading("Consent to electronic records"),
    h(
      "p",
      { class: "lead" },
      `Before ${prompt.stakeholder.name} can sign electronically, Matter needs consent to receive records electronically. Read the disclosure (version ${prompt.version}).`,
    ),
    h("h2", { id: textHeadingId }, "Consumer disclosure"),
    pane,
    h(
      "fieldset",
      { class: "choices" },
      h("legend", {}, "If you want a paper copy, how will you ask for it?"),
      email.row,
      postal.row,
    ),
    h(
      "div",
      { class: "choice" },
      affirm,
      h(
        "label",
        { for: affirmId },
        "I have read the disclosure, I can open electronic records, and I consent to receive them electronically.",
      ),
    ),
    errorSlot,
    h("div", { class: "actions" }, consentButton, declineButton),
  );
}
