//! Likelihood monitors of a trained RBM on held-out data: AIS log-likelihood and pseudo-likelihood
//! (HG; Salakhutdinov & Murray 2008).

use burn::tensor::backend::Backend;
use tricks_core::VisibleUnits;
use tricks_models::{AIS_CHAINS, AIS_TEMPERATURES, Rbm, ais_log_partition_from_base, initial_visible_bias, log_likelihood, pseudo_likelihood};

use crate::{DeviceSplit, LikelihoodReport, TrainError};

/// The test log-likelihood under an AIS estimate of log Z, and the pseudo-likelihood, for RBMs with binary
/// visible units; `None` for Gaussian ones (pseudo-likelihood is defined for binary units). AIS starts from
/// the base-rate model of the training data's per-feature means `train_means` (Salakhutdinov & Murray 2008).
pub fn rbm_likelihood<B: Backend>(model: &Rbm<B>, test: &DeviceSplit<B>, train_means: &[f32], seed: u64) -> Result<Option<LikelihoodReport>, TrainError> {
    if model.visible_units() != VisibleUnits::Binary || test.is_empty() {
        return Ok(None);
    }
    let base = initial_visible_bias(VisibleUnits::Binary, train_means);
    let estimate = ais_log_partition_from_base(model, &base, AIS_CHAINS, AIS_TEMPERATURES, seed)?;
    Ok(Some(LikelihoodReport {
        log_partition: estimate.log_z,
        test_log_likelihood: log_likelihood(model, test.inputs.clone(), estimate.log_z)?,
        test_pseudo_likelihood: pseudo_likelihood(model, test.inputs.clone(), seed)?,
    }))
}
