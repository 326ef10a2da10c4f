//! Input preprocessing choices (chapter p.15-16). Fitted on the training split only, stored with the model.

use serde::{Deserialize, Serialize};

/// How inputs are transformed before training (chapter p.15-16).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Preprocessing {
    /// Inputs used as loaded.
    None,
    /// Subtract the training mean and divide by the training standard deviation, per feature (p.15).
    Standardise,
    /// Project onto the leading principal components that keep `variance_kept` of the training variance,
    /// after centring; the fraction kept is a hyper-parameter (p.15).
    Pca {
        /// Fraction of the total variance kept, in (0, 1].
        variance_kept: f64,
    },
    /// Map each feature through its empirical cumulative distribution on the training split, to [0, 1] (p.16).
    Uniformise,
}
