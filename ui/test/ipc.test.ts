import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, test } from "vitest";

import { decisionPayload, esraPayload, receiptQueryPayload, tauriIpc, toFlowError } from "../src/ipc";
import type { Decision, EsraAnswer } from "../src/types";

interface Recorded {
  cmd: string;
  args: unknown;
}

function record(answer: (cmd: string) => unknown = () => null): Recorded[] {
  const recorded: Recorded[] = [];
  mockIPC((cmd, args) => {
    recorded.push({ cmd, args });
    return answer(cmd);
  });
  return recorded;
}

afterEach(() => {
  clearMocks();
});

describe("payload builders", () => {
  test("sign decision keeps only kind and typed_name", () => {
    const decision = { kind: "sign", typed_name: "Ada", token: "sig_canary" } as unknown as Decision;
    expect(decisionPayload(decision)).toEqual({ kind: "sign", typed_name: "Ada" });
  });

  test("cancel decision keeps only kind", () => {
    const decision = { kind: "cancel", typed_name: "Ada" } as unknown as Decision;
    expect(decisionPayload(decision)).toEqual({ kind: "cancel" });
  });

  test("ESRA answers keep only contract fields", () => {
    const affirm = { kind: "affirm", paper_copy_request_method: "email", extra: 1 } as unknown as EsraAnswer;
    expect(esraPayload(affirm)).toEqual({ kind: "affirm", paper_copy_request_method: "email" });
    const decline = { kind: "decline", paper_copy_request_method: "email" } as unknown as EsraAnswer;
    expect(esraPayload(decline)).toEqual({ kind: "decline" });
  });

  test("receipt query drops empty and unknown fields", () => {
    const query = { text: "  acme ", entity_id: "", path: "/etc/passwd" } as unknown as Parameters<typeof receiptQueryPayload>[0];
    expect(receiptQueryPayload(query)).toEqual({ text: "acme" });
  });
});

describe("tauriIpc", () => {
  test("submit_decision sends the contract's shape", async () => {
    const recorded = record();
    await tauriIpc.submitDecision({ kind: "sign", typed_name: "Ada Lovelace", note: "x" } as unknown as Decision);
    expect(recorded).toEqual([{ cmd: "submit_decision", args: { decision: { kind: "sign", typed_name: "Ada Lovelace" } } }]);
  });

  test("receipt commands send receipt_id and form only", async () => {
    const recorded = record((cmd) => (cmd === "export_receipt" ? "/tmp/out" : null));
    await tauriIpc.openReceipt("rcpt_1", "pdf");
    await tauriIpc.revealReceipt("rcpt_1");
    await tauriIpc.verifyReceipt("rcpt_1");
    expect(await tauriIpc.exportReceipt("rcpt_1")).toBe("/tmp/out");
    expect(recorded.map((entry) => entry.args)).toEqual([
      { receipt_id: "rcpt_1", form: "pdf" },
      { receipt_id: "rcpt_1" },
      { receipt_id: "rcpt_1" },
      { receipt_id: "rcpt_1" },
    ]);
  });

  test("unsaved receipt commands send receipt_id only", async () => {
    const copy = { receipt_id: "sgn_1", path: "/tmp/sgn_1.json" };
    const recorded = record((cmd) => (cmd === "export_unsaved_receipt" ? copy : { saved: true }));
    await tauriIpc.saveUnsavedReceipt("sgn_1");
    expect(await tauriIpc.exportUnsavedReceipt("sgn_1")).toEqual(copy);
    expect(recorded).toEqual([
      { cmd: "save_unsaved_receipt", args: { receipt_id: "sgn_1" } },
      { cmd: "export_unsaved_receipt", args: { receipt_id: "sgn_1" } },
    ]);
  });

  test("rejections become FlowError", async () => {
    mockIPC(() => {
      throw { code: "server", message: "Matter answered 500.", request_id: "req_1" };
    });
    await expect(tauriIpc.appState()).rejects.toEqual({ code: "server", message: "Matter answered 500.", request_id: "req_1" });
  });
});

describe("toFlowError", () => {
  test("keeps code, message and request_id", () => {
    expect(toFlowError({ code: "network", message: "down", extra: true })).toEqual({ code: "network", message: "down" });
  });

  test("wraps a bare string", () => {
    expect(toFlowError("command foo not found")).toEqual({
      code: "ipc",
      message: "The app's background process failed: command foo not found",
    });
  });
});
