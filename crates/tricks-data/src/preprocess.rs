//! Input preprocessing fitted on the training split only (chapter p.15-16), stored with the model as
//! JSON. The choice is [`tricks_core::Preprocessing`]; the fitted values are [`FittedPreprocessing`].

use std::path::PathBuf;

use nalgebra::{DMatrix, SymmetricEigen};
use serde::{Deserialize, Serialize};
use tricks_core::Preprocessing;

use crate::{DataError, Dataset};

/// A standard deviation below `MIN_STD * max(1, |mean|)` is replaced by 1 (*ours*), so a constant
/// feature (a pixel that is always 0) stays at 0 instead of becoming 0/0.
pub const MIN_STD: f64 = 1e-6;

/// At most this many quantiles are kept per feature by uniformisation (*ours*), to keep the stored
/// model small.
pub const MAX_QUANTILES: usize = 1000;

/// Rows per block when computing covariances and projections (bounds the temporary memory).
const BLOCK_ROWS: usize = 2048;

/// The empirical distribution of one feature, as kept by uniformisation: its sorted distinct values
/// among at most [`MAX_QUANTILES`] training quantiles, and for each value the lowest and highest
/// cumulative level (in [0, 1]) at which it occurs.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Knots {
    /// Distinct training values, increasing.
    pub values: Vec<f32>,
    /// Lowest quantile level of each value.
    pub lower: Vec<f32>,
    /// Highest quantile level of each value.
    pub upper: Vec<f32>,
}

impl Knots {
    /// The empirical CDF at `x`: the middle of a value's level range when `x` is a training value
    /// (ties share one level, as in scikit-learn's `QuantileTransformer`), linear between values,
    /// 0 below the smallest and 1 above the largest. Non-decreasing in `x`.
    pub fn cdf(&self, x: f32) -> f32 {
        let k = self.values.partition_point(|v| *v < x);
        if k < self.values.len() && self.values[k] == x {
            return 0.5 * (self.lower[k] + self.upper[k]);
        }
        if k == 0 {
            return 0.0;
        }
        if k == self.values.len() {
            return 1.0;
        }
        let (v0, v1) = (self.values[k - 1], self.values[k]);
        let (p0, p1) = (self.upper[k - 1], self.lower[k]);
        let t = (x - v0) / (v1 - v0);
        (p0 + t * (p1 - p0)).clamp(p0, p1)
    }

    /// Fit on one feature's training values (sorted in place).
    fn fit(values: &mut [f32]) -> Knots {
        values.sort_unstable_by(f32::total_cmp);
        let n = values.len();
        let q = n.min(MAX_QUANTILES);
        let mut knots = Knots { values: Vec::new(), lower: Vec::new(), upper: Vec::new() };
        for i in 0..q {
            // Nearest-rank quantile at level i/(q-1): position round(i (n-1) / (q-1)); all rows if q == n.
            let (pos, level) = if q == 1 { (0, 0.5) } else { ((i * (n - 1) + (q - 1) / 2) / (q - 1), i as f32 / (q - 1) as f32) };
            let v = values[pos];
            if knots.values.last() == Some(&v) {
                *knots.upper.last_mut().expect("same length as values") = level;
            } else {
                knots.values.push(v);
                knots.lower.push(level);
                knots.upper.push(level);
            }
        }
        knots
    }
}

/// Preprocessing with its values fitted on a training set; serialisable (JSON via serde, f32 values
/// round-trip exactly) so it is stored with the model and applied again at prediction time.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum FittedPreprocessing {
    /// Inputs used as loaded.
    None {
        /// Features in and out.
        dim: usize,
    },
    /// `(x - mean) / std` per feature (p.15); a tiny std is replaced by 1 (see [`MIN_STD`]).
    Standardise {
        /// Training mean per feature.
        mean: Vec<f32>,
        /// Training standard deviation per feature (population, divided by n).
        std: Vec<f32>,
    },
    /// Projection of the centred input on the leading principal components (p.15); no whitening.
    Pca {
        /// The fraction of training variance asked for, in (0, 1].
        variance_kept: f64,
        /// Training mean per input feature.
        mean: Vec<f32>,
        /// `kept × dim` row-major: unit-length principal directions, by decreasing variance, each
        /// signed so that its largest-magnitude entry is positive.
        components: Vec<f32>,
        /// Components kept: the fewest whose eigenvalues reach `variance_kept` of the total.
        kept: usize,
    },
    /// Each feature mapped through its training empirical CDF to [0, 1] (p.16), see [`Knots::cdf`].
    Uniformise {
        /// One distribution per feature.
        features: Vec<Knots>,
    },
}

