//! In-memory state of one sandbox: seeded records, OAuth grants, sessions and test controls.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

use crate::config::{SandboxConfig, Variants};
use crate::control::{Route, RouteRule};
use crate::pdf;
use crate::seed::{self, SeedDocument, SeedEnvelope, SeedStakeholder, SeedUser};

/// The sandbox clock: wall time plus an offset that tests can only move forward.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// Current sandbox time in unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_millis() as i64)
            .unwrap_or(0);
        wall + self.offset_ms.load(Ordering::SeqCst)
    }

    /// Current sandbox time in unix seconds.
    pub fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    pub fn advance(&self, by: Duration) {
        let millis = i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 2);
        self.offset_ms.fetch_add(millis, Ordering::SeqCst);
    }
}

/// The target of a signing session: a document, or one signer slot of an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Document {
        document_id: String,
    },
    EnvelopeSigner {
        envelope_id: String,
        signer_id: String,
    },
}

impl Target {
    pub fn to_json(&self) -> Value {
        match self {
            Target::Document { document_id } => {
                json!({"type": "document", "document_id": document_id})
            }
            Target::EnvelopeSigner {
                envelope_id,
                signer_id,
            } => json!({
                "type": "signing_envelope_signer",
                "signing_envelope_id": envelope_id,
                "signer_id": signer_id,
            }),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Consent {
    pub id: String,
    pub stakeholder_id: String,
    pub disclosure_version: String,
    pub captured_at: i64,
    pub paper_copy_request_method: String,
}

#[derive(Debug, Clone)]
pub struct Stakeholder {
    pub seed: SeedStakeholder,
    pub consent: Option<Consent>,
}

#[derive(Debug, Clone)]
pub struct Signature {
    pub id: String,
    pub document_id: String,
    pub envelope_id: Option<String>,
    pub signer_id: Option<String>,
    pub session_id: String,
    pub stakeholder_id: String,
    pub human_clerk_user_id: String,
    pub consent: Consent,
    pub electronic_signature_text: String,
    pub disclosure_packet_hash: String,
    pub document_sha256: String,
    pub signed_at: i64,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub seed: SeedDocument,
    pub bytes: Vec<u8>,
    pub sha256: String,
    /// Number of times a test amended the body; 0 for the seeded bytes.
    pub revision: u32,
}

impl Document {
    fn from_seed(seed: SeedDocument) -> Document {
        let mut document = Document {
            seed,
            bytes: Vec::new(),
            sha256: String::new(),
            revision: 0,
        };
        document.render();
        document
    }

    /// Re-renders the PDF from the seed text and the revision number.
    pub fn render(&mut self) {
        let mut lines: Vec<String> = vec![seed::TEST_MODE_LINE.to_owned(), String::new()];
        lines.extend(self.seed.body.iter().map(|line| (*line).to_owned()));
        lines.push(String::new());
        lines.push(format!(
            "Document id: {}. Entity: {} ({}).",
            self.seed.id,
            seed::ENTITY_NAME,
            seed::ENTITY_ID
        ));
        if self.revision > 0 {
            lines.push(format!(
                "Amended revision {} (changed after it was sent for signature).",
                self.revision
            ));
        }
        lines.push(seed::TEST_MODE_LINE.to_owned());
        self.bytes = pdf::render(self.seed.title, &lines);
        self.sha256 = hex::encode(Sha256::digest(&self.bytes));
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub token: String,
    pub target: Target,
    pub stakeholder_id: String,
    pub human_clerk_user_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub consumed_at: Option<i64>,
    pub disclosure_packet_hash: String,
}

/// Session status as `GET /v1/signing_sessions/{id}` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    Pending,
    Consumed,
    Expired,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Pending => "pending",
            SessionStatus::Consumed => "consumed",
            SessionStatus::Expired => "expired",
        }
    }
}

impl Session {
    pub fn status(&self, now: i64) -> SessionStatus {
        if self.consumed_at.is_some() {
            SessionStatus::Consumed
        } else if now >= self.expires_at {
            SessionStatus::Expired
        } else {
            SessionStatus::Pending
        }
    }
}

/// An authorization request waiting for sign-in and consent.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    pub redirect_uri: String,
    pub state: String,
    pub scope: Vec<String>,
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub created_at: i64,
    /// Browser session that signed in for this request, once it has.
    pub browser_session: Option<String>,
}

#[derive(Debug, Clone)]
pub struct BrowserSession {
    pub user_id: String,
    pub signed_in_at: i64,
}

