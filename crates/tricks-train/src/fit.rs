//! The one training loop: mini-batch SGD with the chapter's rules, early stopping, and divergence
//! handling (p.5-11). Every model goes through it.

use std::time::Instant;

use burn::module::AutodiffModule;
use burn::optim::GradientsParams;
use burn::tensor::{ElementConversion, Tensor, backend::AutodiffBackend};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use tricks_core::{CheckedRecipe, Recipe, Stopping, penalty_scale};

use crate::{DeviceSplit, ParameterAverage, PendingSnapshot, Progress, SgdState, Snapshot, StepSettings, TrainError, Trainable, sgd_step};

/// The training loss is read back from the device every this many updates (for progress and
/// divergence checks); reading it after every update would stall a GPU (p.23-24). *Ours.*
const READ_LOSS_EVERY: u64 = 25;
/// Salt mixed into the seed for the example order, so that order and initialisation draw differ.
const ORDER_SALT: u64 = 0x0DE5_0F0D;

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
    /// Validation error in percent.
    pub valid_error: f64,
    /// Learning rate of the last update.
    pub learning_rate: f64,
}

/// A trained model and how it got there.
#[derive(Debug, Clone)]
pub struct Fitted<M> {
    /// The model kept: the best on validation with early stopping, the last one without.
    pub model: M,
    /// The learning curve.
    pub curve: Vec<CurvePoint>,
    /// Validation error of the model kept, in percent.
    pub valid_error: f64,
    /// Epochs begun.
    pub epochs: usize,
    /// Training examples processed.
    pub examples_seen: u64,
    /// Parameter updates made.
    pub updates: u64,
    /// Initial learning rate of the attempt that succeeded (smaller than the recipe's after restarts).
    pub learning_rate: f64,
    /// Restarts after divergence.
    pub restarts: u32,
    /// Wall-clock seconds, restarts included.
    pub seconds: f64,
    /// Per-layer statistics taken every `recipe.monitor_every` updates (p.22-23), oldest first.
    pub monitor: Vec<Snapshot>,
}

/// Train `initial` on `train`, watching `valid`. On divergence, restart from `initial` with ε0 divided
/// by the recipe's divisor (p.5), at most `divergence.max_retries` times.
pub fn fit<B: AutodiffBackend, M: Trainable<B>>(
    initial: &M,
    recipe: &CheckedRecipe,
    train: &DeviceSplit<B>,
    valid: &DeviceSplit<B::InnerBackend>,
    progress: &mut dyn Progress,
) -> Result<Fitted<M::InnerModule>, TrainError> {
    recipe.check_validation_interval(valid.len())?;
    if train.is_empty() {
        return Err(TrainError::EmptyTrainingSet);
    }
    let started = Instant::now();
    let mut learning_rate = recipe.optimiser.learning_rate;
    for restarts in 0..=recipe.divergence.max_retries {
        match attempt(initial.clone(), recipe, learning_rate, train, valid, progress) {
            Ok(mut fitted) => {
                fitted.restarts = restarts;
                fitted.seconds = started.elapsed().as_secs_f64();
                return Ok(fitted);
            }
            Err(Diverged { loss, updates }) => {
                let next = learning_rate / recipe.divergence.lr_divisor;
                if restarts < recipe.divergence.max_retries {
                    progress.message(&format!(
                        "training diverged (loss {loss:.4e} after {updates} updates) with ε0 = {learning_rate:.3e}; \
                         restarting from the initial model with ε0/{} = {next:.3e} (chapter p.5)",
                        recipe.divergence.lr_divisor
                    ));
                }
                learning_rate = next;
            }
        }
    }
    Err(TrainError::Diverged { tries: recipe.divergence.max_retries + 1, last_learning_rate: learning_rate * recipe.divergence.lr_divisor })
}

struct Diverged {
    loss: f64,
    updates: u64,
}