/// Where fitting errors point: the training set has no file of its own.
fn training_set() -> PathBuf {
    PathBuf::from("training set")
}

/// Refuse empty or non-finite training data.
fn check_train(train: &Dataset) -> Result<(), DataError> {
    if train.is_empty() || train.dim == 0 {
        return Err(DataError::Empty { path: training_set(), detail: "preprocessing needs at least one training example with at least one feature".into() });
    }
    if let Some(at) = train.features.iter().position(|x| !x.is_finite()) {
        return Err(DataError::NonFinite {
            path: training_set(),
            place: format!("row {}", at / train.dim),
            column: at % train.dim + 1,
            value: train.features[at].to_string(),
        });
    }
    Ok(())
}

/// Per-feature mean of the training rows, in f64.
fn mean(train: &Dataset) -> Vec<f64> {
    let mut sum = vec![0.0f64; train.dim];
    for i in 0..train.len() {
        for (s, &x) in sum.iter_mut().zip(train.row(i)) {
            *s += f64::from(x);
        }
    }
    sum.iter().map(|s| s / train.len() as f64).collect()
}

impl FittedPreprocessing {
    /// Fit `kind` on the training split.
    ///
    /// # Errors
    /// [`DataError::InvalidPreprocessing`] for `variance_kept` outside (0, 1]; [`DataError::Empty`] or
    /// [`DataError::NonFinite`] for unusable training data.
    pub fn fit(kind: &Preprocessing, train: &Dataset) -> Result<Self, DataError> {
        if let Preprocessing::Pca { variance_kept } = kind
            && !(*variance_kept > 0.0 && *variance_kept <= 1.0)
        {
            return Err(DataError::InvalidPreprocessing { what: "variance_kept", value: *variance_kept, allowed: "(0, 1]" });
        }
        check_train(train)?;
        Ok(match kind {
            Preprocessing::None => FittedPreprocessing::None { dim: train.dim },
            Preprocessing::Standardise => fit_standardise(train),
            Preprocessing::Pca { variance_kept } => fit_pca(*variance_kept, train),
            Preprocessing::Uniformise => fit_uniformise(train),
        })
    }

    /// Features expected by [`apply`](Self::apply).
    pub fn input_dim(&self) -> usize {
        match self {
            FittedPreprocessing::None { dim } => *dim,
            FittedPreprocessing::Standardise { mean, .. } | FittedPreprocessing::Pca { mean, .. } => mean.len(),
            FittedPreprocessing::Uniformise { features } => features.len(),
        }
    }

    /// Features produced by [`apply`](Self::apply) (fewer than the input's for PCA).
    pub fn output_dim(&self) -> usize {
        match self {
            FittedPreprocessing::Pca { kept, .. } => *kept,
            _ => self.input_dim(),
        }
    }

    /// Transform `data` (any split). Labels and classes are kept; `image_shape` too, except for PCA
    /// whose outputs are not pixels.
    ///
    /// # Panics
    /// If `data.dim` differs from [`input_dim`](Self::input_dim).
    pub fn apply(&self, data: &Dataset) -> Dataset {
        self.apply_owned(data.clone())
    }

    /// [`apply`](Self::apply) to a data set given away, transformed where it lies (no second copy of a
    /// large training set; PCA, which changes the width, writes a new one).
    ///
    /// # Panics
    /// If `data.dim` differs from [`input_dim`](Self::input_dim).
    pub fn apply_owned(&self, mut data: Dataset) -> Dataset {
        assert_eq!(data.dim, self.input_dim(), "preprocessing fitted on {} features applied to data with {}", self.input_dim(), data.dim);
        let dim = data.dim;
        match self {
            FittedPreprocessing::None { .. } => {}
            FittedPreprocessing::Standardise { mean, std } => {
                for row in data.features.chunks_exact_mut(dim) {
                    for ((x, m), s) in row.iter_mut().zip(mean).zip(std) {
                        *x = (*x - m) / s;
                    }
                }
            }
            FittedPreprocessing::Uniformise { features } => {
                for row in data.features.chunks_exact_mut(dim) {
                    for (x, knots) in row.iter_mut().zip(features) {
                        *x = knots.cdf(*x);
                    }
                }
            }
            FittedPreprocessing::Pca { mean, components, kept, .. } => {
                data.features = project(&data, mean, components, *kept);
                data.dim = *kept;
                data.image_shape = None;
            }
        }
        data
    }
}

