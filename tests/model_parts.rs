//! The pieces of the models that training relies on, each against an independent computation: the
//! corruption processes of denoising auto-encoders and their clean target (p.4), the contractive and KL
//! sparsity penalties (p.4, p.13-16), and the initialisation of `Mlp::new` (p.13: U(−r, r) with
//! r = √(6/(fan-in + fan-out)), ×4 for sigmoid units, zero biases).
//!
//! This test binary computes only in f64 (see DESIGN.md). Tests that draw from the backend's generator
//! hold `GENERATOR`, so that a seeded draw is repeated exactly.

use std::sync::Mutex;

use burn::backend::{Autodiff, NdArray};
use burn::tensor::{Tensor, TensorData, backend::Backend};
use tricks::core::{Activation, AutoEncoderSpec, Corruption, Init, MlpSpec, OutputLoss, Sparsity};
use tricks::models::{AutoEncoder, Mlp, contractive, kl_sparsity};

type I = NdArray<f64>;
type B = Autodiff<I>;

static GENERATOR: Mutex<()> = Mutex::new(());

fn host<Bk: Backend, const D: usize>(t: Tensor<Bk, D>) -> Vec<f64> {
    t.into_data().convert::<f64>().into_vec::<f64>().unwrap()
}

fn tensor<Bk: Backend>(values: Vec<f64>, rows: usize) -> Tensor<Bk, 2> {
    let cols = values.len() / rows;
    Tensor::from_data(TensorData::new(values, [rows, cols]), &Default::default())
}

/// Deterministic, irregular values in (0, 1).
fn unit_values(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i as f64 * 0.7548776662 + 0.1).fract() * 0.9 + 0.05).collect()
}

fn corrupted(corruption: Corruption, x: &Tensor<I, 2>, seed: u64) -> Vec<f64> {
    let spec = AutoEncoderSpec { corruption, ..AutoEncoderSpec::denoising(4, 0.0) };
    let model = AutoEncoder::<I>::new(&spec, x.dims()[1], 1, &Default::default());
    let _generator = GENERATOR.lock().unwrap_or_else(|p| p.into_inner());
    I::seed(&Default::default(), seed);
    host(model.corrupt(x.clone()))
}

const ROWS: usize = 200;
const COLS: usize = 50;

#[test]
fn masking_zeroes_the_stated_fraction_and_keeps_the_rest_unchanged() {
    let values = unit_values(ROWS * COLS);
    let x = tensor::<I>(values.clone(), ROWS);
    for fraction in [0.1, 0.3, 0.5] {
        let c = corrupted(Corruption::Masking { fraction }, &x, 7);
        let masked = c.iter().filter(|v| **v == 0.0).count() as f64 / c.len() as f64;
        // 10,000 Bernoulli draws: standard deviation ≤ 0.005; 0.02 is four of them.
        assert!((masked - fraction).abs() < 0.02, "masking {fraction}: {masked} of the inputs zeroed");
        assert!(c.iter().zip(&values).all(|(c, v)| *c == 0.0 || c == v), "kept inputs are unchanged");
    }
    // Different draws per call, the same draws per seed.
    let a = corrupted(Corruption::Masking { fraction: 0.3 }, &x, 7);
    assert_eq!(a, corrupted(Corruption::Masking { fraction: 0.3 }, &x, 7));
    assert_ne!(a, corrupted(Corruption::Masking { fraction: 0.3 }, &x, 8));
}

#[test]
fn gaussian_noise_has_mean_zero_and_the_stated_deviation() {
    let values = unit_values(ROWS * COLS);
    let x = tensor::<I>(values.clone(), ROWS);
    for std in [0.1, 0.5] {
        let noise: Vec<f64> = corrupted(Corruption::Gaussian { std }, &x, 3).iter().zip(&values).map(|(c, v)| c - v).collect();
        let n = noise.len() as f64;
        let mean = noise.iter().sum::<f64>() / n;
        let sd = (noise.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / n).sqrt();
        // Standard error of the mean std/100, of the deviation about std/141: four of each.
        assert!(mean.abs() < 0.04 * std, "σ {std}: mean {mean}");
        assert!((sd - std).abs() < 0.03 * std, "σ {std}: deviation {sd}");
        assert!(noise.iter().all(|e| *e != 0.0), "every input gets noise");
    }
}

