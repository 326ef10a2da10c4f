//! Each picture kind writes a decodable PNG of the expected size; failures name the path and leave
//! no temporary file behind.

use std::path::Path;

use image::RgbImage;
use tricks_plot::{HistogramHistory, HistogramSnapshot, Panel, PlotError, Series, histogram_history, histograms, learning_curves, line_grid, lines, tiles};

fn decode(path: &Path) -> RgbImage {
    image::open(path).expect("a decodable PNG").to_rgb8()
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".tmp")).collect()
}

/// Pixels in `rows` that are clearly dark (text, axes).
fn dark_pixels(img: &RgbImage, rows: std::ops::Range<u32>) -> usize {
    rows.flat_map(|y| (0..img.width()).map(move |x| (x, y))).filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&c| c < 100)).count()
}

fn run(label: &str, scale: f64) -> Series {
    Series::new(label, (1..=50).map(|i| (i as f64 * 1000.0, scale * 2.3 / (i as f64).powf(1.5))).collect())
}

#[test]
fn learning_curves_png_with_diverged_run_and_legend() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("curves.png");
    let mut diverged = run("lr=1.0 (diverged)", 1.0);
    diverged.points.truncate(10);
    diverged.points.extend([(11_000.0, f64::NAN), (12_000.0, f64::INFINITY)]);
    let train = [run("lr=0.1", 1.0), run("lr=0.01", 3.0), diverged];
    let valid: Vec<Series> = train.iter().map(|s| Series::new(s.label.clone(), s.points.iter().map(|&(x, y)| (x, 100.0 * y / 3.0)).collect())).collect();
    learning_curves(&path, "MLP on MNIST: learning rate sweep", &train, &valid).unwrap();
    let img = decode(&path);
    assert_eq!(img.dimensions(), (1000, 900));
    assert!(dark_pixels(&img, 0..40) > 200, "the title is rendered");
    let blue = img.pixels().filter(|p| p.0 == [31, 119, 180]).count();
    let orange = img.pixels().filter(|p| p.0 == [255, 127, 14]).count();
    assert!(blue > 500 && orange > 500, "runs drawn in distinct colours ({blue}, {orange})");
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn empty_inputs_still_give_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let nan = Series::new("nan", vec![(f64::NAN, 1.0), (1.0, f64::NAN)]);
    learning_curves(&dir.path().join("c.png"), "", &[], &[nan]).unwrap();
    assert_eq!(decode(&dir.path().join("c.png")).dimensions(), (1000, 900));
    lines(&dir.path().join("l.png"), "empty", "x", "y", &[], true).unwrap();
    assert_eq!(decode(&dir.path().join("l.png")).dimensions(), (1000, 600));
    histograms(&dir.path().join("h.png"), "none", &[], 10).unwrap();
    decode(&dir.path().join("h.png"));
    tiles(&dir.path().join("t.png"), &[], (3, 3), 4).unwrap();
    decode(&dir.path().join("t.png"));
    line_grid(&dir.path().join("g.png"), "none", "examples seen", &[]).unwrap();
    decode(&dir.path().join("g.png"));
    histogram_history(&dir.path().join("hh.png"), "none", &[]).unwrap();
    decode(&dir.path().join("hh.png"));
}

#[test]
fn line_grid_png_with_reference_lines_and_shared_legend() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.png");
    let ratio = |label: &str, scale: f64| Series::new(label, (1..=40).map(|i| (i as f64 * 5000.0, scale * 1e-2 / i as f64)).collect());
    let mut panels: Vec<Panel> = (1..=4)
        .map(|l| Panel {
            title: format!("layer {l}: update / weight"),
            series: vec![ratio("weights", 1.0 / l as f64), ratio("biases", 2.0)],
            log_y: true,
            reference: Some(1e-3),
        })
        .collect();
    panels.push(Panel::new("dead units", vec![Series::new("dead", vec![(0.0, 0.0), (1e5, f64::NAN), (2e5, 0.1)])]));
    panels.push(Panel {
        title: "all NaN, reference only".to_string(),
        series: vec![Series::new("weights", vec![(1.0, f64::NAN)])],
        log_y: true,
        reference: Some(0.05),
    });
    line_grid(&path, "per-layer statistics", "examples seen", &panels).unwrap();
    let img = decode(&path);
    // Three columns of 460 px plus the legend, two rows of 300 px under the title.
    assert_eq!(img.dimensions().1, 2 * 300 + 44);
    assert!(img.dimensions().0 > 3 * 460, "a legend column");
    assert!(dark_pixels(&img, 0..40) > 200, "the title is rendered");
    // The dashed reference lines are dark grey, the series keep one colour per label.
    let grey = img.pixels().filter(|p| p.0 == [90, 90, 90]).count();
    let blue = img.pixels().filter(|p| p.0 == [31, 119, 180]).count();
    let orange = img.pixels().filter(|p| p.0 == [255, 127, 14]).count();
    assert!(grey > 1000, "reference lines drawn ({grey} px)");
    assert!(blue > 1000 && orange > 1000, "{blue}, {orange}");
    assert!(leftovers(dir.path()).is_empty());
}

/// A histogram of `bins` bins over `[min, max]`, peaked in the middle.
fn snapshot(time: f64, min: f64, max: f64, bins: usize) -> HistogramSnapshot {
    HistogramSnapshot {
        time,
        min,
        max,
        counts: (0..bins)
            .map(|b| {
                let z = (b as f64 + 0.5) / bins as f64 * 2.0 - 1.0;
                100.0 * (1.0 - z * z)
            })
            .collect(),
    }
}

