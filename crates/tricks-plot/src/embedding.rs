//! 2-D t-SNE embeddings of a layer's representation (van der Maaten & Hinton 2008) and their
//! picture, one colour per class.
//!
//! The embedding is bhtsne's exact t-SNE (perplexity calibration by binary search, early
//! exaggeration, momentum gradient descent with gains), O(n²) in time and memory: meant for the
//! 500-2000 test examples a picture shows. Two things make it deterministic: the starting points
//! come from a seeded generator, and the fit runs in a one-thread rayon pool, so that bhtsne's
//! parallel float reductions always add in the same order.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::HSLColor;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::PlotError;
use crate::atomic::render_png;
use crate::histograms::note;
use crate::lines::{draw_dot_legend, split_legend, titled};
use crate::style::{colour, extent, fmt_num, text};

/// Fewest points [`tsne_2d`] embeds.
pub const MIN_TSNE_POINTS: usize = 4;
/// Gradient-descent iterations of the fit (250 of them with early exaggeration).
const EPOCHS: usize = 1000;
/// Step size of the fit, or `n / 12` when larger. bhtsne's gradient lacks the usual factor 4, so
/// its own default (`max(n / 48, 50)`) leaves clusters shrunk after the early exaggeration; 200 is
/// van der Maaten's original value for this form of the gradient.
const LEARNING_RATE: f32 = 200.0;
/// Standard deviation of the random starting points.
const INIT_SD: f64 = 1e-4;
/// Legend entries shown before the rest are summarised in one line.
const LEGEND_MAX: usize = 30;

/// Embeds `features` (rows of `dim` values, one row per example) in 2-D with exact t-SNE at the
/// given `perplexity` (typically 5-50; lowered to `(n - 1) / 3` when there are too few points
/// for it). The same inputs and `seed` give the same output, bit for bit. Errors when `dim` is 0
/// or does not divide the length, with fewer than [`MIN_TSNE_POINTS`] rows, on a non-finite
/// feature or a perplexity that is not a positive number. Cost: O(n²) memory and time per
/// iteration, on one core: about 3 s for 1000 points, 16 s for 2000 (1000 iterations).
pub fn tsne_2d(features: &[f32], dim: usize, perplexity: f64, seed: u64) -> Result<Vec<(f64, f64)>, PlotError> {
    if dim == 0 {
        return Err(PlotError::embedding("rows of 0 features"));
    }
    if !features.len().is_multiple_of(dim) {
        return Err(PlotError::embedding(format!("{} values are not rows of {dim} features", features.len())));
    }
    let n = features.len() / dim;
    if n < MIN_TSNE_POINTS {
        return Err(PlotError::embedding(format!("{n} points, at least {MIN_TSNE_POINTS} needed")));
    }
    if let Some(i) = features.iter().position(|v| !v.is_finite()) {
        return Err(PlotError::embedding(format!("feature {} of row {} is {}", i % dim, i / dim, features[i])));
    }
    if !(perplexity.is_finite() && perplexity > 0.0) {
        return Err(PlotError::embedding(format!("perplexity {perplexity} is not a positive number")));
    }
    // bhtsne asserts n - 1 >= 3 * floor(perplexity).
    let perplexity = perplexity.min((n - 1) as f64 / 3.0);

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let init: Vec<f32> = (0..n * 2).map(|_| (INIT_SD * normal(&mut rng)) as f32).collect();
    let rows: Vec<&[f32]> = features.chunks_exact(dim).collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().map_err(|e| PlotError::embedding(format!("no thread for the fit: {e}")))?;
    let y = pool.install(|| {
        bhtsne::tSNE::<f32, &[f32], 2>::new(&rows)
            .perplexity(perplexity as f32)
            .learning_rate(LEARNING_RATE.max(n as f32 / 12.0))
            .epochs(EPOCHS)
            .initial_embedding(init)
            .exact(|a, b| a.iter().zip(b.iter()).map(|(&x, &y)| (x - y).powi(2)).sum::<f32>().sqrt())
            .embedding()
    });
    Ok(y.chunks_exact(2).map(|p| (f64::from(p[0]), f64::from(p[1]))).collect())
}

