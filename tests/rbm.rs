//! RBMs (p.3, p.15; HG; Salakhutdinov & Murray 2008): AIS agrees with the exact log-likelihood of a CD-1
//! trained RBM; the CD-1 gradient has the expectation computed by enumeration; PCD carries its chains; free
//! energies, sparsity penalty, partition functions and pseudo-likelihood agree with independent computations;
//! the initialisation is the chapter's.
//!
//! This test binary computes only in f64: Burn 0.21 keeps one float type per device and process. The
//! backend's random generator is shared by the tests running in parallel, so every test that samples
//! checks a statistical tolerance, never an exact value.

use burn::backend::{Autodiff, NdArray};
use burn::module::{AutodiffModule, Param};
use burn::tensor::{Tensor, TensorData, backend::Backend};
use tricks::core::{Model, RbmSpec, Recipe, Sparsity, Stopping, VisibleUnits};
use tricks::data::{DataSource, Dataset};
use tricks::models::{
    MonitorError, Rbm, VISIBLE_MEAN_CLAMP, ais_log_partition, ais_log_partition_from_base, exact_log_partition, initial_visible_bias, log_likelihood,
    mean_reconstruction_error, pseudo_likelihood,
};
use tricks::train::{DeviceSplit, GRADCHECK_THRESHOLD, Silent, Trainable, fit, gradient_check, rbm_likelihood};

type I = NdArray<f64>;
type B = Autodiff<I>;

fn tensor<Bk: Backend>(values: &[f64], rows: usize) -> Tensor<Bk, 2> {
    Tensor::from_data(TensorData::new(values.to_vec(), [rows, values.len() / rows]), &Default::default())
}

fn host<Bk: Backend, const D: usize>(t: Tensor<Bk, D>) -> Vec<f64> {
    t.into_data().convert::<f64>().into_vec::<f64>().unwrap()
}

/// An RBM with the given parameters (row-major W of shape [visible, hidden]).
fn rbm_with<Bk: Backend>(spec: &RbmSpec, w: &[f64], b: &[f64], c: &[f64]) -> Rbm<Bk> {
    let device = Default::default();
    let mut rbm = Rbm::<Bk>::new(spec, b.len(), &vec![0.5; b.len()], 1, &device);
    rbm.weight = Param::from_tensor(tensor(w, b.len()).require_grad());
    rbm.visible_bias = Param::from_tensor(Tensor::from_data(TensorData::new(b.to_vec(), [b.len()]), &device).require_grad());
    rbm.hidden_bias = Param::from_tensor(Tensor::from_data(TensorData::new(c.to_vec(), [c.len()]), &device).require_grad());
    rbm
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

fn log_sum_exp(xs: impl Iterator<Item = f64>) -> f64 {
    let xs: Vec<f64> = xs.collect();
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    max + xs.iter().map(|x| (x - max).exp()).sum::<f64>().ln()
}

/// All binary vectors of length `n`.
fn configurations(n: usize) -> Vec<Vec<f64>> {
    (0..1usize << n).map(|k| (0..n).map(|i| ((k >> i) & 1) as f64).collect()).collect()
}

/// A tiny binary RBM, 3 visible and 2 hidden units, with fixed irregular parameters.
struct Tiny {
    w: [[f64; 2]; 3],
    b: [f64; 3],
    c: [f64; 2],
}

const TINY: Tiny = Tiny { w: [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8]], b: [0.2, -0.4, 0.1], c: [-0.3, 0.6] };

impl Tiny {
    fn rbm<Bk: Backend>(&self, spec: &RbmSpec) -> Rbm<Bk> {
        rbm_with(spec, self.w.as_flattened(), &self.b, &self.c)
    }

    fn hidden_probabilities(&self, v: &[f64]) -> [f64; 2] {
        [0, 1].map(|j| sigmoid(self.c[j] + (0..3).map(|i| v[i] * self.w[i][j]).sum::<f64>()))
    }

    fn visible_mean(&self, h: &[f64]) -> [f64; 3] {
        [0, 1, 2].map(|i| sigmoid(self.b[i] + (0..2).map(|j| h[j] * self.w[i][j]).sum::<f64>()))
    }

