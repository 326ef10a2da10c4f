//! Early stopping with the DLT patience rule (p.9-10), as a pure state machine.

use serde::{Deserialize, Serialize};

use crate::defaults;

/// When training ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Stopping {
    /// Early stopping: keep the best model on the validation set, stop when patience runs out (p.9-10).
    Patience(Patience),
    /// Early stopping switched off, to study one hyper-parameter's effect (p.9): train a fixed number of
    /// epochs and keep the last model.
    Off {
        /// Number of epochs to train.
        epochs: usize,
        /// At least this many updates: on a small training set more than `epochs` epochs ([`epochs_for`]);
        /// 0 (the default in recipe files) trains exactly `epochs`.
        #[serde(default)]
        min_updates: u64,
    },
}

/// Epochs that make at least `min_updates` updates at `updates_per_epoch`, and never fewer than `epochs`:
/// durations set for a large training set stay meaningful on a small one.
pub fn epochs_for(epochs: usize, min_updates: u64, updates_per_epoch: u64) -> usize {
    epochs.max(min_updates.div_ceil(updates_per_epoch.max(1)) as usize)
}

/// The DLT patience rule: stop once the number of updates reaches the patience; a new best validation
/// error that beats the previous best by more than (1 − `improvement_threshold`) raises the patience to
/// `increase` × the current update count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patience {
    /// Initial patience, in updates.
    pub initial: u64,
    /// Factor applied to the update count on a significant new best.
    pub increase: f64,
    /// A new best is significant when below old best × this.
    pub improvement_threshold: f64,
    /// Hard limit on the number of epochs.
    pub max_epochs: usize,
}

impl Default for Patience {
    fn default() -> Self {
        Patience {
            initial: defaults::INITIAL_PATIENCE,
            increase: defaults::PATIENCE_INCREASE,
            improvement_threshold: defaults::IMPROVEMENT_THRESHOLD,
            max_epochs: defaults::MAX_EPOCHS,
        }
    }
}

impl Stopping {
    /// Exactly `epochs` epochs, without early stopping.
    pub fn off(epochs: usize) -> Self {
        Stopping::Off { epochs, min_updates: 0 }
    }

    /// The most epochs this rule allows when an epoch makes `updates_per_epoch` updates.
    pub fn max_epochs(&self, updates_per_epoch: u64) -> usize {
        match self {
            Stopping::Patience(p) => p.max_epochs,
            Stopping::Off { epochs, min_updates } => epochs_for(*epochs, *min_updates, updates_per_epoch),
        }
    }
}

/// What the loop should do after a validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopDecision {
    /// The validated model is the best so far: keep it.
    pub new_best: bool,
    /// Training should end now.
    pub stop: bool,
}

/// Running state of the stopping rule (kept in a training checkpoint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlyStopping {
    rule: Stopping,
    best: Option<f64>,
    patience: u64,
    max_epochs: usize,
}

impl EarlyStopping {
    /// A fresh state for `rule`, training with `updates_per_epoch` updates an epoch.
    pub fn new(rule: &Stopping, updates_per_epoch: u64) -> Self {
        let patience = match rule {
            Stopping::Patience(p) => p.initial,
            Stopping::Off { .. } => u64::MAX,
        };
        EarlyStopping { rule: rule.clone(), best: None, patience, max_epochs: rule.max_epochs(updates_per_epoch) }
    }

    /// The most epochs training may take.
    pub fn max_epochs(&self) -> usize {
        self.max_epochs
    }

    /// Best validation error so far.
    pub fn best(&self) -> Option<f64> {
        self.best
    }

    /// Current patience in updates (`u64::MAX` when early stopping is off).
    pub fn patience(&self) -> u64 {
        self.patience
    }

