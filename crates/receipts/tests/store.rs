//! The receipt library on real files: save, list, search, rebuild, import, export.

use std::fs;
use std::path::Path;

use matter_receipts::testing::{signing_key, trusted_test_keys, SampleReceipt};
use matter_receipts::{ReceiptFilter, ReceiptStore, Rendering, StoreError, INDEX_FILE};

fn store_with(count: u32) -> (tempfile::TempDir, ReceiptStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = ReceiptStore::open(dir.path().join("receipts")).unwrap();
    let key = signing_key(7);
    for n in 0..count {
        store.save(&SampleReceipt::new(n).build(&key)).unwrap();
    }
    (dir, store)
}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn save_writes_three_forms() {
    let (_dir, store) = store_with(0);
    let receipt = SampleReceipt::new(1).build(&signing_key(7));
    let saved = store.save(&receipt).unwrap();
    assert!(saved.json_path.is_file());
    assert!(saved.html.is_written(), "{:?}", saved.html);
    assert!(saved.pdf.is_written(), "{:?}", saved.pdf);
    assert_eq!(saved.index_error, None);
    assert_eq!(saved.dir, store.root().join("sgn_test1"));
}

#[cfg(unix)]
#[test]
fn save_uses_private_modes() {
    let (_dir, store) = store_with(1);
    let paths = store.paths("sgn_test0").unwrap();
    assert_eq!(mode_of(store.root()), 0o700);
    assert_eq!(mode_of(&paths.dir), 0o700);
    assert_eq!(mode_of(&paths.json), 0o600);
    assert_eq!(mode_of(&paths.html), 0o600);
    assert_eq!(mode_of(&paths.pdf), 0o600);
    assert_eq!(mode_of(&store.root().join(INDEX_FILE)), 0o600);
}

#[test]
fn save_then_load_round_trips() {
    let (_dir, store) = store_with(0);
    let receipt = SampleReceipt::new(4).build(&signing_key(7));
    store.save(&receipt).unwrap();
    assert_eq!(store.load("sgn_test4").unwrap(), receipt);
}

#[test]
fn save_json_writes_only_the_json() {
    let (_dir, store) = store_with(0);
    let receipt = SampleReceipt::new(5).build(&signing_key(7));
    let paths = store.save_json(&receipt).unwrap();
    assert_eq!(store.load("sgn_test5").unwrap(), receipt);
    assert!(!paths.html.exists(), "HTML written before complete");
    assert!(!paths.pdf.exists(), "PDF written before complete");
    assert!(
        !store.root().join(INDEX_FILE).exists(),
        "index written before complete"
    );
}

#[test]
fn save_json_then_complete_matches_save() {
    let (_dir, split) = store_with(0);
    let (_other, whole) = store_with(0);
    let receipt = SampleReceipt::new(6).build(&signing_key(7));
    split.save_json(&receipt).unwrap();
    let completed = split.complete(&receipt).unwrap();
    whole.save(&receipt).unwrap();
    assert!(completed.html.is_written(), "{:?}", completed.html);
    assert!(completed.pdf.is_written(), "{:?}", completed.pdf);
    assert_eq!(completed.index_error, None);
    for name in ["receipt.json", "receipt.html", "receipt.pdf"] {
        assert_eq!(
            fs::read(completed.dir.join(name)).unwrap(),
            fs::read(whole.root().join("sgn_test6").join(name)).unwrap(),
            "{name} differs between save_json + complete and save"
        );
    }
    let listed = split.list(&ReceiptFilter::default()).unwrap();
    assert_eq!(listed.entries.len(), 1);
}

#[test]
fn complete_without_json_is_not_found() {
    let (_dir, store) = store_with(0);
    let receipt = SampleReceipt::new(7).build(&signing_key(7));
    let error = store.complete(&receipt).unwrap_err();
    assert!(matches!(error, StoreError::NotFound { .. }), "{error:?}");
    assert!(!store.paths("sgn_test7").unwrap().html.exists());
}

