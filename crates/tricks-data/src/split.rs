//! Splitting examples into training, validation and test sets.
//!
//! Data with an official test set (IDX) keeps it and holds out the last 1/6 of the official training
//! set for validation, unshuffled (DLT: MNIST's 60,000 become 50,000 + 10,000). Data without one
//! (the embedded digits, CSV) is shuffled once with [`DATA_SEED`], then the last 20 % becomes the test
//! set and the last 1/6 of the rest the validation set. The shuffle is our own Fisher-Yates over
//! ChaCha8, so the splits are the same on every run, machine and `rand` version.

use rand::RngCore;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::Dataset;

/// Seed of the one shuffle that splits data without an official test set (*ours*). Independent of the
/// training seed, so that every run and every trial of a search sees the same splits.
pub const DATA_SEED: u64 = 0x5EED;

/// The fewest examples for which [`split_sizes`] gives three non-empty sets.
pub const MIN_ROWS_TO_SPLIT: usize = 7;

/// `(train, valid, test)` sizes for `n` shuffled examples: test = ⌊n/5⌋ (20 %), valid = ⌊r/6⌋ of the
/// remaining r (DLT's 1/6), train = the rest. For the 1,797 digits: 1,199 / 239 / 359.
pub fn split_sizes(n: usize) -> (usize, usize, usize) {
    let test = n / 5;
    let valid = (n - test) / 6;
    (n - test - valid, valid, test)
}

/// A permutation of `0..n` drawn from ChaCha8 seeded with `seed`: Fisher-Yates, from the last position
/// down, each swap partner `u64 % (i + 1)` (the modulo bias is below 2^-40 for any real `n`).
pub fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// A bootstrap sample of `0..n` (Efron 1979): `n` indices drawn uniformly with replacement from ChaCha8
/// seeded with `seed`, for one member of a bagged ensemble (chapter p.15).
pub fn bootstrap_indices(n: usize, seed: u64) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| (rng.next_u64() % n as u64) as usize).collect()
}

/// Shuffle with [`DATA_SEED`] and cut into (train, valid, test) by [`split_sizes`].
pub(crate) fn shuffled(data: &Dataset) -> (Dataset, Dataset, Dataset) {
    let order = permutation(data.len(), DATA_SEED);
    let (train, valid, _) = split_sizes(data.len());
    (data.subset(&order[..train]), data.subset(&order[train..train + valid]), data.subset(&order[train + valid..]))
}

/// Hold out the last 1/6 of an official training set for validation, in file order (DLT).
pub(crate) fn last_sixth(mut data: Dataset) -> (Dataset, Dataset) {
    let valid = data.len() / 6;
    let train = data.len() - valid;
    let valid = Dataset {
        features: data.features.split_off(train * data.dim),
        labels: data.labels.split_off(train),
        dim: data.dim,
        classes: data.classes,
        image_shape: data.image_shape,
    };
    (data, valid)
}

/// Words for [`DataDescription::split_rule`](crate::DataDescription::split_rule) of a shuffled split.
pub(crate) fn shuffled_rule() -> String {
    format!(
        "shuffled once with ChaCha8 seed {DATA_SEED:#x}; test = last 20 % (floor), \
         validation = last 1/6 (floor) of the rest (DLT), train = the rest"
    )
}

/// Words for the split rule of data with an official test set.
pub(crate) fn official_rule() -> String {
    "validation = last 1/6 of the official training set, in file order (DLT); test = the official test set".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bootstrap_sample_repeats_examples_and_depends_on_its_seed_only() {
        let n = 10_000;
        let sample = bootstrap_indices(n, 3);
        assert_eq!(sample.len(), n);
        assert_eq!(sample, bootstrap_indices(n, 3));
        assert_ne!(sample, bootstrap_indices(n, 4));
        let distinct = sample.iter().collect::<std::collections::BTreeSet<_>>().len() as f64 / n as f64;
        assert!((distinct - (1.0 - (-1f64).exp())).abs() < 0.02, "about 63.2 % distinct, got {distinct}");
    }

    #[test]
    fn sizes_follow_the_documented_rule() {
        assert_eq!(split_sizes(1797), (1199, 239, 359));
        assert_eq!(split_sizes(60_000), (40_000, 8_000, 12_000));
        for n in MIN_ROWS_TO_SPLIT..500 {
            let (a, b, c) = split_sizes(n);
            assert!(a > 0 && b > 0 && c > 0, "n = {n}");
            assert_eq!(a + b + c, n);
        }
        let (_, b, _) = split_sizes(MIN_ROWS_TO_SPLIT - 1);
        assert_eq!(b, 0);
    }

    #[test]
    fn permutation_is_a_fixed_permutation() {
        let p = permutation(100, DATA_SEED);
        let mut sorted = p.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..100).collect::<Vec<_>>());
        assert_eq!(p, permutation(100, DATA_SEED));
        assert_ne!(p, permutation(100, DATA_SEED + 1));
        assert_ne!(p, (0..100).collect::<Vec<_>>());
    }
}
