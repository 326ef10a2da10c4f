//! A finished run directory read back: its recipe, preprocessing and facts, and its model, whose file is
//! checked tensor by tensor against what the recipe builds ([`tricks_run::ModelFile`]) before Burn loads
//! it; and the model written out for other programs ([`export`]).

use std::collections::HashMap;
use std::path::Path;

use burn::module::Module;
use burn::tensor::backend::Backend;
use tricks_core::{Model, Recipe};
use tricks_data::FittedPreprocessing;
use tricks_models::{AutoEncoder, Mlp, Rbm};
use tricks_run::{ModelFile, RunInfo, files};

use crate::TrainError;
use crate::named_parameters::parameter_shapes;
use crate::run::read_json;
use crate::snapshot_codec::load_module;

/// What a finished run directory keeps besides its model.
pub(crate) struct Saved {
    pub recipe: Recipe,
    pub preprocessing: FittedPreprocessing,
    pub info: RunInfo,
}

/// The model of a finished run, of the kind its recipe trains.
pub(crate) enum SavedModel<B: Backend> {
    /// An MLP, or a fine-tuned stack.
    Classifier(Mlp<B>),
    /// A single auto-encoder.
    AutoEncoder(AutoEncoder<B>),
    /// A single RBM.
    Rbm(Rbm<B>),
}

/// The facts (`run.json`) of the finished run `run_dir`; an error naming the folder if it is not one.
pub fn finished_run(run_dir: &Path) -> Result<RunInfo, TrainError> {
    if tricks_run::run_state(run_dir) != tricks_run::RunState::Finished {
        return Err(TrainError::io(run_dir, "not a finished run directory (no report.json, or still UNFINISHED)"));
    }
    read_json(run_dir, files::RUN)
}

/// The recipe, preprocessing and facts of the finished run `run_dir`.
pub(crate) fn saved(run_dir: &Path) -> Result<Saved, TrainError> {
    let info = finished_run(run_dir)?;
    Ok(Saved { recipe: read_json(run_dir, files::RECIPE)?, preprocessing: read_json(run_dir, files::PREPROCESSING)?, info })
}

impl Saved {
    /// The run's model as its recipe builds it, freshly initialised: the template its file is checked
    /// against and loaded into.
    fn template<B: Backend>(&self, device: &B::Device) -> SavedModel<B> {
        let (inputs, seed) = (self.info.input_dim, self.recipe.seed);
        match &self.recipe.model {
            Model::Mlp(_) | Model::Stack(_) => {
                let spec = self.recipe.model.classifier().expect("MLPs and stacks are classifiers");
                SavedModel::Classifier(Mlp::new(&spec, inputs, self.info.data.classes, seed, device))
            }
            Model::AutoEncoder(spec) => SavedModel::AutoEncoder(AutoEncoder::new(spec, inputs, seed, device)),
            Model::Rbm(spec) => SavedModel::Rbm(Rbm::new(spec, inputs, &vec![0.5; inputs], seed, device)),
        }
    }

    /// The model saved in `run_dir`, checked and loaded on `device`.
    pub(crate) fn model<B: Backend>(&self, run_dir: &Path, device: &B::Device) -> Result<SavedModel<B>, TrainError> {
        let path = run_dir.join(files::MODEL);
        Ok(match self.template::<B>(device) {
            SavedModel::Classifier(m) => SavedModel::Classifier(load_checked(m, &path, device)?),
            SavedModel::AutoEncoder(m) => SavedModel::AutoEncoder(load_checked(m, &path, device)?),
            SavedModel::Rbm(m) => SavedModel::Rbm(load_checked(m, &path, device)?),
        })
    }

    /// The classifier saved in `run_dir`; an error for unsupervised recipes.
    pub(crate) fn classifier<B: Backend>(&self, run_dir: &Path, device: &B::Device) -> Result<Mlp<B>, TrainError> {
        match self.model::<B>(run_dir, device)? {
            SavedModel::Classifier(model) => Ok(model),
            _ => Err(TrainError::io(run_dir, format!("recipe `{}` trains no classifier (an MLP or a stack)", self.recipe.name))),
        }
    }

    /// Names and shapes of the model's tensors, as the recipe builds them.
    fn shapes<B: Backend>(&self, device: &B::Device) -> Vec<(String, Vec<usize>)> {
        match self.template::<B>(device) {
            SavedModel::Classifier(m) => parameter_shapes(&m),
            SavedModel::AutoEncoder(m) => parameter_shapes(&m),
            SavedModel::Rbm(m) => parameter_shapes(&m),
        }
    }
}

/// `template` with the parameters of the model file at `path`, once the file is known to hold exactly the
/// template's tensors with their shapes.
fn load_checked<B: Backend, M: Module<B>>(template: M, path: &Path, device: &B::Device) -> Result<M, TrainError> {
    let bytes = std::fs::read(path).map_err(|e| TrainError::io(path, format!("cannot read the model file: {e}")))?;
    ModelFile::parse(path, &bytes)?.check(path, &parameter_shapes(&template))?;
    load_module(template, bytes, device, path)
}

/// Version of the metadata layout of exported files: bumped when a key or a tensor layout changes.
pub const EXPORT_FORMAT: &str = "tricks-export-1";

/// The model of the finished run `run_dir` as a safetensors file: its tensors under their module paths
/// (an MLP's `layers.{i}.weight` as `[inputs, outputs]`, `layers.{i}.bias` as `[outputs]`, so that each layer
/// computes `x · weight + bias`), and as metadata `format` ([`EXPORT_FORMAT`]), `recipe`, `preprocessing`
/// and `run` (the run's JSON files, verbatim), `model` (`mlp`, `auto-encoder` or `rbm`) and, for classifiers
/// (MLPs and fine-tuned stacks), the hidden units' `activation` and the `output` units as recipes name them
/// (`tanh`, `softmax-nll`, ...). The file is
/// checked against the recipe first, as for loading. `B` only builds the template the file is checked
/// against.
pub fn export<B: Backend>(run_dir: &Path, device: &B::Device) -> Result<Vec<u8>, TrainError> {
    let saved = saved(run_dir)?;
    let path = run_dir.join(files::MODEL);
    let model = ModelFile::read(&path)?;
    model.check(&path, &saved.shapes::<B>(device))?;
    let kind = match saved.recipe.model {
        Model::Mlp(_) | Model::Stack(_) => "mlp",
        Model::AutoEncoder(_) => "auto-encoder",
        Model::Rbm(_) => "rbm",
    };
    let mut metadata = HashMap::from([("format".to_string(), EXPORT_FORMAT.to_string()), ("model".to_string(), kind.to_string())]);
    if let Some(spec) = saved.recipe.model.classifier() {
        let word = |v: serde_json::Result<serde_json::Value>| v.ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        metadata.insert("activation".into(), word(serde_json::to_value(spec.activation)));
        metadata.insert("output".into(), word(serde_json::to_value(spec.output)));
    }
    for (key, name) in [("recipe", files::RECIPE), ("preprocessing", files::PREPROCESSING), ("run", files::RUN)] {
        let text = std::fs::read_to_string(run_dir.join(name)).map_err(|e| TrainError::io(run_dir.join(name), e))?;
        metadata.insert(key.to_string(), text);
    }
    Ok(model.safetensors(metadata)?)
}
