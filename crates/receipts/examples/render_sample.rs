//! Writes a sample test-mode receipt (JSON, HTML and PDF) into a folder, to
//! look at the renderings: `cargo run -p matter-receipts --example render_sample -- DIR`.
//! The sample is signed with a key made here, not a Matter key.

use matter_receipts::testing::{signing_key, SampleReceipt};
use matter_receipts::ReceiptStore;

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: render_sample DIR");
        std::process::exit(2);
    };
    let store = ReceiptStore::open(dir).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1);
    });
    let receipt = SampleReceipt::new(1).build(&signing_key(7));
    match store.save(&receipt) {
        Ok(saved) => println!(
            "{}",
            serde_json::to_string_pretty(&saved).expect("serialises")
        ),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
