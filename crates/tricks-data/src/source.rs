//! Where examples come from ([`DataSource`]), how a user names it, and [`load`].

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::split;
use crate::{DataDescription, DataError, Dataset, Splits};

/// Folder where Debian's `dataset-fashion-mnist` package installs the four IDX files.
pub const FASHION_MNIST_DIR: &str = "/usr/share/datasets/fashion-mnist";

/// A source of labelled examples, with every option needed to load it again: a run directory records it
/// (as JSON: `"digits"`, `{"idx": "/data/mnist"}`, `{"csv": {"path": "x.csv", "label": {"name": "y"},
/// "header": "present"}}`) so that the run's data can be reloaded exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum DataSource {
    /// The embedded UCI digits (the default).
    Digits,
    /// A folder of MNIST-format IDX files.
    Idx(PathBuf),
    /// A CSV file (raw or `.gz`) of numeric features and an integer label column.
    Csv {
        /// The file.
        path: PathBuf,
        /// Which column holds the label.
        label: LabelColumn,
        /// Whether the first row is a header.
        header: Header,
    },
}

/// Which CSV column holds the label (as JSON: `"last"`, `{"index": 0}`, `{"name": "y"}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LabelColumn {
    /// The last column.
    #[default]
    Last,
    /// The column at this 0-based index.
    Index(usize),
    /// The column with this name in the header row.
    Name(String),
    /// No label column: every column is a feature, and every label is 0 with `classes` 0 (new examples
    /// to apply a model to, [`load_examples`]).
    Absent,
}

/// Whether a CSV file's first row is a header (as JSON: `"detect"`, `"present"`, `"absent"`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Header {
    /// A header if any of its feature fields is not a number.
    #[default]
    Detect,
    /// Always a header.
    Present,
    /// Never a header.
    Absent,
}

impl LabelColumn {
    /// Read the `--label-column` flag: none → [`Last`](Self::Last); a whole number → [`Index`](Self::Index)
    /// (0-based); anything else → [`Name`](Self::Name) of a header column.
    pub fn from_flag(flag: Option<&str>) -> LabelColumn {
        match flag.map(str::trim) {
            None => LabelColumn::Last,
            Some(s) => s.parse::<usize>().map_or_else(|_| LabelColumn::Name(s.to_string()), LabelColumn::Index),
        }
    }
}

/// What a user can give, for "not found" errors.
const SPEC_HINT: &str = "give \"digits\", \"fashion-mnist\", a folder of MNIST-format IDX files, or a .csv or .csv.gz file";

impl DataSource {
    /// Read a user's data spec: `"digits"` or `""` → [`Digits`](Self::Digits); `"fashion-mnist"` →
    /// [`Idx`](Self::Idx) of [`FASHION_MNIST_DIR`]; an existing folder → `Idx`; an existing file ending
    /// in `.csv` or `.csv.gz` → [`Csv`](Self::Csv) with `label` and `header`. Anything else is an error
    /// naming the path.
    pub fn parse(spec: &str, label: LabelColumn, header: Header) -> Result<DataSource, DataError> {
        match spec.trim() {
            "" | "digits" => return Ok(DataSource::Digits),
            "fashion-mnist" => return Ok(DataSource::Idx(PathBuf::from(FASHION_MNIST_DIR))),
            _ => {}
        }
        let path = PathBuf::from(spec);
        if !path.exists() {
            return Err(DataError::NotFound { path, hint: SPEC_HINT.into() });
        }
        if path.is_dir() {
            return Ok(DataSource::Idx(path));
        }
        let name = spec.to_lowercase();
        if name.ends_with(".csv") || name.ends_with(".csv.gz") { Ok(DataSource::Csv { path, label, header }) } else { Err(DataError::Unsupported { path }) }
    }
}

impl DataSource {
    /// The source named by the command line's `--data`, `--label-column` and `--header` flags: `data` as
    /// [`DataSource::parse`] reads it, the label column as [`LabelColumn::from_flag`] reads it, and a file or
    /// folder path made absolute, so that a run directory's record of it loads from any working directory.
    pub fn from_flags(data: &str, label_column: Option<&str>, header: Header) -> Result<DataSource, DataError> {
        Ok(match DataSource::parse(data, LabelColumn::from_flag(label_column), header)? {
            DataSource::Idx(dir) => DataSource::Idx(absolute(dir)),
            DataSource::Csv { path, label, header } => DataSource::Csv { path: absolute(path), label, header },
            DataSource::Digits => DataSource::Digits,
        })
    }
}

/// `path` made absolute against the working directory (unchanged if that fails).
fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}

