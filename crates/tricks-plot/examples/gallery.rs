//! Writes one picture of each kind into the directory given as argument (default `.`), to look at.

use std::path::PathBuf;

use tricks_plot::{Series, histograms, learning_curves, lines, tiles};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let curve = |label: &str, rate: f64, floor: f64, noise: f64| {
        let pts = (1..=60)
            .map(|i| {
                let x = i as f64 * 5000.0;
                (
                    x,
                    floor
                        + 2.3 * (-rate * x / 1e5).exp()
                        + noise * ((i * 37 % 11) as f64 / 11.0 - 0.5),
                )
            })
            .collect();
        Series::new(label, pts)
    };
    let mut diverged = curve("lr=1.0 (diverged)", 3.0, 0.3, 0.1);
    diverged.points.truncate(12);
    diverged.points.push((65_000.0, f64::NAN));
    let train = vec![
        curve("lr=0.1", 2.0, 0.02, 0.01),
        curve("lr=0.01", 0.5, 0.1, 0.02),
        diverged,
    ];
    let valid: Vec<Series> = train
        .iter()
        .map(|s| {
            Series::new(
                s.label.clone(),
                s.points
                    .iter()
                    .step_by(5)
                    .map(|&(x, y)| (x, 2.0 + 40.0 * y))
                    .collect(),
            )
        })
        .collect();
    learning_curves(
        &dir.join("curves.png"),
        "MLP 784-500-10 on MNIST: learning-rate sweep",
        &train,
        &valid,
    )?;
    lines(
        &dir.join("lines.png"),
        "Gradient norm per layer",
        "examples seen",
        "‖∇W‖",
        &train,
        true,
    )?;
    let filters: Vec<Vec<f32>> = (0..40)
        .map(|k| {
            (0..28 * 28)
                .map(|i| ((i % 28) as f32 * 0.3 + k as f32).sin() * ((i / 28) as f32 * 0.2).cos())
                .collect()
        })
        .collect();
    tiles(&dir.join("tiles.png"), &filters, (28, 28), 10)?;
    let panels: Vec<(String, Vec<f32>)> = (1..=4)
        .map(|l| {
            let v = (0..5000)
                .map(|i| {
                    ((i as f32 * 0.618).fract() - 0.5 + ((i * 31 % 97) as f32 / 97.0 - 0.5))
                        / l as f32
                })
                .collect();
            (format!("layer {l} weights"), v)
        })
        .collect();
    histograms(
        &dir.join("hist.png"),
        "Weights after 300k examples",
        &panels,
        40,
    )?;
    let nan = Series::new(
        "lr=10 (NaN at once)",
        vec![(1000.0, f64::NAN), (2000.0, f64::INFINITY)],
    );
    learning_curves(
        &dir.join("empty.png"),
        "Nothing finite to show",
        &[nan],
        &[],
    )?;
    Ok(())
}
