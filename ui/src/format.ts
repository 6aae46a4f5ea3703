// Pure formatting and classification helpers, kept free of the DOM so that
// Vitest covers them directly.

import type { FlowError, Mode, SignInReason, Step } from "./types";

/** Maximum length of a typed name, in UTF-16 code units. */
export const TYPED_NAME_MAX = 200;

/**
 * Splits a hex digest into lines of 16 characters, each made of groups of 4,
 * so a person can compare it with another copy group by group.
 */
export function hashLines(hash: string): string[][] {
  const lines: string[][] = [];
  for (let start = 0; start < hash.length; start += 16) {
    const line = hash.slice(start, start + 16);
    const groups: string[] = [];
    for (let offset = 0; offset < line.length; offset += 4) {
      groups.push(line.slice(offset, offset + 4));
    }
    lines.push(groups);
  }
  return lines;
}

/** Returns whether a string is a lowercase hex SHA-256 digest. */
export function isSha256Hex(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

/**
 * Returns the typed name as it is sent: runs of white space collapsed to one
 * space and the ends trimmed, as the engine normalises it.
 */
export function normaliseTypedName(raw: string): string {
  return raw.trim().split(/\s+/).filter((part) => part !== "").join(" ");
}

/**
 * Returns whether two names are the same once case and spacing are ignored.
 * The engine rejects a signature whose typed name fails this comparison with
 * the stakeholder's name (`typed_name_mismatch`), so the UI checks it first.
 */
export function sameName(left: string, right: string): boolean {
  const simplify = (value: string) => normaliseTypedName(value).toLowerCase();
  return simplify(left) !== "" && simplify(left) === simplify(right);
}

/** Returns why a typed name cannot be used for `expectedName`, or null when it can. */
export function typedNameProblem(raw: string, expectedName: string): string | null {
  // The name becomes part of a legal text, so control characters (which an
  // input field would not normally let through, but a paste can) are rejected
  // before normalising would turn tabs and line breaks into spaces.
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(raw)) {
    return "Your name contains a control character or line break; type it again.";
  }
  const name = normaliseTypedName(raw);
  if (name === "") {
    return "Type your full name to sign.";
  }
  if (name.length > TYPED_NAME_MAX) {
    return `Your name is longer than ${TYPED_NAME_MAX} characters; shorten it.`;
  }
  if (!sameName(name, expectedName)) {
    return `Type the name exactly as Matter has it for this signer: ${expectedName}. Case and spacing do not matter.`;
  }
  return null;
}

/** Placeholder for the typed name inside an attestation, when Matter uses one. */
export const TYPED_NAME_PLACEHOLDER = "{typed_name}";

/**
 * Builds the `electronic_signature_text` the engine sends: the attestation with
 * the typed name filled in at `{typed_name}`, or followed by " /s/ " and the
 * name when the attestation has no placeholder.
 *
 * NOTE: the engine composes the text it sends (`attestation_for` in
 * crates/engine/src/disclosure.rs); this function must follow the same rule.
 */
export function signatureText(attestation: string, typedName: string): string {
  const name = normaliseTypedName(typedName);
  if (attestation.includes(TYPED_NAME_PLACEHOLDER)) {
    return attestation.split(TYPED_NAME_PLACEHOLDER).join(name);
  }
  return `${attestation} /s/ ${name}`;
}

/** Formats a byte count, for example "12,345 bytes (12.1 KiB)". */
export function formatBytes(bytes: number): string {
  const exact = `${bytes.toLocaleString("en-US")} ${bytes === 1 ? "byte" : "bytes"}`;
  if (bytes < 1024) {
    return exact;
  }
  const units = ["KiB", "MiB", "GiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${exact} (${value.toFixed(1)} ${units[unit]})`;
}

/** Seconds as "m:ss". Negative values count as zero. */
export function formatCountdown(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  return `${minutes}:${rest.toString().padStart(2, "0")}`;
}

/**
 * Formats an RFC 3339 timestamp in the reader's locale followed by its UTC
 * form, or returns the input unchanged when it does not parse.
 */
export function formatTimestamp(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    return value;
  }
  const date = new Date(time);
  const local = date.toLocaleString("en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
  });
  return `${local} (${date.toISOString().replace(".000Z", "Z")})`;
}

