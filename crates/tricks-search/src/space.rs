//! A search space (chapter p.16-18): which recipe fields vary, by their `--set` paths, over which values.
//!
//! The file, TOML or JSON, maps paths to domains; tables nest (`[optimiser]` then `learning_rate = …`):
//!
//! ```toml
//! "optimiser.learning_rate" = { low = 1e-3, high = 0.3 }        # log-uniform: positive, spans ×10 or more
//! "optimiser.batch_size" = { low = 8, high = 128 }              # integer, because the field is
//! "optimiser.momentum_beta" = { low = 0.5, high = 1.0, log = false, step = 0.05 }
//! "model.hidden" = { choice = [[500], [500, 500]] }
//! "model.hidden.1" = { low = 100, high = 1000 }                 # conditional: only when there is a layer 1
//! "model.activation" = "tanh"                                   # fixed
//! "optimiser.schedule" = { value = { kind = "inverse-time", tau = 5000 } }  # fixed, a whole group
//! [trial_only]                                                  # trials only, not the final seed runs
//! "stopping.max_epochs" = 10
//! ```
//!
//! Bounds are inclusive real values, never logs. `log` defaults to true when `low > 0` and
//! `high ≥ 10·low` (p.17: sample such ranges uniformly in the log domain); `integer` defaults to the
//! field's own type; `step` quantises (`low + k·step`).

use std::collections::BTreeMap;
use std::path::Path;

use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tricks_core::{CheckedRecipe, Recipe, defaults};

use crate::SearchError;
use crate::error::space_error;

/// Values of hyper-parameters by path: one trial's setting.
pub type Assignment = BTreeMap<String, Value>;

/// The hyper-parameters searched, sorted by path, and the values set for trials only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Space {
    /// Hyper-parameters, sorted by path (so a list is set before its entries).
    pub params: Vec<Param>,
    /// Fields set in every trial but not in the final seed runs (an epoch cap, say).
    #[serde(default)]
    pub trial_only: Assignment,
}

/// One hyper-parameter: a recipe field and its values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// The field, as `--set` spells it.
    pub path: String,
    /// Its values.
    pub domain: Domain,
}

/// The values a hyper-parameter takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Domain {
    /// A numeric interval.
    Range(Numeric),
    /// One of these values.
    Choice {
        /// The values.
        values: Vec<Value>,
    },
    /// Always this value.
    Fixed {
        /// The value.
        value: Value,
    },
}

/// A numeric interval `[low, high]`, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Numeric {
    /// Smallest value.
    pub low: f64,
    /// Largest value.
    pub high: f64,
    /// Sampled and spaced uniformly in the log domain.
    pub log: bool,
    /// Whole numbers only.
    pub integer: bool,
    /// Values `low + k·step` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
}

impl Numeric {
    /// The interval's ends in the sampling domain (logs for a log range); an integer range reaches half a
    /// unit beyond its ends so that, after rounding, its end values are as likely as the others.
    fn domain_ends(&self, widen_integers: bool) -> (f64, f64) {
        let half = if self.integer && widen_integers { 0.5 } else { 0.0 };
        let (a, b) = (self.low - half, self.high + half);
        if self.log { (a.ln(), b.ln()) } else { (a, b) }
    }

    fn value_at_domain(&self, t: f64) -> f64 {
        let v = if self.log { t.exp() } else { t };
        self.snap(tidy(v))
    }

    /// `v` moved to the nearest value this range can take (step, integer, inside the bounds).
    pub fn snap(&self, v: f64) -> f64 {
        let mut v = v;
        if let Some(step) = self.step {
            v = tidy(self.low + ((v - self.low) / step).round() * step);
        }
        if self.integer {
            v = v.round();
        }
        let (low, high) = if self.integer { (self.low.ceil(), self.high.floor()) } else { (self.low, self.high) };
        v.clamp(low, high)
    }

    /// The value at position `u` ∈ [0, 1] of the interval (0 = low, 1 = high), in the sampling domain.
    pub fn at(&self, u: f64) -> f64 {
        let (a, b) = self.domain_ends(false);
        self.value_at_domain(a + u.clamp(0.0, 1.0) * (b - a))
    }

