//! Single unsupervised layers: restricted Boltzmann machines and auto-encoders (p.3-4, p.13-16; HG).

use serde::{Deserialize, Serialize};

use crate::recipe::in_range;
use crate::{Activation, RecipeError, defaults};

/// A restricted Boltzmann machine trained by contrastive divergence (p.3, p.15; HG).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RbmSpec {
    /// Number of (binary) hidden units.
    pub hidden: usize,
    /// Visible units: binary (inputs in [0, 1]) or Gaussian with unit variance (standardised inputs).
    pub visible: VisibleUnits,
    /// Gibbs steps k of CD-k.
    pub cd_steps: usize,
    /// Persistent CD: the negative chains carry over between mini-batches instead of restarting at the data.
    pub persistent: bool,
    /// Standard deviation σ of the initial weights N(0, σ²) (p.15).
    pub init_std: f64,
    /// Optional sparsity target on the mean hidden activation.
    pub sparsity: Option<Sparsity>,
}

/// Visible units of an RBM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VisibleUnits {
    /// Bernoulli units; inputs are probabilities in [0, 1].
    Binary,
    /// Gaussian units of unit variance; inputs should be standardised (HG).
    Gaussian,
}

/// A one-hidden-layer auto-encoder: plain, denoising, contractive or sparse (p.3-4, p.13-16).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoEncoderSpec {
    /// Number of hidden units (code size).
    pub hidden: usize,
    /// Encoder non-linearity.
    pub activation: Activation,
    /// Decoder weights are the transpose of the encoder's.
    pub tied: bool,
    /// Reconstruction units and loss (p.14): never a hard non-linearity on reconstructions.
    pub reconstruction: Reconstruction,
    /// Input corruption of the denoising criterion; the clean input is reconstructed (p.4).
    pub corruption: Corruption,
    /// Coefficient of the contractive penalty ‖∂h/∂x‖²_F (p.4, p.16); 0 is off.
    pub contractive: f64,
    /// Optional KL sparsity penalty to a target mean activation (p.13-14).
    pub sparsity: Option<Sparsity>,
}

/// Reconstruction units paired with their loss (p.14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reconstruction {
    /// Sigmoid reconstructions with the cross-entropy to inputs in [0, 1].
    CrossEntropy,
    /// Linear reconstructions with the squared error.
    SquaredError,
}

/// How a denoising auto-encoder corrupts its input (p.4).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Corruption {
    /// No corruption: a plain auto-encoder.
    None,
    /// Each input set to 0 with probability `fraction` (p.4: 20-50 %).
    Masking {
        /// Probability of masking an input.
        fraction: f64,
    },
    /// Additive isotropic Gaussian noise.
    Gaussian {
        /// Standard deviation of the noise.
        std: f64,
    },
    /// Each input set to 0 or 1 (equally likely) with probability `fraction`.
    SaltAndPepper {
        /// Probability of corrupting an input.
        fraction: f64,
    },
}

/// A penalty pulling the mean activation of each hidden unit toward `target` (p.13-14).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sparsity {
    /// Target mean activation ρ (p.13-14: 0.05).
    pub target: f64,
    /// Coefficient of the penalty Σ_j KL(ρ ‖ ρ̂_j).
    pub cost: f64,
}

impl RbmSpec {
    /// The defaults: binary visible units, CD-1, σ = 0.01 (p.15; HG), no sparsity.
    pub fn new(hidden: usize) -> Self {
        RbmSpec { hidden, visible: VisibleUnits::Binary, cd_steps: 1, persistent: false, init_std: defaults::RBM_INIT_STD, sparsity: None }
    }

    pub(crate) fn check(&self, at: &str) -> Result<(), RecipeError> {
        in_range(&format!("{at}.hidden"), self.hidden as f64)?;
        in_range(&format!("{at}.cd_steps"), self.cd_steps as f64)?;
        in_range(&format!("{at}.init_std"), self.init_std)?;
        check_sparsity(self.sparsity, at)
    }
}

impl AutoEncoderSpec {
    /// A denoising auto-encoder with the chapter's defaults: sigmoid units, tied weights, cross-entropy,
    /// masking `fraction` of the inputs (p.4), no contractive or sparsity penalty.
    pub fn denoising(hidden: usize, fraction: f64) -> Self {
        AutoEncoderSpec {
            hidden,
            activation: Activation::Sigmoid,
            tied: true,
            reconstruction: Reconstruction::CrossEntropy,
            corruption: Corruption::Masking { fraction },
            contractive: 0.0,
            sparsity: None,
        }
    }

    pub(crate) fn check(&self, at: &str) -> Result<(), RecipeError> {
        in_range(&format!("{at}.hidden"), self.hidden as f64)?;
        match self.corruption {
            Corruption::Masking { fraction } | Corruption::SaltAndPepper { fraction } => in_range(&format!("{at}.corruption.fraction"), fraction)?,
            Corruption::Gaussian { std } => in_range(&format!("{at}.corruption.std"), std)?,
            Corruption::None => {}
        }
        in_range(&format!("{at}.contractive"), self.contractive)?;
        if self.sparsity.is_some() && self.activation != Activation::Sigmoid {
            return Err(RecipeError::range(
                &format!("{at}.activation"),
                format!("{:?}", self.activation),
                "sigmoid when a KL sparsity target is set (mean activations must be in (0, 1))",
            ));
        }
        check_sparsity(self.sparsity, at)
    }
}

fn check_sparsity(sparsity: Option<Sparsity>, at: &str) -> Result<(), RecipeError> {
    if let Some(s) = sparsity {
        in_range(&format!("{at}.sparsity.target"), s.target)?;
        in_range(&format!("{at}.sparsity.cost"), s.cost)?;
    }
    Ok(())
}
