// Every screen of the UI in Chromium against the built bundle, with Tauri's
// IPC mocked: behaviour, contract payloads, axe-core checks and screenshots.

import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";

import {
  DOCUMENT_LINK,
  ENVELOPE_REQUEST,
  HOSTILE_LINE,
  OTHER_USER,
  PACKET_HASH,
  STARTUP_ERROR,
  USER,
  VERIFICATION_BAD,
  appState,
  defaultResponses,
  receipt,
  review,
  signDone,
  UNSAVED,
  unsavedDone,
} from "./fixtures.mjs";
import {
  calls,
  checkAccessibility,
  checkPageHealth,
  emit,
  openApp,
  screenshot,
  useBrowserAndServer,
  waitForScreen,
} from "./harness.mjs";

const shared = useBrowserAndServer();
let page;

afterEach(async () => {
  if (page) {
    await checkPageHealth(page);
    await page.close();
    page = undefined;
  }
});

async function open(responses = defaultResponses(), size) {
  page = await openApp(shared.browser, shared.server, responses, size);
  return page;
}

/** Opens the app, delivers the document link, starts the flow and shows the review. */
async function openReview(reviewPayload = review(), responses = defaultResponses()) {
  await open(responses);
  await waitForScreen(page, "home");
  await emit(page, "link://opened", { link: DOCUMENT_LINK });
  await waitForScreen(page, "request");
  await page.getByRole("button", { name: "Review the document" }).click();
  await waitForScreen(page, "progress");
  await emit(page, "flow://review", reviewPayload);
  await waitForScreen(page, "review");
  return page;
}

async function scrollPacketToEnd() {
  await page.locator(".packet-end").scrollIntoViewIfNeeded();
}

describe("home", () => {
  test("home shows user, TEST badge and recent receipts", async () => {
    await open();
    await waitForScreen(page, "home");
    await page.getByText("Board consent to issue Series A preferred stock").first().waitFor();

    assert.equal(await page.locator(".mode-badge").textContent(), "TEST MODE");
    assert.match(await page.locator(".mode-banner").textContent(), /test data/);
    assert.match(await page.locator(".account").textContent(), /Signed in as Ada Lovelace <ada@example\.com>/);
    assert.equal(await page.locator(".receipt-row").count(), 2);
    assert.deepEqual((await calls(page, "list_receipts")).map((call) => call.args), [{ query: {} }]);

    await checkAccessibility(page, "home");
    await screenshot(page, "01-home-test-mode");
  });

  test("home in live mode signed out warns about memory storage", async () => {
    await open(
      defaultResponses({
        app_state: {
          ok: appState({ mode: "live", sandbox: false, user: null, storage: { kind: "memory", reason: "no keyring service is running" } }),
        },
        list_receipts: { ok: { entries: [], unreadable: [] } },
      }),
    );
    await waitForScreen(page, "home");
    await page.getByText("No receipts yet").waitFor();

    assert.equal(await page.locator(".mode-badge").textContent(), "LIVE MODE");
    assert.match(await page.locator(".mode-banner").textContent(), /legally binding/);
    assert.match(await page.locator(".screen-home").textContent(), /kept in memory only.*no keyring service is running/);
    assert.equal(await page.getByRole("button", { name: "Sign in" }).count(), 1);

    await checkAccessibility(page, "home live");
    await screenshot(page, "02-home-live-signed-out");
  });

  test("pending link from a cold start opens the request", async () => {
    await open(defaultResponses({ app_state: { ok: appState({ pending_link: DOCUMENT_LINK }) } }));
    await waitForScreen(page, "request");

    assert.deepEqual((await calls(page, "parse_link")).map((call) => call.args), [{ link: DOCUMENT_LINK }]);
    assert.equal((await calls(page, "start_signing")).length, 0);
  });
});

describe("links", () => {
  test("opened link shows the parsed request and signs nothing", async () => {
    await open(defaultResponses({ parse_link: { ok: ENVELOPE_REQUEST } }));
    await waitForScreen(page, "home");
    await emit(page, "link://opened", { link: DOCUMENT_LINK });
    await waitForScreen(page, "request");

    const text = await page.locator(".screen-request").textContent();
    assert.match(text, /env_789/);
    assert.match(text, /sgr_2/);
    assert.match(text, /stk_456/);
    assert.equal((await calls(page, "start_signing")).length, 0);
    assert.equal((await calls(page, "submit_decision")).length, 0);

    await checkAccessibility(page, "request");
    await screenshot(page, "03-link-request");

    await page.getByRole("button", { name: "Review the document" }).click();
    await waitForScreen(page, "progress");
    assert.deepEqual((await calls(page, "start_signing")).map((call) => call.args), [{ link: DOCUMENT_LINK }]);
  });

  test("invalid link shows the parser's error and never starts", async () => {
    await open(
      defaultResponses({
        parse_link: { err: { code: "link_invalid", message: "The link's document_id \"doc_<x>\" is not a Matter document id." } },
      }),
    );
    await waitForScreen(page, "home");
    await emit(page, "link://opened", { link: "mattermode://sign?document_id=doc_<x>" });
    await waitForScreen(page, "error");

    assert.equal(await page.locator("h1").textContent(), "This is not a valid signing link");
    assert.match(await page.locator(".error-message").textContent(), /is not a Matter document id/);
    assert.equal((await calls(page, "start_signing")).length, 0);
    assert.equal(await page.getByRole("button", { name: "Try again" }).count(), 0);

    await checkAccessibility(page, "invalid link");
    await screenshot(page, "04-error-link-invalid");
  });

  test("pasted link goes through the parser", async () => {
    await open();
    await waitForScreen(page, "home");
    await page.getByLabel("Signing link").fill(`  ${DOCUMENT_LINK}  `);
    await page.getByRole("button", { name: "Open link" }).click();
    await waitForScreen(page, "request");

    assert.deepEqual((await calls(page, "parse_link")).map((call) => call.args), [{ link: DOCUMENT_LINK }]);
  });
});

