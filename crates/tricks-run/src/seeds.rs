//! `seeds.json`: one recipe trained with several seeds, and the spread of its score. The chapter (p.15)
//! asks for a result to be reported as a mean and a standard deviation over several random
//! initialisations, since one seed's luck can be larger than the difference between two recipes.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One seed's run of a `tricks train --seeds N` folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedRun {
    /// The recipe's seed for this run.
    pub seed: u64,
    /// Its run directory (`seed-S` inside the folder of seeds).
    pub run_dir: PathBuf,
    /// Its test score ([`crate::TestScore::value`]): accuracy in percent for classifiers, else the
    /// reconstruction error.
    pub test: f64,
    /// Its validation score ([`crate::Report::selection_score`]), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<f64>,
}

/// The summary of several seeds of one recipe (`seeds.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedsReport {
    /// The runs, in the order of their seeds.
    pub runs: Vec<SeedRun>,
    /// Mean test score of the runs.
    pub test_mean: f64,
    /// Sample standard deviation (divisor n − 1) of the test scores; 0 for a single run.
    pub test_std: f64,
    /// Mean validation score, when every run has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_mean: Option<f64>,
}

impl SeedsReport {
    /// The summary of `runs`. No runs give a mean and a deviation of 0 and no validation mean (a folder of
    /// seeds always holds one run or more).
    pub fn new(runs: Vec<SeedRun>) -> Self {
        let tests: Vec<f64> = runs.iter().map(|r| r.test).collect();
        let (test_mean, test_std) = mean_and_std(&tests);
        let valids: Option<Vec<f64>> = runs.iter().map(|r| r.valid).collect();
        let valid_mean = valids.filter(|v| !v.is_empty()).map(|v| mean_and_std(&v).0);
        SeedsReport { runs, test_mean, test_std, valid_mean }
    }
}

/// Mean and sample standard deviation (n − 1) of `values`; the deviation is 0 below two values.
fn mean_and_std(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let squares: f64 = values.iter().map(|v| (v - mean).powi(2)).sum();
    (mean, (squares / (n - 1.0)).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seed: u64, test: f64, valid: Option<f64>) -> SeedRun {
        SeedRun { seed, run_dir: PathBuf::from(format!("out/seed-{seed}")), test, valid }
    }

    #[test]
    fn mean_and_sample_deviation_of_the_seeds() {
        let report = SeedsReport::new(vec![run(1, 96.0, Some(3.0)), run(2, 97.0, Some(2.0)), run(3, 98.0, Some(4.0))]);
        assert!((report.test_mean - 97.0).abs() < 1e-12);
        // Deviations −1, 0, 1: sum of squares 2 over n − 1 = 2.
        assert!((report.test_std - 1.0).abs() < 1e-12, "{}", report.test_std);
        assert!((report.valid_mean.unwrap() - 3.0).abs() < 1e-12);
        assert_eq!(report.runs.len(), 3);
    }

    #[test]
    fn one_run_has_no_spread_and_a_missing_validation_score_no_validation_mean() {
        let one = SeedsReport::new(vec![run(7, 95.5, None)]);
        assert_eq!((one.test_mean, one.test_std, one.valid_mean), (95.5, 0.0, None));
        let partial = SeedsReport::new(vec![run(1, 1.0, Some(2.0)), run(2, 3.0, None)]);
        assert_eq!(partial.valid_mean, None);
        let none = SeedsReport::new(Vec::new());
        assert_eq!((none.test_mean, none.test_std, none.valid_mean), (0.0, 0.0, None));
    }

    #[test]
    fn it_reads_back_what_it_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::files::SEEDS);
        let report = SeedsReport::new(vec![run(1, 96.25, Some(3.5)), run(2, 97.75, Some(2.5))]);
        crate::write_json(&path, &report).unwrap();
        assert_eq!(crate::read_json::<SeedsReport>(&path).unwrap(), report);
    }
}
