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
    /// The adaptive τ of p.9: ε_t = ε0 until the training criterion's relative improvement from one epoch to
    /// the next, (L_{e−1} − L_e)/|L_{e−1}| with L_e the epoch's mean mini-batch loss, falls below
    /// `threshold`; τ is then the number of updates made so far and ε_t = ε0·τ/max(t, τ) from there on.
    Adaptive {
        /// Relative improvement below which the decay starts (the chapter gives no number).
        threshold: f64,
    },
}

/// What a schedule learns while training: the adaptive schedule's τ, once found (kept in a checkpoint).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScheduleState {
    /// The mean training loss of the last finished epoch.
    previous_epoch_loss: Option<f64>,
    /// τ, once the decay has started.
    tau: Option<u64>,
}

impl ScheduleState {
    /// τ of the adaptive schedule, once its decay has started.
    pub fn tau(&self) -> Option<u64> {
        self.tau
    }

    /// Record the mean training loss of an epoch that ended after `updates` updates.
    pub fn epoch_ended(&mut self, schedule: &LrSchedule, mean_loss: f64, updates: u64) {
        if let LrSchedule::Adaptive { threshold } = *schedule
            && self.tau.is_none()
            && let Some(previous) = self.previous_epoch_loss
            && (previous - mean_loss) / previous.abs() < threshold
        {
            self.tau = Some(updates.max(1));
        }
        self.previous_epoch_loss = Some(mean_loss);
    }
}

impl LrSchedule {
    /// Learning rate after `t` updates, starting from `initial`, in the schedule's `state`.
    pub fn rate(&self, initial: f64, t: u64, state: &ScheduleState) -> f64 {
        let tau = match *self {
            LrSchedule::Constant => None,
            LrSchedule::InverseTime { tau } => Some(tau),
            LrSchedule::Adaptive { .. } => state.tau,
        };
        tau.map_or(initial, |tau| initial * tau as f64 / t.max(tau) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_schedule_never_changes() {
        let state = ScheduleState::default();
        assert_eq!(LrSchedule::Constant.rate(0.01, 0, &state), 0.01);
        assert_eq!(LrSchedule::Constant.rate(0.01, 1_000_000, &state), 0.01);
    }

    #[test]
    fn inverse_time_schedule_is_flat_until_tau_then_decays_as_one_over_t() {
        let s = LrSchedule::InverseTime { tau: 100 };
        let state = ScheduleState::default();
        assert_eq!(s.rate(0.1, 0, &state), 0.1);
        assert_eq!(s.rate(0.1, 100, &state), 0.1);
        assert!((s.rate(0.1, 200, &state) - 0.05).abs() < 1e-15);
        assert!((s.rate(0.1, 1000, &state) - 0.01).abs() < 1e-15);
    }

    #[test]
    fn adaptive_schedule_is_constant_until_the_epochs_stop_improving_then_decays_from_there() {
        let s = LrSchedule::Adaptive { threshold: 0.01 };
        let mut state = ScheduleState::default();
        // 100 updates an epoch; the loss improves by 50 %, 20 %, then 0.5 % (below 1 %).
        for (epoch, loss) in [(1, 2.0), (2, 1.0), (3, 0.8)] {
            state.epoch_ended(&s, loss, epoch * 100);
            assert_eq!(s.rate(0.1, epoch * 100, &state), 0.1, "constant after epoch {epoch}");
        }
        state.epoch_ended(&s, 0.796, 400);
        assert_eq!(state.tau(), Some(400));
        assert_eq!(s.rate(0.1, 400, &state), 0.1);
        assert!((s.rate(0.1, 800, &state) - 0.05).abs() < 1e-15);
        // Once found, τ stays, whatever the loss does next; a rising loss (negative improvement) also starts it.
        state.epoch_ended(&s, 0.5, 500);
        assert_eq!(state.tau(), Some(400));
        let mut rising = ScheduleState::default();
        rising.epoch_ended(&s, 1.0, 10);
        rising.epoch_ended(&s, 1.1, 20);
        assert_eq!(rising.tau(), Some(20));
        // The other schedules ignore the state.
        assert_eq!(LrSchedule::Constant.rate(0.1, 800, &state), 0.1);
    }
}