    fn energy(&self, v: &[f64], h: &[f64]) -> f64 {
        let interaction: f64 = v.iter().zip(&self.w).map(|(vi, row)| vi * row.iter().zip(h).map(|(w, hj)| w * hj).sum::<f64>()).sum();
        let biases: f64 = v.iter().zip(&self.b).map(|(x, b)| x * b).sum::<f64>() + h.iter().zip(&self.c).map(|(x, c)| x * c).sum::<f64>();
        -interaction - biases
    }

    /// F(v) = −log Σ_h e^{−E(v,h)}, by enumeration.
    fn free_energy(&self, v: &[f64]) -> f64 {
        -log_sum_exp(configurations(2).iter().map(|h| -self.energy(v, h)))
    }
}

#[test]
fn cd1_gradient_has_the_expectation_computed_by_enumerating_the_hidden_samples() {
    // Rows of v0 (one fractional), each repeated `copies` times in one mini-batch, so that the averaged CD-1
    // gradient is a Monte-Carlo mean over `rows × copies` independent negative phases.
    let data = [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 0.0], [0.3, 0.8, 0.0]];
    let copies = 5000;
    let rows = data.len();
    let n = rows * copies;
    let spec = RbmSpec::new(2);
    let rbm = TINY.rbm::<B>(&spec);
    let batch: Vec<f64> = data.iter().flat_map(|r| std::iter::repeat_n(r, copies).flatten().copied()).collect();
    let v0 = tensor::<B>(&batch, n);
    let loss = rbm.cd_loss(v0.clone(), &mut None);
    // The value is the reconstruction error of the mini-batch.
    let value = host(loss.clone())[0];
    let recon = host(rbm.reconstruction_error(v0))[0];
    assert!((value - recon).abs() < 1e-12, "value {value} is the reconstruction error {recon}");
    let grads = loss.backward();
    let got_w = host(rbm.weight.val().grad(&grads).unwrap());
    let got_b = host(rbm.visible_bias.val().grad(&grads).unwrap());
    let got_c = host(rbm.hidden_bias.val().grad(&grads).unwrap());

    // Expected gradient of mean F(v0) − mean F(v1), v1 = E[v | h0], h0 ~ p(h | v0), and for each component
    // the variance of the negative statistic (the only random part) over h0, per row.
    // Components: W (6, row-major), b (3), c (2).
    let mut expected = [0.0f64; 11];
    let mut variance = [0.0f64; 11];
    for v in &data {
        let p0 = TINY.hidden_probabilities(v);
        let mut positive = [0.0; 11];
        for i in 0..3 {
            for j in 0..2 {
                positive[i * 2 + j] = -v[i] * p0[j];
            }
            positive[6 + i] = -v[i];
        }
        positive[9..11].copy_from_slice(&p0.map(|p| -p));
        let (mut first, mut second) = ([0.0; 11], [0.0; 11]);
        for h in configurations(2) {
            let prob: f64 = (0..2).map(|j| if h[j] == 1.0 { p0[j] } else { 1.0 - p0[j] }).product();
            let v1 = TINY.visible_mean(&h);
            let p1 = TINY.hidden_probabilities(&v1);
            let mut stat = [0.0; 11];
            for i in 0..3 {
                for j in 0..2 {
                    stat[i * 2 + j] = v1[i] * p1[j];
                }
                stat[6 + i] = v1[i];
            }
            stat[9..11].copy_from_slice(&p1);
            for k in 0..11 {
                first[k] += prob * stat[k];
                second[k] += prob * stat[k] * stat[k];
            }
        }
        for k in 0..11 {
            expected[k] += (positive[k] + first[k]) / rows as f64;
            variance[k] += second[k] - first[k] * first[k];
        }
    }
    let got: Vec<f64> = got_w.iter().chain(&got_b).chain(&got_c).copied().collect();
    for k in 0..11 {
        // The gradient averages n negative statistics, `copies` per row: Var = Σ_rows copies·Var_row / n².
        let std = (variance[k] * copies as f64).sqrt() / n as f64;
        // 5 standard deviations: a false failure has probability below 1e-6 per component.
        let tolerance = 5.0 * std + 1e-12;
        assert!(
            (got[k] - expected[k]).abs() <= tolerance,
            "component {k}: CD-1 average {} against expectation {} (tolerance {tolerance:.2e})",
            got[k],
            expected[k]
        );
    }
}

