//! Output units paired with their losses (p.14), computed from the output layer's pre-activations.

use burn::tensor::{Tensor, activation, backend::Backend};
use tricks_core::OutputLoss;

use crate::{exact_gradient::scalar_with_gradient, sigmoid_value};

/// Mean over the mini-batch of the per-example loss between pre-activations `a` and targets `y`
/// (one-hot rows for classes). The mean gives the averaged gradient of Eq. 1 (p.6).
///
/// | output | per-example loss | gradient with respect to a |
/// |---|---|---|
/// | softmax + NLL | −Σ_k y_k log softmax(a)_k | softmax(a) − y |
/// | sigmoid + cross-entropy | Σ_k softplus(a_k) − y_k a_k | σ(a) − y |
/// | linear + squared error | Σ_k (a_k − y_k)² | 2(a − y) |
///
/// The gradient is attached exactly (see [`crate::exact_gradient`]).
pub fn output_loss<B: Backend>(kind: OutputLoss, a: Tensor<B, 2>, y: Tensor<B, 2>) -> Tensor<B, 1> {
    let batch = a.dims()[0] as f64;
    let z = a.clone().detach();
    let (per_example, gradient) = match kind {
        OutputLoss::SoftmaxNll => {
            let max = z.clone().max_dim(1);
            let exp = (z.clone() - max.clone()).exp();
            let sum = exp.clone().sum_dim(1);
            let log_sum_exp = sum.clone().log() + max;
            (log_sum_exp - (z * y.clone()).sum_dim(1), exp / sum - y)
        }
        OutputLoss::SigmoidCrossEntropy => {
            // softplus(z) = max(z, 0) + log(1 + e^−|z|), stable for any z.
            let softplus = activation::relu(z.clone()) + z.clone().abs().neg().exp().log1p();
            ((softplus - z.clone() * y.clone()).sum_dim(1), sigmoid_value(z) - y)
        }
        OutputLoss::LinearSquaredError => {
            let diff = z - y;
            (diff.clone().powi_scalar(2).sum_dim(1), diff * 2.0)
        }
    };
    scalar_with_gradient(a, per_example.mean(), gradient / batch)
}

/// One-hot rows for `labels` over `classes` columns.
pub fn one_hot<B: Backend>(labels: &[u32], classes: usize, device: &B::Device) -> Tensor<B, 2> {
    let mut data = vec![0f32; labels.len() * classes];
    for (row, &l) in labels.iter().enumerate() {
        data[row * classes + l as usize] = 1.0;
    }
    Tensor::from_data(burn::tensor::TensorData::new(data, [labels.len(), classes]), device)
}
