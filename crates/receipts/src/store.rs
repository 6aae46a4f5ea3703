//! The receipt library on disk.
//!
//! Layout under the root (the engine uses `<XDG data dir>/matter-signer/receipts`):
//! one folder per receipt, `<root>/<receipt_id>/receipt.json`, `receipt.html`
//! and `receipt.pdf`, plus `<root>/index.json`. Folders are 0700 and files
//! 0600 on Unix. Every write is atomic (temp file, fsync, rename, directory
//! fsync). Writers hold an exclusive lock on `<root>/.lock`, so the CLI and the
//! desktop app can share one library.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::fsutil::{create_private_dir, write_atomic};
use crate::index::{FileStamp, IndexEntry, IndexFile, Listing, ReceiptFilter, UnreadableFolder};
use crate::keys::TrustedKeys;
use crate::model::Receipt;
use crate::read::{verify_path, ReceiptFile};
use crate::verify::VerificationReport;
use crate::{html, pdf};

pub const JSON_FILE: &str = "receipt.json";
pub const HTML_FILE: &str = "receipt.html";
pub const PDF_FILE: &str = "receipt.pdf";
pub const INDEX_FILE: &str = "index.json";
const LOCK_FILE: &str = ".lock";
const MAX_ID_LEN: usize = 124;

/// The receipt library rooted at one directory.
#[derive(Debug, Clone)]
pub struct ReceiptStore {
    root: PathBuf,
}

/// The outcome of writing one rendering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Rendering {
    Written { path: PathBuf },
    Failed { path: PathBuf, reason: String },
}

impl Rendering {
    pub fn is_written(&self) -> bool {
        matches!(self, Rendering::Written { .. })
    }
}

/// Result of [`ReceiptStore::save`]. The JSON is always written when this is
/// returned. A rendering or index failure is reported here and does not undo it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedReceipt {
    pub receipt_id: String,
    pub dir: PathBuf,
    pub json_path: PathBuf,
    pub html: Rendering,
    pub pdf: Rendering,
    /// Reason the index could not be updated. The next listing repairs it.
    pub index_error: Option<String>,
}

/// Paths of one receipt's files, whether or not they exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPaths {
    pub dir: PathBuf,
    pub json: PathBuf,
    pub html: PathBuf,
    pub pdf: PathBuf,
}

/// The result of importing a receipt file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    pub saved: SavedReceipt,
    /// Both verdicts for the imported file; integrity passed, trust may not have.
    pub report: VerificationReport,
}

/// Returns whether `id` is a well-formed receipt id: `sgn_` then 1 to 120
/// ASCII letters, digits, `_` or `-`. Ids become folder names, so nothing else
/// is accepted.
pub fn is_valid_receipt_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("sgn_") else {
        return false;
    };
    !rest.is_empty()
        && id.len() <= MAX_ID_LEN
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn check_id(id: &str) -> Result<(), StoreError> {
    if is_valid_receipt_id(id) {
        Ok(())
    } else {
        Err(StoreError::InvalidId { id: id.to_owned() })
    }
}

