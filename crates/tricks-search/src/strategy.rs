//! How the next trial's setting is chosen (chapter p.17-18): random, grid, coordinate descent and
//! multi-resolution search. A proposal is a pure function of the trial's number, the study's seed and the
//! trials finished so far, so any worker proposes the same setting for the same state.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::space::{Assignment, Domain, Space};

/// Values per numeric range of a grid or a coordinate sweep, when not given (ours).
pub const DEFAULT_K: usize = 5;

/// Rounds of a multi-resolution search, when not given (ours).
pub const DEFAULT_ROUNDS: usize = 3;

/// A search strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Strategy {
    /// Independent draws, log-uniform on log ranges (p.17; Bergstra & Bengio 2012): the default.
    Random,
    /// Every combination of `k` values per range (log-spaced on log ranges) and every choice (p.17).
    Grid {
        /// Values per numeric range.
        k: usize,
    },
    /// One hyper-parameter at a time over its `k` grid values, the others at the best setting so far (p.18).
    Coordinate {
        /// Values per numeric range.
        k: usize,
    },
    /// Random trials in rounds, the budget split evenly; each round searches a box around the best setting
    /// so far, half as wide (in the sampling domain) as the round before, choices fixed at the best (p.18).
    Multires {
        /// Rounds.
        rounds: usize,
    },
}

/// A finished trial as strategies see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Trial number.
    pub number: u64,
    /// Its setting.
    pub assignment: Assignment,
    /// Validation error: lower is better.
    pub score: f64,
}

/// What a proposal may depend on.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The space, as widened so far.
    pub space: &'a Space,
    /// The study's seed.
    pub seed: u64,
    /// The study's total number of trials.
    pub budget: u64,
    /// Trials finished with a score.
    pub done: &'a [Scored],
}

/// The best finished trial: lowest score, the earlier trial on a tie.
pub fn best(done: &[Scored]) -> Option<&Scored> {
    done.iter().min_by(|a, b| a.score.total_cmp(&b.score).then(a.number.cmp(&b.number)))
}

impl Strategy {
    /// The setting of trial `number`, or `None` when the strategy has nothing left to try (a grid that is
    /// exhausted).
    pub fn propose(&self, number: u64, cx: &Context) -> Option<Assignment> {
        let mut rng = ChaCha8Rng::seed_from_u64(cx.seed);
        rng.set_stream(number);
        let params = &cx.space.params;
        match *self {
            Strategy::Random => Some(params.iter().map(|p| (p.path.clone(), p.domain.sample(&mut rng))).collect()),
            Strategy::Grid { k } => {
                let axes: Vec<_> = params.iter().map(|p| p.domain.grid(k)).collect();
                let mut rest = number;
                let mut values = Vec::with_capacity(axes.len());
                for axis in axes.iter().rev() {
                    values.push(axis[(rest % axis.len() as u64) as usize].clone());
                    rest /= axis.len() as u64;
                }
                (rest == 0).then(|| params.iter().map(|p| p.path.clone()).zip(values.into_iter().rev()).collect())
            }
            Strategy::Coordinate { k } => Some(coordinate(number, k, cx)),
            Strategy::Multires { rounds } => Some(multires(number, rounds.max(1), cx, &mut rng)),
        }
    }

    /// The number of distinct settings, for a grid; `None` for strategies without an end.
    pub fn size(&self, space: &Space) -> Option<u64> {
        match self {
            Strategy::Grid { k } => Some(space.params.iter().map(|p| p.domain.grid(*k).len() as u64).product()),
            _ => None,
        }
    }
}

/// The middle grid value of every parameter.
fn centre(space: &Space, k: usize) -> Assignment {
    space.params.iter().map(|p| (p.path.clone(), p.domain.middle(k))).collect()
}

/// Trial 0 is the centre of the grid; then sweeps over one parameter at a time, cycling through the
/// parameters, each sweep trying the parameter's grid values other than the best setting's.
fn coordinate(number: u64, k: usize, cx: &Context) -> Assignment {
    let centre = centre(cx.space, k);
    let mut base = best(cx.done).map_or_else(|| centre.clone(), |b| b.assignment.clone());
    for (path, value) in &centre {
        base.entry(path.clone()).or_insert_with(|| value.clone()); // inactive in the best setting
    }
    let sweeps: Vec<(String, Vec<serde_json::Value>)> =
        cx.space.params.iter().map(|p| (p.path.clone(), p.domain.grid(k))).filter(|(_, grid)| grid.len() > 1).collect();
    let cycle: u64 = sweeps.iter().map(|(_, grid)| grid.len() as u64 - 1).sum();
    if number == 0 || cycle == 0 {
        return centre;
    }
    let mut at = (number - 1) % cycle;
    for (path, grid) in &sweeps {
        let others: Vec<_> = grid.iter().filter(|v| Some(*v) != base.get(path)).collect();
        let len = grid.len() as u64 - 1;
        if at < len {
            base.insert(path.clone(), others[(at as usize).min(others.len() - 1)].clone());
            return base;
        }
        at -= len;
    }
    unreachable!("the position lies within one cycle of sweeps")
}

