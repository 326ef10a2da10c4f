//! Models of the chapter as Burn modules, generic over the backend `B`.
//!
//! Parameters are initialised on the host from a seeded generator, so the same seed gives the same
//! initial model on every backend.

mod activation;
pub mod exact_gradient;
mod init;
mod loss;
mod mlp;

pub use activation::{activate, sigmoid};
pub use init::{glorot_linear, param_ids, zero_linear};
pub use loss::{one_hot, output_loss};
pub use mlp::Mlp;