#[test]
fn salt_and_pepper_sets_the_stated_fraction_to_zero_or_one_in_equal_parts() {
    let values = vec![0.5; ROWS * COLS];
    let x = tensor::<I>(values, ROWS);
    for fraction in [0.2, 0.4] {
        let c = corrupted(Corruption::SaltAndPepper { fraction }, &x, 5);
        assert!(c.iter().all(|v| *v == 0.0 || *v == 0.5 || *v == 1.0), "only salt, pepper or the input");
        let n = c.len() as f64;
        let salt = c.iter().filter(|v| **v == 1.0).count() as f64 / n;
        let pepper = c.iter().filter(|v| **v == 0.0).count() as f64 / n;
        assert!((salt + pepper - fraction).abs() < 0.02, "{fraction}: {salt} salt + {pepper} pepper");
        assert!((salt - pepper).abs() < 0.03, "{fraction}: {salt} salt against {pepper} pepper");
    }
}

#[test]
fn the_denoising_criterion_reconstructs_the_clean_input_from_the_corrupted_one() {
    let device = Default::default();
    let x = tensor::<B>(unit_values(8 * 6), 8);
    let model = AutoEncoder::<B>::new(&AutoEncoderSpec::denoising(5, 0.5), 6, 2, &device);
    let _generator = GENERATOR.lock().unwrap_or_else(|p| p.into_inner());
    B::seed(&device, 11);
    let loss = host(model.loss(x.clone()))[0];
    B::seed(&device, 11);
    let corrupted = model.corrupt(x.clone());
    assert_ne!(host(corrupted.clone()), host(x.clone()), "half the inputs are masked");
    let code = model.encode(corrupted.clone());
    // The code of the corrupted input, the clean input as target.
    assert_eq!(loss, host(model.reconstruction_loss(code.clone(), x.clone()))[0]);
    assert_ne!(loss, host(model.reconstruction_loss(code, corrupted))[0]);
    assert_ne!(loss, host(model.reconstruction_loss(model.encode(x.clone()), x))[0]);
}

/// ‖∂h/∂x‖²_F of each example by centred differences of the encoder, mean over examples.
fn jacobian_norm_by_differences(model: &AutoEncoder<I>, x: &[f64], rows: usize) -> f64 {
    let cols = x.len() / rows;
    let encode = |v: Vec<f64>| host(model.encode(tensor::<I>(v, 1)));
    let mut total = 0.0;
    for r in 0..rows {
        let row = x[r * cols..(r + 1) * cols].to_vec();
        for i in 0..cols {
            let shifted = |d: f64| {
                let mut v = row.clone();
                v[i] += d;
                encode(v)
            };
            let (up, down) = (shifted(1e-5), shifted(-1e-5));
            total += up.iter().zip(&down).map(|(u, d)| ((u - d) / 2e-5).powi(2)).sum::<f64>();
        }
    }
    total / rows as f64
}

#[test]
fn contractive_penalty_is_the_jacobian_norm_computed_by_differences() {
    let device = Default::default();
    let rows = 5;
    let values: Vec<f64> = unit_values(rows * 6).iter().map(|v| v * 3.0 - 1.5).collect();
    for activation in [Activation::Sigmoid, Activation::Tanh, Activation::Softsign] {
        let spec = AutoEncoderSpec { activation, corruption: Corruption::None, contractive: 0.3, ..AutoEncoderSpec::denoising(4, 0.0) };
        let model = AutoEncoder::<I>::new(&spec, 6, 9, &device);
        let x = tensor::<I>(values.clone(), rows);
        let penalty = host(contractive(activation, model.encode(x.clone()), model.encoder.weight.val()))[0];
        let expected = jacobian_norm_by_differences(&model, &values, rows);
        assert!(expected > 0.1, "{activation:?}: the penalty is not trivially small ({expected})");
        assert!((penalty - expected).abs() < 1e-7 * expected.max(1.0), "{activation:?}: {penalty} against {expected} by differences");
        // The auto-encoder's criterion adds it with its weight.
        let reconstruction = host(model.reconstruction_loss(model.encode(x.clone()), x.clone()))[0];
        let loss = host(model.loss_from(x.clone(), x.clone()))[0];
        assert!((loss - reconstruction - 0.3 * expected).abs() < 1e-7, "{activation:?}: criterion {loss}");
    }
}

