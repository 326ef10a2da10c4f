//! A complete run: load and preprocess data, build the recipe's model, fit it, score it on the test
//! split, and write the run directory. `evaluate` reloads a run directory and scores it again.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::record::{FullPrecisionSettings, NamedMpkFileRecorder};
use burn::tensor::backend::AutodiffBackend;
use serde::{Deserialize, Serialize};
use tricks_core::{CheckedRecipe, Model, Recipe};
use tricks_data::{DataDescription, DataSource, Dataset, FittedPreprocessing, Splits};
use tricks_models::{AutoEncoder, Mlp, Rbm};

use crate::outputs;
use crate::stack::{column_means, pretrain_stack};
use crate::{DeviceSplit, Fitted, Level, Progress, RunDir, TrainError, Trainable, classification_error, fit, rbm_likelihood};

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
    /// Everything above in one self-contained page, with a diagnosis.
    pub const REPORT_HTML: &str = "report.html";
    /// t-SNE map of a layer's representation of test examples, coloured by class.
    pub const TSNE_PNG: &str = "tsne.png";
    /// RBM samples from Gibbs chains started at test examples.
    pub const SAMPLES_PNG: &str = "samples.png";
    /// Auto-encoder: test inputs, their corruption and their reconstruction.
    pub const RECONSTRUCTIONS_PNG: &str = "reconstructions.png";
    /// Per-layer statistics during training, one row per snapshot, layer or tensor and quantity (p.22-23).
    pub const LAYER_STATS_CSV: &str = "layer_stats.csv";
    /// The statistics of `layer_stats.csv` against examples seen.
    pub const LAYER_STATS_PNG: &str = "layer_stats.png";
    /// Histograms over time of activations, activation gradients, weights and weight gradients.
    pub const LAYER_HISTOGRAMS_PNG: &str = "layer_histograms.png";
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
    /// Layer drawn in `tsne.png`: 0 the inputs, 1 the first hidden layer…; `None` the last hidden layer (the
    /// code, for a single unsupervised layer).
    pub tsne_layer: Option<usize>,
}

/// Final numbers of a run (`report.json`). Classifiers (MLPs and fine-tuned stacks) have accuracies and
/// errors in percent; single unsupervised layers have reconstruction errors and, for RBMs, likelihoods.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Test accuracy in percent (classifiers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_accuracy: Option<f64>,
    /// The validation criterion of the kept model: classification error in percent, or mean reconstruction
    /// error of an unsupervised layer.
    pub valid_error: f64,
    /// Training classification error of the kept model, in percent (classifiers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_error: Option<f64>,
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
    /// Wall-clock seconds of training (pre-training included).
    pub seconds: f64,
    /// ε0 that trained (smaller than the recipe's after restarts).
    pub learning_rate: f64,
    /// Restarts after divergence (p.5).
    pub restarts: u32,
    /// The run directory.
    pub run_dir: PathBuf,
}

/// Likelihood monitors of an RBM on held-out data (HG; Salakhutdinov & Murray 2008).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LikelihoodReport {
    /// AIS estimate of log Z.
    pub log_partition: f64,
    /// Mean log-likelihood of the test examples under the AIS estimate of log Z, in nats.
    pub test_log_likelihood: f64,
    /// Mean stochastic pseudo-log-likelihood of the test examples.
    pub test_pseudo_likelihood: f64,
}

/// One level of a pre-trained stack.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// Validation error (percent) of a logistic regression trained on this level's representation: the
    /// score of the chapter's Algorithm 1 (p.19).
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
}

