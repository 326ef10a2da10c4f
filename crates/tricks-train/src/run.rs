//! A complete run: load and preprocess data, build the recipe's model, fit it, score it on the test
//! split, and write the run directory. `evaluate` reloads a run directory and scores it again.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::record::{FullPrecisionSettings, NamedMpkFileRecorder};
use burn::tensor::backend::{AutodiffBackend, Backend};
use serde::{Deserialize, Serialize};
use tricks_core::{Model, Recipe};
use tricks_data::{DataDescription, DataSource, Dataset, FittedPreprocessing, Splits};
use tricks_models::Mlp;

use crate::{CurvePoint, DeviceSplit, Fitted, Progress, RunDir, TrainError, classification_error, fit};

/// Burn's version, recorded in every run directory (keep in step with the workspace Cargo.toml).
pub const BURN_VERSION: &str = "0.21";

/// Files of a run directory.
pub mod files {
    /// The resolved recipe.
    pub const RECIPE: &str = "recipe.json";
    /// Seed, backend, data description, versions, command line.
    pub const RUN: &str = "run.json";
    /// The preprocessing fitted on the training split.
    pub const PREPROCESSING: &str = "preprocessing.json";
    /// The kept model's parameters (Burn named MessagePack, full precision).
    pub const MODEL: &str = "model.mpk";
    /// Learning curve as CSV.
    pub const CURVES_CSV: &str = "curves.csv";
    /// Learning curve as an image.
    pub const CURVES_PNG: &str = "curves.png";
    /// First-layer filters as a tiled image (p.22-23), when the inputs are images.
    pub const FILTERS_PNG: &str = "filters.png";
    /// Final numbers, machine-readable.
    pub const REPORT: &str = "report.json";
    /// Final numbers, human-readable.
    pub const SUMMARY: &str = "summary.txt";
}

/// How the run was started (recorded, not interpreted).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunInfo {
    /// Backend name (`ndarray`, `wgpu`, `cuda`).
    pub backend: String,
    /// Training seed.
    pub seed: u64,
    /// The data used.
    pub data: DataDescription,
    /// Input dimension after preprocessing.
    pub input_dim: usize,
    /// tricks version.
    pub tricks_version: String,
    /// Burn version.
    pub burn_version: String,
    /// The data as given (`digits`, a folder, a CSV file), so `tricks eval` can find it again.
    pub data_spec: String,
    /// The command line, when run from the binary.
    pub command: String,
}

/// Where and how a run is recorded.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The run directory to create.
    pub out: PathBuf,
    /// Backend name, recorded.
    pub backend: String,
    /// The data as given, recorded.
    pub data_spec: String,
    /// The command line, recorded.
    pub command: String,
}

/// Final numbers of a run (`report.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Test accuracy in percent.
    pub test_accuracy: f64,
    /// Validation error of the kept model, in percent.
    pub valid_error: f64,
    /// Training error of the kept model, in percent.
    pub train_error: f64,
    /// Epochs begun.
    pub epochs: usize,
    /// Training examples processed.
    pub examples_seen: u64,
    /// Parameter updates.
    pub updates: u64,
    /// Wall-clock seconds of training.
    pub seconds: f64,
    /// ε0 that trained (smaller than the recipe's after restarts).
    pub learning_rate: f64,
    /// Restarts after divergence (p.5).
    pub restarts: u32,
    /// The run directory.
    pub run_dir: PathBuf,
}

/// Train `recipe` on `data` on `device` and write the run directory `out`.
pub fn run<B: AutodiffBackend>(
    recipe: &Recipe,
    data: &DataSource,
    options: &RunOptions,
    device: &B::Device,
    progress: &mut dyn Progress,
) -> Result<Report, TrainError> {
    recipe.check()?;
    let dir = RunDir::create(&options.out)?;
    let splits = tricks_data::load(data)?;
    let preprocessing = FittedPreprocessing::fit(&recipe.preprocessing, &splits.train)?;
    let [train, valid, test] = prepared(&splits, &preprocessing);
    let info = RunInfo {
        backend: options.backend.clone(),
        seed: recipe.seed,
        data: splits.description.clone(),
        input_dim: preprocessing.output_dim(),
        tricks_version: env!("CARGO_PKG_VERSION").to_string(),
        burn_version: BURN_VERSION.to_string(),
        data_spec: options.data_spec.clone(),
        command: options.command.clone(),
    };
    dir.write_json(files::RECIPE, recipe)?;
    dir.write_json(files::RUN, &info)?;
    dir.write_json(files::PREPROCESSING, &preprocessing)?;

    let Model::Mlp(spec) = &recipe.model;
    let model = Mlp::<B>::new(spec, info.input_dim, splits.description.classes, recipe.seed, device);
    let train_dev = DeviceSplit::<B>::classification(&train, device);
    let valid_dev = DeviceSplit::<B::InnerBackend>::classification(&valid, device);
    let fitted = fit(&model, recipe, &train_dev, &valid_dev, progress)?;

    let test_dev = DeviceSplit::<B::InnerBackend>::classification(&test, device);
    let report = Report {
        test_accuracy: 100.0 - classification_error(&fitted.model, &test_dev),
        valid_error: fitted.valid_error,
        train_error: classification_error(&fitted.model, &train_dev.inner()),
        epochs: fitted.epochs,
        examples_seen: fitted.examples_seen,
        updates: fitted.updates,
        seconds: fitted.seconds,
        learning_rate: fitted.learning_rate,
        restarts: fitted.restarts,
        run_dir: options.out.clone(),
    };
    write_results(&dir, recipe, &info, &fitted, &report)?;
    if let Some(shape) = train.image_shape {
        plot_filters(&dir.file(files::FILTERS_PNG), &fitted.model, shape)?;
    }
    dir.commit()?;
    Ok(report)
}

