//! Learning-rate schedules (p.9).

use serde::{Deserialize, Serialize};

/// How the learning rate changes with the number of updates t.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum LrSchedule {
    /// ε_t = ε0, the chapter's default (τ → ∞, p.9).
    Constant,
    /// ε_t = ε0·τ / max(t, τ), t counted in updates (Eq. 2, p.9).
    InverseTime {
        /// Number of updates before the decay starts.
        tau: u64,
    },
}

impl LrSchedule {
    /// Learning rate after `t` updates, starting from `initial`.
    pub fn rate(&self, initial: f64, t: u64) -> f64 {
        match *self {
            LrSchedule::Constant => initial,
            LrSchedule::InverseTime { tau } => initial * tau as f64 / t.max(tau) as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_schedule_never_changes() {
        assert_eq!(LrSchedule::Constant.rate(0.01, 0), 0.01);
        assert_eq!(LrSchedule::Constant.rate(0.01, 1_000_000), 0.01);
    }

    #[test]
    fn inverse_time_schedule_is_flat_until_tau_then_decays_as_one_over_t() {
        let s = LrSchedule::InverseTime { tau: 100 };
        assert_eq!(s.rate(0.1, 0), 0.1);
        assert_eq!(s.rate(0.1, 100), 0.1);
        assert!((s.rate(0.1, 200) - 0.05).abs() < 1e-15);
        assert!((s.rate(0.1, 1000) - 0.01).abs() < 1e-15);
    }
}