#[test]
fn free_energy_and_exact_partition_function_match_brute_force_enumeration() {
    let rbm = TINY.rbm::<I>(&RbmSpec::new(2));
    let all = configurations(3);
    let flat: Vec<f64> = all.iter().flatten().copied().collect();
    let free = host(rbm.free_energy(tensor::<I>(&flat, 8)));
    for (v, f) in all.iter().zip(&free) {
        assert!((f - TINY.free_energy(v)).abs() < 1e-12, "F({v:?}) = {f}, enumeration {}", TINY.free_energy(v));
    }
    let brute = log_sum_exp(all.iter().flat_map(|v| configurations(2).into_iter().map(move |h| -TINY.energy(v, &h))));
    let exact = exact_log_partition(&rbm).unwrap();
    assert!((exact - brute).abs() < 1e-12, "log Z {exact} against {brute}");
    // Probabilities of all visible configurations sum to one.
    let total: f64 = all.iter().map(|v| log_likelihood(&rbm, tensor::<I>(v, 1), exact).unwrap().exp()).sum();
    assert!((total - 1.0).abs() < 1e-12, "Σ_v p(v) = {total}");
}

#[test]
fn stochastic_pseudo_likelihood_is_unbiased_for_the_exact_one() {
    let rbm = TINY.rbm::<I>(&RbmSpec::new(2));
    let v = [1.0, 0.0, 1.0];
    // Exact: Σ_i log p(v_i | v_−i) = Σ_i log σ(F(ṽ_i) − F(v)); the estimator draws one i uniformly, ×D.
    let terms: Vec<f64> = (0..3)
        .map(|i| {
            let mut flipped = v;
            flipped[i] = 1.0 - v[i];
            3.0 * -softplus(-(TINY.free_energy(&flipped) - TINY.free_energy(&v)))
        })
        .collect();
    let mean = terms.iter().sum::<f64>() / 3.0;
    let variance = terms.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / 3.0;
    let n = 20_000;
    let data: Vec<f64> = std::iter::repeat_n(v, n).flatten().collect();
    let estimate = pseudo_likelihood(&rbm, tensor::<I>(&data, n), 5).unwrap();
    let tolerance = 5.0 * (variance / n as f64).sqrt();
    assert!((estimate - mean).abs() <= tolerance, "PL estimate {estimate} against exact {mean} (tolerance {tolerance:.2e})");
    // Deterministic given the seed (host generator).
    assert_eq!(estimate, pseudo_likelihood(&rbm, tensor::<I>(&data, n), 5).unwrap());
}

#[test]
fn free_energies_and_sparsity_penalty_pass_the_gradient_check() {
    // Centred differences with ε = 1e-4 (p.21), threshold GRADCHECK_THRESHOLD in f64.
    let w = [0.4, -0.9, 0.3, 1.1, 0.2, -0.5, -0.8, 0.6, 0.1, 0.7, -0.3, 0.9];
    let b = [0.3, -0.2, 0.5, -0.1];
    let c = [0.2, -0.4, 0.1];
    let x = tensor::<B>(&[0.9, 0.1, 0.7, 0.2, 0.0, 1.0, 0.4, 0.6, 0.8, 0.3, 0.2, 0.5, 1.0, 1.0, 0.0, 0.1], 4);
    let gaussian_x = tensor::<B>(&[1.3, -0.4, 0.2, -1.1, 0.5, 2.0, -0.7, 0.3, -1.5, 0.8, 0.9, -0.2, 0.1, -0.6, 1.2, 0.4], 4);
    for units in [VisibleUnits::Binary, VisibleUnits::Gaussian] {
        let spec = RbmSpec { visible: units, sparsity: Some(Sparsity { target: 0.05, cost: 0.7 }), ..RbmSpec::new(3) };
        let rbm = rbm_with::<B>(&spec, &w, &b, &c);
        let x = if units == VisibleUnits::Binary { x.clone() } else { gaussian_x.clone() };
        let check = gradient_check(&rbm, |m| m.free_energy(x.clone()).mean());
        assert_eq!(check.tensors.len(), 3);
        assert!(check.passed(GRADCHECK_THRESHOLD), "{units:?} free energy: worst {:?}", check.tensors.first());
        let check = gradient_check(&rbm, |m| m.sparsity_penalty(x.clone()));
        let check = check.expect_zero("visible_bias", "the sparsity penalty is a function of p(h | v) only");
        assert!(check.passed(GRADCHECK_THRESHOLD), "{units:?} sparsity: worst {:?}", check.tensors.first());
        // The penalty is not trivially zero.
        assert!(host(rbm.sparsity_penalty(x.clone()))[0] > 0.1);
    }
}