/// Load and split a source (see [`split`](crate::split_sizes) for the rules).
pub fn load(source: &DataSource) -> Result<Splits, DataError> {
    match source {
        DataSource::Digits => crate::digits::load(),
        DataSource::Idx(dir) => {
            if !dir.exists() {
                let hint = if dir == Path::new(FASHION_MNIST_DIR) {
                    "install it with `apt-get install dataset-fashion-mnist` (Debian), \
                     or give a folder holding the four IDX files"
                } else {
                    "give a folder holding the four MNIST-format IDX files"
                };
                return Err(DataError::NotFound { path: dir.clone(), hint: hint.into() });
            }
            crate::idx::load_dir(dir)
        }
        DataSource::Csv { path, label, header } => load_csv(path, label, header),
    }
}

/// A CSV file, shuffled and split like the digits.
fn load_csv(path: &Path, label: &LabelColumn, header: &Header) -> Result<Splits, DataError> {
    let data = crate::csv::load_file(path, label, header)?;
    if data.len() < split::MIN_ROWS_TO_SPLIT {
        return Err(DataError::TooFewRows { path: path.to_path_buf(), rows: data.len(), needed: split::MIN_ROWS_TO_SPLIT });
    }
    let (train, valid, test) = split::shuffled(&data);
    let description = DataDescription {
        source: path.display().to_string(),
        kind: "csv".into(),
        train: train.len(),
        valid: valid.len(),
        test: test.len(),
        dim: data.dim,
        classes: data.classes,
        split_rule: split::shuffled_rule(),
        attribution: None,
    };
    Ok(Splits { train, valid, test, description })
}

/// Examples to apply a trained model to (`tricks predict`): every row of a file, unsplit.
#[derive(Debug, Clone)]
pub struct Examples {
    /// The examples; their labels are all 0 when `labelled` is false.
    pub data: Dataset,
    /// Whether the file gave labels.
    pub labelled: bool,
}

/// Read new examples of `dim` features from `path`: a CSV file (raw or `.gz`) of `dim` columns (no labels) or
/// `dim + 1` (the label in column `label`, as in training); an IDX image file (raw or gzip), with the labels
/// of the IDX label file beside it when there is one (`…-images-idx3-ubyte` → `…-labels-idx1-ubyte`); or an
/// IDX folder's test images and labels (`t10k-…`).
pub fn load_examples(path: &Path, dim: usize, label: &LabelColumn, header: &Header) -> Result<Examples, DataError> {
    if !path.exists() {
        return Err(DataError::NotFound { path: path.to_path_buf(), hint: "give a .csv or .csv.gz file, an IDX image file, or an IDX folder".into() });
    }
    if path.is_dir() {
        let (mut data, _) = crate::idx::read_set(path, "t10k", "test")?;
        data.classes = data.labels.iter().max().map_or(0, |&m| m as usize + 1);
        return Ok(Examples { data, labelled: true });
    }
    let bytes = crate::file::decompress_if_gz(path, crate::file::read_file(path)?)?;
    if bytes.len() >= 4 && bytes[..4] == crate::IMAGE_MAGIC.to_be_bytes() {
        let images = crate::parse_images(path, bytes)?;
        let image_shape = Some(images.shape);
        let labels_path = path
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| n.contains("images-idx3"))
            .map(|n| path.with_file_name(n.replace("images-idx3", "labels-idx1")));
        let (labels, labelled) = match labels_path.filter(|p| p.is_file()) {
            Some(labels_path) => {
                let labels = crate::read_labels(&labels_path)?;
                if labels.len() != images.count {
                    return Err(DataError::IdxCountMismatch {
                        images: path.to_path_buf(),
                        image_count: images.count,
                        labels: labels_path,
                        label_count: labels.len(),
                    });
                }
                (labels, true)
            }
            None => (vec![0; images.count], false),
        };
        let classes = labels.iter().max().map_or(0, |&m| m as usize + 1);
        let data = Dataset { features: images.pixels, labels, dim: images.shape.0 * images.shape.1, classes, image_shape };
        return Ok(Examples { data, labelled });
    }
    let name = path.to_string_lossy().to_lowercase();
    if !(name.ends_with(".csv") || name.ends_with(".csv.gz")) {
        return Err(DataError::Unsupported { path: path.to_path_buf() });
    }
    let first_line = bytes.split(|&b| b == b'\n').map(|l| String::from_utf8_lossy(l).trim().to_string()).find(|l| !l.is_empty());
    let columns = first_line.map_or(0, |l| l.split(',').count());
    let label = match columns {
        c if c == dim => LabelColumn::Absent,
        c if c == dim + 1 => label.clone(),
        found => return Err(DataError::Width { path: path.to_path_buf(), expected: dim, found }),
    };
    let labelled = label != LabelColumn::Absent;
    let data = crate::csv::parse(path, bytes, &label, header)?;
    Ok(Examples { data, labelled })
}
