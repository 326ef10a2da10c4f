//! An IDX label file (raw or gzip), as `tricks train --data DIR` reads it.

use std::path::Path;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let _ = tricks_data::parse_labels(Path::new("fuzz-labels-idx1-ubyte"), data.to_vec());
    });
}
