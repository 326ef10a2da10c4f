//! Restricted Boltzmann machines with binary or Gaussian visible units and binary hidden units, trained by
//! contrastive divergence CD-k or persistent CD-k (p.3, p.15; HG).
//!
//! Energy, with W of shape [visible, hidden] (the orientation of Burn's `Linear`, so a stack can copy it into
//! an MLP layer), visible biases b and hidden biases c:
//! - binary visible units: E(v, h) = −b·v − c·h − vᵀWh;
//! - Gaussian visible units of unit variance (HG §13.2): E(v, h) = ½‖v − b‖² − c·h − vᵀWh.
//!
//! Summing out h gives the free energy F(v) = −b·v − Σ_j softplus(c_j + (vW)_j) (binary) or
//! ½‖v − b‖² − Σ_j softplus(c_j + (vW)_j) (Gaussian), with p(v) = e^{−F(v)}/Z.
//!
//! Numerics (DESIGN.md, "Decisions taken"): the softplus is computed in the stable form
//! max(a, 0) + log1p(e^{−|a|}) with its derivative σ(a) attached exactly
//! ([`crate::exact_gradient`]), and σ is [`crate::sigmoid`], which keeps the backend's precision.

use burn::module::{Module, Param};
use burn::tensor::{Distribution, Tensor, TensorData, activation, backend::Backend};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tricks_core::{RbmSpec, Sparsity, VisibleUnits};

use crate::exact_gradient::with_derivative;
use crate::{kl_sparsity, param_ids, sigmoid, sigmoid_value};

/// x̄ is clamped to [this, 1 − this] before the visible bias log(x̄/(1−x̄)) is taken, so that a pixel that
/// is constant in the training data gets a large finite bias instead of ±∞ (*ours*: HG gives no value).
pub const VISIBLE_MEAN_CLAMP: f64 = 1e-3;

/// A restricted Boltzmann machine (p.3, p.15; HG).
#[derive(Module, Debug)]
pub struct Rbm<B: Backend> {
    /// Weights W, shape [visible, hidden] (as Burn's `Linear`: hidden input = vW + c).
    pub weight: Param<Tensor<B, 2>>,
    /// Visible biases b, shape `[visible]`.
    pub visible_bias: Param<Tensor<B, 1>>,
    /// Hidden biases c, shape `[hidden]`.
    pub hidden_bias: Param<Tensor<B, 1>>,
    #[module(skip)]
    visible: VisibleUnits,
    #[module(skip)]
    cd_steps: usize,
    #[module(skip)]
    persistent: bool,
    #[module(skip)]
    sparsity: Option<Sparsity>,
}

/// Initial visible biases from the training data's per-feature means x̄ (p.15; HG §8): log(x̄/(1−x̄)) for
/// binary units, with x̄ clamped to [[`VISIBLE_MEAN_CLAMP`], 1 − [`VISIBLE_MEAN_CLAMP`]]; x̄ itself for
/// Gaussian units. With zero weights this makes the RBM's visible marginals equal the data's.
pub fn initial_visible_bias(units: VisibleUnits, data_mean: &[f32]) -> Vec<f32> {
    data_mean
        .iter()
        .map(|&m| match units {
            VisibleUnits::Binary => {
                let m = f64::from(m).clamp(VISIBLE_MEAN_CLAMP, 1.0 - VISIBLE_MEAN_CLAMP);
                (m / (1.0 - m)).ln() as f32
            }
            VisibleUnits::Gaussian => m,
        })
        .collect()
}

/// softplus(a) = log(1 + e^a) in the stable form max(a, 0) + log1p(e^{−|a|}), untracked.
pub(crate) fn softplus_value<B: Backend, const D: usize>(a: Tensor<B, D>) -> Tensor<B, D> {
    activation::relu(a.clone()) + a.abs().neg().exp().log1p()
}

