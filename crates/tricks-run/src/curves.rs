//! The learning curve: one point per validation, written as `curves.csv` and read back by header.

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::RunFileError;

/// What a model's validation criterion measures, and the name of its `curves.csv` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValidationMeasure {
    /// Classification error in percent (MLPs, fine-tuned stacks).
    ClassificationError,
    /// Mean reconstruction error per example (auto-encoders: the training criterion on clean inputs; RBMs:
    /// squared error of one mean-field up-down pass). Not a percentage.
    ReconstructionError,
}

impl ValidationMeasure {
    /// The `curves.csv` column of the validation criterion.
    pub fn column(self) -> &'static str {
        match self {
            ValidationMeasure::ClassificationError => "valid_error",
            ValidationMeasure::ReconstructionError => "valid_reconstruction_error",
        }
    }

    /// Words for progress reports, e.g. "valid error".
    pub fn name(self) -> &'static str {
        match self {
            ValidationMeasure::ClassificationError => "valid error",
            ValidationMeasure::ReconstructionError => "valid reconstruction error",
        }
    }

    /// Unit appended to values: " %" or nothing.
    pub fn unit(self) -> &'static str {
        match self {
            ValidationMeasure::ClassificationError => " %",
            ValidationMeasure::ReconstructionError => "",
        }
    }
}

/// One validation on the learning curve, against the number of examples seen ("age", p.22).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Epochs begun.
    pub epoch: usize,
    /// Training examples processed so far.
    pub examples_seen: u64,
    /// Parameter updates so far.
    pub updates: u64,
    /// Mean mini-batch training loss since the previous validation.
    pub train_loss: f64,
    /// The validation criterion ([`ValidationMeasure`]): classification error in percent, or mean
    /// reconstruction error.
    pub valid_error: f64,
    /// Learning rate of the last update.
    pub learning_rate: f64,
}

const COLUMNS: [&str; 6] = ["epoch", "examples_seen", "updates", "train_loss", "VALID", "learning_rate"];

/// The header line of `curves.csv` for `measure`, without the line break.
pub fn curves_header(measure: ValidationMeasure) -> String {
    COLUMNS.map(|c| if c == "VALID" { measure.column() } else { c }).join(",")
}

/// One `curves.csv` row, with its line break.
pub fn curve_row(p: &CurvePoint) -> String {
    format!("{},{},{},{},{},{}\n", p.epoch, p.examples_seen, p.updates, p.train_loss, p.valid_error, p.learning_rate)
}

/// The learning curve as `curves.csv`: a header naming the validation measure, one validation per line.
pub fn curves_csv(measure: ValidationMeasure, curve: &[CurvePoint]) -> String {
    let mut s = curves_header(measure);
    s.push('\n');
    for p in curve {
        let _ = write!(s, "{}", curve_row(p));
    }
    s
}

/// Read `curves.csv` at `path` by its header (either validation column), with the measure it holds.
pub fn read_curves(path: &Path) -> Result<(ValidationMeasure, Vec<CurvePoint>), RunFileError> {
    let text = std::fs::read_to_string(path).map_err(|e| RunFileError::new(path, e))?;
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().map(|(_, h)| h.split(',').map(str::trim).collect()).unwrap_or_default();
    let measure = [ValidationMeasure::ClassificationError, ValidationMeasure::ReconstructionError]
        .into_iter()
        .find(|m| header.contains(&m.column()))
        .ok_or_else(|| RunFileError::new(path, "line 1: no valid_error or valid_reconstruction_error column"))?;
    let index = |name: &str| {
        let name = if name == "VALID" { measure.column() } else { name };
        header.iter().position(|h| *h == name).ok_or_else(|| RunFileError::new(path, format!("line 1: no {name} column")))
    };
    let columns = COLUMNS.map(index);
    let columns: Vec<usize> = columns.into_iter().collect::<Result<_, _>>()?;
    let mut curve = Vec::new();
    for (n, line) in lines {
        let fields: Vec<&str> = line.split(',').collect();
        let num = |i: usize| {
            let c = columns[i];
            let field =
                fields.get(c).ok_or_else(|| RunFileError::new(path, format!("line {}: {} fields, the header has {}", n + 1, fields.len(), header.len())))?;
            field.trim().parse::<f64>().map_err(|_| RunFileError::new(path, format!("line {}, column {}: not a number: {field:?}", n + 1, header[c])))
        };
        curve.push(CurvePoint {
            epoch: num(0)? as usize,
            examples_seen: num(1)? as u64,
            updates: num(2)? as u64,
            train_loss: num(3)?,
            valid_error: num(4)?,
            learning_rate: num(5)?,
        });
    }
    Ok((measure, curve))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_round_trip_by_header_for_both_measures() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("curves.csv");
        let curve = vec![
            CurvePoint { epoch: 1, examples_seen: 100, updates: 4, train_loss: 0.5, valid_error: 12.5, learning_rate: 0.01 },
            CurvePoint { epoch: 2, examples_seen: 200, updates: 8, train_loss: 0.25, valid_error: f64::INFINITY, learning_rate: 0.005 },
        ];
        for measure in [ValidationMeasure::ClassificationError, ValidationMeasure::ReconstructionError] {
            std::fs::write(&path, curves_csv(measure, &curve)).unwrap();
            assert_eq!(read_curves(&path).unwrap(), (measure, curve.clone()));
        }
        // Columns are found by name, wherever they are.
        std::fs::write(&path, "learning_rate,valid_error,epoch,updates,examples_seen,train_loss,extra\n0.1,3,1,2,64,0.7,x\n").unwrap();
        let (_, read) = read_curves(&path).unwrap();
        assert_eq!(read[0], CurvePoint { epoch: 1, examples_seen: 64, updates: 2, train_loss: 0.7, valid_error: 3.0, learning_rate: 0.1 });
    }

    #[test]
    fn a_bad_curves_file_is_an_error_naming_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("curves.csv");
        std::fs::write(&path, "epoch,examples_seen,updates,train_loss,valid_error,learning_rate\n1,2,3,x,5,6\n").unwrap();
        let e = read_curves(&path).unwrap_err().to_string();
        assert!(e.contains("curves.csv") && e.contains("line 2, column train_loss"), "{e}");
        std::fs::write(&path, "epoch,updates\n1,2\n").unwrap();
        let e = read_curves(&path).unwrap_err().to_string();
        assert!(e.contains("no valid_error"), "{e}");
    }
}
