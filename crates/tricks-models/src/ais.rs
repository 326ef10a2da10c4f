//! Likelihood monitors of an RBM (HG §5; Salakhutdinov & Murray 2008): the partition function estimated by
//! annealed importance sampling (AIS) or computed exactly for few hidden units, the average log-likelihood
//! of held-out data, the stochastic pseudo-likelihood, and the mean reconstruction error.
//!
//! All of them are meant for the inner (non-autodiff) backend, work in chunks of rows, and sum on the host
//! in f64.

use std::fmt;

use burn::tensor::{Tensor, TensorData, backend::Backend};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tricks_core::VisibleUnits;

use crate::rbm::{bernoulli, softplus_value};
use crate::{Rbm, sigmoid};

/// Rows (examples or hidden configurations) evaluated at once, to bound memory.
const CHUNK: usize = 4096;
/// AIS log-weights are accumulated on the device for this many temperatures, then added to f64 sums on the
/// host, so that the device's float type only ever holds small partial sums (*ours*).
const FLUSH_EVERY: usize = 64;

/// Largest number of hidden units [`exact_log_partition`] enumerates (2^20 configurations).
pub const EXACT_MAX_HIDDEN: usize = 20;

/// Number of intermediate distributions of Salakhutdinov & Murray (2008): 500 β uniformly in [0, 0.5),
/// 4,000 in [0.5, 0.9) and 10,000 in [0.9, 1].
pub const AIS_TEMPERATURES: usize = 14_500;
/// Number of AIS runs of Salakhutdinov & Murray (2008).
pub const AIS_CHAINS: usize = 100;

/// Why a likelihood monitor cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonitorError {
    /// AIS needs at least one chain.
    NoChains,
    /// AIS needs at least one intermediate temperature (β goes from 0 to 1).
    NoTemperatures,
    /// Exact enumeration over 2^hidden configurations refused above [`EXACT_MAX_HIDDEN`].
    TooManyHidden {
        /// Hidden units of the RBM.
        hidden: usize,
        /// Largest number enumerated.
        max: usize,
    },
    /// The monitor is defined for binary visible units only.
    BinaryVisibleOnly {
        /// The monitor.
        monitor: &'static str,
    },
    /// A vector or data matrix has the wrong number of visible units.
    WrongWidth {
        /// Visible units of the RBM.
        expected: usize,
        /// Width given.
        found: usize,
    },
    /// No examples.
    EmptyData,
}

impl fmt::Display for MonitorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MonitorError::NoChains => write!(f, "AIS needs chains ≥ 1 (Salakhutdinov & Murray use {AIS_CHAINS})"),
            MonitorError::NoTemperatures => {
                write!(f, "AIS needs temperatures ≥ 1 (Salakhutdinov & Murray use {AIS_TEMPERATURES})")
            }
            MonitorError::TooManyHidden { hidden, max } => {
                write!(f, "exact log-partition enumerates 2^hidden configurations: {hidden} hidden units is more than the {max} allowed; use AIS")
            }
            MonitorError::BinaryVisibleOnly { monitor } => {
                write!(f, "{monitor} is defined for binary visible units only; this RBM has Gaussian visible units")
            }
            MonitorError::WrongWidth { expected, found } => {
                write!(f, "expected {expected} values, one per visible unit, found {found}")
            }
            MonitorError::EmptyData => write!(f, "no examples to evaluate"),
        }
    }
}

impl std::error::Error for MonitorError {}

/// An AIS estimate of log Z.
#[derive(Debug, Clone, PartialEq)]
pub struct AisEstimate {
    /// log Ẑ = log Z_base + log mean(w), w the importance weights.
    pub log_z: f64,
    /// Standard error of log Ẑ by the delta method, std(w)/(mean(w)·√chains). It says how much the chains
    /// disagree, not how biased the estimate is: AIS tends to underestimate log Z when the schedule is too
    /// short (Salakhutdinov & Murray 2008).
    pub log_z_std: f64,
    /// log Z of the base-rate model (β = 0).
    pub log_z_base: f64,
    /// Number of AIS runs.
    pub chains: usize,
    /// Number of intermediate distributions.
    pub temperatures: usize,
}

