//! Training for tricks: one SGD loop for every model (the chapter's update rule, early stopping,
//! divergence handling), and complete runs that write a reproducible run directory.

mod device_data;
mod error;
mod fit;
mod polyak;
mod progress;
mod step;
mod trainable;

pub use device_data::DeviceSplit;
pub use error::TrainError;
pub use fit::{CurvePoint, Fitted, fit};
pub use polyak::ParameterAverage;
pub use progress::{Progress, Silent};
pub use step::{SgdState, StepSettings, sgd_step};
pub use trainable::{Trainable, classification_error};
mod run;
mod run_dir;
pub use run::{BURN_VERSION, Report, RunInfo, RunOptions, curves_csv, evaluate, files, read_json, run};
pub use run_dir::RunDir;
mod gradcheck;
pub use gradcheck::{GRADCHECK_EPSILON, GRADCHECK_FLOOR, GRADCHECK_THRESHOLD, GradCheck, TensorCheck, gradient_check, gradient_check_sampled};
mod compare;
pub use compare::{plot_runs, read_curve};
mod overfit;
pub use overfit::{OVERFIT_PASS_ERROR, OverfitReport, overfit};
mod recipe_check;
pub use recipe_check::check_recipe_gradients;
