use crate::{DataSource, load};

#[test]
fn digits_load_split_and_scale() {
    let s = load(&DataSource::Digits).unwrap();
    assert_eq!((s.train.len(), s.valid.len(), s.test.len()), (1199, 239, 359));
    assert_eq!(s.train.len() + s.valid.len() + s.test.len(), 1797);
    for d in [&s.train, &s.valid, &s.test] {
        assert_eq!(d.dim, 64);
        assert_eq!(d.classes, 10);
        assert_eq!(d.image_shape, Some((8, 8)));
        assert_eq!(d.features.len(), d.len() * 64);
        assert!(d.features.iter().all(|x| (0.0..=1.0).contains(x)));
        let mut seen = [false; 10];
        for &l in &d.labels {
            seen[l as usize] = true;
        }
        assert_eq!(seen, [true; 10], "every split holds every digit");
    }
    // Pixels are integers / 16, and some reach 1.
    assert!(s.train.features.iter().all(|x| (x * 16.0).fract() == 0.0));
    assert!(s.train.features.contains(&1.0));
    let d = &s.description;
    assert_eq!((d.train, d.valid, d.test, d.dim, d.classes), (1199, 239, 359, 64, 10));
    assert_eq!(d.kind, "digits");
    assert!(d.attribution.as_deref().unwrap().contains("Alpaydin"));
}

#[test]
fn digits_splits_are_deterministic_and_disjoint() {
    let a = load(&DataSource::Digits).unwrap();
    let b = load(&DataSource::Digits).unwrap();
    assert_eq!(a.train, b.train);
    assert_eq!(a.valid, b.valid);
    assert_eq!(a.test, b.test);
    // The splits are a permutation of the file's rows: same multiset of (row, label).
    let all = crate::embedded_digits().unwrap();
    let key = |d: &crate::Dataset, i: usize| {
        let mut k: Vec<u32> = d.row(i).iter().map(|x| (x * 16.0) as u32).collect();
        k.push(d.labels[i]);
        k
    };
    let mut from_file: Vec<_> = (0..all.len()).map(|i| key(&all, i)).collect();
    let mut from_splits: Vec<_> = [&a.train, &a.valid, &a.test].iter().flat_map(|d| (0..d.len()).map(|i| key(d, i)).collect::<Vec<_>>()).collect();
    from_file.sort();
    from_splits.sort();
    assert_eq!(from_file, from_splits);
    // The first file rows are labelled 0, 1, 2, ... as scikit-learn ships them.
    assert_eq!(&all.labels[..10], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
}

/// Golden values: the splits must be the same on every machine and with every `rand` version
/// (the shuffle is our own Fisher-Yates over ChaCha8 seeded with `DATA_SEED`).
#[test]
fn digits_splits_match_the_recorded_ones() {
    assert_eq!(crate::permutation(10, crate::DATA_SEED), vec![0, 9, 7, 8, 5, 6, 4, 3, 2, 1]);
    let s = load(&DataSource::Digits).unwrap();
    assert_eq!(&s.train.labels[..12], &[4, 1, 1, 3, 9, 1, 7, 6, 4, 3, 6, 3]);
    assert_eq!(&s.valid.labels[..12], &[6, 5, 4, 0, 1, 6, 2, 8, 5, 3, 3, 3]);
    assert_eq!(&s.test.labels[..12], &[4, 0, 8, 8, 5, 5, 8, 4, 0, 8, 0, 0]);
}
