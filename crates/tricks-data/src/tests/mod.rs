//! Unit tests, one file per concept.

mod csv;
mod digits;
mod idx;
mod preprocess;
mod source;

use std::io::Write;
use std::path::Path;

/// gzip-compress `bytes`.
pub(crate) fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Write `bytes` to `dir/name`.
pub(crate) fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}
