//! A self-contained `report.html` for a tricks run directory, and a diagnosis of the run.
//!
//! [`write_report`] reads whatever the run directory holds (`recipe.json`, `run.json`,
//! `report.json`, `curves.csv`, `layer_stats.csv`, `summary.txt`, every top-level `*.png`; each
//! optional) and writes one HTML5 file with inline CSS and the pictures embedded as `data:` URLs,
//! so it reads offline and survives being copied alone. JSON files are shown generically
//! (`dotted.path = value` tables), so new fields appear without code changes.
//!
//! [`diagnose`] is the pure function behind the report's first section: under-fitting or
//! over-fitting from the train/validation gap and the curves' shape, with the chapter's remedies
//! and pages (Bengio 2012, arXiv:1206.5533, p.21-23 and throughout); its thresholds are *ours*.

mod base64;
mod csv;
mod diagnosis;
mod error;
mod flatten;
mod html;
mod images;
mod page;
mod remedies;
mod run_files;
mod search;
mod sections;

use std::path::{Path, PathBuf};

pub use diagnosis::{
    CurvePoint, Diagnosis, Evidence, Finding, FindingKind, GAP_MIN, Measures, NOISE_EXAMPLES, PLATEAU_REL, PROGRESS_MIN, RISE_REL, RISING_REL, Severity,
    TRAIN_ERROR_MIN, Verdict, WINDOW_FRACTION, WINDOW_MIN, diagnose,
};
pub use error::ReportError;
pub use remedies::Remedy;
pub use search::{SearchPage, write_search_page};

/// The report's file name inside a run directory.
pub const REPORT_HTML: &str = tricks_run::files::REPORT_HTML;

/// Reads `run_dir` and writes `run_dir/report.html` atomically (a temporary file in the same
/// directory, then a rename); returns its path. Missing optional files are left out of the
/// report; a file that exists but cannot be read or parsed is an error naming it, and a folder with none
/// of `recipe.json`, `run.json`, `report.json` and `curves.csv` is refused as not a run.
pub fn write_report(run_dir: &Path) -> Result<PathBuf, ReportError> {
    let files = run_files::RunFiles::read(run_dir)?;
    if files.recipe.is_none() && files.run.is_none() && files.report.is_none() && files.curves.is_none() {
        let names = [tricks_run::files::RECIPE, tricks_run::files::RUN, tricks_run::files::REPORT, tricks_run::files::CURVES_CSV].join(", ");
        return Err(ReportError::NotARun { path: run_dir.to_path_buf(), names });
    }
    let evidence = files.evidence(run_dir)?;
    let html = page::render(run_dir, &files, &diagnose(&evidence));
    let path = run_dir.join(REPORT_HTML);
    tricks_run::write_atomic(&path, html.as_bytes()).map_err(|e| ReportError::invalid(&path, e.message))?;
    Ok(path)
}
