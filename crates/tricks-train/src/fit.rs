//! The one training loop: mini-batch SGD with the chapter's rules, early stopping, and divergence
//! handling (p.5-11). Every model goes through it. Its whole state is one value, [`Training`], which a
//! checkpointed stage writes at every validation and a resumed stage reads back, so that a run killed at
//! any moment continues to the same model, bit for bit on the CPU.

use std::time::Instant;

use burn::module::AutodiffModule;
use burn::optim::GradientsParams;
use burn::tensor::{ElementConversion, Tensor, backend::AutodiffBackend};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use tricks_core::{CheckedRecipe, EarlyStopping, LrSchedule, Recipe, ScheduleState, Stopping};
use tricks_run::{CurvePoint, RunDir, checkpoint, curve_row, curves_header, fault, files};

use crate::snapshot_codec::{bytes_data, data_bytes, load_module, module_as_state, module_bytes, state_as_module};
use crate::{
    DeviceSplit, LAYER_STATS_HEADER, ParameterAverage, PendingSnapshot, Progress, SgdState, Snapshot, StepSettings, TrainError, Trainable, layer_stats_rows,
    sgd_step,
};

/// The training loss is read back from the device every this many updates (for progress and
/// divergence checks); reading it after every update would stall a GPU (p.23-24). *Ours.*
const READ_LOSS_EVERY: u64 = 25;
/// Salt mixed into the seed for the example order, so that order and initialisation draw differ.
const ORDER_SALT: u64 = 0x0DE5_0F0D;
/// Salt mixed with the seed and the update count to re-seed the backend's generator after each
/// validation, where a checkpoint is written: a resumed run draws what the uninterrupted run draws.
const SAMPLING_SALT: u64 = 0x5EED_CAFE;

/// A trained model and how it got there.
#[derive(Debug, Clone)]
pub struct Fitted<M> {
    /// The model kept: the best on validation with early stopping, the last one without.
    pub model: M,
    /// The learning curve.
    pub curve: Vec<CurvePoint>,
    /// Validation error of the model kept (the model's [`Trainable::VALIDATION`] measure).
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
    /// Wall-clock seconds, restarts included (and the time before a kill, for a resumed stage).
    pub seconds: f64,
    /// Per-layer statistics taken every `recipe.monitor_every` updates (p.22-23), oldest first.
    pub monitor: Vec<Snapshot>,
}

/// Where a training stage keeps its checkpoint: the run directory and the stage's name (`train`,
/// `level1`, …, `fine-tune`). With `live`, the stage also appends `curves.csv` and `layer_stats.csv` of
/// the run directory as it goes.
#[derive(Clone, Copy)]
pub struct Checkpointing<'a> {
    /// The run directory.
    pub dir: &'a RunDir,
    /// The stage's name, in the checkpoint's file name.
    pub stage: &'a str,
    /// Whether this stage's curves are the run's `curves.csv` and `layer_stats.csv`.
    pub live: bool,
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
    train_stage(initial, recipe, train, valid, None, progress)
}

/// [`fit`], writing a checkpoint at every validation, and continuing from the stage's checkpoint when
/// there is one (a resumed run). A finished stage's checkpoint returns its result without training.
pub fn fit_checkpointed<B: AutodiffBackend, M: Trainable<B>>(
    initial: &M,
    recipe: &CheckedRecipe,
    train: &DeviceSplit<B>,
    valid: &DeviceSplit<B::InnerBackend>,
    checkpointing: Checkpointing<'_>,
    progress: &mut dyn Progress,
) -> Result<Fitted<M::InnerModule>, TrainError> {
    train_stage(initial, recipe, train, valid, Some(checkpointing), progress)
}

