//! Per-layer monitoring during training, cheap enough to leave on (p.22-23): every
//! `recipe.monitor_every` updates, on that update's mini-batch, the mean, standard deviation, range and
//! histogram of each hidden layer's pre-activations, activations and activation gradients, and of each
//! parameter tensor (weights, rank ≥ 2, and biases, rank 1, separately) and its gradient; the ratio of
//! update size to weight size ‖θ_after − θ_before‖ / ‖θ_before‖ (HG: about 1e-3); the fraction of
//! saturated sigmoid/tanh units and of dead rectifiers.
//!
//! Everything is summarised on the device into a few numbers and a histogram per tensor, and read back
//! in one transfer per snapshot: whole tensors never travel to the host (p.23-24).

use std::collections::HashMap;
use std::fmt::Write as _;

use burn::module::{Module, ParamId};
use burn::optim::GradientsParams;
use burn::tensor::{IndexingUpdateOp, Tensor, TensorData, backend::Backend};
use serde::{Deserialize, Serialize};
use tricks_core::Activation;

use crate::named_parameters::{flat, named_parameters};

/// Equal-width bins of each histogram, between the tensor's minimum and maximum (*ours*).
pub const HISTOGRAM_BINS: usize = 30;
/// The histogram of a tensor with more values than this is that of this many of its values, spread over
/// the whole tensor (a low-discrepancy sample: index ⌊frac(i·φ)·n⌋), which keeps a snapshot of the
/// 784-500-10 MLP near three updates' cost; mean, standard deviation, minimum and maximum are always of
/// every value (*ours*).
pub const HISTOGRAM_SAMPLE: usize = 10_000;
/// Update/weight ratios ‖Δθ‖/‖θ‖ of a weight tensor outside this band are flagged: a decade either
/// side of the folklore 1e-3 the chapter's checklist cites from HG (*ours*). Biases are not flagged
/// (they often start at zero, where the ratio is undefined).
pub const UPDATE_RATIO_BAND: (f64, f64) = (1e-4, 1e-2);
/// The ratio the chapter's folklore aims at (HG), drawn as a reference line.
pub const UPDATE_RATIO_TARGET: f64 = 1e-3;
/// A sigmoid unit counts as saturated when its output is below this or above 1 − this (*ours*).
pub const SIGMOID_SATURATION: f64 = 0.05;
/// A tanh, softsign or hard-tanh unit counts as saturated when |h| is above this (*ours*).
pub const SYMMETRIC_SATURATION: f64 = 0.95;
/// A layer is flagged when more than this fraction of its units is saturated, or of its rectifiers
/// dead (*ours*).
pub const FLAG_FRACTION: f64 = 0.5;
/// Guard against a zero-width histogram range (every value equal).
const MIN_WIDTH: f64 = 1e-30;

/// What one hidden layer did on a mini-batch, as the model reports it for monitoring.
#[derive(Debug, Clone)]
pub struct LayerActivity<B: Backend> {
    /// The layer's name, e.g. `layers.0` (a module path, as in the parameter names).
    pub layer: String,
    /// Its non-linearity.
    pub kind: Activation,
    /// Pre-activations a = xW + b, [examples, units].
    pub pre_activation: Tensor<B, 2>,
    /// Activations h = f(a), [examples, units].
    pub activation: Tensor<B, 2>,
    /// ∂L/∂h of the mean mini-batch loss L (so 1/B of each example's), when the model provides it.
    pub activation_gradient: Option<Tensor<B, 2>>,
}

/// What a row of statistics describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// Pre-activations of a hidden layer.
    PreActivation,
    /// Activations of a hidden layer.
    Activation,
    /// Gradient of the mini-batch loss with respect to a hidden layer's activations.
    ActivationGradient,
    /// Fraction of saturated units' outputs of a sigmoid/tanh layer (a single value).
    SaturatedFraction,
    /// Fraction of a rectifier layer's units that are zero for every example of the batch (a single value).
    DeadFraction,
    /// A parameter tensor's values (before the update).
    Parameter,
    /// A parameter tensor's gradient for the update.
    ParameterGradient,
    /// ‖θ_after − θ_before‖ / ‖θ_before‖ of a parameter tensor (a single value).
    UpdateRatio,
}

