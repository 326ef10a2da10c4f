//! The monitoring statistics of a run written to its directory: `layer_stats.csv`, `layer_stats.png`
//! (statistics against examples seen) and `layer_histograms.png` (histograms over time), p.22-23.

use std::path::Path;

use tricks_plot::{HistogramHistory, HistogramSnapshot, Panel, PlotError, Series};

use tricks_run::{RunDir, files};

use crate::{Quantity, Snapshot, Statistic, TrainError, UPDATE_RATIO_TARGET, layer_stats_csv};

/// Write `layer_stats.csv`, `layer_stats.png` and `layer_histograms.png` into `dir`; nothing when
/// monitoring was off.
pub(crate) fn save_monitor(dir: &RunDir, name: &str, snapshots: &[Snapshot]) -> Result<(), TrainError> {
    if snapshots.is_empty() {
        return Ok(());
    }
    dir.write_text(files::LAYER_STATS_CSV, &layer_stats_csv(snapshots))?;
    let stats = dir.file(files::LAYER_STATS_PNG);
    plot_layer_stats(&stats, name, snapshots).map_err(|e| TrainError::io(&stats, e))?;
    let histograms = dir.file(files::LAYER_HISTOGRAMS_PNG);
    plot_layer_histograms(&histograms, name, snapshots).map_err(|e| TrainError::io(&histograms, e))
}

/// One panel per quantity and statistic (mean and standard deviation of distributions, the value of
/// single-valued quantities), one series per layer or tensor, against examples seen. The update/weight
/// ratio is drawn on a log scale with the 1e-3 reference (HG); standard deviations of parameters and
/// gradients on a log scale when positive.
pub fn plot_layer_stats(path: &Path, name: &str, snapshots: &[Snapshot]) -> Result<(), PlotError> {
    let mut panels = Vec::new();
    for q in Quantity::ALL {
        if q.is_scalar() {
            let mut panel = Panel::new(q.name().replace('_', " "), series(snapshots, q, |s| s.mean));
            if q == Quantity::UpdateRatio {
                panel.title = "update/weight ratio ‖Δθ‖/‖θ‖".into();
                panel.log_y = true;
                panel.reference = Some(UPDATE_RATIO_TARGET);
            }
            if !panel.series.is_empty() {
                panels.push(panel);
            }
            continue;
        }
        let means = series(snapshots, q, |s| s.mean);
        if means.is_empty() {
            continue;
        }
        let label = q.name().replace('_', " ");
        panels.push(Panel::new(format!("{label}: mean"), means));
        let mut std = Panel::new(format!("{label}: std"), series(snapshots, q, |s| s.std));
        std.log_y = matches!(q, Quantity::ActivationGradient | Quantity::Parameter | Quantity::ParameterGradient);
        panels.push(std);
    }
    tricks_plot::line_grid(path, &format!("{name}: per-layer statistics (p.22-23)"), "examples seen", &panels)
}

/// Histograms over time of each hidden layer's activations and activation gradients and of each weight
/// tensor's values and gradients (biases are left out: few values).
pub fn plot_layer_histograms(path: &Path, name: &str, snapshots: &[Snapshot]) -> Result<(), PlotError> {
    let wanted = |s: &Statistic| match s.quantity {
        Quantity::Activation | Quantity::ActivationGradient => true,
        Quantity::Parameter | Quantity::ParameterGradient => s.tensor != "bias" && !s.tensor.ends_with("_bias"),
        _ => false,
    };
    let mut panels: Vec<(String, Quantity, HistogramHistory)> = Vec::new();
    for snap in snapshots {
        for s in snap.statistics.iter().filter(|s| wanted(s)) {
            let key = s.label();
            let slot = match panels.iter().position(|(k, q, _)| *k == key && *q == s.quantity) {
                Some(i) => i,
                None => {
                    let title = format!("{key}: {}", s.quantity.name().replace('_', " "));
                    panels.push((key, s.quantity, HistogramHistory { title, snapshots: Vec::new() }));
                    panels.len() - 1
                }
            };
            panels[slot].2.snapshots.push(HistogramSnapshot { time: snap.examples_seen as f64, min: s.min, max: s.max, counts: s.counts.clone() });
        }
    }
    let panels: Vec<HistogramHistory> = panels.into_iter().map(|(_, _, h)| h).collect();
    tricks_plot::histogram_history(path, &format!("{name}: histograms over time (p.23)"), &panels)
}

/// One series per layer or tensor of quantity `q`: `value` against examples seen.
fn series(snapshots: &[Snapshot], q: Quantity, value: fn(&Statistic) -> f64) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    for snap in snapshots {
        for s in snap.statistics.iter().filter(|s| s.quantity == q) {
            let label = s.label();
            let point = (snap.examples_seen as f64, value(s));
            match out.iter_mut().find(|x| x.label == label) {
                Some(x) => x.points.push(point),
                None => out.push(Series::new(label, vec![point])),
            }
        }
    }
    out
}