describe("sign-in", () => {
  test("sign-in screen offers copy link and cancel", async () => {
    await open();
    await waitForScreen(page, "home");
    const authorizeUrl = "https://clerk.example.test/oauth/authorize?client_id=app&state=abc&code_challenge=xyz";
    await emit(page, "flow://sign-in", { authorize_url: authorizeUrl, reason: { kind: "not_signed_in" }, timeout: 300 });
    await waitForScreen(page, "sign_in");

    assert.equal(await page.getByLabel("Copy this sign-in link into your browser").inputValue(), authorizeUrl);
    assert.equal(await page.locator(".screen-sign-in a").count(), 0);
    assert.match(await page.locator(".countdown").textContent(), /[45]:\d\d/);

    await page.getByRole("button", { name: "Copy sign-in link" }).click();
    await page.getByText("Copied.").waitFor();
    assert.deepEqual(await page.evaluate(() => window.__mock.clipboard), [authorizeUrl]);

    await checkAccessibility(page, "sign-in");
    await screenshot(page, "05-sign-in");

    await page.getByRole("button", { name: "Cancel sign-in" }).click();
    await page.getByRole("button", { name: "Cancel sign-in" }).isDisabled();
    assert.equal((await calls(page, "cancel_flow")).length, 1);
  });

  test("sign-in countdown ends with a timeout message", async () => {
    await open();
    await waitForScreen(page, "home");
    await emit(page, "flow://sign-in", {
      authorize_url: "https://clerk.example.test/oauth/authorize?state=abc",
      reason: { kind: "not_signed_in" },
      timeout: 1,
    });
    await page.getByText("The sign-in timed out").waitFor();

    assert.equal(await page.locator(".countdown-value").textContent(), "0:00");
    await screenshot(page, "06-sign-in-timed-out");
  });

  test("step-up screen explains the 5-minute rule", async () => {
    await open();
    await waitForScreen(page, "home");
    await emit(page, "flow://sign-in", {
      authorize_url: "https://clerk.example.test/oauth/authorize?state=abc",
      reason: { kind: "step_up", minutes_ago: 12 },
      timeout: 300,
    });
    await waitForScreen(page, "sign_in");

    assert.equal(await page.locator("h1").textContent(), "Sign in again to continue");
    const explainer = await page.locator(".step-up-explainer").textContent();
    assert.match(explainer, /within 5 minutes of an interactive sign-in/);
    assert.match(explainer, /You last signed in 12 minutes ago/);

    await checkAccessibility(page, "step-up");
    await screenshot(page, "07-step-up-sign-in");
  });

  test("sign-in cancelled from home returns home", async () => {
    await open(
      defaultResponses({
        app_state: { ok: appState({ user: null }) },
        sign_in: { err: { code: "cancelled", message: "Sign-in was cancelled." } },
      }),
    );
    await waitForScreen(page, "home");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Sign-in cancelled.").waitFor();

    assert.equal(await page.locator("#app").getAttribute("data-screen"), "home");
    assert.match(await page.locator(".account").textContent(), /Not signed in/);
  });

  test("sign out clears the account", async () => {
    await open();
    await waitForScreen(page, "home");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("Signed out.").waitFor();

    assert.deepEqual((await calls(page, "sign_out")).map((call) => call.args), [{}]);
    assert.match(await page.locator(".account").textContent(), /Not signed in/);
  });

  test("sign in from home updates the account", async () => {
    await open(defaultResponses({ app_state: { ok: appState({ user: null }) }, sign_in: { ok: USER } }));
    await waitForScreen(page, "home");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Signed in as Ada Lovelace.").waitFor();

    assert.deepEqual((await calls(page, "sign_in")).map((call) => call.args), [{}]);
    assert.match(await page.locator(".account").textContent(), /Signed in as Ada Lovelace/);
  });
});

