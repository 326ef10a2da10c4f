//! The one error type of the crate; every variant but `Embedding` names the picture it concerns.

use std::path::PathBuf;

/// Why a picture could not be written (every such variant names the target path), or why
/// features could not be embedded.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// Creating, writing or renaming the file failed.
    #[error("cannot write plot {}: {message}", .path.display())]
    Io {
        /// The picture that was being written.
        path: PathBuf,
        /// The underlying failure.
        message: String,
    },
    /// Drawing or PNG encoding failed.
    #[error("cannot draw plot {}: {message}", .path.display())]
    Draw {
        /// The picture that was being drawn.
        path: PathBuf,
        /// What the drawing library reported.
        message: String,
    },
    /// The arguments cannot make a picture (e.g. an image of the wrong length).
    #[error("invalid input for plot {}: {message}", .path.display())]
    Input {
        /// The picture that was asked for.
        path: PathBuf,
        /// What is wrong with the arguments.
        message: String,
    },
    /// The features given to [`crate::tsne_2d`] cannot be embedded (shape, too few points,
    /// non-finite values, perplexity); no picture is involved yet.
    #[error("cannot embed the features: {message}")]
    Embedding {
        /// What is wrong with the arguments.
        message: String,
    },
}

impl PlotError {
    pub(crate) fn embedding(message: impl ToString) -> Self {
        Self::Embedding { message: message.to_string() }
    }

    pub(crate) fn draw(path: &std::path::Path, message: impl ToString) -> Self {
        Self::Draw { path: path.to_path_buf(), message: message.to_string() }
    }

    pub(crate) fn input(path: &std::path::Path, message: impl ToString) -> Self {
        Self::Input { path: path.to_path_buf(), message: message.to_string() }
    }
}
