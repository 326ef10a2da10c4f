//! Weight initialisation (p.14-15), drawn on the host from a seeded generator.

use burn::module::Param;
use burn::nn::Linear;
use burn::tensor::{Tensor, TensorData, backend::Backend};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A linear layer with weights U(−r, r), r = gain·√(6/(fan_in+fan_out)), and zero biases (p.14-15).
pub fn glorot_linear<B: Backend>(
    fan_in: usize,
    fan_out: usize,
    gain: f64,
    rng: &mut ChaCha8Rng,
    device: &B::Device,
) -> Linear<B> {
    let r = (gain * (6.0 / (fan_in + fan_out) as f64).sqrt()) as f32;
    let weights: Vec<f32> = (0..fan_in * fan_out).map(|_| rng.random_range(-r..=r)).collect();
    linear(TensorData::new(weights, [fan_in, fan_out]), fan_out, device)
}

/// A linear layer with zero weights and biases ("output weights may be 0", p.15).
pub fn zero_linear<B: Backend>(fan_in: usize, fan_out: usize, device: &B::Device) -> Linear<B> {
    linear(TensorData::new(vec![0f32; fan_in * fan_out], [fan_in, fan_out]), fan_out, device)
}

fn linear<B: Backend>(weights: TensorData, fan_out: usize, device: &B::Device) -> Linear<B> {
    Linear {
        weight: Param::from_tensor(Tensor::from_data(weights, device)),
        bias: Some(Param::from_tensor(Tensor::zeros([fan_out], device))),
    }
}