fn attempt<B: AutodiffBackend, M: Trainable<B>>(
    mut model: M,
    recipe: &Recipe,
    initial_rate: f64,
    train: &DeviceSplit<B>,
    valid: &DeviceSplit<B::InnerBackend>,
    progress: &mut dyn Progress,
) -> Result<Fitted<M::InnerModule>, Diverged> {
    let n = train.len();
    let batch = recipe.optimiser.batch_size;
    let validate_every = recipe.validate_every.unwrap_or(n) as u64;
    let mut stopping = recipe.early_stopping();
    let mut rng = ChaCha8Rng::seed_from_u64(recipe.seed ^ ORDER_SALT);
    let mut order: Vec<usize> = (0..n).collect();
    let mut sgd = SgdState::default();
    let mut average = recipe.optimiser.polyak.as_ref().map(|p| ParameterAverage::new(p.decay));
    let mut window = LossWindow::<B>::default();
    let mut carry = M::Carry::default();
    // The backend's generator drives sampling (RBM chains, corruption): seeded, so that runs repeat.
    B::seed(&train.inputs.device(), recipe.seed);
    progress.training_starts(M::VALIDATION);
    let (mut updates, mut seen, mut next_validation) = (0u64, 0u64, validate_every);
    let mut reference_loss = None;
    let mut curve = Vec::new();
    let mut best: Option<(M::InnerModule, f64)> = None;
    let mut epoch = 0;
    let mut monitor = Vec::new();

    'epochs: while epoch < recipe.stopping.max_epochs() {
        epoch += 1;
        order.shuffle(&mut rng); // a new visiting order every epoch (p.6)
        progress.epoch_start(epoch, n);
        for rows in order.chunks(batch) {
            let (x, y) = train.rows(rows);
            // Monitoring (p.22-23) on this mini-batch, at the first update and every `monitor_every`.
            let activity = (recipe.monitor_every > 0 && updates % recipe.monitor_every == 0).then(|| model.layer_activity(x.clone(), y.clone()));
            let loss = model.batch_loss(x, y, &mut carry);
            window.add(loss.clone().inner());
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            let snapshot = activity.map(|a| PendingSnapshot::begin(&model.valid(), &grads, a));
            let learning_rate = recipe.optimiser.schedule.rate(initial_rate, updates);
            let momentum_beta = recipe.optimiser.momentum_at(epoch);
            let settings = StepSettings { learning_rate, momentum_beta, penalty_scale: penalty_scale(rows.len(), n), recipe };
            model = sgd_step(model, grads, &mut sgd, settings);
            if let Some(avg) = average.as_mut() {
                avg.update(&model.valid());
            }
            updates += 1;
            seen += rows.len() as u64;
            if let Some(s) = snapshot {
                monitor.push(s.finish(&model.valid(), updates, seen));
            }

            let mut running = None;
            if updates == 1 || updates % READ_LOSS_EVERY == 0 {
                let mean = window.mean();
                let reference = *reference_loss.get_or_insert(mean);
                if !mean.is_finite() || mean > recipe.divergence.explosion_factor * reference.max(1e-3) {
                    return Err(Diverged { loss: mean, updates });
                }
                running = Some(mean);
            }
            progress.advance(rows.len(), running);

            if seen >= next_validation {
                next_validation += validate_every;
                let train_loss = window.mean();
                if !train_loss.is_finite() {
                    return Err(Diverged { loss: train_loss, updates });
                }
                window = LossWindow::default();
                let candidate = evaluated(&model, average.as_ref());
                let valid_error = M::validation_error(&candidate, valid);
                let point = CurvePoint { epoch, examples_seen: seen, updates, train_loss, valid_error, learning_rate };
                let decision = stopping.observe(valid_error, updates, (seen / n as u64) as usize);
                progress.validated(&point, decision.new_best);
                curve.push(point);
                let keep_last = matches!(recipe.stopping, Stopping::Off { .. });
                if decision.new_best || keep_last {
                    best = Some((candidate, valid_error));
                }
                if decision.stop {
                    progress.epoch_end();
                    break 'epochs;
                }
            }
        }
        progress.epoch_end();
    }

    let (model, valid_error) = match best {
        Some(kept) => kept,
        None => {
            let candidate = evaluated(&model, average.as_ref());
            let error = M::validation_error(&candidate, valid);
            (candidate, error)
        }
    };
    Ok(Fitted { model, curve, valid_error, epochs: epoch, examples_seen: seen, updates, learning_rate: initial_rate, restarts: 0, seconds: 0.0, monitor })
}

/// The inner model to validate: the Polyak average when averaging is on (p.10).
fn evaluated<B: AutodiffBackend, M: AutodiffModule<B>>(model: &M, average: Option<&ParameterAverage>) -> M::InnerModule {
    let inner = model.valid();
    match average {
        Some(avg) => avg.averaged(inner),
        None => inner,
    }
}

/// Mini-batch losses summed on the device until read.
struct LossWindow<B: AutodiffBackend> {
    sum: Option<Tensor<B::InnerBackend, 1>>,
    count: usize,
}

impl<B: AutodiffBackend> Default for LossWindow<B> {
    fn default() -> Self {
        LossWindow { sum: None, count: 0 }
    }
}

impl<B: AutodiffBackend> LossWindow<B> {
    fn add(&mut self, loss: Tensor<B::InnerBackend, 1>) {
        self.sum = Some(match self.sum.take() {
            Some(s) => s + loss,
            None => loss,
        });
        self.count += 1;
    }

    fn mean(&self) -> f64 {
        match &self.sum {
            Some(s) => s.clone().into_scalar().elem::<f64>() / self.count as f64,
            None => f64::NAN,
        }
    }
}
