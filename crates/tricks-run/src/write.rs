//! Writing run files so that a reader, or a run resumed after a crash, sees the old file or the whole
//! new one: a temporary file in the same folder, synced, renamed over the target, the folder synced.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::RunFileError;
use crate::fault::{self, WriteFault};

/// The hidden temporary used while writing `path` (removed when a run resumes).
pub(crate) fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Write `bytes` to `path` atomically and durably (temporary file, fsync, rename, fsync of the folder);
/// the temporary never stays behind after an error.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), RunFileError> {
    let name = path.file_name().ok_or_else(|| RunFileError::new(path, "the path names no file"))?.to_string_lossy().into_owned();
    let tmp = temp_path(path);
    let fault = fault::on_write(&name);
    let written = File::create(&tmp).and_then(|mut f| {
        if matches!(fault, WriteFault::Fail) {
            return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device (injected by TRICKS_FAULT)"));
        }
        f.write_all(bytes)?;
        f.sync_all()
    });
    if written.is_ok() && matches!(fault, WriteFault::KillBeforeRename) {
        fault::kill_now();
    }
    let renamed = written.and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = renamed {
        let _ = fs::remove_file(&tmp); // it may not exist (create failed)
        return Err(RunFileError::new(path, format!("could not write: {e}")));
    }
    // Make the rename itself durable; some file systems cannot sync a folder, which is no error.
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let _ = File::open(parent).and_then(|d| d.sync_all());
    }
    Ok(())
}

/// Write `value` to `path` as pretty JSON, atomically.
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<(), RunFileError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| RunFileError::new(path, e))?;
    write_atomic(path, (text + "\n").as_bytes())
}

/// Read the JSON file `path` as a `T`; a missing or malformed file is an error naming it.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, RunFileError> {
    let text = fs::read_to_string(path).map_err(|e| RunFileError::new(path, e))?;
    serde_json::from_str(&text).map_err(|e| RunFileError::new(path, format!("invalid: {e}")))
}

/// Append `text` to `path` (created if absent): files that grow while training, such as `curves.csv`.
pub fn append_text(path: &Path, text: &str) -> Result<(), RunFileError> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| RunFileError::new(path, format!("could not append: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_and_leave_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        write_atomic(&path, b"one").unwrap();
        write_json(&path, &vec![1, 2]).unwrap();
        assert_eq!(read_json::<Vec<i32>>(&path).unwrap(), vec![1, 2]);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let err = write_atomic(&dir.path().join("absent").join("x.json"), b"x").unwrap_err().to_string();
        assert!(err.contains("x.json"), "{err}");
        let err = read_json::<Vec<i32>>(&dir.path().join("missing.json")).unwrap_err().to_string();
        assert!(err.contains("missing.json"), "{err}");
    }
}
