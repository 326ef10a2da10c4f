//! The cost of durable runs: one epoch of the default MLP (784-1000-10 rectifier, B = 32, the `mlp`
//! recipe) on Fashion-MNIST's 50,000 training examples with its validation, through the one training
//! loop, without and with a checkpoint at the validation (the model, the best model, the loop's state,
//! written atomically and synced). Uses /usr/share/datasets/fashion-mnist when installed
//! (`apt-get install dataset-fashion-mnist`), else inputs of the same shape.
//!
//! A second group isolates one checkpoint: a one-mini-batch epoch of the same network, without and with
//! its checkpoint; the difference over the epoch's time is the overhead.

use burn::backend::ndarray::NdArrayDevice;
use burn::backend::{Autodiff, NdArray};
use burn::tensor::backend::Backend;
use burn::tensor::{Tensor, TensorData};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tricks::core::{CheckedRecipe, Model, Recipe, Stopping};
use tricks::data::{DataSource, FittedPreprocessing};
use tricks::models::{Mlp, one_hot};
use tricks::train::{Checkpointing, DeviceSplit, RunDir, Silent, fit, fit_checkpointed};

type B = Autodiff<NdArray>;

const FASHION_MNIST: &str = "/usr/share/datasets/fashion-mnist";

fn synthetic<Bk: Backend>(rows: usize, salt: usize, device: &Bk::Device) -> DeviceSplit<Bk> {
    let x: Vec<f32> = (0..rows * 784).map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(salt) % 255) as f32 / 255.0 - 0.5).collect();
    let labels: Vec<u32> = (0..rows as u32).map(|i| i % 10).collect();
    DeviceSplit { inputs: Tensor::from_data(TensorData::new(x, [rows, 784]), device), targets: one_hot(&labels, 10, device), labels }
}

/// Fashion-MNIST's training and validation splits, standardised as the recipe says, or stand-ins.
fn data(recipe: &CheckedRecipe, device: &NdArrayDevice) -> (DeviceSplit<B>, DeviceSplit<NdArray>, &'static str) {
    match tricks::data::load(&DataSource::Idx(FASHION_MNIST.into())) {
        Ok(splits) => {
            let pre = FittedPreprocessing::fit(&recipe.preprocessing, &splits.train).expect("standardise");
            (DeviceSplit::classification(&pre.apply(&splits.train), device), DeviceSplit::classification(&pre.apply(&splits.valid), device), "fashion-mnist")
        }
        Err(_) => (synthetic(50_000, 0, device), synthetic(10_000, 7, device), "synthetic-784"),
    }
}

fn checkpoint_cost(c: &mut Criterion) {
    let device = Default::default();
    let mut recipe = Recipe::chapter_default();
    recipe.stopping = Stopping::off(1);
    let recipe = recipe.check().expect("a valid recipe");
    let Model::Mlp(spec) = recipe.model.clone() else { unreachable!("the default recipe is an MLP") };
    let (train, valid, name) = data(&recipe, &device);
    let model = Mlp::<B>::new(&spec, 784, 10, recipe.seed, &device);
    let root = tempfile::tempdir().expect("a temporary folder");
    let mut runs = 0;
    let mut checkpointed = |recipe: &CheckedRecipe, train: &DeviceSplit<B>, valid: &DeviceSplit<NdArray>| {
        runs += 1;
        let dir = RunDir::create(&root.path().join(format!("run{runs}"))).expect("run directory");
        let c = Checkpointing { dir: &dir, stage: "train", live: true };
        fit_checkpointed(&model, recipe, train, valid, c, &mut Silent).expect("trains").updates
    };

    let mut group = c.benchmark_group(format!("mlp-784-1000-10-one-epoch-{name}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(train.len() as u64));
    group.bench_function("ndarray-no-checkpoint", |b| b.iter(|| fit(&model, &recipe, &train, &valid, &mut Silent).expect("trains").updates));
    group.bench_function("ndarray-checkpoint-at-validation", |b| b.iter(|| checkpointed(&recipe, &train, &valid)));
    group.finish();

    // One mini-batch and a 100-example validation: what remains is the checkpoint.
    let one = synthetic::<B>(recipe.optimiser.batch_size, 3, &device);
    let small_valid = synthetic::<NdArray>(100, 5, &device);
    let mut group = c.benchmark_group("mlp-784-1000-10-one-update");
    group.sample_size(20);
    group.bench_function("ndarray-no-checkpoint", |b| b.iter(|| fit(&model, &recipe, &one, &small_valid, &mut Silent).expect("trains").updates));
    group.bench_function("ndarray-checkpoint", |b| b.iter(|| checkpointed(&recipe, &one, &small_valid)));
    group.finish();
}

criterion_group!(benches, checkpoint_cost);
criterion_main!(benches);
