import { afterEach, beforeEach, describe, expect, test } from "vitest";

import { App } from "../src/app";
import type { Environment } from "../src/env";
import type { EventName, EventPayloads, Handler, Ipc } from "../src/ipc";
import { LINK_NOT_OPENED } from "../src/screens/startup";
import type { AppState, Decision, Review, SignDone, StartupError, UnsavedCopy, UnsavedReceipt } from "../src/types";

const USER = { user_id: "user_1", email: "ada@example.com", name: "Ada Lovelace" };
const HASH = "9f2c4e1a7b3d5c8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70";
const LINK = "mattermode://sign?document_id=doc_1&stakeholder_id=stk_1";

const STARTUP_ERROR: StartupError = {
  code: "not_configured",
  message:
    "No OAuth issuer is configured: set MATTER_ISSUER (or `issuer` in /home/ada/.config/matter-signer/config.toml) to the issuer URL Matter gave you.",
  cause_code: "config_missing_issuer",
  config_file: "/home/ada/.config/matter-signer/config.toml",
  link_not_opened: false,
};

function state(overrides: Partial<AppState> = {}): AppState {
  return {
    mode: "test",
    sandbox: true,
    version: "0.1.0",
    user: USER,
    storage: { kind: "keyring" },
    pending_link: null,
    unsaved_receipts: [],
    startup_error: null,
    ...overrides,
  };
}

function reviewPayload(overrides: Partial<Review> = {}): Review {
  return {
    mode: "test",
    document: {
      id: "doc_1",
      title: "Board consent",
      entity_id: "ent_1",
      entity_name: "Acme",
      sha256: HASH,
      byte_length: 10,
      execution_status: "awaiting_signatures",
    },
    envelope: null,
    stakeholder: { id: "stk_1", name: "Ada Lovelace" },
    signed_in_user: USER,
    packet: {},
    packet_text: 'Line one\n<img src=x onerror="window.__xss=1">\nLast line',
    packet_hash: HASH,
    signature_attestation: "I adopt my typed name as my signature.",
    ...overrides,
  };
}

const UNSAVED: UnsavedReceipt = {
  receipt_id: "sgn_1",
  document_id: "doc_1",
  document_title: "Board consent",
  entity_name: "Acme",
  stakeholder_name: "Ada Lovelace",
  server_signed_at: "2026-12-04T18:20:05Z",
  error: {
    code: "receipt_not_saved",
    message: "Receipt sgn_1 is not saved: Failed to write /data/receipts: No space left on device (os error 28).",
  },
};

function unsavedDone(): SignDone {
  return { receipt: null, saved: false, save_error: UNSAVED.error.message, verification: null, unsaved: UNSAVED };
}

function savedDone(): SignDone {
  return {
    receipt: {
      receipt_id: "sgn_1",
      document_id: "doc_1",
      document_title: "Board consent",
      entity_id: "ent_1",
      entity_name: "Acme",
      stakeholder_id: "stk_1",
      stakeholder_name: "Ada Lovelace",
      typed_name: "Ada Lovelace",
      mode: "test",
      server_signed_at: "2026-12-04T18:20:05Z",
      local_signed_at: "2026-12-04T18:20:06Z",
      packet_hash: HASH,
      files: { json: "/data/receipts/sgn_1/receipt.json", html: null, pdf: null },
    },
    saved: true,
    save_error: null,
    verification: null,
    unsaved: null,
  };
}

function buttonNamed(name: string): HTMLButtonElement {
  const found = [...root.querySelectorAll("button")].find((element) => element.textContent === name);
  if (!found) {
    throw new Error(`no ${name} button`);
  }
  return found;
}

/** A stand-in shell that records calls and lets a test emit events. */
class FakeShell {
  calls: { command: string; args: unknown[] }[] = [];
  handlers = new Map<EventName, Handler<never>[]>();
  appState: AppState = state();
  decisionResult: Promise<void> = Promise.resolve();
  saveResult: () => Promise<SignDone> = () => Promise.resolve(savedDone());
  exportResult: () => Promise<UnsavedCopy | null> = () => Promise.resolve(null);

