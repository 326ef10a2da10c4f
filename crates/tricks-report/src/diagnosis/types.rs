//! What the diagnosis reads and what it returns.

use serde::Serialize;

use crate::remedies::Remedy;

/// One validation: where it was taken and the two curves' values there.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Training examples seen ("age", p.22), or another monotone x (updates, epoch).
    pub x: f64,
    /// Training criterion (loss), if recorded.
    pub train_loss: Option<f64>,
    /// Validation error: classification error in percent, or a reconstruction error.
    pub valid: Option<f64>,
}

/// What the diagnosis reads.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Evidence {
    /// The learning curves, one point per validation, in order.
    pub curve: Vec<CurvePoint>,
    /// Training classification error of the kept model, percent (absent for unsupervised runs).
    pub train_error: Option<f64>,
    /// Validation classification error of the kept model, percent (absent for unsupervised runs).
    pub valid_error: Option<f64>,
    /// Restarts after divergence (p.5).
    pub restarts: u32,
    /// Validation-set size, for the noise floor of classification errors ([`NOISE_EXAMPLES`](super::NOISE_EXAMPLES)).
    pub valid_examples: Option<u64>,
}

/// The overall reading, the first that applies in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// Non-finite values, or a rising training loss.
    Diverging,
    /// The training loss hardly fell.
    NotLearning,
    /// Training error above [`TRAIN_ERROR_MIN`](super::TRAIN_ERROR_MIN) and above the gap; or, without over-fitting
    /// evidence, validation still improving when training stopped.
    UnderFitting,
    /// Gap above [`GAP_MIN`](super::GAP_MIN) and at least the training error, or a validation curve rising from its best.
    OverFitting,
    /// None of the above, with enough evidence to say so.
    Healthy,
    /// Not enough data: no errors in `report.json` and a curve shorter than a window.
    Unknown,
}

impl Verdict {
    /// A short human-readable name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Diverging => "diverging",
            Self::NotLearning => "not learning",
            Self::UnderFitting => "under-fitting",
            Self::OverFitting => "over-fitting",
            Self::Healthy => "no sign of under- or over-fitting",
            Self::Unknown => "not enough data to tell",
        }
    }
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Severity {
    /// Worth knowing.
    Note,
    /// Costs accuracy.
    Warning,
    /// Training is not working.
    Problem,
}

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FindingKind {
    /// NaN or infinity in the curves.
    NonFinite,
    /// The run restarted after divergence.
    Restarted,
    /// The training loss rose well above its minimum.
    RisingLoss,
    /// The training loss hardly fell.
    NoProgress,
    /// The training error is large and larger than the gap.
    UnderFitting,
    /// The gap dominates the validation error.
    GapOverFitting,
    /// The validation curve rose from its best while the training loss fell.
    ValidRising,
    /// The validation curve still improved in the last window.
    StillImproving,
    /// The training loss plateaued while it matters.
    Plateau,
}

/// One finding: what, how bad, the numbers, and what to try.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// What was found.
    pub kind: FindingKind,
    /// How much it matters.
    pub severity: Severity,
    /// The finding with its numbers, in words.
    pub message: String,
    /// The chapter's remedies.
    pub remedies: &'static [Remedy],
}

/// The numbers the rules read (absent where the evidence has none).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Measures {
    /// Curve points.
    pub points: usize,
    /// Best (smallest) finite validation value of the curve.
    pub best_valid: Option<f64>,
    /// Its x (examples seen).
    pub best_valid_at: Option<f64>,
    /// Last finite validation value.
    pub final_valid: Option<f64>,
    /// Last finite training loss.
    pub final_train_loss: Option<f64>,
    /// valid − train error, percentage points.
    pub gap: Option<f64>,
    /// Relative improvement of the training loss in the last window.
    pub train_window_improvement: Option<f64>,
    /// Relative improvement of the validation curve in the last window.
    pub valid_window_improvement: Option<f64>,
    /// Relative rise of the validation curve's last-window mean above its best.
    pub valid_rise: Option<f64>,
}

/// The diagnosis of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosis {
    /// The overall reading.
    pub verdict: Verdict,
    /// The numbers read.
    pub measures: Measures,
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
}