fn train_stage<B: AutodiffBackend, M: Trainable<B>>(
    initial: &M,
    recipe: &CheckedRecipe,
    train: &DeviceSplit<B>,
    valid: &DeviceSplit<B::InnerBackend>,
    checkpointing: Option<Checkpointing<'_>>,
    progress: &mut dyn Progress,
) -> Result<Fitted<M::InnerModule>, TrainError> {
    recipe.check_validation_interval(valid.len())?;
    if train.is_empty() {
        return Err(TrainError::EmptyTrainingSet);
    }
    let started = Instant::now();
    let resumed = match &checkpointing {
        Some(c) => Training::load(c, initial, recipe, train)?,
        None => None,
    };
    let mut training = match resumed {
        Some(t) => t,
        None => Training::start(initial, recipe, 0, recipe.optimiser.learning_rate, train, checkpointing.as_ref())?,
    };
    loop {
        match training.run(recipe, train, valid, checkpointing.as_ref(), started, progress) {
            Ok(()) => return Ok(training.into_fitted(valid, started)),
            Err(Interrupted::Failed(e)) => return Err(e),
            Err(Interrupted::Diverged { loss, updates }) => {
                let rate = training.state.initial_rate;
                let restarts = training.state.restarts;
                let next = rate / recipe.divergence.lr_divisor;
                if restarts >= recipe.divergence.max_retries {
                    return Err(TrainError::Diverged { tries: restarts + 1, last_learning_rate: rate });
                }
                progress.message(&format!(
                    "training diverged (loss {loss:.4e} after {updates} updates) with ε0 = {rate:.3e}; \
                     restarting from the initial model with ε0/{} = {next:.3e} (chapter p.5)",
                    recipe.divergence.lr_divisor
                ));
                let seconds = training.seconds(started);
                training = Training::start(initial, recipe, restarts + 1, next, train, checkpointing.as_ref())?;
                training.state.seconds_before = seconds;
            }
        }
    }
}

/// Why an attempt ended early.
enum Interrupted {
    Diverged { loss: f64, updates: u64 },
    Failed(TrainError),
}

impl From<TrainError> for Interrupted {
    fn from(e: TrainError) -> Self {
        Interrupted::Failed(e)
    }
}

/// The loop's state besides tensors: what a checkpoint holds as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct LoopState {
    /// Restarts after divergence so far: this is attempt `restarts + 1`.
    restarts: u32,
    /// ε0 of this attempt.
    initial_rate: f64,
    /// Epochs begun.
    epoch: usize,
    /// Mini-batches done in the current epoch.
    batches_done: usize,
    updates: u64,
    examples_seen: u64,
    next_validation: u64,
    /// The mean loss of the first update, against which explosions are judged.
    reference_loss: Option<f64>,
    stopping: EarlyStopping,
    /// What the learning-rate schedule has learnt (the adaptive τ).
    schedule: ScheduleState,
    /// Sum and count of the current epoch's mini-batch losses up to the last validation, for the adaptive
    /// schedule (the losses since are on the device).
    epoch_loss: (f64, usize),
    curve: Vec<CurvePoint>,
    /// Curve points appended to a live `curves.csv`.
    curve_logged: usize,
    /// Validation error of the best model so far (of the last one, without early stopping).
    best_valid_error: Option<f64>,
    /// Monitoring snapshots in the stage's monitor log.
    snapshots_logged: usize,
    /// Folds of the Polyak average.
    polyak_folds: u64,
    /// Wall-clock seconds spent before this process took the stage up.
    seconds_before: f64,
    /// The stage has ended: its checkpoint holds the result.
    finished: bool,
}

/// Everything the loop carries from one update to the next.
struct Training<B: AutodiffBackend, M: Trainable<B>> {
    state: LoopState,
    model: M,
    sgd: SgdState,
    average: Option<ParameterAverage>,
    carry: M::Carry,
    best: Option<M::InnerModule>,
    monitor: Vec<Snapshot>,
}

/// Blob names inside a checkpoint.
mod blob {
    pub const MODEL: &str = "model";
    pub const BEST: &str = "best";
    pub const MOMENTUM: &str = "momentum";
    pub const AVERAGE: &str = "average";
    pub const CARRY: &str = "carry";
}

impl<B: AutodiffBackend, M: Trainable<B>> Training<B, M> {
    /// A fresh attempt from `initial` with ε0 = `rate`; a checkpointed stage starts its live files anew.
    fn start(
        initial: &M,
        recipe: &Recipe,
        restarts: u32,
        rate: f64,
        train: &DeviceSplit<B>,
        checkpointing: Option<&Checkpointing<'_>>,
    ) -> Result<Self, TrainError> {
        if let Some(c) = checkpointing {
            reset_logs::<B, M>(c, &[], &[])?;
        }
        // The backend's generator drives sampling (RBM chains, corruption): seeded, so that runs repeat.
        B::seed(&train.inputs.device(), recipe.seed);
        Ok(Training {
            state: LoopState {
                restarts,
                initial_rate: rate,
                epoch: 0,
                batches_done: 0,
                updates: 0,
                examples_seen: 0,
                next_validation: 0,
                reference_loss: None,
                stopping: EarlyStopping::new(&recipe.stopping, recipe.optimiser.updates_per_epoch(train.len()) as u64),
                schedule: ScheduleState::default(),
                epoch_loss: (0.0, 0),
                curve: Vec::new(),
                curve_logged: 0,
                best_valid_error: None,
                snapshots_logged: 0,
                polyak_folds: 0,
                seconds_before: 0.0,
                finished: false,
            },
            model: initial.clone(),
            sgd: SgdState::default(),
            average: recipe.optimiser.polyak.as_ref().map(|p| ParameterAverage::new(p.decay)),
            carry: M::Carry::default(),
            best: None,
            monitor: Vec::new(),
        })
    }