describe("review", () => {
  test("packet renders markup as literal text", async () => {
    await openReview();

    const packet = await page.locator(".packet-text").textContent();
    assert.ok(packet.includes(HOSTILE_LINE), "the hostile line is shown character for character");
    assert.equal(await page.locator(".packet-pane img").count(), 0);
    assert.equal(await page.locator(".packet-pane script").count(), 0);
    assert.equal(await page.locator(".packet-pane b").count(), 0);
    assert.equal(await page.locator(".packet-text *").count(), 0);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
  });

  test("shell strings never become markup", async () => {
    await openReview(
      review({
        document: { ...review().document, title: HOSTILE_LINE, entity_name: HOSTILE_LINE },
        stakeholder: { id: "stk_456", name: HOSTILE_LINE },
        signature_attestation: HOSTILE_LINE,
      }),
    );
    await emit(page, "flow://error", { code: "strange_thing", message: HOSTILE_LINE, request_id: HOSTILE_LINE });
    await waitForScreen(page, "error");

    assert.equal(await page.locator("#app img, #app script, #app b").count(), 0);
    assert.equal(await page.locator(".error-message").textContent(), HOSTILE_LINE);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
  });

  test("review shows document, envelope position and both identities", async () => {
    await openReview();
    const text = await page.locator(".screen-review .facts").first().textContent();

    assert.match(text, /Board consent to issue Series A preferred stock/);
    assert.match(text, /Acme Robotics, Inc\. \(ent_001\)/);
    assert.match(text, /Asked to signAda Lovelace \(stk_456\)/);
    assert.match(text, /Series A closing set: signer 2 of 3/);
    assert.match(text, /Signed in asAda Lovelace <ada@example\.com>/);
    assert.match(await page.locator(".screen-review").textContent(), /matches what Matter will bind/);
  });

  test("packet hash shows groups of 4 in lines of 16", async () => {
    await openReview();
    const block = page.locator(".hash-block").nth(1);
    const lines = await block.locator(".hash-line").allTextContents();

    assert.equal(lines.length, 4);
    assert.equal(lines[0], `${PACKET_HASH.slice(0, 4)} ${PACKET_HASH.slice(4, 8)} ${PACKET_HASH.slice(8, 12)} ${PACKET_HASH.slice(12, 16)}`);
    assert.equal(lines.join("").replaceAll(" ", ""), PACKET_HASH);

    await block.getByRole("button", { name: "Copy Disclosure packet SHA-256" }).click();
    await block.getByText("Copied.").waitFor();
    assert.deepEqual(await page.evaluate(() => window.__mock.clipboard), [PACKET_HASH]);
  });

  test("copy falls back without the Clipboard API", async () => {
    await openReview();
    await page.evaluate(() => {
      Object.defineProperty(navigator, "clipboard", { configurable: true, value: undefined });
      document.addEventListener("copy", () => {
        window.__copiedSelection = document.activeElement.value;
      });
    });
    const copy = page.getByRole("button", { name: "Copy Disclosure packet SHA-256" });
    await copy.click();
    await page.locator(".hash-block").nth(1).getByText("Copied.").waitFor();

    assert.equal(await page.evaluate(() => window.__copiedSelection), PACKET_HASH);
    assert.equal(await page.locator(".offscreen").count(), 0, "the helper text area is removed");
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Copy Disclosure packet SHA-256");
  });

  test("sign stays disabled until the packet end is shown", async () => {
    await openReview();
    const sign = page.getByRole("button", { name: "Sign", exact: true });
    const name = page.getByLabel("Your full name");

    assert.equal(await sign.isDisabled(), true);
    assert.equal(await name.isDisabled(), true);
    assert.match(await page.locator(".hint").textContent(), /Read the packet to its end/);
    await checkAccessibility(page, "review before reading");
    await screenshot(page, "08-review-unread");

    await scrollPacketToEnd();
    await page.waitForFunction(() => !document.querySelector(".screen-review input").disabled);
    assert.equal(await name.isDisabled(), false);
    assert.equal(await sign.isDisabled(), true, "an empty name keeps Sign disabled");

    await name.fill("   ");
    assert.equal(await sign.isDisabled(), true, "a blank name keeps Sign disabled");
    await name.fill("Charles Babbage");
    assert.equal(await sign.isDisabled(), true, "another person's name keeps Sign disabled");
    assert.match(await page.locator(".hint").textContent(), /exactly as Matter has it for this signer: Ada Lovelace/);
    await screenshot(page, "08b-review-name-mismatch");
    await name.fill("Ada Lovelace");
    assert.equal(await sign.isDisabled(), false);
  });

  test("decision carries the typed name once", async () => {
    await openReview(review(), defaultResponses({ submit_decision: { pending: true } }));
    await scrollPacketToEnd();
    const name = page.getByLabel("Your full name");
    await name.waitFor({ state: "visible" });
    await page.waitForFunction(() => !document.querySelector(".screen-review input").disabled);
    await name.fill("  ada   LOVELACE ");

    const preview = await page.locator(".signature-preview").textContent();
    assert.equal(
      preview,
      "I, the undersigned, adopt my typed name below as my electronic signature on this document. /s/ ada LOVELACE",
    );
    assert.equal(await page.locator(".hint").textContent(), "Ready to sign.");
    await checkAccessibility(page, "review ready");
    await screenshot(page, "09-review-ready-to-sign");

    const sign = page.getByRole("button", { name: "Sign", exact: true });
    await sign.click();
    await page.locator(".screen-review button.primary").dblclick({ force: true });

    const decisions = await calls(page, "submit_decision");
    assert.equal(decisions.length, 1);
    assert.deepEqual(decisions[0].args, { decision: { kind: "sign", typed_name: "ada LOVELACE" } });
  });

  test("cancel sends a cancel decision and goes home", async () => {
    await openReview();
    await page.getByRole("button", { name: "Cancel, do not sign" }).click();
    await waitForScreen(page, "home");

    assert.deepEqual((await calls(page, "submit_decision")).map((call) => call.args), [{ decision: { kind: "cancel" } }]);
    assert.match(await page.locator(".notice").textContent(), /Nothing was signed/);
    await emit(page, "flow://error", { code: "cancelled", message: "Cancelled by the user." });
    assert.equal(await page.locator("#app").getAttribute("data-screen"), "home");
  });

  test("invalid packet hash blocks signing", async () => {
    await openReview(review({ packet_hash: "not-a-hash" }));
    await scrollPacketToEnd();

    assert.equal(await page.getByRole("button", { name: "Sign", exact: true }).isDisabled(), true);
    assert.match(await page.locator(".hint").textContent(), /Signing is blocked/);
  });

  test("narrow window keeps the review within 480 px", async () => {
    page = await openApp(shared.browser, shared.server, defaultResponses(), { width: 480, height: 800 });
    await waitForScreen(page, "home");
    await emit(page, "flow://review", review());
    await waitForScreen(page, "review");

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 480, `page is ${overflow} px wide in a 480 px window`);
    await screenshot(page, "10-review-480px");
  });
});

