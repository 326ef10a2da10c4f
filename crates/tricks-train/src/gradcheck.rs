//! Gradient check by centred finite differences (p.21): for every parameter entry,
//! (f(θ+ε) − f(θ−ε)) / 2ε against the gradient back-propagation computes.

use burn::module::{AutodiffModule, ModuleMapper, Param, ParamId};
use burn::optim::GradientsParams;
use burn::tensor::{ElementConversion, Tensor, TensorData, backend::AutodiffBackend};

use crate::named_parameters::named_parameters;

/// Step of the centred differences (p.21).
pub const GRADCHECK_EPSILON: f64 = 1e-4;
/// Largest relative error that passes, for a backend computing in f64 (*ours*: centred differences
/// with ε = 1e-4 are accurate to about 1e-8 on smooth functions; kinks of rectifiers or hard tanh can
/// exceed it only when an input falls within ε of the kink).
pub const GRADCHECK_THRESHOLD: f64 = 1e-5;
/// Floor of the denominator of the relative error, so that entries whose gradient is essentially zero
/// are judged by their absolute error, at most threshold × floor = 1e-8 (*ours*). Centred differences of a
/// loss of magnitude |f| carry a rounding error of about |f|·2⁻⁵²/ε: the free energies of an RBM with
/// 1,000 hidden units are ≈ 700, and their differences were measured 1e-9 off, which a 1e-4 floor failed.
pub const GRADCHECK_FLOOR: f64 = 1e-3;

/// The check of one parameter tensor.
#[derive(Debug, Clone)]
pub struct TensorCheck {
    /// Dotted module path of the parameter (`layers.0.weight`).
    pub path: String,
    /// Number of entries checked.
    pub entries: usize,
    /// Largest relative error |a − n| / max(|a|, |n|, floor).
    pub max_relative_error: f64,
    /// Flat index of the entry with the largest error.
    pub worst_entry: usize,
    /// Analytic and numeric gradient of that entry.
    pub worst_values: (f64, f64),
    /// Entries where analytic and numeric gradients have opposite signs (the worst kind of bug, p.21).
    pub sign_disagreements: usize,
    /// Whether the loss's gradient (before any weight penalty) is exactly zero in every entry of the tensor:
    /// then the check says nothing about back-propagation into it (a hidden layer below zero output weights).
    pub zero_gradient: bool,
    /// Why a zero gradient is expected here, where it is ([`GradCheck::expect_zero`]).
    pub zero_expected: Option<String>,
}

impl TensorCheck {
    /// Whether this tensor passes: every entry within `threshold`, no sign disagreement, and a loss
    /// gradient that is not all zeros unless that is expected.
    pub fn passed(&self, threshold: f64) -> bool {
        self.max_relative_error <= threshold && self.sign_disagreements == 0 && (!self.zero_gradient || self.zero_expected.is_some())
    }
}

/// The check of a whole model, failing tensors first, then by decreasing error.
#[derive(Debug, Clone)]
pub struct GradCheck {
    /// One entry per parameter tensor.
    pub tensors: Vec<TensorCheck>,
}

impl GradCheck {
    /// Largest relative error over all tensors.
    pub fn max_relative_error(&self) -> f64 {
        self.tensors.iter().map(|t| t.max_relative_error).fold(0.0, f64::max)
    }

    /// Whether every tensor passes ([`TensorCheck::passed`]).
    pub fn passed(&self, threshold: f64) -> bool {
        self.tensors.iter().all(|t| t.passed(threshold))
    }

    /// State that the tensors whose path ends with `suffix` have an all-zero loss gradient by construction,
    /// and why; a zero gradient elsewhere fails the check.
    pub fn expect_zero(mut self, suffix: &str, reason: &str) -> Self {
        for t in self.tensors.iter_mut().filter(|t| t.path.ends_with(suffix)) {
            t.zero_expected = Some(reason.to_string());
        }
        self.sort(GRADCHECK_THRESHOLD);
        self
    }

    /// Sort failing tensors first (at `threshold`), then by decreasing error.
    pub fn sort(&mut self, threshold: f64) {
        self.tensors.sort_by(|a, b| a.passed(threshold).cmp(&b.passed(threshold)).then(b.max_relative_error.total_cmp(&a.max_relative_error)));
    }
}