#[test]
fn gaussian_free_energy_integrates_to_the_exact_partition_function_and_ais_finds_it() {
    // One Gaussian visible unit: ∫ e^{−F(v)} dv by the trapezoid rule on [−40, 40] equals Z.
    let spec = RbmSpec { visible: VisibleUnits::Gaussian, ..RbmSpec::new(2) };
    let rbm = rbm_with::<I>(&spec, &[1.2, -0.8], &[0.4], &[0.3, -0.5]);
    let step = 1e-3;
    let grid: Vec<f64> = (0..=80_000).map(|k| -40.0 + k as f64 * step).collect();
    let free = host(rbm.free_energy(tensor::<I>(&grid, grid.len())));
    let integral = step * (free.iter().map(|f| (-f).exp()).sum::<f64>() - 0.5 * ((-free[0]).exp() + (-free[free.len() - 1]).exp()));
    let exact = exact_log_partition(&rbm).unwrap();
    assert!((integral.ln() - exact).abs() < 1e-8, "log ∫ e^−F = {} against exact {exact}", integral.ln());

    // AIS for Gaussian visible units on a small model with strong weights.
    let w: Vec<f64> = (0..12).map(|k| ((k as f64 * 0.618).fract() - 0.5) * 1.6).collect();
    let rbm = rbm_with::<I>(&RbmSpec { visible: VisibleUnits::Gaussian, ..RbmSpec::new(3) }, &w, &[0.3, -0.2, 0.5, -0.1], &[0.2, -0.4, 0.1]);
    let exact = exact_log_partition(&rbm).unwrap();
    let ais = ais_log_partition_from_base(&rbm, &[0.0; 4], 200, 1000, 3).unwrap();
    assert!((ais.log_z - exact).abs() < 0.05, "AIS {ais:?} against exact {exact}");
}

#[test]
fn initial_visible_biases_are_the_log_odds_of_the_data_means() {
    let device = Default::default();
    let means = [0.0f32, 0.25, 0.5, 0.9, 1.0];
    let rbm = Rbm::<I>::new(&RbmSpec::new(1000), 5, &means, 3, &device);
    let b = host(rbm.visible_bias.val());
    for (m, b) in means.iter().zip(&b) {
        let m = f64::from(*m).clamp(VISIBLE_MEAN_CLAMP, 1.0 - VISIBLE_MEAN_CLAMP);
        assert!((b - (m / (1.0 - m)).ln()).abs() < 1e-6, "x̄ = {m}: bias {b}");
    }
    assert!((b[0] + 999f64.ln()).abs() < 1e-5 && (b[4] - 999f64.ln()).abs() < 1e-5, "clamped at 1e-3: {b:?}");
    assert!(host(rbm.hidden_bias.val()).iter().all(|c| *c == 0.0));
    // Weights N(0, 0.01²) (p.15): 5000 draws give the standard deviation within a few percent.
    let w = host(rbm.weight.val());
    assert_eq!(rbm.weight.val().dims(), [5, 1000]);
    let mean = w.iter().sum::<f64>() / w.len() as f64;
    let std = (w.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / w.len() as f64).sqrt();
    assert!((std - 0.01).abs() < 0.0005 && mean.abs() < 0.0005, "mean {mean}, std {std}");
    // Same seed, same model; another seed, other weights.
    assert_eq!(w, host(Rbm::<I>::new(&RbmSpec::new(1000), 5, &means, 3, &device).weight.val()));
    assert_ne!(w, host(Rbm::<I>::new(&RbmSpec::new(1000), 5, &means, 4, &device).weight.val()));
    // Gaussian visible units start at the data mean.
    let gaussian = Rbm::<I>::new(&RbmSpec { visible: VisibleUnits::Gaussian, ..RbmSpec::new(3) }, 5, &means, 3, &device);
    assert_eq!(host(gaussian.visible_bias.val()), means.iter().map(|&m| f64::from(m)).collect::<Vec<_>>());
}