/// softplus(a), stable, with its derivative σ(a) attached exactly; also returns σ(a) (untracked).
fn softplus<B: Backend, const D: usize>(a: Tensor<B, D>) -> (Tensor<B, D>, Tensor<B, D>) {
    let z = a.clone().detach();
    let derivative = sigmoid_value(z.clone());
    (with_derivative(a, softplus_value(z), derivative.clone()), derivative)
}

/// Binary samples with P(1) = `p`, from the backend's generator (seed it with `B::seed`).
pub fn bernoulli<B: Backend, const D: usize>(p: Tensor<B, D>) -> Tensor<B, D> {
    let u = Tensor::random(p.shape(), Distribution::Default, &p.device());
    u.lower(p).float()
}

/// The parameters of an RBM without gradient tracking, for Gibbs sampling.
struct Frozen<B: Backend> {
    w: Tensor<B, 2>,
    /// Wᵀ, laid out row-major once per mini-batch (reshaped to its own shape): a CPU backend would
    /// otherwise copy the transposed view at every product.
    wt: Tensor<B, 2>,
    b: Tensor<B, 2>,
    c: Tensor<B, 2>,
    visible: VisibleUnits,
}

impl<B: Backend> Frozen<B> {
    fn of(rbm: &Rbm<B>) -> Self {
        let w = rbm.weight.val().detach();
        let [visible, hidden] = w.dims();
        Frozen {
            wt: w.clone().transpose().reshape([hidden, visible]),
            w,
            b: rbm.visible_bias.val().detach().unsqueeze(),
            c: rbm.hidden_bias.val().detach().unsqueeze(),
            visible: rbm.visible,
        }
    }

    fn hidden_probabilities(&self, v: Tensor<B, 2>) -> Tensor<B, 2> {
        sigmoid_value(v.matmul(self.w.clone()) + self.c.clone())
    }

    fn visible_mean(&self, h: Tensor<B, 2>) -> Tensor<B, 2> {
        let x = h.matmul(self.wt.clone()) + self.b.clone();
        match self.visible {
            VisibleUnits::Binary => sigmoid_value(x),
            VisibleUnits::Gaussian => x,
        }
    }

    fn sample_visible(&self, h: Tensor<B, 2>) -> Tensor<B, 2> {
        sample_visible_from_mean(self.visible, self.visible_mean(h))
    }
}

fn sample_visible_from_mean<B: Backend>(units: VisibleUnits, mean: Tensor<B, 2>) -> Tensor<B, 2> {
    match units {
        VisibleUnits::Binary => bernoulli(mean),
        VisibleUnits::Gaussian => {
            let noise = Tensor::random(mean.shape(), Distribution::Normal(0.0, 1.0), &mean.device());
            mean + noise
        }
    }
}

impl<B: Backend> Rbm<B> {
    /// A freshly initialised RBM for `visible` inputs (p.15; HG §8): weights N(0, σ²) with σ =
    /// `spec.init_std` (default 0.01), hidden biases 0, visible biases from the training data's per-feature
    /// means `data_mean` (see [`initial_visible_bias`]). Drawn on the host from ChaCha8 seeded by `seed`;
    /// parameter ids derive from `seed` (see [`param_ids`]).
    ///
    /// # Panics
    /// If `data_mean.len() != visible`.
    pub fn new(spec: &RbmSpec, visible: usize, data_mean: &[f32], seed: u64, device: &B::Device) -> Self {
        assert_eq!(data_mean.len(), visible, "one data mean per visible unit");
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let hidden = spec.hidden;
        let weights: Vec<f32> = (0..visible * hidden).map(|_| (spec.init_std * standard_normal(&mut rng)) as f32).collect();
        let [w_id, b_id] = param_ids(seed, 0);
        let [c_id, _] = param_ids(seed, 1);
        let b = initial_visible_bias(spec.visible, data_mean);
        Rbm {
            weight: Param::initialized(w_id, Tensor::from_data(TensorData::new(weights, [visible, hidden]), device).require_grad()),
            visible_bias: Param::initialized(b_id, Tensor::from_data(TensorData::new(b, [visible]), device).require_grad()),
            hidden_bias: Param::initialized(c_id, Tensor::zeros([hidden], device).require_grad()),
            visible: spec.visible,
            cd_steps: spec.cd_steps,
            persistent: spec.persistent,
            sparsity: spec.sparsity,
        }
    }