/// The β schedule of `temperatures` steps from 0 to 1 (`temperatures + 1` values), spaced as Salakhutdinov &
/// Murray (2008): the first 500/14,500 of the steps cover [0, 0.5), the next 4,000/14,500 cover [0.5, 0.9),
/// the rest [0.9, 1] (piecewise linear in the step index; exactly their schedule for 14,500 steps).
pub fn ais_schedule(temperatures: usize) -> Vec<f64> {
    let k = temperatures.max(1) as f64;
    (0..=temperatures.max(1))
        .map(|i| {
            let u = 29.0 * i as f64; // u/(29k) is the fraction of the steps done; 1/29 = 500/14,500.
            if u < k {
                0.5 * u / k
            } else if u < 9.0 * k {
                0.5 + 0.4 * (u - k) / (8.0 * k)
            } else {
                0.9 + 0.1 * (u - 9.0 * k) / (20.0 * k)
            }
        })
        .collect()
}

/// log Z of `rbm` by AIS with the RBM's own visible biases as the base-rate model (zero weights); see
/// [`ais_log_partition_from_base`]. Salakhutdinov & Murray use `chains` = 100, `temperatures` = 14,500.
pub fn ais_log_partition<B: Backend>(rbm: &Rbm<B>, chains: usize, temperatures: usize, seed: u64) -> Result<AisEstimate, MonitorError> {
    let base = rbm.visible_bias.val().into_data().convert::<f32>().into_vec::<f32>().expect("float biases");
    ais_log_partition_from_base(rbm, &base, chains, temperatures, seed)
}

/// log Z of `rbm` by annealed importance sampling (Neal 2001; Salakhutdinov & Murray 2008).
///
/// The base-rate model A has zero weights and visible biases `base_visible_bias` (S&M: the data's log-odds,
/// [`crate::initial_visible_bias`] of the training means), so its partition function is known and it can be
/// sampled exactly. The intermediate distributions are p_β(v) ∝ e^{(1−β)·(A's visible term)} ·
/// e^{β·(the RBM's visible term)} · Π_j (1 + e^{β(c_j + (vW)_j)}), for β on [`ais_schedule`]; each run moves
/// with one Gibbs step of p_β per temperature and accumulates its log importance weight. Gaussian visible
/// units use the same path with Gaussian visible terms −½‖v − b‖².
///
/// Randomness comes from the backend's generator, reseeded here with `B::seed(device, seed)`.
pub fn ais_log_partition_from_base<B: Backend>(
    rbm: &Rbm<B>,
    base_visible_bias: &[f32],
    chains: usize,
    temperatures: usize,
    seed: u64,
) -> Result<AisEstimate, MonitorError> {
    if chains == 0 {
        return Err(MonitorError::NoChains);
    }
    if temperatures == 0 {
        return Err(MonitorError::NoTemperatures);
    }
    let (d, h) = (rbm.visible_size(), rbm.hidden_size());
    if base_visible_bias.len() != d {
        return Err(MonitorError::WrongWidth { expected: d, found: base_visible_bias.len() });
    }
    let units = rbm.visible_units();
    let w = rbm.weight.val().detach();
    let device = w.device();
    B::seed(&device, seed);
    let wt = w.clone().transpose();
    let b_b: Tensor<B, 2> = rbm.visible_bias.val().detach().unsqueeze();
    let c: Tensor<B, 2> = rbm.hidden_bias.val().detach().unsqueeze();
    let b_a: Tensor<B, 2> = Tensor::<B, 1>::from_data(TensorData::new(base_visible_bias.to_vec(), [d]), &device).unsqueeze();

    // The base model's hidden units have zero weights and biases: each contributes a factor 2 to Z_A.
    let hidden_factor = h as f64 * std::f64::consts::LN_2;
    let log_z_base = hidden_factor
        + match units {
            VisibleUnits::Binary => base_visible_bias.iter().map(|&x| softplus_f64(f64::from(x))).sum::<f64>(),
            VisibleUnits::Gaussian => 0.5 * d as f64 * (std::f64::consts::TAU).ln(),
        };

    // Exact sample of the base model.
    let mut v = match units {
        VisibleUnits::Binary => bernoulli(sigmoid(b_a.clone()).repeat_dim(0, chains)),
        VisibleUnits::Gaussian => b_a.clone().repeat_dim(0, chains) + Tensor::random([chains, d], burn::tensor::Distribution::Normal(0.0, 1.0), &device),
    };
    // (RBM's visible term) − (A's visible term), per chain: log p*_β(v) = base term + β·this + Σ softplus(β a).
    let visible_difference = |v: &Tensor<B, 2>| -> Tensor<B, 2> {
        match units {
            VisibleUnits::Binary => v.clone().matmul((b_b.clone() - b_a.clone()).transpose()),
            VisibleUnits::Gaussian => {
                let da = v.clone() - b_a.clone();
                let db = v.clone() - b_b.clone();
                ((da.clone() * da) - (db.clone() * db)).sum_dim(1) * 0.5
            }
        }
    };

    let betas = ais_schedule(temperatures);
    let mut log_w = vec![0f64; chains];
    let mut partial: Option<Tensor<B, 2>> = None;
    for (step, pair) in betas.windows(2).enumerate() {
        let (previous, beta) = (pair[0], pair[1]);
        let a = v.clone().matmul(w.clone()) + c.clone();
        let increment = visible_difference(&v) * (beta - previous) + (softplus_value(a.clone() * beta) - softplus_value(a.clone() * previous)).sum_dim(1);
        partial = Some(match partial.take() {
            Some(p) => p + increment,
            None => increment,
        });
        if (step + 1) % FLUSH_EVERY == 0 || step + 2 == betas.len() {
            let values = to_f64(partial.take().expect("a partial sum").squeeze_dim::<1>(1));
            log_w.iter_mut().zip(values).for_each(|(l, x)| *l += x);
        }
        if step + 2 < betas.len() {
            // One Gibbs step that leaves p_β invariant.
            let hidden = bernoulli(sigmoid(a * beta));
            let mean = b_a.clone() * (1.0 - beta) + (hidden.matmul(wt.clone()) + b_b.clone()) * beta;
            v = match units {
                VisibleUnits::Binary => bernoulli(sigmoid(mean)),
                VisibleUnits::Gaussian => {
                    let noise = Tensor::random(mean.shape(), burn::tensor::Distribution::Normal(0.0, 1.0), &device);
                    mean + noise
                }
            };
        }
    }

    let max = log_w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let ratios: Vec<f64> = log_w.iter().map(|l| (l - max).exp()).collect();
    let mean = ratios.iter().sum::<f64>() / chains as f64;
    let variance = ratios.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (chains.max(2) - 1) as f64;
    Ok(AisEstimate { log_z: log_z_base + max + mean.ln(), log_z_std: variance.sqrt() / (mean * (chains as f64).sqrt()), log_z_base, chains, temperatures })
}

