//! `tricks predict` (a run's model applied to new data) and `tricks export` (its tensors as safetensors).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use burn::backend::NdArray;
use burn::tensor::backend::AutodiffBackend;
use clap::{Args, ValueEnum};
use tricks_data::{Examples, LabelColumn, load_examples};
use tricks_train::{Predictions, confusion_matrix, files};

use crate::backend::{OnBackend, dispatch};
use crate::{BackendArg, HeaderArg};

#[derive(Args)]
pub struct PredictArgs {
    /// The finished run directory whose model to apply.
    run: PathBuf,
    /// New examples: a CSV file (with or without the label column), an IDX image file (labels read from the
    /// IDX label file beside it, if any) or an IDX folder (its t10k files).
    #[arg(long)]
    data: PathBuf,
    /// CSV label column when the file has one, as for `train` (default: the last column).
    #[arg(long)]
    label_column: Option<String>,
    #[arg(long, value_enum, default_value_t = HeaderArg::Detect)]
    header: HeaderArg,
    /// Predictions to write: one row per example. With labels, the confusion matrix goes beside it as
    /// `<name>-confusion.png`.
    #[arg(long, default_value = "predictions.csv")]
    out: PathBuf,
    /// Write hidden layer N's representation (1 = the first) instead of the class probabilities.
    #[arg(long)]
    layer: Option<usize>,
    #[arg(long, value_enum, default_value_t = BackendArg::Ndarray)]
    backend: BackendArg,
}

#[derive(Args)]
pub struct ExportArgs {
    /// The finished run directory whose model to export.
    run: PathBuf,
    /// File format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Safetensors)]
    format: ExportFormat,
    /// File to write (default: model.safetensors in the run directory).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Formats `tricks export` writes.
#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// safetensors: tensors by module path, recipe and preprocessing as metadata.
    Safetensors,
}

struct PredictJob {
    run: PathBuf,
    examples: Examples,
    layer: Option<usize>,
}

impl OnBackend for PredictJob {
    type Output = Predictions;
    fn run<B: AutodiffBackend>(self, device: B::Device, _backend: &str) -> Result<Predictions> {
        Ok(tricks_train::predict::<B::InnerBackend>(&self.run, &self.examples.data, self.layer, &device)?)
    }
}

/// `tricks predict RUN --data FILE|DIR`.
pub fn predict(args: PredictArgs) -> Result<()> {
    let info = tricks_train::finished_run(&args.run)?;
    let label = LabelColumn::from_flag(args.label_column.as_deref());
    let examples = load_examples(&args.data, info.data.dim, &label, &args.header.into())?;
    let labels = examples.labelled.then(|| examples.data.labels.clone());
    let predictions = dispatch(args.backend, PredictJob { run: args.run.clone(), examples, layer: args.layer })?;
    if let Some(labels) = &labels
        && predictions.classes > 0
        && let Some(&label) = labels.iter().find(|&&l| l as usize >= predictions.classes)
    {
        bail!("{}: label {label} in the new data; the model knows classes 0 to {}", args.data.display(), predictions.classes - 1);
    }
    tricks_run::write_atomic(&args.out, csv(&predictions, labels.as_deref()).as_bytes())?;
    say!("{} predictions of {} written to {}", predictions.rows(), args.run.display(), args.out.display());
    if let (Some(labels), Some(predicted)) = (&labels, &predictions.predicted) {
        let matrix = confusion_matrix(labels, predicted, predictions.classes);
        let right: usize = (0..matrix.len()).map(|c| matrix[c][c]).sum();
        let accuracy = 100.0 * right as f64 / labels.len().max(1) as f64;
        say!("accuracy {accuracy:.2} % ({right} of {})", labels.len());
        say!("{}", table(&matrix).trim_end());
        let picture = confusion_path(&args.out);
        tricks_plot::confusion(&picture, &matrix, &format!("{} on {}: accuracy {accuracy:.2} %", args.run.display(), args.data.display()))?;
        say!("confusion matrix drawn in {}", picture.display());
    }
    Ok(())
}

/// One CSV row per example: the label when known, the predicted class for classifiers, then the values.
fn csv(predictions: &Predictions, labels: Option<&[u32]>) -> String {
    let mut header = Vec::new();
    if labels.is_some() {
        header.push("label".to_string());
    }
    if predictions.predicted.is_some() {
        header.push("predicted".to_string());
    }
    header.extend(predictions.columns.iter().cloned());
    let mut out = header.join(",") + "\n";
    let width = predictions.columns.len().max(1);
    for (i, row) in predictions.values.chunks(width).enumerate() {
        let mut fields: Vec<String> = Vec::with_capacity(row.len() + 2);
        fields.extend(labels.map(|l| l[i].to_string()));
        fields.extend(predictions.predicted.as_ref().map(|p| p[i].to_string()));
        fields.extend(row.iter().map(|v| v.to_string()));
        out += &fields.join(",");
        out.push('\n');
    }
    out
}

/// The confusion matrix as text: true classes down, predicted across.
fn table(matrix: &[Vec<usize>]) -> String {
    let width = matrix.iter().flatten().max().map_or(1, |m| m.to_string().len()).max(matrix.len().to_string().len()) + 1;
    let mut out = String::from("confusion matrix (rows: true class, columns: predicted class)\n");
    let _ = writeln!(out, "{:>6}{}", "", (0..matrix.len()).map(|c| format!("{c:>width$}")).collect::<String>());
    for (i, row) in matrix.iter().enumerate() {
        let _ = writeln!(out, "{i:>6}{}", row.iter().map(|n| format!("{n:>width$}")).collect::<String>());
    }
    out
}

/// `predictions.csv` → `predictions-confusion.png`, beside it.
fn confusion_path(out: &Path) -> PathBuf {
    let stem = out.file_stem().map_or_else(|| "predictions".into(), |s| s.to_string_lossy().to_string());
    out.with_file_name(format!("{stem}-confusion.png"))
}

/// `tricks export RUN`.
pub fn export(args: ExportArgs) -> Result<()> {
    let ExportFormat::Safetensors = args.format;
    let bytes = tricks_train::export::<NdArray>(&args.run, &Default::default())?;
    let out = args.out.unwrap_or_else(|| args.run.join(files::SAFETENSORS));
    tricks_run::write_atomic(&out, &bytes)?;
    say!("{} written ({} bytes, format {})", out.display(), bytes.len(), tricks_train::EXPORT_FORMAT);
    Ok(())
}
