//! What a study's results say: best values at the border of their interval (p.17), how the interval
//! is widened, and the expected best validation error among N trials (Bergstra & Bengio 2012).

use serde::{Deserialize, Serialize};
use tricks_core::defaults;

use crate::space::{Domain, Numeric, Space};
use crate::strategy::{Scored, best};

/// A best value within this share of its interval's width (in the sampling domain) from an end lies at
/// the border (ours; p.17 says "near the border" without a number).
pub const BORDER_SHARE: f64 = 0.1;

/// Which end of an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// The low end.
    Low,
    /// The high end.
    High,
}

/// The best setting's value of a numeric hyper-parameter lies at an end of its interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Border {
    /// The hyper-parameter.
    pub path: String,
    /// Which end.
    pub side: Side,
    /// The best setting's value.
    pub value: f64,
    /// The interval widened on that side by half its width (in the sampling domain), within the values
    /// the field allows; `None` when the field allows nothing beyond.
    pub widened: Option<Numeric>,
}

/// The numeric hyper-parameters whose best value lies at a border of its interval.
pub fn borders(space: &Space, done: &[Scored]) -> Vec<Border> {
    let Some(best) = best(done) else { return Vec::new() };
    space
        .params
        .iter()
        .filter_map(|p| {
            let Domain::Range(n) = &p.domain else { return None };
            let value = best.assignment.get(&p.path)?.as_f64()?;
            let u = n.position(value);
            let side = if u <= BORDER_SHARE && n.low < n.high {
                Side::Low
            } else if u >= 1.0 - BORDER_SHARE && n.low < n.high {
                Side::High
            } else {
                return None;
            };
            Some(Border { path: p.path.clone(), side, value, widened: widen(&p.path, n, side) })
        })
        .collect()
}

/// `n` widened on `side` by half its width in the sampling domain, stopped short of the values the field
/// at `path` does not allow; `None` when it cannot move.
pub fn widen(path: &str, n: &Numeric, side: Side) -> Option<Numeric> {
    let target = match side {
        Side::Low => {
            if n.log {
                n.low / (n.high / n.low).sqrt()
            } else {
                n.low - (n.high - n.low) / 2.0
            }
        }
        Side::High => {
            if n.log {
                n.high * (n.high / n.low).sqrt()
            } else {
                n.high + (n.high - n.low) / 2.0
            }
        }
    };
    let target = if n.integer { if side == Side::Low { target.floor() } else { target.ceil() } } else { target };
    let allowed = defaults::numeric_field(path).map(|f| f.allowed);
    // Walk back towards the current end until the field allows the value.
    let old = if side == Side::Low { n.low } else { n.high };
    let mut bound = target;
    for _ in 0..60 {
        if allowed.is_none_or(|a| a.contains(bound)) && !(n.log && bound <= 0.0) {
            break;
        }
        bound = if n.integer { (old + (bound - old) / 2.0).trunc() } else { old + (bound - old) / 2.0 };
    }
    let moved = if side == Side::Low { bound < n.low } else { bound > n.high };
    let fits = allowed.is_none_or(|a| a.contains(bound)) && !(n.log && bound <= 0.0);
    (moved && fits).then(|| if side == Side::Low { Numeric { low: bound, ..*n } } else { Numeric { high: bound, ..*n } })
}

/// The expected best (lowest) score among `n` trials drawn without replacement from `scores`, and its
/// standard deviation, for every `n` from 1 to the number of scores: the order-statistics closed form
/// (the chance that the i-th smallest of S is the minimum of n is C(S−i, n−1)/C(S, n)).
pub fn best_in_n(scores: &[f64]) -> Vec<(usize, f64, f64)> {
    let mut sorted: Vec<f64> = scores.iter().copied().filter(|s| s.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let s = sorted.len();
    (1..=s)
        .map(|n| {
            let (mut mean, mut square) = (0.0, 0.0);
            for (i, x) in sorted.iter().enumerate() {
                let above = s - i - 1; // scores that lose to this one
                if above + 1 < n {
                    break;
                }
                let p = (ln_choose(above, n - 1) - ln_choose(s, n)).exp();
                mean += p * x;
                square += p * x * x;
            }
            (n, mean, (square - mean * mean).max(0.0).sqrt())
        })
        .collect()
}

/// The minimum of each of ⌊S/n⌋ disjoint subsets of `n` consecutive trials, for the box plots beside
/// [`best_in_n`].
pub fn disjoint_minima(scores: &[f64], n: usize) -> Vec<f64> {
    scores.chunks_exact(n.max(1)).map(|c| c.iter().copied().fold(f64::INFINITY, f64::min)).collect()
}

/// ln C(n, k).
fn ln_choose(n: usize, k: usize) -> f64 {
    let k = k.min(n - k);
    (0..k).map(|i| ((n - i) as f64).ln() - ((i + 1) as f64).ln()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn best_in_n_matches_enumeration_of_every_subset() {
        let scores = [5.0, 3.0, 9.0, 4.0, 7.0];
        let curve = best_in_n(&scores);
        for &(n, mean, std) in &curve {
            let subsets: Vec<f64> = (0u32..32)
                .filter(|m| m.count_ones() as usize == n)
                .map(|m| (0..5).filter(|i| m & (1 << i) != 0).map(|i| scores[i]).fold(f64::INFINITY, f64::min))
                .collect();
            let m = subsets.iter().sum::<f64>() / subsets.len() as f64;
            let sd = (subsets.iter().map(|x| (x - m).powi(2)).sum::<f64>() / subsets.len() as f64).sqrt();
            assert!((mean - m).abs() < 1e-12 && (std - sd).abs() < 1e-12, "n = {n}: {mean} ± {std} against {m} ± {sd}");
        }
        assert!((curve[0].1 - 5.6).abs() < 1e-12 && curve[4].1 == 3.0);
        assert_eq!(disjoint_minima(&scores, 2), [3.0, 4.0]);
    }

    #[test]
    fn a_best_value_at_an_end_is_a_border_and_widens_within_the_allowed_range() {
        let tree = json!({"optimiser.learning_rate": {"low": 1e-3, "high": 1.0}, "optimiser.momentum_beta": {"low": 0.5, "high": 0.9}});
        let space = Space::from_tree(&tree).unwrap();
        let at = |lr: f64, beta: f64| Scored {
            number: 0,
            assignment: [("optimiser.learning_rate".into(), json!(lr)), ("optimiser.momentum_beta".into(), json!(beta))].into(),
            score: 1.0,
        };
        let found = borders(&space, &[at(0.9, 0.7)]);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].path.as_str(), found[0].side), ("optimiser.learning_rate", Side::High));
        // ×√1000 would pass the allowed (0, 10): stopped short of 10.
        let wide = found[0].widened.unwrap();
        assert!(wide.high > 1.0 && wide.high < 10.0 && wide.low == 1e-3, "{wide:?}");
        let low = borders(&space, &[at(0.01, 0.52)]);
        assert_eq!(low[0].side, Side::Low);
        assert_eq!(low[0].widened.unwrap().low, 0.3);
        // momentum_beta ≤ 1: its top cannot pass 1.
        let top = widen("optimiser.momentum_beta", &Numeric { low: 0.5, high: 1.0, log: false, integer: false, step: None }, Side::High);
        assert_eq!(top, None);
        assert!(borders(&space, &[at(0.03, 0.7)]).is_empty());
    }
}
