//! The one error of run files: which file, and what went wrong with it.

use std::path::PathBuf;

/// A run file could not be read, parsed or written.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}: {message}")]
pub struct RunFileError {
    /// The file or directory.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

impl RunFileError {
    /// An error about `path`.
    pub fn new(path: impl Into<PathBuf>, message: impl std::fmt::Display) -> Self {
        RunFileError { path: path.into(), message: message.to_string() }
    }
}
