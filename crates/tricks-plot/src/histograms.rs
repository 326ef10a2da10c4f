//! Histograms in a grid of small titled panels (per-layer statistics).

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::PlotError;
use crate::atomic::{Area, DrawResult, render_png};
use crate::lines::titled;
use crate::style::{colour, extent, fmt_num, pad_linear, text};

/// Size of one panel in pixels.
const PANEL: (u32, u32) = (380, 280);

/// Writes one histogram of `bins` bins (at least 1) per `(title, values)` panel, panels in a
/// near-square grid under `title`. Each panel's x axis spans its own finite values and is labelled
/// with their count, mean and standard deviation; non-finite values are counted and skipped.
pub fn histograms(path: &Path, title: &str, panels: &[(String, Vec<f32>)], bins: usize) -> Result<(), PlotError> {
    let bins = bins.max(1);
    let n = panels.len().max(1);
    let cols = (n as f64).sqrt().ceil() as usize;
    let rows = n.div_ceil(cols);
    let title_h = if title.is_empty() { 0 } else { 44 };
    let size = (cols as u32 * PANEL.0, rows as u32 * PANEL.1 + title_h);
    render_png(path, size, |root| {
        let body = titled(root, title)?;
        if panels.is_empty() {
            return note(&body, "no data");
        }
        for ((name, values), area) in panels.iter().zip(body.split_evenly((rows, cols))) {
            panel(&area, name, values, bins)?;
        }
        Ok(())
    })
}

fn panel(area: &Area<'_>, name: &str, values: &[f32], bins: usize) -> DrawResult {
    let finite: Vec<f64> = values.iter().filter(|v| v.is_finite()).map(|&v| f64::from(v)).collect();
    let skipped = values.len() - finite.len();
    let chart = |x: std::ops::Range<f64>, y_max: f64, desc: String| {
        let mut chart =
            ChartBuilder::on(area).margin(10).caption(name, text(17)).x_label_area_size(44).y_label_area_size(56).build_cartesian_2d(x, 0.0..y_max)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&|v| fmt_num(*v))
            .y_label_formatter(&|v| fmt_num(*v))
            .x_desc(desc)
            .y_desc("count")
            .label_style(text(12))
            .axis_desc_style(text(13))
            .bold_line_style(RGBColor(225, 225, 225))
            .light_line_style(RGBColor(245, 245, 245))
            .draw()?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(chart)
    };
    let skipped_note = if skipped > 0 { format!("  ({skipped} non-finite)") } else { String::new() };
    let Some((lo, hi)) = extent(finite.iter().copied()) else {
        let chart = chart(0.0..1.0, 1.0, format!("n=0{skipped_note}"))?;
        return note(&chart.plotting_area().strip_coord_spec(), "no finite values");
    };
    let (lo, hi) = if hi > lo { (lo, hi) } else { pad_flat(lo) };
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0usize; bins];
    for v in &finite {
        counts[(((v - lo) / width) as usize).min(bins - 1)] += 1;
    }
    let count = finite.len() as f64;
    let mean = finite.iter().sum::<f64>() / count;
    let sd = (finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / count).sqrt();
    let desc = format!("n={}  mean={}  sd={}{skipped_note}", finite.len(), fmt_num(mean), fmt_num(sd));
    let y_max = *counts.iter().max().unwrap_or(&1) as f64 * 1.08;
    let mut chart = chart(pad_linear((lo, hi)), y_max, desc)?;
    let bar = |i: usize| (lo + i as f64 * width, lo + (i + 1) as f64 * width);
    chart.draw_series(counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, &c)| {
        let (a, b) = bar(i);
        Rectangle::new([(a, 0.0), (b, c as f64)], colour(0).mix(0.85).filled())
    }))?;
    chart.draw_series(counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, &c)| {
        let (a, b) = bar(i);
        Rectangle::new([(a, 0.0), (b, c as f64)], WHITE.stroke_width(1))
    }))?;
    Ok(())
}

/// A range around a single value.
fn pad_flat(v: f64) -> (f64, f64) {
    let d = if v == 0.0 { 0.5 } else { v.abs() * 0.05 };
    (v - d, v + d)
}

/// A grey note in the middle of `area`.
pub(crate) fn note(area: &Area<'_>, msg: &str) -> DrawResult {
    let (w, h) = area.dim_in_pixel();
    let style = text(18).color(&RGBColor(120, 120, 120)).pos(Pos::new(HPos::Center, VPos::Center));
    Ok(area.draw(&Text::new(msg.to_string(), (w as i32 / 2, h as i32 / 2), style))?)
}