#[derive(Debug, Clone)]
pub struct CodeGrant {
    pub user_id: String,
    pub redirect_uri: String,
    pub scope: Vec<String>,
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub auth_time: i64,
    pub created_at: i64,
    pub used: bool,
    /// The grant whose tokens this code issued; every one of them (access tokens from later
    /// refreshes included) is revoked if the code is presented again.
    pub issued_grant: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct AccessToken {
    pub user_id: String,
    pub scope: Vec<String>,
    /// When the human last signed in interactively; a refresh copies it unchanged.
    pub auth_time: i64,
    pub expires_at: i64,
    pub revoked: bool,
    /// The grant (one code exchange and every refresh after it) that issued this token.
    pub grant: u64,
}

#[derive(Debug, Clone)]
pub struct RefreshToken {
    pub user_id: String,
    pub scope: Vec<String>,
    pub auth_time: i64,
    /// The grant, shared with the access tokens it issued: one rotated refresh family.
    pub grant: u64,
    pub active: bool,
}

/// One line of the request log kept for tests. It never contains a bearer value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
    pub status: u16,
    pub bearer: BearerKind,
    pub request_id: String,
    pub replayed: bool,
}

/// Which kind of bearer a request carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BearerKind {
    None,
    /// An OAuth access token, `oat_…`.
    Oat,
    /// A signing-session token, `sig_…`.
    Sig,
    /// Anything else.
    Other,
}

impl BearerKind {
    pub fn of(authorization: Option<&str>) -> BearerKind {
        let Some(value) = authorization else {
            return BearerKind::None;
        };
        let token = value.strip_prefix("Bearer ").unwrap_or("");
        if token.starts_with("oat_") {
            BearerKind::Oat
        } else if token.starts_with("sig_") {
            BearerKind::Sig
        } else {
            BearerKind::Other
        }
    }
}

/// Controls that tests set on a running sandbox.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub variants: Variants,
    pub latency: Duration,
    pub fail_rules: Vec<RouteRule>,
    pub drop_rules: Vec<RouteRule>,
    pub corrupt_packet_hashes: u32,
    /// Alteration applied to the next ID tokens issued, oldest first.
    pub id_token_tampers: Vec<IdTokenTamper>,
}

/// A way the sandbox can spoil an ID token, to test that the client refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdTokenTamper {
    /// The payload is replaced after signing (another user's `sub` and `email`), so
    /// the RS256 signature no longer covers it.
    Payload,
    /// Signed, but `aud` names another client.
    Audience,
    /// Signed, but `iss` names another issuer.
    Issuer,
    /// Signed, but `exp` passed ten minutes ago.
    Expired,
}

impl Settings {
    /// Takes one count from the first rule matching `route`; returns its status if any.
    pub fn take_rule(rules: &mut Vec<RouteRule>, route: Route) -> Option<u16> {
        let index = rules.iter().position(|rule| rule.route.matches(route))?;
        let rule = &mut rules[index];
        rule.remaining -= 1;
        let status = rule.status;
        if rule.remaining == 0 {
            rules.remove(index);
        }
        Some(status)
    }
}

/// Everything the handlers read and change, behind one lock that is never held across an await.
#[derive(Debug)]
pub struct Store {
    pub settings: Settings,
    pub users: Vec<SeedUser>,
    pub stakeholders: BTreeMap<String, Stakeholder>,
    pub documents: BTreeMap<String, Document>,
    pub envelopes: BTreeMap<String, SeedEnvelope>,
    pub consents: Vec<Consent>,
    pub sessions: BTreeMap<String, Session>,
    pub signatures: Vec<Signature>,
    pub auth_requests: HashMap<String, AuthRequest>,
    pub browser_sessions: HashMap<String, BrowserSession>,
    pub codes: HashMap<String, CodeGrant>,
    pub access_tokens: HashMap<String, AccessToken>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    pub next_grant: u64,
    pub interactive_sign_ins: u64,
    pub request_log: Vec<LoggedRequest>,
    /// Start (unix ms) and request count of the current rate-limit window.
    /// Rate-limit window per credential scope: (start in ms, requests counted).
    pub rate_windows: HashMap<String, (i64, u32)>,
    /// Idempotency records by (credential scope, key).
    pub idempotency: HashMap<(String, String), crate::pipeline::IdempotencyEntry>,
}

impl Store {
    /// Revokes every access and refresh token of `grant`: the answer to a reused code or a
    /// reused rotated-out refresh token (RFC 6749 §4.1.2, RFC 9700 §4.14.2).
    pub fn revoke_grant(&mut self, grant: u64) {
        for token in self.access_tokens.values_mut() {
            if token.grant == grant {
                token.revoked = true;
            }
        }
        for token in self.refresh_tokens.values_mut() {
            if token.grant == grant {
                token.active = false;
            }
        }
    }

