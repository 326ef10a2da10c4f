//! A study: the space, the base recipe, the strategy and the budget shared by all its workers, and its
//! trials. The decisions every storage makes the same way live here: what the next trial is, when an
//! interval is widened, when a running trial is given up for dead.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tricks_core::Recipe;

use crate::analysis::{Side, borders};
use crate::space::{Assignment, Domain, Numeric, Space};
use crate::strategy::{Context, Scored, Strategy};
use crate::{SearchError, WorkerId};

/// With `--extend`, an interval is widened at most once per this many finished trials, so that the trials
/// after a widening can use it (ours).
pub const EXTEND_EVERY: u64 = 8;

/// A trial is attempted at most this many times; a trial whose worker died this often is failed (ours).
pub const MAX_ATTEMPTS: u32 = 3;

/// What defines a study, stored with it and shared by its workers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudyConfig {
    /// A name for people.
    pub name: String,
    /// The space as given (see [`StudyConfig::space`] for the space as widened).
    pub space: Space,
    /// The recipe the space's values are set on.
    pub base: Recipe,
    /// How settings are chosen.
    pub strategy: Strategy,
    /// Trials in the study, all workers together.
    pub budget: u64,
    /// The seed of the strategy's draws (trials train with the base recipe's seed).
    pub seed: u64,
    /// Widen an interval whose best value lies at its border (p.17).
    pub extend: bool,
    /// How trials are trained, as the caller describes it (the data, say); opaque to the engine, and the
    /// same for every worker.
    pub trainer: Value,
    /// The widenings made so far, in order.
    #[serde(default)]
    pub extensions: Vec<Extension>,
}

/// An interval widened because the best value lay at its border.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    /// The hyper-parameter.
    pub path: String,
    /// The end moved.
    pub side: Side,
    /// The interval before.
    pub from: Numeric,
    /// The interval after.
    pub to: Numeric,
    /// Trials finished when it was widened.
    pub after: u64,
}

impl StudyConfig {
    /// The space with every widening made so far.
    pub fn current_space(&self) -> Space {
        let mut space = self.space.clone();
        for e in &self.extensions {
            if let Some(p) = space.params.iter_mut().find(|p| p.path == e.path) {
                p.domain = Domain::Range(e.to);
            }
        }
        space
    }

    /// Check that `given` describes this study: the same space, base recipe, strategy, seed and trainer.
    /// (The budget and `extend` may change between sittings.)
    pub fn check_same(&self, given: &StudyConfig) -> Result<(), SearchError> {
        let differs = [
            ("space", self.space != given.space),
            ("base recipe", self.base != given.base),
            ("strategy", self.strategy != given.strategy),
            ("seed", self.seed != given.seed),
            ("data", self.trainer != given.trainer),
        ];
        match differs.iter().find(|(_, d)| *d) {
            Some((what, _)) => Err(SearchError::Mismatch(format!(
                "study `{}` was started with another {what}; continue it with the same settings (or with `--resume` alone), or start a new study elsewhere",
                self.name
            ))),
            None => Ok(()),
        }
    }

    /// A widening to make now, when `extend` is on, the best value lies at a border that can move, and
    /// [`EXTEND_EVERY`] trials have finished since the last widening.
    pub fn extension_due(&self, trials: &[Trial]) -> Option<Extension> {
        let finished = scored(trials);
        let after = finished.len() as u64;
        let last = self.extensions.last().map_or(0, |e| e.after);
        if !self.extend || after < last + EXTEND_EVERY {
            return None;
        }
        let space = self.current_space();
        borders(&space, &finished).into_iter().find_map(|b| {
            let Some(Domain::Range(from)) = space.param(&b.path).map(|p| p.domain.clone()) else { return None };
            b.widened.map(|to| Extension { path: b.path, side: b.side, from, to, after })
        })
    }

    /// The setting of the next new trial, or `None` when the budget is spent or the strategy has nothing
    /// left. Only the active part of the setting is kept ([`Space::realise`]).
    pub fn next_setting(&self, trials: &[Trial]) -> Option<Assignment> {
        let number = trials.len() as u64;
        if number >= self.budget {
            return None;
        }
        let space = self.current_space();
        let done = scored(trials);
        let proposal = self.strategy.propose(number, &Context { space: &space, seed: self.seed, budget: self.budget, done: &done })?;
        // A setting the recipe refuses is kept whole: the trial then fails with the recipe's reason.
        Some(space.realise(&self.base, &proposal).map_or(proposal, |(_, active)| active))
    }
}

/// The finished trials with their scores, as strategies see them.
pub fn scored(trials: &[Trial]) -> Vec<Scored> {
    trials
        .iter()
        .filter_map(|t| match (t.state, t.score) {
            (TrialState::Finished, Some(score)) => Some(Scored { number: t.number, assignment: t.assignment.clone(), score }),
            _ => None,
        })
        .collect()
}

/// Where a trial is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrialState {
    /// Waiting for a worker (re-queued after its worker died).
    Queued,
    /// Claimed by a worker that holds its lease.
    Running,
    /// Trained, with a validation score.
    Finished,
    /// Refused or crashed, with a reason; counts towards the budget and blocks nothing.
    Failed,
}

