//! Models of the chapter as Burn modules, generic over the backend `B`.
//!
//! Parameters are initialised on the host from a seeded generator, so the same seed gives the same
//! initial model on every backend.

mod activation;
mod autoencoder;
pub mod exact_gradient;
mod init;
mod loss;
mod mlp;
mod penalties;

pub use activation::{activate, sigmoid, sigmoid_value, tanh};
pub use autoencoder::AutoEncoder;
pub use init::{glorot_linear, param_ids, zero_linear};
pub use loss::{one_hot, output_loss};
pub use mlp::Mlp;
pub use penalties::{SPARSITY_CLAMP, contractive, derivative_from_output, kl_sparsity};

mod ais;
mod rbm;
pub use ais::{
    AIS_CHAINS, AIS_TEMPERATURES, AisEstimate, EXACT_MAX_HIDDEN, MonitorError, ais_log_partition, ais_log_partition_from_base, ais_schedule,
    exact_log_partition, log_likelihood, mean_reconstruction_error, pseudo_likelihood,
};
pub use rbm::{Rbm, VISIBLE_MEAN_CLAMP, bernoulli, initial_visible_bias};
