//! Errors of training and of run directories.

use std::path::PathBuf;

use tricks_core::RecipeError;
use tricks_data::DataError;

/// Why a run could not finish.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// The recipe is impossible.
    #[error(transparent)]
    Recipe(#[from] RecipeError),
    /// The data could not be loaded or preprocessed.
    #[error(transparent)]
    Data(#[from] DataError),
    /// No training examples.
    #[error("the training split is empty: give at least one training example")]
    EmptyTrainingSet,
    /// The loss diverged on every attempt (p.5).
    #[error(
        "training diverged {tries} times; the last attempt used ε0 = {last_learning_rate:.3e}. \
         Check the data for extreme values, or lower optimiser.learning_rate further"
    )]
    Diverged {
        /// Attempts made.
        tries: u32,
        /// ε0 of the last attempt.
        last_learning_rate: f64,
    },
    /// f64 was asked for on a device that this process already uses in f32.
    #[error(
        "the gradient check needs f64, but this process already computed in f32 on the CPU and Burn 0.21 keeps one \
         float type per device; run the check in a process of its own (as `tricks gradcheck` does)"
    )]
    Precision,
    /// An RBM monitor could not be computed.
    #[error(transparent)]
    Monitor(#[from] tricks_models::MonitorError),
    /// A classifier-only operation was asked of an unsupervised recipe.
    #[error("{what} needs a classifier (an MLP or a stack); recipe `{recipe}` trains a single {kind} without labels")]
    NotAClassifier {
        /// The operation.
        what: String,
        /// The recipe's name.
        recipe: String,
        /// The model kind.
        kind: String,
    },
    /// A run file could not be read or written.
    #[error(transparent)]
    Run(#[from] tricks_run::RunFileError),
    /// A write failed after the run had checkpointed: the run directory is kept, unfinished, to resume.
    #[error("{source}\nThe run is kept unfinished in {dir}; once the cause is fixed, continue it with `tricks train --resume {dir}`", dir = run_dir.display())]
    Unfinished {
        /// What failed.
        source: Box<TrainError>,
        /// The run directory.
        run_dir: PathBuf,
    },
    /// Reading or writing a run directory failed.
    #[error("{path}: {message}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// The network `recipe` trains with labels, or an error saying that `what` needs one.
pub fn classifier_of(recipe: &tricks_core::Recipe, what: &str) -> Result<tricks_core::MlpSpec, TrainError> {
    recipe.model.classifier().ok_or_else(|| TrainError::NotAClassifier {
        what: what.into(),
        recipe: recipe.name.clone(),
        kind: tricks_core::kind(&recipe.model).into(),
    })
}

impl TrainError {
    pub(crate) fn io(path: impl Into<PathBuf>, e: impl std::fmt::Display) -> Self {
        TrainError::Io { path: path.into(), message: e.to_string() }
    }
}