    /// Kind of visible units.
    pub fn visible_units(&self) -> VisibleUnits {
        self.visible
    }

    /// Gibbs steps k of CD-k / PCD-k.
    pub fn cd_steps(&self) -> usize {
        self.cd_steps
    }

    /// Whether the negative phase runs persistent chains (PCD).
    pub fn persistent(&self) -> bool {
        self.persistent
    }

    /// The sparsity target and cost, if any.
    pub fn sparsity(&self) -> Option<Sparsity> {
        self.sparsity
    }

    /// Number of visible units.
    pub fn visible_size(&self) -> usize {
        self.weight.val().dims()[0]
    }

    /// Number of hidden units.
    pub fn hidden_size(&self) -> usize {
        self.weight.val().dims()[1]
    }

    /// Total input to the hidden units, vW + c.
    pub fn hidden_input(&self, v: Tensor<B, 2>) -> Tensor<B, 2> {
        v.matmul(self.weight.val()) + self.hidden_bias.val().unsqueeze()
    }

    /// p(h_j = 1 | v) = σ(c_j + (vW)_j), one row per example.
    pub fn hidden_probabilities(&self, v: Tensor<B, 2>) -> Tensor<B, 2> {
        sigmoid(self.hidden_input(v))
    }

    /// E[v | h]: σ(b + hWᵀ) for binary units, b + hWᵀ for Gaussian ones.
    pub fn visible_mean(&self, h: Tensor<B, 2>) -> Tensor<B, 2> {
        let x = h.matmul(self.weight.val().transpose()) + self.visible_bias.val().unsqueeze();
        match self.visible {
            VisibleUnits::Binary => sigmoid(x),
            VisibleUnits::Gaussian => x,
        }
    }

    /// Binary hidden states h ~ p(h | v) (untracked), from the backend's generator.
    pub fn sample_hidden(&self, v: Tensor<B, 2>) -> Tensor<B, 2> {
        bernoulli(self.hidden_probabilities(v).detach())
    }

    /// Visible states v ~ p(v | h) (untracked): Bernoulli for binary units, N(b + hWᵀ, 1) for Gaussian ones.
    pub fn sample_visible(&self, h: Tensor<B, 2>) -> Tensor<B, 2> {
        sample_visible_from_mean(self.visible, self.visible_mean(h).detach())
    }

    /// One step of block Gibbs sampling, v → h ~ p(h | v) → v ~ p(v | h) (untracked): the chains whose samples
    /// the chapter suggests looking at (p.22-23).
    pub fn gibbs_step(&self, v: Tensor<B, 2>) -> Tensor<B, 2> {
        let f = Frozen::of(self);
        f.sample_visible(bernoulli(f.hidden_probabilities(v.detach())))
    }

    /// What the next level of a stack sees: the hidden probabilities p(h | v), as DLT's DBN propagates them.
    pub fn hidden_representation(&self, v: Tensor<B, 2>) -> Tensor<B, 2> {
        self.hidden_probabilities(v)
    }

    /// Free energy F(v) of each example (see the module docs), differentiable with respect to the
    /// parameters and to `v`, with exact gradients.
    pub fn free_energy(&self, v: Tensor<B, 2>) -> Tensor<B, 1> {
        self.free_energy_and_input(v).0
    }

