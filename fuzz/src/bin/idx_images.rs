//! An IDX image file (raw or gzip), as `tricks train --data DIR` reads it.

use std::path::Path;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        if let Ok(images) = tricks_data::parse_images(Path::new("fuzz-images-idx3-ubyte"), data.to_vec()) {
            assert_eq!(images.pixels.len(), images.count * images.shape.0 * images.shape.1);
        }
    });
}
