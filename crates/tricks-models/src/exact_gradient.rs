//! Values whose derivative is supplied explicitly instead of back-propagated through Burn's ops.
//!
//! Burn 0.21 back-propagates `log` and `/` through `float_recip`, which the ndarray backend computes
//! with the approximate SIMD reciprocal `_mm256_rcp_ps` (about 12 bits) on the aligned part of a
//! buffer and exactly on its unaligned ends. Gradients through those ops are therefore inexact and
//! change from run to run with memory alignment, which breaks the bit-identical reproducibility a seed
//! promises. The losses and non-linearities that need `log` or `/` compute their value without tracking
//! and attach their exact derivative here.

use burn::tensor::{Tensor, backend::Backend};

/// A tensor equal to `value` whose gradient with respect to `input` is `derivative` ⊙ (incoming
/// gradient), element-wise. `value` and `derivative` must be computed from `input.detach()`.
pub fn with_derivative<B: Backend, const D: usize>(input: Tensor<B, D>, value: Tensor<B, D>, derivative: Tensor<B, D>) -> Tensor<B, D> {
    // (input − input.detach()) is exactly zero, so the sum is exactly `value`.
    value + (input.clone() - input.detach()) * derivative
}

/// `value` with its gradient with respect to `input` given by `derivative(&value)`, as
/// [`with_derivative`]; on a backend that tracks no gradients, `value` alone, without computing the
/// derivative. `value` must be computed from `input.detach()`.
pub fn differentiable<B: Backend, const D: usize>(
    input: Tensor<B, D>,
    value: Tensor<B, D>,
    derivative: impl FnOnce(&Tensor<B, D>) -> Tensor<B, D>,
) -> Tensor<B, D> {
    if B::ad_enabled(&input.device()) {
        let d = derivative(&value);
        with_derivative(input, value, d)
    } else {
        value
    }
}

/// A scalar equal to `value` whose gradient with respect to `input` is `gradient`.
pub fn scalar_with_gradient<B: Backend>(input: Tensor<B, 2>, value: Tensor<B, 1>, gradient: Tensor<B, 2>) -> Tensor<B, 1> {
    value + ((input.clone() - input.detach()) * gradient).sum()
}
