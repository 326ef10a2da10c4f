//! Every default of the chapter, in one place, each with its source. Recipes read these constants;
//! nothing else in the workspace repeats a default value.

/// Initial learning rate ε0: "a default value of 0.01 typically works for standard multi-layer neural
/// networks" (p.8-9). Typical range (1e-6, 1).
pub const LEARNING_RATE: f64 = 0.01;
/// Mini-batch size B: "32 is a good default value" (p.9).
pub const BATCH_SIZE: usize = 32;
/// Momentum in the chapter's form ḡ ← (1−β)ḡ + βg: β = 1 means no momentum, the default (p.10).
pub const MOMENTUM_BETA: f64 = 1.0;
/// Initial patience, in parameter updates (DLT MLP tutorial, cited p.9-10).
pub const INITIAL_PATIENCE: u64 = 10_000;
/// Patience is multiplied by this on a sufficiently large new best (DLT `patience_increase = 2`).
pub const PATIENCE_INCREASE: f64 = 2.0;
/// A new best counts as "significant" when it is below the old best times this (DLT
/// `improvement_threshold = 0.995`, i.e. better by more than 0.5 %).
pub const IMPROVEMENT_THRESHOLD: f64 = 0.995;
/// Upper bound on epochs, after which training stops whatever the patience (DLT MLP `n_epochs = 1000`).
pub const MAX_EPOCHS: usize = 1000;
/// On divergence, restart with ε0 divided by this (p.5: "retry with ε0/3").
pub const DIVERGENCE_LR_DIVISOR: f64 = 3.0;
/// How many restarts with a smaller ε0 before giving up (*ours*).
pub const DIVERGENCE_MAX_RETRIES: u32 = 4;
/// A training loss above this multiple of the first epoch's loss counts as exploding (*ours*).
pub const DIVERGENCE_EXPLOSION_FACTOR: f64 = 100.0;
/// L1 and L2 weight-decay coefficients: none by default; with early stopping L2 "can often be dropped" (p.12).
pub const WEIGHT_DECAY: f64 = 0.0;
/// Glorot uniform bound gain for tanh (and, *ours*, for rectifier, softsign and hard tanh):
/// r = √(6/(fan_in+fan_out)) (p.14-15).
pub const GLOROT_GAIN_TANH: f64 = 1.0;
/// Glorot uniform bound gain of an MLP's output layer, whatever its hidden units: the ×4 is for layers feeding
/// sigmoid hidden units (p.14-15), not the output units' loss.
pub const GLOROT_GAIN_OUTPUT: f64 = 1.0;
/// Glorot bound multiplied by 4 for sigmoid units (p.14-15).
pub const GLOROT_GAIN_SIGMOID: f64 = 4.0;
/// Decay of the exponential moving average of parameters when Polyak averaging is on (p.10 names the
/// method, not a constant: 0.999 is *ours*).
pub const POLYAK_DECAY: f64 = 0.999;
/// Warm-up of the Polyak average: after t folds the decay is min(d, (1+t)/(POLYAK_WARMUP+t)), so that the
/// average never leans on the first iterates longer than about a tenth of the run has lasted (*ours*, as
/// TensorFlow's `ExponentialMovingAverage` with `num_updates`); without it, d = 0.999 remembers the random
/// initialisation for thousands of updates, longer than a whole run on the digits.
pub const POLYAK_WARMUP: f64 = 10.0;
/// Training seed used when none is given (*ours*; the chapter says seeds matter only for the final runs, p.15).
pub const SEED: u64 = 42;
/// Hidden layer sizes of the default MLP (*ours*, following p.11: one over-complete hidden layer of a
/// thousand units works on the digits and on Fashion-MNIST alike).
pub const HIDDEN_LAYERS: &[usize] = &[1000];

