// The whole flow with the keyboard alone: Tab, Shift+Tab, Enter, Space and
// End, from a link arriving to a verified receipt, with the focus order
// checked on the review screen.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  DOCUMENT_LINK,
  UNSAVED,
  appState,
  defaultResponses,
  review,
  signDone,
  unsavedDone,
  VERIFICATION_OK,
} from "./fixtures.mjs";
import { calls, checkPageHealth, emit, openApp, screenshot, useBrowserAndServer, waitForScreen } from "./harness.mjs";

const shared = useBrowserAndServer();

/** Returns the accessible name of the focused element, as a screen reader would announce it. */
async function focusedName(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) {
      return "";
    }
    const label = element.getAttribute("aria-label");
    if (label) {
      return label;
    }
    const labelledBy = element.getAttribute("aria-labelledby");
    if (labelledBy) {
      return labelledBy
        .split(" ")
        .map((id) => document.getElementById(id)?.textContent ?? "")
        .join(" ");
    }
    if (element.labels && element.labels.length > 0) {
      return element.labels[0].textContent ?? "";
    }
    return (element.textContent ?? "").trim();
  });
}

/** Presses Tab until the focused element has `name`; fails after `limit` presses. */
async function tabTo(page, name, limit = 25) {
  const seen = [];
  for (let press = 0; press < limit; press += 1) {
    await page.keyboard.press("Tab");
    const current = await focusedName(page);
    if (current === name) {
      return;
    }
    seen.push(current);
  }
  assert.fail(`Tab never reached "${name}"; it went through: ${seen.join(" | ")}`);
}

async function tabSequence(page, count, key = "Tab") {
  const names = [];
  for (let press = 0; press < count; press += 1) {
    await page.keyboard.press(key);
    names.push(await focusedName(page));
  }
  return names;
}

test("keyboard alone completes the signing flow", async () => {
  const page = await openApp(shared.browser, shared.server, defaultResponses({ verify_receipt: { ok: VERIFICATION_OK } }));
  try {
    await waitForScreen(page, "home");
    await emit(page, "link://opened", { link: DOCUMENT_LINK });
    await waitForScreen(page, "request");
    assert.equal(await focusedName(page), "A signing request", "focus starts at the screen's heading");

    await tabTo(page, "Review the document");
    await page.keyboard.press("Enter");
    await waitForScreen(page, "progress");
    assert.deepEqual((await calls(page, "start_signing")).map((call) => call.args), [{ link: DOCUMENT_LINK }]);

    await emit(page, "flow://review", review());
    await waitForScreen(page, "review");
    assert.equal(await focusedName(page), "Review and sign");

    // Before the packet's end is shown, the name field and Sign are disabled
    // and so left out of the tab order.
    assert.deepEqual(await tabSequence(page, 4), [
      "Copy Document SHA-256",
      "Disclosure packet",
      "Copy Disclosure packet SHA-256",
      "Cancel, do not sign",
    ]);

    assert.deepEqual(await tabSequence(page, 2, "Shift+Tab"), ["Copy Disclosure packet SHA-256", "Disclosure packet"]);
    await page.keyboard.press("End");
    await page.waitForFunction(() => !document.querySelector(".screen-review input").disabled);

    // Sign stays out of the tab order until a name is typed.
    assert.deepEqual(await tabSequence(page, 3), [
      "Copy Disclosure packet SHA-256",
      "Your full name",
      "Cancel, do not sign",
    ]);
    await page.keyboard.press("Shift+Tab");
    assert.equal(await focusedName(page), "Your full name");
    await page.keyboard.type("Ada Lovelace");
    assert.deepEqual(await tabSequence(page, 2), ["Sign", "Cancel, do not sign"]);
    await page.keyboard.press("Shift+Tab");
    assert.equal(await focusedName(page), "Sign");
    await screenshot(page, "20-keyboard-review-focused-sign");
    await page.keyboard.press("Space");
    await waitForScreen(page, "progress");
    assert.deepEqual((await calls(page, "submit_decision")).map((call) => call.args), [
      { decision: { kind: "sign", typed_name: "Ada Lovelace" } },
    ]);

    await emit(page, "flow://progress", { step: "creating_session" });
    await emit(page, "flow://progress", { step: "signing" });
    await emit(page, "flow://progress", { step: "saving_receipt" });
    await emit(page, "flow://done", signDone());
    await waitForScreen(page, "done");
    assert.equal(await focusedName(page), "Signed");

    await tabTo(page, "Open receipt: Board consent to issue Series A preferred stock");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    assert.equal(await focusedName(page), "Open PDF: Board consent to issue Series A preferred stock");
    await page.keyboard.press("Tab");
    assert.equal(await focusedName(page), "Show in folder: Board consent to issue Series A preferred stock");
    await page.keyboard.press("Space");
    assert.deepEqual((await calls(page, "open_receipt")).map((call) => call.args), [{ receipt_id: "rcpt_01", form: "html" }]);
    assert.deepEqual((await calls(page, "reveal_receipt")).map((call) => call.args), [{ receipt_id: "rcpt_01" }]);

    await tabTo(page, "All receipts");
    await page.keyboard.press("Enter");
    await waitForScreen(page, "receipts");
    await page.keyboard.press("Tab");
    assert.equal(await focusedName(page), "Search receipts");
    await page.keyboard.type("acme");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() =>
      window.__mock.calls.some((call) => call.cmd === "list_receipts" && call.args.query.text === "acme"),
    );
    await tabTo(page, "Verify: Board consent to issue Series A preferred stock");
    await page.keyboard.press("Enter");
    await page.getByText("Passed: Unchanged since signing").first().waitFor();
    assert.deepEqual((await calls(page, "verify_receipt")).map((call) => call.args), [{ receipt_id: "rcpt_01" }]);
    await screenshot(page, "21-keyboard-receipts-verified");

    await checkPageHealth(page);
  } finally {
    await page.close();
  }
});

