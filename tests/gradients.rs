//! Back-propagated gradients match centred finite differences (ε = 1e-4, p.21) in f64: the MLP for every
//! hidden non-linearity and output/loss pair, the auto-encoders' losses with their contractive and sparsity
//! penalties, and every preset's models (RBMs and stacks included); and the check catches a wrong gradient.
//! This test binary computes only in f64: Burn 0.21 keeps one float type per device and process.

use burn::backend::{Autodiff, NdArray};
use burn::tensor::{Tensor, TensorData};
use tricks::core::presets::PRESETS;
use tricks::core::{Activation, AutoEncoderSpec, Corruption, Init, MlpSpec, OutputLoss, Penalty, RbmSpec, Recipe, Reconstruction, Sparsity, VisibleUnits};
use tricks::data::DataSource;
use tricks::models::{AutoEncoder, Mlp, Rbm, one_hot};
use tricks::train::{GRADCHECK_THRESHOLD, check_recipe_gradients, check_training_gradient, gradient_check, penalty_gradient};

type B = Autodiff<NdArray<f64>>;

fn inputs(rows: usize, cols: usize) -> Tensor<B, 2> {
    // Deterministic, irregular values in (-1.5, 1.5), away from the kinks of rectifier and hard tanh.
    let data: Vec<f64> = (0..rows * cols).map(|i| ((i as f64 * 0.7548776662).fract() - 0.5) * 3.0).collect();
    Tensor::from_data(TensorData::new(data, [rows, cols]), &Default::default())
}

/// A model whose biases are small and distinct rather than zero, so that no pre-activation sits exactly
/// on the kink of a rectifier or hard tanh (where centred differences and back-propagation legitimately
/// disagree).
fn model(activation: Activation, output: OutputLoss, seed: u64) -> Mlp<B> {
    let mut m = Mlp::<B>::new(&spec(activation, output), 5, 3, seed, &Default::default());
    for (l, layer) in m.layers.iter_mut().enumerate() {
        let n = layer.weight.val().dims()[1];
        let b: Vec<f64> = (0..n).map(|i| 0.03 * (1 + i + 3 * l) as f64).collect();
        layer.bias = Some(burn::module::Param::from_tensor(Tensor::from_data(TensorData::new(b, [n]), &Default::default())));
    }
    m
}

fn spec(activation: Activation, output: OutputLoss) -> MlpSpec {
    MlpSpec { hidden: vec![4, 3], activation, output, init: Init { zero_output_weights: false } }
}

#[test]
fn mlp_gradients_match_centred_differences_for_every_activation_and_output_loss_pair() {
    let device = Default::default();
    let activations = [Activation::Tanh, Activation::Sigmoid, Activation::Rectifier, Activation::Softsign, Activation::HardTanh];
    let outputs = [OutputLoss::SoftmaxNll, OutputLoss::SigmoidCrossEntropy, OutputLoss::LinearSquaredError];
    for activation in activations {
        for output in outputs {
            let model = model(activation, output, 7);
            let x = inputs(6, 5);
            let y = one_hot::<B>(&[0, 1, 2, 1, 0, 2], 3, &device);
            let check = gradient_check(&model, |m| m.loss(x.clone(), y.clone()));
            assert_eq!(check.tensors.len(), 6, "3 layers × (weight, bias)");
            assert!(check.passed(GRADCHECK_THRESHOLD), "{activation:?} + {output:?}: worst {:?}", check.tensors.first());
        }
    }
}

#[test]
fn gradient_check_names_the_tensor_whose_gradient_is_wrong() {
    let device = Default::default();
    let model = model(Activation::Tanh, OutputLoss::SoftmaxNll, 3);
    let x = inputs(6, 5);
    let y = one_hot::<B>(&[0, 1, 2, 1, 0, 2], 3, &device);
    let check = gradient_check(&model, |m| {
        // Zero in value, +10 in gradient for every entry of layers.1.weight: a planted backward bug.
        let w = m.layers[1].weight.val();
        let planted = (w.clone() - w.detach()).sum() * 10.0;
        m.loss(x.clone(), y.clone()) + planted
    });
    assert!(!check.passed(GRADCHECK_THRESHOLD));
    let worst = &check.tensors[0];
    assert_eq!(worst.path, "layers.1.weight");
    assert!(worst.sign_disagreements > 0);
    assert!(check.tensors[1..].iter().all(|t| t.max_relative_error < GRADCHECK_THRESHOLD), "{:?}", check.tensors);
}

