//! Data for tricks: the embedded UCI digits, MNIST-format IDX folders (Fashion-MNIST, MNIST, ...) and
//! CSV files; the training / validation / test splits; and input preprocessing fitted on the training
//! split (standardise, PCA, uniformise; chapter p.15-16).
//!
//! ```no_run
//! use tricks_data::{load, DataSource, FittedPreprocessing, Header, LabelColumn};
//! let source = DataSource::parse("digits", LabelColumn::Last, Header::Detect)?;
//! let splits = load(&source)?;
//! let pre = FittedPreprocessing::fit(&tricks_core::Preprocessing::Standardise, &splits.train)?;
//! let train = pre.apply(&splits.train);
//! # Ok::<(), tricks_data::DataError>(())
//! ```

mod csv;
mod dataset;
mod digits;
mod error;
mod file;
mod idx;
mod preprocess;
mod source;
mod split;

pub use csv::{MAX_CLASSES, parse as parse_csv};
pub use dataset::{DataDescription, Dataset, Splits};
pub use digits::{DIGITS_ATTRIBUTION, embedded_digits};
pub use error::DataError;
pub use idx::{IMAGE_MAGIC, IdxImages, LABEL_MAGIC, parse_images, parse_labels, read_images, read_labels};
pub use preprocess::{FittedPreprocessing, Knots, MAX_QUANTILES, MIN_STD};
pub use source::{DataSource, Examples, FASHION_MNIST_DIR, Header, LabelColumn, load, load_examples};
pub use split::{DATA_SEED, MIN_ROWS_TO_SPLIT, bootstrap_indices, permutation, split_sizes};

#[cfg(test)]
mod tests;
