//! The chapter's SGD update for one mini-batch, applied to every parameter of any module (p.6-13).
//!
//! Burn's own optimisers decay biases too, have no L1, use conventional momentum and one rate for all
//! parameters; the chapter wants weights-only penalties scaled by B′/T, its momentum form, and per-layer
//! and bias rates. Rank ≥ 2 parameters are weights, rank 1 are biases; a layer is a module that holds
//! parameters directly, numbered in visiting order (input side first).

use burn::module::{AutodiffModule, ModuleMapper, Param};
use burn::optim::GradientsParams;
use burn::tensor::{
    Tensor,
    backend::{AutodiffBackend, Backend},
};
use tricks_core::{Penalty, Recipe};

/// Optimiser state carried between updates: the chapter-form momentum average ḡ per parameter.
#[derive(Default)]
pub struct SgdState {
    momentum: GradientsParams,
}

impl SgdState {
    /// The momentum averages ḡ by parameter id (empty without momentum).
    pub(crate) fn momentum(&self) -> &GradientsParams {
        &self.momentum
    }

    /// The state holding `momentum`, as checkpointed.
    pub(crate) fn with_momentum(momentum: GradientsParams) -> Self {
        SgdState { momentum }
    }
}

/// Everything one update needs besides the gradients.
#[derive(Debug, Clone, Copy)]
pub struct StepSettings<'a> {
    /// ε_t for this update (schedule already applied).
    pub learning_rate: f64,
    /// Chapter-form momentum β for this update (ramp already applied).
    pub momentum_beta: f64,
    /// The share of the penalty's gradient in this update ([`tricks_core::Penalty::scale`], p.12).
    pub penalty_scale: f64,
    /// The recipe's penalties, momentum and per-layer rates.
    pub recipe: &'a Recipe,
}

/// θ ← θ − ε_t·m_layer·m_bias·ḡ, with ḡ ← (1−β)ḡ + βg and, for weights, g += s·(2λ2·w + λ1·sign(w)), s the penalty scale.
pub fn sgd_step<B: AutodiffBackend, M: AutodiffModule<B>>(model: M, grads: GradientsParams, state: &mut SgdState, settings: StepSettings<'_>) -> M {
    let mut mapper = StepMapper::<B> { grads, state, settings, path: Vec::new(), layers: Vec::new(), _b: Default::default() };
    model.map(&mut mapper)
}

struct StepMapper<'a, B> {
    grads: GradientsParams,
    state: &'a mut SgdState,
    settings: StepSettings<'a>,
    path: Vec<String>,
    layers: Vec<String>,
    _b: std::marker::PhantomData<B>,
}

impl<B: AutodiffBackend> StepMapper<'_, B> {
    fn layer_index(&mut self) -> usize {
        let owner = self.path[..self.path.len().saturating_sub(1)].join(".");
        match self.layers.iter().position(|l| *l == owner) {
            Some(i) => i,
            None => {
                self.layers.push(owner);
                self.layers.len() - 1
            }
        }
    }
}

impl<B: AutodiffBackend> ModuleMapper<B> for StepMapper<'_, B> {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<B, D>>) -> Param<Tensor<B, D>> {
        let (id, tensor, mapper) = param.consume();
        let Some(mut g) = self.grads.remove::<B::InnerBackend, D>(id) else {
            return Param::from_mapped_value(id, tensor, mapper);
        };
        let layer = self.layer_index();
        let o = &self.settings.recipe.optimiser;
        let p = &self.settings.recipe.penalty;
        let w = tensor.inner();
        let is_weight = D >= 2;
        if let Some(penalty) = penalty_gradient(w.clone(), p, self.settings.penalty_scale) {
            g = g + penalty;
        }
        let beta = self.settings.momentum_beta;
        if beta < 1.0 {
            let previous = self.state.momentum.remove::<B::InnerBackend, D>(id).unwrap_or_else(|| g.zeros_like());
            g = previous * (1.0 - beta) + g * beta;
            self.state.momentum.register(id, g.clone());
        }
        let mut rate = self.settings.learning_rate * o.layer_learning_rates.get(layer).copied().unwrap_or(1.0);
        if !is_weight {
            rate *= o.bias_learning_rate;
        }
        let updated = Tensor::from_inner(w - g * rate).require_grad();
        Param::from_mapped_value(id, updated, mapper)
    }
}

/// The weight penalty of one parameter in the objective the update descends: s·(λ2·Σw² + λ1·Σ|w|) for a
/// weight (rank ≥ 2), with s = B′/T; `None` for a bias (rank 1) and when both λ are zero. The gradient
/// check adds it to the loss; its gradient is [`penalty_gradient`].
pub fn penalty_value<B: Backend, const D: usize>(w: Tensor<B, D>, penalty: &Penalty, scale: f64) -> Option<Tensor<B, 1>> {
    if D < 2 || (penalty.l2 == 0.0 && penalty.l1 == 0.0) {
        return None;
    }
    Some(w.clone().powi_scalar(2).sum() * (penalty.l2 * scale) + w.abs().sum() * (penalty.l1 * scale))
}

/// The gradient of [`penalty_value`] that the update adds to a weight's loss gradient:
/// s·(2λ2·w + λ1·sign(w)); `None` where there is no penalty.
pub fn penalty_gradient<B: Backend, const D: usize>(w: Tensor<B, D>, penalty: &Penalty, scale: f64) -> Option<Tensor<B, D>> {
    if D < 2 || (penalty.l2 == 0.0 && penalty.l1 == 0.0) {
        return None;
    }
    Some(w.clone() * (2.0 * penalty.l2 * scale) + w.sign() * (penalty.l1 * scale))
}
