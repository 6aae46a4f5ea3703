//! The sandbox's fixed signing keys: RS256 for ID tokens and Ed25519 for receipts.
//!
//! The RSA key and the test-mode receipt key are sandbox-only test keys, committed or derived
//! from a fixed seed, so that start-up is fast and every run publishes the same JWKS and
//! matter-keys.json. Anyone can sign with them. The live-mode receipt key is only a public
//! key: nobody holds its private half, so nothing signed by anyone can verify under it.

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use rsa::pkcs1v15::SigningKey as RsaSigningKey;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::signature::SignatureEncoding as _;
use rsa::traits::PublicKeyParts as _;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

/// The 2048-bit RSA key that signs ID tokens. SANDBOX ONLY: it is public in this repository.
const OAUTH_RSA_PEM: &str = include_str!("../keys/oauth-rs256-sandbox-only.pem");

/// `kid` of the RS256 ID-token key in `/.well-known/jwks.json`.
pub const OAUTH_KID: &str = "ins_sandbox_rs256_2026";
/// `kid` of the test-mode Ed25519 receipt key.
pub const RECEIPT_TEST_KID: &str = "matter-sandbox-test-2026";
/// `kid` of the live-mode Ed25519 key the sandbox lists but never signs with.
pub const RECEIPT_LIVE_KID: &str = "matter-sandbox-live-2026";

const RECEIPT_TEST_SEED_LABEL: &[u8] =
    b"matter-sandbox receipt key, test mode, 2026 (sandbox only)";

/// Public half of the live-mode receipt key listed under `live`.
///
/// The key pair was generated once with `openssl genpkey -algorithm ed25519`, the public key
/// was copied here and the private half was destroyed at once, never stored or committed.
/// The sandbox can therefore never sign with this key, and neither can anyone else: a client
/// that wrongly trusts the sandbox's `live` list still cannot be shown a forged live receipt.
/// Never replace this with a key derived from a seed, a label or anything else public.
const RECEIPT_LIVE_PUBLIC_KEY: [u8; 32] = [
    0xf8, 0xb5, 0x2e, 0x6d, 0x8a, 0x14, 0x74, 0x23, 0xe6, 0x74, 0xe6, 0xae, 0xfc, 0x33, 0xa1, 0x1b,
    0x9a, 0xc2, 0x7e, 0xc3, 0x94, 0xc9, 0x7a, 0x56, 0x17, 0xa8, 0x87, 0xc8, 0x13, 0x9b, 0x02, 0x0d,
];

/// The loaded key set, shared by every sandbox in the process.
pub struct Keys {
    rsa: RsaSigningKey<Sha256>,
    rsa_modulus: Vec<u8>,
    rsa_exponent: Vec<u8>,
    receipt_test: SigningKey,
    receipt_live_public: VerifyingKey,
}

/// Returns the process-wide key set, parsing the RSA key on first use.
pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let private = RsaPrivateKey::from_pkcs8_pem(OAUTH_RSA_PEM)
            .expect("the committed sandbox RSA key is valid PKCS#8 PEM");
        let rsa_modulus = private.n().to_bytes_be();
        let rsa_exponent = private.e().to_bytes_be();
        Keys {
            rsa: RsaSigningKey::<Sha256>::new(private),
            rsa_modulus,
            rsa_exponent,
            receipt_test: seeded_ed25519(RECEIPT_TEST_SEED_LABEL),
            receipt_live_public: VerifyingKey::from_bytes(&RECEIPT_LIVE_PUBLIC_KEY)
                .expect("the committed live public key is a valid Ed25519 point"),
        }
    })
}

fn seeded_ed25519(label: &[u8]) -> SigningKey {
    let seed: [u8; 32] = Sha256::digest(label).into();
    SigningKey::from_bytes(&seed)
}

impl Keys {
    /// Signs `claims` as a compact RS256 JWT with the sandbox `kid`.
    pub fn sign_jwt(&self, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "kid": OAUTH_KID, "typ": "JWT"});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.rsa.sign(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )
    }

    /// Returns the JWKS document served at `/.well-known/jwks.json`.
    pub fn jwks(&self) -> Value {
        json!({"keys": [{
            "kty": "RSA",
            "kid": OAUTH_KID,
            "use": "sig",
            "alg": "RS256",
            "n": URL_SAFE_NO_PAD.encode(&self.rsa_modulus),
            "e": URL_SAFE_NO_PAD.encode(&self.rsa_exponent),
        }]})
    }

    /// Signs `message` with the test-mode receipt key; returns base64url without padding.
    pub fn sign_receipt(&self, message: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.receipt_test.sign(message).to_bytes())
    }

    /// Returns the document served at `/.well-known/matter-keys.json`: test and live keys apart.
    pub fn matter_keys(&self) -> Value {
        json!({
            "test": [ed25519_jwk(RECEIPT_TEST_KID, &self.receipt_test.verifying_key())],
            "live": [ed25519_jwk(RECEIPT_LIVE_KID, &self.receipt_live_public)],
        })
    }
}

fn ed25519_jwk(kid: &str, key: &VerifyingKey) -> Value {
    json!({
        "kid": kid,
        "kty": "OKP",
        "crv": "Ed25519",
        "x": URL_SAFE_NO_PAD.encode(key.as_bytes()),
        "use": "receipt",
        "status": "active",
    })
}
