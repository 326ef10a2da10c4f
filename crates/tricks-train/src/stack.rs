//! Greedy layer-wise pre-training of a stack, a linear probe of each level, and the network that
//! fine-tuning starts from (p.2-3, p.19).

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Param;
use burn::tensor::{
    Tensor,
    backend::{AutodiffBackend, Backend},
};
use tricks_core::{CheckedRecipe, Model, Recipe, StackSpec, kind};
use tricks_models::{AutoEncoder, Mlp, Rbm};

use tricks_run::{LevelReport, RunDir, RunInfo, files};

use crate::device_data::RunData;
use crate::outputs::{plot_filters, save_model};
use crate::snapshot_codec::load_module;
use crate::trainable::EVAL_CHUNK;
use crate::{Checkpointing, DeviceSplit, Level, Progress, TrainError, Trainable, fit, fit_checkpointed};

/// Pre-train each level of `stack` on the code of the levels below, probe each level's code with a
/// logistic regression, and return the fine-tuning network initialised with the levels' encoders. Each
/// finished level is saved (`level1.mpk`, `level1.json`); a resumed run loads the finished levels and
/// continues at the first unfinished one, from its checkpoint.
pub(crate) fn pretrain_stack<B: AutodiffBackend>(
    dir: &RunDir,
    recipe: &CheckedRecipe,
    stack: &StackSpec,
    data: &RunData<B>,
    progress: &mut dyn Progress,
) -> Result<(Mlp<B>, Vec<LevelReport>), TrainError> {
    let device = data.train.inputs.device();
    let spec = recipe.model.classifier().expect("a stack is a classifier");
    let mut network = Mlp::<B>::new(&spec, data.train.inputs.dims()[1], data.classes, recipe.seed, &device);
    let (mut train, mut valid) = (data.train.clone(), data.valid.clone());
    let mut levels = Vec::new();
    for (i, layer) in stack.layers.iter().enumerate() {
        let number = i + 1;
        let started = Instant::now();
        let level_recipe = recipe.level_recipe(i, train.len()).expect("the level exists");
        let epochs = layer.epochs_for(train.len());
        let inputs = train.inputs.dims()[1];
        let seed = level_recipe.seed;
        let finished = dir.file(&files::level_report(number)).is_file();
        if finished {
            progress.message(&format!("level {number}/{}: pre-trained already, loaded from {}", stack.layers.len(), files::level_model(number)));
        } else {
            progress.message(&format!(
                "pre-training level {number}/{}: {} of {} units, {epochs} epochs",
                stack.layers.len(),
                kind(&layer.model),
                layer.units()
            ));
        }
        let stage = files::level(number);
        let checkpointing = Checkpointing { dir, stage: &stage, live: false };
        let level = match &layer.model {
            Model::Rbm(s) => {
                let initial = Rbm::<B>::new(s, inputs, &column_means(&train.inputs), seed, &device);
                level_of(initial, finished, &level_recipe, &train, &valid, dir, number, checkpointing, progress)?
            }
            Model::AutoEncoder(s) => {
                let initial = AutoEncoder::<B>::new(s, inputs, seed, &device);
                level_of(initial, finished, &level_recipe, &train, &valid, dir, number, checkpointing, progress)?
            }
            Model::Mlp(_) | Model::Stack(_) => unreachable!("StackSpec::check allows RBMs and auto-encoders only"),
        };
        if i == 0
            && !finished
            && let Some(shape) = data.image_shape
        {
            plot_filters(&dir.file(&files::level_filters(number)), level.weight.clone(), shape)?;
        }
        initialise_layer(&mut network, i, level.weight, level.bias);
        train = DeviceSplit { inputs: level.train_code, ..train };
        valid = DeviceSplit { inputs: level.valid_code, ..valid };
        let report = if finished {
            tricks_run::read_json(&dir.file(&files::level_report(number)))?
        } else {
            progress.message(&format!("linear probe of level {number}: logistic regression on its code"));
            let probe_valid_error = probe(recipe.seed, &train, &valid, data.classes, progress)?;
            let report = LevelReport {
                level: number,
                kind: kind(&layer.model).to_string(),
                units: layer.units(),
                epochs,
                valid_reconstruction_error: level.valid_error,
                probe_valid_error,
                seconds: level.seconds + started.elapsed().as_secs_f64(),
            };
            dir.write_json(&files::level_report(number), &report)?; // the level is finished
            report
        };
        levels.push(report);
    }
    Ok((network, levels))
}

