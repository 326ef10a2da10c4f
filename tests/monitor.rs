//! Per-layer monitoring during training (p.22-23): the statistics equal values computed on the host,
//! dead rectifiers and oversized updates are flagged, monitoring leaves training unchanged, and a run
//! directory gets `layer_stats.csv`, `layer_stats.png` and `layer_histograms.png`.

use burn::backend::{Autodiff, NdArray};
use burn::module::{AutodiffModule, Param};
use burn::tensor::{Tensor, TensorData};
use tricks::core::{Activation, AutoEncoderSpec, Init, MlpSpec, Model, OutputLoss, RbmSpec, Recipe, Stopping};
use tricks::data::DataSource;
use tricks::models::{AutoEncoder, Mlp, Rbm, one_hot};
use tricks::train::{
    DeviceSplit, HISTOGRAM_BINS, LAYER_STATS_HEADER, Quantity, RunOptions, SYMMETRIC_SATURATION, Silent, Snapshot, Statistic, files, fit, run,
};

type I = NdArray<f64>;
type B = Autodiff<I>;

const ROWS: usize = 6;
const INPUTS: usize = 4;
const LABELS: [u32; ROWS] = [0, 1, 0, 1, 1, 0];

fn inputs() -> Vec<f64> {
    (0..ROWS * INPUTS).map(|i| ((i * 7 % 11) as f64 - 5.0) / 4.0).collect()
}

fn split() -> (DeviceSplit<B>, DeviceSplit<I>) {
    let device = Default::default();
    let x = Tensor::<B, 2>::from_data(TensorData::new(inputs(), [ROWS, INPUTS]), &device);
    let train = DeviceSplit { inputs: x, targets: one_hot(&LABELS, 2, &device), labels: LABELS.to_vec() };
    let valid = train.inner();
    (train, valid)
}

fn spec(hidden: usize, activation: Activation) -> MlpSpec {
    MlpSpec { hidden: vec![hidden], activation, output: OutputLoss::SoftmaxNll, init: Init { zero_output_weights: false } }
}

/// One epoch of one full-batch update, monitored at every update.
fn recipe(spec: &MlpSpec, learning_rate: f64) -> Recipe {
    let mut r = Recipe::chapter_default();
    r.model = Model::Mlp(spec.clone());
    r.optimiser.learning_rate = learning_rate;
    r.optimiser.batch_size = ROWS;
    r.stopping = Stopping::off(1);
    r.monitor_every = 1;
    r
}

fn fitted_snapshot(model: &Mlp<B>, recipe: &Recipe) -> (Snapshot, Mlp<I>) {
    let (train, valid) = split();
    let fitted = fit(model, &recipe.check().unwrap(), &train, &valid, &mut Silent).unwrap();
    assert_eq!(fitted.monitor.len(), 1);
    (fitted.monitor[0].clone(), fitted.model)
}

fn find<'a>(s: &'a Snapshot, label: &str, q: Quantity) -> &'a Statistic {
    s.statistics.iter().find(|x| x.label() == label && x.quantity == q).unwrap_or_else(|| panic!("no {label} {q:?} in {s:#?}"))
}

fn host<const D: usize>(t: Tensor<I, D>) -> Vec<f64> {
    t.into_data().convert::<f64>().into_vec::<f64>().unwrap()
}

/// Row-major [n, k] · [k, m].
fn matmul(a: &[f64], b: &[f64], n: usize, k: usize, m: usize) -> Vec<f64> {
    (0..n * m).map(|i| (0..k).map(|j| a[i / m * k + j] * b[j * m + i % m]).sum()).collect()
}

fn transpose(a: &[f64], n: usize, m: usize) -> Vec<f64> {
    (0..n * m).map(|i| a[(i % n) * m + i / n]).collect()
}

fn column_sums(a: &[f64], n: usize, m: usize) -> Vec<f64> {
    (0..m).map(|j| (0..n).map(|i| a[i * m + j]).sum()).collect()
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn assert_summary(s: &Statistic, values: &[f64]) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let std = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for (what, device, host) in [("mean", s.mean, mean), ("std", s.std, std), ("min", s.min, min), ("max", s.max, max)] {
        assert!((device - host).abs() <= 1e-10 * (1.0 + host.abs()), "{} {:?} {what}: {device} vs {host}", s.label(), s.quantity);
    }
    assert_eq!(s.counts.len(), HISTOGRAM_BINS);
    // Each bin, counted on the host: equal-width bins over [min, max], the maximum in the last one.
    let width = (max - min).max(1e-30);
    let mut counts = vec![0.0; HISTOGRAM_BINS];
    for v in values {
        counts[(((v - min) / width * HISTOGRAM_BINS as f64) as usize).min(HISTOGRAM_BINS - 1)] += 1.0;
    }
    assert_eq!(s.counts, counts, "{} {:?} histogram", s.label(), s.quantity);
}

