// Browser sign-in in progress: why it is needed, a copy-link fallback, a
// countdown to the engine's timeout, and Cancel.

import { button, h } from "../dom";
import type { Environment } from "../env";
import { formatCountdown, signInReasonText } from "../format";
import type { SignInPrompt } from "../types";
import { copyControl, screenHeading, uniqueId } from "./common";

export interface SignInActions {
  cancel(): void;
}

export function signInScreen(
  env: Environment,
  prompt: SignInPrompt,
  actions: SignInActions,
): HTMLElement {
  const stepUp = prompt.reason.kind !== "not_signed_in";
  const linkId = uniqueId("sign-in-link");
  const deadline = env.now() + prompt.timeout * 1000;

  // The authorize URL is shown as text in a read-only field, never as a
  // hyperlink, so activating it cannot navigate this window.
  const linkField = h("input", {
    id: linkId,
    type: "text",
    readonly: true,
    class: "link-field",
    spellcheck: "false",
  });
  linkField.value = prompt.authorize_url;
  linkField.addEventListener("focus", () => linkField.select());

  const remaining = h("span", { class: "countdown-value" });
  const timer = h("p", { class: "countdown", role: "timer" }, "Time left to finish: ", remaining);
  const timeoutNote = h("p", { class: "timeout-note", role: "alert" });

  let cancelled = false;
  const cancelButton = button("Cancel sign-in", () => {
    if (cancelled) {
      return;
    }
    cancelled = true;
    cancelButton.disabled = true;
    actions.cancel();
  });

  function tick(): boolean {
    const seconds = Math.ceil((deadline - env.now()) / 1000);
    remaining.textContent = formatCountdown(seconds);
    if (seconds <= 0) {
      timeoutNote.textContent =
        "The sign-in timed out: the browser did not return to the app in time. Nothing was signed. The app is stopping this attempt; try again when you are ready.";
      return false;
    }
    return true;
  }

  tick();
  const interval = window.setInterval(() => {
    if (!tick()) {
      window.clearInterval(interval);
    }
  }, 1000);

  const screen = h(
    "section",
    { class: "screen screen-sign-in" },
    screenHeading(stepUp ? "Sign in again to continue" : "Sign in with your browser"),
    h("p", { class: stepUp ? "step-up-explainer" : "lead" }, signInReasonText(prompt.reason)),
    h(
      "p",
      {},
      "The app asked your browser to open Matter's sign-in page. Finish signing in there, then come back to this window.",
    ),
    h("h2", {}, "No browser opened?"),
    h("label", { for: linkId }, "Copy this sign-in link into your browser"),
    h("div", { class: "link-row" }, linkField, copyControl(env, "Copy sign-in link", () => prompt.authorize_url)),
    timer,
    timeoutNote,
    h("div", { class: "actions" }, cancelButton),
  );
  screen.addEventListener("screen:leave", () => window.clearInterval(interval));
  return screen;
}
