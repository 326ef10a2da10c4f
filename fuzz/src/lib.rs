//! Helpers shared by the fuzz targets in `src/bin/`: each target feeds AFL++'s bytes to a parser of
//! tricks exactly as the tool reads a file, and a panic (or an abort, or a hang) is a finding.

/// The first byte of `data` (0 when empty) and the rest: targets take their options from it.
pub fn split_option(data: &[u8]) -> (u8, &[u8]) {
    match data.split_first() {
        Some((&first, rest)) => (first, rest),
        None => (0, data),
    }
}