  ipc(): Ipc {
    const record = <T>(command: string, result: T) =>
      (...args: unknown[]) => {
        this.calls.push({ command, args });
        return Promise.resolve(result);
      };
    return {
      appState: () => {
        this.calls.push({ command: "app_state", args: [] });
        return Promise.resolve(this.appState);
      },
      parseLink: record("parse_link", { kind: "document" as const, document_id: "doc_1", stakeholder_id: "stk_1" }),
      startSigning: record("start_signing", undefined),
      submitDecision: (decision: Decision) => {
        this.calls.push({ command: "submit_decision", args: [decision] });
        return this.decisionResult;
      },
      submitEsra: record("submit_esra", undefined),
      cancelFlow: record("cancel_flow", undefined),
      signIn: record("sign_in", USER),
      signOut: record("sign_out", undefined),
      listReceipts: record("list_receipts", { entries: [], unreadable: [] }),
      verifyReceipt: record("verify_receipt", {
        kind: "json" as const,
        integrity: { passed: true, reason: "ok" },
        trust: { passed: true, reason: "ok" },
      }),
      openReceipt: record("open_receipt", undefined),
      revealReceipt: record("reveal_receipt", undefined),
      exportReceipt: record("export_receipt", null),
      saveUnsavedReceipt: (receiptId: string) => {
        this.calls.push({ command: "save_unsaved_receipt", args: [receiptId] });
        return this.saveResult();
      },
      exportUnsavedReceipt: (receiptId: string) => {
        this.calls.push({ command: "export_unsaved_receipt", args: [receiptId] });
        return this.exportResult();
      },
      confirmClose: record("confirm_close", undefined),
      on: <E extends EventName>(event: E, handler: Handler<EventPayloads[E]>) => {
        const list = this.handlers.get(event) ?? [];
        list.push(handler as Handler<never>);
        this.handlers.set(event, list);
        return Promise.resolve(() => {});
      },
    };
  }

  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    for (const handler of this.handlers.get(event) ?? []) {
      (handler as Handler<EventPayloads[E]>)(payload);
    }
  }

  commands(name: string): unknown[][] {
    return this.calls.filter((call) => call.command === name).map((call) => call.args);
  }
}

let shell: FakeShell;
let root: HTMLElement;
let reveal: (() => void)[];

function environment(): Environment {
  return {
    ipc: shell.ipc(),
    copyText: () => Promise.resolve(),
    whenVisible: (_target, onVisible) => {
      reveal.push(onVisible);
      return () => {};
    },
    now: () => 0,
  };
}

