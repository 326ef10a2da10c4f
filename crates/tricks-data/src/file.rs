//! Reading a whole file into memory, and decompressing bytes when they are gzip (detected by their magic
//! bytes, whatever the file's name).

use std::io::Read;
use std::path::Path;

use flate2::read::MultiGzDecoder;

use crate::DataError;

/// The two bytes every gzip member starts with.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Largest capacity reserved up front from a gzip trailer's size field (a damaged trailer must not
/// make us allocate gigabytes).
const MAX_SIZE_HINT: usize = 1 << 30;

/// Deflate expands at most about 1032 to 1: a size hint beyond that is a lie (a 30-byte file could
/// otherwise reserve a gigabyte).
const MAX_DEFLATE_RATIO: usize = 1032;

/// The bytes of `path` as they are on disk.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, DataError> {
    std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            DataError::NotFound { path: path.to_path_buf(), hint: "check the path".to_string() }
        } else {
            DataError::Io { path: path.to_path_buf(), error: source }
        }
    })
}

/// `bytes` decompressed if they start with the gzip magic, else unchanged; `path` names them in errors.
pub(crate) fn decompress_if_gz(path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>, DataError> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        return Ok(bytes);
    }
    // ISIZE, the last four bytes, is the uncompressed size modulo 2^32 (RFC 1952): a good hint.
    let hint = bytes
        .len()
        .checked_sub(4)
        .map(|at| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize)
        .unwrap_or(0)
        .min(MAX_SIZE_HINT)
        .min(bytes.len().saturating_mul(MAX_DEFLATE_RATIO));
    let mut out = Vec::with_capacity(hint);
    MultiGzDecoder::new(bytes.as_slice()).read_to_end(&mut out).map_err(|e| DataError::Gzip { path: path.to_path_buf(), detail: e.to_string() })?;
    Ok(out)
}
