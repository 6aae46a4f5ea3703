//! How each engine error maps to an exit code.

use matter_engine::error::EngineError;

use crate::exit::{CliError, Exit};

/// The exit code for an engine error; see the table in [`crate::exit`].
pub fn exit_for(error: &EngineError) -> Exit {
    match error {
        EngineError::Api(_)
        | EngineError::InvalidResponse { .. }
        | EngineError::NotYourLink { .. }
        | EngineError::AlreadySigned { .. }
        | EngineError::AwaitingPriorSigner { .. }
        | EngineError::EnvelopeClosed { .. }
        | EngineError::SessionExpired { .. } => Exit::ApiRefused,
        EngineError::Transport { .. } | EngineError::SignOutcomeUnknown { .. } => Exit::Network,
        EngineError::SignIn { .. } => Exit::SignIn,
        EngineError::Cancelled | EngineError::EsraDeclined => Exit::Cancelled,
        EngineError::FrontEndUnavailable(_)
        | EngineError::NameMismatch { .. }
        | EngineError::ModeMismatch { .. }
        | EngineError::LinkMismatch(_)
        | EngineError::Config(_) => Exit::Usage,
        EngineError::PacketHashMismatch { .. }
        | EngineError::SessionHashMismatch { .. }
        | EngineError::DocumentMismatch { .. } => Exit::HashMismatch,
        EngineError::Storage(_) => Exit::Failure,
    }
}

impl From<EngineError> for CliError {
    fn from(error: EngineError) -> Self {
        let exit = exit_for(&error);
        let request_id = error.request_id().map(str::to_owned);
        CliError::new(exit, error.to_string())
            .with_code(error.code())
            .with_request_id(request_id)
    }
}
