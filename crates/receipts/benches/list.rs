//! Listing benchmark: a library of 10,000 receipts, listed through the index.
//!
//! Run with `cargo bench -p matter-receipts --bench list`. Target: a full
//! listing and a filtered search each take under 100 ms (median) with the
//! index current. The receipts are written as JSON only (rendering 10,000
//! PDFs would take minutes and does not affect listing), then one listing
//! builds the index, which is timed separately.

use std::fs;
use std::time::{Duration, Instant};

use matter_receipts::testing::{signing_key, SampleReceipt};
use matter_receipts::{ReceiptFilter, ReceiptStore};

const RECEIPTS: u32 = 10_000;
const RUNS: usize = 30;
const TARGET: Duration = Duration::from_millis(100);

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = ReceiptStore::open(dir.path().join("receipts")).expect("store");
    let key = signing_key(7);
    for n in 0..RECEIPTS {
        let receipt = SampleReceipt::new(n).build(&key);
        let folder = store.root().join(&receipt.receipt_id);
        fs::create_dir(&folder).expect("receipt folder");
        fs::write(folder.join("receipt.json"), receipt.to_json_pretty()).expect("receipt file");
    }

    let started = Instant::now();
    let first = store
        .list(&ReceiptFilter::default())
        .expect("first listing");
    let rebuild = started.elapsed();
    assert_eq!(first.entries.len(), RECEIPTS as usize);
    println!("index rebuild from {RECEIPTS} receipt files: {rebuild:.1?}");

    let all = ReceiptFilter::default();
    let search = ReceiptFilter {
        document: Some("consent 99".into()),
        stakeholder: Some("stk_test5".into()),
        ..Default::default()
    };
    let mut failed = false;
    for (name, filter, expected) in [
        ("list all", &all, RECEIPTS as usize),
        ("search", &search, 1),
    ] {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let started = Instant::now();
            let listing = store.list(filter).expect("listing");
            times.push(started.elapsed());
            assert!(
                listing.refreshed.is_none(),
                "the index was rebuilt during the benchmark"
            );
            assert!(
                listing.entries.len() >= expected,
                "{name}: {} entries",
                listing.entries.len()
            );
        }
        times.sort();
        let median = times[RUNS / 2];
        println!(
            "{name} over {RECEIPTS} receipts: median {median:.1?}, min {:.1?}, max {:.1?} ({RUNS} runs)",
            times[0],
            times[RUNS - 1]
        );
        if median > TARGET {
            println!("{name}: median {median:.1?} is over the {TARGET:?} target");
            failed = true;
        }
    }
    if failed {
        std::process::exit(1);
    }
}
