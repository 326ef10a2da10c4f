//! A finished run's model applied to new examples, with the run's own preprocessing: class probabilities
//! and predicted classes for classifiers, the code (or any hidden layer's representation) otherwise.

use std::path::Path;

use burn::tensor::{Tensor, TensorData, backend::Backend};
use tricks_data::Dataset;

use crate::TrainError;
use crate::saved::{SavedModel, saved};
use crate::trainable::EVAL_CHUNK;

/// A run's outputs for each example, one row each.
#[derive(Debug, Clone, PartialEq)]
pub struct Predictions {
    /// Column names: `p0 … p{C-1}` (class probabilities; outputs of non-softmax classifiers) or
    /// `h0 … h{H-1}` (a representation).
    pub columns: Vec<String>,
    /// `rows × columns.len()` values, row after row.
    pub values: Vec<f32>,
    /// Predicted class of each example (the largest output), for classifiers.
    pub predicted: Option<Vec<u32>>,
    /// Classes the model knows (0 for unsupervised models).
    pub classes: usize,
}

impl Predictions {
    /// Number of examples.
    pub fn rows(&self) -> usize {
        self.values.len().checked_div(self.columns.len()).unwrap_or(0)
    }
}

/// Apply the model of the finished run `run_dir` to `examples` (raw features, as the run's data had them
/// before preprocessing; labels are not used). `layer` asks for hidden layer `layer`'s representation
/// (1 = the first) instead of the outputs; an auto-encoder or RBM always gives its code (layer 1).
///
/// Examples of another width than the training data's, or with values far outside the training data's
/// range (more than its span below its smallest or above its largest value: scaled differently), are
/// refused with what was expected.
pub fn predict<B: Backend>(run_dir: &Path, examples: &Dataset, layer: Option<usize>, device: &B::Device) -> Result<Predictions, TrainError> {
    let saved = saved(run_dir)?;
    let expected = &saved.info.data;
    if examples.dim != expected.dim {
        return Err(TrainError::io(
            run_dir,
            format!("the model was trained on {} features per example ({}); the new data has {}", expected.dim, expected.source, examples.dim),
        ));
    }
    if let (Some([lo, hi]), Some((min, max))) = (saved.info.feature_range, range(&examples.features)) {
        let span = (hi - lo).max(f32::EPSILON);
        if min < lo - span || max > hi + span {
            return Err(TrainError::io(
                run_dir,
                format!(
                    "the new data's values lie in [{min}, {max}]; the model was trained on values in [{lo}, {hi}] \
                     (scale the data as the training data was, e.g. pixels in [0, 1] rather than [0, 255])"
                ),
            ));
        }
    }
    let prepared = saved.preprocessing.apply(examples);
    let shape = [prepared.len(), prepared.dim];
    let inputs = Tensor::<B, 2>::from_data(TensorData::new(prepared.features, shape), device);
    let model = saved.model::<B>(run_dir, device)?;
    let depth = match &model {
        SavedModel::Classifier(m) => m.layers.len() - 1,
        _ => 1,
    };
    if let Some(l) = layer.filter(|&l| l == 0 || l > depth) {
        return Err(TrainError::io(run_dir, format!("layer {l} asked for; the model has hidden layers 1 to {depth}")));
    }
    let apply = |x: Tensor<B, 2>| -> Tensor<B, 2> {
        match (&model, layer) {
            (SavedModel::Classifier(m), None) => m.outputs(x),
            (SavedModel::Classifier(m), Some(l)) => m.hidden_then_output(x).0.swap_remove(l - 1),
            (SavedModel::AutoEncoder(m), _) => m.encode(x),
            (SavedModel::Rbm(m), _) => m.hidden_representation(x),
        }
    };
    let rows = examples.len();
    let mut values = Vec::new();
    for start in (0..rows).step_by(EVAL_CHUNK) {
        let chunk = apply(inputs.clone().narrow(0, start, EVAL_CHUNK.min(rows - start)));
        values.extend(chunk.into_data().convert::<f32>().into_vec::<f32>().map_err(|e| TrainError::io(run_dir, format!("{e:?}")))?);
    }
    let width = values.len().checked_div(rows).unwrap_or(0);
    let classifier = matches!(model, SavedModel::Classifier(_));
    let outputs = classifier && layer.is_none();
    let columns = (0..width).map(|c| if outputs { format!("p{c}") } else { format!("h{c}") }).collect();
    let classes = if classifier { expected.classes } else { 0 };
    let predicted = if outputs { Some(values.chunks(width.max(1)).map(argmax).collect()) } else { None };
    Ok(Predictions { columns, values, predicted, classes })
}

/// Index of the largest value (the first on ties).
pub(crate) fn argmax(row: &[f32]) -> u32 {
    row.iter().enumerate().fold((0, f32::MIN), |best, (i, &v)| if v > best.1 { (i, v) } else { best }).0 as u32
}

/// Smallest and largest of `values`, if any.
fn range(values: &[f32]) -> Option<(f32, f32)> {
    values.iter().fold(None, |r, &v| Some(r.map_or((v, v), |(lo, hi): (f32, f32)| (lo.min(v), hi.max(v)))))
}

/// The smallest and largest feature value of `data`, recorded in `run.json` for [`predict`]'s range check.
pub(crate) fn feature_range(data: &Dataset) -> Option<[f32; 2]> {
    range(&data.features).map(|(lo, hi)| [lo, hi])
}

/// `confusion[label][predicted]`: how many examples of each class went to each class.
pub fn confusion_matrix(labels: &[u32], predicted: &[u32], classes: usize) -> Vec<Vec<usize>> {
    let mut matrix = vec![vec![0; classes]; classes];
    for (&l, &p) in labels.iter().zip(predicted) {
        if let Some(cell) = matrix.get_mut(l as usize).and_then(|row| row.get_mut(p as usize)) {
            *cell += 1;
        }
    }
    matrix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_counts_labels_by_prediction() {
        let m = confusion_matrix(&[0, 0, 1, 2, 2], &[0, 1, 1, 2, 0], 3);
        assert_eq!(m, vec![vec![1, 1, 0], vec![0, 1, 0], vec![1, 0, 1]]);
        assert_eq!(argmax(&[0.2, 0.5, 0.5]), 1, "ties go to the first");
        assert_eq!(range(&[3.0, -1.0, 2.0]), Some((-1.0, 3.0)));
    }
}
