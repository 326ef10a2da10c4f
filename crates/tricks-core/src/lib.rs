//! Policy of the chapter as typed data: recipes with their defaults (each set once, with its page),
//! the checks that refuse impossible values before training, and the pure rules the training loop
//! follows (learning-rate schedule, early stopping, penalty scaling, divergence). No tensors here.
//!
//! Page numbers (p.N) refer to Bengio, "Practical Recommendations for Gradient-Based Training of Deep
//! Architectures", arXiv:1206.5533v2. DLT marks the Theano Deep Learning Tutorials the chapter cites;
//! *ours* marks a choice made by this project where no source gives one.

mod checked;
pub mod defaults;
mod error;
mod overrides;
mod preprocessing;
pub mod presets;
mod pretraining;
mod recipe;
mod schedule;
mod stack;
mod stopping;
mod unsupervised;

pub use checked::CheckedRecipe;
pub use error::RecipeError;
pub use overrides::apply_overrides;
pub use preprocessing::Preprocessing;
pub use recipe::{Activation, Divergence, Init, MlpSpec, Model, MomentumRamp, Optimiser, OutputLoss, Penalty, PenaltyPer, Polyak, Recipe};
pub use schedule::{LrSchedule, ScheduleState};
pub use stack::{StackLayer, StackSpec, kind};
pub use stopping::{EarlyStopping, Patience, StopDecision, Stopping, epochs_for};
pub use unsupervised::{AutoEncoderSpec, Corruption, RbmSpec, Reconstruction, Sparsity, VisibleUnits};
