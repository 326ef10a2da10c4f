//! Writes one picture of each kind into the directory given as argument (default `.`), to look at.

use std::path::PathBuf;

use tricks_plot::{
    HistogramHistory, HistogramSnapshot, Panel, Series, class_scatter, histogram_history, histograms, learning_curves, line_grid, lines, tiles, tsne_2d,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let curve = |label: &str, rate: f64, floor: f64, noise: f64| {
        let pts = (1..=60)
            .map(|i| {
                let x = i as f64 * 5000.0;
                (x, floor + 2.3 * (-rate * x / 1e5).exp() + noise * ((i * 37 % 11) as f64 / 11.0 - 0.5))
            })
            .collect();
        Series::new(label, pts)
    };
    let mut diverged = curve("lr=1.0 (diverged)", 3.0, 0.3, 0.1);
    diverged.points.truncate(12);
    diverged.points.push((65_000.0, f64::NAN));
    let train = vec![curve("lr=0.1", 2.0, 0.02, 0.01), curve("lr=0.01", 0.5, 0.1, 0.02), diverged];
    let valid: Vec<Series> =
        train.iter().map(|s| Series::new(s.label.clone(), s.points.iter().step_by(5).map(|&(x, y)| (x, 2.0 + 40.0 * y)).collect())).collect();
    learning_curves(&dir.join("curves.png"), "MLP 784-500-10 on MNIST: learning-rate sweep", &train, &valid)?;
    lines(&dir.join("lines.png"), "Gradient norm per layer", "examples seen", "‖∇W‖", &train, true)?;
    let filters: Vec<Vec<f32>> =
        (0..40).map(|k| (0..28 * 28).map(|i| ((i % 28) as f32 * 0.3 + k as f32).sin() * ((i / 28) as f32 * 0.2).cos()).collect()).collect();
    tiles(&dir.join("tiles.png"), &filters, (28, 28), 10)?;
    let panels: Vec<(String, Vec<f32>)> = (1..=4)
        .map(|l| {
            let v = (0..5000).map(|i| ((i as f32 * 0.618).fract() - 0.5 + ((i * 31 % 97) as f32 / 97.0 - 0.5)) / l as f32).collect();
            (format!("layer {l} weights"), v)
        })
        .collect();
    histograms(&dir.join("hist.png"), "Weights after 300k examples", &panels, 40)?;
    let nan = Series::new("lr=10 (NaN at once)", vec![(1000.0, f64::NAN), (2000.0, f64::INFINITY)]);
    learning_curves(&dir.join("empty.png"), "Nothing finite to show", &[nan], &[])?;
    monitoring(&dir)?;
    embedding(&dir)?;
    Ok(())
}

/// Per-layer statistics as the training loop records them every 5k examples.
fn monitoring(dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let times: Vec<f64> = (0..=60).map(|i| i as f64 * 5000.0).collect();
    let curve = |label: &str, f: &dyn Fn(f64) -> f64| Series::new(label, times.iter().map(|&t| (t, f(t / 1e5))).collect());
    let wobble = |t: f64| 1.0 + 0.15 * (t * 17.0).sin();
    let mut panels = Vec::new();
    for layer in 1..=3 {
        let l = f64::from(layer);
        let mut ratio = Panel::new(
            format!("layer {layer}: update / weight"),
            vec![curve("weights", &|t| 3e-3 / l * (-t).exp() * wobble(t) + 2e-4), curve("biases", &|t| 8e-3 / l * (-t * 0.7).exp() * wobble(t + 1.0) + 5e-4)],
        );
        ratio.log_y = true;
        ratio.reference = Some(1e-3);
        panels.push(ratio);
        panels.push(Panel::new(
            format!("layer {layer}: activations"),
            vec![curve("mean", &|t| 0.1 * l * (1.0 - (-t).exp())), curve("std", &|t| 0.3 + 0.1 * l * (1.0 - (-t * 2.0).exp()))],
        ));
        let mut dead = Panel::new(format!("layer {layer}: saturated / dead fraction"), vec![curve("saturated", &|t| 0.02 * l * t.min(1.5))]);
        dead.reference = Some(0.05);
        panels.push(dead);
    }
    line_grid(&dir.join("monitor_lines.png"), "MLP 784-500-500-10: per-layer statistics", "examples seen", &panels)?;

    // Histograms of 40 bins, each over its own [min, max], recorded every 10k examples.
    let history = |title: &str, spread: &dyn Fn(f64) -> (f64, f64, f64)| {
        let snapshots = (0..=30)
            .map(|i| {
                let time = f64::from(i) * 10_000.0;
                let (centre, sd, skew) = spread(f64::from(i) / 30.0);
                let (min, max) = (centre - 3.0 * sd, centre + 3.0 * sd);
                let counts = (0..40)
                    .map(|b| {
                        let z = (f64::from(b) + 0.5) / 40.0 * 6.0 - 3.0;
                        1000.0 * (-0.5 * z * z).exp() * (1.0 + skew * z).max(0.0)
                    })
                    .collect();
                HistogramSnapshot { time, min, max, counts }
            })
            .collect();
        HistogramHistory { title: title.to_string(), snapshots }
    };
    let panels = vec![
        history("layer 1 pre-activations", &|t| (0.2 * t, 0.5 + 1.5 * t, 0.0)),
        history("layer 1 weight gradients", &|t| (0.0, 0.05 * (-3.0 * t).exp() + 0.005, 0.0)),
        history("layer 2 activations (tanh)", &|t| (0.0, 0.3 + 0.5 * t, 0.6 * t)),
        HistogramHistory {
            title: "layer 2 biases (still 0)".to_string(),
            snapshots: (0..=30).map(|i| HistogramSnapshot { time: f64::from(i) * 10_000.0, min: 0.0, max: 0.0, counts: vec![500.0] }).collect(),
        },
    ];
    histogram_history(&dir.join("monitor_histograms.png"), "Histograms over time", &panels)?;
    Ok(())
}

/// A t-SNE map of ten noisy classes in 64 dimensions.
fn embedding(dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let (dim, per_class) = (64, 60);
    let mut state = 12345u64;
    let mut uniform = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let centres: Vec<Vec<f64>> = (0..10).map(|_| (0..dim).map(|_| 4.0 * uniform()).collect()).collect();
    let (mut features, mut labels) = (Vec::new(), Vec::new());
    for i in 0..10 * per_class {
        let c = i % 10;
        labels.push(c as u32);
        features.extend(centres[c].iter().map(|m| (m + 1.2 * uniform()) as f32));
    }
    let points = tsne_2d(&features, dim, 30.0, 7)?;
    let names: Vec<String> = ["airplane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"].map(String::from).to_vec();
    class_scatter(&dir.join("tsne.png"), "t-SNE of the last hidden layer (600 test examples)", &points, &labels, Some(&names))?;
    Ok(())
}
