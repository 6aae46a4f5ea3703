//! Export: one receipt to a folder, or the whole library as one zip archive.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zip::write::SimpleFileOptions;

use crate::error::StoreError;
use crate::fsutil::{create_private_dir, sync_dir, write_atomic};
use crate::html;
use crate::index::ReceiptFilter;
use crate::model::Receipt;
use crate::store::{render_pdf, ReceiptStore, HTML_FILE, JSON_FILE, PDF_FILE};

/// Result of [`ReceiptStore::export_all`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveSummary {
    pub path: PathBuf,
    /// Number of receipts in the archive.
    pub receipts: usize,
    /// Receipt folders left out because they could not be read, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
}

impl ReceiptStore {
    /// Copies receipt `id` into `<dest_dir>/<id>/` as `receipt.json`,
    /// `receipt.html` and `receipt.pdf`, re-rendering a missing HTML or PDF
    /// from the JSON. Returns the paths written.
    ///
    /// Files are written atomically; existing files of the same name are
    /// replaced. The JSON is copied byte for byte.
    pub fn export_one(&self, id: &str, dest_dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
        let (receipt, json) = self.load_with_bytes(id)?;
        let target = dest_dir.join(id);
        create_private_dir(&target)
            .map_err(|e| StoreError::io("create the directory", target.clone(), e))?;
        let mut written = Vec::new();
        for (name, bytes) in self.files_of(id, &receipt, json)? {
            let path = target.join(name);
            write_atomic(&path, &bytes).map_err(|e| StoreError::io("write", path.clone(), e))?;
            written.push(path);
        }
        tracing::info!(receipt_id = id, dest = %target.display(), "receipt exported");
        Ok(written)
    }

    /// Writes every readable receipt into one zip archive at `dest_path`,
    /// as `matter-receipts/<id>/receipt.{json,html,pdf}`.
    ///
    /// The archive is written to a temp file and renamed into place, so a
    /// failure leaves no partial archive. Unreadable receipt folders are left
    /// out and named in the summary.
    pub fn export_all(&self, dest_path: &Path) -> Result<ArchiveSummary, StoreError> {
        let listing = self.list(&ReceiptFilter::default())?;
        let mut skipped = listing.unreadable.clone();
        let dir = dest_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."));
        let temp = tempfile::Builder::new()
            .prefix(".matter-receipts-")
            .suffix(".zip.tmp")
            .tempfile_in(dir)
            .map_err(|e| StoreError::io("create a temporary file in", dir, e))?;
        let archive_error = |reason: String| StoreError::Archive {
            path: dest_path.to_path_buf(),
            reason,
        };

        let mut zip = zip::ZipWriter::new(temp.as_file());
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o600);
        let mut count = 0;
        for entry in &listing.entries {
            let id = &entry.receipt_id;
            let files = self
                .load_with_bytes(id)
                .and_then(|(receipt, json)| self.files_of(id, &receipt, json));
            let files = match files {
                Ok(files) => files,
                Err(error) => {
                    tracing::warn!(receipt_id = %id, %error, "receipt left out of the archive");
                    skipped.push((self.root().join(id), error.to_string()));
                    continue;
                }
            };
            for (name, bytes) in files {
                zip.start_file(format!("matter-receipts/{id}/{name}"), options)
                    .map_err(|e| archive_error(e.to_string()))?;
                zip.write_all(&bytes)
                    .map_err(|e| archive_error(e.to_string()))?;
            }
            count += 1;
        }
        zip.finish().map_err(|e| archive_error(e.to_string()))?;
        temp.as_file()
            .sync_all()
            .map_err(|e| StoreError::io("flush", temp.path(), e))?;
        temp.persist(dest_path)
            .map_err(|e| StoreError::io("rename the archive to", dest_path, e.error))?;
        sync_dir(dir).map_err(|e| StoreError::io("flush the directory", dir, e))?;
        tracing::info!(path = %dest_path.display(), receipts = count, skipped = skipped.len(), "receipt archive written");
        Ok(ArchiveSummary {
            path: dest_path.to_path_buf(),
            receipts: count,
            skipped,
        })
    }

    fn load_with_bytes(&self, id: &str) -> Result<(Receipt, Vec<u8>), StoreError> {
        let paths = self.paths(id)?;
        let json = fs::read(&paths.json).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                StoreError::NotFound {
                    id: id.to_owned(),
                    root: self.root().to_path_buf(),
                }
            } else {
                StoreError::io("read", paths.json.clone(), e)
            }
        })?;
        let receipt = Receipt::from_json_bytes(&json).map_err(|e| StoreError::InvalidReceipt {
            path: paths.json.clone(),
            reason: e.to_string(),
        })?;
        Ok((receipt, json))
    }

    /// Returns the three files of a receipt, rendering any that is missing.
    fn files_of(
        &self,
        id: &str,
        receipt: &Receipt,
        json: Vec<u8>,
    ) -> Result<Vec<(&'static str, Vec<u8>)>, StoreError> {
        let paths = self.paths(id)?;
        let html = match fs::read(&paths.html) {
            Ok(bytes) => bytes,
            Err(_) => html::render(receipt).map_err(|e| StoreError::InvalidReceipt {
                path: paths.html.clone(),
                reason: format!("the HTML rendering failed: {e}"),
            })?,
        };
        let pdf = match fs::read(&paths.pdf) {
            Ok(bytes) => bytes,
            Err(_) => render_pdf(receipt).map_err(|e| StoreError::InvalidReceipt {
                path: paths.pdf.clone(),
                reason: format!("the PDF rendering failed: {e}"),
            })?,
        };
        Ok(vec![(JSON_FILE, json), (HTML_FILE, html), (PDF_FILE, pdf)])
    }
}