#[test]
fn statistics_of_a_tiny_mlp_equal_the_values_computed_on_the_host() {
    let device = Default::default();
    let spec = spec(3, Activation::Tanh);
    let model = Mlp::<B>::new(&spec, INPUTS, 2, 7, &device);
    let learning_rate = 0.1;
    let (snap, after) = fitted_snapshot(&model, &recipe(&spec, learning_rate));
    assert_eq!((snap.updates, snap.examples_seen), (1, ROWS as u64));

    // The forward and backward pass of the mean softmax NLL, by hand.
    let inner = model.valid();
    let w1 = host(inner.layers[0].weight.val());
    let b1 = host(inner.layers[0].bias.as_ref().unwrap().val());
    let w2 = host(inner.layers[1].weight.val());
    let b2 = host(inner.layers[1].bias.as_ref().unwrap().val());
    let x = inputs();
    let a: Vec<f64> = matmul(&x, &w1, ROWS, INPUTS, 3).iter().enumerate().map(|(i, v)| v + b1[i % 3]).collect();
    let h: Vec<f64> = a.iter().map(|v| v.tanh()).collect();
    let o: Vec<f64> = matmul(&h, &w2, ROWS, 3, 2).iter().enumerate().map(|(i, v)| v + b2[i % 2]).collect();
    let mut g_o = vec![0.0; ROWS * 2];
    for r in 0..ROWS {
        let (e0, e1) = (o[2 * r].exp(), o[2 * r + 1].exp());
        for k in 0..2 {
            let p = [e0, e1][k] / (e0 + e1);
            g_o[2 * r + k] = (p - f64::from(LABELS[r] == k as u32)) / ROWS as f64;
        }
    }
    let g_h = matmul(&g_o, &transpose(&w2, 3, 2), ROWS, 2, 3);
    let g_a: Vec<f64> = g_h.iter().zip(&h).map(|(g, h)| g * (1.0 - h * h)).collect();
    let g_w2 = matmul(&transpose(&h, ROWS, 3), &g_o, 3, ROWS, 2);
    let g_b2 = column_sums(&g_o, ROWS, 2);
    let g_w1 = matmul(&transpose(&x, ROWS, INPUTS), &g_a, INPUTS, ROWS, 3);
    let g_b1 = column_sums(&g_a, ROWS, 3);

    assert_summary(find(&snap, "layers.0", Quantity::PreActivation), &a);
    assert_summary(find(&snap, "layers.0", Quantity::Activation), &h);
    assert_summary(find(&snap, "layers.0", Quantity::ActivationGradient), &g_h);
    let saturated = h.iter().filter(|v| v.abs() > SYMMETRIC_SATURATION).count() as f64 / h.len() as f64;
    assert!((find(&snap, "layers.0", Quantity::SaturatedFraction).mean - saturated).abs() < 1e-12);
    for (label, value, grad) in [("layers.0.weight", &w1, &g_w1), ("layers.0.bias", &b1, &g_b1), ("layers.1.weight", &w2, &g_w2), ("layers.1.bias", &b2, &g_b2)]
    {
        assert_summary(find(&snap, label, Quantity::Parameter), value);
        assert_summary(find(&snap, label, Quantity::ParameterGradient), grad);
        // Plain SGD: Δθ = −ε g, so the ratio is ε‖g‖/‖θ‖ (undefined for the zero-initialised biases).
        let ratio = find(&snap, label, Quantity::UpdateRatio).mean;
        if norm(value) > 0.0 {
            let expected = learning_rate * norm(grad) / norm(value);
            assert!((ratio - expected).abs() < 1e-10 * expected, "{label}: {ratio} vs {expected}");
        } else {
            assert!(ratio.is_nan(), "{label}: {ratio}");
        }
    }
    // The kept model is the updated one, whose first-layer weights moved by ε g.
    let moved = host(after.layers[0].weight.val());
    assert!(moved.iter().zip(&w1).zip(&g_w1).all(|((m, w), g)| (m - (w - learning_rate * g)).abs() < 1e-12));
    // Tanh layers have no dead-unit row; rectifier layers have no saturation row.
    assert!(snap.statistics.iter().all(|s| s.quantity != Quantity::DeadFraction));
}

#[test]
fn rectifiers_with_very_negative_biases_are_flagged_dead() {
    let device = Default::default();
    let spec = spec(5, Activation::Rectifier);
    let mut model = Mlp::<B>::new(&spec, INPUTS, 2, 3, &device);
    let bias = model.layers[0].bias.as_ref().unwrap().id;
    model.layers[0].bias = Some(Param::initialized(bias, Tensor::<B, 1>::full([5], -100.0, &device).require_grad()));
    let (snap, _) = fitted_snapshot(&model, &recipe(&spec, 0.01));
    let dead = find(&snap, "layers.0", Quantity::DeadFraction);
    assert_eq!(dead.mean, 1.0);
    assert!(dead.flag.as_deref().unwrap().contains("dead"), "{dead:?}");
    assert!(snap.statistics.iter().all(|s| s.quantity != Quantity::SaturatedFraction));
}

