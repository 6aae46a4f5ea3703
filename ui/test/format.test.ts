import { describe, expect, test } from "vitest";

import {
  errorCopy,
  errorKind,
  formatBytes,
  formatCountdown,
  hashLines,
  isSha256Hex,
  normaliseTypedName,
  sameName,
  signatureText,
  signInReasonText,
  typedNameProblem,
  shellQuote,
  closeWarning,
  unsavedBannerTitle,
  unsavedCopyMessage,
  type ErrorKind,
} from "../src/format";

const HASH = "9f2c4e1a7b3d5c8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70";

describe("hashLines", () => {
  test("splits 64 characters into 4 lines of 4 groups", () => {
    const lines = hashLines(HASH);
    expect(lines).toHaveLength(4);
    expect(lines.every((line) => line.length === 4)).toBe(true);
    expect(lines[0]).toEqual(["9f2c", "4e1a", "7b3d", "5c8e"]);
    expect(lines.flat().join("")).toBe(HASH);
  });

  test("keeps a short tail", () => {
    expect(hashLines("abcdef")).toEqual([["abcd", "ef"]]);
  });
});

describe("isSha256Hex", () => {
  test("accepts lowercase 64-hex", () => {
    expect(isSha256Hex(HASH)).toBe(true);
  });

  test("rejects uppercase, short and non-hex", () => {
    expect(isSha256Hex(HASH.toUpperCase())).toBe(false);
    expect(isSha256Hex(HASH.slice(1))).toBe(false);
    expect(isSha256Hex(`${HASH.slice(1)}g`)).toBe(false);
  });
});

describe("typedNameProblem", () => {
  const expected = "Ada Lovelace";

  test("empty and blank names are rejected", () => {
    expect(typedNameProblem("", expected)).toMatch(/Type your full name/);
    expect(typedNameProblem("   ", expected)).toMatch(/Type your full name/);
  });

  test("the stakeholder's name passes", () => {
    expect(typedNameProblem("  ada   LOVELACE ", expected)).toBeNull();
  });

  test("another name is rejected with the expected one", () => {
    expect(typedNameProblem("Ada King", expected)).toMatch(/exactly as Matter has it for this signer: Ada Lovelace/);
  });

  test("control characters are rejected", () => {
    expect(typedNameProblem("Ada\nLovelace", expected)).toMatch(/control character/);
    expect(typedNameProblem("Ada\tLovelace", expected)).toMatch(/control character/);
    expect(typedNameProblem("Ada\u2028Lovelace", expected)).toMatch(/control character/);
  });

  test("names over 200 characters are rejected", () => {
    expect(typedNameProblem("a".repeat(201), "a".repeat(201))).toMatch(/longer than 200/);
    expect(typedNameProblem("a".repeat(200), "a".repeat(200))).toBeNull();
  });
});

describe("normaliseTypedName", () => {
  test("collapses and trims white space", () => {
    expect(normaliseTypedName("  Ada \u00a0  King   Lovelace ")).toBe("Ada King Lovelace");
  });
});

describe("signatureText", () => {
  test("fills the placeholder", () => {
    expect(signatureText("I, {typed_name}, sign. /s/ {typed_name}", " Ada ")).toBe("I, Ada, sign. /s/ Ada");
  });

  test("appends a signature mark without a placeholder", () => {
    expect(signatureText("I adopt my typed name as my signature.", " Ada   Lovelace")).toBe(
      "I adopt my typed name as my signature. /s/ Ada Lovelace",
    );
  });
});

describe("sameName", () => {
  test("ignores case and spacing", () => {
    expect(sameName("ada  LOVELACE ", "Ada Lovelace")).toBe(true);
  });

  test("different names differ", () => {
    expect(sameName("Ada King", "Ada Lovelace")).toBe(false);
  });

  test("two empty names differ", () => {
    expect(sameName("  ", "")).toBe(false);
  });
});

