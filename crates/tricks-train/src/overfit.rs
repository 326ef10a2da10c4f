//! Controlled over-fitting (p.21-22): a correct training procedure drives the training error on a small
//! subset to about zero; if it cannot, something is wrong with the model, the gradient or the settings.

use burn::tensor::backend::AutodiffBackend;
use tricks_core::{CheckedRecipe, Recipe, Stopping};
use tricks_data::{DataSource, FittedPreprocessing};
use tricks_models::Mlp;

use crate::{DeviceSplit, Progress, TrainError, classifier_of, fit};

/// Training error (percent) at or below which a subset counts as fitted (*ours*: the chapter says "close
/// to zero").
pub const OVERFIT_PASS_ERROR: f64 = 1.0;

/// What the over-fitting check found.
#[derive(Debug, Clone)]
pub struct OverfitReport {
    /// Examples in the subset (the first of the training split).
    pub examples: usize,
    /// Epochs trained.
    pub epochs: usize,
    /// Training error on the subset at the end, in percent.
    pub train_error: f64,
    /// Whether the error reached [`OVERFIT_PASS_ERROR`].
    pub passed: bool,
    /// What to suspect when it did not, most likely first.
    pub suspects: Vec<String>,
}

/// Train `recipe`'s model on the first `examples` training examples of `data` for `epochs` epochs, without
/// early stopping, and report the training error it reaches on them.
pub fn overfit<B: AutodiffBackend>(
    recipe: &CheckedRecipe,
    data: &DataSource,
    examples: usize,
    epochs: usize,
    device: &B::Device,
    progress: &mut dyn Progress,
) -> Result<OverfitReport, TrainError> {
    let splits = tricks_data::load(data)?;
    let rows: Vec<usize> = (0..examples.min(splits.train.len())).collect();
    let subset = splits.train.subset(&rows);
    let preprocessing = FittedPreprocessing::fit(&recipe.preprocessing, &subset)?;
    let subset = preprocessing.apply(&subset);
    let recipe = recipe.edited(|r| {
        r.stopping = Stopping::off(epochs);
        r.validate_every = None;
    })?;
    let spec = classifier_of(&recipe, "the over-fitting check")?;
    let model = Mlp::<B>::new(&spec, subset.dim, subset.classes, recipe.seed, device);
    let train = DeviceSplit::<B>::classification(&subset, device);
    let fitted = fit(&model, &recipe, &train, &train.inner(), progress)?;
    let passed = fitted.valid_error <= OVERFIT_PASS_ERROR;
    let suspects = if passed { Vec::new() } else { suspects(&recipe, fitted.restarts, &fitted.curve) };
    Ok(OverfitReport { examples: rows.len(), epochs: fitted.epochs, train_error: fitted.valid_error, passed, suspects })
}

fn suspects(recipe: &Recipe, restarts: u32, curve: &[crate::CurvePoint]) -> Vec<String> {
    let mut s = Vec::new();
    let first = curve.first().map_or(f64::NAN, |p| p.train_loss);
    let last = curve.last().map_or(f64::NAN, |p| p.train_loss);
    if restarts > 0 {
        s.push(format!("training diverged {restarts} time(s): the learning rate is too large for this model (p.5)"));
    }
    if last > 0.5 * first {
        s.push(format!(
            "the training loss barely fell ({first:.4} → {last:.4}): raise optimiser.learning_rate (now {}) by ×3 steps (p.8-9), or train more epochs",
            recipe.optimiser.learning_rate
        ));
    } else {
        s.push("the loss falls but too slowly: more epochs, or a larger learning rate (p.8-9)".into());
    }
    if let Some(spec) = recipe.model.classifier() {
        s.push(format!("capacity: {:?} hidden units may be too few to memorise the subset (p.11)", spec.hidden));
    }
    if recipe.penalty.l1 > 0.0 || recipe.penalty.l2 > 0.0 {
        s.push("weight penalties keep the model from fitting: set penalty.l1 and penalty.l2 to 0 for this check (p.12)".into());
    }
    s.push("a wrong gradient: run `tricks gradcheck` on this recipe (p.21)".into());
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Silent;
    use burn::backend::{Autodiff, NdArray};

    type B = Autodiff<NdArray>;

    #[test]
    fn the_default_recipe_fits_100_digits_and_a_frozen_learning_rate_does_not() {
        let device = Default::default();
        let recipe = Recipe::chapter_default().check().unwrap();
        let ok = overfit::<B>(&recipe, &DataSource::Digits, 100, 300, &device, &mut Silent).unwrap();
        assert!(ok.passed && ok.train_error <= OVERFIT_PASS_ERROR, "{ok:?}");
        assert_eq!(ok.examples, 100);

        let frozen = recipe.edited(|r| r.optimiser.learning_rate = 1e-7).unwrap();
        let bad = overfit::<B>(&frozen, &DataSource::Digits, 100, 20, &device, &mut Silent).unwrap();
        assert!(!bad.passed);
        assert!(bad.suspects[0].contains("learning_rate"), "{:?}", bad.suspects);
    }
}
