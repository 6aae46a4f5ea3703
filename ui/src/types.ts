// Payload types of the IPC contract between the desktop shell and this UI.
// The Rust side serialises the engine's `interaction.rs` views unchanged, so
// field names here follow serde's snake_case output. No type here may ever
// hold a token, authorization code, PKCE verifier or `sig_` value.

export type Mode = "test" | "live";

export interface UserView {
  user_id: string;
  email: string;
  name: string;
}

export interface AppState {
  mode: Mode;
  sandbox: boolean;
  version: string;
  user: UserView | null;
  storage: { kind: "keyring" | "memory"; reason?: string };
  pending_link: string | null;
  /** Signed receipts the library could not store, held by the shell until saved or exported. */
  unsaved_receipts: UnsavedReceipt[];
  /** The reason the engine did not start. While it is set, every other command fails with it. */
  startup_error: StartupError | null;
}

/** The engine's startup failure, from `app_state`. */
export interface StartupError {
  /** `not_configured` for a rejected configuration, `startup_failed` otherwise. */
  code: "not_configured" | "startup_failed";
  /** The engine's message: the setting at fault and how to fix it. */
  message: string;
  /** The engine's own code, such as `config_missing_issuer`. */
  cause_code?: string;
  /** The config file the app reads, when the config directory is known. */
  config_file: string | null;
  /** Whether a signing link arrived and was not opened. */
  link_not_opened: boolean;
}

export type SigningRequestView =
  | { kind: "document"; document_id: string; stakeholder_id: string }
  | {
      kind: "envelope_slot";
      signing_envelope_id: string;
      signer_id: string;
      stakeholder_id: string;
    };

export type SignInReason =
  | { kind: "not_signed_in" }
  | { kind: "step_up"; minutes_ago: number | null }
  | { kind: "server_requested" };

export interface SignInPrompt {
  authorize_url: string;
  reason: SignInReason;
  /** Seconds the engine waits for the browser redirect. */
  timeout: number;
}

export interface DocumentView {
  id: string;
  title: string;
  entity_id: string;
  entity_name: string;
  sha256: string;
  byte_length: number;
  execution_status: string;
}

export interface EnvelopeView {
  id: string;
  subject: string;
  signer_id: string;
  /** 1-based position of this signer in the signing order. */
  position: number;
  signer_count: number;
}

export interface StakeholderView {
  id: string;
  name: string;
}

export interface Review {
  mode: Mode;
  document: DocumentView;
  envelope: EnvelopeView | null;
  stakeholder: StakeholderView;
  signed_in_user: UserView;
  packet: unknown;
  packet_text: string;
  packet_hash: string;
  signature_attestation: string;
}

export type Decision = { kind: "sign"; typed_name: string } | { kind: "cancel" };

export interface EsraPrompt {
  stakeholder: StakeholderView;
  version: string;
  text: string;
}

export type PaperCopyMethod = "email" | "postal_mail";

export type EsraAnswer =
  | { kind: "affirm"; paper_copy_request_method: PaperCopyMethod }
  | { kind: "decline" };

export type Step =
  | "signing_in"
  | "fetching_document"
  | "verifying_packet"
  | "awaiting_decision"
  | "checking_freshness"
  | "recording_consent"
  | "creating_session"
  | "signing"
  | "saving_receipt"
  | "rendering_receipt"
  | "done";

export type ReceiptForm = "html" | "pdf" | "json";

export interface ReceiptSummary {
  receipt_id: string;
  document_id: string;
  document_title: string;
  entity_id: string;
  entity_name: string;
  stakeholder_id: string;
  stakeholder_name: string;
  typed_name: string;
  mode: Mode;
  server_signed_at: string;
  local_signed_at: string;
  packet_hash: string;
  files: { json: string; html: string | null; pdf: string | null };
}

export interface Verdict {
  passed: boolean;
  reason: string;
}

export interface Verification {
  kind: ReceiptForm;
  integrity: Verdict;
  trust: Verdict;
}

export interface SignDone {
  receipt: ReceiptSummary | null;
  saved: boolean;
  save_error: string | null;
  verification: Verification | null;
  /** The receipt the shell holds because it could not be saved; null when saved. */
  unsaved?: UnsavedReceipt | null;
}

/** A signed receipt that Matter recorded but the library could not store. */
export interface UnsavedReceipt {
  receipt_id: string;
  document_id: string;
  document_title: string;
  entity_name: string;
  stakeholder_name: string;
  server_signed_at: string;
  /** Why the last write failed (code `receipt_not_saved`), and what to do. */
  error: FlowError;
}

/** Where `export_unsaved_receipt` wrote a copy of the receipt's JSON. */
export interface UnsavedCopy {
  receipt_id: string;
  path: string;
}

/** Error from any command or from the flow, in plain words. */
export interface FlowError {
  code: string;
  message: string;
  request_id?: string;
  /** The underlying error's code, when the shell wraps one (for example a store error). */
  cause_code?: string;
}

export interface ReceiptQuery {
  text?: string;
  entity_id?: string;
  stakeholder_id?: string;
  from?: string;
  to?: string;
}

export interface ReceiptList {
  entries: ReceiptSummary[];
  unreadable: { path: string; reason: string }[];
}

/** Payload of `app://close-requested`: the receipts a close would lose. */
export interface CloseRequest {
  unsaved_receipts: UnsavedReceipt[];
}
