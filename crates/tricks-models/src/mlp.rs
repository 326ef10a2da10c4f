//! The multi-layer perceptron.

use burn::module::Module;
use burn::nn::Linear;
use burn::tensor::{Tensor, backend::Backend};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tricks_core::{Activation, MlpSpec, OutputLoss, defaults};

use crate::{activate, glorot_linear, output_loss, param_ids, zero_linear};

/// A multi-layer perceptron: hidden layers with one non-linearity, then an output layer whose units are
/// paired with the loss (p.14).
#[derive(Module, Debug)]
pub struct Mlp<B: Backend> {
    /// Hidden layers, input side first, then the output layer.
    pub layers: Vec<Linear<B>>,
    #[module(skip)]
    activation: Activation,
    #[module(skip)]
    output: OutputLoss,
}

impl<B: Backend> Mlp<B> {
    /// A freshly initialised MLP for `inputs` features and `outputs` classes (p.14-15): Glorot uniform
    /// weights (×4 for sigmoid hidden layers; the output layer at [`defaults::GLOROT_GAIN_OUTPUT`]), zero
    /// biases, optionally zero output weights.
    pub fn new(spec: &MlpSpec, inputs: usize, outputs: usize, seed: u64, device: &B::Device) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut sizes = vec![inputs];
        sizes.extend(&spec.hidden);
        sizes.push(outputs);
        let last = sizes.len() - 2;
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let ids = param_ids(seed, i);
                if i == last && spec.init.zero_output_weights {
                    zero_linear(w[0], w[1], ids, device)
                } else {
                    let gain = if i == last { defaults::GLOROT_GAIN_OUTPUT } else { spec.activation.glorot_gain() };
                    glorot_linear(w[0], w[1], gain, &mut rng, ids, device)
                }
            })
            .collect();
        Mlp { layers, activation: spec.activation, output: spec.output }
    }

    /// The hidden non-linearity.
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// The output units and loss.
    pub fn output(&self) -> OutputLoss {
        self.output
    }

    /// Pre-activations of the output layer.
    pub fn forward(&self, x: Tensor<B, 2>) -> Tensor<B, 2> {
        self.hidden_then_output(x).1
    }

    /// Each hidden layer's activations (input side first) and the output pre-activations.
    pub fn hidden_then_output(&self, x: Tensor<B, 2>) -> (Vec<Tensor<B, 2>>, Tensor<B, 2>) {
        let (output, hidden) = self.layers.split_last().expect("an MLP has an output layer");
        let mut activations = Vec::with_capacity(hidden.len());
        let mut h = x;
        for layer in hidden {
            h = activate(self.activation, layer.forward(h));
            activations.push(h.clone());
        }
        (activations, output.forward(h))
    }

    /// Mean loss of the mini-batch `x` against one-hot `targets`.
    pub fn loss(&self, x: Tensor<B, 2>, targets: Tensor<B, 2>) -> Tensor<B, 1> {
        output_loss(self.output, self.forward(x), targets)
    }

    /// The output units' values: class probabilities for softmax outputs, each class's sigmoid for sigmoid
    /// outputs, the linear outputs otherwise.
    pub fn outputs(&self, x: Tensor<B, 2>) -> Tensor<B, 2> {
        let a = self.forward(x);
        match self.output {
            OutputLoss::SoftmaxNll => burn::tensor::activation::softmax(a, 1),
            OutputLoss::SigmoidCrossEntropy => burn::tensor::activation::sigmoid(a),
            OutputLoss::LinearSquaredError => a,
        }
    }

    /// Predicted class of each row.
    pub fn predict(&self, x: Tensor<B, 2>) -> Tensor<B, 1, burn::tensor::Int> {
        self.forward(x).argmax(1).squeeze_dim(1)
    }
}
