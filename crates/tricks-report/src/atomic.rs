//! Atomic file writing: a temporary file in the target's directory, then a rename over the target.

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use crate::ReportError;

/// Writes `bytes` to `path` through a hidden temporary file in the same directory and a rename,
/// so that a reader sees the old file or the whole new one; the temporary never stays behind.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let name = path
        .file_name()
        .ok_or_else(|| ReportError::invalid(path, "the path names no file"))?;
    let tmp = path.with_file_name(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| fs::rename(&tmp, path));
    written.map_err(|e| {
        // The temporary may not exist (create failed); nothing to do then.
        let _ = fs::remove_file(&tmp);
        ReportError::io(path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.html");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("absent").join("report.html");
        let err = write_atomic(&path, b"x").unwrap_err().to_string();
        assert!(err.contains("report.html"), "{err}");
    }
}