    fn seconds(&self, started: Instant) -> f64 {
        self.state.seconds_before + started.elapsed().as_secs_f64()
    }

    /// Run the attempt to its end (or from where a checkpoint left it).
    fn run(
        &mut self,
        recipe: &Recipe,
        train: &DeviceSplit<B>,
        valid: &DeviceSplit<B::InnerBackend>,
        checkpointing: Option<&Checkpointing<'_>>,
        started: Instant,
        progress: &mut dyn Progress,
    ) -> Result<(), Interrupted> {
        let n = train.len();
        let batch = recipe.optimiser.batch_size;
        let batches = recipe.optimiser.updates_per_epoch(n);
        let validate_every = recipe.validate_every.unwrap_or(n) as u64;
        if self.state.next_validation == 0 {
            self.state.next_validation = validate_every;
        }
        let stage = checkpointing.map_or("", |c| c.stage);
        // The example order of every epoch begun so far is replayed: the generator's position is a
        // function of the epoch alone.
        let mut rng = ChaCha8Rng::seed_from_u64(recipe.seed ^ ORDER_SALT);
        let mut order: Vec<usize> = (0..n).collect();
        for _ in 0..self.state.epoch {
            order.shuffle(&mut rng);
        }
        let mut window = LossWindow::<B>::default();
        let adaptive = matches!(recipe.optimiser.schedule, LrSchedule::Adaptive { .. });
        let mut epoch_window = LossWindow::<B>::default();
        progress.training_starts(M::VALIDATION);
        if self.state.epoch > 0 && self.state.batches_done < batches && !self.state.finished {
            progress.epoch_start(self.state.epoch, n, (self.state.batches_done * batch).min(n));
        }

        while !self.state.finished {
            if self.state.epoch == 0 || self.state.batches_done >= batches {
                if self.state.epoch >= self.state.stopping.max_epochs() {
                    break;
                }
                self.state.epoch += 1;
                self.state.batches_done = 0;
                order.shuffle(&mut rng); // a new visiting order every epoch (p.6)
                progress.epoch_start(self.state.epoch, n, 0);
            }
            let s = &mut self.state;
            let rows = &order[s.batches_done * batch..((s.batches_done + 1) * batch).min(n)];
            let (x, y) = train.rows(rows);
            // Monitoring (p.22-23) on this mini-batch, at the first update and every `monitor_every`.
            let activity =
                (recipe.monitor_every > 0 && s.updates.is_multiple_of(recipe.monitor_every)).then(|| self.model.layer_activity(x.clone(), y.clone()));
            let loss = self.model.batch_loss(x, y, &mut self.carry);
            window.add(loss.clone().inner());
            if adaptive {
                epoch_window.add(loss.clone().inner());
            }
            let grads = GradientsParams::from_grads(loss.backward(), &self.model);
            let snapshot = activity.map(|a| PendingSnapshot::begin(&self.model.valid(), &grads, a));
            let learning_rate = recipe.optimiser.schedule.rate(s.initial_rate, s.updates, &s.schedule);
            let momentum_beta = recipe.optimiser.momentum_at(s.epoch);
            let settings = StepSettings { learning_rate, momentum_beta, penalty_scale: recipe.penalty.scale(rows.len(), batch, n), recipe };
            self.model = sgd_step(self.model.clone(), grads, &mut self.sgd, settings);
            if let Some(avg) = self.average.as_mut() {
                avg.update(&self.model.valid());
            }
            s.updates += 1;
            s.examples_seen += rows.len() as u64;
            s.batches_done += 1;
            if adaptive && s.batches_done == batches {
                let (sum, count) = epoch_window.take();
                let (before, counted) = std::mem::take(&mut s.epoch_loss);
                s.schedule.epoch_ended(&recipe.optimiser.schedule, (before + sum) / (counted + count) as f64, s.updates);
            }
            if let Some(snap) = snapshot {
                self.monitor.push(snap.finish(&self.model.valid(), s.updates, s.examples_seen));
            }
            fault::after_update(stage, s.updates);

            let mut running = None;
            if s.updates == 1 || s.updates.is_multiple_of(READ_LOSS_EVERY) {
                let mean = window.mean();
                let reference = *s.reference_loss.get_or_insert(mean);
                if !mean.is_finite() || mean > recipe.divergence.explosion_factor * reference.max(1e-3) {
                    return Err(Interrupted::Diverged { loss: mean, updates: s.updates });
                }
                running = Some(mean);
            }
            progress.advance(rows.len(), running);

            if s.examples_seen >= s.next_validation {
                s.next_validation += validate_every;
                let train_loss = window.mean();
                if !train_loss.is_finite() {
                    return Err(Interrupted::Diverged { loss: train_loss, updates: s.updates });
                }
                window = LossWindow::default();
                if adaptive {
                    // The epoch's losses so far go into the checkpointed state.
                    let (sum, count) = epoch_window.take();
                    s.epoch_loss = (s.epoch_loss.0 + sum, s.epoch_loss.1 + count);
                }
                let candidate = evaluated(&self.model, self.average.as_ref());
                let valid_error = M::validation_error(&candidate, valid);
                let point = CurvePoint { epoch: s.epoch, examples_seen: s.examples_seen, updates: s.updates, train_loss, valid_error, learning_rate };
                let decision = s.stopping.observe(valid_error, s.updates, (s.examples_seen / n as u64) as usize);
                progress.validated(&point, decision.new_best);
                s.curve.push(point);
                if decision.new_best || matches!(recipe.stopping, Stopping::Off { .. }) {
                    self.best = Some(candidate);
                    s.best_valid_error = Some(valid_error);
                }
                s.finished = decision.stop;
                if let Some(c) = checkpointing {
                    self.save(c, started)?;
                }
                // Sampling after a checkpoint draws the same numbers whether or not the run was resumed.
                B::seed(&train.inputs.device(), recipe.seed ^ SAMPLING_SALT ^ self.state.updates);
            }
            if self.state.batches_done >= batches || self.state.finished {
                progress.epoch_end();
            }
        }
        if !self.state.finished {
            self.state.finished = true;
            if let Some(c) = checkpointing {
                self.save(c, started)?;
            }
        }
        Ok(())
    }

