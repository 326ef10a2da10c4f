//! A complete run: load and preprocess data, build the recipe's model, fit it, score it on the test
//! split, and write the run directory. `evaluate` reloads a run directory and scores it again.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use burn::tensor::backend::{AutodiffBackend, Backend};
use tricks_core::{CheckedRecipe, Model, Recipe};
use tricks_data::{DataSource, Dataset, FittedPreprocessing, Splits};
use tricks_models::{AutoEncoder, Mlp, Rbm};
use tricks_run::{BURN_VERSION, Report, RunDir, RunInfo, TestScore, ValidationMeasure, files};

use crate::device_data::RunData;
use crate::outputs;
use crate::saved::{Saved, SavedModel, saved};
use crate::stack::{adopt_levels, column_means, pretrain_stack};
use crate::{Checkpointing, DeviceSplit, Fitted, Level, Progress, TrainError, Trainable, classification_error, fit_checkpointed, rbm_likelihood};

/// Where and how a run is recorded; `..Default::default()` gives no t-SNE layer choice, a test score, and no
/// levels taken from other runs.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The run directory to create (or to resume).
    pub out: PathBuf,
    /// Backend name, recorded.
    pub backend: String,
    /// The command line, recorded.
    pub command: String,
    /// Layer drawn in `tsne.png`: 0 the inputs, 1 the first hidden layer…; `None` the last hidden layer (the
    /// code, for a single unsupervised layer).
    pub tsne_layer: Option<usize>,
    /// Leave the test split untouched: no test score, pictures drawn from the validation split. For runs that
    /// take part in a selection (search trials), which must use the validation error only (p.19).
    pub without_test: bool,
    /// Runs (or folders of runs) whose finished stack levels this run takes instead of pre-training them,
    /// where they were pre-trained exactly as this run would (Algorithm 1's survivors, p.19).
    pub levels_from: Vec<PathBuf>,
}

/// Train `recipe` on `data` on `device` in the new run directory `options.out`. The run checkpoints as it
/// goes: if it is killed, or stopped by a failed write, [`resume`] continues it. A run that fails for any
/// other reason before it has finished work to keep (bad data, divergence past its retries) leaves nothing.
pub fn run<B: AutodiffBackend>(
    recipe: &CheckedRecipe,
    data: &DataSource,
    options: &RunOptions,
    device: &B::Device,
    progress: &mut dyn Progress,
) -> Result<Report, TrainError> {
    let dir = RunDir::create(&options.out)?;
    dir.write_json(files::RECIPE, recipe)?;
    guarded(dir, |dir| {
        let (splits, preprocessing) = load_data(recipe, data)?;
        let info = RunInfo {
            backend: options.backend.clone(),
            seed: recipe.seed,
            data: splits.description.clone(),
            input_dim: preprocessing.output_dim(),
            tricks_version: env!("CARGO_PKG_VERSION").to_string(),
            burn_version: BURN_VERSION.to_string(),
            source: data.clone(),
            command: options.command.clone(),
            without_test: options.without_test,
            feature_range: crate::predict::feature_range(&splits.train),
        };
        dir.write_json(files::RUN, &info)?;
        dir.write_json(files::PREPROCESSING, &preprocessing)?;
        if let Some((levels, from)) = adopt_levels(dir, recipe, &info, &options.levels_from)? {
            progress.message(&format!("levels 1 to {levels} taken from {}, where they were pre-trained alike", from.display()));
        }
        train_into::<B>(dir, recipe, &info, splits, &preprocessing, options.tsne_layer, device, progress)
    })
}

/// Continue the unfinished run in `run_dir` from its checkpoints, with its own recipe and data, on
/// `device`; on the CPU it ends exactly as the uninterrupted run would have. `tsne_layer` as for [`run`].
pub fn resume<B: AutodiffBackend>(
    run_dir: &Path,
    data: &DataSource,
    tsne_layer: Option<usize>,
    device: &B::Device,
    progress: &mut dyn Progress,
) -> Result<Report, TrainError> {
    let dir = RunDir::resume(run_dir)?;
    let recipe = tricks_run::read_json::<Recipe>(&dir.file(files::RECIPE))?.check()?;
    let info: RunInfo = tricks_run::read_json(&dir.file(files::RUN))?;
    guarded(dir, |dir| {
        let (splits, preprocessing) = load_data(&recipe, data)?;
        if splits.description != info.data {
            return Err(TrainError::io(dir.file(files::RUN), "the data has changed since the run started; resume it with the same data"));
        }
        progress.message(&format!("resuming {} from its checkpoints", run_dir.display()));
        train_into::<B>(dir, &recipe, &info, splits, &preprocessing, tsne_layer, device, progress)
    })
}