    /// Record a validation error measured after `updates` updates and `epochs` finished epochs. The best
    /// starts at +∞ as in DLT, so the first finite validation is a significant improvement and extends the
    /// patience to `increase` × `updates` when that is larger.
    pub fn observe(&mut self, valid_error: f64, updates: u64, epochs: usize) -> StopDecision {
        let best = self.best.unwrap_or(f64::INFINITY);
        let new_best = valid_error.is_finite() && valid_error < best;
        if let Stopping::Patience(p) = &self.rule
            && new_best
            && valid_error < best * p.improvement_threshold
        {
            self.patience = self.patience.max((updates as f64 * p.increase) as u64);
        }
        if new_best {
            self.best = Some(valid_error);
        }
        let stop = updates >= self.patience || epochs >= self.max_epochs;
        StopDecision { new_best, stop }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(initial: u64) -> Stopping {
        Stopping::Patience(Patience { initial, ..Patience::default() })
    }

    #[test]
    fn stops_when_updates_reach_patience_without_improvement() {
        let mut s = EarlyStopping::new(&rule(100), 10);
        assert!(s.observe(0.5, 50, 1).new_best);
        let d = s.observe(0.6, 100, 2);
        assert!(!d.new_best && d.stop);
    }

    #[test]
    fn significant_new_best_doubles_patience_from_current_update_count() {
        let mut s = EarlyStopping::new(&rule(100), 10);
        s.observe(0.5, 50, 1);
        let d = s.observe(0.4, 90, 2);
        assert!(d.new_best && !d.stop);
        assert_eq!(s.patience(), 180);
    }

    #[test]
    fn new_best_within_half_a_percent_is_kept_but_does_not_extend_patience() {
        let mut s = EarlyStopping::new(&rule(100), 10);
        s.observe(0.5, 50, 1);
        let d = s.observe(0.498, 90, 2); // 0.4 % better: below the 0.5 % threshold
        assert!(d.new_best);
        assert_eq!(s.patience(), 100);
        assert_eq!(s.best(), Some(0.498));
    }

    #[test]
    fn patience_never_shrinks() {
        let mut s = EarlyStopping::new(&rule(1000), 10);
        s.observe(0.5, 10, 1);
        s.observe(0.1, 20, 2);
        assert_eq!(s.patience(), 1000);
    }

    #[test]
    fn max_epochs_stops_even_with_patience_left() {
        let mut s = EarlyStopping::new(&Stopping::Patience(Patience { max_epochs: 3, ..Patience::default() }), 10);
        assert!(!s.observe(0.5, 1, 2).stop);
        assert!(s.observe(0.4, 2, 3).stop);
    }

    #[test]
    fn switched_off_runs_exactly_the_given_epochs() {
        let mut s = EarlyStopping::new(&Stopping::off(2), 10);
        assert!(!s.observe(0.9, 1_000_000, 1).stop);
        assert!(s.observe(0.9, 2_000_000, 2).stop);
    }

    #[test]
    fn without_early_stopping_small_epochs_are_repeated_to_make_the_minimum_updates() {
        let rule = Stopping::Off { epochs: 15, min_updates: 5000 };
        // 60 updates an epoch (1,199 digits at B 20): 84 epochs; 2,500 (MNIST at B 20): the 15 asked for.
        assert_eq!(EarlyStopping::new(&rule, 60).max_epochs(), 84);
        assert_eq!(EarlyStopping::new(&rule, 2500).max_epochs(), 15);
        assert_eq!(Stopping::off(15).max_epochs(60), 15);
    }

    #[test]
    fn the_first_validation_extends_the_patience_as_dlt_does() {
        // DLT's best starts at +∞: the first validation at update 40 raises a patience of 10 to 80.
        let mut s = EarlyStopping::new(&rule(10), 40);
        let d = s.observe(0.5, 40, 1);
        assert!(d.new_best && !d.stop);
        assert_eq!(s.patience(), 80);
        // A non-finite error extends nothing.
        let mut s = EarlyStopping::new(&rule(10), 40);
        assert!(s.observe(f64::NAN, 40, 1).stop);
    }

    #[test]
    fn non_finite_validation_error_is_never_a_best() {
        let mut s = EarlyStopping::new(&rule(100), 10);
        assert!(!s.observe(f64::NAN, 1, 1).new_best);
        assert_eq!(s.best(), None);
    }
}
