//! The chapter's rules inside the one training loop, `fit`, over many updates: the inverse-time schedule,
//! the momentum ramp with its (1−β)ḡ accumulation and Polyak averaging (p.9-10) against a loop written out
//! by hand; a new example order every epoch (p.6); early stopping returning the best model seen (p.11);
//! and the preprocessing fitted on the training split only.
//!
//! This test binary computes only in f64 (see DESIGN.md).

use std::sync::Mutex;

use burn::backend::{Autodiff, NdArray};
use burn::module::{AutodiffModule, Module};
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, TensorData, backend::AutodiffBackend};
use tricks::core::defaults::POLYAK_WARMUP;
use tricks::core::{Activation, Init, LrSchedule, MlpSpec, MomentumRamp, OutputLoss, Patience, Penalty, PenaltyPer, Polyak, Recipe, Stopping};
use tricks::data::{DataSource, FittedPreprocessing};
use tricks::models::Mlp;
use tricks::train::{
    DeviceSplit, RunOptions, SgdState, Silent, StepSettings, Trainable, ValidationMeasure, classification_error, files, fit, read_json, run, sgd_step,
};

type I = NdArray<f64>;
type B = Autodiff<I>;

fn host<Bk: burn::tensor::backend::Backend, const D: usize>(t: Tensor<Bk, D>) -> Vec<f64> {
    t.into_data().convert::<f64>().into_vec::<f64>().unwrap()
}

fn parameters(m: &Mlp<I>) -> Vec<Vec<f64>> {
    m.layers.iter().flat_map(|l| [host(l.weight.val()), host(l.bias.as_ref().unwrap().val())]).collect()
}

/// The first `rows` digits as the training split, the next 60 for validation.
fn digits(rows: usize) -> (DeviceSplit<B>, DeviceSplit<I>) {
    let splits = tricks::data::load(&DataSource::Digits).unwrap();
    let pre = FittedPreprocessing::fit(&tricks::core::Preprocessing::Standardise, &splits.train).unwrap();
    let train = pre.apply(&splits.train.subset(&(0..rows).collect::<Vec<_>>()));
    let valid = pre.apply(&splits.valid.subset(&(0..60).collect::<Vec<_>>()));
    (DeviceSplit::classification(&train, &Default::default()), DeviceSplit::classification(&valid, &Default::default()))
}

fn small_recipe() -> Recipe {
    let mut recipe = Recipe::chapter_default();
    recipe.model = tricks::core::Model::Mlp(MlpSpec {
        hidden: vec![8],
        activation: Activation::Tanh,
        output: OutputLoss::SoftmaxNll,
        init: Init { zero_output_weights: false },
    });
    recipe.monitor_every = 0;
    recipe
}

#[test]
fn schedule_momentum_ramp_and_polyak_average_inside_fit_match_the_loop_written_out() {
    let (train, valid) = digits(40);
    let n = train.len();
    let mut recipe = small_recipe();
    // Full batches, so that the example order does not matter; one update per epoch.
    recipe.optimiser.batch_size = n;
    recipe.optimiser.learning_rate = 0.2;
    recipe.optimiser.schedule = LrSchedule::InverseTime { tau: 3 };
    recipe.optimiser.momentum_beta = 0.5;
    recipe.optimiser.momentum_ramp = Some(MomentumRamp { beta: 0.1, after_epochs: 4 });
    recipe.optimiser.polyak = Some(Polyak { decay: 0.7 });
    recipe.penalty.l2 = 1e-3;
    let epochs = 9;
    recipe.stopping = Stopping::off(epochs);
    let initial = Mlp::<B>::new(&recipe.model.classifier().unwrap(), 64, 10, recipe.seed, &Default::default());
    let fitted = fit(&initial, &recipe.check().unwrap(), &train, &valid, &mut Silent).unwrap();
    assert_eq!(fitted.updates, epochs as u64);

    // The same updates by hand: ε_t = ε0·τ/max(t, τ); β 0.5 for 4 epochs, then 0.1; θ̄ with the warmed-up
    // decay min(d, (1+t)/(POLYAK_WARMUP+t)).
    let mut model = initial.clone();
    let mut state = SgdState::default();
    let mut average: Option<Vec<Vec<f64>>> = None;
    let all: Vec<usize> = (0..n).collect();
    for t in 0..epochs as u64 {
        let (x, y) = train.rows(&all);
        let grads = GradientsParams::from_grads(model.batch_loss(x, y, &mut ()).backward(), &model);
        let learning_rate = 0.2 * 3.0 / (t.max(3)) as f64;
        let momentum_beta = if t < 4 { 0.5 } else { 0.1 };
        let settings = StepSettings { learning_rate, momentum_beta, penalty_scale: recipe.penalty.scale(n, n, n), recipe: &recipe };
        model = sgd_step(model, grads, &mut state, settings);
        let theta = parameters(&model.valid());
        let decay = 0.7f64.min((1.0 + t as f64) / (POLYAK_WARMUP + t as f64));
        average = Some(match average {
            None => theta,
            Some(avg) => avg.iter().zip(&theta).map(|(a, p)| a.iter().zip(p).map(|(a, p)| a * decay + p * (1.0 - decay)).collect()).collect(),
        });
    }
    let expected = average.unwrap();
    let got = parameters(&fitted.model);
    let worst = got.iter().flatten().zip(expected.iter().flatten()).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(worst < 1e-12, "fit's averaged model differs from the loop written out by {worst}");
    // The last iterate is not what fit returned: the average is.
    let last = parameters(&model.valid());
    let apart = got.iter().flatten().zip(last.iter().flatten()).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(apart > 1e-3, "the average differs from the last iterate ({apart})");
    assert_eq!(fitted.curve.last().unwrap().learning_rate, 0.2 * 3.0 / 8.0, "the last update's rate is on the curve");
}