impl TrialState {
    /// The word stored.
    pub fn as_str(self) -> &'static str {
        match self {
            TrialState::Queued => "queued",
            TrialState::Running => "running",
            TrialState::Finished => "finished",
            TrialState::Failed => "failed",
        }
    }

    /// The state a stored word names.
    pub fn parse(word: &str) -> Result<TrialState, SearchError> {
        [TrialState::Queued, TrialState::Running, TrialState::Finished, TrialState::Failed]
            .into_iter()
            .find(|s| s.as_str() == word)
            .ok_or_else(|| SearchError::Store(format!("unknown trial state `{word}`")))
    }
}

/// One trial of a study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// 0, 1, 2, … in the order trials were proposed.
    pub number: u64,
    /// Its setting (active hyper-parameters only).
    pub assignment: Assignment,
    /// Where it is.
    pub state: TrialState,
    /// Validation error of the kept model (finished trials); lower is better.
    pub score: Option<f64>,
    /// Seconds its last attempt took.
    pub seconds: Option<f64>,
    /// Why it failed.
    pub reason: Option<String>,
    /// Times a worker claimed it.
    pub attempts: u32,
    /// The worker that holds or last held it.
    pub worker: Option<String>,
}

/// How a trial ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Trained; `score` is the validation error of the kept model.
    Finished {
        /// Validation error.
        score: f64,
        /// Seconds taken.
        seconds: f64,
    },
    /// Refused, diverged beyond the restarts, or crashed.
    Failed {
        /// What happened, in words.
        reason: String,
    },
}

/// What a worker does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Train this trial; the worker holds its lease.
    Run(Trial),
    /// Nothing to claim now, but trials are running elsewhere and may be re-queued: ask again later.
    Wait,
    /// Every trial of the budget is finished or failed.
    Done,
}

/// Counts of trials by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Queued.
    pub queued: usize,
    /// Running.
    pub running: usize,
    /// Finished.
    pub finished: usize,
    /// Failed.
    pub failed: usize,
}

impl Tally {
    /// Count `trials`.
    pub fn of(trials: &[Trial]) -> Tally {
        trials.iter().fold(Tally::default(), |mut t, trial| {
            match trial.state {
                TrialState::Queued => t.queued += 1,
                TrialState::Running => t.running += 1,
                TrialState::Finished => t.finished += 1,
                TrialState::Failed => t.failed += 1,
            }
            t
        })
    }
}

/// Whether a running trial's worker is gone: its lease ran out (`now` past `lease_until`, both in seconds
/// of the storage's clock), or it was a process on this host that no longer exists.
pub fn abandoned(now: f64, lease_until: f64, worker: &WorkerId) -> bool {
    now > lease_until || worker.is_dead_here()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(extend: bool) -> StudyConfig {
        let space = Space::from_tree(&json!({"optimiser.learning_rate": {"low": 1e-3, "high": 0.1}})).unwrap();
        StudyConfig {
            name: "t".into(),
            space,
            base: Recipe::chapter_default(),
            strategy: Strategy::Random,
            budget: 20,
            seed: 1,
            extend,
            trainer: json!({"data": "digits"}),
            extensions: vec![],
        }
    }

    fn finished(number: u64, lr: f64, score: f64) -> Trial {
        Trial {
            number,
            assignment: [("optimiser.learning_rate".to_string(), json!(lr))].into(),
            state: TrialState::Finished,
            score: Some(score),
            seconds: Some(1.0),
            reason: None,
            attempts: 1,
            worker: None,
        }
    }

    #[test]
    fn the_budget_is_the_study_total() {
        let c = config(false);
        let trials: Vec<Trial> = (0..20).map(|n| finished(n, 0.01, 1.0)).collect();
        assert!(c.next_setting(&trials[..19]).is_some());
        assert_eq!(c.next_setting(&trials), None);
    }

    #[test]
    fn extend_widens_an_interval_whose_best_lies_at_its_border_then_waits() {
        let trials: Vec<Trial> = (0..8).map(|n| finished(n, 0.095 - n as f64 * 0.005, 1.0 + n as f64)).collect();
        assert_eq!(config(false).extension_due(&trials), None);
        let mut c = config(true);
        assert_eq!(c.extension_due(&trials[..7]), None, "fewer than EXTEND_EVERY finished");
        let e = c.extension_due(&trials).expect("0.095 lies at the top of [1e-3, 0.1]");
        assert_eq!((e.path.as_str(), e.side, e.to.low, e.to.high), ("optimiser.learning_rate", Side::High, 1e-3, 1.0));
        c.extensions.push(e);
        let Domain::Range(now) = c.current_space().params[0].domain else { panic!() };
        assert_eq!(now.high, 1.0);
        assert_eq!(c.extension_due(&trials), None, "not again before EXTEND_EVERY more trials");
        assert!(c.check_same(&config(true)).is_ok(), "widening does not change the study");
    }

    #[test]
    fn another_space_or_data_is_another_study() {
        let c = config(false);
        let mut other = config(false);
        other.trainer = json!({"data": "fashion-mnist"});
        assert!(c.check_same(&other).unwrap_err().to_string().contains("data"));
        let mut bigger = config(true);
        bigger.budget = 50;
        assert!(c.check_same(&bigger).is_ok());
    }
}
