use super::{gz, write};
use crate::{DataError, DataSource, load};
use std::path::Path;

/// An IDX image file of `n` images `rows`×`cols`, pixel `k` of the file body = `k % 256`.
fn images(n: u32, rows: u32, cols: u32) -> Vec<u8> {
    let mut b = vec![0, 0, 8, 3];
    for d in [n, rows, cols] {
        b.extend_from_slice(&d.to_be_bytes());
    }
    b.extend((0..n * rows * cols).map(|k| (k % 256) as u8));
    b
}

/// An IDX label file with labels `i % 7`.
fn labels(n: u32) -> Vec<u8> {
    let mut b = vec![0, 0, 8, 1];
    b.extend_from_slice(&n.to_be_bytes());
    b.extend((0..n).map(|i| (i % 7) as u8));
    b
}

/// Write the four files (12 training and 4 test images of 3×2), gzipped when `zip`.
fn write_set(dir: &Path, zip: bool) {
    let files = [
        ("train-images-idx3-ubyte", images(12, 3, 2)),
        ("train-labels-idx1-ubyte", labels(12)),
        ("t10k-images-idx3-ubyte", images(4, 3, 2)),
        ("t10k-labels-idx1-ubyte", labels(4)),
    ];
    for (name, bytes) in files {
        if zip {
            write(dir, &format!("{name}.gz"), &gz(&bytes));
        } else {
            write(dir, name, &bytes);
        }
    }
}

fn load_dir(dir: &Path) -> Result<crate::Splits, DataError> {
    load(&DataSource::Idx(dir.to_path_buf()))
}

#[test]
fn round_trip_raw_and_gz_agree() {
    let raw = tempfile::tempdir().unwrap();
    let zipped = tempfile::tempdir().unwrap();
    write_set(raw.path(), false);
    write_set(zipped.path(), true);
    let a = load_dir(raw.path()).unwrap();
    let b = load_dir(zipped.path()).unwrap();
    for s in [&a, &b] {
        assert_eq!((s.train.len(), s.valid.len(), s.test.len()), (10, 2, 4));
        assert_eq!(s.train.dim, 6);
        assert_eq!(s.train.image_shape, Some((3, 2)));
        assert_eq!(s.train.classes, 7);
        assert_eq!(s.test.classes, 7);
        assert_eq!(s.train.row(1), &[6.0 / 255.0, 7.0 / 255.0, 8.0 / 255.0, 9.0 / 255.0, 10.0 / 255.0, 11.0 / 255.0]);
        // Validation is the last two training images, in file order.
        assert_eq!(s.valid.labels, vec![10 % 7, 11 % 7]);
        assert_eq!(s.valid.row(0)[0], 60.0 / 255.0);
        assert_eq!(s.test.labels, vec![0, 1, 2, 3]);
        assert_eq!(s.description.kind, "idx");
        assert_eq!((s.description.train, s.description.valid, s.description.test), (10, 2, 4));
    }
    assert_eq!(a.train, b.train);
    assert_eq!(a.valid, b.valid);
    assert_eq!(a.test, b.test);
}

#[test]
fn gzip_is_detected_by_magic_not_name() {
    let dir = tempfile::tempdir().unwrap();
    write_set(dir.path(), false);
    let raw = load_dir(dir.path()).unwrap();
    let p = dir.path().join("train-images-idx3-ubyte");
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&p, gz(&bytes)).unwrap();
    assert_eq!(load_dir(dir.path()).unwrap().train, raw.train);
}