describe("consent and progress", () => {
  async function openEsra(text) {
    await open();
    await waitForScreen(page, "home");
    await emit(page, "flow://esra", { stakeholder: { id: "stk_456", name: "Ada Lovelace" }, version: "2026-01", text });
    await waitForScreen(page, "esra");
  }

  test("ESRA consent needs the affirmation", async () => {
    await openEsra("CONSUMER DISCLOSURE\n\nYou may request paper copies.\n<b>not bold</b>");

    const consent = page.getByRole("button", { name: "I consent" });
    assert.equal(await consent.isDisabled(), true);
    assert.equal(await page.locator(".esra-pane b").count(), 0);
    await checkAccessibility(page, "esra");
    await screenshot(page, "11-esra-consent");

    await page.getByLabel("By postal mail").check();
    await page.getByLabel(/I have read the disclosure/).check();
    await consent.click();
    assert.deepEqual((await calls(page, "submit_esra")).map((call) => call.args), [
      { answer: { kind: "affirm", paper_copy_request_method: "postal_mail" } },
    ]);
  });

  test("ESRA decline sends a decline", async () => {
    await openEsra("CONSUMER DISCLOSURE");
    const decline = page.getByRole("button", { name: "I do not consent" });
    await decline.click();

    assert.deepEqual((await calls(page, "submit_esra")).map((call) => call.args), [{ answer: { kind: "decline" } }]);
    assert.equal(await decline.isDisabled(), true);
  });

  test("progress marks the current step", async () => {
    await openReview();
    await scrollPacketToEnd();
    await page.waitForFunction(() => !document.querySelector(".screen-review input").disabled);
    await page.getByLabel("Your full name").fill("Ada Lovelace");
    await page.getByRole("button", { name: "Sign", exact: true }).click();
    await waitForScreen(page, "progress");

    await emit(page, "flow://progress", { step: "creating_session" });
    await emit(page, "flow://progress", { step: "signing" });
    const current = page.locator('[aria-current="step"]');
    assert.equal(await current.textContent(), "Signing");
    assert.equal(await page.locator(".step-done").count(), 3);
    assert.equal(await page.locator(".current-step").textContent(), "Signing…");

    const animation = await page.locator(".spinner").evaluate((element) => getComputedStyle(element).animationName);
    assert.equal(animation, "none", "reduced motion stops the spinner");

    await checkAccessibility(page, "progress");
    await screenshot(page, "12-progress-signing");
  });
});

describe("motion", () => {
  test("spinner turns only without reduced motion", async () => {
    await open();
    await waitForScreen(page, "home");
    await emit(page, "link://opened", { link: DOCUMENT_LINK });
    await waitForScreen(page, "request");
    await page.getByRole("button", { name: "Review the document" }).click();
    await waitForScreen(page, "progress");
    const spinner = page.locator(".spinner");

    await page.emulateMedia({ reducedMotion: "no-preference" });
    assert.equal(await spinner.evaluate((element) => getComputedStyle(element).animationName), "spin");
    await page.emulateMedia({ reducedMotion: "reduce" });
    assert.equal(await spinner.evaluate((element) => getComputedStyle(element).animationName), "none");
  });
});

