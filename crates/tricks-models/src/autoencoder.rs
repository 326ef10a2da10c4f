//! One-hidden-layer auto-encoders: plain, denoising, contractive and sparse; tied or untied weights
//! (p.3-4, p.13-16).

use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::tensor::{Distribution, Tensor, TensorData, backend::Backend};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tricks_core::{AutoEncoderSpec, Corruption, OutputLoss, Reconstruction};

use crate::{activate, contractive, glorot_linear, kl_sparsity, output_loss, param_ids, sigmoid};

/// An auto-encoder h = f(x̃W + b), r = g(hW′ + c) with W′ = Wᵀ when tied; trained to reconstruct the clean
/// x from the corrupted x̃ (p.4).
#[derive(Module, Debug)]
pub struct AutoEncoder<B: Backend> {
    /// Encoder, weights [inputs, hidden].
    pub encoder: Linear<B>,
    /// Decoder weights [hidden, inputs] when untied.
    pub decoder_weight: Option<Param<Tensor<B, 2>>>,
    /// Decoder (reconstruction) bias.
    pub decoder_bias: Param<Tensor<B, 1>>,
    #[module(skip)]
    spec: AutoEncoderSpec,
}

impl<B: Backend> AutoEncoder<B> {
    /// A fresh auto-encoder over `inputs` features: Glorot uniform weights (×4 for sigmoid units), zero
    /// biases (p.14-15).
    pub fn new(spec: &AutoEncoderSpec, inputs: usize, seed: u64, device: &B::Device) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let gain = spec.activation.glorot_gain();
        let encoder = glorot_linear(inputs, spec.hidden, gain, &mut rng, param_ids(seed, 0), device);
        let [decoder_id, bias_id] = param_ids(seed, 1);
        let decoder_weight = (!spec.tied).then(|| {
            let d = glorot_linear::<B>(spec.hidden, inputs, gain, &mut rng, param_ids(seed, 1), device);
            Param::initialized(decoder_id, d.weight.val())
        });
        let decoder_bias = Param::initialized(bias_id, Tensor::zeros([inputs], device).require_grad());
        AutoEncoder { encoder, decoder_weight, decoder_bias, spec: spec.clone() }
    }

    /// The recipe's description of this auto-encoder.
    pub fn spec(&self) -> &AutoEncoderSpec {
        &self.spec
    }

    /// Hidden representation h = f(xW + b): what the next level of a stack sees.
    pub fn encode(&self, x: Tensor<B, 2>) -> Tensor<B, 2> {
        activate(self.spec.activation, self.encoder.forward(x))
    }

    /// Pre-activations of the reconstruction units.
    pub fn decode_preactivation(&self, h: Tensor<B, 2>) -> Tensor<B, 2> {
        let weight = match &self.decoder_weight {
            Some(w) => w.val(),
            None => self.encoder.weight.val().transpose(),
        };
        h.matmul(weight) + self.decoder_bias.val().unsqueeze()
    }

    /// Reconstruction of `x` without corruption: sigmoid units for cross-entropy, linear for squared error.
    pub fn reconstruct(&self, x: Tensor<B, 2>) -> Tensor<B, 2> {
        let a = self.decode_preactivation(self.encode(x));
        match self.spec.reconstruction {
            Reconstruction::CrossEntropy => sigmoid(a),
            Reconstruction::SquaredError => a,
        }
    }

    /// `x` corrupted as the recipe says (p.4), with the backend's random generator.
    pub fn corrupt(&self, x: Tensor<B, 2>) -> Tensor<B, 2> {
        let uniform = |x: &Tensor<B, 2>| Tensor::<B, 2>::random(x.shape(), Distribution::Default, &x.device());
        match self.spec.corruption {
            Corruption::None => x,
            Corruption::Masking { fraction } => {
                let keep = uniform(&x).greater_equal_elem(fraction).float();
                x * keep
            }
            Corruption::Gaussian { std } => {
                let noise = Tensor::<B, 2>::random(x.shape(), Distribution::Normal(0.0, std), &x.device());
                x + noise
            }
            Corruption::SaltAndPepper { fraction } => {
                let hit = uniform(&x).lower_elem(fraction).float();
                let salt = uniform(&x).greater_equal_elem(0.5).float();
                x * (hit.clone().neg() + 1.0) + hit * salt
            }
        }
    }

    /// Mean over the mini-batch of the per-example reconstruction loss of the clean `x` from `corrupted`,
    /// summed over inputs, plus the contractive and sparsity penalties of the recipe.
    pub fn loss_from(&self, corrupted: Tensor<B, 2>, x: Tensor<B, 2>) -> Tensor<B, 1> {
        let h = self.encode(corrupted);
        let mut loss = self.reconstruction_loss(h.clone(), x);
        if self.spec.contractive > 0.0 {
            loss = loss + contractive(self.spec.activation, h.clone(), self.encoder.weight.val()) * self.spec.contractive;
        }
        if let Some(s) = self.spec.sparsity {
            loss = loss + kl_sparsity(h.mean_dim(0).squeeze_dim(0), s.target) * s.cost;
        }
        loss
    }

    /// The training criterion on a mini-batch: corrupt, then [`Self::loss_from`].
    pub fn loss(&self, x: Tensor<B, 2>) -> Tensor<B, 1> {
        self.loss_from(self.corrupt(x.clone()), x)
    }

    /// Mean per-example reconstruction loss of `x` from the code `h` (cross-entropy or squared error).
    pub fn reconstruction_loss(&self, h: Tensor<B, 2>, x: Tensor<B, 2>) -> Tensor<B, 1> {
        let kind = match self.spec.reconstruction {
            Reconstruction::CrossEntropy => OutputLoss::SigmoidCrossEntropy,
            Reconstruction::SquaredError => OutputLoss::LinearSquaredError,
        };
        output_loss(kind, self.decode_preactivation(h), x)
    }

    /// Encoder weights as host data [inputs, hidden], for filters and for initialising a stack.
    pub fn encoder_weights(&self) -> TensorData {
        self.encoder.weight.val().into_data()
    }
}
