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
    fn average_is_an_exponential_moving_average_of_every_parameter() {
        let mut avg = ParameterAverage::new(0.5);
        avg.update(&linear(1.0, 10.0)); // first update copies
        avg.update(&linear(3.0, 20.0)); // 0.5·1 + 0.5·3 = 2, 0.5·10 + 0.5·20 = 15
        avg.update(&linear(6.0, 35.0)); // 0.5·2 + 0.5·6 = 4, 0.5·15 + 0.5·35 = 25
        let averaged = avg.averaged(linear(0.0, 0.0));
        assert_eq!(averaged.weight.val().into_data().to_vec::<f32>().unwrap(), vec![4.0; 4]);
        assert_eq!(averaged.bias.unwrap().val().into_data().to_vec::<f32>().unwrap(), vec![25.0; 2]);
    }
}
