//! The gradient check of a recipe's model and loss on real examples, in f64 (p.21).

use burn::backend::{Autodiff, NdArray};
use burn::tensor::Tensor;
use tricks_core::{CheckedRecipe, Model, Recipe, penalty_scale};
use tricks_data::{DataSource, FittedPreprocessing};
use tricks_models::{AutoEncoder, Mlp, Rbm};

use crate::stack::column_means;
use crate::{DeviceSplit, GradCheck, Level, TrainError, gradient_check_sampled};

type F64 = Autodiff<NdArray<f64>>;

/// Check the gradient of `recipe`'s training criterion (mean loss plus weight penalties scaled by B/T) for
/// its model at initialisation — for a stack, the fine-tuned network and every level (`level1.…`); for an
/// RBM, the contrastive-divergence surrogate with fixed negative particles — on the first `examples` training examples of `data`, at most
/// `entries_per_tensor` entries per parameter tensor. Computed in f64 on the CPU.
pub fn check_recipe_gradients(
    recipe: &CheckedRecipe,
    data: &DataSource,
    examples: usize,
    entries_per_tensor: usize,
) -> Result<GradCheck, TrainError> {
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
    // Corruption and the RBM's negative particles are sampled: seeded, so that a check repeats.
    <F64 as burn::tensor::backend::Backend>::seed(&device, recipe.seed);
    let (x, y) = (split.inputs.clone(), split.targets.clone());
    let scale = penalty_scale(rows.len(), splits.train.len());
    let check = |recipe: &Recipe, x: Tensor<F64, 2>| -> GradCheck {
        let penalty = recipe.penalty.clone();
        let seed = recipe.seed;
        let inputs = x.dims()[1];
        let with_penalty = |criterion: Tensor<F64, 1>, weights: Vec<Tensor<F64, 2>>| {
            weights.into_iter().fold(criterion, |c, w| {
                c + w.clone().powi_scalar(2).sum() * (penalty.l2 * scale) + w.abs().sum() * (penalty.l1 * scale)
            })
        };
        match &recipe.model {
            Model::Mlp(_) | Model::Stack(_) => {
                let spec = recipe.model.classifier().expect("a classifier");
                let model = Mlp::<F64>::new(&spec, inputs, batch.classes, seed, &device);
                let weights = |m: &Mlp<F64>| m.layers.iter().map(|l| l.weight.val()).collect();
                gradient_check_sampled(&model, |m| with_penalty(m.loss(x.clone(), y.clone()), weights(m)), entries_per_tensor)
            }
            Model::AutoEncoder(spec) => {
                let model = AutoEncoder::<F64>::new(spec, inputs, seed, &device);
                // One fixed corruption, so that the criterion is a deterministic function of the parameters.
                let corrupted = model.corrupt(x.clone());
                let weights = |m: &AutoEncoder<F64>| std::iter::once(m.encoder.weight.val()).chain(m.decoder_weight.as_ref().map(|w| w.val())).collect();
                gradient_check_sampled(&model, |m| with_penalty(m.loss_from(corrupted.clone(), x.clone()), weights(m)), entries_per_tensor)
            }
            Model::Rbm(spec) => {
                let model = Rbm::<F64>::new(spec, inputs, &column_means(&x), seed, &device);
                // The CD surrogate with fixed negative particles: mean F(v0) − mean F(v_k) + sparsity.
                let negative = model.visible_mean(model.sample_hidden(x.clone())).detach();
                let criterion = |m: &Rbm<F64>| m.free_energy(x.clone()).mean() - m.free_energy(negative.clone()).mean() + m.sparsity_penalty(x.clone());
                gradient_check_sampled(&model, |m| with_penalty(criterion(m), vec![m.weight.val()]), entries_per_tensor)
            }
        }
    };
    let mut tensors = check(recipe, x.clone()).tensors;
    if let Model::Stack(stack) = &recipe.model {
        // Each level at initialisation, on the code of the (initial) levels below.
        let examples = x.dims()[0];
        let mut code = x;
        for i in 0..stack.layers.len() {
            let level = recipe.level_recipe(i, examples).expect("the level exists");
            for mut t in check(&level, code.clone()).tensors {
                t.path = format!("level{}.{}", i + 1, t.path);
                tensors.push(t);
            }
            code = level_code(&level, code, &device);
        }
    }
    tensors.sort_by(|a, b| b.max_relative_error.total_cmp(&a.max_relative_error));
    Ok(GradCheck { tensors })
}

/// The code of `x` by level `level` at initialisation.
fn level_code(level: &Recipe, x: Tensor<F64, 2>, device: &burn::backend::ndarray::NdArrayDevice) -> Tensor<F64, 2> {
    let inputs = x.dims()[1];
    match &level.model {
        Model::Rbm(spec) => Rbm::<F64>::new(spec, inputs, &vec![0.5; inputs], level.seed, device).code(x),
        Model::AutoEncoder(spec) => AutoEncoder::<F64>::new(spec, inputs, level.seed, device).code(x),
        Model::Mlp(_) | Model::Stack(_) => x,
    }
}
