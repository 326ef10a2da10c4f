//! The workloads that `tricks bench` and the Criterion benches time: what users run, through the one
//! training loop, on data shaped like Fashion-MNIST (784 inputs in [0, 1], 10 classes), in training
//! examples per second. Mini-batches exist to turn matrix-vector products into matrix-matrix products
//! (p.23-24); these figures say how close to the machine's matrix-multiply peak that gets.

use std::time::Instant;

use burn::module::AutodiffModule;
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, backend::AutodiffBackend};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tricks_core::{Activation, AutoEncoderSpec, CheckedRecipe, Init, MlpSpec, Model, OutputLoss, Penalty, Preprocessing, RbmSpec, Recipe, Stopping, defaults};
use tricks_data::Dataset;
use tricks_models::{AutoEncoder, Mlp, Rbm};

use crate::stack::column_means;
use crate::trainable::{EVAL_CHUNK, classification_error_by};
use crate::{DeviceSplit, SgdState, Silent, StepSettings, TrainError, Trainable, fit, sgd_step};

/// Inputs per example, as Fashion-MNIST's 28×28 images.
pub const WORKLOAD_INPUTS: usize = 784;
/// Hidden units of every workload's model (the DLT tutorials' 500).
pub const WORKLOAD_HIDDEN: usize = 500;
/// Classes, as Fashion-MNIST.
pub const WORKLOAD_CLASSES: usize = 10;
/// Training examples of one timed epoch.
pub const WORKLOAD_TRAIN: usize = 10_000;
/// Validation examples, scored once per timed epoch (and by [`Workload::Eval`]).
pub const WORKLOAD_VALID: usize = 2_000;

/// What is timed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// MLP 784-500-10 tanh, softmax + NLL, plain SGD ε0 0.01: one epoch through [`fit`], mini-batch
    /// selection and the validation pass included.
    Mlp,
    /// The same MLP's bare update on one fixed mini-batch: loss, backward pass, SGD step.
    MlpStep,
    /// Binary RBM 784-500, CD-1, plain SGD ε0 0.1: one epoch through [`fit`].
    Rbm,
    /// Denoising auto-encoder 784-500 (tied weights, 30 % masking, cross-entropy), ε0 0.1: one epoch
    /// through [`fit`].
    Dae,
    /// The MLP's classification error over the validation split (no gradients), `batch` rows at a time
    /// (the loop's validation takes 2,048).
    Eval,
}

impl Workload {
    /// Every workload, in the order of the table.
    pub const ALL: [Workload; 5] = [Workload::Mlp, Workload::MlpStep, Workload::Rbm, Workload::Dae, Workload::Eval];

    /// The workload's name on the command line and in bench names.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Mlp => "mlp",
            Workload::MlpStep => "mlp-step",
            Workload::Rbm => "rbm-cd1",
            Workload::Dae => "dae",
            Workload::Eval => "eval",
        }
    }

    /// The workload named `name`.
    pub fn from_name(name: &str) -> Option<Workload> {
        Self::ALL.into_iter().find(|w| w.name() == name)
    }

    /// The batch sizes timed by default: the chapter's small B and a large one (p.9, p.23-24).
    pub fn default_batches(self) -> &'static [usize] {
        match self {
            Workload::Mlp | Workload::MlpStep => &[32, 256],
            Workload::Rbm => &[20, 256],
            Workload::Dae => &[20],
            Workload::Eval => &[EVAL_CHUNK],
        }
    }

    /// Floating-point operations of the matrix products per training example (2 per multiply-add):
    /// forward, the weight gradients and the gradients of every layer's input but the first. Compared
    /// with the machine's matrix-multiply peak, it says how much of the time goes to anything else.
    pub fn matmul_flops_per_example(self) -> f64 {
        let (n, h, c) = (WORKLOAD_INPUTS as f64, WORKLOAD_HIDDEN as f64, WORKLOAD_CLASSES as f64);
        match self {
            Workload::Mlp | Workload::MlpStep => 2.0 * (2.0 * (n * h + h * c) + h * c),
            // Up, down, up again (the negative phase), then the two outer products of the gradient.
            Workload::Rbm => 2.0 * 5.0 * n * h,
            // Encoder, tied decoder, then the decoder's input gradient and the weight's two gradient terms.
            Workload::Dae => 2.0 * 5.0 * n * h,
            Workload::Eval => 2.0 * (n * h + h * c),
        }
    }
}

