//! One curve's finite values and the readings of its last window.

use super::{CurvePoint, WINDOW_FRACTION, WINDOW_MIN};

/// Finite values of one curve with their point index.
pub(super) struct Series(pub(super) Vec<(usize, f64)>);

impl Series {
    pub(super) fn new(curve: &[CurvePoint], f: fn(&CurvePoint) -> Option<f64>) -> Self {
        Self(curve.iter().enumerate().filter_map(|(i, p)| f(p).filter(|v| v.is_finite()).map(|v| (i, v))).collect())
    }
    pub(super) fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.0.iter().map(|&(_, v)| v)
    }
    /// Window length, when the series is longer than one window.
    pub(super) fn window(&self) -> Option<usize> {
        let n = self.0.len();
        let w = WINDOW_MIN.max((n as f64 * WINDOW_FRACTION).ceil() as usize);
        (n > w).then_some(w)
    }
    /// (position, value) of the minimum; the first on ties.
    pub(super) fn min(&self) -> Option<(usize, f64)> {
        self.values().enumerate().fold(None, |m, (k, v)| match m {
            Some((_, b)) if b <= v => m,
            _ => Some((k, v)),
        })
    }
    /// The point before the window, and how much the window's best is below it.
    pub(super) fn window_drop(&self) -> Option<(f64, f64)> {
        let w = self.window()?;
        let n = self.0.len();
        let before = self.0[n - w - 1].1;
        let best = self.0[n - w..].iter().map(|&(_, v)| v).fold(f64::INFINITY, f64::min);
        Some((before, before - best))
    }
    /// Relative improvement of the window's best over the point before the window.
    pub(super) fn window_improvement(&self) -> Option<f64> {
        self.window_drop().map(|(before, drop)| drop / before.abs().max(TINY))
    }
    /// Mean of the last window.
    pub(super) fn tail_mean(&self) -> Option<f64> {
        let w = self.window()?;
        Some(self.0[self.0.len() - w..].iter().map(|&(_, v)| v).sum::<f64>() / w as f64)
    }
}

/// Denominator floor for relative changes of values at or near 0.
pub(super) const TINY: f64 = 1e-12;
