//! The run directory of tricks, declared once and Burn-free: its file names ([`files`]), the shapes of
//! `report.json` ([`Report`]), `run.json` ([`RunInfo`]), `curves.csv` ([`CurvePoint`]) and `seeds.json` ([`SeedsReport`]), atomic writes
//! ([`write_atomic`]), the life of a run directory ([`RunDir`]: created unfinished and locked, resumed,
//! finished), the checkpoint container ([`checkpoint`]) and the model file read without Burn
//! ([`ModelFile`], also written out as safetensors). Training, the report, the search and the
//! command line all read and write run directories through this crate.

pub mod checkpoint;
mod curves;
mod dir;
mod error;
pub mod fault;
pub mod files;
mod info;
pub mod model_file;
mod report;
mod seeds;
mod write;

pub use curves::{CurvePoint, ValidationMeasure, curve_row, curves_csv, curves_header, read_curves};
pub use dir::{RunDir, RunState, run_state};
pub use error::RunFileError;
pub use info::{BURN_VERSION, RunInfo};
pub use model_file::{ModelFile, ModelTensor};
pub use report::{LevelReport, LikelihoodReport, Report, TestScore};
pub use seeds::{SeedRun, SeedsReport};
pub use write::{append_text, read_json, write_atomic, write_json};