describe("done", () => {
  test("done shows the receipt and opens it", async () => {
    await open();
    await waitForScreen(page, "home");
    await emit(page, "flow://done", signDone());
    await waitForScreen(page, "done");

    const text = await page.locator(".screen-done").textContent();
    assert.match(text, /Board consent to issue Series A preferred stock/);
    assert.match(text, /Passed: Unchanged since signing/);
    assert.match(text, /Passed: Signed by a known Matter key/);
    await checkAccessibility(page, "done");
    await screenshot(page, "13-done");

    await page.getByRole("button", { name: "Open receipt: Board consent to issue Series A preferred stock" }).click();
    await page.getByRole("button", { name: /Show in folder: Board consent/ }).click();
    assert.deepEqual((await calls(page, "open_receipt")).map((call) => call.args), [{ receipt_id: "rcpt_01", form: "html" }]);
    assert.deepEqual((await calls(page, "reveal_receipt")).map((call) => call.args), [{ receipt_id: "rcpt_01" }]);
  });

  test("export reports the folder or the cancel", async () => {
    await open();
    await waitForScreen(page, "home");
    await emit(page, "flow://done", signDone());
    await waitForScreen(page, "done");
    const exportButton = page.getByRole("button", { name: /^Export…: Board consent/ });

    await exportButton.click();
    await page.getByText("Exported to /home/ada/Exports.").waitFor();
    await page.evaluate(() => {
      window.__mock.responses.export_receipt = { ok: null };
    });
    await exportButton.click();
    await page.getByText("Export cancelled.").waitFor();
    await page.evaluate(() => {
      window.__mock.responses.export_receipt = { err: { code: "export_failed", message: "rcpt_01.json already exists." } };
    });
    await exportButton.click();
    await page.getByText("rcpt_01.json already exists.").waitFor();

    assert.deepEqual((await calls(page, "export_receipt")).map((call) => call.args), [
      { receipt_id: "rcpt_01" },
      { receipt_id: "rcpt_01" },
      { receipt_id: "rcpt_01" },
    ]);
  });

  test("done without a saved receipt says not to sign again", async () => {
    await open();
    await waitForScreen(page, "home");
    await emit(page, "flow://done", signDone({ saved: false, save_error: "Writing /home/ada/Matter receipts failed: no space left on device.", verification: null }));
    await waitForScreen(page, "done");

    const alert = await page.locator(".screen-done .inline-error").textContent();
    assert.match(alert, /Do not sign again/);
    assert.match(alert, /no space left on device/);
    assert.equal(await page.getByRole("button", { name: /Open receipt/ }).count(), 0);
    await checkAccessibility(page, "done unsaved");
    await screenshot(page, "14-done-receipt-not-saved");
  });
});

