//! Polyak averaging: predict with a moving average of the parameters (p.10).

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, backend::Backend};
use tricks_core::defaults::POLYAK_WARMUP;

/// Exponential moving average θ̄ ← d_t·θ̄ + (1−d_t)·θ of every parameter of a module, with the warmed-up
/// decay d_t = min(d, (1+t)/(POLYAK_WARMUP+t)) after t folds.
pub struct ParameterAverage {
    decay: f64,
    folds: u64,
    average: GradientsParams,
}

impl ParameterAverage {
    /// An empty average with decay `decay`; the first update copies the parameters.
    pub fn new(decay: f64) -> Self {
        ParameterAverage { decay, folds: 0, average: GradientsParams::new() }
    }

    /// Fold the current parameters of `model` into the average.
    pub fn update<B: Backend, M: Module<B>>(&mut self, model: &M) {
        let decay = self.current_decay();
        model.visit(&mut Fold::<B> { avg: self, decay, _b: Default::default() });
        self.folds += 1;
    }

    /// Folds made so far.
    pub fn folds(&self) -> u64 {
        self.folds
    }

    /// The averages, by parameter id.
    pub(crate) fn averages(&self) -> &GradientsParams {
        &self.average
    }

    /// An average with decay `decay` that has made `folds` folds and holds `averages`, as checkpointed.
    pub(crate) fn restore(decay: f64, folds: u64, averages: GradientsParams) -> Self {
        ParameterAverage { decay, folds, average: averages }
    }

    /// The decay the next fold uses.
    fn current_decay(&self) -> f64 {
        let t = self.folds as f64;
        self.decay.min((1.0 + t) / (POLYAK_WARMUP + t))
    }

    /// `model` with its parameters replaced by their averages.
    pub fn averaged<B: Backend, M: Module<B>>(&self, model: M) -> M {
        model.map(&mut Swap::<B> { avg: self, _b: Default::default() })
    }
}

struct Fold<'a, B> {
    avg: &'a mut ParameterAverage,
    decay: f64,
    _b: std::marker::PhantomData<B>,
}

impl<B: Backend> ModuleVisitor<B> for Fold<'_, B> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
        let theta = param.val();
        let next = match self.avg.average.remove::<B, D>(param.id) {
            Some(prev) => prev * self.decay + theta * (1.0 - self.decay),
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

#[cfg(test)]
mod tests {
    use super::*;
    use burn::backend::NdArray;
    use burn::module::Param;
    use burn::nn::Linear;
    use burn::tensor::TensorData;

    type B = NdArray;

    fn linear(w: f64, b: f64) -> Linear<B> {
        let device = Default::default();
        Linear {
            weight: Param::initialized(1.into(), Tensor::from_data(TensorData::new(vec![w as f32; 4], [2, 2]), &device)),
            bias: Some(Param::initialized(2.into(), Tensor::from_data(TensorData::new(vec![b as f32; 2], [2]), &device))),
        }
    }

    #[test]
    fn average_is_an_exponential_moving_average_of_every_parameter_with_a_warmed_up_decay() {
        let mut avg = ParameterAverage::new(0.5);
        avg.update(&linear(1.0, 10.0)); // first update copies
        avg.update(&linear(12.0, 21.0)); // d_1 = 2/11: (2·1 + 9·12)/11 = 10, (2·10 + 9·21)/11 = 19
        avg.update(&linear(14.0, 23.0)); // d_2 = 3/12: (10 + 3·14)/4 = 13, (19 + 3·23)/4 = 22
        let averaged = avg.averaged(linear(0.0, 0.0));
        let close = |values: Vec<f32>, expected: f32| values.iter().all(|v| (v - expected).abs() < 1e-5);
        assert!(close(averaged.weight.val().into_data().to_vec().unwrap(), 13.0));
        assert!(close(averaged.bias.unwrap().val().into_data().to_vec().unwrap(), 22.0));
    }

    #[test]
    fn the_decay_warms_up_to_the_recipes_and_stays_there() {
        let mut avg = ParameterAverage::new(0.999);
        assert_eq!(avg.current_decay(), 0.1);
        avg.folds = 90;
        assert_eq!(avg.current_decay(), 0.91);
        avg.folds = 1_000_000;
        assert_eq!(avg.current_decay(), 0.999);
    }
}