    pub fn seeded(config: &SandboxConfig) -> Store {
        let mut consents = Vec::new();
        let mut stakeholders = BTreeMap::new();
        for seed_stakeholder in seed::stakeholders() {
            let consent = seed_stakeholder.consent_id.map(|consent_id| Consent {
                id: consent_id.to_owned(),
                stakeholder_id: seed_stakeholder.id.to_owned(),
                disclosure_version: seed::ESRA_DISCLOSURE_VERSION.to_owned(),
                captured_at: seed::SEED_CONSENT_CAPTURED,
                paper_copy_request_method: "email".to_owned(),
            });
            consents.extend(consent.clone());
            stakeholders.insert(
                seed_stakeholder.id.to_owned(),
                Stakeholder {
                    seed: seed_stakeholder,
                    consent,
                },
            );
        }
        Store {
            settings: Settings {
                variants: config.variants.clone(),
                latency: config.latency,
                ..Settings::default()
            },
            users: seed::users(),
            stakeholders,
            documents: seed::documents()
                .into_iter()
                .map(|document| (document.id.to_owned(), Document::from_seed(document)))
                .collect(),
            envelopes: seed::envelopes()
                .into_iter()
                .map(|envelope| (envelope.id.to_owned(), envelope))
                .collect(),
            consents,
            sessions: BTreeMap::new(),
            signatures: Vec::new(),
            auth_requests: HashMap::new(),
            browser_sessions: HashMap::new(),
            codes: HashMap::new(),
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            next_grant: 1,
            interactive_sign_ins: 0,
            request_log: Vec::new(),
            rate_windows: HashMap::new(),
            idempotency: HashMap::new(),
        }
    }

    pub fn user(&self, user_id: &str) -> Option<&SeedUser> {
        self.users.iter().find(|user| user.user_id == user_id)
    }

    /// The signature for a document signed outside an envelope, or for one envelope slot.
    pub fn signature_for(&self, target: &Target) -> Option<&Signature> {
        self.signatures.iter().find(|signature| match target {
            Target::Document { document_id } => {
                signature.document_id == *document_id && signature.envelope_id.is_none()
            }
            Target::EnvelopeSigner {
                envelope_id,
                signer_id,
            } => {
                signature.envelope_id.as_deref() == Some(envelope_id.as_str())
                    && signature.signer_id.as_deref() == Some(signer_id.as_str())
            }
        })
    }

    pub fn signatures_on(&self, document_id: &str) -> Vec<&Signature> {
        self.signatures
            .iter()
            .filter(|signature| signature.document_id == document_id)
            .collect()
    }

    /// `sent`, `partially_signed` or `executed`, from the document's required signers.
    pub fn execution_status(&self, document_id: &str) -> &'static str {
        let required = self.required_signers(document_id);
        let signed = self.signatures_on(document_id).len();
        if signed == 0 {
            "sent"
        } else if signed >= required {
            "executed"
        } else {
            "partially_signed"
        }
    }

    fn required_signers(&self, document_id: &str) -> usize {
        let Some(document) = self.documents.get(document_id) else {
            return 1;
        };
        match document.seed.envelope_id {
            Some(envelope_id) => self
                .envelopes
                .get(envelope_id)
                .map(|envelope| envelope.signers.len())
                .unwrap_or(1),
            None => 1,
        }
    }
}

/// Shared state of one running sandbox.
pub struct App {
    /// `http://127.0.0.1:{port}`, without a trailing slash; also the OAuth issuer.
    pub origin: String,
    pub clock: Clock,
    store: Mutex<Store>,
}

/// Prints only the origin: the store contains tokens and codes, which must not reach logs.
impl std::fmt::Debug for App {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("App")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl App {
    pub fn new(origin: String, config: &SandboxConfig) -> App {
        App {
            origin,
            clock: Clock::default(),
            store: Mutex::new(Store::seeded(config)),
        }
    }

    /// Locks the store; a panic in another holder does not make the sandbox unusable.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Returns `prefix` followed by 24 random base62 characters.
pub fn random_id(prefix: &str) -> String {
    use rand::Rng as _;
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::thread_rng();
    let suffix: String = (0..24)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{prefix}{suffix}")
}

/// Returns `prefix` followed by 43 base64url characters of 256 random bits, for secrets.
pub fn random_secret(prefix: &str) -> String {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}
