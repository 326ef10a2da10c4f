//! Training an RBM with the one SGD loop: CD-k / PCD-k mini-batch losses, with the persistent chains carried
//! between mini-batches (p.3, p.15; HG).

use burn::module::AutodiffModule;
use burn::tensor::{Tensor, backend::AutodiffBackend};
use tricks_core::Activation;
use tricks_models::{Rbm, mean_reconstruction_error, sigmoid};

use burn::tensor::TensorData;
use tricks_run::ValidationMeasure;

use crate::{DeviceSplit, LayerActivity, Trainable};

impl<B: AutodiffBackend> Trainable<B> for Rbm<B> {
    const VALIDATION: ValidationMeasure = ValidationMeasure::ReconstructionError;

    /// The persistent chains of PCD (one visible state per row), `None` before the first mini-batch and
    /// always for CD-k.
    type Carry = Option<Tensor<B::InnerBackend, 2>>;

    fn save_carry(chains: &Self::Carry) -> Option<TensorData> {
        chains.as_ref().map(|c| c.to_data())
    }

    fn restore_carry(data: TensorData, device: &B::Device) -> Self::Carry {
        Some(Tensor::from_data(data, device))
    }

    /// [`Rbm::cd_loss`]: its gradient is the CD-k / PCD-k estimate, its value the mini-batch reconstruction
    /// error. `targets` are ignored.
    fn batch_loss(&self, inputs: Tensor<B, 2>, _targets: Tensor<B, 2>, carry: &mut Self::Carry) -> Tensor<B, 1> {
        let mut chains = carry.take().map(Tensor::from_inner);
        let loss = self.cd_loss(inputs, &mut chains);
        *carry = chains.map(|c| c.inner());
        loss
    }

    /// Mean reconstruction error Σ_i (v_i − v̂_i)² of one mean-field up-down pass over the split, in chunks:
    /// lower is better, not a percentage. A monitor "to use but not trust" (HG §5); the likelihood monitors
    /// are in `tricks_models` (AIS, pseudo-likelihood).
    fn validation_error(model: &Rbm<B::InnerBackend>, split: &DeviceSplit<B::InnerBackend>) -> f64 {
        mean_reconstruction_error(model, split.inputs.clone())
    }

    /// The hidden layer: pre-activations vW + c and probabilities σ(vW + c) of the mini-batch; no
    /// activation gradients (CD's update is not the gradient of a loss of the hidden units).
    fn layer_activity(&self, inputs: Tensor<B, 2>, _targets: Tensor<B, 2>) -> Vec<LayerActivity<B::InnerBackend>> {
        let pre_activation = self.valid().hidden_input(inputs.inner());
        let activation = sigmoid(pre_activation.clone());
        vec![LayerActivity { layer: "hidden".into(), kind: Activation::Sigmoid, pre_activation, activation, activation_gradient: None }]
    }
}