/// The first input of every example the model is shown, in order (examples are told apart by it).
static SEEN: Mutex<Vec<f64>> = Mutex::new(Vec::new());

/// An MLP that records the mini-batches it is trained on. (Burn's `Module` derive wants its backend
/// parameter named `B`, which shadows the alias of this file inside these two items.)
#[derive(Module, Debug)]
struct Recording<B: burn::tensor::backend::Backend> {
    mlp: Mlp<B>,
}

impl<B: AutodiffBackend> Trainable<B> for Recording<B> {
    const VALIDATION: ValidationMeasure = ValidationMeasure::ClassificationError;
    type Carry = ();

    fn batch_loss(&self, inputs: Tensor<B, 2>, targets: Tensor<B, 2>, _: &mut ()) -> Tensor<B, 1> {
        SEEN.lock().unwrap().extend(host(inputs.clone().narrow(1, 0, 1)));
        self.mlp.loss(inputs, targets)
    }

    fn validation_error(model: &Recording<B::InnerBackend>, split: &DeviceSplit<B::InnerBackend>) -> f64 {
        classification_error(&model.mlp, split)
    }
}

#[test]
fn the_adaptive_schedule_keeps_the_rate_until_an_epoch_improves_too_little_then_decays_from_that_update() {
    // Validation once per epoch, so each curve point's training loss is that epoch's mean loss, the
    // criterion the adaptive schedule watches (p.9).
    let (train, valid) = digits(200);
    let mut recipe = small_recipe();
    recipe.optimiser.learning_rate = 0.05;
    recipe.optimiser.schedule = LrSchedule::Adaptive { threshold: 0.05 };
    recipe.stopping = Stopping::off(40);
    let initial = Mlp::<B>::new(&recipe.model.classifier().unwrap(), 64, 10, recipe.seed, &Default::default());
    let fitted = fit(&initial, &recipe.check().unwrap(), &train, &valid, &mut Silent).unwrap();
    let curve = &fitted.curve;
    let slowed = (1..curve.len())
        .find(|&e| (curve[e - 1].train_loss - curve[e].train_loss) / curve[e - 1].train_loss.abs() < 0.05)
        .expect("the training loss stops improving by 5 % an epoch within 40 epochs");
    let tau = curve[slowed].updates;
    for (e, p) in curve.iter().enumerate() {
        // A point's rate is that of the epoch's last update, made after `updates − 1` updates.
        let expected = if e <= slowed { 0.05 } else { 0.05 * tau as f64 / ((p.updates - 1).max(tau)) as f64 };
        assert!((p.learning_rate - expected).abs() < 1e-15, "epoch {}: rate {} where {expected} (τ = {tau})", p.epoch, p.learning_rate);
    }
    assert!(slowed + 2 < curve.len() && curve.last().unwrap().learning_rate < 0.05 * 0.9, "the decay is seen: {curve:?}");
}

#[test]
fn a_penalty_per_update_is_the_chapters_penalty_per_epoch_times_batches_per_epoch() {
    // 200 examples at B 50: four updates an epoch. λ per update = 4λ per epoch (λ·B′/B = 4λ·B′/T), bit for bit.
    let (train, valid) = digits(200);
    let trained = |l2: f64, per: PenaltyPer| {
        let mut recipe = small_recipe();
        recipe.optimiser.batch_size = 50;
        recipe.penalty = Penalty { l1: 0.0, l2, per };
        recipe.stopping = Stopping::off(3);
        let initial = Mlp::<B>::new(&recipe.model.classifier().unwrap(), 64, 10, recipe.seed, &Default::default());
        parameters(&fit(&initial, &recipe.check().unwrap(), &train, &valid, &mut Silent).unwrap().model)
    };
    let per_update = trained(0.05, PenaltyPer::Update);
    assert!(per_update == trained(0.05 * 4.0, PenaltyPer::Epoch), "the same decay in the two conventions gave other weights");
    let weaker = trained(0.05, PenaltyPer::Epoch);
    let apart = per_update.iter().flatten().zip(weaker.iter().flatten()).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(apart > 1e-4, "the same λ per epoch decays four times less ({apart})");
}