impl Quantity {
    /// Every quantity, in the order of the CSV rows and of the pictures.
    pub const ALL: [Quantity; 8] = [
        Quantity::PreActivation,
        Quantity::Activation,
        Quantity::ActivationGradient,
        Quantity::SaturatedFraction,
        Quantity::DeadFraction,
        Quantity::Parameter,
        Quantity::ParameterGradient,
        Quantity::UpdateRatio,
    ];

    /// The name used in `layer_stats.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Quantity::PreActivation => "pre_activation",
            Quantity::Activation => "activation",
            Quantity::ActivationGradient => "activation_gradient",
            Quantity::SaturatedFraction => "saturated_fraction",
            Quantity::DeadFraction => "dead_fraction",
            Quantity::Parameter => "parameter",
            Quantity::ParameterGradient => "parameter_gradient",
            Quantity::UpdateRatio => "update_ratio",
        }
    }

    /// Whether it is a single value (in `mean`), rather than a distribution with a histogram.
    pub fn is_scalar(self) -> bool {
        matches!(self, Quantity::SaturatedFraction | Quantity::DeadFraction | Quantity::UpdateRatio)
    }
}

/// One row of statistics: a quantity of one tensor at one snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statistic {
    /// Module path of the layer, e.g. `layers.0`; `model` for parameters held by the model itself.
    pub layer: String,
    /// `units` for a layer's activity, else the parameter's field name (`weight`, `bias`, ...).
    pub tensor: String,
    /// What is summarised.
    pub quantity: Quantity,
    /// Mean, or the value of a single-valued quantity.
    pub mean: f64,
    /// Standard deviation (population); NaN for single values.
    pub std: f64,
    /// Minimum; NaN for single values.
    pub min: f64,
    /// Maximum; NaN for single values.
    pub max: f64,
    /// Histogram counts, [`HISTOGRAM_BINS`] equal-width bins over `[min, max]`, of every value or of a
    /// [`HISTOGRAM_SAMPLE`]-value sample of larger tensors; empty for single values.
    pub counts: Vec<f64>,
    /// Why the row is suspicious, if it is.
    pub flag: Option<String>,
}

impl Statistic {
    /// `layer.tensor` for parameters, `layer` for a layer's units: the series label in pictures.
    pub fn label(&self) -> String {
        if self.tensor == UNITS { self.layer.clone() } else { format!("{}.{}", self.layer, self.tensor) }
    }
}

/// The statistics of one update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Parameter updates made, this one included.
    pub updates: u64,
    /// Training examples processed, this update's included.
    pub examples_seen: u64,
    /// One row per layer or tensor and quantity.
    pub statistics: Vec<Statistic>,
}

impl Snapshot {
    /// The flagged rows.
    pub fn flagged(&self) -> impl Iterator<Item = &Statistic> {
        self.statistics.iter().filter(|s| s.flag.is_some())
    }
}

/// The `tensor` name of a layer's activity rows.
const UNITS: &str = "units";
/// The `layer` name of parameters that the model holds directly.
const TOP: &str = "model";

/// Header of `layer_stats.csv`.
pub const LAYER_STATS_HEADER: &str = "updates,examples_seen,layer,tensor,quantity,mean,std,min,max,flag";

/// `layer_stats.csv`: one row per snapshot, layer or tensor, and quantity. Single-valued quantities leave
/// `std`, `min` and `max` empty; `flag` is empty or a short reason.
pub fn layer_stats_csv(snapshots: &[Snapshot]) -> String {
    format!("{LAYER_STATS_HEADER}\n{}", layer_stats_rows(snapshots))
}

/// The rows of `layer_stats.csv` for `snapshots`, without the header.
pub fn layer_stats_rows(snapshots: &[Snapshot]) -> String {
    let mut s = String::new();
    let num = |v: f64| if v.is_nan() { String::new() } else { v.to_string() };
    for snap in snapshots {
        for st in &snap.statistics {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{}",
                snap.updates,
                snap.examples_seen,
                st.layer,
                st.tensor,
                st.quantity.name(),
                num(st.mean),
                num(st.std),
                num(st.min),
                num(st.max),
                st.flag.as_deref().unwrap_or("")
            );
        }
    }
    s
}