/// Copy into `dir` the finished levels of another run that this run would pre-train identically (the
/// chapter's Algorithm 1 continues each surviving setting to the next level, p.19): the most leading levels
/// whose level recipes (model, optimiser, penalty, epochs, seed) equal `recipe`'s, from a stack run on the same
/// data with the same preprocessing and training sample. `candidates` are run directories or folders of
/// them. Returns how many levels were copied, and from where; [`pretrain_stack`] then loads them as a resumed
/// run loads its finished levels.
pub(crate) fn adopt_levels(dir: &RunDir, recipe: &CheckedRecipe, info: &RunInfo, candidates: &[PathBuf]) -> Result<Option<(usize, PathBuf)>, TrainError> {
    let runs = candidates.iter().flat_map(|c| {
        if c.join(files::RECIPE).is_file() {
            vec![c.clone()]
        } else {
            std::fs::read_dir(c).map(|d| d.flatten().map(|e| e.path()).filter(|p| p.join(files::RECIPE).is_file()).collect()).unwrap_or_default()
        }
    });
    let mut best: Option<(usize, PathBuf)> = None;
    for run in runs.filter(|r| r != dir.path()) {
        let shared = shared_levels(&run, recipe, info);
        if shared > best.as_ref().map_or(0, |b| b.0) {
            best = Some((shared, run));
        }
    }
    if let Some((levels, from)) = &best {
        for level in 1..=*levels {
            // The level's model first: its report marks it finished.
            for name in [files::level_filters(level), files::level_model(level), files::level_report(level)] {
                let source = from.join(&name);
                if source.is_file() {
                    let bytes = std::fs::read(&source).map_err(|e| TrainError::io(&source, e))?;
                    tricks_run::write_atomic(&dir.file(&name), &bytes)?;
                }
            }
        }
    }
    Ok(best)
}

/// The number of leading finished levels of the run `run` that `recipe` on `info`'s data would pre-train
/// identically; 0 when `run` cannot be read or differs in data, preprocessing or sample.
fn shared_levels(run: &Path, recipe: &CheckedRecipe, info: &RunInfo) -> usize {
    let read = || -> Option<(CheckedRecipe, RunInfo)> {
        Some((tricks_run::read_json::<Recipe>(&run.join(files::RECIPE)).ok()?.check().ok()?, tricks_run::read_json(&run.join(files::RUN)).ok()?))
    };
    let Some((other, other_info)) = read() else { return 0 };
    if other_info.data != info.data || other.preprocessing != recipe.preprocessing || other.bootstrap != recipe.bootstrap {
        return 0;
    }
    let examples = info.data.train;
    (0..)
        .take_while(|&i| match (recipe.level_recipe(i, examples), other.level_recipe(i, examples)) {
            (Some(a), Some(b)) => a == b && run.join(files::level_model(i + 1)).is_file() && run.join(files::level_report(i + 1)).is_file(),
            _ => false,
        })
        .count()
}

/// A pre-trained level: its encoder and the codes of the training and validation splits.
struct TrainedLevel<B: AutodiffBackend> {
    weight: Tensor<B::InnerBackend, 2>,
    bias: Tensor<B::InnerBackend, 1>,
    train_code: Tensor<B, 2>,
    valid_code: Tensor<B::InnerBackend, 2>,
    valid_error: f64,
    /// Seconds of training before this process (a resumed level), to add to this process's.
    seconds: f64,
}