/// A workload prepared on a device: models and data built, ready to be run again and again.
pub struct Bench<B: AutodiffBackend> {
    workload: Workload,
    batch: usize,
    train: DeviceSplit<B>,
    valid: DeviceSplit<B::InnerBackend>,
    state: State<B>,
}

/// The model of each workload, with the recipe of those that train.
enum State<B: AutodiffBackend> {
    Mlp(Mlp<B>, CheckedRecipe),
    Rbm(Rbm<B>, CheckedRecipe),
    Dae(AutoEncoder<B>, CheckedRecipe),
    Step { model: Option<Mlp<B>>, recipe: CheckedRecipe, inputs: Tensor<B, 2>, targets: Tensor<B, 2>, sgd: SgdState },
    Eval(Mlp<B::InnerBackend>),
}

impl<B: AutodiffBackend> Bench<B> {
    /// Build `workload` at mini-batch size `batch` on `device`: the model, a Fashion-MNIST-shaped data set
    /// ([`synthetic_images`]) uploaded once, and a recipe of one epoch without monitoring.
    pub fn new(workload: Workload, batch: usize, device: &B::Device) -> Result<Self, TrainError> {
        let seed = defaults::SEED;
        let split = |n: usize, seed: u64| DeviceSplit::<B>::upload(synthetic_images(n, seed), device);
        let train = split(WORKLOAD_TRAIN, seed);
        let valid = split(WORKLOAD_VALID, seed + 1).inner();
        let mlp_spec =
            MlpSpec { hidden: vec![WORKLOAD_HIDDEN], activation: Activation::Tanh, output: OutputLoss::SoftmaxNll, init: Init { zero_output_weights: false } };
        let mlp = || Mlp::<B>::new(&mlp_spec, WORKLOAD_INPUTS, WORKLOAD_CLASSES, seed, device);
        let mlp_recipe = || one_epoch(Model::Mlp(mlp_spec.clone()), 0.01, batch);
        let state = match workload {
            Workload::Mlp => State::Mlp(mlp(), mlp_recipe()?),
            Workload::MlpStep => {
                let rows: Vec<usize> = (0..batch.min(train.len())).collect();
                let (inputs, targets) = train.rows(&rows);
                State::Step { model: Some(mlp()), recipe: mlp_recipe()?, inputs, targets, sgd: SgdState::default() }
            }
            Workload::Rbm => {
                let spec = RbmSpec::new(WORKLOAD_HIDDEN);
                State::Rbm(Rbm::new(&spec, WORKLOAD_INPUTS, &column_means(&train.inputs), seed, device), one_epoch(Model::Rbm(spec), 0.1, batch)?)
            }
            Workload::Dae => {
                let spec = AutoEncoderSpec::denoising(WORKLOAD_HIDDEN, defaults::DAE_MASKING);
                State::Dae(AutoEncoder::new(&spec, WORKLOAD_INPUTS, seed, device), one_epoch(Model::AutoEncoder(spec), 0.1, batch)?)
            }
            Workload::Eval => State::Eval(mlp().valid()),
        };
        Ok(Bench { workload, batch, train, valid, state })
    }

    /// The workload.
    pub fn workload(&self) -> Workload {
        self.workload
    }

    /// The mini-batch size.
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// Examples one [`Bench::run`] processes: an epoch's training examples, one mini-batch for the bare
    /// step, the validation split for an evaluation.
    pub fn examples(&self) -> usize {
        match &self.state {
            State::Mlp(..) | State::Rbm(..) | State::Dae(..) => self.train.len(),
            State::Step { .. } => self.batch,
            State::Eval(_) => self.valid.len(),
        }
    }