async function startApp(): Promise<App> {
  const app = new App(root, environment());
  await app.start();
  return app;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function signButton(): HTMLButtonElement {
  const found = [...root.querySelectorAll("button")].find((element) => element.textContent === "Sign");
  if (!found) {
    throw new Error("no Sign button");
  }
  return found;
}

function nameInput(): HTMLInputElement {
  const input = root.querySelector<HTMLInputElement>(".screen-review input");
  if (!input) {
    throw new Error("no name field");
  }
  return input;
}

function typeName(value: string): void {
  nameInput().value = value;
  nameInput().dispatchEvent(new Event("input"));
}

beforeEach(() => {
  shell = new FakeShell();
  reveal = [];
  root = document.createElement("div");
  document.body.appendChild(root);
});

afterEach(() => {
  root.remove();
});

describe("App", () => {
  test("link opened shows the request without starting", async () => {
    const app = await startApp();
    shell.emit("link://opened", { link: LINK });
    await flush();

    expect(app.currentScreen).toBe("request");
    expect(shell.commands("parse_link")).toEqual([[LINK]]);
    expect(shell.commands("start_signing")).toEqual([]);
  });

  test("packet markup stays text", async () => {
    await startApp();
    shell.emit("flow://review", reviewPayload());

    const packet = root.querySelector(".packet-text");
    expect(packet?.textContent).toContain('<img src=x onerror="window.__xss=1">');
    expect(packet?.children.length).toBe(0);
    expect(root.querySelector("img")).toBeNull();
  });

  test("sign stays disabled for another name", async () => {
    await startApp();
    shell.emit("flow://review", reviewPayload());
    reveal.forEach((callback) => callback());
    typeName("Charles Babbage");

    expect(signButton().disabled).toBe(true);
    expect(root.querySelector(".hint")?.textContent).toMatch(/exactly as Matter has it for this signer: Ada Lovelace/);
  });

  test("sign is disabled until the packet end is visible", async () => {
    await startApp();
    shell.emit("flow://review", reviewPayload());

    expect(signButton().disabled).toBe(true);
    expect(nameInput().disabled).toBe(true);
    reveal.forEach((callback) => callback());
    expect(nameInput().disabled).toBe(false);
    expect(signButton().disabled).toBe(true);
    typeName("Ada Lovelace");
    expect(signButton().disabled).toBe(false);
  });

  test("second Sign click sends nothing", async () => {
    shell.decisionResult = new Promise(() => {});
    await startApp();
    shell.emit("flow://review", reviewPayload());
    reveal.forEach((callback) => callback());
    typeName("  Ada   Lovelace  ");

    const sign = signButton();
    sign.click();
    sign.click();
    await flush();

    expect(sign.textContent).toBe("Signing…");

    expect(shell.commands("submit_decision")).toEqual([[{ kind: "sign", typed_name: "Ada Lovelace" }]]);
  });

  test("preview shows the exact signature text", async () => {
    await startApp();
    shell.emit("flow://review", reviewPayload());
    reveal.forEach((callback) => callback());
    typeName("Ada Lovelace");

    expect(root.querySelector(".signature-preview")?.textContent).toBe(
      "I adopt my typed name as my signature. /s/ Ada Lovelace",
    );
  });

  test("cancel reported before the command returns", async () => {
    let finish: () => void = () => {};
    shell.decisionResult = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const app = await startApp();
    shell.emit("flow://review", reviewPayload());
    const screens: string[] = [];
    root.addEventListener("focusin", () => screens.push(app.currentScreen));

    [...root.querySelectorAll("button")].find((element) => element.textContent === "Cancel, do not sign")?.click();
    shell.emit("flow://error", { code: "cancelled", message: "Signing was cancelled. Nothing was signed." });
    finish();
    await flush();

    expect(app.currentScreen).toBe("home");
    expect(screens).not.toContain("error");
    expect(root.querySelector(".notice")?.textContent).toBe("Cancelled. Nothing was signed.");
  });

  test("rejected incoming link keeps the flow", async () => {
    const app = await startApp();
    shell.emit("link://opened", { link: LINK });
    await flush();
    [...root.querySelectorAll("button")].find((element) => element.textContent === "Review the document")?.click();
    shell.emit("flow://review", reviewPayload());
    shell.emit("flow://error", { code: "link_invalid", message: "The link has no document_id." });

    expect(app.currentScreen).toBe("review");
    expect(root.querySelector(".notice")?.textContent).toBe(
      "A signing link that arrived was rejected: The link has no document_id.",
    );
  });

  test("refused cancel keeps the screen", async () => {
    const env = environment();
    const refuse = () => Promise.reject({ code: "cannot_cancel", message: "Signing is already under way." });
    const app = new App(root, { ...env, ipc: { ...env.ipc, cancelFlow: refuse } });
    await app.start();
    shell.emit("flow://sign-in", {
      authorize_url: "https://clerk.example.test/authorize",
      reason: { kind: "step_up", minutes_ago: 7 },
      timeout: 300,
    });
    [...root.querySelectorAll("button")].find((element) => element.textContent === "Cancel sign-in")?.click();
    await flush();

    expect(app.currentScreen).toBe("sign_in");
    expect(root.querySelector(".notice")?.textContent).toBe("Signing is already under way.");
  });

  test("not your document names both identities", async () => {
    await startApp();
    shell.emit(
      "flow://review",
      reviewPayload({ signed_in_user: { user_id: "user_2", email: "charles@example.com", name: "Charles Babbage" } }),
    );
    shell.emit("flow://error", { code: "not_your_document", message: "Wrong person." });

    const identities = root.querySelector(".identities")?.textContent ?? "";
    expect(identities).toContain("Charles Babbage <charles@example.com>");
    expect(identities).toContain("Ada Lovelace (stk_1)");
  });

  test("server error shows its request id", async () => {
    await startApp();
    shell.emit("flow://error", { code: "server", message: "Matter answered 502.", request_id: "req_42" });

    expect(root.querySelector(".request-id code")?.textContent).toBe("req_42");
  });

  test("live mode banner uses words", async () => {
    shell.appState = state({ mode: "live", sandbox: false });
    await startApp();

    expect(root.querySelector(".mode-badge")?.textContent).toBe("LIVE MODE");
    expect(root.querySelector(".mode-banner")?.classList.contains("mode-live")).toBe(true);
  });

  test("home retries a failed app_state", async () => {
    let failures = 1;
    const flakyAppState = () => {
      if (failures > 0) {
        failures -= 1;
        return Promise.reject({ code: "ipc", message: "The background process is starting." });
      }
      return Promise.resolve(state());
    };
    const env = environment();
    const app = new App(root, { ...env, ipc: { ...env.ipc, appState: flakyAppState } });
    await app.start();
    expect(app.currentScreen).toBe("error");

    [...root.querySelectorAll("button")].find((element) => element.textContent === "Back to home")?.click();
    await flush();

    expect(app.currentScreen).toBe("home");
  });

  test("link during a running flow is not opened", async () => {
    const app = await startApp();
    shell.emit("link://opened", { link: LINK });
    await flush();
    [...root.querySelectorAll("button")].find((element) => element.textContent === "Review the document")?.click();
    await flush();
    shell.emit("link://opened", { link: "mattermode://sign?document_id=doc_2&stakeholder_id=stk_2" });
    await flush();

    expect(shell.commands("parse_link")).toHaveLength(1);
    expect(app.currentScreen).toBe("progress");
    expect(root.querySelector(".notice")?.textContent).toMatch(/new signing link arrived/);
  });

  test("unsaved done retry shows the saved receipt", async () => {
    const app = await startApp();
    shell.emit("flow://done", unsavedDone());
    expect(root.querySelector(".unsaved-alert")?.textContent).toContain("sgn_1");

    buttonNamed("Try saving again").click();
    await flush();

    expect(shell.commands("save_unsaved_receipt")).toEqual([["sgn_1"]]);
    expect(app.currentScreen).toBe("done");
    expect(root.querySelector(".unsaved-alert")).toBeNull();
    expect(root.querySelector(".success-text")?.textContent).toContain("the receipt is saved");
    expect(root.querySelector(".notice")?.textContent).toBe("The receipt is saved in the receipts library.");
  });

  test("unsaved retry failure updates the reason", async () => {
    const error = { code: "receipt_not_saved", message: "Receipt sgn_1 is not saved: Permission denied." };
    shell.saveResult = () => Promise.reject(error);
    await startApp();
    shell.emit("flow://done", unsavedDone());

    buttonNamed("Try saving again").click();
    await flush();

    expect(root.querySelector(".unsaved-reason")?.textContent).toBe(`Why: ${error.message}`);
    expect(root.querySelector(".unsaved-controls .inline-error")?.textContent).toContain("Permission denied");
    expect(buttonNamed("Try saving again").hasAttribute("aria-disabled")).toBe(false);
  });

  test("unsaved retry sends one request at a time", async () => {
    shell.saveResult = () => new Promise(() => {});
    await startApp();
    shell.emit("flow://done", unsavedDone());

    buttonNamed("Try saving again").click();
    buttonNamed("Try saving again").click();
    buttonNamed("Save a copy…").click();

    expect(buttonNamed("Try saving again").getAttribute("aria-disabled")).toBe("true");
    expect(shell.commands("save_unsaved_receipt")).toHaveLength(1);
    expect(shell.commands("export_unsaved_receipt")).toHaveLength(0);
  });

  test("unsaved copy replaces the buttons with the path", async () => {
    shell.exportResult = () => Promise.resolve({ receipt_id: "sgn_1", path: "/home/ada/sgn_1.json" });
    await startApp();
    shell.emit("flow://done", unsavedDone());

    buttonNamed("Save a copy…").click();
    await flush();

    const feedback = root.querySelector<HTMLElement>(".unsaved-controls .feedback");
    expect(feedback?.textContent).toContain("Saved a copy of receipt sgn_1 to /home/ada/sgn_1.json.");
    expect(document.activeElement).toBe(feedback);
    expect(root.querySelector(".unsaved-actions")).toBeNull();
  });

  test("cancelled copy keeps the buttons", async () => {
    await startApp();
    shell.emit("flow://done", unsavedDone());

    buttonNamed("Save a copy…").click();
    await flush();

    expect(root.querySelector(".unsaved-controls .feedback")?.textContent).toBe(
      "No copy saved. The app still holds the receipt.",
    );
    expect(buttonNamed("Save a copy…").hasAttribute("aria-disabled")).toBe(false);
  });

  test("home warns while receipts are unsaved", async () => {
    shell.appState = state({ unsaved_receipts: [UNSAVED] });
    await startApp();

    const banner = root.querySelector(".unsaved-banner");
    expect(banner?.querySelector("h2")?.textContent).toBe("1 signed receipt is not saved yet");
    expect(banner?.textContent).toContain("sgn_1");
    expect(banner?.textContent).toContain("No space left on device");
    const retry = banner?.querySelector<HTMLButtonElement>("button");
    expect(retry?.getAttribute("aria-label")).toBe("Try saving again: Board consent");
  });

  test("home without unsaved receipts has no warning", async () => {
    await startApp();

    expect(root.querySelector(".unsaved-banner")).toBeNull();
  });

  test("home copy redraws home with the message", async () => {
    shell.appState = state({ unsaved_receipts: [UNSAVED] });
    shell.exportResult = () => {
      shell.appState = state();
      return Promise.resolve({ receipt_id: "sgn_1", path: "/home/ada/sgn_1.json" });
    };
    const app = await startApp();

    buttonNamed("Save a copy…").click();
    await flush();
    await flush();

    expect(app.currentScreen).toBe("home");
    expect(root.querySelector(".unsaved-banner")).toBeNull();
    expect(root.querySelector(".notice")?.textContent).toContain("Saved a copy of receipt sgn_1");
  });
  test("startup error replaces home", async () => {
    shell.appState = state({ startup_error: STARTUP_ERROR });
    const app = await startApp();

    expect(app.currentScreen).toBe("startup_error");
    expect(root.querySelector("h1")?.textContent).toBe("Matter Signer is not set up yet");
    expect(root.querySelector(".error-message")?.textContent).toBe(STARTUP_ERROR.message);
    expect(root.querySelector(".config-file")?.textContent).toBe(STARTUP_ERROR.config_file);
    expect(root.querySelector(".link-not-opened")).toBeNull();
    expect(root.querySelector(".mode-banner")?.textContent).toContain("not running");
    expect(shell.commands("list_receipts")).toEqual([]);
  });

  test("startup error names an unopened cold-start link", async () => {
    shell.appState = state({ pending_link: null, startup_error: { ...STARTUP_ERROR, link_not_opened: true } });
    await startApp();

    expect(root.querySelector(".link-not-opened")?.textContent).toBe(LINK_NOT_OPENED);
    expect(shell.commands("parse_link")).toEqual([]);
  });

  test("link error during startup error keeps that screen", async () => {
    shell.appState = state({ startup_error: STARTUP_ERROR });
    const app = await startApp();
    shell.emit("flow://error", { code: "not_configured", message: STARTUP_ERROR.message });

    expect(app.currentScreen).toBe("startup_error");
    expect(root.querySelector(".link-not-opened")?.textContent).toBe(LINK_NOT_OPENED);
    expect(root.querySelector(".error-message")?.textContent).toBe(STARTUP_ERROR.message);
    expect(shell.commands("start_signing")).toEqual([]);
  });

  test("startup failure has its own title", async () => {
    shell.appState = state({
      startup_error: { ...STARTUP_ERROR, code: "startup_failed", cause_code: "storage_failed", config_file: null },
    });
    await startApp();

    expect(root.querySelector("h1")?.textContent).toBe("Matter Signer could not start");
    expect(root.querySelector(".config-file")).toBeNull();
    expect(root.querySelector(".error-code code")?.textContent).toBe("storage_failed");
  });
});

