use crate::{DataError, DataSource, Dataset, FittedPreprocessing, load};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tricks_core::Preprocessing;

fn digits_train() -> Dataset {
    load(&DataSource::Digits).unwrap().train
}

/// `n` rows of `dim` features drawn from a skewed, correlated distribution.
fn random(n: usize, dim: usize, seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut features = Vec::with_capacity(n * dim);
    for _ in 0..n {
        let z: f32 = rng.random::<f32>() * 3.0;
        for j in 0..dim {
            let e: f32 = rng.random();
            features.push(z * j as f32 + e * e * 5.0 - 2.0);
        }
    }
    Dataset { features, labels: vec![0; n], dim, classes: 1, image_shape: None }
}

fn column_stats(d: &Dataset, j: usize) -> (f64, f64) {
    let n = d.len() as f64;
    let m = (0..d.len()).map(|i| f64::from(d.row(i)[j])).sum::<f64>() / n;
    let v = (0..d.len()).map(|i| (f64::from(d.row(i)[j]) - m).powi(2)).sum::<f64>() / n;
    (m, v.sqrt())
}

#[test]
fn none_is_the_identity() {
    let train = digits_train();
    let p = FittedPreprocessing::fit(&Preprocessing::None, &train).unwrap();
    assert_eq!(p.output_dim(), 64);
    assert_eq!(p.apply(&train), train);
}

#[test]
fn standardise_gives_zero_mean_unit_std_on_train() {
    let train = digits_train();
    let p = FittedPreprocessing::fit(&Preprocessing::Standardise, &train).unwrap();
    let out = p.apply(&train);
    assert_eq!(out.labels, train.labels);
    assert_eq!(out.image_shape, Some((8, 8)));
    let mut constant = 0;
    for j in 0..64 {
        let (_, raw_std) = column_stats(&train, j);
        let (m, s) = column_stats(&out, j);
        assert!(m.abs() < 1e-5, "feature {j}: mean {m}");
        if raw_std == 0.0 {
            constant += 1;
            assert!((0..out.len()).all(|i| out.row(i)[j] == 0.0), "constant feature {j} stays 0");
        } else {
            assert!((s - 1.0).abs() < 1e-4, "feature {j}: std {s}");
        }
    }
    assert!(constant > 0, "the digits have always-blank pixels");
}

fn dist(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(x - y).powi(2)).sum::<f64>().sqrt()
}

#[test]
fn pca_keeping_all_variance_preserves_distances() {
    for train in [random(300, 12, 1), digits_train()] {
        let p = FittedPreprocessing::fit(&Preprocessing::Pca { variance_kept: 1.0 }, &train).unwrap();
        let out = p.apply(&train);
        assert_eq!(out.dim, p.output_dim());
        assert_eq!(out.image_shape, None);
        for i in (0..train.len()).step_by(7) {
            for k in (0..train.len()).step_by(13) {
                let (a, b) = (dist(train.row(i), train.row(k)), dist(out.row(i), out.row(k)));
                assert!((a - b).abs() <= 1e-4 * a.max(1.0), "rows {i},{k}: {a} vs {b}");
            }
        }
        // Outputs are centred.
        for j in 0..out.dim {
            assert!(column_stats(&out, j).0.abs() < 1e-4);
        }
    }
}

#[test]
fn pca_with_half_the_variance_reduces_dim_and_keeps_enough() {
    let train = digits_train();
    let p = FittedPreprocessing::fit(&Preprocessing::Pca { variance_kept: 0.5 }, &train).unwrap();
    let k = p.output_dim();
    assert!((1..20).contains(&k), "kept {k}");
    let out = p.apply(&train);
    let total: f64 = (0..64).map(|j| column_stats(&train, j).1.powi(2)).sum();
    let kept: f64 = (0..k).map(|j| column_stats(&out, j).1.powi(2)).sum();
    let fewer: f64 = (0..k - 1).map(|j| column_stats(&out, j).1.powi(2)).sum();
    assert!(kept >= 0.5 * total * (1.0 - 1e-5), "{kept} of {total}");
    assert!(fewer < 0.5 * total, "k is the smallest");
    // Components come by decreasing variance.
    let vars: Vec<f64> = (0..k).map(|j| column_stats(&out, j).1).collect();
    assert!(vars.windows(2).all(|w| w[0] >= w[1] * (1.0 - 1e-4)), "{vars:?}");
}

#[test]
fn pca_refuses_impossible_fractions() {
    let train = random(20, 3, 2);
    for v in [0.0, -0.1, 1.5, f64::NAN] {
        let e = FittedPreprocessing::fit(&Preprocessing::Pca { variance_kept: v }, &train).unwrap_err();
        assert!(matches!(e, DataError::InvalidPreprocessing { what: "variance_kept", .. }), "{v}: {e:?}");
        assert!(e.to_string().contains("(0, 1]"));
    }
}

