//! **tricks**: Y. Bengio's "Practical Recommendations for Gradient-Based Training of Deep
//! Architectures" (2012) as a library. Recipes carry the chapter's defaults ([`core`]); data loaders
//! and preprocessing ([`data`]); models as Burn modules ([`models`]); one training loop and complete
//! runs ([`train`]). The `tricks` binary (crate `tricks-cli`) is a thin layer over these.
//!
//! ```no_run
//! use burn::backend::{Autodiff, NdArray};
//! use tricks::{core::Recipe, data::DataSource, train};
//!
//! let recipe = Recipe::chapter_default().check()?; // training takes a checked recipe
//! let options = train::RunOptions { out: "runs/example".into(), backend: "ndarray".into(), ..Default::default() };
//! let report = train::run::<Autodiff<NdArray>>(&recipe, &DataSource::Digits, &options, &Default::default(), &mut train::Silent)?;
//! if let Some(accuracy) = report.test_accuracy {
//!     println!("test accuracy {accuracy:.2} %");
//! }
//! # Ok::<(), train::TrainError>(())
//! ```

pub use tricks_core as core;
pub use tricks_data as data;
pub use tricks_models as models;
pub use tricks_train as train;
