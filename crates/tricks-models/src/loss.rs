//! Output units paired with their losses (p.14), computed from the output layer's pre-activations.

use burn::tensor::{Tensor, activation, backend::Backend};
use tricks_core::OutputLoss;

/// Mean over the mini-batch of the per-example loss between pre-activations `a` and targets `y`
/// (one-hot rows for classes). The mean gives the averaged gradient of Eq. 1 (p.6).
///
/// - softmax + NLL: −Σ_k y_k log softmax(a)_k
/// - sigmoid + cross-entropy: Σ_k softplus(a_k) − y_k a_k, the stable form of −y log σ(a) − (1−y) log(1−σ(a))
/// - linear + squared error: Σ_k (a_k − y_k)²
pub fn output_loss<B: Backend>(kind: OutputLoss, a: Tensor<B, 2>, y: Tensor<B, 2>) -> Tensor<B, 1> {
    let per_example = match kind {
        OutputLoss::SoftmaxNll => (activation::log_softmax(a, 1) * y).sum_dim(1).neg(),
        OutputLoss::SigmoidCrossEntropy => (activation::softplus(a.clone(), 1.0) - a * y).sum_dim(1),
        OutputLoss::LinearSquaredError => (a - y).powi_scalar(2).sum_dim(1),
    };
    per_example.mean()
}

/// One-hot rows for `labels` over `classes` columns.
pub fn one_hot<B: Backend>(labels: &[u32], classes: usize, device: &B::Device) -> Tensor<B, 2> {
    let mut data = vec![0f32; labels.len() * classes];
    for (row, &l) in labels.iter().enumerate() {
        data[row * classes + l as usize] = 1.0;
    }
    Tensor::from_data(burn::tensor::TensorData::new(data, [labels.len(), classes]), device)
}