#[test]
fn pcd_carries_its_chains_between_mini_batches() {
    let pcd = RbmSpec { persistent: true, ..RbmSpec::new(1) };
    // A "sticky" RBM: all-ones and all-zeros are near-fixed points of a Gibbs step (a unit flips with
    // probability σ(−10) ≈ 5e-5, so the test fails in well under one run in a thousand).
    let sticky = |spec: &RbmSpec| rbm_with::<B>(spec, &[20.0, 20.0], &[-10.0, -10.0], &[-30.0]);
    let ones = tensor::<B>(&[1.0; 16], 8);
    let zeros = tensor::<B>(&[0.0; 16], 8);
    let targets = tensor::<B>(&[0.0; 8], 8);
    let rbm = sticky(&pcd);
    let mut carry = None;
    let _ = rbm.batch_loss(ones, targets.clone(), &mut carry);
    let chains = host(carry.clone().expect("chains after the first batch"));
    assert_eq!(chains.len(), 16);
    assert!(chains.iter().sum::<f64>() > 14.0, "chains started at the all-ones data stay there: {chains:?}");
    // On an all-zeros batch the negative phase starts from the chains (near all-ones), not the data:
    // ∂loss/∂b = −mean(v0) + mean(v_neg) ≈ +1. CD-1 starts at the data: ≈ σ(−10) ≈ 5e-5.
    let grad_b = |rbm: &Rbm<B>, carry: &mut Option<Tensor<I, 2>>| {
        let grads = rbm.batch_loss(zeros.clone(), targets.clone(), carry).backward();
        host(rbm.visible_bias.val().grad(&grads).unwrap())
    };
    let pcd_grad = grad_b(&rbm, &mut carry);
    assert!(pcd_grad.iter().all(|g| *g > 0.7), "PCD negative phase from the chains: {pcd_grad:?}");
    let cd_grad = grad_b(&sticky(&RbmSpec::new(1)), &mut None);
    assert!(cd_grad.iter().all(|g| *g < 0.1), "CD negative phase from the data: {cd_grad:?}");

    // On a non-sticky RBM the chains move every batch, stay binary, and keep their number of rows; a short
    // batch advances the first rows only, a longer one starts extra chains.
    let rbm = TINY.rbm::<B>(&RbmSpec { persistent: true, ..RbmSpec::new(2) });
    let data: Vec<f64> = (0..64 * 3).map(|k| ((k * 7 % 5) % 2) as f64).collect();
    let batch = tensor::<B>(&data, 64);
    let targets = tensor::<B>(&[0.0; 64], 64);
    let mut carry = None;
    let _ = rbm.batch_loss(batch.clone(), targets.clone(), &mut carry);
    let first = host(carry.clone().unwrap());
    let _ = rbm.batch_loss(batch.clone(), targets.clone(), &mut carry);
    let second = host(carry.clone().unwrap());
    assert_ne!(first, data);
    assert_ne!(second, first);
    assert!(second.iter().all(|x| *x == 0.0 || *x == 1.0));
    let _ = rbm.batch_loss(batch.clone().narrow(0, 0, 10), targets.clone().narrow(0, 0, 10), &mut carry);
    let third = host(carry.clone().unwrap());
    assert_eq!(third.len(), 64 * 3);
    assert_eq!(third[30..], second[30..], "rows 10.. wait for the next full batch");
    let longer = Tensor::cat(vec![batch.clone(), batch.narrow(0, 0, 6)], 0);
    let _ = rbm.batch_loss(longer, Tensor::cat(vec![targets.clone(), targets.narrow(0, 0, 6)], 0), &mut carry);
    assert_eq!(carry.unwrap().dims(), [70, 3]);
}