#[test]
fn uniformise_maps_into_unit_interval_monotonically() {
    let train = random(5000, 4, 3);
    let p = FittedPreprocessing::fit(&Preprocessing::Uniformise, &train).unwrap();
    let FittedPreprocessing::Uniformise { features } = &p else { panic!() };
    assert!(features.iter().all(|k| k.values.len() <= crate::MAX_QUANTILES && k.values.len() > 900));
    let out = p.apply(&train);
    assert!(out.features.iter().all(|x| (0.0..=1.0).contains(x)));
    for (j, knots) in features.iter().enumerate() {
        // About uniform on the training data.
        let (m, s) = column_stats(&out, j);
        assert!((m - 0.5).abs() < 0.01 && (s - (1.0f64 / 12.0).sqrt()).abs() < 0.01, "feature {j}: {m} {s}");
        // Monotone in the input, including outside the training range.
        let mut xs: Vec<f32> = (0..train.len()).map(|i| train.row(i)[j]).collect();
        xs.extend([-1e6, 1e6, 0.123, -3.0]);
        xs.sort_by(f32::total_cmp);
        let ys: Vec<f32> = xs.iter().map(|&x| knots.cdf(x)).collect();
        assert!(ys.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(ys[0], 0.0);
        assert_eq!(*ys.last().unwrap(), 1.0);
    }
}

#[test]
fn uniformise_shares_one_level_among_ties() {
    // A pixel that is 0 in 8 of 10 rows, then 0.5 and 1.
    let col = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 1.0];
    let train = Dataset { features: col.to_vec(), labels: vec![0; 10], dim: 1, classes: 1, image_shape: None };
    let p = FittedPreprocessing::fit(&Preprocessing::Uniformise, &train).unwrap();
    let FittedPreprocessing::Uniformise { features } = &p else { panic!() };
    let k = &features[0];
    assert_eq!(k.values, vec![0.0, 0.5, 1.0]);
    assert!((k.cdf(0.0) - 7.0 / 18.0).abs() < 1e-6);
    assert!((k.cdf(0.5) - 8.0 / 9.0).abs() < 1e-6);
    assert_eq!(k.cdf(1.0), 1.0);
    assert!(k.cdf(0.25) > k.cdf(0.0) && k.cdf(0.25) < k.cdf(0.5));
    // A constant feature maps to the middle.
    let flat = Dataset { features: vec![3.0; 5], labels: vec![0; 5], dim: 1, classes: 1, image_shape: None };
    let p = FittedPreprocessing::fit(&Preprocessing::Uniformise, &flat).unwrap();
    assert_eq!(p.apply(&flat).features, vec![0.5; 5]);
}

#[test]
fn fitting_refuses_unusable_training_data() {
    let empty = Dataset { features: vec![], labels: vec![], dim: 3, classes: 1, image_shape: None };
    assert!(matches!(FittedPreprocessing::fit(&Preprocessing::Standardise, &empty), Err(DataError::Empty { .. })));
    let nan = Dataset { features: vec![1.0, 2.0, f32::NAN, 4.0], labels: vec![0, 0], dim: 2, classes: 1, image_shape: None };
    let e = FittedPreprocessing::fit(&Preprocessing::Standardise, &nan).unwrap_err();
    assert!(matches!(&e, DataError::NonFinite { column: 1, place, .. } if place == "row 1"), "{e:?}");
}

#[test]
#[should_panic(expected = "fitted on 64 features applied to data with 12")]
fn applying_to_other_dims_panics() {
    let p = FittedPreprocessing::fit(&Preprocessing::Standardise, &digits_train()).unwrap();
    p.apply(&random(5, 12, 4));
}

#[test]
fn json_round_trip_is_exact() {
    let train = digits_train();
    let kinds = [Preprocessing::None, Preprocessing::Standardise, Preprocessing::Pca { variance_kept: 0.95 }, Preprocessing::Uniformise];
    for kind in &kinds {
        let p = FittedPreprocessing::fit(kind, &train).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        let back: FittedPreprocessing = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p, "{kind:?}");
        assert_eq!(back.apply(&train), p.apply(&train));
    }
    // Arbitrary f32 values, across magnitudes, survive JSON bit for bit.
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mean: Vec<f32> = (0..200_000).map(|_| f32::from_bits(rng.random::<u32>())).filter(|x| x.is_finite()).collect();
    let p = FittedPreprocessing::Standardise { std: mean.clone(), mean };
    let back: FittedPreprocessing = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    let (FittedPreprocessing::Standardise { mean: a, .. }, FittedPreprocessing::Standardise { mean: b, .. }) = (&p, &back) else { panic!() };
    let bad: Vec<_> = a.iter().zip(b).filter(|(x, y)| x.to_bits() != y.to_bits()).take(5).collect();
    assert!(bad.is_empty(), "{bad:?}");
}