/// A snapshot being taken: started before the update with the mini-batch's layer activity and the
/// update's gradients, finished after it with the updated parameters. Holds only device tensors.
pub struct PendingSnapshot<B: Backend> {
    parts: Vec<Tensor<B, 1>>,
    rows: Vec<Row>,
    before: HashMap<ParamId, Tensor<B, 1>>,
}

/// What a part of the device summary describes, and how many values it holds.
struct Row {
    layer: String,
    tensor: String,
    quantity: Quantity,
    weight: bool,
}

impl Row {
    fn len(&self) -> usize {
        match self.quantity {
            Quantity::UpdateRatio => 2,
            q if q.is_scalar() => 1,
            _ => 4 + HISTOGRAM_BINS,
        }
    }
}

impl<B: Backend> PendingSnapshot<B> {
    /// Start a snapshot: summarise `activity` and, for each parameter of `model` (the model before the
    /// update), its values and its gradient in `grads`.
    pub fn begin<M: Module<B>>(model: &M, grads: &GradientsParams, activity: Vec<LayerActivity<B>>) -> Self {
        let mut pending = PendingSnapshot { parts: Vec::new(), rows: Vec::new(), before: HashMap::new() };
        for a in activity {
            let row = |quantity| Row { layer: a.layer.clone(), tensor: UNITS.to_string(), quantity, weight: false };
            pending.push(row(Quantity::PreActivation), summary(flat(a.pre_activation)));
            if let Some(fraction) = saturated_fraction(a.kind, a.activation.clone()) {
                pending.push(row(Quantity::SaturatedFraction), fraction);
            }
            if a.kind == Activation::Rectifier {
                pending.push(row(Quantity::DeadFraction), dead_fraction(a.activation.clone()));
            }
            pending.push(row(Quantity::Activation), summary(flat(a.activation)));
            if let Some(g) = a.activation_gradient {
                pending.push(row(Quantity::ActivationGradient), summary(flat(g)));
            }
        }
        for p in parameters(model, Some(grads)) {
            let row = |quantity| Row { layer: p.layer.clone(), tensor: p.tensor.clone(), quantity, weight: p.weight };
            pending.push(row(Quantity::Parameter), summary(p.value.clone()));
            if let Some(g) = p.grad {
                pending.push(row(Quantity::ParameterGradient), summary(g));
            }
            pending.before.insert(p.id, p.value);
        }
        pending
    }

    fn push(&mut self, row: Row, part: Tensor<B, 1>) {
        self.rows.push(row);
        self.parts.push(part);
    }

    /// Finish the snapshot with `model` after the update: add the update/weight ratios, read every
    /// summary back in one transfer, and flag what looks wrong.
    pub fn finish<M: Module<B>>(mut self, model: &M, updates: u64, examples_seen: u64) -> Snapshot {
        for p in parameters(model, None) {
            if let Some(before) = self.before.remove(&p.id) {
                let norm = |t: Tensor<B, 1>| t.powi_scalar(2).sum().sqrt();
                let part = Tensor::cat(vec![norm(p.value - before.clone()), norm(before)], 0);
                self.push(Row { layer: p.layer, tensor: p.tensor, quantity: Quantity::UpdateRatio, weight: p.weight }, part);
            }
        }
        let values: Vec<f64> = if self.parts.is_empty() {
            Vec::new()
        } else {
            let data = Tensor::cat(self.parts, 0).into_data();
            data.iter::<f64>().collect()
        };
        let mut at = 0;
        let mut statistics = Vec::with_capacity(self.rows.len());
        for row in self.rows {
            let v = &values[at..at + row.len()];
            at += row.len();
            statistics.push(decode(row, v));
        }
        order(&mut statistics);
        Snapshot { updates, examples_seen, statistics }
    }
}

/// Rows grouped by quantity (in [`Quantity::ALL`] order), then in the model's order.
fn order(statistics: &mut [Statistic]) {
    statistics.sort_by_key(|s| Quantity::ALL.iter().position(|q| *q == s.quantity));
}

