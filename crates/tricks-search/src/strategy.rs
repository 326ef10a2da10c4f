//! How the next trial's setting is chosen (chapter p.17-19): random, grid, coordinate descent,
//! multi-resolution search, the chapter's stages and Algorithm 1 for stacks. A proposal is a pure function of the trial's number, the study's seed and the
//! trials finished so far, so any worker proposes the same setting for the same state.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use tricks_core::LrSchedule;

use crate::space::{Assignment, Domain, Numeric, Space};

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
    /// The chapter's order (p.9, p.18), the budget split evenly over the stages the space has: ε0 with a
    /// constant schedule (the others at their middle values); the schedule; the other hyper-parameters;
    /// ε0 refined around the best; B; then B and ε0 together around the best. Each stage draws its
    /// hyper-parameters at random and holds the rest at the best setting so far.
    Staged,
    /// Algorithm 1 for stacks (p.19), the budget split evenly over the `levels` pre-training levels and a
    /// fine-tuning stage. A trial of level ℓ pre-trains levels 1 to ℓ only and is scored by level ℓ's linear
    /// probe ([`Strategy::probe_level`]): it draws the hyper-parameters under `model.layers.{ℓ−1}.` and takes
    /// the lower levels' from one of the `keep` best trials of level ℓ−1, in turn. A fine-tuning trial draws
    /// the others from one of the `keep` best trials of the last level. Before any trial of the stage below
    /// has finished, the lower levels take their middle values.
    Layerwise {
        /// Levels of the stack.
        levels: usize,
        /// Survivors kept per level.
        keep: usize,
    },
}

/// The stages of [`Strategy::Staged`], in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// ε0 over its range, with a constant schedule.
    LearningRate,
    /// The schedule's hyper-parameters.
    Schedule,
    /// Every hyper-parameter other than ε0, B and the schedule.
    Others,
    /// ε0 within a quarter of its range around the best.
    RefinedLearningRate,
    /// B over its range.
    BatchSize,
    /// B and ε0 together, each within a quarter of its range around the best.
    BatchSizeAndLearningRate,
}