#[test]
fn kl_sparsity_penalty_is_the_bernoulli_kl_divergence_summed_over_units() {
    let device = Default::default();
    let means = [0.01, 0.05, 0.2, 0.5, 0.93];
    let target = 0.05;
    let kl = |q: f64| target * (target / q).ln() + (1.0 - target) * ((1.0 - target) / (1.0 - q)).ln();
    let expected: f64 = means.iter().map(|q| kl(*q)).sum();
    let value = host(kl_sparsity(Tensor::<I, 1>::from_data(TensorData::new(means.to_vec(), [means.len()]), &device), target))[0];
    assert!((value - expected).abs() < 1e-12 * expected, "{value} against {expected}");
    assert!(host(kl_sparsity(Tensor::<I, 1>::from_data(TensorData::new(vec![target; 3], [3]), &device), target))[0].abs() < 1e-15, "zero at the target");

    // In a sparse auto-encoder, on the batch means of the code.
    let rows = 6;
    let x = tensor::<I>(unit_values(rows * 5), rows);
    let spec = AutoEncoderSpec { corruption: Corruption::None, sparsity: Some(Sparsity { target, cost: 0.7 }), ..AutoEncoderSpec::denoising(4, 0.0) };
    let model = AutoEncoder::<I>::new(&spec, 5, 3, &device);
    let h = host(model.encode(x.clone()));
    let batch_means: Vec<f64> = (0..4).map(|j| (0..rows).map(|r| h[r * 4 + j]).sum::<f64>() / rows as f64).collect();
    let penalty: f64 = batch_means.iter().map(|q| kl(*q)).sum();
    let reconstruction = host(model.reconstruction_loss(model.encode(x.clone()), x.clone()))[0];
    let loss = host(model.loss_from(x.clone(), x))[0];
    assert!((loss - reconstruction - 0.7 * penalty).abs() < 1e-10, "criterion {loss}: reconstruction {reconstruction} + 0.7 × {penalty}");
}

#[test]
fn mlp_hidden_weights_are_glorot_uniform_times_four_for_sigmoid_and_biases_zero() {
    let device = Default::default();
    let (inputs, hidden, outputs) = (64, 200, 10);
    for (activation, gain) in [(Activation::Tanh, 1.0), (Activation::Sigmoid, 4.0), (Activation::Rectifier, 1.0)] {
        let spec = MlpSpec { hidden: vec![hidden, hidden], activation, output: OutputLoss::SoftmaxNll, init: Init { zero_output_weights: true } };
        let model = Mlp::<I>::new(&spec, inputs, outputs, 1, &device);
        for (l, (fan_in, fan_out)) in [(inputs, hidden), (hidden, hidden)].into_iter().enumerate() {
            let r = gain * (6.0 / (fan_in + fan_out) as f64).sqrt();
            let w = host(model.layers[l].weight.val());
            let n = w.len() as f64;
            let max = w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let mean = w.iter().sum::<f64>() / n;
            let var = w.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
            // U(−r, r): |w| ≤ r, its largest draw within 1 % of r, mean 0, variance r²/3 (n ≥ 12,800).
            assert!(max <= r * (1.0 + 1e-6) && max > 0.99 * r, "{activation:?} layer {l}: max |w| {max} for r = {r}");
            assert!(mean.abs() < 0.02 * r, "{activation:?} layer {l}: mean {mean}");
            assert!((var / (r * r / 3.0) - 1.0).abs() < 0.05, "{activation:?} layer {l}: variance {var} for r²/3 = {}", r * r / 3.0);
            assert!(host(model.layers[l].bias.as_ref().unwrap().val()).iter().all(|b| *b == 0.0), "{activation:?} layer {l}: zero biases");
        }
        let output = model.layers.last().unwrap();
        assert!(host(output.weight.val()).iter().all(|w| *w == 0.0), "zero output weights as the spec asks");
        assert!(host(output.bias.as_ref().unwrap().val()).iter().all(|b| *b == 0.0));
        // Drawn output weights get gain 1 whatever the hidden units: ×4 is for sigmoid hidden layers only.
        let spec = MlpSpec { init: Init { zero_output_weights: false }, ..spec };
        let model = Mlp::<I>::new(&spec, inputs, outputs, 1, &device);
        let r = (6.0 / (hidden + outputs) as f64).sqrt();
        let max = host(model.layers.last().unwrap().weight.val()).iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(max <= r * (1.0 + 1e-6) && max > 0.95 * r, "{activation:?} output layer: max |w| {max} for r = {r}");
    }
}