describe("formatBytes and formatCountdown", () => {
  test("small counts are exact", () => {
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(1023)).toBe("1,023 bytes");
  });

  test("larger counts add a binary unit", () => {
    expect(formatBytes(48213)).toBe("48,213 bytes (47.1 KiB)");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5,242,880 bytes (5.0 MiB)");
  });

  test("countdown pads seconds and stops at zero", () => {
    expect(formatCountdown(300)).toBe("5:00");
    expect(formatCountdown(61.9)).toBe("1:01");
    expect(formatCountdown(-3)).toBe("0:00");
  });
});

describe("signInReasonText", () => {
  test("step-up names the 5-minute rule and the age", () => {
    const text = signInReasonText({ kind: "step_up", minutes_ago: 1 });
    expect(text).toMatch(/within 5 minutes of an interactive sign-in/);
    expect(text).toMatch(/1 minute ago/);
  });

  test("step-up with unknown age says so", () => {
    expect(signInReasonText({ kind: "step_up", minutes_ago: null })).toMatch(/does not know when you last signed in/);
  });

  test("server request names the 5-minute rule", () => {
    expect(signInReasonText({ kind: "server_requested" })).toMatch(/within the last 5 minutes/);
  });
});

describe("errorKind", () => {
  const table: [string, ErrorKind][] = [
    ["session_expired", "link_expired"],
    ["link_expired", "link_expired"],
    ["already_signed", "already_signed"],
    ["not_your_document", "not_your_document"],
    ["esra_consent_required", "consent_required"],
    ["esra_declined", "consent_required"],
    ["network", "network"],
    ["server", "server"],
    ["link_invalid", "link_invalid"],
    ["link_too_long", "link_invalid"],
    ["sign_in_timeout", "sign_in_timeout"],
    ["sign_in_failed", "sign_in_failed"],
    ["cancelled", "cancelled"],
    ["hash_mismatch", "hash_mismatch"],
    ["receipt_not_saved", "receipt_not_saved"],
    ["flow_busy", "flow_busy"],
    ["typed_name_mismatch", "name_mismatch"],
    ["awaiting_prior_signer", "not_your_turn"],
    ["something_new", "other"],
  ];
  test.each(table)("code %s is shown as %s", (code, kind) => {
    expect(errorKind({ code, message: "m" })).toBe(kind);
  });

  test("every kind has a title and a next step", () => {
    for (const [, kind] of table) {
      const copy = errorCopy(kind);
      expect(copy.title.length).toBeGreaterThan(0);
      expect(copy.nextStep.length).toBeGreaterThan(0);
    }
  });
});

describe("unsaved receipts", () => {
  test("shellQuote wraps a plain path", () => {
    expect(shellQuote("/home/ada/Matter receipts/sgn_1.json")).toBe("'/home/ada/Matter receipts/sgn_1.json'");
  });

  test("shellQuote escapes single quotes", () => {
    expect(shellQuote("/home/ada/Ada's/sgn_1.json")).toBe("'/home/ada/Ada'\\''s/sgn_1.json'");
  });

  test("copy message names path and import command", () => {
    const message = unsavedCopyMessage("sgn_1", "/home/ada/sgn_1.json");
    expect(message).toContain("Saved a copy of receipt sgn_1 to /home/ada/sgn_1.json.");
    expect(message).toContain("not in the receipts library yet");
    expect(message).toMatch(/run matter-signer receipts import '\/home\/ada\/sgn_1\.json'$/);
  });

  test("banner title counts receipts", () => {
    expect(unsavedBannerTitle(1)).toBe("1 signed receipt is not saved yet");
    expect(unsavedBannerTitle(3)).toBe("3 signed receipts are not saved yet");
  });

  test("close warning names one receipt and its loss", () => {
    expect(closeWarning(1)).toBe("1 signed receipt is not saved. Closing Matter Signer loses it.");
  });

  test("close warning counts several receipts", () => {
    expect(closeWarning(2)).toBe("2 signed receipts are not saved. Closing Matter Signer loses them.");
  });

  test("close warning with none left allows closing", () => {
    expect(closeWarning(0)).toBe("Every receipt is now saved or copied. You can close Matter Signer.");
  });
});