/// RBM initial weights N(0, σ²) with σ = 0.01, the smaller of the chapter's two values (p.15; HG).
pub const RBM_INIT_STD: f64 = 0.01;
/// RBM momentum in chapter form: μ = 0.5 (β = 0.5) for the first epochs, then μ = 0.9 (β = 0.1) (HG).
pub const RBM_MOMENTUM_BETA_START: f64 = 0.5;
/// RBM momentum after the ramp: μ = 0.9, i.e. β = 0.1 in chapter form (HG).
pub const RBM_MOMENTUM_BETA_LATER: f64 = 0.1;
/// Epochs at the starting momentum before the ramp (HG: "the first few epochs"; 5 is HG's example).
pub const RBM_MOMENTUM_RAMP_EPOCHS: usize = 5;
/// RBM L2 weight cost c, on weights only, per update (HG: 1e-4, range 1e-5..1e-2). HG's penalty is c/2·Σw²
/// (gradient c·w), so recipes set λ2 = c/2 per update.
pub const RBM_WEIGHT_COST: f64 = 1e-4;
/// Masking fraction of a denoising auto-encoder: the chapter's range is 20-50 % (p.4); 0.3 is the DLT dA's.
pub const DAE_MASKING: f64 = 0.3;
/// Target mean activation of a sparse layer, the chapter's example ρ = 0.05 (p.13-14).
pub const SPARSITY_TARGET: f64 = 0.05;
/// Coefficient of the KL sparsity penalty (*ours*: the chapter gives none; 0.1 keeps the penalty below
/// the reconstruction loss at initialisation on 500 units).
pub const SPARSITY_COST: f64 = 0.1;
/// Coefficient of the contractive penalty (*ours*: "sensitive", p.16; 0.1 is a middle value of the CAE paper's range).
pub const CONTRACTIVE_COST: f64 = 0.1;
/// The linear probe of a stack level is the `logistic` recipe (DLT: ε0 0.13, B 600) stopped by patience
/// after at most this many epochs (*ours*: bounds the probe's cost).
pub const PROBE_MAX_EPOCHS: usize = 30;
/// On small training sets the probe's batch shrinks so that an epoch makes at least this many updates
/// (*ours*: B = 600 gives the 1,199 digits two updates an epoch).
pub const PROBE_MIN_UPDATES_PER_EPOCH: usize = 50;
/// The `sda` and `dbn` presets pre-train each level at least this many updates, so more epochs than they
/// say on small training sets (*ours*: 5 epochs of the 1,199 digits at B 32 are 190 updates, after which an
/// RBM's code is still nearly linear; the `dbn` preset then reached 74 % on the digits).
pub const LEVEL_MIN_UPDATES: u64 = 1500;

/// The single unsupervised presets (`rbm`, `dae`, `cae`, `sparse-ae`) train at least this many updates, so more
/// epochs than they say on small training sets (*ours*: their 15 epochs at B 20 are DLT's 37,500 updates on
/// MNIST but 900 on the 1,199 digits, after which the `rbm` preset's samples show fewer classes:
/// tests/rbm_samples.rs).
pub const UNSUPERVISED_MIN_UPDATES: u64 = 5000;

/// Per-layer statistics (means, standard deviations and histograms of pre-activations, activations,
/// activation gradients, parameters and parameter gradients, update/weight ratios, saturated and dead
/// units; p.22-23) are taken on the current mini-batch every this many parameter updates; 0 turns them off.
/// The frequency is *ours*: the chapter says what to watch (p.22-23), not how often. A snapshot of the
/// 784-500-10 MLP costs about six updates on ndarray (`benches/monitor.rs`), so at this frequency
/// monitoring costs about 6 % of the training throughput, within the 10 % aimed at.
pub const MONITOR_EVERY: u64 = 100;

/// An interval of allowed (or typical) values of a numeric recipe field. Bounds may be infinite; a bound
/// is in the interval when its `*_inclusive` flag says so, and NaN is never in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Lower bound (may be `f64::NEG_INFINITY`).
    pub min: f64,
    /// Upper bound (may be `f64::INFINITY`).
    pub max: f64,
    /// Whether `min` itself is allowed.
    pub min_inclusive: bool,
    /// Whether `max` itself is allowed (`(1, ∞]` lets ∞ switch a test off).
    pub max_inclusive: bool,
    /// Whether the values span orders of magnitude, so that a search samples them on a log scale.
    pub log_scale: bool,
}

impl Range {
    /// (min, max), linear scale.
    pub const fn open(min: f64, max: f64) -> Range {
        Range { min, max, min_inclusive: false, max_inclusive: false, log_scale: false }
    }

    /// [min, max], linear scale.
    pub const fn closed(min: f64, max: f64) -> Range {
        Range { min, max, min_inclusive: true, max_inclusive: true, log_scale: false }
    }