describe("unsaved receipt", () => {
  test("unsaved done alerts with the id, reason and two actions", async () => {
    await open();
    await waitForScreen(page, "home");
    await emit(page, "flow://done", unsavedDone());
    await waitForScreen(page, "done");

    const alert = page.getByRole("alert").filter({ hasText: "Matter recorded your signature" });
    const text = await alert.textContent();
    assert.match(text, /receipt ID sgn_01\), but the receipt is not saved yet/);
    assert.match(text, /Do not sign again/);
    assert.match(text, /Why: Receipt sgn_01 is not saved: .*No space left on device/);
    assert.doesNotMatch(text, /sign again from the link/);
    assert.equal(await page.getByRole("button", { name: "Try saving again" }).count(), 1);
    assert.equal(await page.getByRole("button", { name: "Save a copy…" }).count(), 1);
    assert.equal(await page.locator("h1").textContent(), "Signed, receipt not saved");
    await checkAccessibility(page, "done unsaved with recovery");
    await screenshot(page, "14b-done-unsaved-recovery");
  });

  test("retry failure shows the new reason, then success shows the receipt", async () => {
    await open(
      defaultResponses({
        save_unsaved_receipt: {
          err: { code: "receipt_not_saved", message: "Receipt sgn_01 is not saved: Permission denied (os error 13)." },
        },
      }),
    );
    await waitForScreen(page, "home");
    await emit(page, "flow://done", unsavedDone());
    await waitForScreen(page, "done");

    await page.getByRole("button", { name: "Try saving again" }).click();
    await page.locator(".unsaved-controls .inline-error").waitFor();
    assert.match(await page.locator(".unsaved-reason").textContent(), /Permission denied/);
    await checkAccessibility(page, "done unsaved retry failed");

    await page.evaluate(
      (summary) => {
        window.__mock.responses.save_unsaved_receipt = {
          ok: { receipt: summary, saved: true, save_error: null, verification: null, unsaved: null },
        };
      },
      receipt({ receipt_id: "sgn_01" }),
    );
    await page.getByRole("button", { name: "Try saving again" }).click();
    await page.getByText("Matter recorded your signature and the receipt is saved.").waitFor();
    assert.equal(await page.locator(".unsaved-alert").count(), 0);
    assert.equal(await page.locator(".notice").textContent(), "The receipt is saved in the receipts library.");
    assert.deepEqual((await calls(page, "save_unsaved_receipt")).map((call) => call.args), [
      { receipt_id: "sgn_01" },
      { receipt_id: "sgn_01" },
    ]);
  });

  test("save a copy names the file and the import command", async () => {
    await open();
    await waitForScreen(page, "home");
    await emit(page, "flow://done", unsavedDone());
    await waitForScreen(page, "done");

    await page.getByRole("button", { name: "Save a copy…" }).click();
    const message = page.getByText("Saved a copy of receipt sgn_01 to /home/ada/Desktop/sgn_01.json.");
    await message.waitFor();
    assert.match(await message.textContent(), /run matter-signer receipts import '\/home\/ada\/Desktop\/sgn_01\.json'/);
    assert.equal(await page.getByRole("button", { name: "Save a copy…" }).count(), 0);
    const alert = await page.locator(".unsaved-alert").textContent();
    assert.match(alert, /the copy you saved is the one to keep/);
    assert.doesNotMatch(alert, /holds the receipt until you save it/);
    assert.deepEqual((await calls(page, "export_unsaved_receipt")).map((call) => call.args), [{ receipt_id: "sgn_01" }]);
    await checkAccessibility(page, "done unsaved copy saved");
  });

  test("cancelled copy keeps the receipt and its buttons", async () => {
    await open(defaultResponses({ export_unsaved_receipt: { ok: null } }));
    await waitForScreen(page, "home");
    await emit(page, "flow://done", unsavedDone());
    await waitForScreen(page, "done");

    await page.getByRole("button", { name: "Save a copy…" }).click();
    await page.getByText("No copy saved. The app still holds the receipt.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Try saving again" }).getAttribute("aria-disabled"), null);
  });

  test("home warns while receipts are unsaved", async () => {
    const second = { ...UNSAVED, receipt_id: "sgn_02", document_title: "Option grant to Grace Hopper" };
    await open(defaultResponses({ app_state: { ok: appState({ unsaved_receipts: [UNSAVED, second] }) } }));
    await waitForScreen(page, "home");

    const banner = page.getByRole("region", { name: "2 signed receipts are not saved yet" });
    const text = await banner.textContent();
    assert.match(text, /do not sign them again/);
    assert.match(text, /sgn_01/);
    assert.match(text, /sgn_02/);
    assert.equal(await banner.getByRole("button", { name: "Try saving again: Option grant to Grace Hopper" }).count(), 1);
    assert.equal(await banner.getByRole("button", { name: "Save a copy…: Board consent to issue Series A preferred stock" }).count(), 1);
    await checkAccessibility(page, "home unsaved banner");
    await screenshot(page, "02b-home-unsaved-receipts");
  });

  test("home without unsaved receipts shows no warning", async () => {
    await open();
    await waitForScreen(page, "home");
    await page.getByText("Recent receipts").waitFor();

    assert.equal(await page.locator(".unsaved-banner").count(), 0);
  });
});

