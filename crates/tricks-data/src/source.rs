//! Where examples come from ([`DataSource`]), how a user names it, and [`load`].

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::split;
use crate::{DataDescription, DataError, Splits};

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
