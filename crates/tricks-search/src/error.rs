//! What can go wrong in a search, each with what the user needs to fix it.

use tricks_core::RecipeError;

/// An error of the search engine.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The search space is malformed or does not fit the recipe.
    #[error("search space: {0}")]
    Space(String),
    /// A trial's recipe was refused (out of range, unknown field, wrong type).
    #[error(transparent)]
    Recipe(#[from] RecipeError),
    /// The study storage failed or holds something unreadable.
    #[error("study storage: {0}")]
    Store(String),
    /// The study exists with other settings than those given.
    #[error("{0}")]
    Mismatch(String),
    /// Reading a file.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: String,
        /// What the system said (in the message only, so that a printed chain says it once).
        error: std::io::Error,
    },
}

impl From<rusqlite::Error> for SearchError {
    fn from(e: rusqlite::Error) -> Self {
        SearchError::Store(e.to_string())
    }
}

impl From<serde_json::Error> for SearchError {
    fn from(e: serde_json::Error) -> Self {
        SearchError::Store(format!("unreadable stored JSON: {e}"))
    }
}

/// A space error with `message`.
pub(crate) fn space_error(message: impl Into<String>) -> SearchError {
    SearchError::Space(message.into())
}
