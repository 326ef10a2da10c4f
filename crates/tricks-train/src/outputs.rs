//! What a run writes besides its numbers: the model file, learning curves, and pictures (p.22-23).

use std::path::Path;

use burn::module::Module;
use burn::tensor::{Tensor, backend::Backend};
use tricks_core::Recipe;
use tricks_models::{AutoEncoder, Rbm};
use tricks_run::{CurvePoint, RunDir, ValidationMeasure, curves_csv, files};

use crate::snapshot_codec::module_bytes;
use crate::{DeviceSplit, Fitted, Progress, TrainError};

/// Maximum number of units drawn in a filters picture.
const MAX_FILTERS: usize = 100;
/// Test examples shown in pictures of reconstructions and samples (*ours*).
const SHOWN_EXAMPLES: usize = 10;
/// Snapshots of each Gibbs chain in the samples picture, and Gibbs steps between two snapshots (*ours*;
/// DLT draws 10 snapshots 1000 steps apart).
const SAMPLE_SNAPSHOTS: usize = 10;
const GIBBS_STEPS_BETWEEN_SNAPSHOTS: usize = 200;

/// Save the kept model (Burn named MessagePack, full precision), its learning curves (whose validation
/// measures `measure`) and its per-layer statistics.
pub(crate) fn save_training<B: Backend, M: Module<B>>(dir: &RunDir, recipe: &Recipe, fitted: &Fitted<M>, measure: ValidationMeasure) -> Result<(), TrainError> {
    save_model(&dir.file(files::MODEL), &fitted.model)?;
    dir.write_text(files::CURVES_CSV, &curves_csv(measure, &fitted.curve))?;
    plot_curves(&dir.file(files::CURVES_PNG), &recipe.name, &fitted.curve)?;
    crate::monitor_plot::save_monitor(dir, &recipe.name, &fitted.monitor)
}

/// Save `model` at `path` atomically (Burn named MessagePack, full precision: the format Burn's
/// `NamedMpkFileRecorder` reads).
pub(crate) fn save_model<B: Backend, M: Module<B>>(path: &Path, model: &M) -> Result<(), TrainError> {
    Ok(tricks_run::write_atomic(path, &module_bytes(model, path)?)?)
}

fn plot_curves(path: &Path, name: &str, curve: &[CurvePoint]) -> Result<(), TrainError> {
    let series = |f: fn(&CurvePoint) -> f64| {
        vec![tricks_plot::Series { label: name.to_string(), points: curve.iter().map(|p| (p.examples_seen as f64, f(p))).collect() }]
    };
    tricks_plot::learning_curves(path, &format!("{name}: learning curves"), &series(|p| p.train_loss), &series(|p| p.valid_error))
        .map_err(|e| TrainError::io(path, e))
}

/// Each unit's incoming weights (`weights` is [inputs, units]) as an image (p.22-23).
pub(crate) fn plot_filters<B: Backend>(path: &Path, weights: Tensor<B, 2>, shape: (usize, usize)) -> Result<(), TrainError> {
    let [inputs, units] = weights.dims();
    let values = host(path, weights)?;
    let filters: Vec<Vec<f32>> = (0..units.min(MAX_FILTERS)).map(|u| (0..inputs).map(|i| values[i * units + u]).collect()).collect();
    tiles(path, &filters, shape, (filters.len() as f64).sqrt().ceil() as usize)
}

/// Rows of test inputs, their corruption and their reconstruction from the corrupted input (p.4).
pub(crate) fn plot_reconstructions<B: Backend>(path: &Path, model: &AutoEncoder<B>, test: &DeviceSplit<B>, shape: (usize, usize)) -> Result<(), TrainError> {
    let x = first_rows(test);
    let corrupted = model.corrupt(x.clone());
    let reconstructed = model.reconstruct(corrupted.clone());
    let mut images = Vec::new();
    for t in [x, corrupted, reconstructed] {
        images.extend(rows_of(path, t)?);
    }
    tiles(path, &images, shape, images.len() / 3)
}

