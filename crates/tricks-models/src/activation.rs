//! Hidden non-linearities (p.14, p.27).

use burn::tensor::{Tensor, activation, backend::Backend};
use tricks_core::Activation;

/// Apply `kind` element-wise.
pub fn activate<B: Backend, const D: usize>(kind: Activation, a: Tensor<B, D>) -> Tensor<B, D> {
    match kind {
        Activation::Tanh => a.tanh(),
        Activation::Sigmoid => activation::sigmoid(a),
        Activation::Rectifier => activation::relu(a),
        Activation::Softsign => a.clone() / (a.abs() + 1.0),
        Activation::HardTanh => a.clamp(-1.0, 1.0),
    }
}
