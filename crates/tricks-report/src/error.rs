//! The one error type: every variant names the file it is about.

use std::path::PathBuf;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file could not be read or written.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error (in the message only, so that a printed chain says it once).
        error: std::io::Error,
    },
    /// A file exists but its content is not what it should be (corrupt JSON, ragged CSV, not a PNG).
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        message: String,
    },
    /// The folder holds none of a run's files: writing a report there would only add clutter.
    #[error("{}: not a run directory (none of {names} in it)", path.display())]
    NotARun {
        /// The folder.
        path: PathBuf,
        /// The files looked for.
        names: String,
    },
}

impl ReportError {
    /// An I/O error about `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), error: source }
    }

    /// A content error about `path`.
    pub(crate) fn invalid(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::Invalid { path: path.into(), message: message.into() }
    }
}
