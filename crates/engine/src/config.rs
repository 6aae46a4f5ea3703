//! Configuration (being built): flags, environment and the XDG config file.

use serde::{Deserialize, Serialize};

/// Which Matter environment the app talks to. It is shown on every screen and recorded
/// in every receipt, and receipts are verified against that mode's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Test credentials or the sandbox: nothing is binding.
    Test,
    /// Live credentials: signatures are legally binding.
    Live,
}