#[test]
fn monitors_refuse_what_they_cannot_compute() {
    let device = Default::default();
    let gaussian = Rbm::<I>::new(&RbmSpec { visible: VisibleUnits::Gaussian, ..RbmSpec::new(2) }, 3, &[0.0; 3], 1, &device);
    let err = pseudo_likelihood(&gaussian, tensor::<I>(&[0.0; 3], 1), 1).unwrap_err();
    assert_eq!(err, MonitorError::BinaryVisibleOnly { monitor: "pseudo-likelihood" });
    assert!(err.to_string().contains("binary visible units"));
    let wide = Rbm::<I>::new(&RbmSpec::new(21), 3, &[0.5; 3], 1, &device);
    assert!(matches!(exact_log_partition(&wide), Err(MonitorError::TooManyHidden { hidden: 21, max: 20 })));
    assert_eq!(ais_log_partition(&wide, 0, 10, 1).unwrap_err(), MonitorError::NoChains);
    assert_eq!(log_likelihood(&wide, tensor::<I>(&[0.0; 4], 1), 0.0).unwrap_err(), MonitorError::WrongWidth { expected: 3, found: 4 });
}

fn binarised(d: &Dataset) -> Dataset {
    let mut d = d.clone();
    d.features.iter_mut().for_each(|x| *x = if *x > 0.5 { 1.0 } else { 0.0 });
    d
}

fn column_means(d: &Dataset) -> Vec<f32> {
    (0..d.dim).map(|j| (0..d.len()).map(|i| f64::from(d.row(i)[j])).sum::<f64>() as f32 / d.len() as f32).collect()
}