    /// The result: the best model (or the last one, validated now, if no validation kept one).
    fn into_fitted(self, valid: &DeviceSplit<B::InnerBackend>, started: Instant) -> Fitted<M::InnerModule> {
        let seconds = self.seconds(started);
        let (model, valid_error) = match (self.best, self.state.best_valid_error) {
            (Some(model), Some(error)) => (model, error),
            _ => {
                let candidate = evaluated(&self.model, self.average.as_ref());
                let error = M::validation_error(&candidate, valid);
                (candidate, error)
            }
        };
        let s = self.state;
        Fitted {
            model,
            curve: s.curve,
            valid_error,
            epochs: s.epoch,
            examples_seen: s.examples_seen,
            updates: s.updates,
            learning_rate: s.initial_rate,
            restarts: s.restarts,
            seconds,
            monitor: self.monitor,
        }
    }

    /// Write the stage's checkpoint: the new monitoring snapshots and curve point are appended to the
    /// logs first, then the state and tensors replace the previous checkpoint atomically.
    fn save(&mut self, c: &Checkpointing<'_>, started: Instant) -> Result<(), TrainError> {
        let path = c.dir.checkpoint_file(&files::checkpoint(c.stage));
        let new = &self.monitor[self.state.snapshots_logged..];
        if !new.is_empty() {
            checkpoint::append_records(&c.dir.checkpoint_file(&files::monitor_log(c.stage)), new)?;
            if c.live {
                let stats = c.dir.file(files::LAYER_STATS_CSV);
                let header = if stats.exists() { String::new() } else { format!("{LAYER_STATS_HEADER}\n") };
                tricks_run::append_text(&stats, &(header + &layer_stats_rows(new)))?;
            }
        }
        let new = &self.state.curve[self.state.curve_logged..];
        if c.live && !new.is_empty() {
            tricks_run::append_text(&c.dir.file(files::CURVES_CSV), &new.iter().map(curve_row).collect::<String>())?;
        }
        let mut state = self.state.clone();
        state.snapshots_logged = self.monitor.len();
        state.curve_logged = state.curve.len();
        state.polyak_folds = self.average.as_ref().map_or(0, ParameterAverage::folds);
        state.seconds_before = self.seconds(started);
        let inner = self.model.valid();
        let mut blobs: Vec<(&str, Vec<u8>)> = vec![(blob::MODEL, module_bytes(&self.model, &path)?)];
        if let Some(best) = &self.best {
            blobs.push((blob::BEST, module_bytes(best, &path)?));
        }
        if !self.sgd.momentum().is_empty() {
            blobs.push((blob::MOMENTUM, module_bytes(&state_as_module(inner.clone(), self.sgd.momentum()), &path)?));
        }
        if let Some(avg) = self.average.as_ref().filter(|a| a.folds() > 0) {
            blobs.push((blob::AVERAGE, module_bytes(&state_as_module(inner, avg.averages()), &path)?));
        }
        if let Some(data) = M::save_carry(&self.carry) {
            blobs.push((blob::CARRY, data_bytes(data)));
        }
        let refs: Vec<(&str, &[u8])> = blobs.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        checkpoint::write(&path, &state, &refs)?;
        self.state.snapshots_logged = state.snapshots_logged;
        self.state.curve_logged = state.curve_logged;
        Ok(())
    }

