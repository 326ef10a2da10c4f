//! What a stack needs from an unsupervised layer: its code for the level above, and its encoder as the
//! initial weights of the fine-tuned network (p.2-3, p.19).

use burn::tensor::{Tensor, backend::Backend};
use tricks_models::{AutoEncoder, Rbm};

/// An unsupervised layer that can be a level of a stack.
pub trait Level<B: Backend> {
    /// The representation of `x` that the next level is trained on: hidden probabilities of an RBM, the
    /// code of an auto-encoder (from the clean input).
    fn code(&self, x: Tensor<B, 2>) -> Tensor<B, 2>;

    /// Encoder weights [inputs, units] and hidden biases.
    fn encoder(&self) -> (Tensor<B, 2>, Tensor<B, 1>);
}

impl<B: Backend> Level<B> for AutoEncoder<B> {
    fn code(&self, x: Tensor<B, 2>) -> Tensor<B, 2> {
        self.encode(x)
    }

    fn encoder(&self) -> (Tensor<B, 2>, Tensor<B, 1>) {
        let bias = self.encoder.bias.as_ref().expect("auto-encoders have encoder biases").val();
        (self.encoder.weight.val(), bias)
    }
}

impl<B: Backend> Level<B> for Rbm<B> {
    fn code(&self, x: Tensor<B, 2>) -> Tensor<B, 2> {
        self.hidden_probabilities(x)
    }

    fn encoder(&self) -> (Tensor<B, 2>, Tensor<B, 1>) {
        (self.weight.val(), self.hidden_bias.val())
    }
}
