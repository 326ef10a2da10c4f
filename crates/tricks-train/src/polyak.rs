//! Polyak averaging: predict with a moving average of the parameters (p.10).

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, backend::Backend};

/// Exponential moving average θ̄ ← d·θ̄ + (1−d)·θ of every parameter of a module.
pub struct ParameterAverage {
    decay: f64,
    average: GradientsParams,
}

impl ParameterAverage {
    /// An empty average with decay `decay`; the first update copies the parameters.
    pub fn new(decay: f64) -> Self {
        ParameterAverage { decay, average: GradientsParams::new() }
    }

    /// Fold the current parameters of `model` into the average.
    pub fn update<B: Backend, M: Module<B>>(&mut self, model: &M) {
        model.visit(&mut Fold::<B> { avg: self, _b: Default::default() });
    }

    /// `model` with its parameters replaced by their averages.
    pub fn averaged<B: Backend, M: Module<B>>(&self, model: M) -> M {
        model.map(&mut Swap::<B> { avg: self, _b: Default::default() })
    }
}

struct Fold<'a, B> {
    avg: &'a mut ParameterAverage,
    _b: std::marker::PhantomData<B>,
}

impl<B: Backend> ModuleVisitor<B> for Fold<'_, B> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
        let theta = param.val();
        let next = match self.avg.average.remove::<B, D>(param.id) {
            Some(prev) => prev * self.avg.decay + theta * (1.0 - self.avg.decay),
            None => theta,
        };
        self.avg.average.register(param.id, next);
    }
}

struct Swap<'a, B> {
    avg: &'a ParameterAverage,
    _b: std::marker::PhantomData<B>,
}

impl<B: Backend> ModuleMapper<B> for Swap<'_, B> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<B, D>>) -> Param<Tensor<B, D>> {
        let (id, tensor, mapper) = param.consume();
        let value = self.avg.average.get::<B, D>(id).unwrap_or(tensor);
        Param::from_mapped_value(id, value, mapper)
    }
}
