//! The chapter's SGD update (p.6-13) as applied by `sgd_step`: penalties on weights only and scaled by
//! B′/T, chapter-form momentum, per-layer and bias learning rates.

use burn::backend::{Autodiff, NdArray};
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, TensorData};
use tricks::core::{Activation, Init, MlpSpec, OutputLoss, Recipe};
use tricks::models::{Mlp, one_hot};
use tricks::train::{SgdState, StepSettings, sgd_step};

type B = Autodiff<NdArray<f64>>;

fn model() -> Mlp<B> {
    let spec = MlpSpec { hidden: vec![3], activation: Activation::Tanh, output: OutputLoss::SoftmaxNll, init: Init { zero_output_weights: false } };
    Mlp::new(&spec, 4, 2, 1, &Default::default())
}

/// Parameters after one update with `recipe`, flattened per tensor: [w0, b0, w1, b1].
fn after_step(recipe: &Recipe, scale: f64) -> Vec<Vec<f64>> {
    let device = Default::default();
    let m = model();
    let x = Tensor::<B, 2>::from_data(TensorData::new(vec![0.5, -1.0, 0.25, 2.0, -0.5, 1.0, 1.5, -2.0], [2, 4]), &device);
    let grads = GradientsParams::from_grads(m.loss(x, one_hot(&[0, 1], 2, &device)).backward(), &m);
    let settings = StepSettings { learning_rate: 0.1, momentum_beta: recipe.optimiser.momentum_beta, penalty_scale: scale, recipe };
    let m = sgd_step(m, grads, &mut SgdState::default(), settings);
    flat(&m)
}

fn flat(m: &Mlp<B>) -> Vec<Vec<f64>> {
    m.layers
        .iter()
        .flat_map(|l| [l.weight.val().into_data(), l.bias.as_ref().unwrap().val().into_data()])
        .map(|d| d.convert::<f64>().into_vec::<f64>().unwrap())
        .collect()
}

fn assert_close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} vs {b}");
}

#[test]
fn l2_and_l1_penalties_change_weights_by_their_scaled_gradient_and_leave_biases_alone() {
    let plain = Recipe::chapter_default();
    let mut penalised = plain.clone();
    penalised.penalty.l2 = 0.3;
    penalised.penalty.l1 = 0.2;
    let scale = 32.0 / 1000.0; // B′/T
    let before = flat(&model());
    let (a, b) = (after_step(&plain, scale), after_step(&penalised, scale));
    for t in [0, 2] {
        for i in 0..a[t].len() {
            let w = before[t][i];
            let expected = -0.1 * scale * (2.0 * 0.3 * w + 0.2 * w.signum());
            assert_close(b[t][i] - a[t][i], expected);
        }
    }
    for t in [1, 3] {
        assert_eq!(a[t], b[t], "biases are never penalised (p.13)");
    }
}

#[test]
fn layer_and_bias_learning_rates_scale_each_update() {
    let plain = Recipe::chapter_default();
    let mut scaled = plain.clone();
    scaled.optimiser.layer_learning_rates = vec![0.0, 2.0];
    scaled.optimiser.bias_learning_rate = 0.5;
    let before = flat(&model());
    let (a, b) = (after_step(&plain, 0.0), after_step(&scaled, 0.0));
    let step = |v: &Vec<Vec<f64>>, t: usize, i: usize| v[t][i] - before[t][i];
    for i in 0..before[0].len() {
        assert_eq!(b[0][i], before[0][i], "layer 0 frozen");
    }
    for i in 0..before[2].len() {
        assert_close(step(&b, 2, i), 2.0 * step(&a, 2, i));
    }
    for i in 0..before[3].len() {
        assert_close(step(&b, 3, i), 2.0 * 0.5 * step(&a, 3, i));
    }
}

#[test]
fn chapter_momentum_averages_gradients_with_weight_beta() {
    let plain = Recipe::chapter_default();
    let mut momentum = plain.clone();
    momentum.optimiser.momentum_beta = 0.25; // ḡ ← 0.75·ḡ + 0.25·g, ḡ starts at 0
    let before = flat(&model());
    let (a, b) = (after_step(&plain, 0.0), after_step(&momentum, 0.0));
    for t in 0..4 {
        for i in 0..before[t].len() {
            assert_close(b[t][i] - before[t][i], 0.25 * (a[t][i] - before[t][i]));
        }
    }
}