    /// (min, max], linear scale.
    pub const fn left_open(min: f64, max: f64) -> Range {
        Range { min, max, min_inclusive: false, max_inclusive: true, log_scale: false }
    }

    /// [min, max), linear scale.
    pub const fn right_open(min: f64, max: f64) -> Range {
        Range { min, max, min_inclusive: true, max_inclusive: false, log_scale: false }
    }

    /// [min, ∞): finite values from `min` on.
    pub const fn at_least(min: f64) -> Range {
        Range::right_open(min, f64::INFINITY)
    }

    /// (min, ∞): finite values above `min`.
    pub const fn above(min: f64) -> Range {
        Range::open(min, f64::INFINITY)
    }

    /// The same interval, sampled on a log scale.
    pub const fn log(self) -> Range {
        Range { log_scale: true, ..self }
    }

    /// Whether `v` lies in the interval (never for NaN).
    pub fn contains(&self, v: f64) -> bool {
        let above_min = v > self.min || (self.min_inclusive && v == self.min);
        let below_max = v < self.max || (self.max_inclusive && v == self.max);
        above_min && below_max
    }
}

impl std::fmt::Display for Range {
    /// Interval notation: `(0, 10)`, `[1, ∞)`, `(1, ∞]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bound = |v: f64| match v {
            f64::INFINITY => "∞".to_string(),
            f64::NEG_INFINITY => "−∞".to_string(),
            v if v != 0.0 && !(1e-3..1e6).contains(&v.abs()) => format!("{v:e}"),
            v => format!("{v}"),
        };
        let (open, close) = (if self.min_inclusive { '[' } else { '(' }, if self.max_inclusive { ']' } else { ')' });
        write!(f, "{open}{}, {}{close}", bound(self.min), bound(self.max))
    }
}

/// A numeric recipe field: where it lives, the values [`crate::Recipe::check`] accepts, the values the chapter
/// calls typical (a search's prior), its default and the source of both.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumericField {
    /// Dotted path as `--set` and [`crate::Recipe::with`] take it; `*` stands for any list index. A stack
    /// level's fields are the same paths under `model.layers.N.` (`model.layers.1.optimiser.learning_rate`).
    pub path: &'static str,
    /// The values `check()` accepts.
    pub allowed: Range,
    /// Where the chapter (or the named source) says values usually lie, when it says so.
    pub typical: Option<Range>,
    /// Whether the field holds whole numbers.
    pub integer: bool,
    /// The default value, when there is one (presets may differ).
    pub default: Option<f64>,
    /// Page of the chapter or other source of the range.
    pub source: &'static str,
}

impl NumericField {
    const fn new(path: &'static str, allowed: Range, default: Option<f64>, source: &'static str) -> Self {
        NumericField { path, allowed, typical: None, integer: false, default, source }
    }

    const fn integer(self) -> Self {
        NumericField { integer: true, ..self }
    }

    const fn typical(self, typical: Range) -> Self {
        NumericField { typical: Some(typical), ..self }
    }

    /// The allowed values in words, as check errors print them: `(0, 10); typical [1e-6, 1] (p.8-9)`,
    /// `1 or more (p.9)`.
    pub fn allowed_words(&self) -> String {
        let a = &self.allowed;
        let allowed = if self.integer && a.min_inclusive && a.max == f64::INFINITY { format!("{} or more", a.min) } else { a.to_string() };
        let typical = self.typical.map_or(String::new(), |t| format!("; typical {t}"));
        format!("{allowed}{typical} ({})", self.source)
    }
}

