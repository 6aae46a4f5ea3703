//! `receipts list|show|export|export-all|import`: the local receipt library.
//!
//! Like `receipts verify`, these commands work on local files only and build no
//! HTTP client.

use std::path::{Path, PathBuf};

use matter_engine::config::Mode;
use matter_receipts::{
    IndexEntry, ReceiptFile, ReceiptFilter, ReceiptStore, StoreError, TrustedKeys,
    MAX_RECEIPT_FILE_BYTES,
};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, Time};

use crate::cli::{ExportAllArgs, ExportArgs, GlobalOptions, ImportArgs, ListArgs, ShowArgs};
use crate::commands::sign::{UNSAVED_BEGIN, UNSAVED_END};
use crate::exit::{CliError, CliResult, Exit};
use crate::render;
use crate::settings;

/// The exit code and message for a receipt-library failure.
pub fn store_error(error: StoreError) -> CliError {
    let exit = match &error {
        StoreError::InvalidId { .. }
        | StoreError::NotFound { .. }
        | StoreError::InvalidReceipt { .. }
        | StoreError::Conflict { .. } => Exit::Usage,
        StoreError::VerificationFailed { .. } => Exit::IntegrityFailed,
        _ => Exit::Failure,
    };
    let code = error.code();
    CliError::new(exit, error.to_string()).with_code(code)
}

/// Opens the receipt library in each local data directory that exists; a
/// directory that was never created holds no receipts and is not created here.
fn stores(global: &GlobalOptions) -> CliResult<Vec<ReceiptStore>> {
    let mut stores = Vec::new();
    for dir in settings::local_data_dirs(global)? {
        let root = settings::receipts_dir(&dir);
        if root.is_dir() {
            stores.push(ReceiptStore::open(root).map_err(store_error)?);
        }
    }
    Ok(stores)
}

/// Finds the library holding receipt `id`.
fn store_with(global: &GlobalOptions, id: &str) -> CliResult<ReceiptStore> {
    if !matter_receipts::is_valid_receipt_id(id) {
        return Err(CliError::usage(format!(
            "invalid receipt id {id:?}: expected sgn_ followed by letters, digits, '_' or '-'; \
             `matter-signer receipts list` shows the ids"
        )));
    }
    let stores = stores(global)?;
    for store in &stores {
        if store.paths(id).map_err(store_error)?.json.exists() {
            return Ok(store.clone());
        }
    }
    let searched: Vec<String> = stores
        .iter()
        .map(|s| s.root().display().to_string())
        .collect();
    Err(CliError::usage(format!(
        "no receipt {id} in {}; `matter-signer receipts list` shows the saved receipts",
        if searched.is_empty() {
            "any data directory".to_owned()
        } else {
            searched.join(" or ")
        }
    ))
    .with_code("receipt_not_found"))
}

/// Parses `YYYY-MM-DD` as the start (or, with `end_of_day`, the last second) of
/// that day in UTC.
fn parse_day(flag: &str, value: &str, end_of_day: bool) -> CliResult<OffsetDateTime> {
    let date = Date::parse(value.trim(), format_description!("[year]-[month]-[day]")).map_err(|error| {
        CliError::usage(format!("{flag} {value:?} is invalid ({error}); write the day as YYYY-MM-DD, for example 2026-06-30"))
    })?;
    let time = if end_of_day {
        Time::from_hms_nano(23, 59, 59, 999_999_999).expect("a valid time of day")
    } else {
        Time::MIDNIGHT
    };
    Ok(date.with_time(time).assume_utc())
}