    /// The position of `v` in the interval, in the sampling domain (0 = low, 1 = high); may lie outside
    /// [0, 1] for a value outside the interval.
    pub fn position(&self, v: f64) -> f64 {
        let (a, b) = self.domain_ends(false);
        let t = if self.log { v.ln() } else { v };
        if b > a { (t - a) / (b - a) } else { 0.5 }
    }

    /// A value drawn uniformly between positions `from` and `to` of the sampling domain.
    pub fn sample_between(&self, from: f64, to: f64, rng: &mut impl Rng) -> f64 {
        let (a, b) = self.domain_ends(true);
        let (from, to) = (from.clamp(0.0, 1.0), to.clamp(0.0, 1.0));
        let u = from + rng.random::<f64>() * (to - from);
        self.value_at_domain(a + u * (b - a))
    }

    /// `k` values evenly spaced in the sampling domain from `low` to `high` (fewer when an integer or
    /// stepped range has fewer distinct values); the middle one when `k` is 1.
    pub fn grid(&self, k: usize) -> Vec<f64> {
        let mut values: Vec<f64> = match k {
            0 | 1 => vec![self.at(0.5)],
            k => (0..k).map(|i| self.at(i as f64 / (k - 1) as f64)).collect(),
        };
        values.dedup();
        values
    }

    /// `v` as the JSON the recipe field takes.
    pub fn json(&self, v: f64) -> Value {
        if self.integer { json!(v as i64) } else { json!(v) }
    }
}

impl Domain {
    /// The values a grid or a coordinate sweep tries: `k` per range, every choice, the fixed value.
    pub fn grid(&self, k: usize) -> Vec<Value> {
        match self {
            Domain::Range(n) => n.grid(k).into_iter().map(|v| n.json(v)).collect(),
            Domain::Choice { values } => values.clone(),
            Domain::Fixed { value } => vec![value.clone()],
        }
    }

    /// The middle of [`Domain::grid`]: where a grid and a coordinate descent start.
    pub fn middle(&self, k: usize) -> Value {
        let grid = self.grid(k);
        grid[grid.len() / 2].clone()
    }

    /// A value drawn at random: log-uniform for log ranges (p.17), uniform otherwise.
    pub fn sample(&self, rng: &mut impl Rng) -> Value {
        match self {
            Domain::Range(n) => n.json(n.sample_between(0.0, 1.0, rng)),
            Domain::Choice { values } => values[rng.random_range(0..values.len())].clone(),
            Domain::Fixed { value } => value.clone(),
        }
    }
}

impl Space {
    /// Read a space file: `.json` as JSON, anything else as TOML.
    pub fn read(path: &Path) -> Result<Space, SearchError> {
        let text = std::fs::read_to_string(path).map_err(|error| SearchError::Io { path: path.display().to_string(), error })?;
        Space::parse(path, &text)
    }

