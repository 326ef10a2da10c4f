//! The chapter's remedies, each with the pages it comes from (arXiv:1206.5533v2); a remedy marked
//! *ours* has no page in the chapter.

use serde::Serialize;

/// One thing to try, and where the chapter says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Remedy {
    /// What to do.
    pub text: &'static str,
    /// The chapter's pages, e.g. `p.9-10`, or `*ours*`.
    pub pages: &'static str,
}

const fn r(text: &'static str, pages: &'static str) -> Remedy {
    Remedy { text, pages }
}

/// Remedies for over-fitting (the gap between training and validation dominates).
pub const OVER_FITTING: &[Remedy] = &[
    r("early stopping on the validation error, keeping the best model (the run already does when stopping is on)", "p.9-10"),
    r("L2 or L1 weight decay on the weights (not the biases), scaled by λ·B/T per mini-batch", "p.12-13"),
    r("a sparsity penalty on the hidden activations", "p.13-14"),
    r("a smaller model: fewer hidden units or layers", "p.11"),
    r("noise: denoising auto-encoder pre-training with 20-50 % masking, or Gaussian input noise", "p.4"),
    r("unsupervised layer-wise pre-training, which also lets unlabelled data help", "p.2-3, p.19"),
    r("more training data", "*ours*"),
    r("an ensemble: average models that differ by seed or bootstrap sample", "p.15"),
];

/// Remedies for under-fitting (the model does not fit its own training set).
pub const UNDER_FITTING: &[Remedy] = &[
    r("check the optimisation first: training error must reach ~0 on a small subset (`tricks overfit`)", "p.21-22"),
    r("check the gradients by centred differences (`tricks gradcheck`)", "p.21"),
    r("tune ε0, the most important hyper-parameter, on a log scale; the best is usually within ×2 of the largest stable ε0", "p.5, p.8-9"),
    r("a larger model: more hidden units (an over-complete first layer), or more layers", "p.11"),
    r("train longer: more patience, or early stopping off with more epochs", "p.9-10"),
    r("less regularisation: smaller weight decay or sparsity coefficients", "p.12-14"),
];

/// Remedies when the validation error was still improving when training stopped.
pub const TRAIN_LONGER: &[Remedy] = &[
    r("train longer: more patience (DLT: ×2 on a new best), or early stopping off with more epochs", "p.9-10"),
    r("a larger ε0 if the curves fall slowly but steadily", "p.8-9"),
];

/// Remedies when the training loss stopped improving.
pub const PLATEAU: &[Remedy] = &[
    r("tune ε0 by factors of about 2 to 3 both ways: too small crawls, too large bounces on a plateau", "p.8-9"),
    r("a decaying learning rate ε0·τ/max(t, τ), or keep ε constant until the improvement falls below a threshold", "p.9"),
    r("momentum (β < 1) or Polyak averaging", "p.10"),
    r("look at per-layer statistics for saturated or dead units (activations, gradients, weight updates ~1e-3 of the weights)", "p.23"),
    r("initialisation U(−r, r), r = √(6/(fan_in+fan_out)), ×4 for sigmoid units", "p.14-15"),
];

/// Remedies when the training criterion became non-finite or rose (divergence).
pub const DIVERGING: &[Remedy] = &[
    r("a smaller ε0: on divergence retry with ε0/3", "p.5"),
    r("the best ε0 is usually within ×2 of the largest one that does not diverge", "p.8-9"),
    r("check the gradients by centred differences (`tricks gradcheck`)", "p.21"),
    r("standardise the inputs (or PCA, or uniformise heavy tails)", "p.15-16"),
];

/// Remedies when the training loss hardly moved at all.
pub const NO_PROGRESS: &[Remedy] = &[
    r("tune ε0 on a log scale: far too small does nothing, far too large stalls", "p.8-9"),
    r("check the gradients by centred differences (`tricks gradcheck`)", "p.21"),
    r("initialisation: biases 0, weights U(−r, r), r = √(6/(fan_in+fan_out)), ×4 for sigmoid", "p.14-15"),
    r("standardise the inputs", "p.15-16"),
];