fn prepared(splits: &Splits, preprocessing: &FittedPreprocessing) -> [Dataset; 3] {
    [&splits.train, &splits.valid, &splits.test].map(|d| preprocessing.apply(d))
}

fn write_results<M: Module<B>, B: Backend>(
    dir: &RunDir,
    recipe: &Recipe,
    info: &RunInfo,
    fitted: &Fitted<M>,
    report: &Report,
) -> Result<(), TrainError> {
    let recorder = NamedMpkFileRecorder::<FullPrecisionSettings>::new();
    let model_path = dir.file(files::MODEL);
    fitted.model.clone().save_file(&model_path, &recorder).map_err(|e| TrainError::io(&model_path, e))?;
    dir.write_text(files::CURVES_CSV, &curves_csv(&fitted.curve))?;
    plot_curves(&dir.file(files::CURVES_PNG), &recipe.name, &fitted.curve)?;
    dir.write_json(files::REPORT, report)?;
    dir.write_text(files::SUMMARY, &summary(recipe, info, report))
}

/// The learning curve as CSV, one validation per line.
pub fn curves_csv(curve: &[CurvePoint]) -> String {
    let mut s = String::from("epoch,examples_seen,updates,train_loss,valid_error,learning_rate\n");
    for p in curve {
        let _ = writeln!(s, "{},{},{},{},{},{}", p.epoch, p.examples_seen, p.updates, p.train_loss, p.valid_error, p.learning_rate);
    }
    s
}

fn plot_curves(path: &Path, name: &str, curve: &[CurvePoint]) -> Result<(), TrainError> {
    let series = |f: fn(&CurvePoint) -> f64| {
        vec![tricks_plot::Series { label: name.to_string(), points: curve.iter().map(|p| (p.examples_seen as f64, f(p))).collect() }]
    };
    tricks_plot::learning_curves(path, &format!("{name}: learning curves"), &series(|p| p.train_loss), &series(|p| p.valid_error))
        .map_err(|e| TrainError::io(path, e))
}

/// Maximum number of first-layer units drawn in `filters.png`.
const MAX_FILTERS: usize = 100;

/// Each first-layer unit's incoming weights as an image (p.22-23: visualise first-layer filters).
fn plot_filters<B: Backend>(path: &Path, model: &Mlp<B>, shape: (usize, usize)) -> Result<(), TrainError> {
    let weights = model.layers[0].weight.val(); // [inputs, units]
    let [inputs, units] = weights.dims();
    let values = weights.into_data().convert::<f32>().into_vec::<f32>().map_err(|e| TrainError::io(path, format!("{e:?}")))?;
    let filters: Vec<Vec<f32>> =
        (0..units.min(MAX_FILTERS)).map(|u| (0..inputs).map(|i| values[i * units + u]).collect()).collect();
    let cols = (filters.len() as f64).sqrt().ceil() as usize;
    tricks_plot::tiles(path, &filters, shape, cols.max(1)).map_err(|e| TrainError::io(path, e))
}

fn summary(recipe: &Recipe, info: &RunInfo, r: &Report) -> String {
    format!(
        "recipe          {}\ndata            {} ({} train / {} valid / {} test, {} classes)\nbackend         {}\nseed            {}\n\
         test accuracy   {:.2} %\nvalid error     {:.2} %\ntrain error     {:.2} %\nepochs          {}\nexamples seen   {}\n\
         updates         {}\nlearning rate   {} (restarts after divergence: {})\nseconds         {:.1}\n",
        recipe.name, info.data.source, info.data.train, info.data.valid, info.data.test, info.data.classes, info.backend,
        info.seed, r.test_accuracy, r.valid_error, r.train_error, r.epochs, r.examples_seen, r.updates, r.learning_rate,
        r.restarts, r.seconds
    )
}

/// Read the JSON file `name` of a run directory.
pub fn read_json<T: serde::de::DeserializeOwned>(run_dir: &Path, name: &str) -> Result<T, TrainError> {
    let path = run_dir.join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| TrainError::io(&path, e))?;
    serde_json::from_str(&text).map_err(|e| TrainError::io(&path, e))
}

/// Test accuracy (percent) of the model saved in `run_dir`, on the test split of `data`.
pub fn evaluate<B: Backend>(run_dir: &Path, data: &DataSource, device: &B::Device) -> Result<f64, TrainError> {
    let recipe: Recipe = read_json(run_dir, files::RECIPE)?;
    let preprocessing: FittedPreprocessing = read_json(run_dir, files::PREPROCESSING)?;
    let info: RunInfo = read_json(run_dir, files::RUN)?;
    let splits = tricks_data::load(data)?;
    if splits.description.classes != info.data.classes || splits.test.dim != info.data.dim {
        return Err(TrainError::io(
            run_dir,
            format!(
                "the model was trained on {} features and {} classes, this data has {} and {}",
                info.data.dim, info.data.classes, splits.test.dim, splits.description.classes
            ),
        ));
    }
    let test = preprocessing.apply(&splits.test);
    let Model::Mlp(spec) = &recipe.model;
    let model_path = run_dir.join(files::MODEL);
    let model = Mlp::<B>::new(spec, info.input_dim, info.data.classes, recipe.seed, device)
        .load_file(&model_path, &NamedMpkFileRecorder::<FullPrecisionSettings>::new(), device)
        .map_err(|e| TrainError::io(&model_path, e))?;
    Ok(100.0 - classification_error(&model, &DeviceSplit::classification(&test, device)))
}
