//! The cost of per-layer monitoring (p.22-23): N updates of the MLP 784-500-10 tanh, B = 32, plain SGD,
//! through the one training loop, with monitoring off and at the recipe's default frequency
//! (`defaults::MONITOR_EVERY`), on ndarray. The default is chosen so that the second costs at most 10 %
//! more time than the first.
//!
//! On a busy machine two long runs measured one after the other differ by more than that, so a second
//! group times one update alone and one update with a snapshot: the overhead at frequency k is
//! (monitored − plain) / (k · plain).

use burn::backend::{Autodiff, NdArray};
use burn::module::AutodiffModule;
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, TensorData};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tricks::core::{Activation, Init, MlpSpec, Model, OutputLoss, Recipe, Stopping, defaults::MONITOR_EVERY};
use tricks::models::{Mlp, one_hot};
use tricks::train::{DeviceSplit, PendingSnapshot, SgdState, Silent, StepSettings, Trainable, fit, sgd_step};

type B = Autodiff<NdArray>;

/// Updates per measured training run: several monitoring periods, so the snapshots' cost is amortised
/// as in a real run.
const UPDATES: usize = 400;
const VALID: usize = 64;

fn split<Bk: burn::tensor::backend::Backend>(rows: usize, salt: usize, device: &Bk::Device) -> DeviceSplit<Bk> {
    let x: Vec<f32> = (0..rows * 784).map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(salt) % 255) as f32 / 255.0).collect();
    let labels: Vec<u32> = (0..rows as u32).map(|i| i % 10).collect();
    DeviceSplit { inputs: Tensor::from_data(TensorData::new(x, [rows, 784]), device), targets: one_hot(&labels, 10, device), labels }
}

fn monitoring_overhead(c: &mut Criterion) {
    let device = Default::default();
    let spec = MlpSpec { hidden: vec![500], activation: Activation::Tanh, output: OutputLoss::SoftmaxNll, init: Init { zero_output_weights: false } };
    let mut recipe = Recipe::chapter_default();
    recipe.model = Model::Mlp(spec.clone());
    recipe.stopping = Stopping::off(1);
    let batch = recipe.optimiser.batch_size;
    let train = split::<B>(UPDATES * batch, 0, &device);
    let valid = split(VALID, 7, &device);
    let model = Mlp::<B>::new(&spec, 784, 10, 1, &device);

    let mut group = c.benchmark_group(format!("mlp-784-500-10-tanh-{UPDATES}-updates"));
    group.sample_size(10);
    group.throughput(Throughput::Elements((UPDATES * batch) as u64));
    for every in [0, MONITOR_EVERY] {
        recipe.monitor_every = every;
        let name = if every == 0 { "ndarray-monitor-off".to_string() } else { format!("ndarray-monitor-every-{every}") };
        let checked = recipe.check().expect("a valid recipe");
        group.bench_function(name, |b| b.iter(|| fit(&model, &checked, &train, &valid, &mut Silent).unwrap().monitor.len()));
    }
    group.finish();
}

fn snapshot_cost(c: &mut Criterion) {
    let device = Default::default();
    let spec = MlpSpec { hidden: vec![500], activation: Activation::Tanh, output: OutputLoss::SoftmaxNll, init: Init { zero_output_weights: false } };
    let recipe = Recipe::chapter_default();
    let batch = recipe.optimiser.batch_size;
    let data = split::<B>(batch, 0, &device);
    let (x, y) = (data.inputs, data.targets);
    let mut model = Some(Mlp::<B>::new(&spec, 784, 10, 1, &device));
    let mut state = SgdState::default();
    let mut group = c.benchmark_group("mlp-784-500-10-tanh-one-update");
    group.throughput(Throughput::Elements(batch as u64));
    for monitored in [false, true] {
        let name = if monitored { "ndarray-update-with-snapshot" } else { "ndarray-update" };
        group.bench_function(name, |b| {
            b.iter(|| {
                let m = model.take().unwrap();
                let activity = monitored.then(|| m.layer_activity(x.clone(), y.clone()));
                let grads = GradientsParams::from_grads(m.loss(x.clone(), y.clone()).backward(), &m);
                let pending = activity.map(|a| PendingSnapshot::begin(&m.valid(), &grads, a));
                let settings = StepSettings { learning_rate: 0.01, momentum_beta: 1.0, penalty_scale: batch as f64 / 50_000.0, recipe: &recipe };
                let m = sgd_step(m, grads, &mut state, settings);
                let rows = pending.map(|p| p.finish(&m.valid(), 1, batch as u64).statistics.len());
                // Plain updates are read back too (the loop reads the loss now and then), so that both
                // variants end with the device idle.
                let _ = m.layers[0].bias.as_ref().unwrap().val().into_data();
                model = Some(m);
                rows
            })
        });
    }
    group.finish();
}

criterion_group!(benches, snapshot_cost, monitoring_overhead);
criterion_main!(benches);
