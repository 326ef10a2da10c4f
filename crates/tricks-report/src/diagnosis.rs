//! Under-fitting or over-fitting? A pure reading of a run's numbers: the gap between training and
//! validation error (when the run classifies), and the shape of the curves against examples seen
//! (chapter p.22): plateaus, a validation curve rising from its best, a training loss that rises
//! or never falls. Each finding carries the chapter's remedies with their pages.
//!
//! The chapter gives no numbers for these readings (p.9 names a relative-improvement test without a
//! threshold), so every threshold below is *ours*, documented on its constant.

mod series;
mod types;

use series::{Series, TINY};
pub use types::{CurvePoint, Diagnosis, Evidence, Finding, FindingKind, Measures, Severity, Verdict};

use crate::remedies;

/// Smallest gap, valid − train error in percentage points, read as over-fitting (*ours*: about two
/// examples of a 239-example validation set, below which the gap is noise).
pub const GAP_MIN: f64 = 1.0;
/// Training error in percent from which a model that does not fit its own training set is
/// under-fitting, when that error is also larger than the gap (*ours*; p.21-22 expects ~0 on a
/// small subset).
pub const TRAIN_ERROR_MIN: f64 = 1.0;
/// The "last window" of a curve is this fraction of its points (*ours*)...
pub const WINDOW_FRACTION: f64 = 0.25;
/// ...and at least this many points (*ours*); shorter curves get no shape findings.
pub const WINDOW_MIN: usize = 3;
/// A curve whose best value in the last window improves on the point before the window by less
/// than this fraction has plateaued (*ours*; the test of p.9, adaptive τ, has no number).
pub const PLATEAU_REL: f64 = 0.01;
/// The validation curve's last-window mean this fraction above its best, the best lying before the
/// window while the training loss kept falling, reads as over-fitting (*ours*).
pub const RISE_REL: f64 = 0.10;
/// The training loss's last-window mean this fraction above its minimum reads as divergence
/// (*ours*; the run restarts only at 100× the first loss, README).
pub const RISING_REL: f64 = 0.5;
/// A training loss whose minimum is less than this fraction below its first value never learnt (*ours*).
pub const PROGRESS_MIN: f64 = 0.10;
/// For classification errors with a known validation-set size, changes of fewer than this many
/// validation examples are noise: the gap, the rise and the last-window improvement must exceed
/// it too (*ours*).
pub const NOISE_EXAMPLES: f64 = 2.0;

