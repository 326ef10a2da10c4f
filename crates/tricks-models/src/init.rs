//! Weight initialisation (p.14-15), drawn on the host from a seeded generator.
//!
//! Parameter ids are derived from the seed and the parameter's place too (Burn draws them at random), so
//! that two runs with the same seed save byte-identical model files.

use burn::module::{Param, ParamId};
use burn::nn::Linear;
use burn::tensor::{Tensor, TensorData, backend::Backend};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A linear layer with weights U(−r, r), r = gain·√(6/(fan_in+fan_out)), and zero biases (p.14-15).
/// `ids` is the pair of parameter ids (weight, bias); see [`param_ids`].
pub fn glorot_linear<B: Backend>(fan_in: usize, fan_out: usize, gain: f64, rng: &mut ChaCha8Rng, ids: [ParamId; 2], device: &B::Device) -> Linear<B> {
    let r = (gain * (6.0 / (fan_in + fan_out) as f64).sqrt()) as f32;
    let weights: Vec<f32> = (0..fan_in * fan_out).map(|_| rng.random_range(-r..=r)).collect();
    linear(TensorData::new(weights, [fan_in, fan_out]), fan_out, ids, device)
}

/// A linear layer with zero weights and biases ("output weights may be 0", p.15).
pub fn zero_linear<B: Backend>(fan_in: usize, fan_out: usize, ids: [ParamId; 2], device: &B::Device) -> Linear<B> {
    linear(TensorData::new(vec![0f32; fan_in * fan_out], [fan_in, fan_out]), fan_out, ids, device)
}

/// Parameter ids for the weight and bias of layer `layer` of a model initialised with `seed`.
pub fn param_ids(seed: u64, layer: usize) -> [ParamId; 2] {
    let base = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ ((layer as u64) << 8);
    [ParamId::from(base), ParamId::from(base ^ 1)]
}

fn linear<B: Backend>(weights: TensorData, fan_out: usize, [w, b]: [ParamId; 2], device: &B::Device) -> Linear<B> {
    Linear {
        weight: Param::initialized(w, Tensor::from_data(weights, device).require_grad()),
        bias: Some(Param::initialized(b, Tensor::zeros([fan_out], device).require_grad())),
    }
}