test("keyboard alone cancels a sign-in", async () => {
  const page = await openApp(shared.browser, shared.server, defaultResponses());
  try {
    await waitForScreen(page, "home");
    await emit(page, "link://opened", { link: DOCUMENT_LINK });
    await waitForScreen(page, "request");
    await tabTo(page, "Review the document");
    await page.keyboard.press("Enter");
    await emit(page, "flow://sign-in", {
      authorize_url: "https://clerk.example.test/oauth/authorize?state=abc",
      reason: { kind: "not_signed_in" },
      timeout: 300,
    });
    await waitForScreen(page, "sign_in");

    assert.deepEqual(await tabSequence(page, 3), [
      "Copy this sign-in link into your browser",
      "Copy sign-in link",
      "Cancel sign-in",
    ]);
    await page.keyboard.press("Enter");
    assert.equal((await calls(page, "cancel_flow")).length, 1);
    await emit(page, "flow://error", { code: "cancelled", message: "Cancelled by the user." });
    await waitForScreen(page, "home");
    assert.match(await page.locator(".notice").textContent(), /Nothing was signed/);

    await checkPageHealth(page);
  } finally {
    await page.close();
  }
});

test("keyboard alone gives ESRA consent", async () => {
  const page = await openApp(shared.browser, shared.server, defaultResponses());
  try {
    await waitForScreen(page, "home");
    await emit(page, "flow://esra", {
      stakeholder: { id: "stk_456", name: "Ada Lovelace" },
      version: "2026-01",
      text: "CONSUMER DISCLOSURE\n\nYou may request paper copies.",
    });
    await waitForScreen(page, "esra");

    assert.deepEqual(await tabSequence(page, 4), [
      "Consumer disclosure",
      "By email",
      "I have read the disclosure, I can open electronic records, and I consent to receive them electronically.",
      "I do not consent",
    ]);
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    assert.equal(await focusedName(page), "By email");
    await page.keyboard.press("ArrowDown");
    assert.equal(await focusedName(page), "By postal mail");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    assert.equal(await focusedName(page), "I consent");
    await page.keyboard.press("Enter");

    assert.deepEqual((await calls(page, "submit_esra")).map((call) => call.args), [
      { answer: { kind: "affirm", paper_copy_request_method: "postal_mail" } },
    ]);
    await checkPageHealth(page);
  } finally {
    await page.close();
  }
});

test("keyboard alone recovers an unsaved receipt", async () => {
  const page = await openApp(
    shared.browser,
    shared.server,
    defaultResponses({
      save_unsaved_receipt: { err: { code: "receipt_not_saved", message: "Receipt sgn_01 is not saved: Permission denied (os error 13)." } },
    }),
  );
  try {
    await waitForScreen(page, "home");
    await emit(page, "flow://done", unsavedDone());
    await waitForScreen(page, "done");
    assert.equal(await focusedName(page), "Signed, receipt not saved");

    await tabTo(page, "Try saving again");
    await page.keyboard.press("Enter");
    await page.locator(".unsaved-controls .inline-error").waitFor();
    assert.equal(await focusedName(page), "Try saving again", "focus stays on the button after a failure");

    await page.keyboard.press("Tab");
    assert.equal(await focusedName(page), "Save a copy…");
    await page.keyboard.press("Space");
    await page.getByText("Saved a copy of receipt sgn_01 to /home/ada/Desktop/sgn_01.json.").waitFor();
    assert.match(await focusedName(page), /^Saved a copy of receipt sgn_01/, "focus moves to the message");
    assert.deepEqual((await calls(page, "save_unsaved_receipt")).map((call) => call.args), [{ receipt_id: "sgn_01" }]);
    assert.deepEqual((await calls(page, "export_unsaved_receipt")).map((call) => call.args), [{ receipt_id: "sgn_01" }]);
    await screenshot(page, "22-keyboard-unsaved-copy-saved");

    await checkPageHealth(page);
  } finally {
    await page.close();
  }
});

test("keyboard alone saves from the home warning", async () => {
  const page = await openApp(
    shared.browser,
    shared.server,
    defaultResponses({ app_state: { ok: appState({ unsaved_receipts: [UNSAVED] }) } }),
  );
  try {
    await waitForScreen(page, "home");
    assert.equal(await focusedName(page), "Matter Signer");

    await tabTo(page, `Try saving again: ${UNSAVED.document_title}`);
    await page.keyboard.press("Enter");
    await waitForScreen(page, "done");
    assert.equal(await focusedName(page), "Signed");
    assert.deepEqual((await calls(page, "save_unsaved_receipt")).map((call) => call.args), [{ receipt_id: "sgn_01" }]);

    await checkPageHealth(page);
  } finally {
    await page.close();
  }
});