/// Reads `evidence` by the rules of this module; see [`Verdict`] for the order of precedence.
pub fn diagnose(evidence: &Evidence) -> Diagnosis {
    let curve = &evidence.curve;
    let train = Series::new(curve, |p| p.train_loss);
    let valid = Series::new(curve, |p| p.valid);
    let best = valid.min();
    let gap = evidence.train_error.zip(evidence.valid_error).map(|(t, v)| v - t);
    // Percentage points that are noise: classification errors (the run reports a training error)
    // on a validation set of known size.
    let noise = match (evidence.train_error, evidence.valid_examples) {
        (Some(_), Some(n)) if n > 0 => NOISE_EXAMPLES * 100.0 / n as f64,
        _ => 0.0,
    };
    let mut m = Measures {
        points: curve.len(),
        best_valid: best.map(|(_, v)| v),
        best_valid_at: best.map(|(k, _)| curve[valid.0[k].0].x),
        final_valid: valid.values().last(),
        final_train_loss: train.values().last(),
        gap,
        train_window_improvement: train.window_improvement(),
        valid_window_improvement: valid.window_improvement(),
        valid_rise: None,
    };
    let mut findings = Vec::new();
    let mut push = |kind, severity, message: String, remedies| findings.push(Finding { kind, severity, message, remedies });

    let non_finite = curve.iter().find(|p| [p.train_loss, p.valid].iter().flatten().any(|v| !v.is_finite()));
    if let Some(p) = non_finite {
        let msg = format!("the curves hold a non-finite value (first at x = {}): training diverged", num(p.x));
        push(FindingKind::NonFinite, Severity::Problem, msg, remedies::DIVERGING);
    }
    if evidence.restarts > 0 {
        let msg = format!("training diverged {} time(s) and restarted from the initial model with ε0/3 each time (p.5)", evidence.restarts);
        push(FindingKind::Restarted, Severity::Note, msg, remedies::DIVERGING);
    }
    let rising = match (train.min(), train.tail_mean(), train.window()) {
        (Some((k, lo)), Some(tail), Some(w)) if k < train.0.len() - w && tail - lo > RISING_REL * lo.abs().max(TINY) => {
            let msg = format!("the training loss rose to {} (last-window mean) from its minimum {}", num(tail), num(lo));
            push(FindingKind::RisingLoss, Severity::Problem, msg, remedies::DIVERGING);
            true
        }
        _ => false,
    };
    let first_train = train.values().next();
    let no_progress = match (first_train, train.min(), train.window()) {
        (Some(first), Some((_, lo)), Some(_)) if !rising && first - lo < PROGRESS_MIN * first.abs().max(TINY) => {
            let msg = format!("the training loss hardly fell: from {} to at best {}", num(first), num(lo));
            push(FindingKind::NoProgress, Severity::Problem, msg, remedies::NO_PROGRESS);
            true
        }
        _ => false,
    };

    let under_gap = match (evidence.train_error, gap) {
        (Some(t), Some(g)) if t >= TRAIN_ERROR_MIN && t > g => {
            let msg = if g < 0.0 {
                format!("training error {} % is above the validation error {} %: the kept model does not fit its training set", num(t), num(t + g))
            } else {
                format!(
                    "training error {} % is the larger part of the validation error {} % (gap {} points): the kept model does not fit its training set",
                    num(t),
                    num(t + g),
                    num(g)
                )
            };
            push(FindingKind::UnderFitting, Severity::Warning, msg, remedies::UNDER_FITTING);
            true
        }
        _ => false,
    };
    let over_gap = match (evidence.train_error, gap) {
        (Some(t), Some(g)) if g >= GAP_MIN.max(noise) && g >= t => {
            let msg = format!("validation error {} % is {} points above the training error {} %: the gap dominates", num(t + g), num(g), num(t));
            push(FindingKind::GapOverFitting, Severity::Warning, msg, remedies::OVER_FITTING);
            true
        }
        _ => false,
    };
    let over_curve = match (best, valid.tail_mean(), valid.window()) {
        (Some((k, lo)), Some(tail), Some(w)) => {
            let rise = (tail - lo) / lo.abs().max(TINY);
            m.valid_rise = Some(rise);
            let at = valid.0[k].0;
            let train_fell = match (curve[at].train_loss, m.final_train_loss) {
                (Some(then), Some(last)) if then.is_finite() => last <= then,
                _ => true,
            };
            let over = rise > RISE_REL && tail - lo > noise && k < valid.0.len() - w && train_fell && !rising;
            if over {
                let msg = format!(
                    "the validation curve rose {:.0} % above its best {} (at x = {}) while the training loss kept falling",
                    rise * 100.0,
                    num(lo),
                    num(curve[at].x)
                );
                push(FindingKind::ValidRising, Severity::Warning, msg, remedies::OVER_FITTING);
            }
            over
        }
        _ => false,
    };
    let still = match (best, valid.window(), m.valid_window_improvement) {
        (Some((k, _)), Some(w), Some(imp)) if k >= valid.0.len() - w && imp >= PLATEAU_REL && valid.window_drop().is_some_and(|(_, d)| d > noise) => {
            let msg = format!("the validation curve was still improving when training stopped ({:.1} % better in the last {w} validations)", imp * 100.0);
            let severity = if over_gap { Severity::Note } else { Severity::Warning };
            push(FindingKind::StillImproving, severity, msg, remedies::TRAIN_LONGER);
            true
        }
        _ => false,
    };
    let plateau_matters = under_gap || (evidence.train_error.is_none() && !over_curve);
    if let (Some(imp), Some(w)) = (m.train_window_improvement, train.window())
        && plateau_matters
        && !no_progress
        && !rising
        && imp < PLATEAU_REL
    {
        let msg = format!(
            "the training loss has plateaued ({:.2} % better in the last {w} validations){}",
            imp * 100.0,
            if under_gap { " while the model under-fits" } else { ": if it is still high, tune the learning rate" }
        );
        let severity = if under_gap { Severity::Warning } else { Severity::Note };
        push(FindingKind::Plateau, severity, msg, remedies::PLATEAU);
    }

    let enough = gap.is_some() || valid.window().is_some();
    let verdict = if non_finite.is_some() || rising {
        Verdict::Diverging
    } else if no_progress {
        Verdict::NotLearning
    } else if under_gap {
        Verdict::UnderFitting
    } else if over_gap || over_curve {
        Verdict::OverFitting
    } else if still {
        Verdict::UnderFitting
    } else if enough {
        Verdict::Healthy
    } else {
        Verdict::Unknown
    };
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    Diagnosis { verdict, measures: m, findings }
}

/// A number in a message: up to 4 significant digits, no trailing zeros.
pub(crate) fn num(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v != 0.0 && (v.abs() >= 1e6 || v.abs() < 1e-3) {
        return format!("{v:.3e}");
    }
    let digits = (3 - v.abs().max(1e-3).log10().floor() as i32).clamp(0, 6) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

#[cfg(test)]
mod tests;
