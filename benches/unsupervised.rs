//! Training throughput of the unsupervised layers on ndarray at the chapter's default batch size B = 32
//! (DESIGN.md's workloads): a binary RBM 784-500 with CD-1, and a denoising auto-encoder 784-500 (tied
//! weights, 30 % masking, cross-entropy). One iteration is one update through the training loop's own
//! pieces (`Trainable::batch_loss`, backward, the project's SGD step), reported in examples per second.

use burn::backend::{Autodiff, NdArray};
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, TensorData};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tricks::core::{AutoEncoderSpec, RbmSpec, Recipe, defaults::DAE_MASKING};
use tricks::models::{AutoEncoder, Rbm};
use tricks::train::{SgdState, StepSettings, Trainable, sgd_step};

type B = Autodiff<NdArray>;

const BATCH: usize = 32;

/// Benchmark one SGD update of `model` with `recipe`'s optimiser, under `group/name`.
fn updates<M: Trainable<B>>(c: &mut Criterion, group: &str, name: &str, model: M, recipe: &Recipe) {
    // Binary "pixels" with a pattern, so the hidden units see varied inputs.
    let x: Vec<f32> = (0..BATCH * 784).map(|i| if (i * 7919) % 13 < 4 { 1.0 } else { 0.0 }).collect();
    let x = Tensor::<B, 2>::from_data(TensorData::new(x, [BATCH, 784]), &Default::default());
    let mut model = Some(model);
    let (mut state, mut carry) = (SgdState::default(), M::Carry::default());
    let mut group = c.benchmark_group(group);
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function(name, |b| {
        b.iter(|| {
            let m = model.take().unwrap();
            let grads = GradientsParams::from_grads(m.batch_loss(x.clone(), x.clone(), &mut carry).backward(), &m);
            let settings = StepSettings {
                learning_rate: recipe.optimiser.learning_rate,
                momentum_beta: recipe.optimiser.momentum_beta,
                penalty_scale: BATCH as f64 / 50_000.0,
                recipe,
            };
            model = Some(sgd_step(m, grads, &mut state, settings));
        })
    });
    group.finish();
}

fn rbm_cd1(c: &mut Criterion) {
    let spec = RbmSpec::new(500); // CD-1, binary visible units, σ = 0.01
    let model = Rbm::<B>::new(&spec, 784, &[0.3; 784], 1, &Default::default());
    updates(c, "rbm-784-500-binary", "ndarray-cd1-step-b32", model, &Recipe::rbm());
}

fn dae(c: &mut Criterion) {
    let model = AutoEncoder::<B>::new(&AutoEncoderSpec::denoising(500, DAE_MASKING), 784, 1, &Default::default());
    updates(c, "dae-784-500-tied-masking", "ndarray-step-b32", model, &Recipe::dae());
}

criterion_group!(benches, rbm_cd1, dae);
criterion_main!(benches);
