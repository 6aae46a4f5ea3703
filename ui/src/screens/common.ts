// Building blocks shared by several screens.

import { append, button, h } from "../dom";
import type { Environment } from "../env";
import { hashLines, modeLabel } from "../format";
import type { Mode, Verdict, Verification } from "../types";

let uniqueCounter = 0;

/** Returns an id unique in the document, for label and description links. */
export function uniqueId(prefix: string): string {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

/** The screen's main heading; the app moves focus here when the screen opens. */
export function screenHeading(text: string): HTMLHeadingElement {
  return h("h1", { tabindex: -1, class: "screen-heading" }, text);
}

/**
 * Creates a Copy button with its own polite status line, which reports
 * success or explains how to copy by hand.
 */
export function copyControl(env: Environment, label: string, text: () => string): HTMLElement {
  const status = h("span", { class: "copy-status", role: "status" });
  const control = button(label, () => {
    status.textContent = "";
    env.copyText(text()).then(
      () => {
        status.textContent = "Copied.";
      },
      () => {
        status.textContent = "Copying failed: select the text and press Ctrl+C.";
      },
    );
  });
  return h("span", { class: "copy-control" }, control, status);
}

/**
 * Shows a SHA-256 digest in lines of 16 characters made of groups of 4, with
 * a Copy button that copies the whole digest without spaces.
 */
export function hashBlock(env: Environment, label: string, hash: string): HTMLElement {
  const labelId = uniqueId("hash-label");
  const lines = h("div", { class: "hash", role: "group", "aria-labelledby": labelId });
  for (const groups of hashLines(hash)) {
    const line = h("span", { class: "hash-line" });
    groups.forEach((group, index) => {
      if (index > 0) {
        append(line, " ");
      }
      append(line, h("span", { class: "hash-group" }, group));
    });
    append(lines, line);
  }
  return h(
    "div",
    { class: "hash-block" },
    h("p", { id: labelId, class: "hash-label" }, label),
    lines,
    copyControl(env, `Copy ${label}`, () => hash),
  );
}

export function modeTag(mode: Mode): HTMLElement {
  return h("span", { class: `mode-tag mode-tag-${mode}` }, modeLabel(mode));
}

/** Shows both verdicts of a receipt check, each with its reason. */
export function verificationView(verification: Verification): HTMLElement {
  const verdict = (title: string, value: Verdict) =>
    h(
      "li",
      { class: value.passed ? "verdict verdict-pass" : "verdict verdict-fail" },
      h("strong", {}, `${value.passed ? "Passed" : "Failed"}: ${title}`),
      h("span", { class: "verdict-reason" }, value.reason),
    );
  return h(
    "div",
    { class: "verification" },
    h("p", {}, `Checked the ${verification.kind.toUpperCase()} receipt:`),
    h(
      "ul",
      { class: "verdicts" },
      verdict("Unchanged since signing", verification.integrity),
      verdict("Signed by a known Matter key", verification.trust),
    ),
  );
}

/** Creates an inline error message with its request ID, if any. */
export function inlineError(
  env: Environment,
  error: { message: string; request_id?: string },
): HTMLElement {
  return h(
    "div",
    { class: "inline-error", role: "alert" },
    h("p", {}, error.message),
    error.request_id ? requestIdLine(env, error.request_id) : null,
  );
}

export function requestIdLine(env: Environment, requestId: string): HTMLElement {
  return h(
    "p",
    { class: "request-id" },
    "Request ID: ",
    h("code", {}, requestId),
    " ",
    copyControl(env, "Copy request ID", () => requestId),
  );
}
