//! Inputs that once crashed a parser under `fuzz/run` (AFL++), kept in `tests/fuzz-regressions/`: each
//! must now be refused with a clear error. The file name's start names the parser, as the fuzz targets
//! `idx_images` and `idx_labels` call it: `idx-images-`, `idx-labels-`.

use std::path::{Path, PathBuf};

use tricks_data::{DataError, parse_images, parse_labels};

fn regressions() -> Vec<PathBuf> {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).expect("the regression folder").map(|e| e.expect("an entry").path()).collect();
    files.sort();
    files
}

/// The parser the file's name points to, on its bytes; `None` for a name no parser claims.
fn parse(path: &Path) -> Option<Result<(), DataError>> {
    let name = path.file_name()?.to_str()?;
    let bytes = std::fs::read(path).expect("a regression input");
    Some(if name.starts_with("idx-images-") {
        parse_images(path, bytes).map(drop)
    } else if name.starts_with("idx-labels-") {
        parse_labels(path, bytes).map(drop)
    } else {
        return None;
    })
}

#[test]
fn every_input_that_crashed_a_parser_is_refused_with_an_error() {
    let files = regressions();
    assert!(!files.is_empty());
    for path in files {
        let outcome = parse(&path).unwrap_or_else(|| panic!("{}: no parser for this name", path.display()));
        let e = outcome.expect_err("a damaged input");
        assert!(e.to_string().contains(&path.display().to_string()), "{e}");
    }
}

#[test]
fn idx_sizes_whose_product_overflows_are_a_truncated_file() {
    // 0x01010101 images of 0x01010103 × 0x01010103 bytes: more than 2^64 bytes.
    let path =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions/idx-images-size-overflow");
    match parse_images(&path, std::fs::read(&path).unwrap()) {
        Err(DataError::IdxTruncated { expected, actual, .. }) => assert_eq!((expected, actual), (u64::MAX, 16)),
        other => panic!("{other:?}"),
    }
}
