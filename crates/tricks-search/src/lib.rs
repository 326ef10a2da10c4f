//! Hyper-parameter search as the chapter prescribes (Bengio 2012, §3, p.16-21), as a library that knows
//! recipes but not tensors: a [`Space`] of recipe fields by their `--set` paths, [`Strategy`] (random,
//! grid, coordinate descent, multi-resolution, the chapter's stages, Algorithm 1 for stacks), a study's durable [`Store`] shared by any number of
//! workers ([`Sqlite`] on one machine, [`Postgres`] on many), the [`work`] loop that claims, trains and
//! records trials, and the [`analysis`] of the results (borders, expected best among N trials). Training a
//! trial is the caller's: the `tricks` binary runs each as a `tricks train` process, so a crash is a failed
//! trial and nothing more.
//!
//! ```
//! use tricks_core::Recipe;
//! use tricks_search::{Outcome, Sqlite, Space, Store, Strategy, StudyConfig, WorkerId, WorkerOptions, work};
//!
//! let dir = tempfile::tempdir()?;
//! let space = Space::from_tree(&serde_json::json!({"optimiser.learning_rate": {"low": 1e-3, "high": 1.0}}))?;
//! let config = StudyConfig {
//!     name: "lr".into(), space, base: Recipe::chapter_default(), strategy: Strategy::Random, budget: 10, seed: 1,
//!     extend: false, trainer: serde_json::Value::Null, extensions: vec![],
//! };
//! let mut store = Sqlite::open(&dir.path().join("study.sqlite"))?;
//! store.open(&config)?;
//! // A stand-in for training: the validation error is smallest near ε0 = 0.1.
//! let mut train = |_: &_, recipe: &tricks_core::CheckedRecipe| {
//!     Outcome::Finished { score: (recipe.optimiser.learning_rate.log10() + 1.0).abs(), seconds: 0.0 }
//! };
//! let ended = work(&mut store, &WorkerId::here(0), WorkerOptions::default(), &mut train, &mut |_| {})?;
//! assert_eq!(ended, 10);
//! assert_eq!(store.trials()?.len(), 10);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod analysis;
mod error;
mod postgres;
mod space;
mod store;
mod strategy;
mod study;
mod worker;

pub use error::SearchError;
// `self::`: the module shares its name with the `postgres` crate it wraps.
pub use self::postgres::Postgres;
pub use space::{Assignment, Domain, Numeric, Param, Space};
pub use store::{BUSY_TIMEOUT, Sqlite, Store};
pub use strategy::{Context, DEFAULT_K, DEFAULT_ROUNDS, Scored, Stage, Strategy, best};
pub use study::{EXTEND_EVERY, Extension, MAX_ATTEMPTS, Next, Outcome, StudyConfig, Tally, Trial, TrialState, abandoned, scored};
pub use worker::{Event, LEASE, POLL, WorkerId, WorkerOptions, host_name, work};