#[test]
fn complete_other_receipt_conflicts() {
    let (_dir, store) = store_with(0);
    let first = SampleReceipt::new(8).build(&signing_key(7));
    let mut second = first.clone();
    second.typed_name = "Someone Else".into();
    store.save_json(&first).unwrap();
    let error = store.complete(&second).unwrap_err();
    assert!(matches!(error, StoreError::Conflict { .. }), "{error:?}");
    assert_eq!(store.load("sgn_test8").unwrap(), first);
}

#[test]
fn complete_restores_json_made_unreadable() {
    let (_dir, store) = store_with(0);
    let receipt = SampleReceipt::new(6).build(&signing_key(7));
    let paths = store.save_json(&receipt).unwrap();
    fs::write(&paths.json, b"{ truncated").unwrap();

    let completed = store.complete(&receipt).unwrap();

    assert!(completed.json_path.is_file(), "receipt.json is missing");
    assert_eq!(store.load("sgn_test6").unwrap(), receipt);
    assert_eq!(completed.index_error, None);
    let aside: Vec<_> = fs::read_dir(&paths.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("receipt.json.unreadable-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
}

#[test]
fn unreadable_files_moved_aside_are_all_kept() {
    let (_dir, store) = store_with(0);
    let receipt = SampleReceipt::new(6).build(&signing_key(7));
    let paths = store.save_json(&receipt).unwrap();
    // Two unreadable files within one second must not share an aside name.
    for garbage in [&b"first garbage"[..], &b"second garbage"[..]] {
        fs::write(&paths.json, garbage).unwrap();
        store.save_json(&receipt).unwrap();
    }

    let mut kept: Vec<Vec<u8>> = fs::read_dir(&paths.dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("receipt.json.unreadable-")
        })
        .map(|e| fs::read(e.path()).unwrap())
        .collect();
    kept.sort();
    assert_eq!(
        kept,
        [b"first garbage".to_vec(), b"second garbage".to_vec()]
    );
}

#[cfg(unix)]
#[test]
fn save_json_rejects_symlinked_folder() {
    let (_dir, store) = store_with(0);
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("target");
    fs::create_dir(&target).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&target, fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::os::unix::fs::symlink(&target, store.root().join("sgn_test5")).unwrap();

    let error = store
        .save_json(&SampleReceipt::new(5).build(&signing_key(7)))
        .unwrap_err();

    assert_eq!(error.code(), "receipt_io_failed");
    assert!(error.to_string().contains("symbolic link"), "{error}");
    assert!(!target.join("receipt.json").exists());
    assert_eq!(mode_of(&target), 0o755);
}

#[test]
fn save_same_receipt_twice_is_allowed() {
    let (_dir, store) = store_with(0);
    let receipt = SampleReceipt::new(4).build(&signing_key(7));
    store.save(&receipt).unwrap();
    let again = store.save(&receipt).unwrap();
    assert!(again.html.is_written());
    assert_eq!(
        store.list(&ReceiptFilter::default()).unwrap().entries.len(),
        1
    );
}

#[test]
fn save_conflicting_receipt_keeps_first() {
    let (_dir, store) = store_with(0);
    let key = signing_key(7);
    let first = SampleReceipt::new(4).build(&key);
    store.save(&first).unwrap();
    let mut second = first.clone();
    second.typed_name = "Jane Founder".into();
    let error = store.save(&second).unwrap_err();
    assert!(matches!(error, StoreError::Conflict { .. }), "{error}");
    assert_eq!(store.load("sgn_test4").unwrap(), first);
}

#[test]
fn save_rejects_path_like_id() {
    let (_dir, store) = store_with(0);
    let mut receipt = SampleReceipt::new(4).build(&signing_key(7));
    for id in [
        "../sgn_x", "sgn_../x", "sgn_", "doc_1", "sgn_a/b", "sgn_a.b",
    ] {
        receipt.receipt_id = id.into();
        let error = store.save(&receipt).unwrap_err();
        assert_eq!(error.code(), "receipt_id_invalid", "id {id}");
    }
}

#[cfg(unix)]
#[test]
fn save_into_read_only_dir_names_path() {
    use std::os::unix::fs::PermissionsExt;
    if unsafe { libc_geteuid() } == 0 {
        // Root ignores directory permissions, so instead make the receipt
        // folder a file: creating the directory then fails for everyone.
        let (_dir, store) = store_with(0);
        fs::write(store.root().join("sgn_test4"), b"in the way").unwrap();
        let error = store
            .save(&SampleReceipt::new(4).build(&signing_key(7)))
            .unwrap_err();
        assert_eq!(error.code(), "receipt_io_failed");
        assert_eq!(error.path(), Some(store.root().join("sgn_test4").as_path()));
        return;
    }
    let (_dir, store) = store_with(0);
    fs::set_permissions(store.root(), fs::Permissions::from_mode(0o500)).unwrap();
    let error = store
        .save(&SampleReceipt::new(4).build(&signing_key(7)))
        .unwrap_err();
    fs::set_permissions(store.root(), fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(error.code(), "receipt_io_failed");
}

#[cfg(unix)]
unsafe fn libc_geteuid() -> u32 {
    extern "C" {
        fn geteuid() -> u32;
    }
    geteuid()
}

#[test]
fn list_returns_newest_first() {
    let (_dir, store) = store_with(5);
    let listing = store.list(&ReceiptFilter::default()).unwrap();
    let ids: Vec<_> = listing
        .entries
        .iter()
        .map(|e| e.receipt_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "sgn_test4",
            "sgn_test3",
            "sgn_test2",
            "sgn_test1",
            "sgn_test0"
        ]
    );
    assert!(listing.unreadable.is_empty());
}

#[test]
fn list_filters_by_document_entity_stakeholder_date() {
    let (_dir, store) = store_with(20);
    let by_document = ReceiptFilter {
        document: Some("doc_test7".into()),
        ..Default::default()
    };
    let by_entity = ReceiptFilter {
        entity: Some("ent_test3".into()),
        ..Default::default()
    };
    let by_stakeholder = ReceiptFilter {
        stakeholder: Some("stk_test5".into()),
        ..Default::default()
    };
    let first = store.load("sgn_test2").unwrap().timestamps.server_signed_at;
    let by_date = ReceiptFilter {
        signed_from: Some(first),
        signed_until: Some(first + time::Duration::minutes(2)),
        ..Default::default()
    };
    let ids = |filter: &ReceiptFilter| -> Vec<String> {
        store
            .list(filter)
            .unwrap()
            .entries
            .into_iter()
            .map(|e| e.receipt_id)
            .collect()
    };
    assert_eq!(ids(&by_document), ["sgn_test7"]);
    assert_eq!(ids(&by_entity), ["sgn_test17", "sgn_test10", "sgn_test3"]);
    assert_eq!(ids(&by_stakeholder), ["sgn_test18", "sgn_test5"]);
    assert_eq!(ids(&by_date), ["sgn_test4", "sgn_test3", "sgn_test2"]);
}

#[test]
fn list_rebuilds_missing_index() {
    let (_dir, store) = store_with(3);
    fs::remove_file(store.root().join(INDEX_FILE)).unwrap();
    let listing = store.list(&ReceiptFilter::default()).unwrap();
    assert_eq!(listing.entries.len(), 3);
    assert!(listing.refreshed.as_deref().unwrap().contains("missing"));
    assert!(store.root().join(INDEX_FILE).is_file());
}

#[test]
fn list_rebuilds_corrupt_index() {
    let (_dir, store) = store_with(3);
    fs::write(
        store.root().join(INDEX_FILE),
        b"{\"format\": \"matter-signer-receipt-index\", \"entr",
    )
    .unwrap();
    let listing = store.list(&ReceiptFilter::default()).unwrap();
    assert_eq!(listing.entries.len(), 3);
    assert!(listing.refreshed.as_deref().unwrap().contains("unreadable"));
    let again = store.list(&ReceiptFilter::default()).unwrap();
    assert_eq!(again.refreshed, None);
}

/// Rewrites the index through `edit` on its JSON.
fn edit_index(store: &ReceiptStore, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = store.root().join(INDEX_FILE);
    let mut index: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    edit(&mut index);
    fs::write(&path, serde_json::to_vec(&index).unwrap()).unwrap();
}

fn listed_titles(listing: &matter_receipts::Listing) -> Vec<(String, String)> {
    let mut titles: Vec<_> = listing
        .entries
        .iter()
        .map(|e| (e.receipt_id.clone(), e.document_title.clone()))
        .collect();
    titles.sort();
    titles
}

#[test]
fn list_rebuilds_index_with_duplicate_entry() {
    let (_dir, store) = store_with(2);
    store.list(&ReceiptFilter::default()).unwrap();
    edit_index(&store, |index| {
        let entries = index["entries"].as_array_mut().unwrap();
        let kept = entries
            .iter()
            .find(|e| e["receipt_id"] == "sgn_test0")
            .unwrap()
            .clone();
        let mut forged = kept.clone();
        forged["document_title"] = "Sale of all shares to Mallory".into();
        forged["typed_name"] = "Mallory".into();
        *entries = vec![kept, forged];
    });
    let listing = store.list(&ReceiptFilter::default()).unwrap();
    assert_eq!(
        listed_titles(&listing),
        [
            ("sgn_test0".to_string(), "Board consent 0".to_string()),
            ("sgn_test1".to_string(), "Board consent 1".to_string())
        ]
    );
    let reason = listing.refreshed.unwrap();
    assert!(reason.contains("\"sgn_test0\" twice"), "{reason}");
    assert!(reason.contains("rebuilt"), "{reason}");
}

#[test]
fn list_rebuilds_index_with_path_outside_root() {
    let (_dir, store) = store_with(2);
    store.list(&ReceiptFilter::default()).unwrap();
    edit_index(&store, |index| {
        index["entries"][1]["receipt_id"] = "../../elsewhere".into();
    });
    let listing = store.list(&ReceiptFilter::default()).unwrap();
    assert_eq!(listing.entries.len(), 2);
    assert!(listing
        .entries
        .iter()
        .all(|e| e.receipt_id.starts_with("sgn_test")));
    assert!(listing.refreshed.unwrap().contains("not a receipt id"));

    edit_index(&store, |index| {
        index["entries"].as_array_mut().unwrap().pop();
        index["unreadable"] =
            serde_json::json!([{"name": "../../etc", "reason": "planted", "stamp": null}]);
    });
    let listing = store.list(&ReceiptFilter::default()).unwrap();
    assert_eq!(listing.entries.len(), 2);
    assert!(listing.unreadable.is_empty(), "{:?}", listing.unreadable);
    assert!(listing.refreshed.unwrap().contains("not a folder name"));
}

#[test]
fn list_drops_entry_whose_folder_is_missing() {
    let (_dir, store) = store_with(3);
    store.list(&ReceiptFilter::default()).unwrap();
    // Keep the count equal to the folder count, but name a folder that does not exist.
    edit_index(&store, |index| {
        index["entries"][0]["receipt_id"] = "sgn_missing".into();
    });
    let listing = store.list(&ReceiptFilter::default()).unwrap();
    let ids: Vec<_> = listing
        .entries
        .iter()
        .map(|e| e.receipt_id.as_str())
        .collect();
    assert!(!ids.contains(&"sgn_missing"), "{ids:?}");
    assert_eq!(ids.len(), 3);
    assert!(listing.refreshed.is_some());
}

#[test]
fn list_picks_up_folder_added_by_hand() {
    let (dir, store) = store_with(2);
    let other = ReceiptStore::open(dir.path().join("elsewhere")).unwrap();
    other
        .save(&SampleReceipt::new(9).build(&signing_key(7)))
        .unwrap();
    fs::rename(
        other.root().join("sgn_test9"),
        store.root().join("sgn_test9"),
    )
    .unwrap();
    let listing = store.list(&ReceiptFilter::default()).unwrap();
    assert_eq!(listing.entries.len(), 3);
    assert!(listing.refreshed.is_some());
}

#[test]
fn list_drops_removed_folder() {
    let (_dir, store) = store_with(3);
    fs::remove_dir_all(store.root().join("sgn_test1")).unwrap();
    let listing = store.list(&ReceiptFilter::default()).unwrap();
    let ids: Vec<_> = listing
        .entries
        .iter()
        .map(|e| e.receipt_id.as_str())
        .collect();
    assert_eq!(ids, ["sgn_test2", "sgn_test0"]);
}

#[cfg(unix)]
#[test]
fn list_reports_symlinked_folder() {
    let (_dir, store) = store_with(1);
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = ReceiptStore::open(elsewhere.path().join("receipts")).unwrap();
    outside
        .save(&SampleReceipt::new(9).build(&signing_key(7)))
        .unwrap();
    std::os::unix::fs::symlink(
        outside.root().join("sgn_test9"),
        store.root().join("sgn_test9"),
    )
    .unwrap();

    let listing = store.list(&ReceiptFilter::default()).unwrap();
    let ids: Vec<_> = listing
        .entries
        .iter()
        .map(|e| e.receipt_id.as_str())
        .collect();
    assert_eq!(ids, ["sgn_test0"]);
    assert_eq!(listing.unreadable.len(), 1, "{:?}", listing.unreadable);
    assert!(
        listing.unreadable[0].1.contains("symbolic link"),
        "{:?}",
        listing.unreadable
    );
}

#[cfg(unix)]
#[test]
fn save_rejects_symlinked_lock_file() {
    let (_dir, store) = store_with(0);
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("planted");
    std::os::unix::fs::symlink(&target, store.root().join(".lock")).unwrap();

    let error = store
        .save(&SampleReceipt::new(3).build(&signing_key(7)))
        .unwrap_err();
    assert!(error.to_string().contains("symbolic link"), "{error}");
    assert!(!target.exists(), "the link's target was created");
    assert!(!store.root().join("sgn_test3").exists());
}

#[test]
fn list_names_unreadable_folders() {
    let (_dir, store) = store_with(3);
    let truncated = store.root().join("sgn_test1/receipt.json");
    let bytes = fs::read(&truncated).unwrap();
    fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    fs::create_dir(store.root().join("sgn_empty")).unwrap();
    fs::create_dir(store.root().join("holiday photos")).unwrap();
    let listing = store.list(&ReceiptFilter::default()).unwrap();
    let ids: Vec<_> = listing
        .entries
        .iter()
        .map(|e| e.receipt_id.as_str())
        .collect();
    assert_eq!(ids, ["sgn_test2", "sgn_test0"]);
    let bad: Vec<_> = listing
        .unreadable
        .iter()
        .map(|(path, _)| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(bad, ["holiday photos", "sgn_empty", "sgn_test1"]);
    let reason_for = |name: &str| {
        listing
            .unreadable
            .iter()
            .find(|(p, _)| p.ends_with(name))
            .unwrap()
            .1
            .clone()
    };
    assert!(
        reason_for("sgn_test1").contains("truncated"),
        "{}",
        reason_for("sgn_test1")
    );
    assert!(
        reason_for("sgn_empty").contains("no receipt.json"),
        "{}",
        reason_for("sgn_empty")
    );
    assert!(
        reason_for("holiday photos").contains("not a receipt id"),
        "{}",
        reason_for("holiday photos")
    );
}

#[test]
fn list_keeps_unreadable_in_index() {
    let (_dir, store) = store_with(2);
    fs::create_dir(store.root().join("sgn_test9")).unwrap();
    fs::write(store.root().join("sgn_test9/receipt.json"), b"garbage").unwrap();
    store.list(&ReceiptFilter::default()).unwrap();
    let second = store.list(&ReceiptFilter::default()).unwrap();
    assert_eq!(second.refreshed, None);
    assert_eq!(second.unreadable.len(), 1);
}

#[test]
fn rescan_notices_edited_file() {
    let (_dir, store) = store_with(2);
    store.list(&ReceiptFilter::default()).unwrap();
    let path = store.root().join("sgn_test1/receipt.json");
    let mut value: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    value["document"]["title"] = "Edited title, longer than before".into();
    fs::write(&path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    let changed = store.rescan().unwrap();
    assert_eq!(changed, 1);
    let listing = store.list(&ReceiptFilter::default()).unwrap();
    let entry = listing
        .entries
        .iter()
        .find(|e| e.receipt_id == "sgn_test1")
        .unwrap();
    assert_eq!(entry.document_title, "Edited title, longer than before");
}

#[test]
fn load_missing_is_not_found() {
    let (_dir, store) = store_with(0);
    let error = store.load("sgn_nothing").unwrap_err();
    assert_eq!(error.code(), "receipt_not_found");
}

#[test]
fn import_files_verified_receipt() {
    let (dir, store) = store_with(0);
    let key = signing_key(7);
    let receipt = SampleReceipt::new(3).build(&key);
    let outside = dir.path().join("saved-elsewhere.json");
    fs::write(&outside, receipt.to_json_pretty()).unwrap();
    let imported = store.import(&outside, &trusted_test_keys(&key)).unwrap();
    assert!(imported.report.trust.passed);
    assert_eq!(store.load("sgn_test3").unwrap(), receipt);
    assert!(matches!(imported.saved.pdf, Rendering::Written { .. }));
}

#[test]
fn import_keeps_original_json_bytes() {
    let (dir, store) = store_with(0);
    let key = signing_key(7);
    let receipt = SampleReceipt::new(3).build(&key);
    let mut value = serde_json::to_value(&receipt).unwrap();
    value["field_from_a_later_version"] = "kept".into();
    let bytes = serde_json::to_vec(&value).unwrap();
    let outside = dir.path().join("later.json");
    fs::write(&outside, &bytes).unwrap();
    store.import(&outside, &trusted_test_keys(&key)).unwrap();
    assert_eq!(
        fs::read(store.paths("sgn_test3").unwrap().json).unwrap(),
        bytes
    );
}

#[test]
fn import_rejects_tampered_receipt() {
    let (dir, store) = store_with(0);
    let key = signing_key(7);
    let mut receipt = SampleReceipt::new(3).build(&key);
    receipt.document.title = "Forged".into();
    let outside = dir.path().join("forged.json");
    fs::write(&outside, receipt.to_json_pretty()).unwrap();
    let error = store
        .import(&outside, &trusted_test_keys(&key))
        .unwrap_err();
    assert_eq!(error.code(), "receipt_verification_failed");
    assert!(!store.paths("sgn_test3").unwrap().dir.exists());
}

#[test]
fn import_accepts_unknown_key_with_report() {
    let (dir, store) = store_with(0);
    let receipt = SampleReceipt::new(3).build(&signing_key(7));
    let outside = dir.path().join("r.json");
    fs::write(&outside, receipt.to_json_pretty()).unwrap();
    let imported = store
        .import(&outside, &trusted_test_keys(&signing_key(9)))
        .unwrap();
    assert!(imported.report.integrity.passed);
    assert!(!imported.report.trust.passed);
}

#[test]
fn import_reads_pdf_form() {
    let (dir, store) = store_with(1);
    let key = signing_key(7);
    let pdf = store.paths("sgn_test0").unwrap().pdf;
    let other = ReceiptStore::open(dir.path().join("other")).unwrap();
    let imported = other.import(&pdf, &trusted_test_keys(&key)).unwrap();
    assert_eq!(imported.saved.receipt_id, "sgn_test0");
    assert_eq!(
        other.load("sgn_test0").unwrap(),
        store.load("sgn_test0").unwrap()
    );
}

#[test]
fn import_garbage_names_file() {
    let (dir, store) = store_with(0);
    let outside = dir.path().join("notes.txt");
    fs::write(&outside, b"hello").unwrap();
    let error = store
        .import(&outside, &trusted_test_keys(&signing_key(7)))
        .unwrap_err();
    assert_eq!(error.code(), "receipt_invalid");
    assert_eq!(error.path(), Some(outside.as_path()));
}

#[test]
fn export_one_copies_all_forms() {
    let (dir, store) = store_with(2);
    let dest = dir.path().join("usb");
    let written = store.export_one("sgn_test1", &dest).unwrap();
    assert_eq!(written.len(), 3);
    let json = fs::read(dest.join("sgn_test1/receipt.json")).unwrap();
    assert_eq!(
        json,
        fs::read(store.paths("sgn_test1").unwrap().json).unwrap()
    );
    assert!(dest.join("sgn_test1/receipt.html").is_file());
    assert!(dest.join("sgn_test1/receipt.pdf").is_file());
}

#[test]
fn export_one_renders_missing_pdf() {
    let (dir, store) = store_with(1);
    fs::remove_file(store.paths("sgn_test0").unwrap().pdf).unwrap();
    let dest = dir.path().join("out");
    store.export_one("sgn_test0", &dest).unwrap();
    let pdf = fs::read(dest.join("sgn_test0/receipt.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn export_all_writes_zip_with_every_receipt() {
    let (dir, store) = store_with(3);
    fs::create_dir(store.root().join("sgn_broken")).unwrap();
    let archive = dir.path().join("all.zip");
    let summary = store.export_all(&archive).unwrap();
    assert_eq!(summary.receipts, 3);
    assert_eq!(summary.skipped.len(), 1);
    let mut zip = zip::ZipArchive::new(fs::File::open(&archive).unwrap()).unwrap();
    let mut names: Vec<String> = zip
        .file_names()
        .map(|name| name.unwrap().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 9);
    assert!(names.contains(&"matter-receipts/sgn_test2/receipt.pdf".to_string()));
    let mut json = String::new();
    std::io::Read::read_to_string(
        &mut zip
            .by_name("matter-receipts/sgn_test0/receipt.json")
            .unwrap(),
        &mut json,
    )
    .unwrap();
    assert!(json.contains("\"receipt_id\": \"sgn_test0\""));
}

#[test]
fn export_all_leaves_no_temp_file() {
    let (dir, store) = store_with(1);
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    store.export_all(&out.join("all.zip")).unwrap();
    let names: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [std::ffi::OsString::from("all.zip")]);
}

#[test]
fn concurrent_saves_keep_every_index_entry() {
    let (dir, _store) = store_with(0);
    let root = dir.path().join("receipts");
    let key = signing_key(7);
    let threads: Vec<_> = (0..4u32)
        .map(|t| {
            let root = root.clone();
            let key = key.clone();
            std::thread::spawn(move || {
                let store = ReceiptStore::open(root).unwrap();
                for i in 0..3u32 {
                    let saved = store
                        .save(&SampleReceipt::new(t * 10 + i).build(&key))
                        .unwrap();
                    assert_eq!(saved.index_error, None);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let store = ReceiptStore::open(root).unwrap();
    let listing = store.list(&ReceiptFilter::default()).unwrap();
    assert_eq!(
        listing.refreshed, None,
        "the index lost an update and was refreshed"
    );
    assert_eq!(listing.entries.len(), 12);
}