/// Train `recipe` on `data` on `device` and write the run directory `out`.
pub fn run<B: AutodiffBackend>(
    recipe: &CheckedRecipe,
    data: &DataSource,
    options: &RunOptions,
    device: &B::Device,
    progress: &mut dyn Progress,
) -> Result<Report, TrainError> {
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

    let data = RunData::<B> {
        train: DeviceSplit::classification(&train, device),
        valid: DeviceSplit::classification(&valid, device),
        test: DeviceSplit::classification(&test, device),
        image_shape: train.image_shape,
        classes: splits.description.classes,
    };
    let started = Instant::now();
    let mut report = match &recipe.model {
        Model::Mlp(spec) => {
            let model = Mlp::<B>::new(spec, info.input_dim, data.classes, recipe.seed, device);
            classifier(&dir, recipe, model, &data, options, progress)?
        }
        Model::Stack(stack) => {
            let (model, levels) = pretrain_stack(&dir, recipe, stack, &data, progress)?;
            Report { levels, ..classifier(&dir, recipe, model, &data, options, progress)? }
        }
        Model::AutoEncoder(spec) => {
            let model = AutoEncoder::<B>::new(spec, info.input_dim, recipe.seed, device);
            let (report, model) = unsupervised(&dir, recipe, model, &data, options, progress)?;
            if let Some(shape) = data.image_shape {
                outputs::plot_reconstructions(&dir.file(files::RECONSTRUCTIONS_PNG), &model, &data.test, shape)?;
            }
            report
        }
        Model::Rbm(spec) => {
            let means = column_means(&data.train.inputs);
            let model = Rbm::<B>::new(spec, info.input_dim, &means, recipe.seed, device);
            let (mut report, model) = unsupervised(&dir, recipe, model, &data, options, progress)?;
            progress.message("estimating the test log-likelihood by annealed importance sampling");
            report.likelihood = rbm_likelihood(&model, &data.test, &means, recipe.seed)?;
            if let Some(shape) = data.image_shape {
                outputs::plot_samples(&dir.file(files::SAMPLES_PNG), &model, &data.test, shape, recipe.seed)?;
            }
            report
        }
    };
    report.seconds = started.elapsed().as_secs_f64();
    report.run_dir = options.out.clone();
    dir.write_json(files::REPORT, &report)?;
    dir.write_text(files::SUMMARY, &summary(recipe, &info, &report))?;
    tricks_report::write_report(dir.path()).map_err(|e| TrainError::io(dir.file(files::REPORT_HTML), e))?;
    dir.commit()?;
    Ok(report)
}

/// Read the JSON file `name` of a run directory.
pub fn read_json<T: serde::de::DeserializeOwned>(run_dir: &Path, name: &str) -> Result<T, TrainError> {
    let path = run_dir.join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| TrainError::io(&path, e))?;
    serde_json::from_str(&text).map_err(|e| TrainError::io(&path, e))
}

/// The test score of the model saved in `run_dir`, on the test split of `data`, computed on `B`'s inner backend.
pub fn evaluate<B: AutodiffBackend>(run_dir: &Path, data: &DataSource, device: &B::Device) -> Result<TestScore, TrainError> {
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
    let test = DeviceSplit::<B::InnerBackend>::classification(&preprocessing.apply(&splits.test), device);
    let model_path = run_dir.join(files::MODEL);
    let load = |e| TrainError::io(&model_path, e);
    let recorder = NamedMpkFileRecorder::<FullPrecisionSettings>::new();
    let (inputs, seed) = (info.input_dim, recipe.seed);
    Ok(match &recipe.model {
        Model::Mlp(_) | Model::Stack(_) => {
            let spec = recipe.model.classifier().expect("MLPs and stacks are classifiers");
            let model = Mlp::<B::InnerBackend>::new(&spec, inputs, info.data.classes, seed, device).load_file(&model_path, &recorder, device).map_err(load)?;
            TestScore::Accuracy(100.0 - classification_error(&model, &test))
        }
        Model::AutoEncoder(spec) => {
            let model = AutoEncoder::<B::InnerBackend>::new(spec, inputs, seed, device).load_file(&model_path, &recorder, device).map_err(load)?;
            TestScore::ReconstructionError(<AutoEncoder<B> as Trainable<B>>::validation_error(&model, &test))
        }
        Model::Rbm(spec) => {
            let model = Rbm::<B::InnerBackend>::new(spec, inputs, &vec![0.5; inputs], seed, device).load_file(&model_path, &recorder, device).map_err(load)?;
            TestScore::ReconstructionError(<Rbm<B> as Trainable<B>>::validation_error(&model, &test))
        }
    })
}

/// The three splits on the device, with what the pictures need.
pub(crate) struct RunData<B: AutodiffBackend> {
    pub train: DeviceSplit<B>,
    pub valid: DeviceSplit<B::InnerBackend>,
    pub test: DeviceSplit<B::InnerBackend>,
    pub image_shape: Option<(usize, usize)>,
    pub classes: usize,
}

fn prepared(splits: &Splits, preprocessing: &FittedPreprocessing) -> [Dataset; 3] {
    [&splits.train, &splits.valid, &splits.test].map(|d| preprocessing.apply(d))
}