    /// The stage's checkpoint, if it has one, with the live files cut back to what it holds.
    fn load(c: &Checkpointing<'_>, initial: &M, recipe: &Recipe, train: &DeviceSplit<B>) -> Result<Option<Self>, TrainError> {
        let path = c.dir.checkpoint_file(&files::checkpoint(c.stage));
        let Some(mut ckpt) = checkpoint::read::<LoopState>(&path)? else {
            return Ok(None);
        };
        let device = train.inputs.device();
        let mut take = |name: &str| ckpt.blobs.remove(name);
        let state = ckpt.state;
        let model = load_module(initial.clone(), take(blob::MODEL).ok_or_else(|| TrainError::io(&path, "no model in checkpoint"))?, &device, &path)?;
        let inner = model.valid();
        let best = take(blob::BEST).map(|b| load_module(inner.clone(), b, &device, &path)).transpose()?;
        let sgd = match take(blob::MOMENTUM) {
            Some(b) => SgdState::with_momentum(module_as_state(&load_module(inner.clone(), b, &device, &path)?)),
            None => SgdState::default(),
        };
        let average = match (recipe.optimiser.polyak.as_ref(), take(blob::AVERAGE)) {
            (Some(p), Some(b)) => Some(ParameterAverage::restore(p.decay, state.polyak_folds, module_as_state(&load_module(inner, b, &device, &path)?))),
            (Some(p), None) => Some(ParameterAverage::new(p.decay)),
            (None, _) => None,
        };
        let carry = match take(blob::CARRY) {
            Some(b) => M::restore_carry(bytes_data(&b, &path)?, &device),
            None => M::Carry::default(),
        };
        let monitor: Vec<Snapshot> = checkpoint::read_records(&c.dir.checkpoint_file(&files::monitor_log(c.stage)), state.snapshots_logged)?;
        reset_logs::<B, M>(c, &state.curve, &monitor)?;
        B::seed(&device, recipe.seed ^ SAMPLING_SALT ^ state.updates);
        Ok(Some(Training { state, model, sgd, average, carry, best, monitor }))
    }
}

/// Rewrite a checkpointed stage's monitoring log, and for a live stage `curves.csv` and `layer_stats.csv`,
/// to hold exactly `curve` and `monitor`.
fn reset_logs<B: AutodiffBackend, M: Trainable<B>>(c: &Checkpointing<'_>, curve: &[CurvePoint], monitor: &[Snapshot]) -> Result<(), TrainError> {
    checkpoint::write_records(&c.dir.checkpoint_file(&files::monitor_log(c.stage)), monitor)?;
    if c.live {
        let mut curves = curves_header(M::VALIDATION) + "\n";
        curves.extend(curve.iter().map(curve_row));
        c.dir.write_text(files::CURVES_CSV, &curves)?;
        let stats = c.dir.file(files::LAYER_STATS_CSV);
        if monitor.is_empty() {
            std::fs::remove_file(&stats).or_else(|e| if e.kind() == std::io::ErrorKind::NotFound { Ok(()) } else { Err(TrainError::io(&stats, e)) })?;
        } else {
            c.dir.write_text(files::LAYER_STATS_CSV, &format!("{LAYER_STATS_HEADER}\n{}", layer_stats_rows(monitor)))?;
        }
    }
    Ok(())
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

    /// The sum and count of the losses, read from the device; the window is empty after.
    fn take(&mut self) -> (f64, usize) {
        let sum = self.sum.take().map_or(0.0, |s| s.into_scalar().elem::<f64>());
        (sum, std::mem::take(&mut self.count))
    }
}
