//! Differentiable penalties on hidden activations (p.4, p.13-16), with exact gradients where they need
//! `log` or `/` (see [`crate::exact_gradient`]).

use burn::tensor::{Tensor, backend::Backend};
use tricks_core::Activation;

use crate::exact_gradient::with_derivative;

/// Mean activations are clamped to [this, 1 − this] inside the KL sparsity penalty, whose value and
/// derivative are otherwise infinite at 0 and 1 (*ours*).
pub const SPARSITY_CLAMP: f64 = 1e-6;

/// Σ_j KL(ρ ‖ ρ̂_j) = Σ_j ρ log(ρ/ρ̂_j) + (1−ρ) log((1−ρ)/(1−ρ̂_j)) for mean activations `mean` (ρ̂, each in
/// (0, 1)) and target ρ = `target` (p.13-14). Gradient −ρ/ρ̂ + (1−ρ)/(1−ρ̂), attached exactly.
pub fn kl_sparsity<B: Backend>(mean: Tensor<B, 1>, target: f64) -> Tensor<B, 1> {
    let q = mean.clone().detach().clamp(SPARSITY_CLAMP, 1.0 - SPARSITY_CLAMP);
    let one_minus = q.clone().neg() + 1.0;
    let value = (q.clone().log().neg() + target.ln()) * target + (one_minus.clone().log().neg() + (1.0 - target).ln()) * (1.0 - target);
    // Untracked division is exact; only the backward of `/` uses the approximate reciprocal.
    let derivative = (q.ones_like() / q).neg() * target + one_minus.ones_like() / one_minus * (1.0 - target);
    with_derivative(mean, value, derivative).sum()
}

/// ∂h/∂a of the non-linearity `kind`, written in terms of its output h = f(a) (the rectifier's and the hard
/// tanh's kinks count as flat).
pub fn derivative_from_output<B: Backend, const D: usize>(kind: Activation, h: Tensor<B, D>) -> Tensor<B, D> {
    match kind {
        Activation::Sigmoid => h.clone() * (h.neg() + 1.0),
        Activation::Tanh => h.powi_scalar(2).neg() + 1.0,
        Activation::Rectifier => h.greater_elem(0.0).float(),
        Activation::Softsign => (h.abs().neg() + 1.0).powi_scalar(2),
        Activation::HardTanh => h.abs().lower_elem(1.0).float(),
    }
}

/// Mean over the mini-batch of ‖∂h/∂x‖²_F = Σ_j f′(a_j)² Σ_i W_ij² for a layer h = f(xW + b) with weights
/// `weight` of shape [inputs, units] and outputs `h` (the contractive penalty, p.4, p.16).
pub fn contractive<B: Backend>(kind: Activation, h: Tensor<B, 2>, weight: Tensor<B, 2>) -> Tensor<B, 1> {
    let column_norms = weight.powi_scalar(2).sum_dim(0); // [1, units]
    let slope = derivative_from_output(kind, h).powi_scalar(2);
    (slope * column_norms).sum_dim(1).mean()
}