/// The learning rate's path.
const LEARNING_RATE: &str = "optimiser.learning_rate";
/// The mini-batch size's path.
const BATCH_SIZE: &str = "optimiser.batch_size";
/// The schedule's path; its hyper-parameters lie under it.
const SCHEDULE: &str = "optimiser.schedule";

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
            Strategy::Staged => Some(staged(number, cx, &mut rng)),
            Strategy::Layerwise { levels, keep } => Some(layerwise(number, levels, keep, cx, &mut rng)),
        }
    }

    /// The stack level trial `number` of a study of `budget` trials pre-trains up to and is scored at: the
    /// pre-training stages of [`Strategy::Layerwise`]. `None` for its fine-tuning trials and for every other
    /// strategy: those are scored by their validation error, and only they are selected for final runs.
    pub fn probe_level(&self, number: u64, budget: u64) -> Option<usize> {
        match *self {
            Strategy::Layerwise { levels, .. } => Some(layerwise_stage(number, budget, levels) + 1).filter(|&level| level <= levels),
            _ => None,
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

impl Stage {
    /// Whether this stage draws the hyper-parameter at `path`.
    fn draws(self, path: &str) -> bool {
        let schedule = path.strip_prefix(SCHEDULE).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'));
        match self {
            Stage::LearningRate | Stage::RefinedLearningRate => path == LEARNING_RATE,
            Stage::Schedule => schedule,
            Stage::Others => path != LEARNING_RATE && path != BATCH_SIZE && !schedule,
            Stage::BatchSize => path == BATCH_SIZE,
            Stage::BatchSizeAndLearningRate => path == LEARNING_RATE || path == BATCH_SIZE,
        }
    }

    /// The stages `space` has, in order: those that draw at least one of its hyper-parameters.
    pub fn of(space: &Space) -> Vec<Stage> {
        use Stage::*;
        [LearningRate, Schedule, Others, RefinedLearningRate, BatchSize, BatchSizeAndLearningRate]
            .into_iter()
            .filter(|stage| space.params.iter().any(|p| stage.draws(&p.path)))
            .collect()
    }

    /// The stage of trial `number` when `budget` trials are split evenly over `space`'s stages.
    pub fn at(number: u64, budget: u64, space: &Space) -> Option<Stage> {
        let stages = Stage::of(space);
        stages.get(part_of(number, budget, stages.len())).copied()
    }
}

/// The part, of `parts` (at least 1), that trial `number` falls in when `budget` trials are split evenly in
/// order; trials past the budget stay in the last part.
fn part_of(number: u64, budget: u64, parts: usize) -> usize {
    let per_part = budget.div_ceil(parts.max(1) as u64).max(1);
    ((number / per_part) as usize).min(parts.max(1) - 1)
}

/// A value of the range `n` drawn within `half` (in its sampling domain, where the range spans 1) of `held`.
fn near(n: &Numeric, held: &Value, half: f64, rng: &mut ChaCha8Rng) -> Value {
    let centre = n.position(held.as_f64().unwrap_or(n.at(0.5)));
    n.json(n.sample_between(centre - half, centre + half, rng))
}

/// Trial `number` of a staged search: its stage's hyper-parameters drawn, the others held at the best
/// setting so far (at their middle values before any trial has finished, and in the first stage).
fn staged(number: u64, cx: &Context, rng: &mut ChaCha8Rng) -> Assignment {
    let Some(stage) = Stage::at(number, cx.budget, cx.space) else { return Strategy::Random.propose(number, cx).unwrap_or_default() };
    let best = best(cx.done).filter(|_| stage != Stage::LearningRate);
    let refined = matches!(stage, Stage::RefinedLearningRate | Stage::BatchSizeAndLearningRate);
    let searches_schedule = cx.space.params.iter().any(|p| Stage::Schedule.draws(&p.path));
    let mut out = Assignment::new();
    for p in &cx.space.params {
        let held = best.and_then(|b| b.assignment.get(&p.path));
        let value = match (&p.domain, held) {
            _ if stage == Stage::LearningRate && searches_schedule && Stage::Schedule.draws(&p.path) => continue,
            (Domain::Range(n), Some(v)) if stage.draws(&p.path) && refined => near(n, v, 0.25, rng),
            (domain, _) if stage.draws(&p.path) => domain.sample(rng),
            (_, Some(v)) => v.clone(),
            (domain, None) => domain.middle(DEFAULT_K),
        };
        out.insert(p.path.clone(), value);
    }
    if stage == Stage::LearningRate && searches_schedule {
        out.insert(SCHEDULE.into(), serde_json::to_value(LrSchedule::Constant).expect("a schedule is JSON"));
    }
    out
}

/// The stage of trial `number` of a layer-wise search: 0 to `levels − 1` pre-train level 1 to `levels`,
/// `levels` fine-tunes.
fn layerwise_stage(number: u64, budget: u64, levels: usize) -> usize {
    part_of(number, budget, levels + 1)
}

/// The stack level (0 = nearest the input) whose hyper-parameter `path` is, if any.
fn level_of(path: &str) -> Option<usize> {
    path.strip_prefix("model.layers.")?.split('.').next()?.parse().ok()
}

/// Trial `number` of a layer-wise search: its stage's hyper-parameters drawn, the lower levels' taken from
/// a survivor of the stage below, the rest at their middle values.
fn layerwise(number: u64, levels: usize, keep: usize, cx: &Context, rng: &mut ChaCha8Rng) -> Assignment {
    let stage = layerwise_stage(number, cx.budget, levels);
    let mut survivors: Vec<&Scored> = cx.done.iter().filter(|s| stage > 0 && layerwise_stage(s.number, cx.budget, levels) == stage - 1).collect();
    survivors.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.number.cmp(&b.number)));
    survivors.truncate(keep.max(1));
    let parent = (!survivors.is_empty()).then(|| survivors[(number % survivors.len() as u64) as usize]);
    let draws = |path: &str| if stage < levels { level_of(path) == Some(stage) } else { level_of(path).is_none() };
    cx.space
        .params
        .iter()
        .map(|p| {
            let value = match parent.and_then(|s| s.assignment.get(&p.path)) {
                _ if draws(&p.path) => p.domain.sample(rng),
                Some(v) => v.clone(),
                None => p.domain.middle(DEFAULT_K),
            };
            (p.path.clone(), value)
        })
        .collect()
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
    let round = part_of(number, cx.budget, rounds) as i32;
    let best = best(cx.done).filter(|_| round > 0);
    cx.space
        .params
        .iter()
        .map(|p| {
            let held = best.and_then(|b| b.assignment.get(&p.path));
            let value = match (&p.domain, held) {
                (Domain::Range(n), Some(v)) => near(n, v, 0.5f64.powi(round + 1), rng),
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

    #[test]
    fn staged_search_follows_the_chapters_order() {
        let tree: Value = toml::from_str(
            r#"
            "optimiser.learning_rate" = { low = 1e-3, high = 1.0 }
            "optimiser.batch_size" = { low = 8, high = 128 }
            "optimiser.schedule.tau" = { low = 100, high = 10000 }
            "model.hidden.0" = { low = 10, high = 1000 }
            "#,
        )
        .unwrap();
        let s = Space::from_tree(&tree).unwrap();
        let budget = 12;
        let stages: Vec<Stage> = (0..budget).map(|n| Stage::at(n, budget, &s).unwrap()).collect();
        use Stage::*;
        let order = [LearningRate, Schedule, Others, RefinedLearningRate, BatchSize, BatchSizeAndLearningRate];
        assert_eq!(stages, order.iter().flat_map(|&st| [st, st]).collect::<Vec<_>>());

        let first = Strategy::Staged.propose(0, &Context { space: &s, seed: 1, budget, done: &[] }).unwrap();
        assert_eq!(first["optimiser.schedule"], json!({ "kind": "constant" }), "ε0 first, with a constant schedule");
        assert!(!first.contains_key("optimiser.schedule.tau"));
        assert_eq!(first["model.hidden.0"], s.param("model.hidden.0").unwrap().domain.middle(DEFAULT_K));

        let mut best = first.clone();
        best.insert("optimiser.learning_rate".into(), json!(0.1));
        best.insert("optimiser.schedule.tau".into(), json!(1000)); // as if a schedule trial had won
        let done = [Scored { number: 0, assignment: best.clone(), score: 1.0 }];
        let cx = Context { space: &s, seed: 1, budget, done: &done };
        let drawn = |n: u64| {
            let next = Strategy::Staged.propose(n, &cx).unwrap();
            let changed: Vec<String> = next.iter().filter(|(p, v)| best.get(*p) != Some(*v)).map(|(p, _)| p.clone()).collect();
            (next, changed)
        };
        assert_eq!(drawn(2).1, ["optimiser.schedule.tau"], "then the schedule, ε0 held at the best");
        assert!(!drawn(2).0.contains_key("optimiser.schedule"));
        assert_eq!(drawn(4).1, ["model.hidden.0"]);
        let refined = drawn(6).0["optimiser.learning_rate"].as_f64().unwrap();
        assert!((0.1 / 10f64.powf(0.75) - 1e-12..=0.1 * 10f64.powf(0.75) + 1e-12).contains(&refined), "within a quarter of 3 decades: {refined}");
        assert_eq!(drawn(8).1, ["optimiser.batch_size"]);
        let both = drawn(10).1;
        assert!(both.iter().all(|p| p == "optimiser.batch_size" || p == "optimiser.learning_rate") && !both.is_empty(), "{both:?}");
    }

    #[test]
    fn layerwise_search_continues_the_best_settings_of_each_level() {
        let tree: Value = toml::from_str(
            r#"
            "model.layers.0.optimiser.learning_rate" = { low = 1e-3, high = 1.0 }
            "model.layers.1.optimiser.learning_rate" = { low = 1e-3, high = 1.0 }
            "optimiser.learning_rate" = { low = 1e-3, high = 1.0 }
            "#,
        )
        .unwrap();
        let s = Space::from_tree(&tree).unwrap();
        let strategy = Strategy::Layerwise { levels: 2, keep: 2 };
        let budget = 9;
        let levels: Vec<Option<usize>> = (0..budget).map(|n| strategy.probe_level(n, budget)).collect();
        assert_eq!(levels, [Some(1), Some(1), Some(1), Some(2), Some(2), Some(2), None, None, None]);
        assert_eq!(Strategy::Random.probe_level(0, budget), None);

        let (l0, l1, ft) = ("model.layers.0.optimiser.learning_rate", "model.layers.1.optimiser.learning_rate", "optimiser.learning_rate");
        let first: Vec<Assignment> = (0..3).map(|n| strategy.propose(n, &Context { space: &s, seed: 2, budget, done: &[] }).unwrap()).collect();
        assert!(first.iter().all(|a| a[l1] == first[0][l1] && a[ft] == first[0][ft]), "level 1 draws its own values only");
        assert_ne!(first[0][l0], first[1][l0]);
        // Trial 1 is the best of level 1, trial 0 the second: level 2 continues from them, in turn.
        let done: Vec<Scored> =
            [3.0, 1.0, 5.0].iter().enumerate().map(|(n, &score)| Scored { number: n as u64, assignment: first[n].clone(), score }).collect();
        let cx = Context { space: &s, seed: 2, budget, done: &done };
        let second: Vec<Assignment> = (3..6).map(|n| strategy.propose(n, &cx).unwrap()).collect();
        let parents: Vec<&Value> = second.iter().map(|a| &a[l0]).collect();
        assert_eq!(parents, [&first[0][l0], &first[1][l0], &first[0][l0]], "the two best of level 1, in turn; never the worst");
        assert_ne!(second[0][l1], first[0][l1], "level 2 is drawn");
        assert!(second.iter().all(|a| a[ft] == first[0][ft]), "fine-tuning waits");
        // Fine-tuning continues from the best of level 2 and draws the rest.
        let mut all = done.clone();
        all.push(Scored { number: 4, assignment: second[1].clone(), score: 0.5 });
        let tuned = strategy.propose(6, &Context { space: &s, seed: 2, budget, done: &all }).unwrap();
        assert_eq!((&tuned[l0], &tuned[l1]), (&second[1][l0], &second[1][l1]));
        assert_ne!(tuned[ft], first[0][ft]);
    }
}