/// Every numeric field of a recipe with its allowed range, typical range and default, in one table:
/// [`crate::Recipe::check`] refuses values outside `allowed`, and a search reads the table as its prior
/// ([`numeric_fields`], [`range_of`]).
pub const NUMERIC_FIELDS: &[NumericField] = &[
    NumericField::new("optimiser.learning_rate", Range::open(0.0, 10.0).log(), Some(LEARNING_RATE), "p.8-9").typical(Range::open(1e-6, 1.0).log()),
    NumericField::new("optimiser.batch_size", Range::at_least(1.0).log(), Some(BATCH_SIZE as f64), "p.9; typical: 1 to a few hundred, DLT's logistic 600")
        .integer()
        .typical(Range::closed(1.0, 1000.0).log()),
    NumericField::new("optimiser.schedule.tau", Range::at_least(1.0).log(), None, "p.9").integer(),
    NumericField::new("optimiser.schedule.threshold", Range::open(0.0, 1.0).log(), None, "p.9; the chapter gives no number"),
    NumericField::new("optimiser.momentum_beta", Range::left_open(0.0, 1.0), Some(MOMENTUM_BETA), "p.10; 1 = no momentum"),
    NumericField::new("optimiser.momentum_ramp.beta", Range::left_open(0.0, 1.0), Some(RBM_MOMENTUM_BETA_LATER), "p.10, HG; 1 = no momentum"),
    NumericField::new("optimiser.momentum_ramp.after_epochs", Range::at_least(0.0), Some(RBM_MOMENTUM_RAMP_EPOCHS as f64), "HG").integer(),
    NumericField::new("optimiser.polyak.decay", Range::open(0.0, 1.0), Some(POLYAK_DECAY), "p.10"),
    NumericField::new("optimiser.layer_learning_rates.*", Range::at_least(0.0), Some(1.0), "p.11"),
    NumericField::new("optimiser.bias_learning_rate", Range::at_least(0.0), Some(1.0), "p.11"),
    NumericField::new("penalty.l1", Range::at_least(0.0), Some(WEIGHT_DECAY), "p.12"),
    NumericField::new("penalty.l2", Range::at_least(0.0), Some(WEIGHT_DECAY), "p.12"),
    NumericField::new("stopping.initial", Range::at_least(1.0).log(), Some(INITIAL_PATIENCE as f64), "DLT, p.9-10").integer(),
    NumericField::new("stopping.increase", Range::at_least(1.0), Some(PATIENCE_INCREASE), "DLT, p.9-10"),
    NumericField::new("stopping.improvement_threshold", Range::left_open(0.0, 1.0), Some(IMPROVEMENT_THRESHOLD), "DLT, p.9-10"),
    NumericField::new("stopping.max_epochs", Range::at_least(1.0), Some(MAX_EPOCHS as f64), "DLT").integer(),
    NumericField::new("stopping.epochs", Range::at_least(1.0), None, "p.9").integer(),
    NumericField::new("stopping.min_updates", Range::at_least(0.0), Some(UNSUPERVISED_MIN_UPDATES as f64), "ours").integer(),
    NumericField::new("validate_every", Range::at_least(1.0), None, "p.9-10; at least the validation-set size").integer(),
    NumericField::new("preprocessing.variance_kept", Range::left_open(0.0, 1.0), None, "p.15"),
    NumericField::new("divergence.lr_divisor", Range::above(1.0), Some(DIVERGENCE_LR_DIVISOR), "p.5"),
    NumericField::new("divergence.max_retries", Range::at_least(0.0), Some(DIVERGENCE_MAX_RETRIES as f64), "ours").integer(),
    NumericField::new("divergence.explosion_factor", Range::left_open(1.0, f64::INFINITY), Some(DIVERGENCE_EXPLOSION_FACTOR), "ours"),
    NumericField::new("seed", Range::closed(0.0, u64::MAX as f64), Some(SEED as f64), "ours").integer(),
    NumericField::new("monitor_every", Range::at_least(0.0), Some(MONITOR_EVERY as f64), "p.22-23; 0 = off").integer(),
    NumericField::new("model.hidden.*", Range::at_least(1.0).log(), Some(HIDDEN_LAYERS[0] as f64), "p.11").integer(),
    NumericField::new("model.hidden", Range::at_least(1.0).log(), None, "p.11").integer(),
    NumericField::new("model.cd_steps", Range::at_least(1.0), Some(1.0), "p.3, HG").integer(),
    NumericField::new("model.init_std", Range::above(0.0).log(), Some(RBM_INIT_STD), "p.15").typical(Range::closed(0.01, 0.1).log()),
    NumericField::new("model.corruption.fraction", Range::right_open(0.0, 1.0), Some(DAE_MASKING), "p.4").typical(Range::closed(0.2, 0.5)),
    NumericField::new("model.corruption.std", Range::at_least(0.0), None, "p.4"),
    NumericField::new("model.contractive", Range::at_least(0.0), Some(CONTRACTIVE_COST), "p.4, p.16"),
    NumericField::new("model.sparsity.target", Range::open(0.0, 1.0), Some(SPARSITY_TARGET), "p.13-14"),
    NumericField::new("model.sparsity.cost", Range::at_least(0.0), Some(SPARSITY_COST), "p.13-14"),
    NumericField::new("model.layers.*.epochs", Range::at_least(1.0), None, "p.19").integer(),
    NumericField::new("model.layers.*.min_updates", Range::at_least(0.0), Some(LEVEL_MIN_UPDATES as f64), "ours").integer(),
];