#[test]
fn the_default_recipe_with_penalties_passes_the_gradient_check_on_real_digits() {
    let mut recipe = Recipe::chapter_default();
    recipe.penalty.l1 = 1e-3;
    recipe.penalty.l2 = 1e-2;
    let check = check_recipe_gradients(&recipe.check().unwrap(), &DataSource::Digits, 8, 12).unwrap();
    assert_eq!(check.tensors.len(), 4);
    assert!(check.passed(GRADCHECK_THRESHOLD), "{:?}", check.tensors[0]);
}

#[test]
fn autoencoder_batch_losses_and_penalties_match_centred_differences() {
    let device = Default::default();
    // Inputs in (0, 1), as cross-entropy reconstruction wants.
    let x = (inputs(6, 5) / 3.0 + 0.5).clamp(0.01, 0.99);
    let base = AutoEncoderSpec::denoising(4, 0.3);
    let variants = [
        ("denoising, tied, cross-entropy", base.clone()),
        ("untied, squared error", AutoEncoderSpec { tied: false, reconstruction: Reconstruction::SquaredError, ..base.clone() }),
        ("contractive, sigmoid", AutoEncoderSpec { corruption: Corruption::None, contractive: 0.7, ..base.clone() }),
        ("contractive, tanh, untied", AutoEncoderSpec { activation: Activation::Tanh, tied: false, contractive: 0.7, ..base.clone() }),
        ("sparse", AutoEncoderSpec { sparsity: Some(Sparsity { target: 0.05, cost: 0.5 }), ..base.clone() }),
        ("salt and pepper", AutoEncoderSpec { corruption: Corruption::SaltAndPepper { fraction: 0.2 }, ..base.clone() }),
        ("gaussian noise", AutoEncoderSpec { corruption: Corruption::Gaussian { std: 0.2 }, ..base }),
    ];
    let penalty = Penalty { l1: 1e-2, l2: 1e-1, ..Penalty::none() };
    for (name, spec) in variants {
        let model = AutoEncoder::<B>::new(&spec, 5, 11, &device);
        // The model's own batch loss (corruption drawn inside, with the generator seeded) and the weight
        // penalties as the update step adds them.
        let check = check_training_gradient(&model, x.clone(), x.clone(), &(), &penalty, 0.5, 3, usize::MAX);
        assert_eq!(check.tensors.len(), if spec.tied { 3 } else { 4 }, "{name}");
        assert!(check.passed(GRADCHECK_THRESHOLD), "{name}: worst {:?}", check.tensors.first());
    }
}

#[test]
fn a_tensor_whose_loss_gradient_is_all_zeros_fails_the_check_unless_stated() {
    // The chapter's MLP presets start with zero output weights: at initialisation every hidden layer's
    // loss gradient is exactly zero, and a check there says nothing about back-propagation.
    let device = Default::default();
    let spec = MlpSpec { init: Init { zero_output_weights: true }, ..spec(Activation::Tanh, OutputLoss::SoftmaxNll) };
    let model = Mlp::<B>::new(&spec, 5, 3, 7, &device);
    let x = inputs(6, 5);
    let y = one_hot::<B>(&[0, 1, 2, 1, 0, 2], 3, &device);
    let check = gradient_check(&model, |m| m.loss(x.clone(), y.clone()));
    assert!(check.max_relative_error() < GRADCHECK_THRESHOLD, "values agree: {:?}", check.tensors);
    assert!(!check.passed(GRADCHECK_THRESHOLD));
    let zero: Vec<&str> = check.tensors.iter().filter(|t| t.zero_gradient).map(|t| t.path.as_str()).collect();
    assert_eq!(zero.len(), 4, "hidden weights and biases of both hidden layers: {zero:?}");
    assert!(zero.iter().all(|p| p.starts_with("layers.0.") || p.starts_with("layers.1.")), "{zero:?}");
    assert!(!check.tensors[0].passed(GRADCHECK_THRESHOLD), "failing tensors are listed first");
    let stated = check.expect_zero("layers.0.weight", "below zero output weights").expect_zero("layers.0.bias", "idem");
    let stated = stated.expect_zero("layers.1.weight", "idem").expect_zero("layers.1.bias", "idem");
    assert!(stated.passed(GRADCHECK_THRESHOLD));
}

