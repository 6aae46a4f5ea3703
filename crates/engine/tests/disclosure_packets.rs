//! Disclosure packets as the sandbox serves them: the local hash agrees with Matter's
//! `packet_hash`, and the text rendering carries every section.

mod flow_support;

use std::sync::Arc;

use flow_support::Harness;
use matter_engine::api::signing_sessions::SessionTarget;
use matter_engine::auth::Authenticator;
use matter_engine::clock::SystemClock;
use matter_engine::disclosure::{packet_text, DisclosurePacket};
use matter_engine::interaction::SignInReason;
use matter_sandbox::seed;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_packets_verify_and_render() {
    let harness = Harness::start().await;
    let auth = Authenticator::new(
        harness.engine.config(),
        harness.secrets.clone(),
        Arc::new(SystemClock),
    )
    .unwrap();
    auth.sign_in(&harness.ui, SignInReason::NotSignedIn)
        .await
        .unwrap();
    let token = auth.access_token().await.unwrap();
    let targets = [
        SessionTarget::Document {
            document_id: seed::BOARD_CONSENT_DOC_ID.into(),
        },
        SessionTarget::Document {
            document_id: seed::NDA_DOC_ID.into(),
        },
        SessionTarget::EnvelopeSlot {
            envelope_id: seed::OPTION_PLAN_ENVELOPE_ID.into(),
            signer_id: seed::OPTION_PLAN_JANE_SIGNER_ID.into(),
        },
    ];

    for target in targets {
        let dry_run = harness
            .engine
            .api()
            .dry_run_session(&target, seed::JANE_STAKEHOLDER_ID, &token)
            .await
            .unwrap_or_else(|error| panic!("{target:?}: {error}"));
        let served = dry_run.packet["packet_hash"].as_str().unwrap().to_owned();
        assert_eq!(
            served,
            matter_sandbox::packet_hash(&dry_run.packet),
            "{target:?}"
        );

        let packet = DisclosurePacket::verify(dry_run.packet.clone()).expect("hash matches");
        assert_eq!(packet.hash, served);

        let text = packet_text(&dry_run.packet);
        assert!(text.contains(&packet.fields.document.sha256), "{target:?}");
        assert!(text.contains(seed::JANE_NAME), "{target:?}");
        assert!(text.contains("Who bears the risk"), "{target:?}");
        let attestation = packet.attestation_for(seed::JANE_NAME);
        assert!(attestation.contains(seed::JANE_NAME), "{attestation}");
        assert!(!attestation.contains("{typed_name}"), "{attestation}");
    }
}
