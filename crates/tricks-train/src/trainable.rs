//! What the training loop needs from a model: a mean mini-batch loss, a validation error, and what its
//! layers do, for monitoring.

use burn::module::AutodiffModule;
use burn::nn::Linear;
use burn::tensor::{
    ElementConversion, Tensor, TensorData,
    backend::{AutodiffBackend, Backend},
};
use tricks_models::{AutoEncoder, Mlp, activate, output_loss};
use tricks_run::ValidationMeasure;

use crate::{DeviceSplit, LayerActivity};

/// Rows scored at once when evaluating, to bound memory.
pub(crate) const EVAL_CHUNK: usize = 2048;

/// A model the training loop can train.
pub trait Trainable<B: AutodiffBackend>: AutodiffModule<B> + Clone {
    /// What [`Trainable::validation_error`] measures.
    const VALIDATION: ValidationMeasure;

    /// What a model carries from one mini-batch to the next besides its parameters (an RBM's persistent
    /// chains); `()` for most models. Starts from `Default` on every training attempt.
    type Carry: Default;

    /// The carry as host data, for a checkpoint; `None` when there is nothing to keep.
    fn save_carry(_carry: &Self::Carry) -> Option<TensorData> {
        None
    }

    /// The carry of a checkpoint again, on `device`.
    fn restore_carry(_data: TensorData, _device: &B::Device) -> Self::Carry {
        Self::Carry::default()
    }

    /// Mean loss of a mini-batch; its gradient is the averaged gradient of Eq. 1 (p.6). Unsupervised
    /// models ignore `targets`.
    fn batch_loss(&self, inputs: Tensor<B, 2>, targets: Tensor<B, 2>, carry: &mut Self::Carry) -> Tensor<B, 1>;

    /// Validation error of the inner model in percent (lower is better), the quantity early stopping watches.
    fn validation_error(model: &Self::InnerModule, split: &DeviceSplit<B::InnerBackend>) -> f64;

    /// What each hidden layer does on the mini-batch (`inputs`, `targets`), for monitoring (p.22-23):
    /// pre-activations, activations and, where the model provides them, the gradients of the mini-batch
    /// loss with respect to the activations. Must not draw from the backend's random generator, so that
    /// monitoring leaves training unchanged. None by default.
    fn layer_activity(&self, _inputs: Tensor<B, 2>, _targets: Tensor<B, 2>) -> Vec<LayerActivity<B::InnerBackend>> {
        Vec::new()
    }
}

impl<B: AutodiffBackend> Trainable<B> for Mlp<B> {
    const VALIDATION: ValidationMeasure = ValidationMeasure::ClassificationError;
    type Carry = ();

    fn batch_loss(&self, inputs: Tensor<B, 2>, targets: Tensor<B, 2>, _: &mut ()) -> Tensor<B, 1> {
        self.loss(inputs, targets)
    }

    fn validation_error(model: &Mlp<B::InnerBackend>, split: &DeviceSplit<B::InnerBackend>) -> f64 {
        classification_error(model, split)
    }

    /// Every hidden layer, with activation gradients from a separate forward and backward pass on
    /// untracked parameters, where each activation h is replaced by h + z with z a zero leaf that
    /// requires a gradient: ∂L/∂z = ∂L/∂h (Burn keeps gradients of leaves only).
    fn layer_activity(&self, inputs: Tensor<B, 2>, targets: Tensor<B, 2>) -> Vec<LayerActivity<B::InnerBackend>> {
        let (output, hidden) = self.layers.split_last().expect("an MLP has an output layer");
        let kind = self.activation();
        let linear = |layer: &Linear<B>, h: Tensor<B, 2>| {
            let a = h.matmul(layer.weight.val().detach());
            match &layer.bias {
                Some(b) => a + b.val().detach().unsqueeze(),
                None => a,
            }
        };
        let mut h = inputs.detach();
        let mut layers = Vec::with_capacity(hidden.len());
        let mut probes = Vec::with_capacity(hidden.len());
        for (i, layer) in hidden.iter().enumerate() {
            let a = linear(layer, h);
            let activation = activate(kind, a.clone());
            let probe = activation.zeros_like().require_grad();
            h = activation.clone() + probe.clone();
            probes.push(probe);
            layers.push(LayerActivity {
                layer: format!("layers.{i}"),
                kind,
                pre_activation: a.inner(),
                activation: activation.inner(),
                activation_gradient: None,
            });
        }
        if !layers.is_empty() {
            let grads = output_loss(self.output(), linear(output, h), targets.detach()).backward();
            for (layer, probe) in layers.iter_mut().zip(&probes) {
                layer.activation_gradient = probe.grad(&grads);
            }
        }
        layers
    }
}

impl<B: AutodiffBackend> Trainable<B> for AutoEncoder<B> {
    const VALIDATION: ValidationMeasure = ValidationMeasure::ReconstructionError;
    type Carry = ();

    fn batch_loss(&self, inputs: Tensor<B, 2>, _targets: Tensor<B, 2>, _: &mut ()) -> Tensor<B, 1> {
        self.loss(inputs)
    }

    /// Mean reconstruction loss of the clean validation inputs (not a percentage; lower is better).
    fn validation_error(model: &AutoEncoder<B::InnerBackend>, split: &DeviceSplit<B::InnerBackend>) -> f64 {
        mean_over_chunks(split, |x| model.reconstruction_loss(model.encode(x.clone()), x))
    }

    /// The encoder on the clean inputs; no activation gradients (the training criterion sees the
    /// corrupted input, whose draw monitoring must not repeat).
    fn layer_activity(&self, inputs: Tensor<B, 2>, _targets: Tensor<B, 2>) -> Vec<LayerActivity<B::InnerBackend>> {
        let kind = self.spec().activation;
        let pre_activation = self.encoder.valid().forward(inputs.inner());
        let activation = activate(kind, pre_activation.clone());
        vec![LayerActivity { layer: "encoder".into(), kind, pre_activation, activation, activation_gradient: None }]
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
    classification_error_by(model, split, EVAL_CHUNK)
}

/// [`classification_error`], scoring `chunk` rows at a time.
pub(crate) fn classification_error_by<B: Backend>(model: &Mlp<B>, split: &DeviceSplit<B>, chunk: usize) -> f64 {
    if split.is_empty() {
        return f64::NAN;
    }
    let mut wrong = 0usize;
    for start in (0..split.len()).step_by(chunk) {
        let end = (start + chunk).min(split.len());
        let x = split.inputs.clone().narrow(0, start, end - start);
        let predicted = model.predict(x).into_data().convert::<i64>().into_vec::<i64>().expect("int predictions");
        wrong += predicted.iter().zip(&split.labels[start..end]).filter(|(p, l)| **p != **l as i64).count();
    }
    100.0 * wrong as f64 / split.len() as f64
}