fn decode(row: Row, v: &[f64]) -> Statistic {
    let nan = f64::NAN;
    let (mean, std, min, max, counts) = match row.quantity {
        Quantity::UpdateRatio => (if v[1] > 0.0 { v[0] / v[1] } else { nan }, nan, nan, nan, Vec::new()),
        q if q.is_scalar() => (v[0], nan, nan, nan, Vec::new()),
        _ => (v[0], v[1], v[2], v[3], v[4..].to_vec()),
    };
    let flag = flag(&row, mean, std, min, max);
    Statistic { layer: row.layer, tensor: row.tensor, quantity: row.quantity, mean, std, min, max, counts, flag }
}

fn flag(row: &Row, mean: f64, std: f64, min: f64, max: f64) -> Option<String> {
    let (lo, hi) = UPDATE_RATIO_BAND;
    match row.quantity {
        Quantity::UpdateRatio if !row.weight => None,
        Quantity::UpdateRatio if mean.is_nan() => None,
        Quantity::UpdateRatio if !mean.is_finite() => Some("non-finite update".into()),
        Quantity::UpdateRatio if mean > hi => Some(format!("update/weight ratio above {hi:e}")),
        Quantity::UpdateRatio if mean < lo => Some(format!("update/weight ratio below {lo:e}")),
        Quantity::SaturatedFraction if mean > FLAG_FRACTION => Some("over half of the units saturated".into()),
        Quantity::DeadFraction if mean > FLAG_FRACTION => Some("over half of the rectifiers dead".into()),
        q if !q.is_scalar() && ![mean, std, min, max].iter().all(|v| v.is_finite()) => Some("non-finite values".into()),
        _ => None,
    }
}

/// [mean, std, min, max, counts of `HISTOGRAM_BINS` equal bins over [min, max]] of `x`, on the device.
/// The standard deviation is the population one; the maximum falls in the last bin. Tensors of more than
/// [`HISTOGRAM_SAMPLE`] values have the histogram of a sample of them.
fn summary<B: Backend>(x: Tensor<B, 1>) -> Tensor<B, 1> {
    let device = x.device();
    let n = x.dims()[0];
    let mean = x.clone().mean();
    let std = (x.clone() - mean.clone().expand([n])).powi_scalar(2).mean().sqrt();
    let min = x.clone().min();
    let max = x.clone().max();
    let sample = if n > HISTOGRAM_SAMPLE { x.select(0, Tensor::from_data(TensorData::new(sample_indices(n), [HISTOGRAM_SAMPLE]), &device)) } else { x };
    let m = sample.dims()[0];
    let width = (max.clone() - min.clone()).clamp_min(MIN_WIDTH);
    let position = (sample - min.clone().expand([m])) / width.expand([m]) * HISTOGRAM_BINS as f64;
    // Clamped after the cast, so that no value (NaN included) can index outside the histogram.
    let bins = position.int().clamp(0, HISTOGRAM_BINS as i64 - 1);
    let counts = Tensor::<B, 1>::zeros([HISTOGRAM_BINS], &device).scatter(0, bins, Tensor::ones([m], &device), IndexingUpdateOp::Add);
    Tensor::cat(vec![mean, std, min, max, counts], 0)
}

/// [`HISTOGRAM_SAMPLE`] indices into `n` values, ⌊frac(i·φ)·n⌋: spread evenly whatever the tensor's shape
/// (a stride would pick the same few columns of every row).
fn sample_indices(n: usize) -> Vec<i64> {
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    (0..HISTOGRAM_SAMPLE).map(|i| (((i as f64 * phi).fract() * n as f64) as i64).min(n as i64 - 1)).collect()
}

/// Fraction of the outputs `h` of a bounded non-linearity that are saturated: sigmoid outside
/// [[`SIGMOID_SATURATION`], 1 − [`SIGMOID_SATURATION`]], tanh, softsign and hard tanh with |h| above
/// [`SYMMETRIC_SATURATION`]; `None` for rectifiers.
fn saturated_fraction<B: Backend>(kind: Activation, h: Tensor<B, 2>) -> Option<Tensor<B, 1>> {
    match kind {
        Activation::Sigmoid => Some((h.clone().lower_elem(SIGMOID_SATURATION).float() + h.greater_elem(1.0 - SIGMOID_SATURATION).float()).mean()),
        Activation::Tanh | Activation::Softsign | Activation::HardTanh => Some(h.abs().greater_elem(SYMMETRIC_SATURATION).float().mean()),
        Activation::Rectifier => None,
    }
}

