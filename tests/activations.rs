//! tanh and the sigmoid, computed from `exp` with their derivatives attached (tricks_models::activation):
//! values against f64's own functions over the whole f32 range, saturation without NaN, and the attached
//! derivatives against 1 − tanh² and σ(1 − σ).

use burn::backend::{Autodiff, NdArray};
use burn::tensor::{Tensor, TensorData};
use tricks::models::{sigmoid, sigmoid_value, tanh};

type B = NdArray<f32>;

/// Inputs from −100 to 100 in steps of 1/64, tiny ones, and the extremes.
fn inputs() -> Vec<f32> {
    let mut x: Vec<f32> = (-6400..=6400).map(|i| i as f32 / 64.0).collect();
    x.extend([1e-3, -1e-3, 1e-7, 1e-30, f32::MIN_POSITIVE, f32::MAX, f32::MIN, f32::INFINITY, f32::NEG_INFINITY]);
    x
}

fn values(t: Tensor<B, 1>) -> Vec<f32> {
    t.into_data().convert::<f32>().into_vec().unwrap()
}

fn tensor(x: &[f32]) -> Tensor<B, 1> {
    Tensor::from_data(TensorData::new(x.to_vec(), [x.len()]), &Default::default())
}

#[test]
fn tanh_is_within_three_roundings_of_one_and_saturates_exactly() {
    let x = inputs();
    for (&a, t) in x.iter().zip(values(tanh(tensor(&x)))) {
        let exact = (a as f64).tanh();
        assert!((t as f64 - exact).abs() <= 2e-7, "tanh({a}) = {t}, f64 says {exact}");
        assert!(t.abs() <= 1.0);
    }
    assert_eq!(values(tanh(tensor(&[50.0, -50.0, f32::INFINITY, f32::NEG_INFINITY]))), [1.0, -1.0, 1.0, -1.0]);
    assert!(values(tanh(tensor(&[f32::NAN])))[0].is_nan(), "a NaN stays a NaN, for the divergence check");
}

#[test]
fn the_sigmoid_is_relatively_exact_even_deep_in_saturation() {
    let x = inputs();
    for (&a, s) in x.iter().zip(values(sigmoid(tensor(&x)))) {
        let exact = 1.0 / (1.0 + (-(a as f64)).exp());
        assert!((s as f64 - exact).abs() <= 4e-7 * exact + 1.2e-38, "σ({a}) = {s}, f64 says {exact}");
    }
    // The former (1 + tanh(a/2))/2 gave 0 here in f32.
    let deep = values(sigmoid_value(tensor(&[-30.0])))[0] as f64;
    assert!((deep / (-30f64).exp() - 1.0).abs() < 1e-5, "σ(−30) = {deep}");
}

#[test]
fn the_attached_derivatives_are_the_functions_own() {
    type A = Autodiff<B>;
    let x: Vec<f32> = (-400..=400).map(|i| i as f32 / 40.0).collect();
    let leaf = || Tensor::<A, 1>::from_data(TensorData::new(x.clone(), [x.len()]), &Default::default()).require_grad();
    let a = leaf();
    let grads = tanh(a.clone()).sum().backward();
    let dt: Vec<f32> = a.grad(&grads).unwrap().into_data().convert::<f32>().into_vec().unwrap();
    let b = leaf();
    let grads = sigmoid(b.clone()).sum().backward();
    let ds: Vec<f32> = b.grad(&grads).unwrap().into_data().convert::<f32>().into_vec().unwrap();
    for ((&a, dt), ds) in x.iter().zip(dt).zip(ds) {
        let t = (a as f64).tanh();
        let s = 1.0 / (1.0 + (-(a as f64)).exp());
        assert!((dt as f64 - (1.0 - t * t)).abs() < 5e-7, "tanh'({a}) = {dt}");
        assert!((ds as f64 - s * (1.0 - s)).abs() < 3e-7, "σ'({a}) = {ds}");
    }
}