/// Run `work` in `dir`, then finish the run; on an error, keep the folder only if a write failed and
/// it holds work to resume, and say so.
fn guarded(dir: RunDir, work: impl FnOnce(&RunDir) -> Result<Report, TrainError>) -> Result<Report, TrainError> {
    match work(&dir) {
        Ok(report) => {
            dir.finish()?;
            Ok(report)
        }
        Err(e) => {
            let path = dir.path().to_path_buf();
            let write_failed = matches!(e, TrainError::Run(_) | TrainError::Io { .. });
            if dir.abandon(write_failed) && write_failed { Err(TrainError::Unfinished { source: Box::new(e), run_dir: path }) } else { Err(e) }
        }
    }
}

fn load_data(recipe: &Recipe, data: &DataSource) -> Result<(Splits, FittedPreprocessing), TrainError> {
    let mut splits = tricks_data::load(data)?;
    if recipe.bootstrap {
        splits.train = splits.train.subset(&tricks_data::bootstrap_indices(splits.train.len(), recipe.seed));
    }
    let preprocessing = FittedPreprocessing::fit(&recipe.preprocessing, &splits.train)?;
    Ok((splits, preprocessing))
}

/// Train and write every output of the run into `dir`.
#[allow(clippy::too_many_arguments)]
fn train_into<B: AutodiffBackend>(
    dir: &RunDir,
    recipe: &CheckedRecipe,
    info: &RunInfo,
    splits: Splits,
    preprocessing: &FittedPreprocessing,
    tsne_layer: Option<usize>,
    device: &B::Device,
    progress: &mut dyn Progress,
) -> Result<Report, TrainError> {
    // Each split is preprocessed where it lies and handed to the device: one copy of the data in memory.
    let Splits { train, valid, test, description } = splits;
    let train = preprocessing.apply_owned(train);
    let image_shape = train.image_shape;
    let upload = |d: Dataset| DeviceSplit::upload(preprocessing.apply_owned(d), device);
    let data = RunData::<B> {
        train: DeviceSplit::upload(train, device),
        valid: upload(valid),
        test: (!info.without_test).then(|| upload(test)),
        image_shape,
        classes: description.classes,
    };
    let stage = |stage| Checkpointing { dir, stage, live: true };
    let mut report = match &recipe.model {
        Model::Mlp(spec) => {
            let model = Mlp::<B>::new(spec, info.input_dim, data.classes, recipe.seed, device);
            classifier(dir, recipe, model, &data, tsne_layer, stage(TRAIN_STAGE), progress)?
        }
        Model::Stack(stack) => {
            let (model, levels) = pretrain_stack(dir, recipe, stack, &data, progress)?;
            let fine_tuned = classifier(dir, recipe, model, &data, tsne_layer, stage(FINE_TUNE_STAGE), progress)?;
            Report { seconds: fine_tuned.seconds + levels.iter().map(|l| l.seconds).sum::<f64>(), levels, ..fine_tuned }
        }
        Model::AutoEncoder(spec) => {
            let model = AutoEncoder::<B>::new(spec, info.input_dim, recipe.seed, device);
            let (report, model) = unsupervised(dir, recipe, model, &data, tsne_layer, stage(TRAIN_STAGE), progress)?;
            if let Some(shape) = data.image_shape {
                outputs::plot_reconstructions(&dir.file(files::RECONSTRUCTIONS_PNG), &model, data.shown(), shape)?;
            }
            report
        }
        Model::Rbm(spec) => {
            let means = column_means(&data.train.inputs);
            let model = Rbm::<B>::new(spec, info.input_dim, &means, recipe.seed, device);
            let (mut report, model) = unsupervised(dir, recipe, model, &data, tsne_layer, stage(TRAIN_STAGE), progress)?;
            if let Some(test) = &data.test {
                progress.message("estimating the test log-likelihood by annealed importance sampling");
                report.likelihood = rbm_likelihood(&model, test, &means, recipe.seed)?;
            }
            if let Some(shape) = data.image_shape {
                outputs::plot_samples(&dir.file(files::SAMPLES_PNG), &model, data.shown(), shape, recipe.seed)?;
            }
            report
        }
    };
    report.run_dir = dir.path().to_path_buf();
    dir.write_json(files::REPORT, &report)?;
    dir.write_text(files::SUMMARY, &summary(recipe, info, &report))?;
    tricks_report::write_report(dir.path()).map_err(|e| TrainError::io(dir.file(files::REPORT_HTML), e))?;
    Ok(report)
}

/// The training stage of a single model, in checkpoint names.
pub(crate) const TRAIN_STAGE: &str = "train";
/// The fine-tuning stage of a stack, in checkpoint names.
pub(crate) const FINE_TUNE_STAGE: &str = "fine-tune";

