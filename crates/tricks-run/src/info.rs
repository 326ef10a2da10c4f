//! `run.json`: how a run was started, enough to load the same data again and to reproduce it.

use serde::{Deserialize, Serialize};
use tricks_data::{DataDescription, DataSource};

/// Burn's version, recorded in every run directory (keep in step with the workspace Cargo.toml).
pub const BURN_VERSION: &str = "0.21";

/// How the run was started (`run.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// Backend name (`ndarray`, `wgpu`, `cuda`).
    pub backend: String,
    /// Training seed.
    pub seed: u64,
    /// The data used, described.
    pub data: DataDescription,
    /// Input dimension after preprocessing.
    pub input_dim: usize,
    /// tricks version.
    pub tricks_version: String,
    /// Burn version.
    pub burn_version: String,
    /// The data source with every option (a CSV's label column and header), so that `tricks eval` and
    /// `tricks train --resume` load exactly the data the run was trained on.
    pub source: DataSource,
    /// The command line, when run from the binary.
    pub command: String,
    /// The run left the test split untouched (a search trial): no test score, pictures of the validation split.
    #[serde(default)]
    pub without_test: bool,
    /// Smallest and largest feature value of the training split before preprocessing: `tricks predict`
    /// refuses new data far outside it. Absent in runs from before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_range: Option<[f32; 2]>,
}
