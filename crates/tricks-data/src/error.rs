//! The one error type of the crate: every variant names the file (or folder), the place in it, and the fix.

use std::path::PathBuf;

/// What went wrong while loading or preprocessing data.
///
/// Each message names the file and the place (byte, line, column) and says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// A file or folder that does not exist.
    #[error("{}: not found; {hint}", path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
        /// What to do instead.
        hint: String,
    },
    /// A path that exists but is neither a `.csv`/`.csv.gz` file nor a folder of IDX files.
    #[error(
        "{}: unsupported data source; give \"digits\", \"fashion-mnist\", a .csv or .csv.gz file, \
         or a folder holding the four MNIST-format IDX files",
        path.display()
    )]
    Unsupported {
        /// The path as given.
        path: PathBuf,
    },
    /// The operating system refused to read a file.
    ///
    /// The message holds the operating system's words; they are not also the error's `source`, so that a
    /// printed chain (`{:#}`) says them once.
    #[error("{}: cannot read: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        error: std::io::Error,
    },
    /// A file that starts like gzip but does not decompress.
    #[error(
        "{}: corrupt gzip data ({detail}); the file is damaged or truncated: download or compress it again",
        path.display()
    )]
    Gzip {
        /// The file.
        path: PathBuf,
        /// What the decompressor said.
        detail: String,
    },
    /// One of the four IDX files is missing from a folder.
    #[error(
        "{}: no {what} file in this folder; expected one of: {}; an MNIST-format folder holds \
         train-images, train-labels, t10k-images and t10k-labels (raw or .gz)",
        dir.display(), expected.join(", ")
    )]
    MissingIdxFile {
        /// The folder.
        dir: PathBuf,
        /// Which file: "training images", "test labels", ...
        what: String,
        /// The file names looked for.
        expected: Vec<String>,
    },
    /// An IDX file whose first four bytes are not the expected magic number.
    #[error(
        "{}: wrong magic number {found:#010x} at byte 0, expected {expected:#010x} ({what}); \
         check that the file is the right one of the four",
        path.display()
    )]
    IdxMagic {
        /// The file.
        path: PathBuf,
        /// The number read.
        found: u32,
        /// The number wanted.
        expected: u32,
        /// What that number means, e.g. "an IDX image file".
        what: &'static str,
    },
    /// An IDX file whose length disagrees with its header.
    #[error(
        "{}: {actual} bytes (after decompression), expected {expected} ({detail}); \
         the file is truncated or damaged: download it again",
        path.display()
    )]
    IdxTruncated {
        /// The file.
        path: PathBuf,
        /// Bytes the header implies.
        expected: u64,
        /// Bytes present.
        actual: u64,
        /// How `expected` follows from the header.
        detail: String,
    },
    /// An image file and its label file hold different numbers of examples.
    #[error(
        "{}: {image_count} images, but {}: {label_count} labels; the two files must come from the same set",
        images.display(), labels.display()
    )]
    IdxCountMismatch {
        /// The image file.
        images: PathBuf,
        /// Images it holds.
        image_count: usize,
        /// The label file.
        labels: PathBuf,
        /// Labels it holds.
        label_count: usize,
    },
    /// Training and test images of different sizes.
    #[error(
        "{}: images are {}x{}, but {}: images are {}x{}; both sets must have the same image size",
        train.display(), train_shape.0, train_shape.1, test.display(), test_shape.0, test_shape.1
    )]
    IdxShapeMismatch {
        /// The training image file.
        train: PathBuf,
        /// Its (rows, columns).
        train_shape: (usize, usize),
        /// The test image file.
        test: PathBuf,
        /// Its (rows, columns).
        test_shape: (usize, usize),
    },
    /// A CSV row with a different number of fields from the first row.
    #[error(
        "{}: line {line}: {found} columns, expected {expected} like the first row; every row needs the same columns",
        path.display()
    )]
    CsvRagged {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Columns of the first row.
        expected: usize,
        /// Columns of this row.
        found: usize,
    },
    /// A CSV feature that is not a number.
    #[error(
        "{}: line {line}, column {column}: {text:?} is not a number; features must be numeric \
         (encode categories as numbers, or declare the header row if this is one)",
        path.display()
    )]
    CsvNotNumeric {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// 1-based column number.
        column: usize,
        /// The field's text.
        text: String,
    },
    /// A text file that is not UTF-8.
    #[error("{}: line {line} is not valid UTF-8 text; save the file as UTF-8 (or plain ASCII) CSV", path.display())]
    CsvEncoding {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
    },
    /// The label column asked for does not exist.
    #[error("{}: {detail}", path.display())]
    LabelColumn {
        /// The file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// A label that is not an integer in 0..1000.
    #[error(
        "{}: line {line}: label {text:?} {reason}; labels must be integers from 0 to 999 \
         (map class names to 0..K-1)",
        path.display()
    )]
    Label {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The label's text.
        text: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A NaN or infinite feature value.
    #[error(
        "{}: {place}, column {column}: value {value} is not finite; remove or impute missing values first",
        path.display()
    )]
    NonFinite {
        /// The file (or data set) holding it.
        path: PathBuf,
        /// "line N" for a file, "row N" for a data set.
        place: String,
        /// 1-based column number.
        column: usize,
        /// The value as text.
        value: String,
    },
    /// No examples at all.
    #[error("{}: no examples ({detail})", path.display())]
    Empty {
        /// The file or folder.
        path: PathBuf,
        /// What was empty and what is needed.
        detail: String,
    },
    /// Too few rows to give non-empty training, validation and test splits.
    #[error(
        "{}: {rows} examples are too few to split into training, validation and test sets; need at least {needed}",
        path.display()
    )]
    TooFewRows {
        /// The file.
        path: PathBuf,
        /// Rows present.
        rows: usize,
        /// Rows needed.
        needed: usize,
    },
    /// A preprocessing setting outside its allowed range.
    #[error("preprocessing: {what} = {value} is outside {allowed}")]
    InvalidPreprocessing {
        /// The setting's name.
        what: &'static str,
        /// The value given.
        value: f64,
        /// The allowed range, e.g. "(0, 1]".
        allowed: &'static str,
    },
    /// New examples (to apply a model to) whose width differs from the model's.
    #[error(
        "{}: {found} columns; the model takes {expected} features: give {expected} columns, or {} with a label column",
        path.display(), expected + 1
    )]
    Width {
        /// The file.
        path: PathBuf,
        /// Features the model takes.
        expected: usize,
        /// Columns found.
        found: usize,
    },
}
