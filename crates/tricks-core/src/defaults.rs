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
/// RBM L2 weight cost, on weights only (HG: 1e-4, range 1e-5..1e-2).
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

/// Per-layer statistics (means, standard deviations and histograms of pre-activations, activations,
/// activation gradients, parameters and parameter gradients, update/weight ratios, saturated and dead
/// units; p.22-23) are taken on the current mini-batch every this many parameter updates; 0 turns them off.
/// The frequency is *ours*: the chapter says what to watch (p.22-23), not how often. A snapshot of the
/// 784-500-10 MLP costs about six updates on ndarray (`benches/monitor.rs`), so at this frequency
/// monitoring costs about 6 % of the training throughput, within the 10 % aimed at.
pub const MONITOR_EVERY: u64 = 100;

/// Scale of the weight-penalty gradient added to one mini-batch update: λ·B′/T for a batch of `batch_len`
/// examples out of `train_len` (p.12), so that over one epoch the penalty counts once and a short last
/// batch counts in proportion B′/B.
pub fn penalty_scale(batch_len: usize, train_len: usize) -> f64 {
    batch_len as f64 / train_len as f64
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
    fn penalty_scale_is_batch_over_training_size_and_short_batches_count_in_proportion() {
        assert_eq!(penalty_scale(32, 3200), 0.01);
        let full = penalty_scale(32, 100);
        let short = penalty_scale(4, 100);
        assert!((short / full - 4.0 / 32.0).abs() < 1e-12);
        // Over one epoch of 3 full batches and one of 4, the scales add up to exactly one penalty.
        let epoch: f64 = [32, 32, 32, 4].iter().map(|&b| penalty_scale(b, 100)).sum();
        assert!((epoch - 1.0).abs() < 1e-12);
    }
}