impl ReceiptStore {
    /// Opens the library at `root`, creating it (mode 0700) if needed.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let root = root.into();
        create_private_dir(&root)
            .map_err(|e| StoreError::io("create the directory", root.clone(), e))?;
        Ok(ReceiptStore { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Returns the paths of receipt `id`'s files.
    pub fn paths(&self, id: &str) -> Result<ReceiptPaths, StoreError> {
        check_id(id)?;
        let dir = self.root.join(id);
        Ok(ReceiptPaths {
            json: dir.join(JSON_FILE),
            html: dir.join(HTML_FILE),
            pdf: dir.join(PDF_FILE),
            dir,
        })
    }

    /// Saves a receipt: the JSON first, then the HTML and PDF renderings, then
    /// the index entry.
    ///
    /// Saving the same receipt again is allowed (the engine retries after a
    /// failure) and rewrites the renderings. A different receipt under an id
    /// already stored is [`StoreError::Conflict`], and the stored one is kept.
    pub fn save(&self, receipt: &Receipt) -> Result<SavedReceipt, StoreError> {
        self.save_bytes(receipt, &receipt.to_json_pretty())
    }

    /// Writes only `receipt.json`, atomically and fsynced: once this returns `Ok`
    /// the receipt survives a crash or power loss, and it verifies on its own.
    /// [`ReceiptStore::complete`] then adds the HTML and PDF renderings and the
    /// index entry; `save` is the two in one call.
    ///
    /// The signing flow uses the split to tell the human the receipt is safe as
    /// soon as the JSON is on disk, rather than after rendering the PDF.
    pub fn save_json(&self, receipt: &Receipt) -> Result<ReceiptPaths, StoreError> {
        let paths = self.paths(&receipt.receipt_id)?;
        let _lock = self.lock()?;
        self.write_json(receipt, &receipt.to_json_pretty(), &paths)?;
        Ok(paths)
    }

    /// Writes the HTML and PDF renderings and the index entry of a receipt whose
    /// JSON [`ReceiptStore::save_json`] already wrote. Fails with
    /// [`StoreError::NotFound`] when `receipt.json` is missing and with
    /// [`StoreError::Conflict`] when it contains a different receipt. An unreadable
    /// `receipt.json` is moved aside and written again from `receipt`.
    pub fn complete(&self, receipt: &Receipt) -> Result<SavedReceipt, StoreError> {
        let paths = self.paths(&receipt.receipt_id)?;
        let _lock = self.lock()?;
        if !paths.json.is_file() {
            return Err(StoreError::NotFound {
                id: receipt.receipt_id.clone(),
                root: self.root.clone(),
            });
        }
        self.check_existing(receipt, &paths.json)?;
        if !paths.json.is_file() {
            // `check_existing` moved an unreadable file aside. The receipt in hand is
            // the one `save_json` wrote, so it is written again rather than leaving
            // renderings without their JSON.
            write_atomic(&paths.json, &receipt.to_json_pretty())
                .map_err(|e| StoreError::io("write", paths.json.clone(), e))?;
            tracing::warn!(receipt_id = %receipt.receipt_id, path = %paths.json.display(), "receipt JSON was unreadable and was written again");
        }
        Ok(self.write_renderings_and_index(receipt, paths))
    }

    /// Creates the receipt's folder and writes `json` atomically as its
    /// `receipt.json`, refusing to replace a different receipt.
    fn write_json(
        &self,
        receipt: &Receipt,
        json: &[u8],
        paths: &ReceiptPaths,
    ) -> Result<(), StoreError> {
        reject_symlink(&paths.dir)?;
        create_private_dir(&paths.dir)
            .map_err(|e| StoreError::io("create the directory", paths.dir.clone(), e))?;
        self.check_existing(receipt, &paths.json)?;
        write_atomic(&paths.json, json)
            .map_err(|e| StoreError::io("write", paths.json.clone(), e))?;
        tracing::info!(receipt_id = %receipt.receipt_id, path = %paths.json.display(), "receipt JSON written");
        Ok(())
    }

    /// Saves `receipt` with `json` as the exact content of `receipt.json`.
    fn save_bytes(&self, receipt: &Receipt, json: &[u8]) -> Result<SavedReceipt, StoreError> {
        let paths = self.paths(&receipt.receipt_id)?;
        let _lock = self.lock()?;
        self.write_json(receipt, json, &paths)?;
        Ok(self.write_renderings_and_index(receipt, paths))
    }

    /// Renders and writes the HTML and PDF, then updates the index. Failures are
    /// reported in the result; the JSON receipt stays valid either way. The
    /// caller holds the lock.
    fn write_renderings_and_index(&self, receipt: &Receipt, paths: ReceiptPaths) -> SavedReceipt {
        let html = write_rendering(
            &paths.html,
            html::render(receipt).map_err(|e| e.to_string()),
        );
        let pdf = write_rendering(&paths.pdf, render_pdf(receipt));

        let index_error = self
            .upsert_index(receipt, &paths.json)
            .err()
            .map(|e| {
                tracing::warn!(receipt_id = %receipt.receipt_id, error = %e, "receipt index not updated; the next listing rebuilds it");
                e.to_string()
            });
        SavedReceipt {
            receipt_id: receipt.receipt_id.clone(),
            dir: paths.dir,
            json_path: paths.json,
            html,
            pdf,
            index_error,
        }
    }

    /// Rejects overwriting a stored receipt with a different one. An
    /// unparseable file in the way is moved aside rather than lost.
    fn check_existing(&self, receipt: &Receipt, json_path: &Path) -> Result<(), StoreError> {
        let bytes = match fs::read(json_path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StoreError::io("read", json_path, e)),
        };
        match Receipt::from_json_bytes(&bytes) {
            Ok(existing) if existing == *receipt => Ok(()),
            Ok(_) => Err(StoreError::Conflict {
                id: receipt.receipt_id.clone(),
                path: json_path.to_path_buf(),
            }),
            Err(error) => {
                let aside = unused_aside_path(json_path);
                tracing::warn!(path = %json_path.display(), aside = %aside.display(), %error, "moving an unreadable receipt file aside");
                fs::rename(json_path, &aside)
                    .map_err(|e| StoreError::io("move aside", json_path, e))
            }
        }
    }

    /// Loads receipt `id` from its JSON file.
    pub fn load(&self, id: &str) -> Result<Receipt, StoreError> {
        let paths = self.paths(id)?;
        let bytes = fs::read(&paths.json).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                StoreError::NotFound {
                    id: id.to_owned(),
                    root: self.root.clone(),
                }
            } else {
                StoreError::io("read", paths.json.clone(), e)
            }
        })?;
        Receipt::from_json_bytes(&bytes).map_err(|e| StoreError::InvalidReceipt {
            path: paths.json,
            reason: e.to_string(),
        })
    }

    /// Verifies receipt `id`'s JSON, HTML and PDF files, in that order,
    /// skipping renderings that do not exist.
    pub fn verify_all_forms(
        &self,
        id: &str,
        keys: &TrustedKeys,
    ) -> Result<Vec<(PathBuf, VerificationReport)>, StoreError> {
        let paths = self.paths(id)?;
        if !paths.json.exists() {
            return Err(StoreError::NotFound {
                id: id.to_owned(),
                root: self.root.clone(),
            });
        }
        let mut reports = Vec::new();
        for path in [paths.json, paths.html, paths.pdf] {
            if path.exists() {
                let report = verify_path(&path, keys);
                reports.push((path, report));
            }
        }
        Ok(reports)
    }

    /// Imports a receipt file saved elsewhere (JSON, HTML or PDF): verifies it
    /// and files it when its integrity verdict passes.
    ///
    /// A receipt whose only failure is trust (an unknown key) is filed, and
    /// the report says so; a receipt that fails integrity is rejected with
    /// [`StoreError::VerificationFailed`].
    pub fn import(&self, path: &Path, keys: &TrustedKeys) -> Result<Imported, StoreError> {
        let file = ReceiptFile::read(path).map_err(|e| StoreError::io("read", path, e))?;
        let report = file.verify(keys);
        let Some(receipt) = report.receipt.clone() else {
            return Err(StoreError::InvalidReceipt {
                path: path.to_path_buf(),
                reason: report.integrity.reason.clone(),
            });
        };
        if !report.integrity.passed {
            return Err(StoreError::VerificationFailed {
                path: path.to_path_buf(),
                reason: report.integrity.reason.clone(),
            });
        }
        let json = file
            .receipt_json()
            .unwrap_or_else(|| receipt.to_json_pretty());
        let saved = self.save_bytes(&receipt, &json)?;
        tracing::info!(receipt_id = %receipt.receipt_id, from = %path.display(), trusted = report.trust.passed, "receipt imported");
        Ok(Imported { saved, report })
    }

    /// Lists receipts matching `filter` from the index, newest first.
    ///
    /// Only folder names are compared with the index on each call (one
    /// directory read, no per-file access), so listing stays fast. When
    /// folders were added or removed since the index was written, the folders
    /// whose `receipt.json` size or modification time changed are re-read; a
    /// missing or corrupt index is rebuilt. An edit made in place inside an
    /// existing folder is picked up by [`ReceiptStore::rescan`].
    /// Folders that cannot be read are listed in `unreadable` with the reason.
    pub fn list(&self, filter: &ReceiptFilter) -> Result<Listing, StoreError> {
        let names = self.scan_folder_names()?;
        let index_path = self.root.join(INDEX_FILE);
        let (index, mut refreshed) = match fs::read(&index_path) {
            Ok(bytes) => match IndexFile::parse(&bytes) {
                Ok(index) => match index.problem() {
                    None => (index, None),
                    Some(problem) => {
                        tracing::warn!(path = %index_path.display(), %problem, "receipt index inconsistent; rebuilding");
                        (
                            IndexFile::default(),
                            Some(format!(
                                "the index was inconsistent ({problem}) and was rebuilt from the receipt files"
                            )),
                        )
                    }
                },
                Err(reason) => {
                    tracing::warn!(path = %index_path.display(), %reason, "receipt index corrupt; rebuilding");
                    (
                        IndexFile::default(),
                        Some(format!(
                            "the index was unreadable ({reason}) and was rebuilt"
                        )),
                    )
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (
                IndexFile::default(),
                Some("the index was missing and was rebuilt".to_string()),
            ),
            Err(e) => return Err(StoreError::io("read", index_path, e)),
        };

        let index = if refreshed.is_some() || !names_match(&index, &names) {
            let _lock = self.lock()?;
            // Another process may have refreshed the index while this one waited.
            let base = match fs::read(&index_path)
                .ok()
                .and_then(|b| IndexFile::parse(&b).ok())
                .filter(|latest| latest.problem().is_none())
            {
                Some(latest) => latest,
                None => index,
            };
            let folders = self.scan_folders()?;
            let (rebuilt, changed) = self.refresh(base, &folders);
            if changed > 0 || refreshed.is_some() {
                refreshed.get_or_insert_with(|| format!("{changed} receipt folders changed since the index was written; the index was refreshed"));
                self.write_index(&rebuilt)
                    .unwrap_or_else(|e| tracing::warn!(error = %e, "receipt index not written; listing from memory"));
            }
            rebuilt
        } else {
            index
        };

        let mut entries: Vec<IndexEntry> = index
            .entries
            .into_iter()
            .filter(|e| filter.matches(e))
            .collect();
        entries.sort_by(|a, b| {
            b.server_signed_at
                .cmp(&a.server_signed_at)
                .then_with(|| a.receipt_id.cmp(&b.receipt_id))
        });
        let unreadable = index
            .unreadable
            .into_iter()
            .map(|u| (self.root.join(&u.name), u.reason))
            .collect();
        Ok(Listing {
            entries,
            unreadable,
            refreshed,
        })
    }

    /// Re-reads every receipt folder whose `receipt.json` size or
    /// modification time differs from the index, and returns how many folders
    /// changed. Use it after files were edited in place, e.g. restored from a
    /// backup.
    pub fn rescan(&self) -> Result<usize, StoreError> {
        let _lock = self.lock()?;
        let index_path = self.root.join(INDEX_FILE);
        let base = fs::read(&index_path)
            .ok()
            .and_then(|bytes| IndexFile::parse(&bytes).ok())
            .filter(|index| index.problem().is_none())
            .unwrap_or_default();
        let (rebuilt, changed) = self.refresh(base, &self.scan_folders()?);
        self.write_index(&rebuilt)?;
        tracing::info!(root = %self.root.display(), changed, "receipt index rescanned");
        Ok(changed)
    }

    /// Returns the names of the folders (and symbolic links, which
    /// [`Self::scan_folders`] reports as unreadable) under the root, skipping
    /// names that start with `.` and plain files.
    fn scan_folder_names(&self) -> Result<HashSet<String>, StoreError> {
        let entries = fs::read_dir(&self.root)
            .map_err(|e| StoreError::io("read the directory", self.root.clone(), e))?;
        let mut names = HashSet::new();
        for entry in entries {
            let entry =
                entry.map_err(|e| StoreError::io("read the directory", self.root.clone(), e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.')
                && entry
                    .file_type()
                    .is_ok_and(|t| t.is_dir() || t.is_symlink())
            {
                names.insert(name);
            }
        }
        Ok(names)
    }

    /// Returns every folder under the root with its `receipt.json` stamp, or
    /// the reason it has none. Names starting with `.` are skipped.
    fn scan_folders(&self) -> Result<HashMap<String, Result<FileStamp, String>>, StoreError> {
        let entries = fs::read_dir(&self.root)
            .map_err(|e| StoreError::io("read the directory", self.root.clone(), e))?;
        let mut folders = HashMap::new();
        for entry in entries {
            let entry =
                entry.map_err(|e| StoreError::io("read the directory", self.root.clone(), e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            match entry.file_type() {
                Ok(kind) if kind.is_symlink() => {
                    // A link could point anywhere on disk; the library reads only
                    // what is inside it, and reports the link instead of skipping it.
                    folders.insert(
                        name.clone(),
                        Err(format!(
                            "{name:?} is a symbolic link; the library reads only real folders inside {}. Move the receipt folder itself here, or import its receipt.json",
                            self.root.display()
                        )),
                    );
                    continue;
                }
                Ok(kind) if kind.is_dir() => {}
                _ => continue,
            }
            if !is_valid_receipt_id(&name) {
                folders.insert(
                    name.clone(),
                    Err(format!("the folder name {name:?} is not a receipt id")),
                );
                continue;
            }
            let stamp = match fs::metadata(entry.path().join(JSON_FILE)) {
                Ok(metadata) => Ok(FileStamp::of(&metadata)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Err(format!("the folder has no {JSON_FILE}"))
                }
                Err(e) => Err(format!("failed to read {JSON_FILE}: {e}")),
            };
            folders.insert(name, stamp);
        }
        Ok(folders)
    }

    /// Re-reads the folders whose stamp differs from `index`, keeping the
    /// rest, and returns the new index with the number of folders re-read or
    /// dropped.
    fn refresh(
        &self,
        index: IndexFile,
        folders: &HashMap<String, Result<FileStamp, String>>,
    ) -> (IndexFile, usize) {
        let mut known: HashMap<String, IndexEntry> = index
            .entries
            .into_iter()
            .map(|e| (e.receipt_id.clone(), e))
            .collect();
        let known_bad: HashMap<String, UnreadableFolder> = index
            .unreadable
            .into_iter()
            .map(|u| (u.name.clone(), u))
            .collect();
        let mut changed = known
            .keys()
            .chain(known_bad.keys())
            .filter(|name| !folders.contains_key(*name))
            .count();

        let mut entries = Vec::with_capacity(folders.len());
        let mut unreadable = Vec::new();
        for (name, stamp) in folders {
            let stamp = match stamp {
                Ok(stamp) => *stamp,
                Err(reason) => {
                    if known_bad
                        .get(name)
                        .is_none_or(|u| u.stamp.is_some() || &u.reason != reason)
                    {
                        changed += 1;
                    }
                    unreadable.push(UnreadableFolder {
                        name: name.clone(),
                        reason: reason.clone(),
                        stamp: None,
                    });
                    continue;
                }
            };
            if let Some(entry) = known.remove(name).filter(|e| e.stamp() == stamp) {
                entries.push(entry);
                continue;
            }
            if let Some(bad) = known_bad.get(name).filter(|u| u.stamp == Some(stamp)) {
                unreadable.push(bad.clone());
                continue;
            }
            changed += 1;
            match self.read_entry(name, stamp) {
                Ok(entry) => entries.push(entry),
                Err(reason) => {
                    tracing::warn!(folder = %name, %reason, "receipt folder unreadable");
                    unreadable.push(UnreadableFolder {
                        name: name.clone(),
                        reason,
                        stamp: Some(stamp),
                    });
                }
            }
        }
        unreadable.sort_by(|a, b| a.name.cmp(&b.name));
        (IndexFile::new(entries, unreadable), changed)
    }

    fn read_entry(&self, name: &str, stamp: FileStamp) -> Result<IndexEntry, String> {
        if !is_valid_receipt_id(name) {
            return Err(format!("the folder name {name:?} is not a receipt id"));
        }
        let path = self.root.join(name).join(JSON_FILE);
        let bytes = fs::read(&path).map_err(|e| format!("failed to read {JSON_FILE}: {e}"))?;
        let receipt = Receipt::from_json_bytes(&bytes).map_err(|e| e.to_string())?;
        if receipt.receipt_id != name {
            return Err(format!(
                "{JSON_FILE} holds receipt {:?}, which does not match its folder name",
                receipt.receipt_id
            ));
        }
        Ok(IndexEntry::from_receipt(&receipt, stamp))
    }

    /// Adds or replaces one receipt's index entry. The caller holds the lock.
    fn upsert_index(&self, receipt: &Receipt, json_path: &Path) -> Result<(), StoreError> {
        let index_path = self.root.join(INDEX_FILE);
        let metadata = fs::metadata(json_path)
            .map_err(|e| StoreError::io("read the metadata of", json_path, e))?;
        let entry = IndexEntry::from_receipt(receipt, FileStamp::of(&metadata));
        let mut index = match fs::read(&index_path) {
            Ok(bytes) => match IndexFile::parse(&bytes) {
                Ok(index) if index.problem().is_none() => index,
                // A corrupt or inconsistent index is rebuilt from the files.
                _ => self.refresh(IndexFile::default(), &self.scan_folders()?).0,
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.refresh(IndexFile::default(), &self.scan_folders()?).0
            }
            Err(e) => return Err(StoreError::io("read", index_path, e)),
        };
        index.entries.retain(|e| e.receipt_id != entry.receipt_id);
        index.unreadable.retain(|u| u.name != entry.receipt_id);
        index.entries.push(entry);
        self.write_index(&index)
    }

    fn write_index(&self, index: &IndexFile) -> Result<(), StoreError> {
        let path = self.root.join(INDEX_FILE);
        let bytes = serde_json::to_vec(index).expect("index serialises");
        write_atomic(&path, &bytes).map_err(|e| StoreError::io("write", path, e))
    }

    /// Takes the library's exclusive writer lock until the guard drops.
    fn lock(&self) -> Result<File, StoreError> {
        let path = self.root.join(LOCK_FILE);
        // Opening with `create` follows a symbolic link, which would create or open a
        // file wherever the link points; refuse one instead.
        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            tracing::warn!(path = %path.display(), "the receipts lock file is a symbolic link; not following it");
            return Err(StoreError::io(
                "open the lock file",
                path,
                std::io::Error::other("the lock file is a symbolic link; remove it and try again"),
            ));
        }
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options
            .open(&path)
            .map_err(|e| StoreError::io("open the lock file", path.clone(), e))?;
        file.lock().map_err(|e| StoreError::io("lock", path, e))?;
        Ok(file)
    }
}

/// Fails when the receipt folder `dir` is a symbolic link: the library lists only
/// real folders, and following the link would write, and tighten the mode of, a
/// folder outside the root.
fn reject_symlink(dir: &Path) -> Result<(), StoreError> {
    match fs::symlink_metadata(dir) {
        Ok(metadata) if metadata.file_type().is_symlink() => Err(StoreError::io(
            "write into",
            dir,
            std::io::Error::other(
                "the receipt folder is a symbolic link; replace it with a real folder or remove it",
            ),
        )),
        _ => Ok(()),
    }
}

/// Returns `receipt.json.unreadable-<unix seconds>` next to `json_path`, with a
/// `-<n>` suffix when that name is taken, so that no file moved aside replaces
/// another. The caller holds the lock.
fn unused_aside_path(json_path: &Path) -> PathBuf {
    let stem = format!(
        "receipt.json.unreadable-{}",
        time::OffsetDateTime::now_utc().unix_timestamp()
    );
    let mut aside = json_path.with_file_name(&stem);
    let mut n = 1u32;
    while fs::symlink_metadata(&aside).is_ok() {
        aside = json_path.with_file_name(format!("{stem}-{n}"));
        n += 1;
    }
    aside
}

/// Returns whether the index covers exactly the folders in `names`.
fn names_match(index: &IndexFile, names: &HashSet<String>) -> bool {
    index.entries.len() + index.unreadable.len() == names.len()
        && index.entries.iter().all(|e| names.contains(&e.receipt_id))
        && index.unreadable.iter().all(|u| names.contains(&u.name))
}

/// Renders the PDF, turning a panic in the PDF writer into a failure so that
/// the saved JSON and the caller are unaffected.
pub(crate) fn render_pdf(receipt: &Receipt) -> Result<Vec<u8>, String> {
    std::panic::catch_unwind(|| pdf::render(receipt))
        .unwrap_or_else(|_| Err(pdf::PdfError::Export("the PDF writer panicked".into())))
        .map_err(|e| e.to_string())
}

fn write_rendering(path: &Path, rendered: Result<Vec<u8>, String>) -> Rendering {
    let result = rendered.and_then(|bytes| {
        write_atomic(path, &bytes).map_err(|e| format!("failed to write {}: {e}", path.display()))
    });
    match result {
        Ok(()) => Rendering::Written {
            path: path.to_path_buf(),
        },
        Err(reason) => {
            tracing::warn!(path = %path.display(), %reason, "receipt rendering failed; the JSON receipt is kept");
            Rendering::Failed {
                path: path.to_path_buf(),
                reason,
            }
        }
    }
}
