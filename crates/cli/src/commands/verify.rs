//! `receipts verify`: offline verification with two verdicts.
//!
//! This module builds no HTTP client and touches no network: it reads one file and
//! the trusted keys kept on disk, and nothing else.

use std::path::Path;

use matter_receipts::{TrustedKeys, Verdict, VerificationReport};
use serde_json::json;

use crate::exit::{CliError, CliResult, Exit};
use crate::render;

/// Reads and verifies the receipt at `path`.
pub fn verify_file(path: &Path, keys: &TrustedKeys) -> CliResult<VerificationReport> {
    if !path.exists() {
        return Err(CliError::usage(format!(
            "{} does not exist; pass the path of a receipt.json, receipt.html or receipt.pdf",
            path.display()
        )));
    }
    if let Err(error) = std::fs::File::open(path) {
        return Err(CliError::usage(format!(
            "could not read {}: {error}",
            path.display()
        )));
    }
    Ok(matter_receipts::verify_path(path, keys))
}

/// The exit code a report maps to: integrity first, then trust.
pub fn report_exit(report: &VerificationReport) -> Exit {
    if !report.integrity.passed {
        Exit::IntegrityFailed
    } else if !report.trust.passed {
        Exit::KeyNotTrusted
    } else {
        Exit::Success
    }
}

/// Prints the report as text or JSON, then turns a failed verdict into its exit code.
pub fn print_report(path: &Path, report: &VerificationReport, as_json: bool) -> CliResult<()> {
    if as_json {
        println!("{}", report_json(path, report));
    } else {
        print!("{}", report_text(path, report));
    }
    match report_exit(report) {
        Exit::Success => Ok(()),
        Exit::IntegrityFailed => Err(CliError::new(
            Exit::IntegrityFailed,
            format!(
                "{} failed verification: {}",
                path.display(),
                report.integrity.reason
            ),
        )),
        exit => Err(CliError::new(
            exit,
            format!(
                "{} is intact, but its signing key is not trusted: {}",
                path.display(),
                report.trust.reason
            ),
        )),
    }
}

fn verdict_line(label: &str, verdict: &Verdict) -> String {
    let state = if verdict.passed { "PASSED" } else { "FAILED" };
    format!(
        "{label:<11}{state}: {}\n",
        render::sanitize_line(&verdict.reason)
    )
}

fn report_text(path: &Path, report: &VerificationReport) -> String {
    let mut out = format!("Receipt:   {} ({})\n", path.display(), report.kind);
    if let Some(receipt) = &report.receipt {
        out.push_str(&format!(
            "Id:        {}\nDocument:  {} ({})\nSigner:    \"{}\" for {} ({})\nSigned at: {}\nMode:      {}\n",
            render::sanitize_line(&receipt.receipt_id),
            render::sanitize_line(&receipt.document.title),
            render::sanitize_line(&receipt.document.id),
            render::sanitize_line(&receipt.typed_name),
            render::sanitize_line(&receipt.stakeholder.name),
            render::sanitize_line(&receipt.stakeholder.id),
            render::rfc3339(receipt.timestamps.server_signed_at),
            receipt.mode,
        ));
    }
    out.push_str(&verdict_line("Integrity:", &report.integrity));
    out.push_str(&verdict_line("Trust:", &report.trust));
    out
}

fn report_json(path: &Path, report: &VerificationReport) -> serde_json::Value {
    let receipt = report.receipt.as_ref();
    json!({
        "path": path.display().to_string(),
        "kind": report.kind,
        "receipt_id": receipt.map(|r| r.receipt_id.clone()),
        "document_id": receipt.map(|r| r.document.id.clone()),
        "mode": receipt.map(|r| r.mode),
        "integrity": report.integrity,
        "trust": report.trust,
        "passed": report.passed(),
        "exit_code": report_exit(report).code(),
    })
}