pub fn list(global: &GlobalOptions, args: &ListArgs) -> CliResult<()> {
    let filter = ReceiptFilter {
        document: args.document.clone(),
        entity: args.entity.clone(),
        stakeholder: args.stakeholder.clone(),
        signed_from: args
            .since
            .as_deref()
            .map(|v| parse_day("--since", v, false))
            .transpose()?,
        signed_until: args
            .until
            .as_deref()
            .map(|v| parse_day("--until", v, true))
            .transpose()?,
        mode: global.mode.map(|mode| match Mode::from(mode) {
            Mode::Test => matter_receipts::Mode::Test,
            Mode::Live => matter_receipts::Mode::Live,
        }),
    };

    let mut entries: Vec<IndexEntry> = Vec::new();
    let mut unreadable: Vec<(PathBuf, String)> = Vec::new();
    for store in stores(global)? {
        let listing = store.list(&filter).map_err(store_error)?;
        if let Some(note) = &listing.refreshed {
            tracing::info!(root = %store.root().display(), note, "receipt index refreshed");
        }
        entries.extend(listing.entries);
        unreadable.extend(listing.unreadable);
    }
    entries.sort_by(|a, b| {
        b.server_signed_at
            .cmp(&a.server_signed_at)
            .then_with(|| a.receipt_id.cmp(&b.receipt_id))
    });

    if args.json {
        let unreadable: Vec<_> = unreadable
            .iter()
            .map(|(path, reason)| json!({"path": path.display().to_string(), "reason": reason}))
            .collect();
        println!("{}", json!({"receipts": entries, "unreadable": unreadable}));
        return Ok(());
    }

    if entries.is_empty() {
        println!("No receipts found.");
    } else {
        println!(
            "{:<22} {:<5} {:<30} {:<32} SIGNER",
            "SIGNED (UTC)", "MODE", "RECEIPT", "DOCUMENT"
        );
        for entry in &entries {
            let signed = entry
                .server_signed_at
                .to_offset(time::UtcOffset::UTC)
                .format(&Rfc3339)
                .unwrap_or_else(|_| entry.server_signed_at.to_string());
            println!(
                "{:<22} {:<5} {:<30} {:<32} {} ({})",
                signed,
                entry.mode.to_string(),
                render::sanitize_line(&entry.receipt_id),
                render::sanitize_line(&entry.document_title),
                render::sanitize_line(&entry.typed_name),
                render::sanitize_line(&entry.stakeholder_id),
            );
        }
    }
    for (path, reason) in &unreadable {
        eprintln!(
            "warning: {} could not be read: {}",
            path.display(),
            render::sanitize_line(reason)
        );
    }
    Ok(())
}

pub fn show(global: &GlobalOptions, args: &ShowArgs) -> CliResult<()> {
    let store = store_with(global, &args.id)?;
    let receipt = store.load(&args.id).map_err(store_error)?;
    if args.json {
        print!("{}", String::from_utf8_lossy(&receipt.to_json_pretty()));
        return Ok(());
    }
    let paths = store.paths(&args.id).map_err(store_error)?;
    let line = render::sanitize_line;
    println!("Receipt:        {}", line(&receipt.receipt_id));
    println!("Mode:           {}", receipt.mode);
    println!(
        "Document:       {} ({})",
        line(&receipt.document.title),
        line(&receipt.document.id)
    );
    println!(
        "Entity:         {} ({})",
        line(&receipt.document.entity_name),
        line(&receipt.document.entity_id)
    );
    println!("Document SHA-256: {}", line(&receipt.document.sha256));
    if let Some(envelope) = &receipt.envelope {
        println!(
            "Envelope:       {} ({}), signer {} of {}",
            line(&envelope.subject),
            line(&envelope.id),
            envelope.position,
            envelope.signer_count
        );
    }
    println!(
        "Stakeholder:    {} ({})",
        line(&receipt.stakeholder.name),
        line(&receipt.stakeholder.id)
    );
    println!(
        "Signed in as:   {} <{}> ({})",
        line(&receipt.signed_in_user.name),
        line(&receipt.signed_in_user.email),
        line(&receipt.signed_in_user.user_id)
    );
    println!("Typed name:     {}", line(&receipt.typed_name));
    println!(
        "Signed at:      {} (server)",
        render::rfc3339(receipt.timestamps.server_signed_at)
    );
    println!("Packet SHA-256: {}", line(&receipt.disclosure_packet_hash));
    println!("Session:        {}", line(&receipt.signing_session_id));
    println!("Request id:     {}", line(&receipt.request_ids.sign));
    println!("Files:");
    for path in [&paths.json, &paths.html, &paths.pdf] {
        if path.exists() {
            println!("  {}", path.display());
        }
    }
    println!("Attestation:");
    println!(
        "  {}",
        render::sanitize(&receipt.electronic_signature_text).trim_end()
    );
    Ok(())
}

pub fn export(global: &GlobalOptions, args: &ExportArgs) -> CliResult<()> {
    let store = store_with(global, &args.id)?;
    let written = store.export_one(&args.id, &args.dir).map_err(store_error)?;
    println!("Exported receipt {} to {}:", args.id, args.dir.display());
    for path in written {
        println!("  {}", path.display());
    }
    Ok(())
}

pub fn export_all(global: &GlobalOptions, args: &ExportAllArgs) -> CliResult<()> {
    let mut with_receipts = Vec::new();
    for store in stores(global)? {
        let listing = store.list(&ReceiptFilter::default()).map_err(store_error)?;
        if !listing.entries.is_empty() {
            with_receipts.push(store);
        }
    }
    let store = match with_receipts.len() {
        0 => {
            return Err(CliError::usage(
                "there are no saved receipts to export; `matter-signer receipts list` shows them",
            ))
        }
        1 => with_receipts.remove(0),
        _ => {
            return Err(CliError::usage(format!(
                "receipts of both modes are saved, in {} and {}; export each with --mode test and --mode live",
                with_receipts[0].root().display(),
                with_receipts[1].root().display()
            )))
        }
    };
    let summary = store.export_all(&args.file).map_err(store_error)?;
    println!(
        "Wrote {} receipts to {}.",
        summary.receipts,
        summary.path.display()
    );
    for (path, reason) in &summary.skipped {
        eprintln!(
            "warning: skipped {}: {}",
            path.display(),
            render::sanitize_line(reason)
        );
    }
    Ok(())
}

