// The only screen while the engine could not start: its error, the config
// file to edit, and what happened to a link that arrived meanwhile.

import { facts, h } from "../dom";
import { errorCopy, errorKind } from "../format";
import type { StartupError } from "../types";
import { screenHeading } from "./common";

/** The paragraph shown when a signing link arrived and was not opened. */
export const LINK_NOT_OPENED =
  "A signing link arrived but was not opened. Open it again after Matter Signer starts normally.";

export function startupErrorScreen(error: StartupError): HTMLElement {
  const kind = errorKind(error);
  const copy = errorCopy(kind);
  return h(
    "section",
    { class: `screen screen-error screen-startup error-${kind}` },
    screenHeading(copy.title),
    h("p", { class: "error-message", role: "alert" }, error.message),
    error.config_file !== null
      ? facts([["Config file", h("code", { class: "config-file" }, error.config_file)]])
      : null,
    error.link_not_opened ? h("p", { class: "link-not-opened" }, LINK_NOT_OPENED) : null,
    h("p", { class: "next-step" }, copy.nextStep),
    h("p", { class: "error-code" }, "Error code: ", h("code", {}, error.cause_code ?? error.code)),
  );
}
