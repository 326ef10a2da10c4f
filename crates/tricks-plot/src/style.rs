//! Shared look: colours, text sizes, tick-label format and axis ranges with a margin.

use std::ops::Range;

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::Ranged;
use plotters::style::{RGBColor, TextStyle};

use crate::font::FAMILY;

/// Tableau-10: distinct, print-friendly line colours, cycled.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The `i`-th line colour.
pub(crate) fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Text of the crate's font at `size` pixels.
pub(crate) fn text(size: u32) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size))
}

/// Compact tick label: `0`, `0.25`, `1.5e-4`, `12k`, `1.2M`.
pub(crate) fn fmt_num(v: f64) -> String {
    fn trim(s: String) -> String {
        if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
    }
    let a = v.abs();
    if a < 1e-12 {
        "0".to_string()
    } else if a >= 1e6 {
        format!("{}M", trim(format!("{:.2}", v / 1e6)))
    } else if a >= 1e4 {
        format!("{}k", trim(format!("{:.1}", v / 1e3)))
    } else if a < 1e-3 {
        let s = format!("{v:.1e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        format!("{}e{exp}", trim(mantissa.to_string()))
    } else {
        trim(format!("{v:.4}"))
    }
}

/// Smallest and largest of `values`, `None` when there are none.
pub(crate) fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Linear axis range around `[lo, hi]` with a 4 % margin, not below 0 for non-negative data.
pub(crate) fn pad_linear((lo, hi): (f64, f64)) -> Range<f64> {
    let span = hi - lo;
    if span <= f64::EPSILON * hi.abs().max(lo.abs()).max(1e-300) {
        let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        let low = if lo >= 0.0 && lo - d < 0.0 { 0.0 } else { lo - d };
        return low..hi + d;
    }
    let m = span * 0.04;
    let low = if lo >= 0.0 && lo - m < 0.0 { 0.0 } else { lo - m };
    low..hi + m
}

/// Logarithmic axis range around positive `[lo, hi]` with a multiplicative margin.
pub(crate) fn pad_log((lo, hi): (f64, f64)) -> Range<f64> {
    if hi / lo < 1.0001 { lo / 2.0..hi * 2.0 } else { lo / 1.15..hi * 1.15 }
}

/// Tick values for a logarithmic axis over positive `r`: bold (labelled) and light grid lines.
/// Mantissas 1-2-5 (1-2-3-5 within a decade, powers of ten over many decades); linear ticks when
/// the range is too narrow for that to give three labels.
pub(crate) fn log_ticks(r: &Range<f64>) -> (Vec<f64>, Vec<f64>) {
    let decades = (r.end / r.start).log10();
    let labelled: &[u32] = match decades {
        d if d <= 1.0 => &[1, 2, 3, 5],
        d if d <= 3.0 => &[1, 2, 5],
        _ => &[1],
    };
    let stride = (decades / 8.0).ceil().max(1.0) as i32;
    let (mut bold, mut light) = (Vec::new(), Vec::new());
    for e in r.start.log10().floor() as i32..=r.end.log10().ceil() as i32 {
        for m in 1..=9 {
            let v = f64::from(m) * 10f64.powi(e);
            if !r.contains(&v) {
                continue;
            }
            if labelled.contains(&m) && (m != 1 || e.rem_euclid(stride) == 0) {
                bold.push(v);
            } else if stride == 1 {
                light.push(v);
            }
        }
    }
    if bold.len() < 3 {
        bold = RangedCoordf64::from(r.clone()).key_points(6);
        light.clear();
    }
    (bold, light)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_compact() {
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(0.25), "0.25");
        assert_eq!(fmt_num(2.0), "2");
        assert_eq!(fmt_num(0.00015), "1.5e-4");
        assert_eq!(fmt_num(12_000.0), "12k");
        assert_eq!(fmt_num(1_500_000.0), "1.5M");
    }

    #[test]
    fn ranges_have_margins() {
        let r = pad_linear((1.0, 3.0));
        assert!(r.start < 1.0 && r.end > 3.0);
        assert_eq!(pad_linear((0.0, 10.0)).start, 0.0);
        let flat = pad_linear((5.0, 5.0));
        assert!(flat.start < 5.0 && flat.end > 5.0);
        let log = pad_log((0.01, 10.0));
        assert!(log.start < 0.01 && log.start > 0.0 && log.end > 10.0);
    }

    #[test]
    fn log_ticks_are_round() {
        let (bold, light) = log_ticks(&(0.02..3.0));
        let want = [0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0];
        assert_eq!(bold.len(), want.len(), "{bold:?}");
        assert!(bold.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12), "{bold:?}");
        assert!(light.contains(&3.0) || light.iter().any(|v| (v - 0.3).abs() < 1e-12));
        let (bold, _) = log_ticks(&(1e-6..1e3));
        assert!(bold.len() >= 3 && bold.len() <= 10, "{bold:?}");
        let (bold, _) = log_ticks(&(2.0..2.2));
        assert!(bold.len() >= 3, "narrow range falls back to linear ticks: {bold:?}");
    }
}