    /// The space in `text`, the contents of the space file `origin`: JSON when its name ends in `.json`,
    /// TOML otherwise, as [`Space::read`] reads it. `origin` names the text in errors.
    pub fn parse(origin: &Path, text: &str) -> Result<Space, SearchError> {
        let tree: Value = if origin.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(text).map_err(|e| space_error(format!("{}: {e}", origin.display())))?
        } else {
            toml::from_str(text).map_err(|e| space_error(format!("{}: {e}", origin.display())))?
        };
        Space::from_tree(&tree)
    }

    /// A space from its file's tree (see the module documentation).
    pub fn from_tree(tree: &Value) -> Result<Space, SearchError> {
        let Value::Object(top) = tree else { return Err(space_error("a space is a table of recipe paths")) };
        let mut params = Vec::new();
        let mut trial_only = Assignment::new();
        for (key, value) in top {
            if key == "trial_only" {
                let Value::Object(fields) = value else { return Err(space_error("`trial_only` is a table of recipe paths and values")) };
                trial_only.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
            } else {
                collect(key, value, &mut params)?;
            }
        }
        if params.is_empty() {
            return Err(space_error("no hyper-parameter to search"));
        }
        params.sort_by(|a, b| a.path.cmp(&b.path));
        if let Some(w) = params.windows(2).find(|w| w[0].path == w[1].path) {
            return Err(space_error(format!("`{}` is given twice", w[0].path)));
        }
        Ok(Space { params, trial_only })
    }

    /// The parameter at `path`.
    pub fn param(&self, path: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.path == path)
    }

    /// Check the space against the base recipe before any trial: every range inside the values the field
    /// allows (and whole where the field is), and the base recipe with each parameter at its middle value
    /// a valid recipe (which catches misspelt paths and wrong types).
    pub fn check(&self, base: &Recipe) -> Result<(), SearchError> {
        for p in &self.params {
            let Some(field) = defaults::numeric_field(&p.path) else { continue };
            let ends = match &p.domain {
                Domain::Range(n) if field.integer && !n.integer => {
                    return Err(space_error(format!("`{}` holds whole numbers: say `integer = true` or leave it out", p.path)));
                }
                Domain::Range(n) => vec![n.low, n.high],
                Domain::Choice { values } => values.iter().filter_map(Value::as_f64).collect(),
                Domain::Fixed { value } => value.as_f64().into_iter().collect(),
            };
            if let Some(v) = ends.into_iter().find(|v| !field.allowed.contains(*v)) {
                return Err(space_error(format!("`{}`: {v} is outside the values the field allows, {}", p.path, field.allowed_words())));
            }
        }
        let middle: Assignment = self.params.iter().map(|p| (p.path.clone(), p.domain.middle(3))).collect();
        self.trial_recipe(base, &self.realise(base, &middle)?.1).map(|_| ())
    }

    /// The base recipe with `assignment` applied in path order, and the assignment's active part. A
    /// parameter is inactive (left out) when its path is a list entry the recipe does not have, as
    /// `model.hidden.1` of a one-layer model; any other path the recipe does not have is an error.
    pub fn realise(&self, base: &Recipe, assignment: &Assignment) -> Result<(Recipe, Assignment), SearchError> {
        let mut recipe = base.clone();
        let mut active = Assignment::new();
        for (path, value) in assignment {
            if recipe.get(path).is_none() && is_absent_list_entry(&recipe, path) {
                continue;
            }
            recipe = recipe.with(path, value.clone())?;
            active.insert(path.clone(), value.clone());
        }
        Ok((recipe, active))
    }

    /// The checked recipe a trial trains: the base, the trial's values, then the trial-only values.
    pub fn trial_recipe(&self, base: &Recipe, assignment: &Assignment) -> Result<CheckedRecipe, SearchError> {
        let with_trial_only = self.trial_only.iter().try_fold(self.realise(base, assignment)?.0, |r, (p, v)| r.with(p, v.clone()))?;
        Ok(with_trial_only.check()?)
    }

    /// The checked recipe of a final run: the base and the trial's values, without the trial-only values.
    pub fn final_recipe(&self, base: &Recipe, assignment: &Assignment) -> Result<CheckedRecipe, SearchError> {
        Ok(self.realise(base, assignment)?.0.check()?)
    }
}

/// `v` rounded to 12 significant digits, so that a log grid's 0.01 is not 0.009999999999999995.
fn tidy(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let scale = 10f64.powi(11 - v.abs().log10().floor() as i32);
    if scale.is_finite() { (v * scale).round() / scale } else { v }
}

/// Whether `path` names an entry past the end of a list the recipe has (`model.hidden.1` of `[500]`).
fn is_absent_list_entry(recipe: &Recipe, path: &str) -> bool {
    match path.rsplit_once('.') {
        Some((parent, index)) => index.parse::<usize>().is_ok() && matches!(recipe.get(parent), Some(Value::Array(_))),
        None => false,
    }
}

/// The parameters under `path` in a space file's `value`.
fn collect(path: &str, value: &Value, out: &mut Vec<Param>) -> Result<(), SearchError> {
    let mut param = |domain| out.push(Param { path: path.to_string(), domain });
    let Value::Object(table) = value else {
        param(Domain::Fixed { value: value.clone() });
        return Ok(());
    };
    let keys: Vec<&str> = table.keys().map(String::as_str).collect();
    let only = |allowed: &[&str]| match keys.iter().find(|k| !allowed.contains(k)) {
        Some(k) => Err(space_error(format!("`{path}`: unknown key `{k}` (this kind of entry takes {})", allowed.join(", ")))),
        None => Ok(()),
    };
    if table.contains_key("low") || table.contains_key("high") {
        only(&["low", "high", "log", "integer", "step"])?;
        param(Domain::Range(numeric(path, table)?));
    } else if let Some(values) = table.get("choice") {
        only(&["choice"])?;
        match values {
            Value::Array(values) if !values.is_empty() => param(Domain::Choice { values: values.clone() }),
            _ => return Err(space_error(format!("`{path}`: `choice` is a non-empty list of values"))),
        }
    } else if let Some(value) = table.get("value") {
        only(&["value"])?;
        param(Domain::Fixed { value: value.clone() });
    } else {
        for (key, inner) in table {
            collect(&format!("{path}.{key}"), inner, out)?;
        }
    }
    Ok(())
}

