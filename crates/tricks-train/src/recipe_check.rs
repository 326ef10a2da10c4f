//! The gradient check of the code that trains (p.21): the gradient a training step uses — the model's own
//! [`Trainable::batch_loss`] back-propagated, plus the weight-penalty gradient exactly as [`crate::sgd_step`]
//! adds it ([`penalty_gradient`]) — against centred differences of the objective that gradient belongs to
//! (the batch loss with the same random draws, plus [`penalty_value`]), on real examples, in f64.

use std::sync::Mutex;

use burn::backend::{Autodiff, NdArray};
use burn::module::{ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::tensor::{ElementConversion, Tensor, backend::AutodiffBackend};
use tricks_core::{CheckedRecipe, Model, Penalty, Recipe};
use tricks_data::{DataSource, FittedPreprocessing};
use tricks_models::{AutoEncoder, Mlp, Rbm};

use crate::stack::column_means;
use crate::step::{penalty_gradient, penalty_value};
use crate::{DeviceSplit, GradCheck, Level, SgdState, StepSettings, TrainError, Trainable, compare_gradients, sgd_step};

type F64 = Autodiff<NdArray<f64>>;

/// Updates of the recipe's own training step taken on the checked mini-batch before the check, so that it
/// happens at a point where every tensor has a non-trivial gradient: the chapter's MLP presets start with
/// zero output weights, which makes every hidden layer's loss gradient exactly zero at initialisation
/// (*ours*: after one update the output weights are non-zero; two leave a margin).
pub const GRADCHECK_UPDATES: usize = 2;

/// Held while the backend's generator is seeded and drawn from, so that concurrent checks in one process
/// (tests) do not interleave their draws.
static GENERATOR: Mutex<()> = Mutex::new(());

/// The objective as a function of the parameters: the model in, the loss out.
pub type ObjectiveFn<M, B> = Box<dyn Fn(&M) -> Tensor<B, 1>>;

/// A model whose training gradient the check can compare with centred differences: the function of the
/// parameters whose gradient [`Trainable::batch_loss`] computes.
pub trait Objective<B: AutodiffBackend>: Trainable<B> {
    /// The objective whose gradient at `self` is the gradient of `self.batch_loss(x, y, carry)` when the
    /// backend's generator is seeded with `seed` just before, as a function of the parameters with every
    /// random draw (corruption, negative particles) held at what that call drew. By default the batch loss
    /// itself, evaluated after seeding the generator again.
    fn objective(&self, x: Tensor<B, 2>, y: Tensor<B, 2>, carry: &Self::Carry, seed: u64) -> ObjectiveFn<Self, B>
    where
        Self::Carry: Clone + 'static,
        Self: 'static,
    {
        let carry = carry.clone();
        Box::new(move |m: &Self| {
            B::seed(&x.device(), seed);
            m.batch_loss(x.clone(), y.clone(), &mut carry.clone())
        })
    }
}

impl<B: AutodiffBackend> Objective<B> for Mlp<B> {}

/// The corruption depends on the generator only, not on the parameters: the default (the batch loss with
/// the same draws) is the objective.
impl<B: AutodiffBackend> Objective<B> for AutoEncoder<B> {}

/// The batch loss's value is the reconstruction error; its gradient is that of the CD surrogate
/// mean F(v0) − mean F(v_k) with the negative particles v_k it drew held fixed.
impl<B: AutodiffBackend> Objective<B> for Rbm<B> {
    fn objective(&self, x: Tensor<B, 2>, _y: Tensor<B, 2>, carry: &Self::Carry, seed: u64) -> ObjectiveFn<Self, B> {
        B::seed(&x.device(), seed);
        let mut chains = carry.clone().map(Tensor::from_inner);
        let negative = self.cd_negative(x.clone(), &mut chains);
        Box::new(move |m: &Self| m.cd_surrogate(x.clone(), negative.clone()))
    }
}

/// Check the gradient one training step of `model` on the mini-batch (`x`, `y`) uses — `batch_loss`
/// back-propagated with the generator seeded by `seed` and `carry` as the loop carries it, plus
/// [`penalty_gradient`] of `penalty` at scale B′/T = `scale` — against centred differences of
/// [`Objective::objective`] plus [`penalty_value`], at most `entries_per_tensor` entries per tensor.
#[allow(clippy::too_many_arguments)] // the training step's inputs, each as the loop holds it
pub fn check_training_gradient<B: AutodiffBackend, M: Objective<B> + 'static>(
    model: &M,
    x: Tensor<B, 2>,
    y: Tensor<B, 2>,
    carry: &M::Carry,
    penalty: &Penalty,
    scale: f64,
    seed: u64,
    entries_per_tensor: usize,
) -> GradCheck
where
    M::Carry: Clone + 'static,
{
    let _generator = GENERATOR.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    B::seed(&x.device(), seed);
    let loss = model.batch_loss(x.clone(), y.clone(), &mut carry.clone());
    let loss_gradient = GradientsParams::from_grads(loss.backward(), model);
    let mut adder = AddPenaltyGradient { loss: &loss_gradient, out: GradientsParams::new(), penalty, scale };
    model.visit(&mut adder);
    let objective = model.objective(x, y, carry, seed);
    let value = |m: &M| {
        let mut total = PenaltyTotal { penalty, scale, total: 0.0 };
        m.visit(&mut total);
        objective(m).into_scalar().elem::<f64>() + total.total
    };
    compare_gradients(model, &adder.out, &loss_gradient, value, entries_per_tensor)
}