#[test]
fn ais_agrees_with_the_exact_log_likelihood_of_a_cd1_trained_rbm_on_binarised_digits() {
    let device = Default::default();
    let splits = tricks::data::load(&DataSource::Digits).unwrap();
    let (train, valid) = (binarised(&splits.train), binarised(&splits.valid));
    let means = column_means(&train);
    let spec = RbmSpec::new(16); // binary visible units, CD-1, σ = 0.01
    let mut recipe = Recipe::rbm(); // HG momentum 0.5 → 0.9, L2 weight cost on weights only
    recipe.model = Model::Rbm(spec.clone());
    recipe.optimiser.learning_rate = 0.1;
    recipe.stopping = Stopping::off(20);
    let train_split = DeviceSplit::<B>::classification(&train, &device);
    let valid_split = DeviceSplit::<I>::classification(&valid, &device);
    let initial = Rbm::<B>::new(&spec, 64, &means, recipe.seed, &device);
    let fitted = fit(&initial, &recipe.check().unwrap(), &train_split, &valid_split, &mut Silent).unwrap();
    let rbm = fitted.model;
    assert_eq!(fitted.restarts, 0);
    let initial = initial.valid();
    let start_error = <Rbm<B> as Trainable<B>>::validation_error(&initial, &valid_split);
    assert!(fitted.valid_error < 0.8 * start_error, "reconstruction error {} from {start_error}", fitted.valid_error);
    assert!((fitted.valid_error - mean_reconstruction_error(&rbm, valid_split.inputs.clone())).abs() < 1e-9);

    let data = valid_split.inputs.clone();
    let exact = exact_log_partition(&rbm).unwrap();
    let ll_exact = log_likelihood(&rbm, data.clone(), exact).unwrap();
    // The production monitor: AIS_CHAINS chains × AIS_TEMPERATURES temperatures from the base rate of the
    // training means, exactly what a run reports.
    let report = rbm_likelihood(&rbm, &valid_split, &means, recipe.seed).unwrap().expect("binary visible units");
    eprintln!("exact log Z {exact:.4}, AIS {:.4}; held-out LL exact {ll_exact:.4}, AIS {:.4}", report.log_partition, report.test_log_likelihood);
    // Measured: |AIS − exact| 0.011 nats (0.012 before the RBM presets took HG's weight cost per update); 0.05
    // leaves four times that for other seeds and platforms.
    assert!((report.log_partition - exact).abs() < 0.05, "AIS log Z {} against exact {exact}", report.log_partition);
    assert!((report.test_log_likelihood - ll_exact).abs() < 0.05, "AIS log-likelihood {} against exact {ll_exact}", report.test_log_likelihood);
    // A short AIS run from the same base is less accurate, but still within half a nat.
    let base = initial_visible_bias(VisibleUnits::Binary, &means);
    let ais = ais_log_partition_from_base(&rbm, &base, 100, 3000, 11).unwrap();
    assert!((log_likelihood(&rbm, data.clone(), ais.log_z).unwrap() - ll_exact).abs() < 0.5);

    // The weights are not trivial: the trained RBM is much better than the base-rate model it started as.
    let ll_initial = log_likelihood(&initial, data.clone(), exact_log_partition(&initial).unwrap()).unwrap();
    assert!(ll_exact > ll_initial + 3.0, "held-out LL {ll_exact} against {ll_initial} at initialisation");
    // So is its pseudo-likelihood (negative by construction: compare it with the untrained model's).
    let pl = pseudo_likelihood(&rbm, data.clone(), recipe.seed).unwrap();
    let pl_initial = pseudo_likelihood(&initial, data, recipe.seed).unwrap();
    assert!(pl > pl_initial + 3.0, "pseudo-likelihood {pl} against {pl_initial} at initialisation");
    assert_eq!(report.test_pseudo_likelihood, pl, "the report's pseudo-likelihood");
}

#[test]
fn cd_k_and_gaussian_visible_rbms_train_through_fit() {
    // CD-3 on binarised digits, and a Gaussian-visible RBM (CD-1, HG §13.2: a smaller rate) on the digits
    // standardised to unit variance: both lower the validation reconstruction error well below the
    // untrained model's, without restarts.
    let device = Default::default();
    let splits = tricks::data::load(&DataSource::Digits).unwrap();
    let standardise = tricks::data::FittedPreprocessing::fit(&tricks::core::Preprocessing::Standardise, &splits.train).unwrap();
    let cases = [
        ("CD-3, binary", RbmSpec { cd_steps: 3, ..RbmSpec::new(32) }, binarised(&splits.train), binarised(&splits.valid), 0.1),
        (
            "CD-1, Gaussian",
            RbmSpec { visible: VisibleUnits::Gaussian, ..RbmSpec::new(32) },
            standardise.apply(&splits.train),
            standardise.apply(&splits.valid),
            0.01,
        ),
    ];
    for (name, spec, train, valid, learning_rate) in cases {
        let mut recipe = Recipe::rbm();
        recipe.model = Model::Rbm(spec.clone());
        recipe.optimiser.learning_rate = learning_rate;
        recipe.stopping = Stopping::off(10);
        let train_split = DeviceSplit::<B>::classification(&train, &device);
        let valid_split = DeviceSplit::<I>::classification(&valid, &device);
        let initial = Rbm::<B>::new(&spec, 64, &column_means(&train), recipe.seed, &device);
        let fitted = fit(&initial, &recipe.check().unwrap(), &train_split, &valid_split, &mut Silent).unwrap();
        assert_eq!(fitted.restarts, 0, "{name}");
        let start = <Rbm<B> as Trainable<B>>::validation_error(&initial.valid(), &valid_split);
        eprintln!("{name}: reconstruction error {start:.3} → {:.3}", fitted.valid_error);
        assert!(fitted.valid_error < 0.7 * start, "{name}: reconstruction error {start} → {}", fitted.valid_error);
    }
}
