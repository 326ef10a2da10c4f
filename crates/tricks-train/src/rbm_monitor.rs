//! Likelihood monitors of a trained RBM on held-out data: AIS log-likelihood and pseudo-likelihood
//! (HG; Salakhutdinov & Murray 2008).

use burn::tensor::backend::Backend;
use tricks_core::VisibleUnits;
use tricks_models::{AIS_CHAINS, AIS_TEMPERATURES, Rbm, ais_log_partition, log_likelihood, pseudo_likelihood};

use crate::{DeviceSplit, LikelihoodReport, TrainError};

/// The test log-likelihood under an AIS estimate of log Z, and the pseudo-likelihood, for RBMs with binary
/// visible units; `None` for Gaussian ones (their partition function is not estimated here).
pub fn rbm_likelihood<B: Backend>(model: &Rbm<B>, test: &DeviceSplit<B>, seed: u64) -> Result<Option<LikelihoodReport>, TrainError> {
    if model.visible_units() != VisibleUnits::Binary || test.is_empty() {
        return Ok(None);
    }
    let estimate = ais_log_partition(model, AIS_CHAINS, AIS_TEMPERATURES, seed)?;
    Ok(Some(LikelihoodReport {
        log_partition: estimate.log_z,
        test_log_likelihood: log_likelihood(model, test.inputs.clone(), estimate.log_z)?,
        test_pseudo_likelihood: pseudo_likelihood(model, test.inputs.clone(), seed)?,
    }))
}