/// Files a receipt in the library of its own mode, after checking its integrity.
///
/// The file may be a receipt file or a copy of what `sign` printed when saving
/// failed, marker lines included.
pub fn import(global: &GlobalOptions, args: &ImportArgs, keys: &TrustedKeys) -> CliResult<()> {
    let (saved, report) = match printed_receipt(&args.path)? {
        Some(json) => import_printed(global, &args.path, &json, keys)?,
        None => {
            let mode = receipt_mode(&args.path, keys)?;
            let store = ReceiptStore::open(settings::receipts_dir(&settings::data_dir_for(
                global, mode,
            )?))
            .map_err(store_error)?;
            let imported = store.import(&args.path, keys).map_err(store_error)?;
            (imported.saved, imported.report)
        }
    };
    println!(
        "Imported receipt {} into {}.",
        saved.receipt_id,
        saved.dir.display()
    );
    println!(
        "Integrity: PASSED: {}",
        render::sanitize_line(&report.integrity.reason)
    );
    if report.trust.passed {
        println!(
            "Trust:     PASSED: {}",
            render::sanitize_line(&report.trust.reason)
        );
    } else {
        println!(
            "Trust:     FAILED: {}",
            render::sanitize_line(&report.trust.reason)
        );
        eprintln!("warning: the receipt was filed, but its signing key is not one this app trusts");
    }
    Ok(())
}

/// Returns the JSON between the marker lines `sign` prints when a receipt could not
/// be saved, or `None` when `path` holds no such markers.
fn printed_receipt(path: &Path) -> CliResult<Option<Vec<u8>>> {
    use std::io::Read as _;

    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_RECEIPT_FILE_BYTES).read_to_end(&mut bytes))
        .map_err(|error| CliError::usage(format!("could not read {}: {error}", path.display())))?;
    let text = String::from_utf8_lossy(&bytes);
    let Some(start) = text.find(UNSAVED_BEGIN) else {
        return Ok(None);
    };
    let body = &text[start + UNSAVED_BEGIN.len()..];
    let Some(end) = body.find(UNSAVED_END) else {
        return Err(CliError::usage(format!(
            "{} has the line {UNSAVED_BEGIN} but not {UNSAVED_END}; copy the whole receipt, both marker lines included",
            path.display()
        )));
    };
    Ok(Some(body[..end].trim().as_bytes().to_vec()))
}

fn import_printed(
    global: &GlobalOptions,
    path: &Path,
    json: &[u8],
    keys: &TrustedKeys,
) -> CliResult<(
    matter_receipts::SavedReceipt,
    matter_receipts::VerificationReport,
)> {
    let report = matter_receipts::verify_json_bytes(json, keys);
    let Some(receipt) = report.receipt.clone() else {
        return Err(CliError::usage(format!(
            "the text between the marker lines in {} is not a readable receipt: {}",
            path.display(),
            report.integrity.reason
        )));
    };
    if !report.integrity.passed {
        return Err(CliError::new(
            Exit::IntegrityFailed,
            format!(
                "{} failed verification, so it was not filed: {}",
                path.display(),
                report.integrity.reason
            ),
        ));
    }
    let mode = match receipt.mode {
        matter_receipts::Mode::Test => Mode::Test,
        matter_receipts::Mode::Live => Mode::Live,
    };
    let store = ReceiptStore::open(settings::receipts_dir(&settings::data_dir_for(
        global, mode,
    )?))
    .map_err(store_error)?;
    let saved = store.save(&receipt).map_err(store_error)?;
    Ok((saved, report))
}

/// Reads the receipt at `path` far enough to learn its mode.
fn receipt_mode(path: &Path, keys: &TrustedKeys) -> CliResult<Mode> {
    let file = ReceiptFile::read(path)
        .map_err(|error| CliError::usage(format!("could not read {}: {error}", path.display())))?;
    let report = file.verify(keys);
    match report.receipt {
        Some(receipt) => Ok(match receipt.mode {
            matter_receipts::Mode::Test => Mode::Test,
            matter_receipts::Mode::Live => Mode::Live,
        }),
        None => Err(CliError::usage(format!(
            "{} is not a readable receipt: {}; pass the JSON that matter-signer printed, \
             without the marker lines",
            path.display(),
            report.integrity.reason
        ))),
    }
}
