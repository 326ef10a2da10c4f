//! What the training loop needs from a model: a mean mini-batch loss, and a validation error.

use burn::module::AutodiffModule;
use burn::tensor::{ElementConversion, Tensor, backend::{AutodiffBackend, Backend}};
use tricks_models::{AutoEncoder, Mlp};

use crate::DeviceSplit;

/// Rows scored at once when evaluating, to bound memory.
const EVAL_CHUNK: usize = 2048;

/// A model the training loop can train.
pub trait Trainable<B: AutodiffBackend>: AutodiffModule<B> + Clone {
    /// What a model carries from one mini-batch to the next besides its parameters (an RBM's persistent
    /// chains); `()` for most models. Starts from `Default` on every training attempt.
    type Carry: Default;

    /// Mean loss of a mini-batch; its gradient is the averaged gradient of Eq. 1 (p.6). Unsupervised
    /// models ignore `targets`.
    fn batch_loss(&self, inputs: Tensor<B, 2>, targets: Tensor<B, 2>, carry: &mut Self::Carry) -> Tensor<B, 1>;

    /// Validation error of the inner model in percent (lower is better), the quantity early stopping watches.
    fn validation_error(model: &Self::InnerModule, split: &DeviceSplit<B::InnerBackend>) -> f64;
}

impl<B: AutodiffBackend> Trainable<B> for Mlp<B> {
    type Carry = ();

    fn batch_loss(&self, inputs: Tensor<B, 2>, targets: Tensor<B, 2>, _: &mut ()) -> Tensor<B, 1> {
        self.loss(inputs, targets)
    }

    fn validation_error(model: &Mlp<B::InnerBackend>, split: &DeviceSplit<B::InnerBackend>) -> f64 {
        classification_error(model, split)
    }
}

impl<B: AutodiffBackend> Trainable<B> for AutoEncoder<B> {
    type Carry = ();

    fn batch_loss(&self, inputs: Tensor<B, 2>, _targets: Tensor<B, 2>, _: &mut ()) -> Tensor<B, 1> {
        self.loss(inputs)
    }

    /// Mean reconstruction loss of the clean validation inputs (not a percentage; lower is better).
    fn validation_error(model: &AutoEncoder<B::InnerBackend>, split: &DeviceSplit<B::InnerBackend>) -> f64 {
        mean_over_chunks(split, |x| model.reconstruction_loss(model.encode(x.clone()), x))
    }
}

/// Mean over the examples of `split` of a per-chunk mean `score`, weighting chunks by their size.
pub fn mean_over_chunks<B: Backend>(split: &DeviceSplit<B>, score: impl Fn(Tensor<B, 2>) -> Tensor<B, 1>) -> f64 {
    if split.is_empty() {
        return f64::NAN;
    }
    let mut total = 0.0;
    for start in (0..split.len()).step_by(EVAL_CHUNK) {
        let rows = (start + EVAL_CHUNK).min(split.len()) - start;
        total += score(split.inputs.clone().narrow(0, start, rows)).into_scalar().elem::<f64>() * rows as f64;
    }
    total / split.len() as f64
}

/// Percentage of examples of `split` that `model` misclassifies.
pub fn classification_error<B: Backend>(model: &Mlp<B>, split: &DeviceSplit<B>) -> f64 {
    if split.is_empty() {
        return f64::NAN;
    }
    let mut wrong = 0usize;
    for start in (0..split.len()).step_by(EVAL_CHUNK) {
        let end = (start + EVAL_CHUNK).min(split.len());
        let x = split.inputs.clone().narrow(0, start, end - start);
        let predicted = model.predict(x).into_data().convert::<i64>().into_vec::<i64>().expect("int predictions");
        wrong += predicted.iter().zip(&split.labels[start..end]).filter(|(p, l)| **p != **l as i64).count();
    }
    100.0 * wrong as f64 / split.len() as f64
}