/// Round `r` of `rounds` draws in a box around the best setting so far, of half-width 2^−r of the range.
fn multires(number: u64, rounds: usize, cx: &Context, rng: &mut ChaCha8Rng) -> Assignment {
    let per_round = cx.budget.div_ceil(rounds as u64).max(1);
    let round = (number / per_round).min(rounds as u64 - 1) as i32;
    let best = best(cx.done).filter(|_| round > 0);
    cx.space
        .params
        .iter()
        .map(|p| {
            let held = best.and_then(|b| b.assignment.get(&p.path));
            let value = match (&p.domain, held) {
                (Domain::Range(n), Some(v)) => {
                    let centre = n.position(v.as_f64().unwrap_or(n.at(0.5)));
                    let half = 0.5f64.powi(round + 1);
                    n.json(n.sample_between(centre - half, centre + half, rng))
                }
                (Domain::Choice { .. }, Some(v)) => v.clone(),
                (domain, _) => domain.sample(rng),
            };
            (p.path.clone(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn space() -> Space {
        let tree: Value = toml::from_str(
            r#"
            "optimiser.learning_rate" = { low = 1e-3, high = 1.0 }
            "model.activation" = { choice = ["tanh", "sigmoid"] }
            "seed" = 3
            "#,
        )
        .unwrap();
        Space::from_tree(&tree).unwrap()
    }

    #[test]
    fn random_proposals_are_reproducible_and_differ_between_trials() {
        let s = space();
        let cx = Context { space: &s, seed: 7, budget: 10, done: &[] };
        assert_eq!(Strategy::Random.propose(3, &cx), Strategy::Random.propose(3, &cx));
        assert_ne!(Strategy::Random.propose(3, &cx), Strategy::Random.propose(4, &cx));
        assert_ne!(Strategy::Random.propose(3, &cx), Strategy::Random.propose(3, &Context { seed: 8, ..cx }));
    }

    #[test]
    fn a_grid_visits_every_combination_once_then_ends() {
        let s = space();
        let cx = Context { space: &s, seed: 0, budget: 100, done: &[] };
        let grid = Strategy::Grid { k: 4 };
        assert_eq!(grid.size(&s), Some(8));
        let all: Vec<Assignment> = (0..8).map(|n| grid.propose(n, &cx).unwrap()).collect();
        let distinct: std::collections::BTreeSet<String> = all.iter().map(|a| serde_json::to_string(a).unwrap()).collect();
        assert_eq!(distinct.len(), 8);
        assert_eq!(all[1]["optimiser.learning_rate"], json!(0.01), "log-spaced: 1e-3, 1e-2, 1e-1, 1");
        assert_eq!(grid.propose(8, &cx), None);
    }

    #[test]
    fn coordinate_descent_moves_one_parameter_from_the_best_setting() {
        let s = space();
        let k = 3;
        let start = Strategy::Coordinate { k }.propose(0, &Context { space: &s, seed: 0, budget: 10, done: &[] }).unwrap();
        let mut best = start.clone();
        best.insert("optimiser.learning_rate".into(), json!(1.0));
        let done = [Scored { number: 0, assignment: start.clone(), score: 5.0 }, Scored { number: 1, assignment: best.clone(), score: 2.0 }];
        let cx = Context { space: &s, seed: 0, budget: 10, done: &done };
        for n in 1..6 {
            let next = Strategy::Coordinate { k }.propose(n, &cx).unwrap();
            let changed: Vec<_> = next.keys().filter(|p| next[*p] != best[*p]).collect();
            assert_eq!(changed.len(), 1, "trial {n}: {next:?} against {best:?}");
        }
    }

    #[test]
    fn multires_rounds_close_in_on_the_best_setting() {
        let s = space();
        let mut best = Strategy::Random.propose(0, &Context { space: &s, seed: 0, budget: 30, done: &[] }).unwrap();
        best.insert("optimiser.learning_rate".into(), json!(0.03));
        let done = [Scored { number: 0, assignment: best, score: 1.0 }];
        let cx = Context { space: &s, seed: 0, budget: 30, done: &done };
        let spread = |range: std::ops::Range<u64>| {
            let logs: Vec<f64> =
                range.map(|n| Strategy::Multires { rounds: 3 }.propose(n, &cx).unwrap()["optimiser.learning_rate"].as_f64().unwrap().log10()).collect();
            logs.iter().cloned().fold(f64::MIN, f64::max) - logs.iter().cloned().fold(f64::MAX, f64::min)
        };
        let (first, last) = (spread(0..10), spread(20..30));
        assert!(last < 0.75 && first > last, "round 0 spans {first} decades, round 2 {last}");
        assert!((20..30).all(|n| Strategy::Multires { rounds: 3 }.propose(n, &cx).unwrap()["model.activation"] == done[0].assignment["model.activation"]));
    }
}
