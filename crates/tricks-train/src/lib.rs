//! Training for tricks: one SGD loop for every model (the chapter's update rule, early stopping,
//! divergence handling), complete runs that write a reproducible run directory, and the chapter's
//! checks (gradient check, controlled over-fitting, curves of several runs); finished runs loaded again
//! to evaluate, predict, ensemble or export.

mod compare;
mod device_data;
mod ensemble;
mod error;
mod fit;
mod gradcheck;
mod level;
mod monitor;
mod monitor_plot;
mod named_parameters;
mod outputs;
mod overfit;
mod polyak;
mod predict;
mod progress;
mod rbm_monitor;
mod recipe_check;
mod run;
mod saved;
mod snapshot_codec;
mod stack;
mod step;
mod trainable;
mod trainable_rbm;
mod workload;

pub use compare::{plot_runs, read_curve};
pub use device_data::DeviceSplit;
pub use ensemble::{EnsembleReport, Member, ensemble};
pub use error::{TrainError, classifier_of};
pub use fit::{Checkpointing, Fitted, fit, fit_checkpointed};
pub use gradcheck::{
    GRADCHECK_EPSILON, GRADCHECK_FLOOR, GRADCHECK_THRESHOLD, GradCheck, TensorCheck, compare_gradients, gradient_check, gradient_check_sampled,
};
pub use level::Level;
pub use monitor::{
    FLAG_FRACTION, HISTOGRAM_BINS, HISTOGRAM_SAMPLE, LAYER_STATS_HEADER, LayerActivity, PendingSnapshot, Quantity, SIGMOID_SATURATION, SYMMETRIC_SATURATION,
    Snapshot, Statistic, UPDATE_RATIO_BAND, UPDATE_RATIO_TARGET, layer_stats_csv, layer_stats_rows,
};
pub use monitor_plot::{plot_layer_histograms, plot_layer_stats};
pub use outputs::rbm_samples;
pub use overfit::{OVERFIT_PASS_ERROR, OverfitReport, overfit};
pub use polyak::ParameterAverage;
pub use predict::{Predictions, confusion_matrix, predict};
pub use progress::{Progress, Silent};
pub use rbm_monitor::rbm_likelihood;
pub use recipe_check::{GRADCHECK_UPDATES, Objective, ObjectiveFn, check_recipe_gradients, check_training_gradient};
pub use run::{RunOptions, evaluate, load_classifier, read_json, resume, run};
pub use saved::{EXPORT_FORMAT, export, finished_run};
pub use step::{SgdState, StepSettings, penalty_gradient, penalty_value, sgd_step};
pub use trainable::{Trainable, classification_error, mean_over_chunks};
pub use tricks_run::{BURN_VERSION, CurvePoint, LevelReport, LikelihoodReport, Report, RunDir, RunInfo, TestScore, ValidationMeasure, files};
pub use workload::{Bench, Throughput, WORKLOAD_CLASSES, WORKLOAD_HIDDEN, WORKLOAD_INPUTS, WORKLOAD_TRAIN, WORKLOAD_VALID, Workload, synthetic_images};
