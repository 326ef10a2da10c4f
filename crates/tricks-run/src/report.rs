//! `report.json`: a run's final numbers. Units are in the names: `*_accuracy` and `*_error` are
//! percentages of examples (classification); `*_reconstruction_error` is a mean per-example
//! reconstruction error; log-likelihoods are mean nats per example.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Final numbers of a run (`report.json`). Classifiers (MLPs and fine-tuned stacks) have accuracies and
/// errors in percent; single unsupervised layers have reconstruction errors and, for RBMs, likelihoods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Test accuracy in percent (classifiers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_accuracy: Option<f64>,
    /// Validation classification error of the kept model, in percent (classifiers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_error: Option<f64>,
    /// Training classification error of the kept model, in percent (classifiers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_error: Option<f64>,
    /// Mean reconstruction error of the kept model on the validation split (unsupervised layers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_reconstruction_error: Option<f64>,
    /// Mean reconstruction error on the test split (unsupervised layers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_reconstruction_error: Option<f64>,
    /// RBM monitors on the test split (binary visible units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likelihood: Option<LikelihoodReport>,
    /// Stacks: what pre-training did at each level, with the linear-probe score of its representation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<LevelReport>,
    /// Epochs begun (of fine-tuning, for a stack).
    pub epochs: usize,
    /// Training examples processed.
    pub examples_seen: u64,
    /// Parameter updates.
    pub updates: u64,
    /// Wall-clock seconds of training (pre-training included; the time before a kill included).
    pub seconds: f64,
    /// ε0 that trained (smaller than the recipe's after restarts).
    pub learning_rate: f64,
    /// Restarts after divergence (p.5).
    pub restarts: u32,
    /// The run directory.
    pub run_dir: PathBuf,
}

/// Likelihood monitors of an RBM on held-out data (HG; Salakhutdinov & Murray 2008).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LikelihoodReport {
    /// AIS estimate of log Z.
    pub log_partition: f64,
    /// Mean log-likelihood of the test examples under the AIS estimate of log Z, in nats.
    pub test_log_likelihood: f64,
    /// Mean stochastic pseudo-log-likelihood of the test examples, in nats.
    pub test_pseudo_likelihood: f64,
}

/// One level of a pre-trained stack (`report.json`'s `levels`, and `level1.json`, … while training).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelReport {
    /// Level, 1 = nearest the input.
    pub level: usize,
    /// `rbm` or `auto-encoder`.
    pub kind: String,
    /// Hidden units.
    pub units: usize,
    /// Pre-training epochs (more than the level's `epochs` where it sets `min_updates`).
    pub epochs: usize,
    /// Mean reconstruction error on the validation split after pre-training.
    pub valid_reconstruction_error: f64,
    /// Validation classification error (percent) of a logistic regression trained on this level's
    /// representation: the score of the chapter's Algorithm 1 (p.19).
    pub probe_valid_error: f64,
    /// Wall-clock seconds of pre-training this level and probing it.
    pub seconds: f64,
}

/// The score of a model on the test split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TestScore {
    /// Classification accuracy in percent.
    Accuracy(f64),
    /// Mean reconstruction error of an unsupervised layer.
    ReconstructionError(f64),
}

impl TestScore {
    /// The number itself: the accuracy in percent, or the reconstruction error.
    pub fn value(&self) -> f64 {
        match *self {
            TestScore::Accuracy(a) => a,
            TestScore::ReconstructionError(r) => r,
        }
    }
}

impl std::fmt::Display for TestScore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TestScore::Accuracy(a) => write!(f, "test accuracy {a:.2} %"),
            TestScore::ReconstructionError(r) => write!(f, "test reconstruction error {r:.4}"),
        }
    }
}

impl Report {
    /// The test score: accuracy for classifiers, reconstruction error otherwise.
    pub fn test_score(&self) -> Option<TestScore> {
        self.test_accuracy.map(TestScore::Accuracy).or(self.test_reconstruction_error.map(TestScore::ReconstructionError))
    }

    /// The number a hyper-parameter search minimises (chapter p.15-16: choose on the validation set, never
    /// the test set): the validation classification error in percent for classifiers, else the validation
    /// reconstruction error of an unsupervised layer; `None` when the run has neither.
    pub fn selection_score(&self) -> Option<f64> {
        self.valid_error.or(self.valid_reconstruction_error)
    }

    /// The validation score of the kept model in words, e.g. "valid error 2.51 %".
    pub fn valid_score(&self) -> String {
        match (self.valid_error, self.valid_reconstruction_error) {
            (Some(e), _) => format!("valid error {e:.2} %"),
            (None, Some(r)) => format!("valid reconstruction error {r:.4}"),
            (None, None) => "no validation score".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(valid_error: Option<f64>, valid_reconstruction_error: Option<f64>) -> Report {
        Report {
            test_accuracy: None,
            valid_error,
            train_error: None,
            valid_reconstruction_error,
            test_reconstruction_error: None,
            likelihood: None,
            levels: Vec::new(),
            epochs: 1,
            examples_seen: 1,
            updates: 1,
            seconds: 0.0,
            learning_rate: 0.1,
            restarts: 0,
            run_dir: PathBuf::from("run"),
        }
    }

    #[test]
    fn the_selection_score_is_the_validation_error_else_the_validation_reconstruction_error() {
        assert_eq!(report(Some(2.5), Some(7.0)).selection_score(), Some(2.5));
        assert_eq!(report(None, Some(7.0)).selection_score(), Some(7.0));
        assert_eq!(report(None, None).selection_score(), None);
    }

    #[test]
    fn a_test_score_gives_its_number() {
        assert_eq!(TestScore::Accuracy(97.5).value(), 97.5);
        assert_eq!(TestScore::ReconstructionError(12.25).value(), 12.25);
    }
}