#[test]
fn every_epoch_visits_every_example_once_in_a_new_order() {
    let n = 12;
    // Example i has first input i.
    let x: Vec<f64> = (0..n * 3).map(|k| if k % 3 == 0 { (k / 3) as f64 } else { 0.5 }).collect();
    let device = Default::default();
    let inputs = Tensor::<B, 2>::from_data(TensorData::new(x, [n, 3]), &device);
    let labels: Vec<u32> = (0..n as u32).map(|i| i % 2).collect();
    let targets = tricks::models::one_hot::<B>(&labels, 2, &device);
    let train = DeviceSplit { inputs: inputs.clone(), targets: targets.clone(), labels: labels.clone() };
    let valid = DeviceSplit { inputs: inputs.inner(), targets: targets.inner(), labels };
    let mut recipe = small_recipe();
    recipe.optimiser.batch_size = 5;
    recipe.stopping = Stopping::off(4);
    let spec = recipe.model.classifier().unwrap();
    let model = Recording { mlp: Mlp::<B>::new(&spec, 3, 2, 1, &device) };
    SEEN.lock().unwrap().clear();
    fit(&model, &recipe.check().unwrap(), &train, &valid, &mut Silent).unwrap();
    let seen: Vec<usize> = SEEN.lock().unwrap().iter().map(|v| *v as usize).collect();
    assert_eq!(seen.len(), 4 * n, "four epochs of {n} examples");
    let epochs: Vec<&[usize]> = seen.chunks(n).collect();
    for (e, order) in epochs.iter().enumerate() {
        let mut sorted = order.to_vec();
        sorted.sort();
        assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "epoch {}: every example once: {order:?}", e + 1);
        assert_ne!(order.to_vec(), (0..n).collect::<Vec<_>>(), "epoch {}: shuffled", e + 1);
    }
    for e in 1..epochs.len() {
        assert_ne!(epochs[e], epochs[e - 1], "epoch {} repeats the order of epoch {e}", e + 1);
    }
}

#[test]
fn early_stopping_returns_the_best_model_it_validated() {
    // A tiny training set and a large learning rate: validation error gets worse after its best.
    let (train, valid) = digits(30);
    let mut recipe = small_recipe();
    recipe.optimiser.batch_size = 5;
    recipe.optimiser.learning_rate = 0.5;
    // Measured: best 31.7 % at epoch 10, 33.3 % at epoch 12, where the run is cut.
    recipe.stopping = Stopping::Patience(Patience { initial: 60, max_epochs: 12, ..Patience::default() });
    let initial = Mlp::<B>::new(&recipe.model.classifier().unwrap(), 64, 10, recipe.seed, &Default::default());
    let fitted = fit(&initial, &recipe.check().unwrap(), &train, &valid, &mut Silent).unwrap();
    let best = fitted.curve.iter().map(|p| p.valid_error).fold(f64::INFINITY, f64::min);
    let last = fitted.curve.last().unwrap().valid_error;
    assert!(last > best, "the run must move past its best for this test to mean anything: {:?}", fitted.curve);
    assert_eq!(fitted.valid_error, best);
    assert_eq!(classification_error(&fitted.model, &valid), best, "the model returned is the one that scored best");
}

#[test]
fn preprocessing_is_fitted_on_the_training_split_only() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("run");
    let mut recipe = small_recipe();
    recipe.stopping = Stopping::off(1);
    let options = RunOptions { out: dir.clone(), backend: "ndarray".into(), ..Default::default() };
    run::<B>(&recipe.check().unwrap(), &DataSource::Digits, &options, &Default::default(), &mut Silent).unwrap();
    let saved: FittedPreprocessing = read_json(&dir, files::PREPROCESSING).unwrap();
    let FittedPreprocessing::Standardise { mean, .. } = saved else { panic!("the default standardises") };
    let splits = tricks::data::load(&DataSource::Digits).unwrap();
    let means = |d: &tricks::data::Dataset| (0..d.dim).map(|j| (0..d.len()).map(|i| f64::from(d.row(i)[j])).sum::<f64>() / d.len() as f64).collect::<Vec<_>>();
    let train = means(&splits.train);
    let all: Vec<f64> = {
        let (t, v, s) = (means(&splits.train), means(&splits.valid), means(&splits.test));
        let (a, b, c) = (splits.train.len() as f64, splits.valid.len() as f64, splits.test.len() as f64);
        (0..t.len()).map(|j| (t[j] * a + v[j] * b + s[j] * c) / (a + b + c)).collect()
    };
    let off = |m: &[f64]| mean.iter().zip(m).map(|(a, b)| (f64::from(*a) - b).abs()).fold(0.0, f64::max);
    assert!(off(&train) < 1e-4, "the saved means are the training split's ({})", off(&train));
    assert!(off(&all) > 1e-2, "and not those of all the data ({})", off(&all));
}