/// Read the JSON file `name` of a run directory.
pub fn read_json<T: serde::de::DeserializeOwned>(run_dir: &Path, name: &str) -> Result<T, TrainError> {
    Ok(tricks_run::read_json(&run_dir.join(name))?)
}

/// The test score of the model saved in `run_dir`, on the test split of `data`, computed on `B`'s inner backend.
pub fn evaluate<B: AutodiffBackend>(run_dir: &Path, data: &DataSource, device: &B::Device) -> Result<TestScore, TrainError> {
    let saved = saved(run_dir)?;
    let Saved { preprocessing, info, .. } = &saved;
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
    Ok(match saved.model::<B::InnerBackend>(run_dir, device)? {
        SavedModel::Classifier(model) => TestScore::Accuracy(100.0 - classification_error(&model, &test)),
        SavedModel::AutoEncoder(model) => TestScore::ReconstructionError(<AutoEncoder<B> as Trainable<B>>::validation_error(&model, &test)),
        SavedModel::Rbm(model) => TestScore::ReconstructionError(<Rbm<B> as Trainable<B>>::validation_error(&model, &test)),
    })
}

/// The classifier (an MLP, or a fine-tuned stack) saved in the finished run `run_dir`, with the run's
/// preprocessing and facts.
pub fn load_classifier<B: Backend>(run_dir: &Path, device: &B::Device) -> Result<(Mlp<B>, FittedPreprocessing, RunInfo), TrainError> {
    let saved = saved(run_dir)?;
    let model = saved.classifier(run_dir, device)?;
    Ok((model, saved.preprocessing, saved.info))
}

/// Fine-tune or train a classifier from `initial`; save it, its curves and filters; score it.
pub(crate) fn classifier<B: AutodiffBackend>(
    dir: &RunDir,
    recipe: &CheckedRecipe,
    initial: Mlp<B>,
    data: &RunData<B>,
    tsne_layer: Option<usize>,
    checkpointing: Checkpointing<'_>,
    progress: &mut dyn Progress,
) -> Result<Report, TrainError> {
    let fitted = fit_checkpointed(&initial, recipe, &data.train, &data.valid, checkpointing, progress)?;
    outputs::save_training(dir, recipe, &fitted, ValidationMeasure::ClassificationError)?;
    if let Some(shape) = data.image_shape {
        outputs::plot_filters(&dir.file(files::FILTERS_PNG), fitted.model.layers[0].weight.val(), shape)?;
    }
    let hidden = fitted.model.layers.len() - 1;
    let layer = tsne_layer.unwrap_or(hidden).min(hidden);
    outputs::write_tsne(dir, recipe, data.shown(), layer, |x| fitted.model.hidden_then_output(x).0[layer - 1].clone(), progress)?;
    Ok(Report {
        test_accuracy: data.test.as_ref().map(|test| 100.0 - classification_error(&fitted.model, test)),
        valid_error: Some(fitted.valid_error),
        train_error: Some(classification_error(&fitted.model, &data.train.inner())),
        ..report_of(&fitted)
    })
}

/// Train one unsupervised layer; save it, its curves and filters; score its reconstructions.
fn unsupervised<B: AutodiffBackend, M: Trainable<B>>(
    dir: &RunDir,
    recipe: &CheckedRecipe,
    initial: M,
    data: &RunData<B>,
    tsne_layer: Option<usize>,
    checkpointing: Checkpointing<'_>,
    progress: &mut dyn Progress,
) -> Result<(Report, M::InnerModule), TrainError>
where
    M::InnerModule: Level<B::InnerBackend>,
{
    let fitted = fit_checkpointed(&initial, recipe, &data.train, &data.valid, checkpointing, progress)?;
    outputs::save_training(dir, recipe, &fitted, M::VALIDATION)?;
    if let Some(shape) = data.image_shape {
        outputs::plot_filters(&dir.file(files::FILTERS_PNG), fitted.model.encoder().0, shape)?;
    }
    let layer = tsne_layer.unwrap_or(1).min(1);
    outputs::write_tsne(dir, recipe, data.shown(), layer, |x| fitted.model.code(x), progress)?;
    let report = Report {
        valid_reconstruction_error: Some(fitted.valid_error),
        test_reconstruction_error: data.test.as_ref().map(|test| M::validation_error(&fitted.model, test)),
        ..report_of(&fitted)
    };
    Ok((report, fitted.model))
}

/// The report fields every fitted model has.
fn report_of<M>(fitted: &Fitted<M>) -> Report {
    Report {
        test_accuracy: None,
        valid_error: None,
        train_error: None,
        valid_reconstruction_error: None,
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
    }
    if let Some(e) = r.valid_error {
        line("valid error", format!("{e:.2} %"));
    }
    if let Some(e) = r.valid_reconstruction_error {
        line("valid recon.", format!("{e:.4}"));
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
