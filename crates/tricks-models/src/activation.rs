//! Hidden non-linearities (p.14, p.27).
//!
//! The sigmoid is computed as (1 + tanh(a/2))/2: Burn 0.21's own sigmoid casts to f32 internally, which
//! would make an f64 gradient check fail; this form keeps the backend's precision and is stable.

use burn::tensor::{Tensor, activation, backend::Backend};
use tricks_core::Activation;

use crate::exact_gradient::with_derivative;

/// Apply `kind` element-wise.
pub fn activate<B: Backend, const D: usize>(kind: Activation, a: Tensor<B, D>) -> Tensor<B, D> {
    match kind {
        Activation::Tanh => a.tanh(),
        Activation::Sigmoid => sigmoid(a),
        Activation::Rectifier => activation::relu(a),
        Activation::Softsign => softsign(a),
        Activation::HardTanh => a.clamp(-1.0, 1.0),
    }
}

/// a/(1+|a|), with its derivative 1/(1+|a|)² attached exactly (see [`crate::exact_gradient`]).
fn softsign<B: Backend, const D: usize>(a: Tensor<B, D>) -> Tensor<B, D> {
    let z = a.clone().detach();
    let denominator = z.clone().abs() + 1.0;
    let squared = denominator.clone().powi_scalar(2);
    let derivative = squared.ones_like() / squared;
    with_derivative(a, z / denominator, derivative)
}

/// The logistic sigmoid 1/(1+e^−a), in the backend's own precision.
pub fn sigmoid<B: Backend, const D: usize>(a: Tensor<B, D>) -> Tensor<B, D> {
    ((a * 0.5).tanh() + 1.0) * 0.5
}
