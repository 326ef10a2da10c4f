//! t-SNE keeps separated classes apart, is reproducible for a seed, refuses bad shapes; the class
//! scatter writes a readable PNG.

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tricks_plot::{PlotError, class_scatter, tsne_2d};

/// `per_class` points around each of `classes` random centres in `dim` dimensions: centres
/// about 10 apart, unit noise per coordinate (so blobs have radius about `sqrt(dim)`).
fn blobs(classes: u32, per_class: usize, dim: usize, seed: u64) -> (Vec<f32>, Vec<u32>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let centres: Vec<Vec<f32>> = (0..classes).map(|_| (0..dim).map(|_| rng.random_range(-5.0..5.0)).collect()).collect();
    let (mut features, mut labels) = (Vec::new(), Vec::new());
    for i in 0..per_class * classes as usize {
        let c = (i % classes as usize) as u32;
        labels.push(c);
        features.extend(centres[c as usize].iter().map(|&m| {
            // Sum of three uniforms: roughly normal with unit variance.
            m + (0..3).map(|_| rng.random_range(-1.0f32..1.0)).sum::<f32>()
        }));
    }
    (features, labels)
}

/// Fraction of points whose nearest other point has the same label.
fn nn_agreement(points: &[(f64, f64)], labels: &[u32]) -> f64 {
    let same = (0..points.len())
        .filter(|&i| {
            let nearest = (0..points.len())
                .filter(|&j| j != i)
                .min_by(|&a, &b| {
                    let d = |j: usize| (points[i].0 - points[j].0).powi(2) + (points[i].1 - points[j].1).powi(2);
                    d(a).total_cmp(&d(b))
                })
                .unwrap();
            labels[nearest] == labels[i]
        })
        .count();
    same as f64 / points.len() as f64
}

#[test]
fn tsne_keeps_gaussian_blobs_apart_and_is_reproducible() {
    let dim = 50;
    let (features, labels) = blobs(5, 60, dim, 7);
    let start = Instant::now();
    let a = tsne_2d(&features, dim, 30.0, 42).unwrap();
    eprintln!("t-SNE of {} points: {:?}", labels.len(), start.elapsed());
    assert_eq!(a.len(), labels.len());
    assert!(a.iter().all(|(x, y)| x.is_finite() && y.is_finite()));
    let agreement = nn_agreement(&a, &labels);
    assert!(agreement >= 0.95, "1-NN label agreement {agreement}");
    let b = tsne_2d(&features, dim, 30.0, 42).unwrap();
    assert_eq!(a, b, "same seed, same embedding");
    let c = tsne_2d(&features, dim, 30.0, 43).unwrap();
    assert_ne!(a, c, "another seed starts elsewhere");
}

#[test]
fn tsne_refuses_bad_shapes() {
    let bad = |r: Result<Vec<(f64, f64)>, PlotError>| {
        let err = r.unwrap_err();
        assert!(matches!(err, PlotError::Embedding { .. }), "{err}");
        err.to_string()
    };
    let msg = bad(tsne_2d(&[0.0; 10], 3, 5.0, 0));
    assert!(msg.contains("10 values"), "{msg}");
    bad(tsne_2d(&[0.0; 10], 0, 5.0, 0));
    bad(tsne_2d(&[0.0; 6], 2, 5.0, 0)); // 3 points
    bad(tsne_2d(&[], 2, 5.0, 0));
    let mut nan = vec![0.5f32; 20];
    nan[7] = f32::NAN;
    let msg = bad(tsne_2d(&nan, 2, 5.0, 0));
    assert!(msg.contains("row 3"), "{msg}");
    bad(tsne_2d(&[0.0; 20], 2, 0.0, 0));
    bad(tsne_2d(&[0.0; 20], 2, f64::NAN, 0));
    // Too large a perplexity for 10 points is lowered, not refused.
    let few: Vec<f32> = (0..20).map(|i| i as f32).collect();
    assert_eq!(tsne_2d(&few, 2, 30.0, 0).unwrap().len(), 10);
}

#[test]
fn class_scatter_png_with_names_and_non_finite_points() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tsne.png");
    let (features, labels) = blobs(4, 40, 20, 3);
    let mut points = tsne_2d(&features, 20, 20.0, 1).unwrap();
    points[0] = (f64::NAN, 1.0);
    let names: Vec<String> = ["zero", "one", "two"].map(String::from).to_vec();
    class_scatter(&path, "t-SNE of layer 2 (160 test examples)", &points, &labels, Some(&names)).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG signature");
    assert!((10_000..2_000_000).contains(&bytes.len()), "{} bytes", bytes.len());
    let img = image::open(&path).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (1000, 860));
    for c in [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40]] {
        let n = img.pixels().filter(|p| p.0 == c).count();
        assert!(n > 20, "class colour {c:?} in the legend ({n} pixels)");
    }
    // Mismatched lengths are refused; empty input still gives a picture.
    let err = class_scatter(&path, "t", &points, &labels[1..], None).unwrap_err();
    assert!(matches!(err, PlotError::Input { .. }), "{err}");
    class_scatter(&dir.path().join("empty.png"), "empty", &[], &[], None).unwrap();
    image::open(dir.path().join("empty.png")).unwrap();
}