/// What `samples.png` shows: Gibbs chains of `model` started at `start` (one chain per row), the generator
/// seeded with `seed`; the visible means of each chain at `SAMPLE_SNAPSHOTS` snapshots
/// `GIBBS_STEPS_BETWEEN_SNAPSHOTS` steps apart, first snapshot first.
pub fn rbm_samples<B: Backend>(model: &Rbm<B>, start: Tensor<B, 2>, seed: u64) -> Vec<Tensor<B, 2>> {
    B::seed(&start.device(), seed);
    let mut v = start;
    (0..SAMPLE_SNAPSHOTS)
        .map(|_| {
            for _ in 0..GIBBS_STEPS_BETWEEN_SNAPSHOTS {
                v = model.gibbs_step(v.clone());
            }
            model.visible_mean(model.hidden_probabilities(v.clone()))
        })
        .collect()
}

/// Each row a Gibbs chain of the RBM started at a test example: the example, then [`rbm_samples`].
pub(crate) fn plot_samples<B: Backend>(path: &Path, model: &Rbm<B>, test: &DeviceSplit<B>, shape: (usize, usize), seed: u64) -> Result<(), TrainError> {
    let start = first_rows(test);
    let chains = start.dims()[0];
    let mut snapshots = vec![rows_of(path, start.clone())?];
    for s in rbm_samples(model, start, seed) {
        snapshots.push(rows_of(path, s)?);
    }
    // One row per chain: tiles are laid out row by row.
    let images: Vec<Vec<f32>> = (0..chains).flat_map(|c| snapshots.iter().map(move |s| s[c].clone())).collect();
    tiles(path, &images, shape, SAMPLE_SNAPSHOTS + 1)
}

/// Examples embedded by t-SNE (*ours*: exact t-SNE on 1,000 points takes seconds).
const TSNE_POINTS: usize = 1000;
/// Perplexity of the t-SNE map (van der Maaten & Hinton 2008 suggest 5-50).
const TSNE_PERPLEXITY: f64 = 30.0;

/// `tsne.png`: a 2-D t-SNE map of layer `layer` (0: the inputs) of the first examples of `shown` (the test
/// split, or the validation split of a run without test), coloured by class; `code` computes that layer.
pub(crate) fn write_tsne<B: Backend>(
    dir: &RunDir,
    recipe: &Recipe,
    shown: &DeviceSplit<B>,
    layer: usize,
    code: impl FnOnce(Tensor<B, 2>) -> Tensor<B, 2>,
    progress: &mut dyn Progress,
) -> Result<(), TrainError> {
    progress.message(&format!("t-SNE of layer {layer}"));
    let examples = shown.inputs.clone().narrow(0, 0, TSNE_POINTS.min(shown.len()));
    let code = if layer == 0 { examples } else { code(examples) };
    let [rows, dim] = code.dims();
    let path = dir.file(files::TSNE_PNG);
    let points = tricks_plot::tsne_2d(&host(&path, code)?, dim, TSNE_PERPLEXITY, recipe.seed).map_err(|e| TrainError::io(&path, e))?;
    let title = format!("{}: t-SNE of layer {layer}", recipe.name);
    tricks_plot::class_scatter(&path, &title, &points, &shown.labels[..rows], None).map_err(|e| TrainError::io(&path, e))
}

fn first_rows<B: Backend>(split: &DeviceSplit<B>) -> Tensor<B, 2> {
    split.inputs.clone().narrow(0, 0, SHOWN_EXAMPLES.min(split.len()))
}

fn host<B: Backend, const D: usize>(path: &Path, t: Tensor<B, D>) -> Result<Vec<f32>, TrainError> {
    t.into_data().convert::<f32>().into_vec::<f32>().map_err(|e| TrainError::io(path, format!("{e:?}")))
}

fn rows_of<B: Backend>(path: &Path, t: Tensor<B, 2>) -> Result<Vec<Vec<f32>>, TrainError> {
    let [_, dim] = t.dims();
    Ok(host(path, t)?.chunks(dim).map(<[f32]>::to_vec).collect())
}

fn tiles(path: &Path, images: &[Vec<f32>], shape: (usize, usize), cols: usize) -> Result<(), TrainError> {
    tricks_plot::tiles(path, images, shape, cols.max(1)).map_err(|e| TrainError::io(path, e))
}