#[test]
fn histogram_history_png_handles_flat_empty_and_non_finite_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.png");
    let widening = HistogramHistory {
        title: "layer 1 activations".to_string(),
        snapshots: (0..20).map(|i| snapshot(i as f64 * 1e4, -1.0 - i as f64 * 0.1, 1.0 + i as f64 * 0.1, 30)).collect(),
    };
    let mut odd = vec![
        snapshot(0.0, 0.5, 0.5, 1),            // every value the same
        snapshot(1e4, 0.0, 1.0, 0),            // no bins
        snapshot(2e4, f64::NAN, 1.0, 10),      // non-finite range
        snapshot(f64::INFINITY, 0.0, 1.0, 10), // non-finite time
        snapshot(3e4, 1.0, 0.0, 10),           // min > max
        snapshot(4e4, 0.0, 2.0, 10),           // fine
        snapshot(4e4, 0.0, 3.0, 10),           // same time: drawn instead
    ];
    odd[5].counts[3] = f64::NAN;
    odd[5].counts[4] = -5.0;
    let odd = HistogramHistory { title: "odd snapshots".to_string(), snapshots: odd };
    let none = HistogramHistory { title: "nothing usable".to_string(), snapshots: vec![snapshot(0.0, 0.0, 1.0, 0)] };
    histogram_history(&path, "histograms over time", &[widening, odd, none]).unwrap();
    let img = decode(&path);
    assert_eq!(img.dimensions(), (2 * 460 + 120, 2 * 300 + 44));
    // The peak of each column has the darkest colour of the map.
    let darkest = img.pixels().filter(|p| p.0 == [8, 29, 88]).count();
    assert!(darkest > 500, "{darkest} px of full count");
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn lines_png_log_and_non_positive_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lines.png");
    let series = [run("layer 1", 1.0), run("layer 2", 0.01), Series::new("", vec![(5.0e4, 1e-3)])];
    lines(&path, "gradient norm", "examples seen", "norm", &series, true).unwrap();
    assert_eq!(decode(&path).dimensions(), (1000, 600));
    let signed = [Series::new("w", vec![(0.0, -1.0), (1.0, 2.0), (2.0, 0.0)])];
    lines(&path, "mean weight", "examples seen", "mean", &signed, true).unwrap();
    assert_eq!(decode(&path).dimensions(), (1000, 600));
}

#[test]
fn tiles_place_pixels_where_expected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiles.png");
    let (h, w) = (4, 6);
    // Image k is dark except for one bright pixel at row k % h, column k.
    let images: Vec<Vec<f32>> = (0..5)
        .map(|k| {
            let mut img = vec![-1.0f32; h * w];
            img[(k % h) * w + k] = 3.0;
            img
        })
        .collect();
    tiles(&path, &images, (h, w), 3).unwrap();
    let img = decode(&path);
    let s = 8; // the longer side reaches 48 px
    assert_eq!(img.dimensions(), ((3 * (w * s + 1) + 1) as u32, (2 * (h * s + 1) + 1) as u32));
    for k in 0..5 {
        let (x0, y0) = (1 + (k % 3) * (w * s + 1), 1 + (k / 3) * (h * s + 1));
        let centre = |r: usize, c: usize| img.get_pixel((x0 + c * s + s / 2) as u32, (y0 + r * s + s / 2) as u32).0;
        assert_eq!(centre(k % h, k), [255; 3], "bright pixel of tile {k}");
        assert_eq!(centre((k + 1) % h, k), [0; 3], "dark pixel of tile {k}");
    }
    // Separator between the first two tiles.
    assert_ne!(img.get_pixel((w * s + 1) as u32, 5).0, [0; 3]);
    assert!(tiles(&path, &[vec![0.0; 5]], (h, w), 3).is_err(), "wrong length refused");
}

#[test]
fn histograms_png_grid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hist.png");
    let normal = |k: usize| (0..2000).map(|i| ((i * 7919 + k) % 1000) as f32 / 500.0 - 1.0).collect::<Vec<f32>>();
    let panels = vec![
        ("layer 1 weights".to_string(), normal(1)),
        ("layer 2 weights".to_string(), normal(2)),
        ("constant".to_string(), vec![0.5; 10]),
        ("with NaN".to_string(), vec![1.0, f32::NAN, 2.0]),
        ("all NaN".to_string(), vec![f32::NAN]),
    ];
    histograms(&path, "weights at 10k examples", &panels, 30).unwrap();
    let img = decode(&path);
    assert_eq!(img.dimensions(), (3 * 380, 2 * 280 + 44));
}

#[test]
fn unwritable_path_is_named_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    // The target is a non-empty directory: the temporary file is written, the rename fails.
    let target = dir.path().join("plot.png");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep"), b"x").unwrap();
    let err = lines(&target, "t", "x", "y", &[run("a", 1.0)], false).unwrap_err();
    assert!(matches!(err, PlotError::Io { .. }));
    assert!(err.to_string().contains(&target.display().to_string()), "{err}");
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
    // A directory that does not exist.
    let missing = dir.path().join("missing").join("tiles.png");
    let err = tiles(&missing, &[vec![1.0; 4]], (2, 2), 1).unwrap_err();
    assert!(err.to_string().contains(&missing.display().to_string()), "{err}");
}

#[test]
fn overwrites_an_existing_picture() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.png");
    std::fs::write(&path, b"old").unwrap();
    lines(&path, "t", "x", "y", &[run("a", 1.0)], false).unwrap();
    assert_eq!(decode(&path).dimensions(), (1000, 600));
}