/// Level `number`: loaded from `level1.mpk` when `finished`, else pre-trained (from its checkpoint, if
/// any) and saved there.
#[allow(clippy::too_many_arguments)]
fn level_of<B: AutodiffBackend, M: Trainable<B>>(
    initial: M,
    finished: bool,
    recipe: &CheckedRecipe,
    train: &DeviceSplit<B>,
    valid: &DeviceSplit<B::InnerBackend>,
    dir: &RunDir,
    number: usize,
    checkpointing: Checkpointing<'_>,
    progress: &mut dyn Progress,
) -> Result<TrainedLevel<B>, TrainError>
where
    M::InnerModule: Level<B::InnerBackend>,
{
    let path = dir.file(&files::level_model(number));
    let (model, valid_error, seconds) = if finished {
        let bytes = std::fs::read(&path).map_err(|e| TrainError::io(&path, e))?;
        (load_module(initial.valid(), bytes, &train.inputs.device(), &path)?, f64::NAN, 0.0)
    } else {
        let started = Instant::now();
        let fitted = fit_checkpointed(&initial, recipe, train, valid, checkpointing, progress)?;
        save_model(&path, &fitted.model)?;
        (fitted.model, fitted.valid_error, fitted.seconds - started.elapsed().as_secs_f64())
    };
    let (weight, bias) = model.encoder();
    Ok(TrainedLevel {
        weight,
        bias,
        train_code: Tensor::from_inner(code(&model, train.inputs.clone().inner())),
        valid_code: code(&model, valid.inputs.clone()),
        valid_error,
        seconds,
    })
}

/// The code of every row of `x`, computed in chunks to bound memory.
fn code<B: Backend, L: Level<B>>(level: &L, x: Tensor<B, 2>) -> Tensor<B, 2> {
    let rows = x.dims()[0];
    let chunks: Vec<_> = (0..rows).step_by(EVAL_CHUNK).map(|s| level.code(x.clone().narrow(0, s, EVAL_CHUNK.min(rows - s)))).collect();
    Tensor::cat(chunks, 0)
}

/// Copy a level's encoder into hidden layer `i` of the fine-tuning network, keeping the layer's ids.
fn initialise_layer<B: AutodiffBackend>(network: &mut Mlp<B>, i: usize, weight: Tensor<B::InnerBackend, 2>, bias: Tensor<B::InnerBackend, 1>) {
    let layer = &mut network.layers[i];
    layer.weight = Param::initialized(layer.weight.id, Tensor::from_inner(weight).require_grad());
    let bias_id = layer.bias.as_ref().expect("MLP layers have biases").id;
    layer.bias = Some(Param::initialized(bias_id, Tensor::from_inner(bias).require_grad()));
}

/// Validation error (percent) of the `logistic` recipe (with a smaller batch on small data) trained on `train`'s inputs (the chapter's
/// Algorithm 1 scores a level this way, p.19).
fn probe<B: AutodiffBackend>(
    seed: u64,
    train: &DeviceSplit<B>,
    valid: &DeviceSplit<B::InnerBackend>,
    classes: usize,
    progress: &mut dyn Progress,
) -> Result<f64, TrainError> {
    let recipe = Recipe::probe(seed, train.len());
    let spec = recipe.model.classifier().expect("logistic regression is a classifier");
    let model = Mlp::<B>::new(&spec, train.inputs.dims()[1], classes, seed, &train.inputs.device());
    Ok(fit(&model, &recipe, train, valid, progress)?.valid_error)
}

/// Per-feature means of the rows of `x` (an RBM's visible biases start from them, p.15).
pub(crate) fn column_means<B: Backend>(x: &Tensor<B, 2>) -> Vec<f32> {
    x.clone().mean_dim(0).into_data().convert::<f32>().into_vec::<f32>().expect("f32 means")
}