/// log Z exactly, by enumerating the 2^hidden hidden configurations in chunks and summing out the visible
/// units analytically: log Z = logsumexp_h [c·h + Σ_i softplus(b_i + (Wh)_i)] for binary visible units,
/// logsumexp_h [c·h + ½‖b + Wh‖² − ½‖b‖²] + (D/2)·log 2π for Gaussian ones. Refused above
/// [`EXACT_MAX_HIDDEN`] hidden units.
pub fn exact_log_partition<B: Backend>(rbm: &Rbm<B>) -> Result<f64, MonitorError> {
    let (d, h) = (rbm.visible_size(), rbm.hidden_size());
    if h > EXACT_MAX_HIDDEN {
        return Err(MonitorError::TooManyHidden { hidden: h, max: EXACT_MAX_HIDDEN });
    }
    let wt = rbm.weight.val().detach().transpose();
    let device = wt.device();
    let b: Tensor<B, 2> = rbm.visible_bias.val().detach().unsqueeze();
    let c: Tensor<B, 2> = rbm.hidden_bias.val().detach().unsqueeze_dim(1);
    let total = 1usize << h;
    let mut terms = Vec::with_capacity(total);
    for start in (0..total).step_by(CHUNK) {
        let rows = CHUNK.min(total - start);
        let bits: Vec<f32> = (start..start + rows).flat_map(|config| (0..h).map(move |j| ((config >> j) & 1) as f32)).collect();
        let hidden = Tensor::<B, 2>::from_data(TensorData::new(bits, [rows, h]), &device);
        let x = hidden.clone().matmul(wt.clone()) + b.clone();
        let visible = match rbm.visible_units() {
            VisibleUnits::Binary => softplus_value(x).sum_dim(1),
            VisibleUnits::Gaussian => (x.clone() * x).sum_dim(1) * 0.5,
        };
        terms.extend(to_f64((hidden.matmul(c.clone()) + visible).squeeze_dim::<1>(1)));
    }
    let constant = match rbm.visible_units() {
        VisibleUnits::Binary => 0.0,
        VisibleUnits::Gaussian => {
            let b = to_f64(rbm.visible_bias.val().detach());
            0.5 * d as f64 * std::f64::consts::TAU.ln() - 0.5 * b.iter().map(|x| x * x).sum::<f64>()
        }
    };
    Ok(log_sum_exp(&terms) + constant)
}

