//! In-memory examples ([`Dataset`]), the three splits ([`Splits`]) and what is recorded about them
//! in a run directory ([`DataDescription`]).

use serde::{Deserialize, Serialize};

/// Labelled examples, row-major: example `i` is `features[i * dim .. (i + 1) * dim]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// `len() * dim` feature values, one example after another.
    pub features: Vec<f32>,
    /// One class index per example, each `< classes`.
    pub labels: Vec<u32>,
    /// Features per example.
    pub dim: usize,
    /// Number of classes (largest label + 1 over the whole source, so equal across splits).
    pub classes: usize,
    /// `(rows, columns)` when each example is an image (`rows * columns == dim`), for filter plots.
    pub image_shape: Option<(usize, usize)>,
}

impl Dataset {
    /// Number of examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The features of example `i`.
    ///
    /// # Panics
    /// If `i >= len()`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.features[i * self.dim..(i + 1) * self.dim]
    }

    /// The examples at `indices`, in that order (repeats allowed), with the same `dim`, `classes`
    /// and `image_shape`.
    ///
    /// # Panics
    /// If an index is `>= len()`.
    pub fn subset(&self, indices: &[usize]) -> Dataset {
        let mut features = Vec::with_capacity(indices.len() * self.dim);
        let mut labels = Vec::with_capacity(indices.len());
        for &i in indices {
            features.extend_from_slice(self.row(i));
            labels.push(self.labels[i]);
        }
        Dataset { features, labels, dim: self.dim, classes: self.classes, image_shape: self.image_shape }
    }
}

/// Training, validation and test sets, and their description.
///
/// The validation set is for early stopping and hyper-parameter choice; the test set is touched only
/// for the final report (DESIGN.md, Data).
#[derive(Debug, Clone)]
pub struct Splits {
    /// Examples to fit parameters on.
    pub train: Dataset,
    /// Examples to choose the stopping point and hyper-parameters on.
    pub valid: Dataset,
    /// Examples for the final report only.
    pub test: Dataset,
    /// Where the data came from and how it was split.
    pub description: DataDescription,
}

/// What a run directory records about its data, enough to load the same splits again.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DataDescription {
    /// Where the examples came from: "embedded UCI digits", or a path.
    pub source: String,
    /// "digits", "idx" or "csv".
    pub kind: String,
    /// Training examples.
    pub train: usize,
    /// Validation examples.
    pub valid: usize,
    /// Test examples.
    pub test: usize,
    /// Features per example.
    pub dim: usize,
    /// Number of classes.
    pub classes: usize,
    /// How the splits were made, in words.
    pub split_rule: String,
    /// Credit owed to the data's authors, where known.
    pub attribution: Option<String>,
}
