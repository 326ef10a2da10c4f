//! Deep stacks: greedy layer-wise unsupervised pre-training, then supervised fine-tuning of the whole
//! stack as an MLP (p.2-3, p.19).

use serde::{Deserialize, Serialize};

use crate::recipe::in_range;
use crate::{
    Activation, CheckedRecipe, Model, Optimiser, OutputLoss, Patience, Penalty, Recipe, RecipeError, Stopping, defaults, preprocessing::Preprocessing,
};

/// A stack of RBMs (a deep belief net) or auto-encoders (a stacked denoising auto-encoder), fine-tuned
/// with the recipe's own optimiser and stopping rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StackSpec {
    /// Layers, input side first; each is pre-trained on the representation of the layers below.
    pub layers: Vec<StackLayer>,
    /// Output units and loss of the fine-tuned network (p.14).
    pub output: OutputLoss,
}

/// One level of a stack and how it is pre-trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StackLayer {
    /// The unsupervised model of this level: `rbm` or `auto-encoder`.
    pub model: Model,
    /// Pre-training SGD settings of this level (per-layer learning rates, p.11).
    pub optimiser: Optimiser,
    /// Weight penalties during pre-training (HG: L2 on RBM weights only).
    pub penalty: Penalty,
    /// Pre-training epochs of this level.
    pub epochs: usize,
    /// At least this many pre-training updates: on a small training set the level trains more than `epochs`
    /// epochs (0: exactly `epochs`).
    #[serde(default)]
    pub min_updates: u64,
}

impl StackLayer {
    /// Pre-training epochs on `examples` training examples: `epochs`, or more to make `min_updates` updates.
    pub fn epochs_for(&self, examples: usize) -> usize {
        crate::epochs_for(self.epochs, self.min_updates, self.optimiser.updates_per_epoch(examples) as u64)
    }

    /// Number of hidden units of this level.
    pub fn units(&self) -> usize {
        match &self.model {
            Model::Rbm(r) => r.hidden,
            Model::AutoEncoder(a) => a.hidden,
            Model::Mlp(_) | Model::Stack(_) => 0,
        }
    }

    /// The non-linearity this level's units compute in the fine-tuned network: sigmoid for an RBM's
    /// hidden units, the encoder's for an auto-encoder.
    pub fn activation(&self) -> Activation {
        match &self.model {
            Model::AutoEncoder(a) => a.activation,
            _ => Activation::Sigmoid,
        }
    }
}

impl StackSpec {
    /// Hidden-layer sizes of the fine-tuned network.
    pub fn hidden(&self) -> Vec<usize> {
        self.layers.iter().map(StackLayer::units).collect()
    }

    /// The fine-tuned network's hidden non-linearity (every level must agree).
    pub fn activation(&self) -> Activation {
        self.layers.first().map_or(Activation::Sigmoid, StackLayer::activation)
    }
}

impl Recipe {
    /// Check the levels of this stack recipe: their kind, epochs and non-linearity, and the recipe each
    /// level pre-trains with ([`CheckedRecipe::level_recipe`]), so that a checked stack's levels are checked.
    /// Errors name the level's field as `--set` spells it (`model.layers.1.optimiser.learning_rate`).
    pub(crate) fn check_levels(&self, stack: &StackSpec) -> Result<(), RecipeError> {
        if stack.layers.is_empty() {
            return Err(RecipeError::range("model.layers", "[]", "one or more levels"));
        }
        for (i, layer) in stack.layers.iter().enumerate() {
            let at = format!("model.layers.{i}");
            if !matches!(layer.model, Model::Rbm(_) | Model::AutoEncoder(_)) {
                return Err(RecipeError::range(&format!("{at}.model.kind"), kind(&layer.model), "rbm or auto-encoder"));
            }
            in_range(&format!("{at}.epochs"), layer.epochs as f64)?;
            in_range(&format!("{at}.min_updates"), layer.min_updates as f64)?;
            if layer.activation() != stack.activation() {
                return Err(RecipeError::range(
                    &format!("{at}.model.activation"),
                    format!("{:?}", layer.activation()),
                    &format!("{:?}, as level 0: the fine-tuned network has one hidden non-linearity", stack.activation()),
                ));
            }
            let level = self.level(stack, i, 1);
            level.check_fields().map_err(|e| prefixed(e, &at))?;
        }
        Ok(())
    }

    /// The recipe that pre-trains level `i` of `stack` (this recipe's model) on `examples` training examples.
    fn level(&self, stack: &StackSpec, i: usize, examples: usize) -> Recipe {
        let layer = &stack.layers[i];
        let mut r = self.clone();
        r.name = format!("{} level {}", self.name, i + 1);
        r.model = layer.model.clone();
        r.optimiser = layer.optimiser.clone();
        r.penalty = layer.penalty.clone();
        r.stopping = Stopping::off(layer.epochs_for(examples));
        r.validate_every = None;
        r.preprocessing = if i == 0 { self.preprocessing.clone() } else { Preprocessing::None };
        r.seed = self.seed.wrapping_add(i as u64 + 1);
        r.monitor_every = 0; // only the fine-tuning run's statistics are written
        r
    }

    /// The linear probe of a stack level trained on `train_len` examples (the chapter's Algorithm 1 scores a
    /// level by a classifier on its code, p.19): the `logistic` recipe with seed `seed`, stopped by patience
    /// after at most [`defaults::PROBE_MAX_EPOCHS`] epochs, its batch shrunk so that an epoch makes at least
    /// [`defaults::PROBE_MIN_UPDATES_PER_EPOCH`] updates, without monitoring.
    pub fn probe(seed: u64, train_len: usize) -> CheckedRecipe {
        let mut recipe = Recipe::logistic();
        recipe.optimiser.batch_size = recipe.optimiser.batch_size.min(train_len.div_ceil(defaults::PROBE_MIN_UPDATES_PER_EPOCH)).max(1);
        recipe.stopping = Stopping::Patience(Patience { max_epochs: defaults::PROBE_MAX_EPOCHS, ..Patience::default() });
        recipe.seed = seed;
        recipe.monitor_every = 0; // the probe's statistics are not written
        CheckedRecipe::trusted(recipe)
    }
}

impl CheckedRecipe {
    /// The checked recipe that pre-trains level `i` of this stack recipe on `examples` training examples: the
    /// level's model, optimiser, penalty and epochs (no early stopping, no monitoring), on the representation
    /// below, which is already preprocessed. `None` when this is not a stack or has no level `i`. The stack's
    /// check checked every level, so this one needs none.
    pub fn level_recipe(&self, i: usize, examples: usize) -> Option<CheckedRecipe> {
        let Model::Stack(stack) = &self.model else { return None };
        (i < stack.layers.len()).then(|| CheckedRecipe::trusted(self.level(stack, i, examples)))
    }
}

/// The `kind` tag of a model, as recipes spell it.
pub fn kind(model: &Model) -> &'static str {
    match model {
        Model::Mlp(_) => "mlp",
        Model::Rbm(_) => "rbm",
        Model::AutoEncoder(_) => "auto-encoder",
        Model::Stack(_) => "stack",
    }
}

fn prefixed(e: RecipeError, at: &str) -> RecipeError {
    match e {
        RecipeError::OutOfRange { field, value, allowed } => RecipeError::OutOfRange { field: format!("{at}.{field}"), value, allowed },
        other => other,
    }
}