/// The loss gradient of each parameter plus its [`penalty_gradient`], as the update step adds it.
struct AddPenaltyGradient<'a> {
    loss: &'a GradientsParams,
    out: GradientsParams,
    penalty: &'a Penalty,
    scale: f64,
}

impl<B: AutodiffBackend> ModuleVisitor<B> for AddPenaltyGradient<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
        let Some(mut g) = self.loss.get::<B::InnerBackend, D>(param.id) else { return };
        if let Some(p) = penalty_gradient(param.val().inner(), self.penalty, self.scale) {
            g = g + p;
        }
        self.out.register(param.id, g);
    }
}

/// Σ over parameters of [`penalty_value`].
struct PenaltyTotal<'a> {
    penalty: &'a Penalty,
    scale: f64,
    total: f64,
}

impl<B: AutodiffBackend> ModuleVisitor<B> for PenaltyTotal<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
        if let Some(p) = penalty_value(param.val().inner(), self.penalty, self.scale) {
            self.total += p.into_scalar().elem::<f64>();
        }
    }
}

/// `model` after [`GRADCHECK_UPDATES`] updates of the recipe's own step on (`x`, `y`), and the carry the
/// loop would hold then.
fn warmed_up<M: Trainable<F64>>(mut model: M, recipe: &Recipe, x: &Tensor<F64, 2>, y: &Tensor<F64, 2>, scale: f64) -> (M, M::Carry) {
    let mut state = SgdState::default();
    let mut carry = M::Carry::default();
    let settings = StepSettings { learning_rate: recipe.optimiser.learning_rate, momentum_beta: recipe.optimiser.momentum_beta, penalty_scale: scale, recipe };
    {
        let _generator = GENERATOR.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        <F64 as burn::tensor::backend::Backend>::seed(&x.device(), recipe.seed);
        for _ in 0..GRADCHECK_UPDATES {
            let loss = model.batch_loss(x.clone(), y.clone(), &mut carry);
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = sgd_step(model, grads, &mut state, settings);
        }
    }
    (model, carry)
}

/// Check the gradient of `recipe`'s training step (see the module docs) for its model after
/// [`GRADCHECK_UPDATES`] updates — for a stack, the fine-tuned network and every level (`level1.…`, each on
/// the code of the levels below) — on the first `examples` training examples of `data`, at most
/// `entries_per_tensor` entries per parameter tensor. Computed in f64 on the CPU. A tensor whose loss
/// gradient is all zeros fails the check.
pub fn check_recipe_gradients(recipe: &CheckedRecipe, data: &DataSource, examples: usize, entries_per_tensor: usize) -> Result<GradCheck, TrainError> {
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
    let check = |recipe: &Recipe, x: Tensor<F64, 2>| -> (GradCheck, Option<Tensor<F64, 2>>) {
        let inputs = x.dims()[1];
        // The penalty's share in an update on this batch, as training scales it (p.12).
        let scale = recipe.penalty.scale(rows.len(), recipe.optimiser.batch_size, splits.train.len());
        let seed = recipe.seed;
        match &recipe.model {
            Model::Mlp(_) | Model::Stack(_) => {
                let spec = recipe.model.classifier().expect("a classifier");
                let model = Mlp::<F64>::new(&spec, inputs, batch.classes, seed, &device);
                let (model, carry) = warmed_up(model, recipe, &x, &y, scale);
                (check_training_gradient(&model, x, y.clone(), &carry, &recipe.penalty, scale, seed, entries_per_tensor), None)
            }
            Model::AutoEncoder(spec) => {
                let model = AutoEncoder::<F64>::new(spec, inputs, seed, &device);
                let (model, carry) = warmed_up(model, recipe, &x, &y, scale);
                let code = model.code(x.clone()).detach();
                (check_training_gradient(&model, x, y.clone(), &carry, &recipe.penalty, scale, seed, entries_per_tensor), Some(code))
            }
            Model::Rbm(spec) => {
                let model = Rbm::<F64>::new(spec, inputs, &column_means(&x), seed, &device);
                let (model, carry) = warmed_up(model, recipe, &x, &y, scale);
                let code = model.code(x.clone()).detach();
                (check_training_gradient(&model, x, y.clone(), &carry, &recipe.penalty, scale, seed, entries_per_tensor), Some(code))
            }
        }
    };
    let mut tensors = check(recipe, x.clone()).0.tensors;
    if let Model::Stack(stack) = &recipe.model {
        // Each level on the code of the (warmed-up) levels below.
        let examples = x.dims()[0];
        let mut code = x;
        for i in 0..stack.layers.len() {
            let level = recipe.level_recipe(i, examples).expect("the level exists");
            let (level_check, next) = check(&level, code);
            for mut t in level_check.tensors {
                t.path = format!("level{}.{}", i + 1, t.path);
                tensors.push(t);
            }
            code = next.expect("a level has a code");
        }
    }
    let mut check = GradCheck { tensors };
    check.sort(crate::GRADCHECK_THRESHOLD);
    Ok(check)
}