/// Per-feature mean and population std; tiny std → 1.
fn fit_standardise(train: &Dataset) -> FittedPreprocessing {
    let mu = mean(train);
    let mut var = vec![0.0f64; train.dim];
    for i in 0..train.len() {
        for ((v, &x), m) in var.iter_mut().zip(train.row(i)).zip(&mu) {
            let d = f64::from(x) - m;
            *v += d * d;
        }
    }
    let std = var
        .iter()
        .zip(&mu)
        .map(|(v, m)| {
            let s = (v / train.len() as f64).sqrt();
            if s < MIN_STD * m.abs().max(1.0) { 1.0 } else { s as f32 }
        })
        .collect();
    FittedPreprocessing::Standardise { mean: mu.iter().map(|&m| m as f32).collect(), std }
}

/// Centre, covariance in f64 (blocked, via nalgebra's gemm), symmetric eigen-decomposition, keep the
/// fewest leading components whose eigenvalues reach `variance_kept` of their sum.
fn fit_pca(variance_kept: f64, train: &Dataset) -> FittedPreprocessing {
    let (n, d) = (train.len(), train.dim);
    let mu = mean(train);
    let mut cov = DMatrix::<f64>::zeros(d, d);
    for start in (0..n).step_by(BLOCK_ROWS) {
        let rows = BLOCK_ROWS.min(n - start);
        let centred: Vec<f64> =
            train.features[start * d..(start + rows) * d].chunks_exact(d).flat_map(|row| row.iter().zip(&mu).map(|(&x, m)| f64::from(x) - m)).collect();
        // Row-major rows×d is column-major d×rows: this is Xᵀ, and cov += Xᵀ X.
        let xt = DMatrix::from_vec(d, rows, centred);
        cov.gemm(1.0 / n as f64, &xt, &xt.transpose(), 1.0);
    }
    let eigen = SymmetricEigen::new(cov);
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]).then(a.cmp(&b)));
    let values: Vec<f64> = order.iter().map(|&i| eigen.eigenvalues[i].max(0.0)).collect();
    let total: f64 = values.iter().sum();
    let mut kept = d;
    let mut cum = 0.0;
    for (k, v) in values.iter().enumerate() {
        cum += v;
        if cum >= variance_kept * total {
            kept = k + 1;
            break;
        }
    }
    let mut components = Vec::with_capacity(kept * d);
    for &i in &order[..kept] {
        let col = eigen.eigenvectors.column(i);
        let biggest = col.iter().copied().fold(0.0f64, |b, x| if x.abs() > b.abs() { x } else { b });
        let sign = if biggest < 0.0 { -1.0 } else { 1.0 };
        components.extend(col.iter().map(|&x| (sign * x) as f32));
    }
    FittedPreprocessing::Pca { variance_kept, mean: mu.iter().map(|&m| m as f32).collect(), components, kept }
}

/// `(x - mean) · componentsᵀ` for every row, in f32 blocks through nalgebra's gemm.
fn project(data: &Dataset, mean: &[f32], components: &[f32], kept: usize) -> Vec<f32> {
    let d = data.dim;
    // Row-major kept×d components are column-major d×kept: Cᵀ; we need C.
    let c = DMatrix::from_column_slice(d, kept, components).transpose();
    let mut out = Vec::with_capacity(data.len() * kept);
    for start in (0..data.len()).step_by(BLOCK_ROWS) {
        let rows = BLOCK_ROWS.min(data.len() - start);
        let centred: Vec<f32> = data.features[start * d..(start + rows) * d].chunks_exact(d).flat_map(|row| row.iter().zip(mean).map(|(x, m)| x - m)).collect();
        let xt = DMatrix::from_vec(d, rows, centred);
        // C Xᵀ is kept×rows column-major, which is rows×kept row-major: the output layout.
        out.extend_from_slice((&c * xt).as_slice());
    }
    out
}

/// Quantile knots per feature.
fn fit_uniformise(train: &Dataset) -> FittedPreprocessing {
    let mut column = vec![0.0f32; train.len()];
    let features = (0..train.dim)
        .map(|j| {
            for (i, v) in column.iter_mut().enumerate() {
                *v = train.features[i * train.dim + j];
            }
            Knots::fit(&mut column)
        })
        .collect();
    FittedPreprocessing::Uniformise { features }
}