/// Every numeric field of a recipe, its allowed and typical ranges and its default ([`NUMERIC_FIELDS`]).
pub fn numeric_fields() -> &'static [NumericField] {
    NUMERIC_FIELDS
}

/// The table entry of the field at `path`, a concrete dotted path (`model.hidden.0`,
/// `model.layers.1.optimiser.learning_rate`): list indices match `*`, and a stack level's fields are looked
/// up as the recipe's own (`model.layers.1.optimiser.learning_rate` as `optimiser.learning_rate`).
pub fn numeric_field(path: &str) -> Option<&'static NumericField> {
    let pattern: Vec<&str> = path.split('.').map(|part| if part.parse::<usize>().is_ok() { "*" } else { part }).collect();
    let pattern = pattern.join(".");
    let find = |p: &str| NUMERIC_FIELDS.iter().find(|f| f.path == p);
    find(&pattern).or_else(|| pattern.strip_prefix("model.layers.*.").and_then(find))
}

/// The allowed range of the field at `path` (see [`numeric_field`] for the spelling).
pub fn range_of(path: &str) -> Option<Range> {
    numeric_field(path).map(|f| f.allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_equal_the_chapter_values() {
        assert_eq!(LEARNING_RATE, 0.01);
        assert_eq!(BATCH_SIZE, 32);
        assert_eq!(MOMENTUM_BETA, 1.0);
        assert_eq!(INITIAL_PATIENCE, 10_000);
        assert_eq!(PATIENCE_INCREASE, 2.0);
        assert_eq!(IMPROVEMENT_THRESHOLD, 0.995);
        assert_eq!(DIVERGENCE_LR_DIVISOR, 3.0);
        assert_eq!(GLOROT_GAIN_TANH, 1.0);
        assert_eq!(GLOROT_GAIN_SIGMOID, 4.0);
        assert_eq!(WEIGHT_DECAY, 0.0);
        assert_eq!(RBM_INIT_STD, 0.01);
        assert_eq!((RBM_MOMENTUM_BETA_START, RBM_MOMENTUM_BETA_LATER), (0.5, 0.1));
        assert_eq!(RBM_WEIGHT_COST, 1e-4);
        assert!((0.2..=0.5).contains(&DAE_MASKING));
        assert_eq!(SPARSITY_TARGET, 0.05);
        assert_eq!(MONITOR_EVERY, 100);
    }

    #[test]
    fn ranges_include_and_exclude_their_bounds_as_written() {
        let r = Range::left_open(0.0, 1.0);
        assert!(!r.contains(0.0) && r.contains(1e-9) && r.contains(1.0) && !r.contains(1.0 + 1e-9) && !r.contains(f64::NAN));
        assert!(!Range::at_least(0.0).contains(f64::INFINITY) && Range::at_least(0.0).contains(0.0));
        assert!(Range::left_open(1.0, f64::INFINITY).contains(f64::INFINITY));
        assert_eq!(Range::open(0.0, 10.0).to_string(), "(0, 10)");
        assert_eq!(Range::at_least(1.0).to_string(), "[1, ∞)");
        assert_eq!(Range::left_open(1.0, f64::INFINITY).to_string(), "(1, ∞]");
        assert_eq!(Range::closed(1e-5, 0.01).to_string(), "[1e-5, 0.01]");
    }

    #[test]
    fn the_range_table_pins_each_fields_allowed_values() {
        let allowed = |p: &str| range_of(p).unwrap_or_else(|| panic!("{p} has no range"));
        assert_eq!(allowed("optimiser.learning_rate"), Range::open(0.0, 10.0).log());
        assert_eq!(numeric_field("optimiser.learning_rate").unwrap().typical, Some(Range::open(1e-6, 1.0).log()));
        assert_eq!(allowed("optimiser.batch_size"), Range::at_least(1.0).log());
        assert_eq!(allowed("optimiser.schedule.tau"), Range::at_least(1.0).log());
        assert_eq!(allowed("optimiser.momentum_beta"), Range::left_open(0.0, 1.0));
        assert_eq!(allowed("optimiser.momentum_ramp.beta"), Range::left_open(0.0, 1.0));
        assert_eq!(allowed("optimiser.polyak.decay"), Range::open(0.0, 1.0));
        assert_eq!(allowed("optimiser.layer_learning_rates.3"), Range::at_least(0.0));
        assert_eq!(allowed("optimiser.bias_learning_rate"), Range::at_least(0.0));
        assert_eq!((allowed("penalty.l1"), allowed("penalty.l2")), (Range::at_least(0.0), Range::at_least(0.0)));
        assert_eq!(allowed("stopping.initial"), Range::at_least(1.0).log());
        assert_eq!(allowed("stopping.increase"), Range::at_least(1.0));
        assert_eq!(allowed("stopping.improvement_threshold"), Range::left_open(0.0, 1.0));
        assert_eq!((allowed("stopping.max_epochs"), allowed("stopping.epochs")), (Range::at_least(1.0), Range::at_least(1.0)));
        assert_eq!(allowed("validate_every"), Range::at_least(1.0));
        assert_eq!(allowed("preprocessing.variance_kept"), Range::left_open(0.0, 1.0));
        assert_eq!(allowed("divergence.lr_divisor"), Range::above(1.0));
        assert_eq!(allowed("divergence.explosion_factor"), Range::left_open(1.0, f64::INFINITY));
        assert_eq!(allowed("model.hidden.0"), Range::at_least(1.0).log());
        assert_eq!(allowed("model.hidden"), Range::at_least(1.0).log());
        assert_eq!(allowed("model.cd_steps"), Range::at_least(1.0));
        assert_eq!(allowed("model.init_std"), Range::above(0.0).log());
        assert_eq!(allowed("model.corruption.fraction"), Range::right_open(0.0, 1.0));
        assert_eq!(numeric_field("model.corruption.fraction").unwrap().typical, Some(Range::closed(0.2, 0.5)));
        assert_eq!(allowed("model.sparsity.target"), Range::open(0.0, 1.0));
        assert_eq!(allowed("model.layers.1.epochs"), Range::at_least(1.0));
        // A level's own optimiser and model fields share the recipe's ranges.
        assert_eq!(allowed("model.layers.1.optimiser.learning_rate"), allowed("optimiser.learning_rate"));
        assert_eq!(allowed("model.layers.0.model.corruption.fraction"), allowed("model.corruption.fraction"));
        assert_eq!(range_of("name"), None);
        assert_eq!(range_of("optimiser.learnig_rate"), None);
    }

    #[test]
    fn defaults_in_the_table_are_the_constants_and_lie_in_their_ranges() {
        let default = |p: &str| numeric_field(p).unwrap().default;
        assert_eq!(default("optimiser.learning_rate"), Some(LEARNING_RATE));
        assert_eq!(default("optimiser.batch_size"), Some(BATCH_SIZE as f64));
        assert_eq!(default("stopping.initial"), Some(INITIAL_PATIENCE as f64));
        assert_eq!(default("model.corruption.fraction"), Some(DAE_MASKING));
        for f in numeric_fields() {
            if let Some(d) = f.default {
                assert!(f.allowed.contains(d), "{}: default {d} outside {}", f.path, f.allowed);
                assert!(f.typical.is_none_or(|t| t.contains(d)), "{}: default {d} outside the typical {:?}", f.path, f.typical);
            }
            assert!(f.typical.is_none_or(|t| f.allowed.contains(t.min) || !t.min_inclusive), "{}: typical outside allowed", f.path);
        }
        let paths: std::collections::HashSet<_> = numeric_fields().iter().map(|f| f.path).collect();
        assert_eq!(paths.len(), numeric_fields().len(), "one entry per path");
    }

    #[test]
    fn allowed_values_read_as_check_errors_print_them() {
        assert_eq!(
            numeric_field("optimiser.batch_size").unwrap().allowed_words(),
            "1 or more; typical [1, 1000] (p.9; typical: 1 to a few hundred, DLT's logistic 600)"
        );
        assert_eq!(numeric_field("optimiser.learning_rate").unwrap().allowed_words(), "(0, 10); typical (1e-6, 1) (p.8-9)");
    }
}