    /// F(v) per example, and the hidden input a = vW + c (tracked).
    fn free_energy_and_input(&self, v: Tensor<B, 2>) -> (Tensor<B, 1>, Tensor<B, 2>) {
        let a = self.hidden_input(v.clone());
        let (softplus, _) = softplus(a.clone());
        ((self.visible_term(v) - softplus.sum_dim(1)).squeeze_dim(1), a)
    }

    /// −b·v (binary) or ½‖v − b‖² (Gaussian), shape [n, 1].
    fn visible_term(&self, v: Tensor<B, 2>) -> Tensor<B, 2> {
        match self.visible {
            VisibleUnits::Binary => v.matmul(self.visible_bias.val().unsqueeze_dim(1)).neg(),
            VisibleUnits::Gaussian => {
                let d = v - self.visible_bias.val().unsqueeze();
                (d.clone() * d).sum_dim(1) * 0.5
            }
        }
    }

    /// F(v) per example without gradient plumbing, for monitors on the inner backend.
    pub(crate) fn free_energy_value(&self, v: Tensor<B, 2>) -> Tensor<B, 1> {
        let v = v.detach();
        let f = Frozen::of(self);
        let visible = match self.visible {
            VisibleUnits::Binary => v.clone().matmul(f.b.clone().transpose()).neg(),
            VisibleUnits::Gaussian => {
                let d = v.clone() - f.b.clone();
                (d.clone() * d).sum_dim(1) * 0.5
            }
        };
        (visible - softplus_value(v.matmul(f.w) + f.c).sum_dim(1)).squeeze_dim(1)
    }

    /// Reconstruction error of one mean-field up-down pass, v → p(h|v) → E[v|h]: the mean over examples of
    /// Σ_i (v_i − v̂_i)², shape `[1]`. A monitor "to use but not trust" (HG §5).
    pub fn reconstruction_error(&self, v: Tensor<B, 2>) -> Tensor<B, 1> {
        let f = Frozen::of(self);
        let v = v.detach();
        squared_error(v.clone(), f.visible_mean(f.hidden_probabilities(v)))
    }

    /// Sparsity penalty cost·Σ_j KL(ρ ‖ q̂_j) of the mini-batch `v` (p.13-14; HG §11), where q̂_j is the
    /// mini-batch mean of p(h_j = 1 | v), differentiable with exact gradients; zero without a target.
    pub fn sparsity_penalty(&self, v: Tensor<B, 2>) -> Tensor<B, 1> {
        let a = self.hidden_input(v);
        match self.sparsity {
            Some(s) => kl_sparsity(sigmoid(a).mean_dim(0).squeeze_dim(0), s.target) * s.cost,
            None => Tensor::zeros([1], &a.device()),
        }
    }

    /// The CD-k or PCD-k loss of the mini-batch `v0` (Hinton 2002; Tieleman 2008; HG §3).
    ///
    /// Its **gradient** is the contrastive-divergence estimate: the gradient of
    /// mean F(v0) − mean F(v_k) (+ the sparsity penalty), where the negative particles v_k are untracked.
    /// Following HG §3.1-3.3, the hidden units driven by data are sampled (binary states) to run the chain,
    /// but every statistic uses probabilities: ∂F/∂W = −vᵀp(h|v) for both phases. For CD-k the chain starts
    /// at the data and its last visible step is the mean E[v|h] ("less noisy", HG §3.2). For PCD-k the chain
    /// starts at the persistent `chains` (taken from the data on the first mini-batch), the statistics use
    /// its last visible *sample* (the chains must sample the model; Tieleman 2008), and the new states are
    /// written back to `chains`. If the mini-batch has fewer rows than the chains (a short last batch), the
    /// first rows advance and the others wait; if it has more, the extra rows start new chains at the data.
    ///
    /// Its **value** is the mini-batch reconstruction error ([`Rbm::reconstruction_error`]), positive and
    /// meaningful for the training loop's curves and divergence check; the surrogate's own value is not.
    pub fn cd_loss(&self, v0: Tensor<B, 2>, chains: &mut Option<Tensor<B, 2>>) -> Tensor<B, 1> {
        let v0 = v0.detach();
        let (f0, a0) = self.free_energy_and_input(v0.clone());
        let frozen = Frozen::of(self);
        let p0 = sigmoid_value(a0.clone().detach());
        let negative = self.negative_from(&frozen, v0.clone(), p0.clone(), chains);
        let surrogate = self.surrogate_from(f0, a0, negative);
        let reconstruction = squared_error(v0, frozen.visible_mean(p0));
        surrogate.clone() - surrogate.detach() + reconstruction
    }