#[test]
fn a_huge_learning_rate_flags_the_update_to_weight_ratio() {
    let device = Default::default();
    let spec = spec(3, Activation::Tanh);
    let model = Mlp::<B>::new(&spec, INPUTS, 2, 7, &device);
    let (snap, _) = fitted_snapshot(&model, &recipe(&spec, 5.0));
    let ratio = find(&snap, "layers.0.weight", Quantity::UpdateRatio);
    assert!(ratio.mean > 1e-2 && ratio.flag.as_deref().unwrap().contains("above 1e-2"), "{ratio:?}");
    assert_eq!(find(&snap, "layers.0.bias", Quantity::UpdateRatio).flag, None, "biases are not flagged");
}

#[test]
fn monitoring_leaves_training_unchanged() {
    let device = Default::default();
    let spec = spec(4, Activation::Sigmoid);
    let model = Mlp::<B>::new(&spec, INPUTS, 2, 5, &device);
    let (train, valid) = split();
    let mut r = recipe(&spec, 0.5);
    r.optimiser.batch_size = 2;
    r.stopping = Stopping::off(3);
    let on = fit(&model, &r.check().unwrap(), &train, &valid, &mut Silent).unwrap();
    r.monitor_every = 0;
    let off = fit(&model, &r.check().unwrap(), &train, &valid, &mut Silent).unwrap();
    assert!(off.monitor.is_empty());
    assert_eq!(on.monitor.len(), 9, "every update of 3 epochs of 3 batches");
    assert_eq!(on.curve, off.curve);
    let params = |m: &Mlp<I>| m.layers.iter().flat_map(|l| host(l.weight.val())).collect::<Vec<_>>();
    assert_eq!(params(&on.model), params(&off.model));
}

#[test]
fn auto_encoders_and_rbms_report_their_hidden_layer() {
    let device = Default::default();
    let (train, valid) = split();
    let mut r = recipe(&spec(3, Activation::Sigmoid), 0.1);
    r.model = Model::AutoEncoder(AutoEncoderSpec::denoising(3, 0.25));
    let ae = AutoEncoder::<B>::new(&AutoEncoderSpec::denoising(3, 0.25), INPUTS, 1, &device);
    let snap = &fit(&ae, &r.check().unwrap(), &train, &valid, &mut Silent).unwrap().monitor[0];
    assert_eq!(find(snap, "encoder", Quantity::Activation).counts.iter().sum::<f64>(), (ROWS * 3) as f64);
    find(snap, "encoder.weight", Quantity::ParameterGradient);
    find(snap, "model.decoder_bias", Quantity::Parameter);

    r.model = Model::Rbm(RbmSpec::new(3));
    let rbm = Rbm::<B>::new(&RbmSpec::new(3), INPUTS, &[0.5; INPUTS], 1, &device);
    let snap = &fit(&rbm, &r.check().unwrap(), &train, &valid, &mut Silent).unwrap().monitor[0];
    let hidden = find(snap, "hidden", Quantity::Activation);
    assert!(hidden.min >= 0.0 && hidden.max <= 1.0, "{hidden:?}");
    find(snap, "hidden", Quantity::SaturatedFraction);
    find(snap, "model.weight", Quantity::UpdateRatio);
    assert!(snap.statistics.iter().all(|s| s.quantity != Quantity::ActivationGradient), "documented: none for RBMs");
}

#[test]
fn a_run_directory_gets_the_statistics_as_csv_and_pictures() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let mut r = Recipe::chapter_default();
    let Model::Mlp(spec) = &mut r.model else { unreachable!() };
    spec.hidden = vec![16];
    r.stopping = Stopping::off(1);
    r.monitor_every = 5;
    let options = RunOptions { out: out.clone(), backend: "ndarray".into(), command: "test".into(), ..Default::default() };
    let report = run::<B>(&r.check().unwrap(), &DataSource::Digits, &options, &Default::default(), &mut Silent).unwrap();
    let csv = std::fs::read_to_string(out.join(files::LAYER_STATS_CSV)).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(LAYER_STATS_HEADER));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 10), "ten fields a row");
    let snapshots = report.updates.div_ceil(5);
    let first: Vec<_> = rows.iter().filter(|r| r[0] == "1").collect();
    assert_eq!(rows.len() as u64, snapshots * first.len() as u64, "the same rows at every snapshot");
    for (layer, tensor, quantity) in [
        ("layers.0", "units", "activation"),
        ("layers.0", "units", "activation_gradient"),
        ("layers.0", "units", "dead_fraction"),
        ("layers.0", "weight", "parameter_gradient"),
        ("layers.1", "bias", "update_ratio"),
    ] {
        assert!(first.iter().any(|r| r[2] == layer && r[3] == tensor && r[4] == quantity), "{layer} {tensor} {quantity} missing");
    }
    for png in [files::LAYER_STATS_PNG, files::LAYER_HISTOGRAMS_PNG] {
        let bytes = std::fs::read(out.join(png)).unwrap();
        assert!(bytes.len() > 1000 && bytes.starts_with(b"\x89PNG"), "{png}");
    }
}