    /// Run the workload once, from the same initial model each time (a bare step carries on from the last).
    pub fn run(&mut self) -> Result<(), TrainError> {
        let (train, valid) = (&self.train, &self.valid);
        match &mut self.state {
            State::Mlp(model, recipe) => fit(model, recipe, train, valid, &mut Silent).map(drop),
            State::Rbm(model, recipe) => fit(model, recipe, train, valid, &mut Silent).map(drop),
            State::Dae(model, recipe) => fit(model, recipe, train, valid, &mut Silent).map(drop),
            State::Step { model, recipe, inputs, targets, sgd } => {
                let m = model.take().expect("the model is put back after every step");
                let loss = m.batch_loss(inputs.clone(), targets.clone(), &mut ());
                let grads = GradientsParams::from_grads(loss.backward(), &m);
                let o = &recipe.optimiser;
                let settings = StepSettings { learning_rate: o.learning_rate, momentum_beta: o.momentum_beta, penalty_scale: 0.0, recipe };
                *model = Some(sgd_step(m, grads, sgd, settings));
                Ok(())
            }
            State::Eval(model) => {
                std::hint::black_box(classification_error_by(model, valid, self.batch));
                Ok(())
            }
        }
    }

    /// Time runs for at least `seconds` after one untimed warm-up run (kernels compiled and tuned, caches
    /// filled), and at least three runs.
    pub fn measure(&mut self, seconds: f64) -> Result<Throughput, TrainError> {
        self.run()?;
        let mut times = Vec::new();
        let started = Instant::now();
        while times.len() < 3 || started.elapsed().as_secs_f64() < seconds {
            let t = Instant::now();
            self.run()?;
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        Ok(Throughput { runs: times.len(), examples_per_second: self.examples() as f64 / median })
    }
}

/// What [`Bench::measure`] found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Throughput {
    /// Timed runs.
    pub runs: usize,
    /// Examples per second of the median run.
    pub examples_per_second: f64,
}

/// A recipe that trains `model` for exactly one epoch with plain SGD at rate `learning_rate` and
/// mini-batch size `batch`, validating once at its end, without monitoring or penalties.
fn one_epoch(model: Model, learning_rate: f64, batch: usize) -> Result<CheckedRecipe, TrainError> {
    let mut recipe = Recipe::chapter_default();
    recipe.name = "bench".into();
    recipe.model = model;
    recipe.optimiser.learning_rate = learning_rate;
    recipe.optimiser.batch_size = batch;
    recipe.penalty = Penalty::none();
    recipe.stopping = Stopping::Off { epochs: 1, min_updates: 0 };
    recipe.preprocessing = Preprocessing::None;
    recipe.monitor_every = 0;
    Ok(recipe.check()?)
}

/// `n` Fashion-MNIST-shaped examples: 28×28 images with values in [0, 1], about half of the pixels dark as
/// in Fashion-MNIST, each class a blurred random shape plus per-example noise, classes in turn.
pub fn synthetic_images(n: usize, seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let prototypes: Vec<Vec<f32>> = (0..WORKLOAD_CLASSES)
        .map(|_| {
            let (cx, cy) = (rng.random_range(9.0..19.0f32), rng.random_range(9.0..19.0f32));
            let (rx, ry) = (rng.random_range(5.0..11.0f32), rng.random_range(5.0..11.0f32));
            (0..WORKLOAD_INPUTS)
                .map(|p| {
                    let (x, y) = ((p % 28) as f32, (p / 28) as f32);
                    let d = ((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2);
                    (1.5 - d).clamp(0.0, 1.0)
                })
                .collect()
        })
        .collect();
    let labels: Vec<u32> = (0..n).map(|i| (i % WORKLOAD_CLASSES) as u32).collect();
    let features = labels.iter().flat_map(|&l| prototypes[l as usize].clone()).map(|v| (v + rng.random_range(-0.2..0.2f32)).clamp(0.0, 1.0)).collect();
    Dataset { features, labels, dim: WORKLOAD_INPUTS, classes: WORKLOAD_CLASSES, image_shape: Some((28, 28)) }
}
