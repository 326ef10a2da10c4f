//! Training throughput of the MLP 784-500-10 tanh, B = 32, plain SGD (DESIGN.md's first workload), on
//! ndarray: one SGD update per iteration, reported in examples per second.

use burn::backend::{Autodiff, NdArray};
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, TensorData};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tricks::core::{Activation, Init, MlpSpec, OutputLoss, Recipe};
use tricks::models::{Mlp, one_hot};
use tricks::train::{SgdState, StepSettings, sgd_step};

type B = Autodiff<NdArray>;

fn mlp_sgd(c: &mut Criterion) {
    let device = Default::default();
    let spec = MlpSpec { hidden: vec![500], activation: Activation::Tanh, output: OutputLoss::SoftmaxNll, init: Init { zero_output_weights: false } };
    let recipe = Recipe::chapter_default();
    let batch = recipe.optimiser.batch_size;
    let x: Vec<f32> = (0..batch * 784).map(|i| (i % 255) as f32 / 255.0).collect();
    let x = Tensor::<B, 2>::from_data(TensorData::new(x, [batch, 784]), &device);
    let labels: Vec<u32> = (0..batch as u32).map(|i| i % 10).collect();
    let y = one_hot::<B>(&labels, 10, &device);
    let mut model = Some(Mlp::<B>::new(&spec, 784, 10, 1, &device));
    let mut state = SgdState::default();

    let mut group = c.benchmark_group("mlp-784-500-10-tanh");
    group.throughput(Throughput::Elements(batch as u64));
    group.bench_function("ndarray-sgd-step-b32", |b| {
        b.iter(|| {
            let m = model.take().unwrap();
            let grads = GradientsParams::from_grads(m.loss(x.clone(), y.clone()).backward(), &m);
            let settings = StepSettings { learning_rate: 0.01, momentum_beta: 1.0, penalty_scale: batch as f64 / 50_000.0, recipe: &recipe };
            model = Some(sgd_step(m, grads, &mut state, settings));
        })
    });
    group.finish();
}

criterion_group!(benches, mlp_sgd);
criterion_main!(benches);