    /// The negative particles v_k that [`Rbm::cd_loss`] draws for the mini-batch `v0` (untracked), advancing
    /// `chains` as it does: with the backend's generator in the same state, the same draws.
    pub fn cd_negative(&self, v0: Tensor<B, 2>, chains: &mut Option<Tensor<B, 2>>) -> Tensor<B, 2> {
        let v0 = v0.detach();
        let frozen = Frozen::of(self);
        let p0 = frozen.hidden_probabilities(v0.clone());
        self.negative_from(&frozen, v0, p0, chains)
    }

    /// The function whose gradient [`Rbm::cd_loss`] is, for fixed negative particles `negative`:
    /// mean F(v0) − mean F(v_k) (+ the sparsity penalty). Its value is what the gradient check differentiates.
    pub fn cd_surrogate(&self, v0: Tensor<B, 2>, negative: Tensor<B, 2>) -> Tensor<B, 1> {
        let (f0, a0) = self.free_energy_and_input(v0.detach());
        self.surrogate_from(f0, a0, negative)
    }

    fn negative_from(&self, frozen: &Frozen<B>, v0: Tensor<B, 2>, p0: Tensor<B, 2>, chains: &mut Option<Tensor<B, 2>>) -> Tensor<B, 2> {
        let n = v0.dims()[0];
        if self.persistent {
            let start = match chains.take() {
                None => v0.clone(),
                Some(c) => {
                    let rows = c.dims()[0];
                    if rows >= n { c } else { Tensor::cat(vec![c, v0.clone().narrow(0, rows, n - rows)], 0) }
                }
            };
            let rows = start.dims()[0];
            let mut v = start.clone().narrow(0, 0, n);
            for _ in 0..self.cd_steps {
                v = frozen.sample_visible(bernoulli(frozen.hidden_probabilities(v)));
            }
            *chains = Some(if rows > n { Tensor::cat(vec![v.clone(), start.narrow(0, n, rows - n)], 0) } else { v.clone() });
            v
        } else {
            let mut h = bernoulli(p0);
            let mut v = frozen.visible_mean(h.clone());
            for _ in 1..self.cd_steps {
                h = bernoulli(frozen.hidden_probabilities(sample_visible_from_mean(self.visible, v)));
                v = frozen.visible_mean(h.clone());
            }
            v
        }
    }

    fn surrogate_from(&self, f0: Tensor<B, 1>, a0: Tensor<B, 2>, negative: Tensor<B, 2>) -> Tensor<B, 1> {
        let fk = self.free_energy(negative.detach());
        let mut surrogate = f0.mean() - fk.mean();
        if let Some(s) = self.sparsity {
            surrogate = surrogate + kl_sparsity(sigmoid(a0).mean_dim(0).squeeze_dim(0), s.target) * s.cost;
        }
        surrogate
    }
}

/// Mean over rows of Σ_i (v_i − v̂_i)², shape [1], untracked.
fn squared_error<B: Backend>(v: Tensor<B, 2>, reconstruction: Tensor<B, 2>) -> Tensor<B, 1> {
    let d = v - reconstruction.detach();
    (d.clone() * d).sum_dim(1).mean()
}

/// A standard normal draw by Box-Muller.
pub(crate) fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>(); // (0, 1]
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}
