//! Learning curves of several runs overlaid in one picture (p.22: loss and error against examples seen).

use std::path::{Path, PathBuf};

use tricks_run::{CurvePoint, files};

use crate::TrainError;

/// Read the learning curve of a run directory from its `curves.csv`.
pub fn read_curve(run_dir: &Path) -> Result<Vec<CurvePoint>, TrainError> {
    Ok(tricks_run::read_curves(&run_dir.join(files::CURVES_CSV))?.1)
}

/// Draw the learning curves of `runs` into one image at `out`, each run labelled by its directory name.
pub fn plot_runs(runs: &[PathBuf], out: &Path) -> Result<(), TrainError> {
    let mut losses = Vec::new();
    let mut errors = Vec::new();
    for run in runs {
        let curve = read_curve(run)?;
        let label = run.file_name().map_or_else(|| run.display().to_string(), |n| n.to_string_lossy().into_owned());
        let series =
            |f: fn(&CurvePoint) -> f64| tricks_plot::Series { label: label.clone(), points: curve.iter().map(|p| (p.examples_seen as f64, f(p))).collect() };
        losses.push(series(|p| p.train_loss));
        errors.push(series(|p| p.valid_error));
    }
    tricks_plot::learning_curves(out, "learning curves", &losses, &errors).map_err(|e| TrainError::io(out, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tricks_run::{ValidationMeasure, curves_csv};

    #[test]
    fn curves_csv_round_trips_and_several_runs_plot_into_one_image() {
        let dir = tempfile::tempdir().unwrap();
        let point = |e: usize, err: f64| CurvePoint {
            epoch: e,
            examples_seen: 100 * e as u64,
            updates: 4 * e as u64,
            train_loss: 1.0 / e as f64,
            valid_error: err,
            learning_rate: 0.01,
        };
        let mut runs = Vec::new();
        for (name, errs) in [("a", [30.0, 20.0, 15.0]), ("b", [40.0, 25.0, 10.0])] {
            let run = dir.path().join(name);
            std::fs::create_dir(&run).unwrap();
            let curve: Vec<_> = errs.iter().enumerate().map(|(i, &e)| point(i + 1, e)).collect();
            std::fs::write(run.join(files::CURVES_CSV), curves_csv(ValidationMeasure::ClassificationError, &curve)).unwrap();
            assert_eq!(read_curve(&run).unwrap(), curve);
            runs.push(run);
        }
        let out = dir.path().join("both.png");
        plot_runs(&runs, &out).unwrap();
        assert!(std::fs::metadata(&out).unwrap().len() > 1000);
        std::fs::write(runs[0].join(files::CURVES_CSV), "epoch,examples_seen,updates,train_loss,valid_error,learning_rate\n1,2,x,4,5,6\n").unwrap();
        let err = plot_runs(&runs, &out).unwrap_err().to_string();
        assert!(err.contains("curves.csv") && err.contains("line 2"), "{err}");
    }
}