export function modeLabel(mode: Mode): string {
  return mode === "live" ? "LIVE" : "TEST";
}

export function modeDescription(mode: Mode, sandbox: boolean): string {
  if (mode === "live") {
    return "Live mode: signatures are real and legally binding.";
  }
  const server = sandbox ? " against the local sandbox" : "";
  return `Test mode${server}: signatures are test data and bind nobody.`;
}

/** Returns the sentence explaining why the engine requests a browser sign-in. */
export function signInReasonText(reason: SignInReason): string {
  switch (reason.kind) {
    case "not_signed_in":
      return "You are not signed in. Sign in to Matter in your browser to continue.";
    case "step_up": {
      const when =
        reason.minutes_ago === null
          ? "The app does not know when you last signed in"
          : `You last signed in ${reason.minutes_ago} ${reason.minutes_ago === 1 ? "minute" : "minutes"} ago`;
      return (
        "Matter accepts a signature only within 5 minutes of an interactive sign-in, " +
        `so that the person signing is the person at the keyboard. ${when}, ` +
        "so sign in again in your browser. Signing then continues."
      );
    }
    case "server_requested":
      return (
        "Matter asked for a fresh sign-in before it accepts the signature " +
        "(it wants an interactive sign-in within the last 5 minutes). " +
        "Sign in again in your browser. Signing then continues."
      );
  }
}

export const STEP_LABELS: Record<Step, string> = {
  signing_in: "Signing you in",
  fetching_document: "Fetching the document",
  verifying_packet: "Checking the disclosure packet's hash",
  awaiting_decision: "Waiting for your decision",
  checking_freshness: "Checking your sign-in is recent",
  recording_consent: "Recording your consent to electronic records",
  creating_session: "Creating the signing session",
  signing: "Signing",
  saving_receipt: "Saving the receipt",
  rendering_receipt: "Receipt saved; writing its HTML and PDF copies",
  done: "Done",
};

/** Steps shown on the progress screen before the review. */
export const STEPS_BEFORE_REVIEW: readonly Step[] = [
  "signing_in",
  "fetching_document",
  "verifying_packet",
];

/** Steps shown on the progress screen after the human decided to sign. */
export const STEPS_AFTER_DECISION: readonly Step[] = [
  "checking_freshness",
  "recording_consent",
  "creating_session",
  "signing",
  "saving_receipt",
  "rendering_receipt",
];

export type ErrorKind =
  | "link_expired"
  | "already_signed"
  | "not_your_document"
  | "consent_required"
  | "network"
  | "server"
  | "link_invalid"
  | "sign_in_timeout"
  | "sign_in_failed"
  | "cancelled"
  | "hash_mismatch"
  | "receipt_not_saved"
  | "flow_busy"
  | "name_mismatch"
  | "not_your_turn"
  | "not_configured"
  | "startup_failed"
  | "other";

/** Groups an error code into the screen that explains it. */
export function errorKind(error: FlowError): ErrorKind {
  switch (error.code) {
    case "session_expired":
    case "link_expired":
      return "link_expired";
    case "already_signed":
      return "already_signed";
    case "not_your_document":
      return "not_your_document";
    case "esra_consent_required":
    case "esra_declined":
      return "consent_required";
    case "network":
      return "network";
    case "server":
      return "server";
    case "sign_in_timeout":
      return "sign_in_timeout";
    case "sign_in_failed":
      return "sign_in_failed";
    case "cancelled":
      return "cancelled";
    case "hash_mismatch":
      return "hash_mismatch";
    case "receipt_not_saved":
      return "receipt_not_saved";
    case "flow_busy":
      return "flow_busy";
    case "typed_name_mismatch":
      return "name_mismatch";
    case "awaiting_prior_signer":
      return "not_your_turn";
    case "not_configured":
      return "not_configured";
    case "startup_failed":
      return "startup_failed";
    default:
      return error.code === "link_invalid" || error.code.startsWith("link_")
        ? "link_invalid"
        : "other";
  }
}

export interface ErrorCopy {
  title: string;
  nextStep: string;
}