/// Fine-tune or train a classifier from `initial`; save it, its curves and filters; score it.
pub(crate) fn classifier<B: AutodiffBackend>(
    dir: &RunDir,
    recipe: &CheckedRecipe,
    initial: Mlp<B>,
    data: &RunData<B>,
    options: &RunOptions,
    progress: &mut dyn Progress,
) -> Result<Report, TrainError> {
    let fitted = fit(&initial, recipe, &data.train, &data.valid, progress)?;
    outputs::save_training(dir, recipe, &fitted)?;
    if let Some(shape) = data.image_shape {
        outputs::plot_filters(&dir.file(files::FILTERS_PNG), fitted.model.layers[0].weight.val(), shape)?;
    }
    let hidden = fitted.model.layers.len() - 1;
    let layer = options.tsne_layer.unwrap_or(hidden).min(hidden);
    outputs::write_tsne(dir, recipe, &data.test, layer, |x| fitted.model.hidden_then_output(x).0[layer - 1].clone(), progress)?;
    Ok(Report {
        test_accuracy: Some(100.0 - classification_error(&fitted.model, &data.test)),
        train_error: Some(classification_error(&fitted.model, &data.train.inner())),
        test_reconstruction_error: None,
        ..report_of(&fitted)
    })
}

/// Train one unsupervised layer; save it, its curves and filters; score its reconstructions.
fn unsupervised<B: AutodiffBackend, M: Trainable<B>>(
    dir: &RunDir,
    recipe: &CheckedRecipe,
    initial: M,
    data: &RunData<B>,
    options: &RunOptions,
    progress: &mut dyn Progress,
) -> Result<(Report, M::InnerModule), TrainError>
where
    M::InnerModule: Level<B::InnerBackend>,
{
    let fitted = fit(&initial, recipe, &data.train, &data.valid, progress)?;
    outputs::save_training(dir, recipe, &fitted)?;
    if let Some(shape) = data.image_shape {
        outputs::plot_filters(&dir.file(files::FILTERS_PNG), fitted.model.encoder().0, shape)?;
    }
    let layer = options.tsne_layer.unwrap_or(1).min(1);
    outputs::write_tsne(dir, recipe, &data.test, layer, |x| fitted.model.code(x), progress)?;
    let report = Report { test_reconstruction_error: Some(M::validation_error(&fitted.model, &data.test)), ..report_of(&fitted) };
    Ok((report, fitted.model))
}

/// The report fields every fitted model has.
fn report_of<M>(fitted: &Fitted<M>) -> Report {
    Report {
        test_accuracy: None,
        valid_error: fitted.valid_error,
        train_error: None,
        test_reconstruction_error: None,
        likelihood: None,
        levels: Vec::new(),
        epochs: fitted.epochs,
        examples_seen: fitted.examples_seen,
        updates: fitted.updates,
        seconds: fitted.seconds,
        learning_rate: fitted.learning_rate,
        restarts: fitted.restarts,
        run_dir: PathBuf::new(),
    }
}

fn summary(recipe: &Recipe, info: &RunInfo, r: &Report) -> String {
    let mut s = format!(
        "recipe          {}\ndata            {} ({} train / {} valid / {} test, {} classes)\nbackend         {}\nseed            {}\n",
        recipe.name, info.data.source, info.data.train, info.data.valid, info.data.test, info.data.classes, info.backend, info.seed
    );
    let mut line = |name: &str, value: String| {
        let _ = writeln!(s, "{name:<16}{value}");
    };
    if let Some(a) = r.test_accuracy {
        line("test accuracy", format!("{a:.2} %"));
        line("valid error", format!("{:.2} %", r.valid_error));
    } else {
        line("valid recon.", format!("{:.4}", r.valid_error));
    }
    if let Some(e) = r.train_error {
        line("train error", format!("{e:.2} %"));
    }
    if let Some(e) = r.test_reconstruction_error {
        line("test recon.", format!("{e:.4}"));
    }
    if let Some(l) = &r.likelihood {
        line("test log-lik.", format!("{:.2} nats (AIS log Z = {:.2})", l.test_log_likelihood, l.log_partition));
        line("test pseudo-LL", format!("{:.2}", l.test_pseudo_likelihood));
    }
    for level in &r.levels {
        line(
            &format!("level {}", level.level),
            format!(
                "{} {} units, {} epochs, valid recon. {:.4}, linear probe valid error {:.2} %",
                level.kind, level.units, level.epochs, level.valid_reconstruction_error, level.probe_valid_error
            ),
        );
    }
    line("epochs", r.epochs.to_string());
    line("examples seen", r.examples_seen.to_string());
    line("updates", r.updates.to_string());
    line("learning rate", format!("{} (restarts after divergence: {})", r.learning_rate, r.restarts));
    line("seconds", format!("{:.1}", r.seconds));
    s
}
