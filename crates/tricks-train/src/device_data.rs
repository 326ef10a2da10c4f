//! Data uploaded to the device once, so that mini-batches are selected there (p.23-24: minimise
//! host-device transfers).

use burn::tensor::{
    Int, Tensor, TensorData,
    backend::{AutodiffBackend, Backend},
};
use tricks_data::Dataset;
use tricks_models::one_hot;

/// The three splits of a run on the device, with what the pictures need.
pub(crate) struct RunData<B: AutodiffBackend> {
    pub train: DeviceSplit<B>,
    pub valid: DeviceSplit<B::InnerBackend>,
    /// `None` when the run leaves the test split untouched ([`crate::RunOptions::without_test`]).
    pub test: Option<DeviceSplit<B::InnerBackend>>,
    pub image_shape: Option<(usize, usize)>,
    pub classes: usize,
}

impl<B: AutodiffBackend> RunData<B> {
    /// The split the pictures and the t-SNE map are drawn from: the test split, or the validation split when
    /// the run leaves the test split untouched.
    pub fn shown(&self) -> &DeviceSplit<B::InnerBackend> {
        self.test.as_ref().unwrap_or(&self.valid)
    }
}

/// One split on the device: inputs, training targets and, for scoring, the labels on the host.
#[derive(Debug, Clone)]
pub struct DeviceSplit<B: Backend> {
    /// Inputs, one example per row.
    pub inputs: Tensor<B, 2>,
    /// Training targets, one row per example (one-hot classes).
    pub targets: Tensor<B, 2>,
    /// Class labels.
    pub labels: Vec<u32>,
}

impl<B: Backend> DeviceSplit<B> {
    /// A classification split: one-hot targets over `data.classes`.
    pub fn classification(data: &Dataset, device: &B::Device) -> Self {
        Self::upload(data.clone(), device)
    }

    /// [`classification`](Self::classification) of a data set given away: its features become the device
    /// tensor without another copy on the host (on a CPU backend, the same memory).
    pub fn upload(data: Dataset, device: &B::Device) -> Self {
        let targets = one_hot(&data.labels, data.classes, device);
        let shape = [data.len(), data.dim];
        let inputs = Tensor::from_data(TensorData::new(data.features, shape), device);
        DeviceSplit { inputs, targets, labels: data.labels }
    }

    /// Number of examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the split has no examples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Rows `rows` of inputs and targets.
    pub fn rows(&self, rows: &[usize]) -> (Tensor<B, 2>, Tensor<B, 2>) {
        let device = self.inputs.device();
        let idx: Vec<i64> = rows.iter().map(|&r| r as i64).collect();
        let idx = Tensor::<B, 1, Int>::from_data(TensorData::new(idx, [rows.len()]), &device);
        (self.inputs.clone().select(0, idx.clone()), self.targets.clone().select(0, idx))
    }
}

impl<B: AutodiffBackend> DeviceSplit<B> {
    /// The same split on the inner backend, for scoring, without uploading it again.
    pub fn inner(&self) -> DeviceSplit<B::InnerBackend> {
        DeviceSplit { inputs: self.inputs.clone().inner(), targets: self.targets.clone().inner(), labels: self.labels.clone() }
    }
}