/** Title and next step shown for each error kind. */
export function errorCopy(kind: ErrorKind): ErrorCopy {
  switch (kind) {
    case "link_expired":
      return {
        title: "This signing link has expired",
        nextStep: "Ask the sender for a new link, then open it. Nothing was signed.",
      };
    case "already_signed":
      return {
        title: "This has already been signed",
        nextStep: "Look for its receipt in your receipts. Nothing new was signed.",
      };
    case "not_your_document":
      return {
        title: "This document is for someone else",
        nextStep:
          "Sign out, then sign in as the person asked to sign, or ask the sender to check the link. Nothing was signed.",
      };
    case "consent_required":
      return {
        title: "Consent to electronic records is needed",
        nextStep:
          "Matter signs only for people who consented to electronic records. Start again and give your consent, or ask the sender for a paper process. Nothing was signed.",
      };
    case "network":
      return {
        title: "Matter could not be reached",
        nextStep: "Check your internet connection, then try again. Nothing was signed.",
      };
    case "server":
      return {
        title: "Matter reported an error",
        nextStep:
          "Try again in a few minutes. If it happens again, send the request ID below to Matter support.",
      };
    case "link_invalid":
      return {
        title: "This is not a valid signing link",
        nextStep:
          "Open the link from the original email or message again, or ask the sender for a new one. Nothing was shown or signed.",
      };
    case "sign_in_timeout":
      return {
        title: "The sign-in timed out",
        nextStep: "Try again and finish the sign-in in your browser before the time runs out.",
      };
    case "sign_in_failed":
      return {
        title: "The sign-in failed",
        nextStep: "Try again. If your browser showed an error, follow its advice first.",
      };
    case "cancelled":
      return {
        title: "Signing was cancelled",
        nextStep: "Nothing was signed. Open the link again when you are ready.",
      };
    case "hash_mismatch":
      return {
        title: "Signing blocked: the disclosure packet did not match",
        nextStep:
          "The packet you would sign differs from the one Matter binds, so the app stopped. Do not sign; tell the sender.",
      };
    case "receipt_not_saved":
      return {
        title: "Signed, but the receipt was not saved",
        nextStep:
          "Matter recorded your signature, so do not sign again. Free disk space or fix the folder's permissions, and keep this window open while you do.",
      };
    case "flow_busy":
      return {
        title: "A signing is already in progress",
        nextStep: "Finish or cancel the signing in progress first.",
      };
    case "name_mismatch":
      return {
        title: "The typed name does not match",
        nextStep:
          "Open the link again and type your name exactly as Matter has it for this signer. Nothing was signed.",
      };
    case "not_your_turn":
      return {
        title: "An earlier signer has not signed yet",
        nextStep:
          "This envelope is signed in order. Try again after the signers before you have signed. Nothing was signed.",
      };
    case "not_configured":
      return {
        title: "Matter Signer is not set up yet",
        nextStep:
          "Set the value named above, then quit Matter Signer and start it again. No link can be opened until then, and nothing was signed.",
      };
    case "startup_failed":
      return {
        title: "Matter Signer could not start",
        nextStep:
          "Fix the problem named above, then quit Matter Signer and start it again. No link can be opened until then, and nothing was signed.",
      };
    case "other":
      return {
        title: "Something went wrong",
        nextStep: "Try again. If it happens again, report the message below.",
      };
  }
}

/**
 * Quotes a path for a POSIX shell: single quotes around it, and each single
 * quote inside written as '\''. The result is safe to paste into a terminal.
 */
export function shellQuote(path: string): string {
  return `'${path.replaceAll("'", "'\\''")}'`;
}

/** Returns the message naming where a copy of an unsaved receipt went and how to file it in the library later. */
export function unsavedCopyMessage(receiptId: string, path: string): string {
  return (
    `Saved a copy of receipt ${receiptId} to ${path}. ` +
    "It is not in the receipts library yet; to file it there later, run " +
    `matter-signer receipts import ${shellQuote(path)}`
  );
}

/** Heading of the home screen's warning while receipts are unsaved. */
export function unsavedBannerTitle(count: number): string {
  return count === 1 ? "1 signed receipt is not saved yet" : `${count} signed receipts are not saved yet`;
}

/** The close confirmation's warning: how many signed receipts are unsaved and that closing loses them. */
export function closeWarning(count: number): string {
  if (count === 0) {
    return "Every receipt is now saved or copied. You can close Matter Signer.";
  }
  if (count === 1) {
    return "1 signed receipt is not saved. Closing Matter Signer loses it.";
  }
  return `${count} signed receipts are not saved. Closing Matter Signer loses them.`;
}