/// A standard normal draw (Box-Muller).
fn normal(rng: &mut impl Rng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>(); // in (0, 1]
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Colour of class `label` when labels run below `classes`: Tableau-10 up to 10 classes, evenly
/// spaced hues (alternating lightness) beyond.
fn class_colour(label: u32, classes: u32) -> RGBColor {
    if classes <= 10 {
        return colour(label as usize);
    }
    let h = f64::from(label) / f64::from(classes);
    let l = if label.is_multiple_of(2) { 0.42 } else { 0.58 };
    let (r, g, b) = HSLColor(h, 0.75, l).rgb();
    RGBColor(r, g, b)
}

/// Scatter plot of 2-D `points` (e.g. from [`tsne_2d`]), point `i` coloured by class
/// `labels[i]`, with a legend of the classes present: `class_names[label]` where given, else
/// the number, and the count of points. Both axes have the same scale. Non-finite points are
/// skipped and counted; no points give a panel with a note. Errors when `labels` and `points`
/// differ in length.
pub fn class_scatter(path: &Path, title: &str, points: &[(f64, f64)], labels: &[u32], class_names: Option<&[String]>) -> Result<(), PlotError> {
    if points.len() != labels.len() {
        return Err(PlotError::input(path, format!("{} points but {} labels", points.len(), labels.len())));
    }
    let kept: Vec<((f64, f64), u32)> = points.iter().zip(labels).filter(|((x, y), _)| x.is_finite() && y.is_finite()).map(|(&p, &l)| (p, l)).collect();
    let skipped = points.len() - kept.len();
    let classes = kept.iter().map(|(_, l)| l + 1).max().unwrap_or(0);
    let mut present: Vec<(u32, usize)> = Vec::new();
    for &(_, l) in &kept {
        match present.binary_search_by_key(&l, |&(c, _)| c) {
            Ok(i) => present[i].1 += 1,
            Err(i) => present.insert(i, (l, 1)),
        }
    }
    let name = |l: u32| class_names.and_then(|names| names.get(l as usize)).cloned().unwrap_or_else(|| l.to_string());
    let mut legend: Vec<(String, RGBColor)> = present
        .iter()
        .take(if present.len() > LEGEND_MAX { LEGEND_MAX - 1 } else { LEGEND_MAX })
        .map(|&(l, count)| (format!("{} ({count})", name(l)), class_colour(l, classes)))
        .collect();
    if present.len() > legend.len() {
        let rest = present.len() - legend.len();
        legend.push((format!("… {rest} more classes"), WHITE));
    }
    let entries: Vec<(&str, RGBColor)> = legend.iter().map(|(s, c)| (s.as_str(), *c)).collect();
    let (x_range, y_range) = square_ranges(&kept);
    let radius = if kept.len() > 3000 { 2 } else { 3 };
    render_png(path, (1000, 860), |root| {
        let body = titled(root, title)?;
        let (plot, legend_area) = split_legend(&body, &entries)?;
        let desc = if skipped > 0 { format!("t-SNE 1   ({skipped} non-finite points skipped)") } else { "t-SNE 1".to_string() };
        let mut chart = ChartBuilder::on(&plot).margin(12).x_label_area_size(48).y_label_area_size(64).build_cartesian_2d(x_range, y_range)?;
        chart
            .configure_mesh()
            .x_desc(desc)
            .y_desc("t-SNE 2")
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|v| fmt_num(*v))
            .y_label_formatter(&|v| fmt_num(*v))
            .label_style(text(13))
            .axis_desc_style(text(16))
            .bold_line_style(RGBColor(230, 230, 230))
            .light_line_style(RGBColor(246, 246, 246))
            .draw()?;
        chart.draw_series(kept.iter().map(|&(p, l)| Circle::new(p, radius, class_colour(l, classes).mix(0.8).filled())))?;
        if kept.is_empty() {
            let msg = if skipped > 0 { format!("no finite points ({skipped} skipped)") } else { "no points".to_string() };
            note(&chart.plotting_area().strip_coord_spec(), &msg)?;
        }
        draw_dot_legend(&legend_area, &entries)
    })
}

/// Axis ranges around `points` with a margin, both spanning the same length (equal scales on a
/// near-square plot).
fn square_ranges(points: &[((f64, f64), u32)]) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
    let xs = extent(points.iter().map(|((x, _), _)| *x));
    let ys = extent(points.iter().map(|((_, y), _)| *y));
    match (xs, ys) {
        (Some((x0, x1)), Some((y0, y1))) => {
            let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
            let span = (x1 - x0).max(y1 - y0);
            let half = if span > 1e-9 * cx.abs().max(cy.abs()).max(1.0) { span * 0.53 } else { cx.abs().max(cy.abs()).max(1.0) * 0.1 };
            (cx - half..cx + half, cy - half..cy + half)
        }
        _ => (-1.0..1.0, -1.0..1.0),
    }
}