#[test]
fn the_check_sees_the_penalty_gradient_the_update_step_adds() {
    // penalty_gradient is what sgd_step adds; penalty_value is the term of the objective. A factor wrong in
    // either makes the training gradient disagree with centred differences of the objective.
    let device = Default::default();
    let model = model(Activation::Tanh, OutputLoss::SoftmaxNll, 5);
    let x = inputs(6, 5);
    let y = one_hot::<B>(&[0, 1, 2, 1, 0, 2], 3, &device);
    for penalty in [Penalty { l1: 0.0, l2: 0.3, ..Penalty::none() }, Penalty { l1: 0.2, l2: 0.0, ..Penalty::none() }] {
        let check = check_training_gradient(&model, x.clone(), y.clone(), &(), &penalty, 0.5, 1, usize::MAX);
        assert!(check.passed(GRADCHECK_THRESHOLD), "{penalty:?}: worst {:?}", check.tensors.first());
    }
    let w = model.layers[0].weight.val().inner();
    let gradient = penalty_gradient(w.clone(), &Penalty { l1: 0.2, l2: 0.3, ..Penalty::none() }, 0.5).unwrap();
    let expected = w.clone() * (2.0 * 0.3 * 0.5) + w.sign() * (0.2 * 0.5);
    gradient.into_data().assert_approx_eq::<f64>(&expected.into_data(), burn::tensor::Tolerance::absolute(1e-12));
    assert!(
        penalty_gradient(model.layers[0].bias.as_ref().unwrap().val().inner(), &Penalty { l1: 0.2, l2: 0.3, ..Penalty::none() }, 0.5).is_none(),
        "biases are not penalised"
    );
}

#[test]
fn the_rbm_check_compares_the_cd_gradient_training_uses_with_its_surrogate() {
    let device = Default::default();
    let x = (inputs(6, 5) / 3.0 + 0.5).clamp(0.0, 1.0).greater_elem(0.5).float();
    for (cd_steps, persistent, visible) in
        [(1, false, VisibleUnits::Binary), (3, false, VisibleUnits::Binary), (2, true, VisibleUnits::Binary), (2, false, VisibleUnits::Gaussian)]
    {
        let spec = RbmSpec { cd_steps, persistent, visible, init_std: 0.3, ..RbmSpec::new(4) };
        let rbm = Rbm::<B>::new(&spec, 5, &[0.3, 0.5, 0.4, 0.6, 0.5], 2, &device);
        let check = check_training_gradient(&rbm, x.clone(), x.clone(), &None, &Penalty { l1: 0.0, l2: 0.1, ..Penalty::none() }, 0.5, 4, usize::MAX);
        assert!(check.passed(GRADCHECK_THRESHOLD), "CD-{cd_steps} persistent {persistent} {visible:?}: worst {:?}", check.tensors.first());
    }
}

#[test]
fn every_preset_passes_the_gradient_check_on_real_digits_rbms_and_stacks_included() {
    for preset in PRESETS {
        let mut recipe = (preset.build)();
        recipe.penalty.l2 = recipe.penalty.l2.max(1e-3);
        let check = check_recipe_gradients(&recipe.check().unwrap(), &DataSource::Digits, 8, 6).unwrap();
        assert!(check.passed(GRADCHECK_THRESHOLD), "{}: worst {:?}", preset.name, check.tensors[0]);
        // Every tensor's loss gradient is non-zero (passed() requires it), hidden layers included.
        assert!(check.tensors.iter().all(|t| !t.zero_gradient), "{}: {:?}", preset.name, check.tensors);
        if preset.name.starts_with("sda") || preset.name.starts_with("dbn") {
            assert!(check.tensors.iter().any(|t| t.path.starts_with("level2.")), "{}: levels checked", preset.name);
        }
    }
}
