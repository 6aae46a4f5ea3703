// Typed access to the desktop shell's commands and events.
//
// Every call to the shell goes through this module, so tests can replace the
// whole surface with a fake `Ipc`. Every payload is rebuilt here from the
// contract's fields only, so any other field of a caller's object is dropped
// before it crosses IPC.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

import type {
  AppState,
  CloseRequest,
  Decision,
  EsraAnswer,
  EsraPrompt,
  FlowError,
  ReceiptForm,
  ReceiptList,
  ReceiptQuery,
  Review,
  SignDone,
  SignInPrompt,
  SigningRequestView,
  Step,
  UnsavedCopy,
  UserView,
  Verification,
} from "./types";

export type Handler<T> = (payload: T) => void;

/** Events the shell emits to the main window, by name. */
export interface EventPayloads {
  "link://opened": { link: string };
  "flow://progress": { step: Step };
  "flow://sign-in": SignInPrompt;
  "flow://review": Review;
  "flow://esra": EsraPrompt;
  "flow://done": SignDone;
  "flow://error": FlowError;
  "app://close-requested": CloseRequest;
}

export type EventName = keyof EventPayloads;

export const EVENT_NAMES: readonly EventName[] = [
  "link://opened",
  "flow://progress",
  "flow://sign-in",
  "flow://review",
  "flow://esra",
  "flow://done",
  "flow://error",
  "app://close-requested",
];

export interface Ipc {
  appState(): Promise<AppState>;
  parseLink(link: string): Promise<SigningRequestView>;
  startSigning(link: string): Promise<void>;
  submitDecision(decision: Decision): Promise<void>;
  submitEsra(answer: EsraAnswer): Promise<void>;
  cancelFlow(): Promise<void>;
  signIn(): Promise<UserView>;
  signOut(): Promise<void>;
  listReceipts(query: ReceiptQuery): Promise<ReceiptList>;
  verifyReceipt(receiptId: string): Promise<Verification>;
  openReceipt(receiptId: string, form: ReceiptForm): Promise<void>;
  revealReceipt(receiptId: string): Promise<void>;
  exportReceipt(receiptId: string): Promise<string | null>;
  /** Retries writing an unsaved receipt into the library. */
  saveUnsavedReceipt(receiptId: string): Promise<SignDone>;
  /** Asks where to save a copy of an unsaved receipt; null when the dialog was cancelled. */
  exportUnsavedReceipt(receiptId: string): Promise<UnsavedCopy | null>;
  /** Agrees to lose the unsaved receipts; the shell then closes the window. */
  confirmClose(): Promise<void>;
  on<E extends EventName>(event: E, handler: Handler<EventPayloads[E]>): Promise<UnlistenFn>;
}

/** Rebuilds a decision from the contract's fields only. */
export function decisionPayload(decision: Decision): Decision {
  if (decision.kind === "sign") {
    return { kind: "sign", typed_name: decision.typed_name };
  }
  return { kind: "cancel" };
}

/** Rebuilds an `EsraAnswer` from the contract's fields only. */
export function esraPayload(answer: EsraAnswer): EsraAnswer {
  if (answer.kind === "affirm") {
    return { kind: "affirm", paper_copy_request_method: answer.paper_copy_request_method };
  }
  return { kind: "decline" };
}

/** Rebuilds a receipt query, leaving out empty and unknown fields. */
export function receiptQueryPayload(query: ReceiptQuery): ReceiptQuery {
  const payload: ReceiptQuery = {};
  const keys = ["text", "entity_id", "stakeholder_id", "from", "to"] as const;
  for (const key of keys) {
    const value = query[key];
    if (typeof value === "string" && value.trim() !== "") {
      payload[key] = value.trim();
    }
  }
  return payload;
}

/**
 * Converts the reason of a rejected command into a `FlowError`.
 *
 * The shell rejects with `{code, message, request_id?}`. Any other reason,
 * such as a bare string from Tauri itself when a command is missing, becomes
 * code `ipc` with its text.
 */
export function toFlowError(reason: unknown): FlowError {
  if (typeof reason === "object" && reason !== null) {
    const record = reason as Record<string, unknown>;
    if (typeof record.code === "string" && typeof record.message === "string") {
      const error: FlowError = { code: record.code, message: record.message };
      if (typeof record.request_id === "string" && record.request_id !== "") {
        error.request_id = record.request_id;
      }
      return error;
    }
  }
  const text = typeof reason === "string" ? reason : String(reason);
  return { code: "ipc", message: `The app's background process failed: ${text}` };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toFlowError(reason);
  }
}

/** The real shell, reached through Tauri's `invoke` and `listen`. */
export const tauriIpc: Ipc = {
  appState: () => call<AppState>("app_state"),
  parseLink: (link) => call<SigningRequestView>("parse_link", { link }),
  startSigning: (link) => call<void>("start_signing", { link }),
  submitDecision: (decision) =>
    call<void>("submit_decision", { decision: decisionPayload(decision) }),
  submitEsra: (answer) => call<void>("submit_esra", { answer: esraPayload(answer) }),
  cancelFlow: () => call<void>("cancel_flow"),
  signIn: () => call<UserView>("sign_in"),
  signOut: () => call<void>("sign_out"),
  listReceipts: (query) => call<ReceiptList>("list_receipts", { query: receiptQueryPayload(query) }),
  verifyReceipt: (receiptId) => call<Verification>("verify_receipt", { receipt_id: receiptId }),
  openReceipt: (receiptId, form) => call<void>("open_receipt", { receipt_id: receiptId, form }),
  revealReceipt: (receiptId) => call<void>("reveal_receipt", { receipt_id: receiptId }),
  exportReceipt: (receiptId) => call<string | null>("export_receipt", { receipt_id: receiptId }),
  saveUnsavedReceipt: (receiptId) => call<SignDone>("save_unsaved_receipt", { receipt_id: receiptId }),
  exportUnsavedReceipt: (receiptId) =>
    call<UnsavedCopy | null>("export_unsaved_receipt", { receipt_id: receiptId }),
  confirmClose: () => call<void>("confirm_close"),
  on: (event, handler) => listen<EventPayloads[typeof event]>(event, (message) => handler(message.payload)),
};
