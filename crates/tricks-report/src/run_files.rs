//! Reading what a run directory holds. Every file is optional: a missing one is `None`; one that
//! exists but cannot be read or parsed is an error naming it.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use serde_json::Value;

use crate::ReportError;
use crate::csv::Table;
use crate::diagnosis::{CurvePoint, Evidence};
use crate::images::{self, Image};

/// File names the report reads: the run format's own.
pub(crate) use tricks_run::files as names;

/// The contents of a run directory.
#[derive(Debug, Clone, Default)]
pub(crate) struct RunFiles {
    /// `recipe.json`.
    pub recipe: Option<Value>,
    /// `run.json`.
    pub run: Option<Value>,
    /// `report.json`.
    pub report: Option<Value>,
    /// `curves.csv`.
    pub curves: Option<Table>,
    /// `layer_stats.csv`.
    pub layer_stats: Option<Table>,
    /// `summary.txt`.
    pub summary: Option<String>,
    /// Every top-level `*.png`, in report order.
    pub images: Vec<Image>,
    /// Every top-level entry but hidden ones and the report: name and size in bytes.
    pub listing: Vec<(String, u64)>,
}

impl RunFiles {
    /// Reads `dir`.
    pub fn read(dir: &Path) -> Result<Self, ReportError> {
        let mut listing = Vec::new();
        let mut images = Vec::new();
        for entry in fs::read_dir(dir).map_err(|e| ReportError::io(dir, e))? {
            let entry = entry.map_err(|e| ReportError::io(dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let meta = entry.metadata().map_err(|e| ReportError::io(entry.path(), e))?;
            if name.starts_with('.') || name == names::REPORT_HTML {
                continue;
            }
            listing.push((if meta.is_dir() { format!("{name}/") } else { name.clone() }, meta.len()));
            if meta.is_file() && name.ends_with(".png") {
                let path = entry.path();
                images.push(Image::new(&path, fs::read(&path).map_err(|e| ReportError::io(&path, e))?)?);
            }
        }
        listing.sort();
        images::sort(&mut images);
        let table = |name| -> Result<Option<Table>, ReportError> {
            let path = dir.join(name);
            read_text(&path)?.map(|t| Table::parse(&path, &t)).transpose()
        };
        Ok(Self {
            recipe: read_json(&dir.join(names::RECIPE))?,
            run: read_json(&dir.join(names::RUN))?,
            report: read_json(&dir.join(names::REPORT))?,
            curves: table(names::CURVES_CSV)?,
            layer_stats: table(names::LAYER_STATS_CSV)?,
            summary: read_text(&dir.join(names::SUMMARY))?,
            images,
            listing,
        })
    }

    /// What the diagnosis reads: the curves (`tricks_run::read_curves`: against examples seen),
    /// `report.json`'s `train_error`, `valid_error` and `restarts`, and `run.json`'s validation-set size
    /// `data.valid`. A curve value that is not a number is an error naming `curves.csv`, its line and column.
    pub fn evidence(&self, dir: &Path) -> Result<Evidence, ReportError> {
        let mut evidence = Evidence::default();
        let curves = dir.join(names::CURVES_CSV);
        if self.curves.is_some() {
            let (_, curve) = tricks_run::read_curves(&curves).map_err(|e| ReportError::invalid(&curves, e.message))?;
            evidence.curve =
                curve.iter().map(|p| CurvePoint { x: p.examples_seen as f64, train_loss: Some(p.train_loss), valid: Some(p.valid_error) }).collect();
        }
        if let Some(report) = &self.report {
            let get = |k: &str| report.get(k).and_then(Value::as_f64);
            evidence.train_error = get("train_error");
            evidence.valid_error = get("valid_error");
            evidence.restarts = get("restarts").map_or(0, |r| r.max(0.0) as u32);
        }
        evidence.valid_examples = self.run.as_ref().and_then(|r| r.pointer("/data/valid")).and_then(Value::as_u64);
        if evidence.train_error.is_none() {
            evidence.valid_error = None; // a gap needs both; alone it may be a reconstruction error
        }
        Ok(evidence)
    }
}

/// The text of `path`, `None` if it does not exist.
fn read_text(path: &Path) -> Result<Option<String>, ReportError> {
    match fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ReportError::io(path, e)),
    }
}

/// The JSON of `path`, `None` if it does not exist.
fn read_json(path: &Path) -> Result<Option<Value>, ReportError> {
    read_text(path)?.map(|t| serde_json::from_str(&t).map_err(|e| ReportError::invalid(path, format!("invalid JSON: {e}")))).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_files_are_none_and_corrupt_ones_are_errors_naming_them() {
        let dir = tempfile::tempdir().unwrap();
        let files = RunFiles::read(dir.path()).unwrap();
        assert!(files.recipe.is_none() && files.curves.is_none() && files.images.is_empty());
        fs::write(dir.path().join("report.json"), "{\"test_accuracy\": ").unwrap();
        let e = RunFiles::read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("report.json") && e.contains("invalid JSON"), "{e}");
        fs::remove_file(dir.path().join("report.json")).unwrap();
        fs::write(dir.path().join("curves.csv"), "epoch,train_loss\n1,2,3\n").unwrap();
        let e = RunFiles::read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("curves.csv") && e.contains("line 2"), "{e}");
        let e = RunFiles::read(&dir.path().join("absent")).unwrap_err().to_string();
        assert!(e.contains("absent"), "{e}");
    }

    #[test]
    fn evidence_from_curves_by_header_names_with_extra_columns() {
        let dir = tempfile::tempdir().unwrap();
        let csv = "epoch,extra,examples_seen,updates,train_loss,valid_reconstruction_error,learning_rate\n\
                   1,a,100,4,2.0,50,0.01\n2,b,200,8,NaN,7,0.01\n";
        fs::write(dir.path().join("curves.csv"), csv).unwrap();
        fs::write(dir.path().join("report.json"), r#"{"train_error": 1.5, "valid_error": 4, "restarts": 1}"#).unwrap();
        let files = RunFiles::read(dir.path()).unwrap();
        let e = files.evidence(dir.path()).unwrap();
        assert_eq!(e.curve[0], CurvePoint { x: 100.0, train_loss: Some(2.0), valid: Some(50.0) });
        assert!(e.curve[1].train_loss.unwrap().is_nan());
        assert_eq!(e.curve[1].valid, Some(7.0));
        assert_eq!((e.train_error, e.valid_error, e.restarts), (Some(1.5), Some(4.0), 1));
        fs::write(dir.path().join("curves.csv"), "epoch,examples_seen,updates,train_loss,valid_error,learning_rate\n1,2,3,4,oops,6\n").unwrap();
        let err = RunFiles::read(dir.path()).unwrap().evidence(dir.path()).unwrap_err().to_string();
        assert!(err.contains("curves.csv") && err.contains("line 2, column valid_error"), "{err}");
    }
}