/// Average log-likelihood of the rows of `data` given log Z: mean over examples of −F(v) − log Z (a log
/// probability for binary visible units, a log density for Gaussian ones).
pub fn log_likelihood<B: Backend>(rbm: &Rbm<B>, data: Tensor<B, 2>, log_z: f64) -> Result<f64, MonitorError> {
    check_data(rbm, &data)?;
    let n = data.dims()[0];
    let mut sum = 0.0;
    for start in (0..n).step_by(CHUNK) {
        let rows = CHUNK.min(n - start);
        sum += to_f64(rbm.free_energy_value(data.clone().narrow(0, start, rows))).iter().sum::<f64>();
    }
    Ok(-sum / n as f64 - log_z)
}

/// The stochastic pseudo-likelihood of binary data (as scikit-learn's `BernoulliRBM.score_samples` and
/// DLT's `rbm.py`): for each example flip one visible unit i drawn uniformly (from ChaCha8 seeded by `seed`)
/// and take D·log σ(F(ṽ) − F(v)), an unbiased estimate of Σ_i log p(v_i | v_−i); mean over examples.
/// Refused for Gaussian visible units.
pub fn pseudo_likelihood<B: Backend>(rbm: &Rbm<B>, data: Tensor<B, 2>, seed: u64) -> Result<f64, MonitorError> {
    if rbm.visible_units() != VisibleUnits::Binary {
        return Err(MonitorError::BinaryVisibleOnly { monitor: "pseudo-likelihood" });
    }
    check_data(rbm, &data)?;
    let [n, d] = data.dims();
    let device = data.device();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut sum = 0.0;
    for start in (0..n).step_by(CHUNK) {
        let rows = CHUNK.min(n - start);
        let mut mask = vec![0f32; rows * d];
        for r in 0..rows {
            mask[r * d + rng.random_range(0..d)] = 1.0;
        }
        let mask = Tensor::<B, 2>::from_data(TensorData::new(mask, [rows, d]), &device);
        let v = data.clone().narrow(0, start, rows);
        let flipped = v.clone() + mask * (v.clone() * -2.0 + 1.0);
        let f = to_f64(rbm.free_energy_value(v));
        let f_flipped = to_f64(rbm.free_energy_value(flipped));
        // log σ(x) = −softplus(−x).
        sum += f.iter().zip(&f_flipped).map(|(f, g)| -(d as f64) * softplus_f64(-(g - f))).sum::<f64>();
    }
    Ok(sum / n as f64)
}

/// Mean over the rows of `data` of the reconstruction error Σ_i (v_i − v̂_i)² of one mean-field up-down pass
/// ([`Rbm::reconstruction_error`]), in chunks, summed in f64. Lower is better; not a percentage.
pub fn mean_reconstruction_error<B: Backend>(rbm: &Rbm<B>, data: Tensor<B, 2>) -> f64 {
    let n = data.dims()[0];
    if n == 0 {
        return f64::NAN;
    }
    let mut sum = 0.0;
    for start in (0..n).step_by(CHUNK) {
        let rows = CHUNK.min(n - start);
        sum += to_f64(rbm.reconstruction_error(data.clone().narrow(0, start, rows)))[0] * rows as f64;
    }
    sum / n as f64
}

fn check_data<B: Backend>(rbm: &Rbm<B>, data: &Tensor<B, 2>) -> Result<(), MonitorError> {
    let [n, d] = data.dims();
    if d != rbm.visible_size() {
        return Err(MonitorError::WrongWidth { expected: rbm.visible_size(), found: d });
    }
    if n == 0 {
        return Err(MonitorError::EmptyData);
    }
    Ok(())
}

fn to_f64<B: Backend>(t: Tensor<B, 1>) -> Vec<f64> {
    t.into_data().convert::<f64>().into_vec::<f64>().expect("float values")
}

fn softplus_f64(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

fn log_sum_exp(xs: &[f64]) -> f64 {
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    max + xs.iter().map(|x| (x - max).exp()).sum::<f64>().ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_runs_from_zero_to_one_with_salakhutdinov_murray_spacing() {
        let betas = ais_schedule(AIS_TEMPERATURES);
        assert_eq!(betas.len(), AIS_TEMPERATURES + 1);
        assert_eq!((betas[0], *betas.last().unwrap()), (0.0, 1.0));
        assert!(betas.windows(2).all(|w| w[1] > w[0]));
        assert_eq!(betas.iter().filter(|&&b| b < 0.5).count(), 500);
        assert_eq!(betas.iter().filter(|&&b| (0.5..0.9).contains(&b)).count(), 4000);
        for k in [1, 2, 3, 10, 29, 100] {
            let b = ais_schedule(k);
            assert_eq!(b.len(), k + 1, "{k}");
            assert_eq!((b[0], *b.last().unwrap()), (0.0, 1.0), "{k}");
            assert!(b.windows(2).all(|w| w[1] > w[0]), "{k}: {b:?}");
        }
    }
}
