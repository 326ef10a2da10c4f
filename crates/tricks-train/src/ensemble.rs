//! Ensembles (chapter p.15): the outputs of several trained classifiers averaged on their common test
//! split, each model applying its own preprocessing. The members differ by their seed, or by the bootstrap
//! sample of the training split each was trained on (bagging, [`tricks_core::Recipe::bootstrap`]).

use std::path::{Path, PathBuf};

use burn::tensor::backend::Backend;
use serde::{Deserialize, Serialize};

use crate::predict::{argmax, predict};
use crate::run::read_json;
use crate::saved::finished_run;
use crate::{RunInfo, TrainError, files};

/// One member of an ensemble and its own test accuracy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// The member's run directory.
    pub run_dir: PathBuf,
    /// Its test accuracy alone, in percent.
    pub test_accuracy: f64,
}

/// An ensemble's test accuracy beside its members'.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleReport {
    /// The members, in the order given.
    pub members: Vec<Member>,
    /// Mean of the members' test accuracies, in percent.
    pub member_mean: f64,
    /// Test accuracy of the averaged outputs, in percent.
    pub test_accuracy: f64,
    /// Test examples scored.
    pub test_examples: usize,
}

/// Average the outputs (class probabilities for softmax classifiers) of the finished classifier runs
/// `runs` on their test split and score the average. Every run must have been trained on the same data,
/// which is loaded as the first run recorded it.
pub fn ensemble<B: Backend>(runs: &[PathBuf], device: &B::Device) -> Result<EnsembleReport, TrainError> {
    let first = runs.first().ok_or_else(|| TrainError::io(Path::new("."), "an ensemble needs at least one run"))?;
    let data = read_json::<RunInfo>(first, files::RUN)?;
    let test = tricks_data::load(&data.source)?.test;
    let mut sum = vec![0f32; test.len() * data.data.classes];
    let mut members = Vec::with_capacity(runs.len());
    for run in runs {
        let info = finished_run(run)?;
        if info.data != data.data {
            return Err(TrainError::io(
                run,
                format!("trained on {} and {} on {}: the members of an ensemble share their data", info.data.source, first.display(), data.data.source),
            ));
        }
        let member = predict::<B>(run, &test, None, device)?;
        if member.predicted.is_none() {
            return Err(TrainError::io(run, "the run trains no classifier (an MLP or a stack): an ensemble averages class probabilities"));
        }
        sum.iter_mut().zip(&member.values).for_each(|(s, o)| *s += o);
        members.push(Member { run_dir: run.clone(), test_accuracy: accuracy(&member.values, &test.labels) });
    }
    let member_mean = members.iter().map(|m| m.test_accuracy).sum::<f64>() / members.len() as f64;
    Ok(EnsembleReport { test_accuracy: accuracy(&sum, &test.labels), member_mean, members, test_examples: test.len() })
}

/// Percentage of rows of `outputs` (one row of class scores per label) whose largest score is at the label;
/// a tie goes to the first class.
fn accuracy(outputs: &[f32], labels: &[u32]) -> f64 {
    if labels.is_empty() {
        return f64::NAN;
    }
    let classes = outputs.len() / labels.len();
    let right = outputs.chunks(classes).zip(labels).filter(|(row, label)| argmax(row) == **label).count();
    100.0 * right as f64 / labels.len() as f64
}

#[cfg(test)]
mod tests {
    use super::accuracy;

    #[test]
    fn accuracy_takes_the_largest_output_of_each_row() {
        let outputs = [0.1, 0.7, 0.2, 0.5, 0.5, 0.0, 0.0, 0.1, 0.9];
        assert_eq!(accuracy(&outputs, &[1, 0, 1]), 100.0 * 2.0 / 3.0, "row 2 ties and goes to class 0");
    }
}
