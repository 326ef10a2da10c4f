//! MNIST-format IDX folders: `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
//! `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each raw or gzip (detected by its magic bytes;
//! with or without `.gz` in the name). Pixels become `byte / 255`.

use std::path::{Path, PathBuf};

use crate::split;
use crate::{DataDescription, DataError, Dataset, Splits};

/// Magic number of an IDX file of unsigned bytes with 3 dimensions (images).
pub const IMAGE_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of unsigned bytes with 1 dimension (labels).
pub const LABEL_MAGIC: u32 = 0x0000_0801;

/// Credit for Fashion-MNIST, recorded when the folder's name says it is that data set.
const FASHION_ATTRIBUTION: &str = "Fashion-MNIST: H. Xiao, K. Rasul, R. Vollgraf (2017), arXiv:1708.07747, MIT licence";

/// The file names tried for one of the four files, in order: `stem-kind`, `stem-kind.gz`, and the
/// `stem.kind` spelling some unpacked copies of MNIST use.
fn candidates(stem: &str, kind: &str) -> Vec<String> {
    vec![format!("{stem}-{kind}"), format!("{stem}-{kind}.gz"), format!("{stem}.{kind}"), format!("{stem}.{kind}.gz")]
}

/// The first of `candidates(stem, kind)` that exists in `dir`.
fn find(dir: &Path, what: &str, stem: &str, kind: &str) -> Result<PathBuf, DataError> {
    let names = candidates(stem, kind);
    names.iter().map(|n| dir.join(n)).find(|p| p.is_file()).ok_or_else(|| DataError::MissingIdxFile {
        dir: dir.to_path_buf(),
        what: what.to_string(),
        expected: names,
    })
}

/// Big-endian u32 at `at` (the caller has checked the length).
fn be_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Check the magic number and that the header is complete; return the header's dimensions.
fn header(path: &Path, bytes: &[u8], magic: u32, what: &'static str, dims: usize) -> Result<Vec<usize>, DataError> {
    let header_len = 4 + 4 * dims;
    let truncated = || DataError::IdxTruncated {
        path: path.to_path_buf(),
        expected: header_len as u64,
        actual: bytes.len() as u64,
        detail: format!("at least the {header_len}-byte header of {what}"),
    };
    if bytes.len() < 4 {
        return Err(truncated());
    }
    let found = be_u32(bytes, 0);
    if found != magic {
        return Err(DataError::IdxMagic { path: path.to_path_buf(), found, expected: magic, what });
    }
    if bytes.len() < header_len {
        return Err(truncated());
    }
    Ok((0..dims).map(|d| be_u32(bytes, 4 + 4 * d) as usize).collect())
}

/// Check that the body holds exactly `count` bytes after a `header_len`-byte header (`u64::MAX` for a
/// count the header's sizes overflow: no file is that long).
fn check_len(path: &Path, bytes: &[u8], header_len: usize, count: u64, detail: String) -> Result<(), DataError> {
    let expected = count.saturating_add(header_len as u64);
    if bytes.len() as u64 != expected {
        return Err(DataError::IdxTruncated { path: path.to_path_buf(), expected, actual: bytes.len() as u64, detail });
    }
    Ok(())
}

/// The contents of an IDX image file.
#[derive(Debug, Clone, PartialEq)]
pub struct IdxImages {
    /// Number of images.
    pub count: usize,
    /// `(rows, columns)` of each image.
    pub shape: (usize, usize),
    /// `count * rows * columns` pixels scaled to [0, 1] by /255, image after image, row-major.
    pub pixels: Vec<f32>,
}

/// Read an IDX image file (magic 0x00000803), raw or gzip.
pub fn read_images(path: &Path) -> Result<IdxImages, DataError> {
    parse_images(path, crate::file::read_file(path)?)
}

