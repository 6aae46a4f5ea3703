// Errors, grouped by kind, each with its next step.

import { button, facts, h } from "../dom";
import type { Environment } from "../env";
import { errorCopy, errorKind } from "../format";
import type { FlowError, StakeholderView, UserView } from "../types";
import { requestIdLine, screenHeading } from "./common";

export interface ErrorContext {
  /** The signed-in human, when known. */
  user: UserView | null;
  /** The stakeholder the link requests a signature from, when known. */
  stakeholder: StakeholderView | null;
  /** The stakeholder id from the link, when the name is not known. */
  stakeholderId: string | null;
  /** Whether the same link can be tried again. */
  canRetry: boolean;
}

export interface ErrorActions {
  home(): void;
  retry(): void;
  receipts(): void;
  signOut(): void;
}

export function errorScreen(
  env: Environment,
  error: FlowError,
  context: ErrorContext,
  actions: ErrorActions,
): HTMLElement {
  const kind = errorKind(error);
  const copy = errorCopy(kind);
  const controls: HTMLElement[] = [];

  // An expired link or a finished signature fails the same way again, so
  // those kinds offer no retry.
  const retryable = [
    "network",
    "server",
    "sign_in_timeout",
    "sign_in_failed",
    "consent_required",
    "name_mismatch",
    "not_your_turn",
    "other",
  ];
  if (context.canRetry && retryable.includes(kind)) {
    controls.push(button("Try again", actions.retry, { class: "primary" }));
  }
  if (kind === "already_signed" || kind === "receipt_not_saved") {
    controls.push(button("Show my receipts", actions.receipts, { class: "primary" }));
  }
  if (kind === "not_your_document" && context.user !== null) {
    controls.push(button("Sign out", actions.signOut, { class: "primary" }));
  }
  controls.push(button("Back to home", actions.home));

  let identities: HTMLElement | null = null;
  if (kind === "not_your_document") {
    const requested = context.stakeholder
      ? `${context.stakeholder.name} (${context.stakeholder.id})`
      : context.stakeholderId ?? "not known";
    const signedIn = context.user ? `${context.user.name} <${context.user.email}>` : "not known";
    identities = facts(
      [
        ["You are signed in as", signedIn],
        ["The link asks for", requested],
      ],
      "facts identities",
    );
  }

  return h(
    "section",
    { class: `screen screen-error error-${kind}` },
    screenHeading(copy.title),
    h("p", { class: "error-message", role: "alert" }, error.message),
    identities,
    h("p", { class: "next-step" }, copy.nextStep),
    error.request_id ? requestIdLine(env, error.request_id) : null,
    kind === "other" || kind === "link_invalid"
      ? h("p", { class: "error-code" }, "Error code: ", h("code", {}, error.code))
      : null,
    h("div", { class: "actions" }, ...controls),
  );
}
