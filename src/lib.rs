//! **tricks**: Y. Bengio's "Practical Recommendations for Gradient-Based Training of Deep
//! Architectures" (2012) as a library. Recipes carry the chapter's defaults ([`core`]); data loaders
//! and preprocessing ([`data`]); models as Burn modules ([`models`]); one training loop and complete
//! runs ([`train`]). The `tricks` binary (crate `tricks-cli`) is a thin layer over these.
//!
//! Train a recipe into a run directory, then load the run to predict on examples, and export its
//! model as safetensors for other programs:
//!
//! ```
//! use burn::backend::{Autodiff, NdArray};
//! use tricks::{core::apply_overrides, core::Recipe, data::DataSource, train};
//!
//! // The chapter's default MLP, made small and short for this example; training takes a checked recipe.
//! let settings = ["model.hidden=[32]".to_string(), r#"stopping={"kind":"off","epochs":3}"#.to_string()];
//! let recipe = apply_overrides(&Recipe::chapter_default(), &settings)?;
//! let run_dir = std::env::temp_dir().join(format!("tricks-doc-{}", std::process::id()));
//! let options = train::RunOptions { out: run_dir.clone(), backend: "ndarray".into(), ..Default::default() };
//! let report = train::run::<Autodiff<NdArray>>(&recipe, &DataSource::Digits, &options, &Default::default(), &mut train::Silent)?;
//! let accuracy = report.test_accuracy.expect("a classifier run reports its test accuracy");
//!
//! // Load the run and predict: its own preprocessing and model, applied to raw examples.
//! let test = tricks::data::load(&DataSource::Digits)?.test;
//! let predictions = train::predict::<NdArray>(&run_dir, &test, None, &Default::default())?;
//! let predicted = predictions.predicted.expect("a classifier predicts classes");
//! let right = predicted.iter().zip(&test.labels).filter(|(p, l)| p == l).count();
//! assert!((100.0 * right as f64 / test.len() as f64 - accuracy).abs() < 1e-9);
//!
//! // Export: tensors under their module paths, recipe and preprocessing as metadata.
//! let safetensors = train::export::<NdArray>(&run_dir, &Default::default())?;
//! std::fs::write(run_dir.join("model.safetensors"), safetensors)?;
//! # std::fs::remove_dir_all(&run_dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use tricks_core as core;
pub use tricks_data as data;
pub use tricks_models as models;
pub use tricks_train as train;
