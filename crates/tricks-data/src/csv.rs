//! Comma-separated numeric features with one integer label column, optionally behind a header row,
//! optionally gzip-compressed. A hand parser: lines split on ',', fields trimmed, one pair of
//! surrounding double quotes removed; quoted commas are not supported.

use std::path::Path;

use crate::{DataError, Dataset, Header, LabelColumn};

/// Labels must be below this (*ours*): more classes than this is almost surely a regression target
/// or a wrong label column.
pub const MAX_CLASSES: usize = 1000;

/// Parse the file at `path` (raw or gzip).
pub(crate) fn load_file(path: &Path, label: &LabelColumn, header: &Header) -> Result<Dataset, DataError> {
    parse(path, crate::file::read_file(path)?, label, header)
}

/// One field: trimmed, without one pair of surrounding double quotes.
fn clean(field: &str) -> &str {
    let t = field.trim();
    t.strip_prefix('"').and_then(|s| s.strip_suffix('"')).map(str::trim).unwrap_or(t)
}

/// Parse the bytes of a CSV file (raw or gzip, detected by its magic bytes) as [`load`](crate::load) reads
/// a CSV data source: numeric features, the label in column `label` (a non-negative integer below
/// [`MAX_CLASSES`]), a header row present, absent or detected (a first row with a non-numeric feature);
/// `origin` names the bytes in errors.
///
/// ```
/// use std::path::Path;
/// use tricks_data::{Header, LabelColumn, parse_csv};
/// let data = parse_csv(Path::new("inline.csv"), b"x,y,class\n0.5,1,0\n2,3,1\n".to_vec(), &LabelColumn::Last, &Header::Detect)?;
/// assert_eq!((data.len(), data.dim, data.classes), (2, 2, 2));
/// # Ok::<(), tricks_data::DataError>(())
/// ```
pub fn parse(origin: &Path, bytes: Vec<u8>, label: &LabelColumn, header: &Header) -> Result<Dataset, DataError> {
    let bytes = crate::file::decompress_if_gz(origin, bytes)?;
    let path = || origin.to_path_buf();

    // Non-blank lines with their 1-based numbers.
    let lines: Vec<(usize, &str)> = bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, raw)| {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            std::str::from_utf8(raw).map(|s| (i + 1, s)).map_err(|_| DataError::CsvEncoding { path: path(), line: i + 1 })
        })
        .filter(|r| !matches!(r, Ok((_, s)) if s.trim().is_empty()))
        .collect::<Result<_, _>>()?;
    let Some(&(first_line, first_text)) = lines.first() else {
        return Err(DataError::Empty { path: path(), detail: "the file has no lines".into() });
    };
    let first_fields: Vec<&str> = first_text.split(',').map(clean).collect();
    let columns = first_fields.len();
    let needed = if *label == LabelColumn::Absent { 1 } else { 2 };
    if columns < needed {
        return Err(DataError::LabelColumn {
            path: path(),
            detail: format!(
                "line {first_line}: {columns} column; need at least one feature column and a label column, \
                 separated by ','"
            ),
        });
    }
    let numeric = |s: &str| s.parse::<f64>().is_ok();

    // Label column by position when known before looking at the header.
    let label_by_position = match label {
        LabelColumn::Last => Some(columns - 1),
        LabelColumn::Index(i) if *i < columns => Some(*i),
        LabelColumn::Index(i) => {
            return Err(DataError::LabelColumn {
                path: path(),
                detail: format!("label column index {i} is out of range: the file has {columns} columns (0..={})", columns - 1),
            });
        }
        LabelColumn::Name(_) | LabelColumn::Absent => None,
    };
    let has_header = match header {
        Header::Present => true,
        Header::Absent => false,
        Header::Detect => first_fields.iter().enumerate().any(|(c, f)| Some(c) != label_by_position && !numeric(f)),
    };
    let label_col = match (label, label_by_position) {
        (_, Some(c)) => Some(c),
        (LabelColumn::Absent, None) => None,
        (LabelColumn::Name(name), None) => {
            if !has_header {
                return Err(DataError::LabelColumn {
                    path: path(),
                    detail: format!(
                        "label column {name:?} asked for by name, but the first line is not a header \
                         (all its fields are numbers); give the label column by index instead"
                    ),
                });
            }
            Some(first_fields.iter().position(|f| f == name).ok_or_else(|| DataError::LabelColumn {
                path: path(),
                detail: format!("no column named {name:?} in the header; the columns are: {}", first_fields.join(", ")),
            })?)
        }
        (_, None) => unreachable!("only a named label column has no position yet"),
    };
    let data_lines = if has_header { &lines[1..] } else { &lines[..] };

    let dim = columns - usize::from(label_col.is_some());
    let mut features = Vec::with_capacity(data_lines.len() * dim);
    let mut labels = Vec::with_capacity(data_lines.len());
    for &(line, text) in data_lines {
        let mut found = 0;
        for (c, field) in text.split(',').map(clean).enumerate() {
            found += 1;
            if found > columns {
                continue;
            }
            if Some(c) == label_col {
                labels.push(parse_label(origin, line, field)?);
                continue;
            }
            let value: f32 = field.parse().map_err(|_| DataError::CsvNotNumeric { path: path(), line, column: c + 1, text: field.to_string() })?;
            if !value.is_finite() {
                return Err(DataError::NonFinite { path: path(), place: format!("line {line}"), column: c + 1, value: field.to_string() });
            }
            features.push(value);
        }
        if found != columns {
            return Err(DataError::CsvRagged { path: path(), line, expected: columns, found });
        }
        if label_col.is_none() {
            labels.push(0);
        }
    }
    if labels.is_empty() {
        return Err(DataError::Empty { path: path(), detail: "no data rows after the header".into() });
    }
    let classes = if label_col.is_some() { labels.iter().max().map_or(0, |&m| m as usize + 1) } else { 0 };
    Ok(Dataset { features, labels, dim, classes, image_shape: None })
}

/// A label: a non-negative integer below [`MAX_CLASSES`], written as "3" or "3.0".
fn parse_label(origin: &Path, line: usize, field: &str) -> Result<u32, DataError> {
    let refuse = |reason| DataError::Label { path: origin.to_path_buf(), line, text: field.to_string(), reason };
    let value: f64 = field.parse().map_err(|_| refuse("is not a number"))?;
    if !value.is_finite() {
        Err(refuse("is not finite"))
    } else if value < 0.0 {
        Err(refuse("is negative"))
    } else if value.fract() != 0.0 {
        Err(refuse("is not an integer"))
    } else if value >= MAX_CLASSES as f64 {
        Err(refuse("would make more than 1000 classes"))
    } else {
        Ok(value as u32)
    }
}