/// Fraction of units (columns of `h`) that are zero for every example (row) of the batch.
fn dead_fraction<B: Backend>(h: Tensor<B, 2>) -> Tensor<B, 1> {
    h.max_dim(0).lower_equal_elem(0.0).float().mean()
}

/// A parameter of a module as monitoring names it: its owner's module path (`layers.0`, or `model` for
/// parameters the model holds directly) and its field (`weight`, `bias`, ...).
struct ParameterView<B: Backend> {
    id: ParamId,
    layer: String,
    tensor: String,
    weight: bool,
    value: Tensor<B, 1>,
    grad: Option<Tensor<B, 1>>,
}

/// Every float parameter of `model`, in visiting order, with its gradient in `grads`.
fn parameters<B: Backend, M: Module<B>>(model: &M, grads: Option<&GradientsParams>) -> Vec<ParameterView<B>> {
    named_parameters(model, grads)
        .into_iter()
        .map(|p| {
            let (layer, tensor) = match p.path.split_last() {
                Some((field, owner)) if !owner.is_empty() => (owner.join("."), field.clone()),
                Some((field, _)) => (TOP.to_string(), field.clone()),
                None => (TOP.to_string(), "parameter".to_string()),
            };
            ParameterView { id: p.id, layer, tensor, weight: p.rank >= 2, value: p.value, grad: p.grad }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::backend::NdArray;
    use burn::tensor::TensorData;

    // The crate's test binary holds one float type (see DESIGN.md): f32, as the other unit tests.
    type B = NdArray;

    fn host_mean(values: &[f64]) -> f64 {
        values.iter().sum::<f64>() / values.len() as f64
    }

    fn device_summary(values: &[f64]) -> Vec<f64> {
        let values: Vec<f32> = values.iter().map(|&v| v as f32).collect();
        let t = Tensor::<B, 1>::from_data(TensorData::new(values.clone(), [values.len()]), &Default::default());
        summary(t).into_data().iter::<f64>().collect()
    }

    #[test]
    fn summary_gives_mean_population_std_range_and_a_histogram_of_every_value() {
        let values = [1.0, 2.0, 2.0, 3.0, 10.0];
        let s = device_summary(&values);
        let mean = host_mean(&values);
        let std = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 5.0).sqrt();
        assert!((s[0] - mean).abs() < 1e-6 && (s[1] - std).abs() < 1e-6, "{s:?}");
        assert_eq!((s[2], s[3]), (1.0, 10.0));
        let counts = &s[4..];
        assert_eq!(counts.len(), HISTOGRAM_BINS);
        assert_eq!(counts.iter().sum::<f64>(), 5.0);
        // Bin width 0.3: 1 → bin 0, 2 → bin 3, 3 → bin 6, 10 (the maximum) → the last bin.
        assert_eq!((counts[0], counts[3], counts[6], counts[HISTOGRAM_BINS - 1]), (1.0, 2.0, 1.0, 1.0));
    }

    #[test]
    fn large_tensors_have_the_histogram_of_an_even_sample_and_exact_moments() {
        let n = 4 * HISTOGRAM_SAMPLE + 3;
        let values: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
        let s = device_summary(&values);
        assert!((s[0] - host_mean(&values)).abs() < 1e-5 && s[2] == 0.0 && (s[3] - values[n - 1]).abs() < 1e-6, "{:?}", &s[..4]);
        let counts = &s[4..];
        assert_eq!(counts.iter().sum::<f64>(), HISTOGRAM_SAMPLE as f64);
        // Uniform values: every bin holds close to its share of the sample.
        let share = HISTOGRAM_SAMPLE as f64 / HISTOGRAM_BINS as f64;
        assert!(counts.iter().all(|c| (c - share).abs() < 0.15 * share), "{counts:?}");
        let idx = sample_indices(n);
        assert!(idx.iter().all(|&i| (0..n as i64).contains(&i)));
    }

    #[test]
    fn constant_tensors_put_every_value_in_the_first_bin() {
        let s = device_summary(&[0.0; 7]);
        assert_eq!(&s[..4], &[0.0, 0.0, 0.0, 0.0]);
        assert_eq!(s[4], 7.0);
    }

    #[test]
    fn saturation_and_dead_fractions_follow_the_documented_thresholds() {
        let device = Default::default();
        let h = Tensor::<B, 2>::from_data(TensorData::new(vec![0.01f32, 0.5, 0.97, 0.2], [2, 2]), &device);
        let sat = saturated_fraction(Activation::Sigmoid, h).unwrap().into_scalar();
        assert_eq!(sat, 0.5);
        let t = Tensor::<B, 2>::from_data(TensorData::new(vec![-0.99f32, 0.5, 0.94, 0.96], [2, 2]), &device);
        assert_eq!(saturated_fraction(Activation::Tanh, t).unwrap().into_scalar(), 0.5);
        // Unit 0 is zero on both examples, unit 1 only on one: half the units are dead.
        let r = Tensor::<B, 2>::from_data(TensorData::new(vec![0.0f32, 0.0, 0.0, 2.0], [2, 2]), &device);
        assert_eq!(dead_fraction(r).into_scalar(), 0.5);
        assert!(saturated_fraction(Activation::Rectifier, Tensor::<B, 2>::zeros([1, 1], &device)).is_none());
    }

    #[test]
    fn flags_name_ratios_outside_the_band_and_mostly_saturated_or_dead_layers() {
        let bias = Row { tensor: "bias".into(), weight: false, ..weight_row() };
        assert!(decode(weight_row(), &[1.0, 10.0]).flag.unwrap().contains("above"));
        assert!(decode(weight_row(), &[1e-6, 1.0]).flag.unwrap().contains("below"));
        assert_eq!(decode(weight_row(), &[1e-3, 1.0]).flag, None);
        assert_eq!(decode(bias, &[1.0, 1.0]).flag, None, "biases are not flagged");
        let zero = decode(weight_row(), &[1.0, 0.0]);
        assert!(zero.mean.is_nan() && zero.flag.is_none(), "a zero tensor has no ratio");
        let dead = Row { layer: "layers.0".into(), tensor: UNITS.into(), quantity: Quantity::DeadFraction, weight: false };
        assert!(decode(dead, &[0.75]).flag.unwrap().contains("dead"));
        let mut full = vec![f64::NAN, 0.0, 0.0, 0.0];
        full.extend([0.0; HISTOGRAM_BINS]);
        let row = Row { layer: "layers.0".into(), tensor: UNITS.into(), quantity: Quantity::Activation, weight: false };
        assert_eq!(decode(row, &full).flag.as_deref(), Some("non-finite values"));
    }

    fn weight_row() -> Row {
        Row { layer: "layers.0".into(), tensor: "weight".into(), quantity: Quantity::UpdateRatio, weight: true }
    }

    #[test]
    fn csv_has_the_documented_header_and_leaves_single_values_ranges_empty() {
        let stat = |quantity, mean, flag: Option<&str>| Statistic {
            layer: "layers.0".into(),
            tensor: "weight".into(),
            quantity,
            mean,
            std: if quantity.is_scalar() { f64::NAN } else { 0.5 },
            min: if quantity.is_scalar() { f64::NAN } else { -1.0 },
            max: if quantity.is_scalar() { f64::NAN } else { 1.0 },
            counts: Vec::new(),
            flag: flag.map(str::to_string),
        };
        let snap = Snapshot {
            updates: 1,
            examples_seen: 32,
            statistics: vec![stat(Quantity::Parameter, 0.25, None), stat(Quantity::UpdateRatio, 0.5, Some("update/weight ratio above 1e-2"))],
        };
        let csv = layer_stats_csv(&[snap]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], LAYER_STATS_HEADER);
        assert_eq!(lines[1], "1,32,layers.0,weight,parameter,0.25,0.5,-1,1,");
        assert_eq!(lines[2], "1,32,layers.0,weight,update_ratio,0.5,,,,update/weight ratio above 1e-2");
    }
}
