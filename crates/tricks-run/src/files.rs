//! The names of a run directory's files and folders, each declared once.

/// The resolved recipe.
pub const RECIPE: &str = "recipe.json";
/// Seed, backend, data source and description, versions, command line.
pub const RUN: &str = "run.json";
/// The preprocessing fitted on the training split.
pub const PREPROCESSING: &str = "preprocessing.json";
/// The kept model's parameters (Burn named MessagePack, full precision; read by [`crate::ModelFile`]).
pub const MODEL: &str = "model.mpk";
/// The model exported by `tricks export` (safetensors), when written into the run directory.
pub const SAFETENSORS: &str = "model.safetensors";
/// Learning curve as CSV ([`crate::curves_csv`]), appended at every validation while training.
pub const CURVES_CSV: &str = "curves.csv";
/// Learning curve as an image.
pub const CURVES_PNG: &str = "curves.png";
/// First-layer filters as a tiled image (p.22-23), when the inputs are images.
pub const FILTERS_PNG: &str = "filters.png";
/// Final numbers, machine-readable ([`crate::Report`]).
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
/// Present while a run is unfinished (killed, failed on a write, or still training); held locked by the
/// process training it, so that two processes cannot train or resume the same run at once.
pub const UNFINISHED: &str = "UNFINISHED";
/// The folder of checkpoints of an unfinished run, one file per training stage; removed when the run
/// finishes.
pub const CHECKPOINTS: &str = "checkpoints";

/// The summary of a `tricks train --seeds N` folder ([`crate::SeedsReport`]): one run per seed in
/// `seed-S` beside it, and the mean and spread of their scores (p.15).
pub const SEEDS: &str = "seeds.json";

/// The score of an ensemble of a folder of seeds beside it (`tricks ensemble --bagging`), p.15.
pub const ENSEMBLE: &str = "ensemble.json";

/// What begins the names of a stack level's files, before the level's number.
pub const LEVEL_PREFIX: &str = "level";

/// The name of a stack's level `level` (1 = nearest the input) in file names: `level1`, `level2`, …
pub fn level(level: usize) -> String {
    format!("{LEVEL_PREFIX}{level}")
}

/// A finished, pre-trained level of a stack: its model (`level1.mpk`).
pub fn level_model(level: usize) -> String {
    format!("{}.mpk", self::level(level))
}

/// A finished level's report ([`crate::LevelReport`]), written once the level and its probe are done.
pub fn level_report(level: usize) -> String {
    format!("{}.json", self::level(level))
}

/// A level's first-layer filters after pre-training (`level1-filters.png`).
pub fn level_filters(level: usize) -> String {
    format!("{}-filters.png", self::level(level))
}

/// The checkpoint file of training stage `stage` (`train`, `level1`, `fine-tune`) inside [`CHECKPOINTS`].
pub fn checkpoint(stage: &str) -> String {
    format!("{stage}.ckpt")
}

/// The per-layer statistics of stage `stage` so far, a log of snapshots
/// ([`crate::checkpoint::append_records`]), inside [`CHECKPOINTS`].
pub fn monitor_log(stage: &str) -> String {
    format!("{stage}.monitor.log")
}