/// A numeric range from its table `{ low, high, log?, integer?, step? }`.
fn numeric(path: &str, table: &serde_json::Map<String, Value>) -> Result<Numeric, SearchError> {
    let number = |key: &str| -> Result<Option<f64>, SearchError> {
        match table.get(key) {
            None => Ok(None),
            Some(v) => v.as_f64().filter(|x| x.is_finite()).map(Some).ok_or_else(|| space_error(format!("`{path}`: `{key}` must be a finite number, not {v}"))),
        }
    };
    let flag = |key: &str| -> Result<Option<bool>, SearchError> {
        match table.get(key) {
            None => Ok(None),
            Some(v) => v.as_bool().map(Some).ok_or_else(|| space_error(format!("`{path}`: `{key}` is true or false, not {v}"))),
        }
    };
    let (Some(low), Some(high)) = (number("low")?, number("high")?) else {
        return Err(space_error(format!("`{path}`: a range needs both `low` and `high` (inclusive, real values)")));
    };
    if low > high {
        return Err(space_error(format!("`{path}`: low {low} is above high {high}")));
    }
    let log = flag("log")?.unwrap_or(low > 0.0 && high >= 10.0 * low);
    if log && low <= 0.0 {
        return Err(space_error(format!("`{path}`: a log range needs low > 0 (bounds are values, not logs), not {low}")));
    }
    let integer = flag("integer")?.unwrap_or_else(|| defaults::numeric_field(path).is_some_and(|f| f.integer));
    let step = number("step")?;
    if step.is_some_and(|s| s <= 0.0) {
        return Err(space_error(format!("`{path}`: step must be positive")));
    }
    if integer && low.ceil() > high.floor() {
        return Err(space_error(format!("`{path}`: no whole number lies in [{low}, {high}]")));
    }
    Ok(Numeric { low, high, log, integer, step })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn space(text: &str) -> Result<Space, SearchError> {
        Space::from_tree(&toml::from_str::<Value>(text).unwrap())
    }

    #[test]
    fn ranges_choices_fixed_values_and_nested_tables_are_read() {
        let s = space(
            r#"
            "optimiser.learning_rate" = { low = 1e-3, high = 0.3 }
            "model.activation" = { choice = ["tanh", "sigmoid"] }
            [optimiser]
            batch_size = { low = 8, high = 128 }
            momentum_beta = { low = 0.5, high = 1.0, step = 0.1 }
            [trial_only]
            "stopping.max_epochs" = 3
            "#,
        )
        .unwrap();
        let paths: Vec<&str> = s.params.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["model.activation", "optimiser.batch_size", "optimiser.learning_rate", "optimiser.momentum_beta"]);
        let Domain::Range(lr) = s.param("optimiser.learning_rate").unwrap().domain else { panic!() };
        assert!(lr.log && !lr.integer);
        let Domain::Range(b) = s.param("optimiser.batch_size").unwrap().domain else { panic!() };
        assert!(b.log && b.integer, "the field is whole, and 8..128 spans ×16");
        let Domain::Range(m) = s.param("optimiser.momentum_beta").unwrap().domain else { panic!() };
        assert!(!m.log);
        assert_eq!(m.grid(6), [0.5, 0.6, 0.7, 0.8, 0.9, 1.0].map(|v| m.snap(v)));
        assert_eq!(s.trial_only["stopping.max_epochs"], json!(3));
    }

    #[test]
    fn log_sampling_is_uniform_in_the_logs_and_inclusive_bounds_are_kept() {
        let n = Numeric { low: 1e-4, high: 1.0, log: true, integer: false, step: None };
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let draws: Vec<f64> = (0..4000).map(|_| n.sample_between(0.0, 1.0, &mut rng)).collect();
        assert!(draws.iter().all(|v| (1e-4..=1.0).contains(v)));
        // Each decade holds a quarter of the draws; a linear sampler would put 90 % in the top one.
        for decade in 0..4 {
            let (lo, hi) = (10f64.powi(-4 + decade), 10f64.powi(-3 + decade));
            let share = draws.iter().filter(|v| (lo..hi).contains(*v)).count() as f64 / draws.len() as f64;
            assert!((share - 0.25).abs() < 0.03, "decade {decade}: {share}");
        }
        assert_eq!(n.grid(5), [1e-4, 1e-3, 1e-2, 1e-1, 1.0].map(|v| n.snap(v)));
        let ints = Numeric { low: 1.0, high: 3.0, log: false, integer: true, step: None };
        let counts = (0..3000).fold([0; 3], |mut c, _| {
            c[ints.sample_between(0.0, 1.0, &mut rng) as usize - 1] += 1;
            c
        });
        assert!(counts.iter().all(|&c| (900..1100).contains(&c)), "ends as likely as the middle: {counts:?}");
    }

    #[test]
    fn malformed_spaces_are_refused_with_the_path() {
        for (text, needle) in [
            (r#""optimiser.learning_rate" = { low = 0.0, high = 1.0, log = true }"#, "low > 0"),
            (r#""optimiser.learning_rate" = { low = 1.0, high = 0.1 }"#, "above high"),
            (r#""optimiser.learning_rate" = { low = 0.1 }"#, "both `low` and `high`"),
            (r#""optimiser.learning_rate" = { low = 0.1, high = 1, lg = true }"#, "unknown key `lg`"),
            (r#""model.activation" = { choice = [] }"#, "non-empty"),
            ("[trial_only]\n\"seed\" = 1", "no hyper-parameter"),
        ] {
            let e = space(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn check_refuses_ranges_outside_the_field_and_unknown_paths() {
        let base = Recipe::chapter_default();
        let e = space(r#""optimiser.learning_rate" = { low = 1e-3, high = 20 }"#).unwrap().check(&base).unwrap_err().to_string();
        assert!(e.contains("optimiser.learning_rate") && e.contains("20"), "{e}");
        let e = space(r#""optimiser.learnig_rate" = { low = 1e-3, high = 1 }"#).unwrap().check(&base).unwrap_err().to_string();
        assert!(e.contains("learnig_rate"), "{e}");
        let e = space(r#""optimiser.batch_size" = { low = 8, high = 128, integer = false }"#).unwrap().check(&base).unwrap_err().to_string();
        assert!(e.contains("whole numbers"), "{e}");
        let e = space(r#""optimiser.batch_size" = { choice = [0, 32, 64] }"#).unwrap().check(&base).unwrap_err().to_string();
        assert!(e.contains("optimiser.batch_size") && e.contains("1 or more"), "{e}");
    }

    #[test]
    fn a_list_entry_beyond_the_list_is_inactive() {
        let s = space(
            r#"
            "model.hidden" = { choice = [[50], [50, 50]] }
            "model.hidden.1" = { low = 10, high = 100 }
            "#,
        )
        .unwrap();
        let base = Recipe::chapter_default();
        s.check(&base).unwrap();
        let one: Assignment = [("model.hidden".into(), json!([50])), ("model.hidden.1".into(), json!(20))].into();
        let (recipe, active) = s.realise(&base, &one).unwrap();
        assert_eq!(recipe.get("model.hidden"), Some(json!([50])));
        assert_eq!(active.keys().collect::<Vec<_>>(), ["model.hidden"]);
        let two: Assignment = [("model.hidden".into(), json!([50, 50])), ("model.hidden.1".into(), json!(20))].into();
        assert_eq!(s.realise(&base, &two).unwrap().0.get("model.hidden"), Some(json!([50, 20])));
    }

    #[test]
    fn trial_only_values_reach_trials_but_not_final_runs() {
        let s = space("\"optimiser.learning_rate\" = { low = 1e-3, high = 0.3 }\n[trial_only]\n\"stopping.max_epochs\" = 3").unwrap();
        let a: Assignment = [("optimiser.learning_rate".into(), json!(0.05))].into();
        let base = Recipe::chapter_default();
        assert_eq!(s.trial_recipe(&base, &a).unwrap().get("stopping.max_epochs"), Some(json!(3)));
        let last = s.final_recipe(&base, &a).unwrap();
        assert_eq!((last.optimiser.learning_rate, last.get("stopping.max_epochs")), (0.05, base.get("stopping.max_epochs")));
    }
}
