//! Training throughput of a binary RBM 784-500 with CD-1, B = 32, on ndarray (DESIGN.md's RBM workload, at
//! the chapter's default batch size): one update per iteration (CD-1 loss, backward, the project's SGD step
//! with HG's momentum and L2 weight cost), reported in examples per second.

use burn::backend::{Autodiff, NdArray};
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, TensorData};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tricks::core::{RbmSpec, Recipe};
use tricks::models::Rbm;
use tricks::train::{SgdState, StepSettings, sgd_step};

type B = Autodiff<NdArray>;

fn rbm_cd1(c: &mut Criterion) {
    let device = Default::default();
    let recipe = Recipe::rbm();
    let batch = 32;
    // Binary "pixels" with a pattern, so the hidden units see varied inputs.
    let x: Vec<f32> = (0..batch * 784).map(|i| if (i * 7919) % 13 < 4 { 1.0 } else { 0.0 }).collect();
    let x = Tensor::<B, 2>::from_data(TensorData::new(x, [batch, 784]), &device);
    let spec = RbmSpec::new(500); // CD-1, binary visible units, σ = 0.01
    let mut model = Some(Rbm::<B>::new(&spec, 784, &[0.3; 784], 1, &device));
    let mut state = SgdState::default();

    let mut group = c.benchmark_group("rbm-784-500-binary");
    group.throughput(Throughput::Elements(batch as u64));
    group.bench_function("ndarray-cd1-step-b32", |b| {
        b.iter(|| {
            let m = model.take().unwrap();
            let grads = GradientsParams::from_grads(m.cd_loss(x.clone(), &mut None).backward(), &m);
            let settings = StepSettings {
                learning_rate: 0.01,
                momentum_beta: recipe.optimiser.momentum_beta,
                penalty_scale: batch as f64 / 50_000.0,
                recipe: &recipe,
            };
            model = Some(sgd_step(m, grads, &mut state, settings));
        })
    });
    group.finish();
}

criterion_group!(benches, rbm_cd1);
criterion_main!(benches);
