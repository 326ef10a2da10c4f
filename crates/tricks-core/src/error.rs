//! Errors in recipes, found before any training starts.

/// A recipe value outside what the chapter (or the model) allows, or a recipe that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum RecipeError {
    /// A field holds a value outside its allowed range.
    #[error("recipe field `{field}` = {value} is out of range: allowed {allowed}")]
    OutOfRange {
        /// Dotted path of the field, as `--set` takes it.
        field: String,
        /// The offending value.
        value: String,
        /// The allowed range, in words.
        allowed: String,
    },
    /// `--set` named a field the recipe does not have.
    #[error("recipe has no field `{field}`{hint}")]
    UnknownField {
        /// The dotted path given.
        field: String,
        /// Fields that exist at that level.
        hint: String,
    },
    /// `--set` was not of the form key=value.
    #[error("`--set {0}` is not of the form key=value")]
    BadOverride(String),
    /// The recipe (from a file or after overrides) does not deserialise.
    #[error("recipe {source_name} is not valid: {message}")]
    Invalid {
        /// The file, preset or override being read.
        source_name: String,
        /// What serde said.
        message: String,
    },
    /// No preset with that name and no such file.
    #[error("no preset named `{name}` and no such file; presets: {presets}")]
    UnknownRecipe {
        /// The name given.
        name: String,
        /// The preset names.
        presets: String,
    },
}

impl RecipeError {
    pub(crate) fn range(field: &str, value: impl std::fmt::Display, allowed: &str) -> Self {
        RecipeError::OutOfRange { field: field.into(), value: value.to_string(), allowed: allowed.into() }
    }
}
