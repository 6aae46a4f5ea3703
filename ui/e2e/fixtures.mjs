// Contract-shaped payloads for the end-to-end tests. Values are made up; ids
// follow Matter's prefixes.

export const PACKET_HASH = "9f2c4e1a7b3d5c8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70";
export const DOCUMENT_SHA = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b";

/** A packet line that would run script if it were parsed as HTML. */
export const HOSTILE_LINE = '<img src=x onerror="window.__xss=1"><b>bold?</b> & <script>window.__xss=2</script>';

export const USER = { user_id: "user_2abc", email: "ada@example.com", name: "Ada Lovelace" };
export const OTHER_USER = { user_id: "user_9xyz", email: "charles@example.com", name: "Charles Babbage" };

export function appState(overrides = {}) {
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

/** The `startup_error` of `app_state` when no OAuth issuer is configured. */
export const STARTUP_ERROR = {
  code: "not_configured",
  message:
    "No OAuth issuer is configured: Matter has not published the sign-in issuer for desktop clients; set MATTER_ISSUER or `issuer` in /home/ada/.config/matter-signer/config.toml (the terminal app also takes --issuer) to the issuer URL Matter gave you, or run with --sandbox to try the app on the built-in sandbox.",
  cause_code: "config_missing_issuer",
  config_file: "/home/ada/.config/matter-signer/config.toml",
  link_not_opened: false,
};

export const DOCUMENT_LINK = "mattermode://sign?document_id=doc_123&stakeholder_id=stk_456";

export const DOCUMENT_REQUEST = { kind: "document", document_id: "doc_123", stakeholder_id: "stk_456" };

export const ENVELOPE_REQUEST = {
  kind: "envelope_slot",
  signing_envelope_id: "env_789",
  signer_id: "sgr_2",
  stakeholder_id: "stk_456",
};

function packetText() {
  const lines = [
    "DISCLOSURE PACKET (version 2026-06-10)",
    "",
    "Action: sign document",
    "Document: Board consent to issue Series A preferred stock",
    "Entity: Acme Robotics, Inc. (ent_001)",
    "Stakeholder: Ada Lovelace (stk_456), natural person",
    "",
    "Consequences:",
  ];
  for (let index = 1; index <= 30; index += 1) {
    lines.push(`  ${index}. Consequence number ${index}: signing approves the issuance described in section ${index}.`);
  }
  lines.push("", "A line Matter might send with markup characters:", HOSTILE_LINE, "");
  lines.push("Irreversible effects:", "  - Once Matter records the signature it cannot be withdrawn.");
  lines.push("", "Attestation: I, the undersigned, adopt my typed name as my electronic signature.");
  return lines.join("\n");
}

export function review(overrides = {}) {
  return {
    mode: "test",
    document: {
      id: "doc_123",
      title: "Board consent to issue Series A preferred stock",
      entity_id: "ent_001",
      entity_name: "Acme Robotics, Inc.",
      sha256: DOCUMENT_SHA,
      byte_length: 48213,
      execution_status: "awaiting_signatures",
    },
    envelope: { id: "env_789", subject: "Series A closing set", signer_id: "sgr_2", position: 2, signer_count: 3 },
    stakeholder: { id: "stk_456", name: "Ada Lovelace" },
    signed_in_user: USER,
    packet: { object: "disclosure_packet", packet_hash: PACKET_HASH },
    packet_text: packetText(),
    packet_hash: PACKET_HASH,
    signature_attestation:
      "I, the undersigned, adopt my typed name below as my electronic signature on this document.",
    ...overrides,
  };
}

export function receipt(overrides = {}) {
  return {
    receipt_id: "rcpt_01",
    document_id: "doc_123",
    document_title: "Board consent to issue Series A preferred stock",
    entity_id: "ent_001",
    entity_name: "Acme Robotics, Inc.",
    stakeholder_id: "stk_456",
    stakeholder_name: "Ada Lovelace",
    typed_name: "Ada Lovelace",
    mode: "test",
    server_signed_at: "2026-12-04T18:20:05Z",
    local_signed_at: "2026-12-04T18:20:06Z",
    packet_hash: PACKET_HASH,
    files: {
      json: "/home/ada/Matter receipts/rcpt_01.json",
      html: "/home/ada/Matter receipts/rcpt_01.html",
      pdf: "/home/ada/Matter receipts/rcpt_01.pdf",
    },
    ...overrides,
  };
}

export const RECEIPTS = [
  receipt(),
  receipt({
    receipt_id: "rcpt_02",
    document_id: "doc_200",
    document_title: "Option grant to Grace Hopper",
    entity_name: "Analytical Engines Ltd",
    entity_id: "ent_002",
    server_signed_at: "2026-11-28T09:02:00Z",
    local_signed_at: "2026-11-28T09:02:01Z",
    files: { json: "/home/ada/Matter receipts/rcpt_02.json", html: null, pdf: "/home/ada/Matter receipts/rcpt_02.pdf" },
  }),
];

export const VERIFICATION_OK = {
  kind: "html",
  integrity: { passed: true, reason: "The receipt's content hash matches its signed body." },
  trust: { passed: true, reason: "Signed by Matter key mk_test_2026 (test mode), which this app trusts." },
};

export const VERIFICATION_BAD = {
  kind: "html",
  integrity: { passed: false, reason: "The typed name in the file differs from the signed body." },
  trust: { passed: true, reason: "Signed by Matter key mk_test_2026 (test mode), which this app trusts." },
};

export function signDone(overrides = {}) {
  return { receipt: receipt(), saved: true, save_error: null, verification: VERIFICATION_OK, ...overrides };
}

export const UNSAVED = {
  receipt_id: "sgn_01",
  document_id: "doc_123",
  document_title: "Board consent to issue Series A preferred stock",
  entity_name: "Acme Robotics, Inc.",
  stakeholder_name: "Ada Lovelace",
  server_signed_at: "2026-12-04T18:20:05Z",
  error: {
    code: "receipt_not_saved",
    message:
      "Receipt sgn_01 is not saved: Failed to write /home/ada/.local/share/matter-signer/receipts/sgn_01/receipt.json: No space left on device (os error 28). Free disk space or fix the receipts folder's permissions, then choose Try saving again, or choose Save a copy… to write it to another folder.",
  },
};

/** The `flow://done` payload for a signature whose receipt the shell holds unsaved. */
export function unsavedDone() {
  return { receipt: null, saved: false, save_error: UNSAVED.error.message, verification: VERIFICATION_OK, unsaved: UNSAVED };
}

/** Default command results: `{ok}` resolves, `{err}` rejects, `{pending: true}` never settles. */
export function defaultResponses(overrides = {}) {
  return {
    app_state: { ok: appState() },
    parse_link: { ok: DOCUMENT_REQUEST },
    start_signing: { ok: null },
    submit_decision: { ok: null },
    submit_esra: { ok: null },
    cancel_flow: { ok: null },
    sign_in: { pending: true },
    sign_out: { ok: null },
    list_receipts: { ok: { entries: RECEIPTS, unreadable: [] } },
    verify_receipt: { ok: VERIFICATION_OK },
    open_receipt: { ok: null },
    reveal_receipt: { ok: null },
    export_receipt: { ok: "/home/ada/Exports" },
    save_unsaved_receipt: { ok: signDone({ receipt: receipt({ receipt_id: "sgn_01" }), unsaved: null }) },
    export_unsaved_receipt: { ok: { receipt_id: "sgn_01", path: "/home/ada/Desktop/sgn_01.json" } },
    confirm_close: { ok: null },
    ...overrides,
  };
}