#[test]
fn missing_file_lists_expected_names() {
    let dir = tempfile::tempdir().unwrap();
    write_set(dir.path(), true);
    std::fs::remove_file(dir.path().join("t10k-labels-idx1-ubyte.gz")).unwrap();
    let e = load_dir(dir.path()).unwrap_err();
    assert!(matches!(e, DataError::MissingIdxFile { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte.gz"), "{msg}");
    assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
}

#[test]
fn truncated_file_gives_expected_and_actual_sizes() {
    let dir = tempfile::tempdir().unwrap();
    write_set(dir.path(), false);
    let mut bytes = images(12, 3, 2);
    bytes.truncate(bytes.len() - 5);
    write(dir.path(), "train-images-idx3-ubyte", &bytes);
    let e = load_dir(dir.path()).unwrap_err();
    match &e {
        DataError::IdxTruncated { expected, actual, path, .. } => {
            assert_eq!((*expected, *actual), (16 + 72, 16 + 67));
            assert!(path.ends_with("train-images-idx3-ubyte"));
        }
        other => panic!("{other:?}"),
    }
    let msg = e.to_string();
    assert!(msg.contains("train-images-idx3-ubyte: 83 bytes"), "{msg}");
    assert!(msg.contains("expected 88"), "{msg}");
    // A header cut short is also a truncation.
    write(dir.path(), "train-images-idx3-ubyte", &images(12, 3, 2)[..10]);
    assert!(matches!(load_dir(dir.path()), Err(DataError::IdxTruncated { expected: 16, actual: 10, .. })));
    write(dir.path(), "train-images-idx3-ubyte", &[0, 0]);
    assert!(matches!(load_dir(dir.path()), Err(DataError::IdxTruncated { actual: 2, .. })));
}

#[test]
fn wrong_magic_is_reported_with_both_numbers() {
    let dir = tempfile::tempdir().unwrap();
    write_set(dir.path(), true);
    // A label file where the images should be.
    write(dir.path(), "train-images-idx3-ubyte.gz", &gz(&labels(12)));
    let e = load_dir(dir.path()).unwrap_err();
    assert!(matches!(e, DataError::IdxMagic { found: 0x801, expected: 0x803, .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("train-images-idx3-ubyte.gz: wrong magic number 0x00000801 at byte 0, expected 0x00000803 (an IDX image file)"), "{msg}");
}

#[test]
fn image_and_label_counts_must_agree() {
    let dir = tempfile::tempdir().unwrap();
    write_set(dir.path(), false);
    write(dir.path(), "t10k-labels-idx1-ubyte", &labels(5));
    let e = load_dir(dir.path()).unwrap_err();
    assert!(matches!(e, DataError::IdxCountMismatch { image_count: 4, label_count: 5, .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("t10k-images-idx3-ubyte: 4 images"), "{msg}");
    assert!(msg.contains("t10k-labels-idx1-ubyte: 5 labels"), "{msg}");
}

#[test]
fn image_sizes_must_agree_across_sets() {
    let dir = tempfile::tempdir().unwrap();
    write_set(dir.path(), false);
    write(dir.path(), "t10k-images-idx3-ubyte", &images(4, 2, 3));
    let e = load_dir(dir.path()).unwrap_err();
    assert!(matches!(e, DataError::IdxShapeMismatch { train_shape: (3, 2), test_shape: (2, 3), .. }), "{e:?}");
}

#[test]
fn corrupt_gzip_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    write_set(dir.path(), true);
    let p = dir.path().join("train-labels-idx1-ubyte.gz");
    let mut bytes = std::fs::read(&p).unwrap();
    let n = bytes.len();
    bytes[n - 6] ^= 0xff; // damage the CRC
    std::fs::write(&p, &bytes).unwrap();
    let e = load_dir(dir.path()).unwrap_err();
    assert!(matches!(e, DataError::Gzip { .. }), "{e:?}");
    assert!(e.to_string().contains("train-labels-idx1-ubyte.gz: corrupt gzip"), "{e}");
    // Cut short.
    std::fs::write(&p, &bytes[..n / 2]).unwrap();
    assert!(matches!(load_dir(dir.path()), Err(DataError::Gzip { .. })));
}

#[test]
fn empty_sets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write_set(dir.path(), false);
    write(dir.path(), "t10k-images-idx3-ubyte", &images(0, 3, 2));
    write(dir.path(), "t10k-labels-idx1-ubyte", &labels(0));
    let e = load_dir(dir.path()).unwrap_err();
    assert!(matches!(e, DataError::Empty { .. }), "{e:?}");
    assert!(e.to_string().contains("t10k-images-idx3-ubyte"), "{e}");
}

#[test]
fn missing_folder_is_named() {
    let e = load_dir(Path::new("/nonexistent/idx-folder")).unwrap_err();
    assert!(matches!(e, DataError::NotFound { .. }));
    assert!(e.to_string().contains("/nonexistent/idx-folder: not found"), "{e}");
}

/// The real Fashion-MNIST from Debian's `dataset-fashion-mnist`. Where the folder is absent the test is
/// skipped with a message on stderr, except under CI (`CI` set, as `.ci/run` runs it after installing the
/// package) or with `TRICKS_REQUIRE_FASHION_MNIST` set: there absence is a failure.
#[test]
fn fashion_mnist_if_installed() {
    let dir = Path::new(crate::FASHION_MNIST_DIR);
    if !dir.is_dir() {
        let required =
            ["CI", "TRICKS_REQUIRE_FASHION_MNIST"].into_iter().find(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty() && x != "false" && x != "0"));
        assert!(
            required.is_none(),
            "{} is absent but {} is set: install Fashion-MNIST (Debian: apt-get install dataset-fashion-mnist)",
            dir.display(),
            required.unwrap_or_default()
        );
        eprintln!("SKIPPED fashion_mnist_if_installed: {} is absent (set CI or TRICKS_REQUIRE_FASHION_MNIST to make this a failure)", dir.display());
        return;
    }
    let start = std::time::Instant::now();
    let s = load(&DataSource::parse("fashion-mnist", Default::default(), Default::default()).unwrap()).unwrap();
    eprintln!("fashion-mnist loaded in {:?}", start.elapsed());
    assert_eq!((s.train.len(), s.valid.len(), s.test.len()), (50_000, 10_000, 10_000));
    assert_eq!(s.train.dim, 784);
    assert_eq!(s.train.image_shape, Some((28, 28)));
    assert_eq!(s.train.classes, 10);
    assert!(s.train.features.iter().all(|x| (0.0..=1.0).contains(x)));
    assert!(s.description.attribution.as_deref().unwrap().contains("Xiao"));
    let mut counts = [0usize; 10];
    for &l in &s.test.labels {
        counts[l as usize] += 1;
    }
    assert_eq!(counts, [1000; 10]);
}
