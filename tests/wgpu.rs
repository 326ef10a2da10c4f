//! The wgpu backend (a GPU, or Mesa's software Vulkan driver in CI) agrees with ndarray on the MLP's
//! forward and backward pass and on the monitoring statistics, and trains the digits into the same accuracy band.

use burn::backend::{Autodiff, NdArray, Wgpu};
use burn::optim::GradientsParams;
use burn::tensor::backend::AutodiffBackend;
use burn::tensor::{Tensor, TensorData};
use tricks::core::{Activation, CheckedRecipe, Init, MlpSpec, Model, OutputLoss, Recipe, Stopping};
use tricks::data::DataSource;
use tricks::models::{Mlp, one_hot};
use tricks::train::{DeviceSplit, RunOptions, Silent, Statistic, fit, run};

/// Largest difference allowed between the backends, relative to the value (or, for values below 1 % of
/// their tensor's largest, to that 1 %): both compute in f32, summing in different orders.
const TOLERANCE: f64 = 1e-4;

/// Loss, output pre-activations and every gradient, as f64 vectors.
fn pass<B: AutodiffBackend>(activation: Activation, output: OutputLoss) -> Vec<Vec<f64>> {
    let device = B::Device::default();
    let spec = MlpSpec { hidden: vec![48, 24], activation, output, init: Init { zero_output_weights: false } };
    let model = Mlp::<B>::new(&spec, 64, 10, 5, &device);
    let x: Vec<f32> = (0..16 * 64).map(|i| ((i as f32 * 0.618034).fract() - 0.5) * 4.0).collect();
    let x = Tensor::<B, 2>::from_data(TensorData::new(x, [16, 64]), &device);
    let labels: Vec<u32> = (0..16).map(|i| i % 10).collect();
    let logits = model.forward(x.clone());
    let loss = model.loss(x, one_hot(&labels, 10, &device));
    let grads = GradientsParams::from_grads(loss.backward(), &model);
    let vec = |d: TensorData| d.convert::<f64>().into_vec::<f64>().unwrap();
    let mut out = vec![vec(loss.into_data()), vec(logits.into_data())];
    for layer in &model.layers {
        out.push(vec(grads.get::<B::InnerBackend, 2>(layer.weight.id).unwrap().into_data()));
        out.push(vec(grads.get::<B::InnerBackend, 1>(layer.bias.as_ref().unwrap().id).unwrap().into_data()));
    }
    out
}

#[test]
fn wgpu_agrees_with_ndarray_on_forward_and_backward_passes() {
    for (activation, output) in [
        (Activation::Tanh, OutputLoss::SoftmaxNll),
        (Activation::Rectifier, OutputLoss::SoftmaxNll),
        (Activation::Sigmoid, OutputLoss::SigmoidCrossEntropy),
        (Activation::Softsign, OutputLoss::LinearSquaredError),
    ] {
        let cpu = pass::<Autodiff<NdArray>>(activation, output);
        let gpu = pass::<Autodiff<Wgpu>>(activation, output);
        for (what, (c, g)) in cpu.iter().zip(&gpu).enumerate() {
            assert_eq!(c.len(), g.len());
            // Relative to each value, except where it is below 1 % of the tensor's largest (sums that cancel).
            let floor = 1e-2 * c.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            assert!(floor > 0.0, "{activation:?}/{output:?} tensor {what} is all zeros");
            for (a, b) in c.iter().zip(g) {
                assert!((a - b).abs() <= TOLERANCE * a.abs().max(b.abs()).max(floor), "{activation:?}/{output:?} tensor {what}: {a} vs {b}");
            }
        }
    }
}

/// A shortened digits recipe (Mesa's software Vulkan driver is slow): 256 rectifier units, ε0 = 0.05,
/// 12 epochs without early stopping.
fn short_recipe() -> CheckedRecipe {
    let overrides = ["model.hidden=[256]", "optimiser.learning_rate=0.05", r#"stopping={"kind":"off","epochs":12}"#];
    tricks::core::apply_overrides(&Recipe::chapter_default(), &overrides.map(String::from)).unwrap()
}

fn digits_accuracy<B: AutodiffBackend>(backend: &str) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let options = RunOptions { out: dir.path().join("run"), backend: backend.into(), ..Default::default() };
    run::<B>(&short_recipe(), &DataSource::Digits, &options, &Default::default(), &mut Silent).unwrap().test_accuracy.unwrap()
}

#[test]
fn wgpu_trains_the_digits_into_the_same_accuracy_band_as_ndarray() {
    let cpu = digits_accuracy::<Autodiff<NdArray>>("ndarray");
    let gpu = digits_accuracy::<Autodiff<Wgpu>>("wgpu");
    assert!(cpu >= 96.0 && gpu >= 96.0, "ndarray {cpu} %, wgpu {gpu} %");
    assert!((cpu - gpu).abs() <= 1.5, "ndarray {cpu} %, wgpu {gpu} %");
}

/// Every monitoring statistic of one full-batch update of a small MLP (p.22-23), in the snapshot's order.
fn monitored<B: AutodiffBackend>() -> Vec<Statistic> {
    let device = B::Device::default();
    let spec = MlpSpec { hidden: vec![24], activation: Activation::Rectifier, output: OutputLoss::SoftmaxNll, init: Init { zero_output_weights: false } };
    let mut recipe = Recipe::chapter_default();
    recipe.model = Model::Mlp(spec.clone());
    recipe.optimiser.batch_size = 32;
    recipe.stopping = Stopping::off(1);
    recipe.monitor_every = 1;
    let x: Vec<f32> = (0..32 * 64).map(|i| ((i as f32 * 0.618034).fract() - 0.5) * 4.0).collect();
    let labels: Vec<u32> = (0..32).map(|i| i % 10).collect();
    let inputs = Tensor::<B, 2>::from_data(TensorData::new(x, [32, 64]), &device);
    let train = DeviceSplit { inputs, targets: one_hot(&labels, 10, &device), labels };
    let model = Mlp::<B>::new(&spec, 64, 10, 5, &device);
    fit(&model, &recipe.check().unwrap(), &train, &train.inner(), &mut Silent).unwrap().monitor.remove(0).statistics
}

#[test]
fn wgpu_agrees_with_ndarray_on_monitoring_statistics() {
    let cpu = monitored::<Autodiff<NdArray>>();
    let gpu = monitored::<Autodiff<Wgpu>>();
    assert_eq!(cpu.len(), gpu.len());
    for (c, g) in cpu.iter().zip(&gpu) {
        assert_eq!((c.label(), c.quantity), (g.label(), g.quantity));
        for (a, b) in [(c.mean, g.mean), (c.std, g.std), (c.min, g.min), (c.max, g.max)] {
            assert!(a.is_nan() && b.is_nan() || (a - b).abs() <= 1e-3 * (1e-3 + a.abs()), "{} {:?}: {a} vs {b}", c.label(), c.quantity);
        }
        assert_eq!(c.counts.iter().sum::<f64>(), g.counts.iter().sum::<f64>());
        assert_eq!(c.flag, g.flag);
    }
}