describe("close confirmation", () => {
  const second = { ...UNSAVED, receipt_id: "sgn_02", document_title: "Option grant to Grace Hopper" };

  /** Opens home with two unsaved receipts and delivers the shell's close request. */
  async function openCloseDialog() {
    await open(defaultResponses({ app_state: { ok: appState({ unsaved_receipts: [UNSAVED, second] }) } }));
    await waitForScreen(page, "home");
    await page.getByText("Recent receipts").waitFor();
    await emit(page, "app://close-requested", { unsaved_receipts: [UNSAVED, second] });
    const dialog = page.getByRole("dialog", { name: "Close Matter Signer?" });
    await dialog.waitFor();
    return dialog;
  }

  async function focusedName() {
    return page.evaluate(() => {
      const active = document.activeElement;
      return active?.getAttribute("aria-label") ?? active?.textContent ?? "";
    });
  }

  test("close request opens a modal naming the count", async () => {
    const dialog = await openCloseDialog();

    assert.equal(
      await dialog.locator(".close-warning").textContent(),
      "2 signed receipts are not saved. Closing Matter Signer loses them.",
    );
    assert.equal(await dialog.getAttribute("aria-describedby"), "close-dialog-warning");
    assert.equal(await dialog.getByRole("button", { name: "Save a copy…: Option grant to Grace Hopper" }).count(), 1);
    assert.equal(await dialog.getByRole("button", { name: "Close and lose them" }).count(), 1);
    await checkAccessibility(page, "close confirmation");
    await screenshot(page, "14c-close-confirmation");
  });

  test("focus starts on Keep open and Tab stays inside", async () => {
    const dialog = await openCloseDialog();
    assert.equal(await focusedName(), "Keep Matter Signer open");

    await page.keyboard.press("Tab");
    assert.equal(await focusedName(), "Close and lose them");
    await page.keyboard.press("Tab");
    assert.equal(await focusedName(), "Try saving again: Board consent to issue Series A preferred stock");
    await page.keyboard.press("Shift+Tab");
    assert.equal(await focusedName(), "Close and lose them");
    for (let press = 0; press < 8; press += 1) {
      await page.keyboard.press("Tab");
      assert.equal(await dialog.evaluate((element) => element.contains(document.activeElement)), true);
    }
  });

  test("Escape keeps the app open and closes the modal", async () => {
    await openCloseDialog();
    await page.keyboard.press("Escape");

    assert.equal(await page.getByRole("dialog").count(), 0);
    assert.equal(await page.locator("dialog").count(), 0);
    assert.deepEqual(await calls(page, "confirm_close"), []);
  });

  test("Keep Matter Signer open dismisses without closing", async () => {
    const dialog = await openCloseDialog();
    await dialog.getByRole("button", { name: "Keep Matter Signer open" }).click();

    assert.equal(await page.locator("dialog").count(), 0);
    assert.deepEqual(await calls(page, "confirm_close"), []);
  });

  test("Close and lose them invokes confirm_close", async () => {
    const dialog = await openCloseDialog();
    await dialog.getByRole("button", { name: "Close and lose them" }).click();

    await page.waitForFunction(() => window.__mock.calls.some((call) => call.cmd === "confirm_close"));
    assert.deepEqual((await calls(page, "confirm_close")).map((call) => call.args), [{}]);
  });

  test("failed confirm_close shows the error in the modal", async () => {
    await open(
      defaultResponses({
        app_state: { ok: appState({ unsaved_receipts: [UNSAVED] }) },
        confirm_close: { err: { code: "close_failed", message: "The window could not close: gone." } },
      }),
    );
    await waitForScreen(page, "home");
    await emit(page, "app://close-requested", { unsaved_receipts: [UNSAVED] });
    const dialog = page.getByRole("dialog", { name: "Close Matter Signer?" });
    await dialog.getByRole("button", { name: "Close and lose them" }).click();

    await dialog.locator(".inline-error").waitFor();
    assert.match(await dialog.locator(".inline-error").textContent(), /could not close/);
    assert.equal(await dialog.getByRole("button", { name: "Close and lose them" }).getAttribute("aria-disabled"), null);
  });

  test("a copy saved from the modal lowers the count", async () => {
    const dialog = await openCloseDialog();
    await dialog.getByRole("button", { name: "Save a copy…: Board consent to issue Series A preferred stock" }).click();

    await dialog.getByText("Saved a copy of receipt sgn_01").waitFor();
    assert.equal(
      await dialog.locator(".close-warning").textContent(),
      "1 signed receipt is not saved. Closing Matter Signer loses it.",
    );
    assert.deepEqual((await calls(page, "export_unsaved_receipt")).map((call) => call.args), [{ receipt_id: "sgn_01" }]);
  });
});

