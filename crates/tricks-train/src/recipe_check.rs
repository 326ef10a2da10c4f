//! The gradient check of a recipe's model and loss on real examples, in f64 (p.21).

use burn::backend::{Autodiff, NdArray};
use tricks_core::{Model, Recipe, penalty_scale};
use tricks_data::{DataSource, FittedPreprocessing};
use tricks_models::Mlp;

use crate::{DeviceSplit, GradCheck, TrainError, gradient_check_sampled};

type F64 = Autodiff<NdArray<f64>>;

/// Check the gradient of `recipe`'s training criterion (mean loss plus weight penalties scaled by B/T) for
/// its model at initialisation, on the first `examples` training examples of `data`, at most
/// `entries_per_tensor` entries per parameter tensor. Computed in f64 on the CPU.
pub fn check_recipe_gradients(
    recipe: &Recipe,
    data: &DataSource,
    examples: usize,
    entries_per_tensor: usize,
) -> Result<GradCheck, TrainError> {
    recipe.check()?;
    let splits = tricks_data::load(data)?;
    let preprocessing = FittedPreprocessing::fit(&recipe.preprocessing, &splits.train)?;
    let rows: Vec<usize> = (0..examples.clamp(1, splits.train.len())).collect();
    let batch = preprocessing.apply(&splits.train.subset(&rows));
    let device = Default::default();
    let split = DeviceSplit::<F64>::classification(&batch, &device);
    if split.inputs.dtype() != burn::tensor::DType::F64 {
        // Burn 0.21 keeps one float type per device: after f32 work on the CPU in this process, "f64"
        // tensors are silently f32, too coarse for centred differences.
        return Err(TrainError::Precision);
    }
    let (x, y) = (split.inputs.clone(), split.targets.clone());
    let Model::Mlp(spec) = &recipe.model;
    let model = Mlp::<F64>::new(spec, batch.dim, batch.classes, recipe.seed, &device);
    let scale = penalty_scale(rows.len(), splits.train.len());
    let (l1, l2) = (recipe.penalty.l1, recipe.penalty.l2);
    Ok(gradient_check_sampled(
        &model,
        |m: &Mlp<F64>| {
            let mut criterion = m.loss(x.clone(), y.clone());
            for layer in &m.layers {
                let w = layer.weight.val();
                if l2 > 0.0 {
                    criterion = criterion + w.clone().powi_scalar(2).sum() * (l2 * scale);
                }
                if l1 > 0.0 {
                    criterion = criterion + w.abs().sum() * (l1 * scale);
                }
            }
            criterion
        },
        entries_per_tensor,
    ))
}
