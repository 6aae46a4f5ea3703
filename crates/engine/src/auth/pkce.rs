//! The per-sign-in secrets: PKCE verifier and challenge (RFC 7636, `S256` only), `state`
//! and `nonce`.
//!
//! Every sign-in draws all of them anew from the operating system's random source
//! (through `rand`'s thread RNG in `oauth2` and `openidconnect`): 32 random bytes each,
//! base64url-encoded, which is the 256 bits RFC 7636 §7.1 recommends for the verifier.

use std::fmt;

use oauth2::{CsrfToken, PkceCodeChallenge, PkceCodeVerifier};
use openidconnect::Nonce;

/// Random bytes behind each of the verifier, `state` and `nonce`.
pub(crate) const RANDOM_BYTES: u32 = 32;

/// The secrets of one authorization request. Only the challenge, `state` and `nonce`
/// leave the process (in the authorize URL); the verifier goes only to the token endpoint.
pub(crate) struct AuthorizationSecrets {
    pub(crate) challenge: PkceCodeChallenge,
    pub(crate) verifier: PkceCodeVerifier,
    pub(crate) state: CsrfToken,
    pub(crate) nonce: Nonce,
}

impl AuthorizationSecrets {
    /// Draws a fresh verifier, challenge, `state` and `nonce`.
    pub(crate) fn generate() -> Self {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256_len(RANDOM_BYTES);
        AuthorizationSecrets {
            challenge,
            verifier,
            state: CsrfToken::new_random_len(RANDOM_BYTES),
            nonce: Nonce::new_random_len(RANDOM_BYTES),
        }
    }
}

impl fmt::Debug for AuthorizationSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthorizationSecrets([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use sha2::{Digest, Sha256};

    use super::*;

    #[test]
    fn challenge_is_s256_of_verifier() {
        let secrets = AuthorizationSecrets::generate();
        let digest = Sha256::digest(secrets.verifier.secret().as_bytes());
        let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
        assert_eq!(secrets.challenge.as_str(), expected);
        assert_eq!(secrets.challenge.method().as_str(), "S256");
    }

    #[test]
    fn verifier_has_rfc7636_length_and_alphabet() {
        let secrets = AuthorizationSecrets::generate();
        let verifier = secrets.verifier.secret();
        assert_eq!(verifier.len(), 43);
        assert!(verifier
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte)));
    }

    #[test]
    fn each_sign_in_draws_new_values() {
        let first = AuthorizationSecrets::generate();
        let second = AuthorizationSecrets::generate();
        assert_ne!(first.verifier.secret(), second.verifier.secret());
        assert_ne!(first.state.secret(), second.state.secret());
        assert_ne!(first.nonce.secret(), second.nonce.secret());
    }

    #[test]
    fn state_and_nonce_carry_256_bits() {
        let secrets = AuthorizationSecrets::generate();
        assert_eq!(secrets.state.secret().len(), 43);
        assert_eq!(secrets.nonce.secret().len(), 43);
    }

    #[test]
    fn debug_redacts_everything() {
        let secrets = AuthorizationSecrets::generate();
        let shown = format!("{secrets:?}");
        assert!(!shown.contains(secrets.verifier.secret()));
        assert!(!shown.contains(secrets.state.secret()));
        assert!(!shown.contains(secrets.nonce.secret()));
    }
}
