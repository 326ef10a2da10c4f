//! Pictures for tricks runs, written as PNG files: learning curves against examples seen
//! ("age", chapter p.22), tiled first-layer filters (p.22-23), per-layer histograms, general
//! line charts, confusion matrices, charts of dots, banded lines and box plots for hyper-parameter searches, grids
//! of monitoring statistics and histograms over time, and 2-D t-SNE maps of a layer's
//! representation coloured by class.
//!
//! Every picture is rendered in memory and written atomically (temporary file in the same
//! directory, then a rename), so a reader never sees a half-written image. Non-finite values are
//! skipped, so a diverged run still plots; empty inputs give an empty panel with a note. Text uses
//! an embedded DejaVu Sans (licence in `assets/LICENSE-DejaVu.txt`), so no system font is needed.

mod atomic;
mod chart;
mod confusion;
mod curves;
mod embedding;
mod error;
mod font;
mod histograms;
mod lines;
mod monitor;
mod style;
mod tiles;

pub use chart::{BoxAt, Chart, Dots, Line, chart};
pub use confusion::{MAX_CONFUSION_CLASSES, confusion};
pub use curves::learning_curves;
pub use embedding::{MIN_TSNE_POINTS, class_scatter, tsne_2d};
pub use error::PlotError;
pub use histograms::histograms;
pub use lines::lines;
pub use monitor::{HistogramHistory, HistogramSnapshot, Panel, histogram_history, line_grid};
pub use tiles::tiles;

/// One curve: a label for the legend and `(x, y)` points, in drawing order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Legend text; series with an empty label are left out of the legend.
    pub label: String,
    /// Points `(x, y)`; non-finite ones are skipped and break the line.
    pub points: Vec<(f64, f64)>,
}

impl Series {
    /// A series named `label` through `points`.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self { label: label.into(), points }
    }
}