/// Parse the bytes of an IDX image file (magic 0x00000803), raw or gzip (detected by its magic bytes), as
/// [`read_images`] does after reading the file; `origin` names them in errors.
pub fn parse_images(origin: &Path, bytes: Vec<u8>) -> Result<IdxImages, DataError> {
    let bytes = crate::file::decompress_if_gz(origin, bytes)?;
    let dims = header(origin, &bytes, IMAGE_MAGIC, "an IDX image file", 3)?;
    let (n, rows, cols) = (dims[0], dims[1], dims[2]);
    // Three 32-bit sizes: their product may not fit in 64 bits (a damaged header).
    let count = (n as u64).saturating_mul(rows as u64).saturating_mul(cols as u64);
    check_len(origin, &bytes, 16, count, format!("16-byte header + {n} images of {rows}x{cols} bytes"))?;
    let scale: [f32; 256] = std::array::from_fn(|b| b as f32 / 255.0);
    let pixels = bytes[16..].iter().map(|&b| scale[usize::from(b)]).collect();
    Ok(IdxImages { count: n, shape: (rows, cols), pixels })
}

/// Read an IDX label file (magic 0x00000801), raw or gzip.
pub fn read_labels(path: &Path) -> Result<Vec<u32>, DataError> {
    parse_labels(path, crate::file::read_file(path)?)
}

/// Parse the bytes of an IDX label file (magic 0x00000801), raw or gzip (detected by its magic bytes), as
/// [`read_labels`] does after reading the file; `origin` names them in errors.
pub fn parse_labels(origin: &Path, bytes: Vec<u8>) -> Result<Vec<u32>, DataError> {
    let bytes = crate::file::decompress_if_gz(origin, bytes)?;
    let n = header(origin, &bytes, LABEL_MAGIC, "an IDX label file", 1)?[0];
    check_len(origin, &bytes, 8, n as u64, format!("8-byte header + {n} one-byte labels"))?;
    Ok(bytes[8..].iter().map(|&b| u32::from(b)).collect())
}

/// One set: images and labels, checked to agree.
pub(crate) fn read_set(dir: &Path, stem: &str, name: &str) -> Result<(Dataset, PathBuf), DataError> {
    let images_path = find(dir, &format!("{name} images"), &format!("{stem}-images"), "idx3-ubyte")?;
    let labels_path = find(dir, &format!("{name} labels"), &format!("{stem}-labels"), "idx1-ubyte")?;
    let IdxImages { count: n, shape, pixels: features } = read_images(&images_path)?;
    let labels = read_labels(&labels_path)?;
    if labels.len() != n {
        return Err(DataError::IdxCountMismatch { images: images_path, image_count: n, labels: labels_path, label_count: labels.len() });
    }
    if n == 0 || shape.0 * shape.1 == 0 {
        return Err(DataError::Empty { path: images_path, detail: format!("the header says {n} images of {}x{}", shape.0, shape.1) });
    }
    let dim = shape.0 * shape.1;
    let data = Dataset { features, labels, dim, classes: 0, image_shape: Some(shape) };
    Ok((data, images_path))
}

/// Load an IDX folder: validation = last 1/6 of the official training set (DLT), test = t10k.
pub(crate) fn load_dir(dir: &Path) -> Result<Splits, DataError> {
    if !dir.is_dir() {
        return Err(DataError::NotFound { path: dir.to_path_buf(), hint: "give a folder holding the four MNIST-format IDX files".into() });
    }
    let (mut official, train_path) = read_set(dir, "train", "training")?;
    let (mut test, test_path) = read_set(dir, "t10k", "test")?;
    if official.image_shape != test.image_shape {
        return Err(DataError::IdxShapeMismatch {
            train: train_path,
            train_shape: official.image_shape.unwrap_or_default(),
            test: test_path,
            test_shape: test.image_shape.unwrap_or_default(),
        });
    }
    if official.len() < 6 {
        return Err(DataError::TooFewRows { path: train_path, rows: official.len(), needed: 6 });
    }
    let classes = official.labels.iter().chain(&test.labels).max().map_or(0, |&m| m as usize + 1);
    official.classes = classes;
    test.classes = classes;
    let (train, valid) = split::last_sixth(official);
    let is_fashion = dir.components().any(|c| c.as_os_str().to_string_lossy().to_lowercase().contains("fashion"));
    let description = DataDescription {
        source: dir.display().to_string(),
        kind: "idx".into(),
        train: train.len(),
        valid: valid.len(),
        test: test.len(),
        dim: train.dim,
        classes,
        split_rule: split::official_rule(),
        attribution: is_fashion.then(|| FASHION_ATTRIBUTION.to_string()),
    };
    Ok(Splits { train, valid, test, description })
}