describe("errors", () => {
  const cases = [
    ["link_expired", { code: "session_expired", message: "The signing session expired before it was used." }, "This signing link has expired"],
    ["already_signed", { code: "already_signed", message: "Ada Lovelace already signed this document." }, "This has already been signed"],
    ["consent_required", { code: "esra_consent_required", message: "Matter has no consent to electronic records for Ada Lovelace." }, "Consent to electronic records is needed"],
    ["network", { code: "network", message: "Could not connect to api.matter.example: connection refused." }, "Matter could not be reached"],
    ["hash_mismatch", { code: "hash_mismatch", message: "The packet hash 9f2c… differs from Matter's 0000…." }, "Signing blocked: the disclosure packet did not match"],
    ["unknown", { code: "strange_thing", message: "Something unusual happened." }, "Something went wrong"],
    ["link_expired_code", { code: "link_expired", message: "The link expired on 2026-12-01." }, "This signing link has expired"],
    ["esra_declined", { code: "esra_declined", message: "You did not consent to electronic records." }, "Consent to electronic records is needed"],
    ["sign_in_timeout", { code: "sign_in_timeout", message: "The browser did not return within 300 seconds." }, "The sign-in timed out"],
    ["sign_in_failed", { code: "sign_in_failed", message: "The sign-in page reported access_denied." }, "The sign-in failed"],
    ["cancelled", { code: "cancelled", message: "Signing was cancelled. Nothing was signed." }, "Signing was cancelled"],
    ["flow_busy", { code: "flow_busy", message: "A signing or sign-in is already in progress." }, "A signing is already in progress"],
    ["receipt_not_saved", { code: "receipt_not_saved", message: "Writing the receipt failed: disk full." }, "Signed, but the receipt was not saved"],
    ["name_mismatch", { code: "typed_name_mismatch", message: "The typed name \"Ada King\" does not match \"Ada Lovelace\"." }, "The typed name does not match"],
    ["not_your_turn", { code: "awaiting_prior_signer", message: "Signer 1 of 3 has not signed yet." }, "An earlier signer has not signed yet"],
  ];
  for (const [name, error, title] of cases) {
    test(`error ${name} has its own screen`, async () => {
      await openReview();
      await emit(page, "flow://error", error);
      await waitForScreen(page, "error");

      assert.equal(await page.locator("h1").textContent(), title);
      assert.equal(await page.locator(".error-message").textContent(), error.message);
      assert.ok((await page.locator(".next-step").textContent()).length > 0);
      await checkAccessibility(page, `error ${name}`);
      await screenshot(page, `15-error-${name}`);
    });
  }

  test("not your document names both identities", async () => {
    await openReview(review({ signed_in_user: OTHER_USER }));
    await emit(page, "flow://error", {
      code: "not_your_document",
      message: "You are signed in as Charles Babbage <charles@example.com>, but this link is for Ada Lovelace (stk_456).",
    });
    await waitForScreen(page, "error");

    const identities = await page.locator(".identities").textContent();
    assert.match(identities, /You are signed in asCharles Babbage <charles@example\.com>/);
    assert.match(identities, /The link asks forAda Lovelace \(stk_456\)/);
    assert.equal(await page.getByRole("button", { name: "Sign out" }).count(), 1);
    await checkAccessibility(page, "not your document");
    await screenshot(page, "16-error-not-your-document");
  });

  test("server error shows the request id with copy", async () => {
    await openReview();
    await emit(page, "flow://error", { code: "server", message: "Matter answered 500 Internal Server Error.", request_id: "req_7Hq2" });
    await waitForScreen(page, "error");

    assert.equal(await page.locator(".request-id code").textContent(), "req_7Hq2");
    await page.getByRole("button", { name: "Copy request ID" }).click();
    await page.getByText("Copied.").waitFor();
    assert.deepEqual(await page.evaluate(() => window.__mock.clipboard), ["req_7Hq2"]);

    await page.getByRole("button", { name: "Try again" }).click();
    await waitForScreen(page, "progress");
    assert.equal((await calls(page, "start_signing")).length, 2);
  });

  test("startup error shows the setting and config file", async () => {
    await open(defaultResponses({ app_state: { ok: appState({ startup_error: STARTUP_ERROR }) } }));
    await waitForScreen(page, "startup_error");

    assert.equal(await page.locator("h1").textContent(), "Matter Signer is not set up yet");
    assert.equal(await page.locator(".error-message").textContent(), STARTUP_ERROR.message);
    assert.match(await page.locator(".error-message").textContent(), /MATTER_ISSUER/);
    assert.equal(await page.locator(".config-file").textContent(), STARTUP_ERROR.config_file);
    assert.equal(await page.locator(".link-not-opened").count(), 0);
    assert.match(await page.locator(".mode-banner").textContent(), /not running/);
    assert.equal(await page.getByRole("button").count(), 0);
    assert.equal((await calls(page, "list_receipts")).length, 0);
    await checkAccessibility(page, "startup error");
    await screenshot(page, "18-startup-not-configured");

    await emit(page, "flow://error", { code: "not_configured", message: STARTUP_ERROR.message });
    await page.locator(".link-not-opened").waitFor();
    assert.match(await page.locator(".link-not-opened").textContent(), /signing link arrived but was not opened/);
    assert.equal((await calls(page, "parse_link")).length, 0);
    assert.equal((await calls(page, "start_signing")).length, 0);
    await checkAccessibility(page, "startup error with link");
  });
});

describe("receipts library", () => {
  test("receipts list, search, verify and open", async () => {
    await open(
      defaultResponses({
        list_receipts: {
          ok: {
            entries: [receipt(), receipt({ receipt_id: "rcpt_02", document_title: "Option grant", files: { json: "/r/2.json", html: null, pdf: "/r/2.pdf" } })],
            unreadable: [{ path: "/home/ada/Matter receipts/broken.json", reason: "not valid JSON at line 1" }],
          },
        },
        verify_receipt: { ok: VERIFICATION_BAD },
      }),
    );
    await waitForScreen(page, "home");
    await page.getByRole("button", { name: "All receipts" }).click();
    await waitForScreen(page, "receipts");
    await page.getByText("2 receipts.").waitFor();

    assert.equal(await page.locator(".receipt-item").count(), 2);
    assert.match(await page.locator(".unreadable").textContent(), /broken\.json: not valid JSON/);

    await page.getByLabel("Search receipts").fill("acme");
    await page.getByLabel("Search receipts").press("Enter");
    await page.waitForFunction(() => window.__mock.calls.some((call) => call.cmd === "list_receipts" && call.args.query.text === "acme"));

    await page.getByRole("button", { name: "Verify: Board consent to issue Series A preferred stock" }).click();
    await page.getByText("Failed: Unchanged since signing").waitFor();
    const verdicts = await page.locator(".receipt-item").first().locator(".verdict").allTextContents();
    assert.equal(verdicts.length, 2);
    assert.match(verdicts[0], /Failed: Unchanged since signing.*typed name in the file differs/);
    assert.match(verdicts[1], /Passed: Signed by a known Matter key/);
    assert.deepEqual((await calls(page, "verify_receipt")).map((call) => call.args), [{ receipt_id: "rcpt_01" }]);

    await page.getByRole("button", { name: "Open PDF: Option grant" }).click();
    assert.deepEqual((await calls(page, "open_receipt")).map((call) => call.args), [{ receipt_id: "rcpt_02", form: "pdf" }]);

    await checkAccessibility(page, "receipts");
    await screenshot(page, "17-receipts");
  });
});