/// Compare back-propagated and centred-difference gradients of `loss` for every entry of every parameter
/// of `model`. Cost: two evaluations of `loss` per entry, so use a small model and a small batch, or
/// [`gradient_check_sampled`].
pub fn gradient_check<B: AutodiffBackend, M: AutodiffModule<B>>(model: &M, loss: impl Fn(&M) -> Tensor<B, 1>) -> GradCheck {
    gradient_check_sampled(model, loss, usize::MAX)
}

/// As [`gradient_check`], checking at most `entries_per_tensor` evenly spaced entries of each tensor.
pub fn gradient_check_sampled<B: AutodiffBackend, M: AutodiffModule<B>>(model: &M, loss: impl Fn(&M) -> Tensor<B, 1>, entries_per_tensor: usize) -> GradCheck {
    let grads = GradientsParams::from_grads(loss(model).backward(), model);
    compare_gradients(model, &grads, &grads, |m| loss(m).into_scalar().elem::<f64>(), entries_per_tensor)
}

/// Compare `gradient` (any gradient a training step would use) with centred differences of `objective` for
/// at most `entries_per_tensor` evenly spaced entries of each parameter of `model`. `loss_gradient` is the
/// part of `gradient` that back-propagation of the loss computed (without penalties added on the side): a
/// tensor where it is all zeros is flagged ([`TensorCheck::zero_gradient`]).
pub fn compare_gradients<B: AutodiffBackend, M: AutodiffModule<B>>(
    model: &M,
    gradient: &GradientsParams,
    loss_gradient: &GradientsParams,
    objective: impl Fn(&M) -> f64,
    entries_per_tensor: usize,
) -> GradCheck {
    let host = |g: Option<Tensor<B::InnerBackend, 1>>, len: usize| match g {
        Some(g) => g.into_data().convert::<f64>().into_vec().expect("float gradient"),
        None => vec![0.0; len],
    };
    let loss_grads = named_parameters(&model.valid(), Some(loss_gradient));
    let tensors: Vec<TensorCheck> = named_parameters(&model.valid(), Some(gradient))
        .into_iter()
        .zip(loss_grads)
        .map(|(p, l)| {
            let (path, id, len) = (p.path.join("."), p.id, p.value.dims()[0]);
            let analytic = host(p.grad, len);
            let zero_gradient = host(l.grad, len).iter().all(|g| *g == 0.0);
            let stride = analytic.len().div_ceil(entries_per_tensor.max(1)).max(1);
            let entries: Vec<usize> = (0..analytic.len()).step_by(stride).collect();
            let mut check = TensorCheck {
                path,
                entries: entries.len(),
                max_relative_error: 0.0,
                worst_entry: 0,
                worst_values: (0.0, 0.0),
                sign_disagreements: 0,
                zero_gradient,
                zero_expected: None,
            };
            for entry in entries {
                let a = analytic[entry];
                let shifted = |delta: f64| model.clone().map(&mut Shift::<B> { id, entry, delta, _b: Default::default() });
                let n = (objective(&shifted(GRADCHECK_EPSILON)) - objective(&shifted(-GRADCHECK_EPSILON))) / (2.0 * GRADCHECK_EPSILON);
                let error = (a - n).abs() / a.abs().max(n.abs()).max(GRADCHECK_FLOOR);
                if error > check.max_relative_error {
                    check.max_relative_error = error;
                    check.worst_entry = entry;
                    check.worst_values = (a, n);
                }
                if a.signum() != n.signum() && a.abs().max(n.abs()) > GRADCHECK_FLOOR {
                    check.sign_disagreements += 1;
                }
            }
            check
        })
        .collect();
    let mut check = GradCheck { tensors };
    check.sort(GRADCHECK_THRESHOLD);
    check
}

struct Shift<B> {
    id: ParamId,
    entry: usize,
    delta: f64,
    _b: std::marker::PhantomData<B>,
}

impl<B: AutodiffBackend> ModuleMapper<B> for Shift<B> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<B, D>>) -> Param<Tensor<B, D>> {
        if param.id != self.id {
            return param;
        }
        let (id, tensor, mapper) = param.consume();
        let shape = tensor.shape();
        let mut delta = vec![0f64; shape.num_elements()];
        delta[self.entry] = self.delta;
        let delta = Tensor::<B, D>::from_data(TensorData::new(delta, shape), &tensor.device());
        Param::from_mapped_value(id, tensor + delta, mapper)
    }
}
