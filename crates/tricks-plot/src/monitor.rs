//! Pictures of per-layer monitoring statistics recorded during training: grids of small line
//! charts (means, standard deviations, update/weight ratios, saturated fractions) and
//! "histograms over time" as heat maps.

use std::ops::Range;
use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::atomic::{Area, DrawResult, render_png};
use crate::histograms::note;
use crate::lines::{Chart, draw_legend, draw_panel, titled, x_range};
use crate::style::{colour, extent, fmt_num, pad_linear, text};
use crate::{PlotError, Series, font};

/// Size of one grid cell in pixels.
const CELL: (u32, u32) = (460, 300);
/// Height of the picture title line.
const TITLE_H: u32 = 44;
/// Value rows of a heat map.
const ROWS: usize = 64;
/// Width of the colour-bar column of [`histogram_history`].
const BAR_COLUMN: u32 = 120;

/// One small chart of [`line_grid`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Panel {
    /// Title above the chart, e.g. `"layer 2 weights: update/weight ratio"`.
    pub title: String,
    /// Curves of the chart; a label keeps its colour across all panels of the picture.
    pub series: Vec<Series>,
    /// Logarithmic y wanted; honoured when every finite y is positive.
    pub log_y: bool,
    /// Height of a horizontal dashed line, e.g. the 1e-3 target of the update/weight ratio.
    pub reference: Option<f64>,
}

impl Panel {
    /// A linear panel titled `title` with `series` and no reference line.
    pub fn new(title: impl Into<String>, series: Vec<Series>) -> Self {
        Self { title: title.into(), series, ..Self::default() }
    }
}

/// Grid of small line charts, near-square, all sharing the x range (labelled `x_label`) and one
/// legend on the right that names each series label once, in one colour across panels. A
/// panel's `reference` is drawn as a dashed line and kept in its y range. Non-finite points are
/// skipped; a panel without finite points says so.
pub fn line_grid(path: &Path, title: &str, x_label: &str, panels: &[Panel]) -> Result<(), PlotError> {
    let mut labels: Vec<&str> = Vec::new();
    for s in panels.iter().flat_map(|p| &p.series) {
        if !s.label.is_empty() && !labels.contains(&s.label.as_str()) {
            labels.push(&s.label);
        }
    }
    let colour_of = |s: &Series| colour(labels.iter().position(|l| *l == s.label).unwrap_or(0));
    let colours: Vec<Vec<RGBColor>> = panels.iter().map(|p| p.series.iter().map(colour_of).collect()).collect();
    let entries: Vec<(&str, RGBColor)> = labels.iter().enumerate().map(|(i, &l)| (l, colour(i))).collect();
    let groups: Vec<&[Series]> = panels.iter().map(|p| p.series.as_slice()).collect();
    let x = x_range(&groups);
    let legend_w = legend_width(&entries);
    let (rows, cols) = grid(panels.len());
    let title_h = if title.is_empty() { 0 } else { TITLE_H };
    let size = (cols as u32 * CELL.0 + legend_w, rows as u32 * CELL.1 + title_h);
    render_png(path, size, |root| {
        let body = titled(root, title)?;
        let (cells, legend) = body.split_horizontally(cols as u32 * CELL.0);
        if panels.is_empty() {
            return note(&cells, "no data");
        }
        for ((p, c), area) in panels.iter().zip(&colours).zip(cells.split_evenly((rows, cols))) {
            let chart = Chart {
                x_label,
                y_label: "",
                series: &p.series,
                colours: c,
                log_y: p.log_y,
                x_range: x.clone(),
                caption: &p.title,
                reference: p.reference,
                compact: true,
            };
            draw_panel(&area, &chart)?;
        }
        draw_legend(&legend, &entries)
    })
}

/// Rows and columns of a near-square grid for `n` panels (one cell when there are none).
fn grid(n: usize) -> (usize, usize) {
    let n = n.max(1);
    let cols = (n as f64).sqrt().ceil() as usize;
    (n.div_ceil(cols), cols)
}

/// Width of a legend column for the labelled `entries` (0 when there are none).
fn legend_width(entries: &[(&str, RGBColor)]) -> u32 {
    if !font::ensure() {
        return 0;
    }
    let style = text(15);
    entries.iter().filter(|(l, _)| !l.is_empty()).map(|(l, _)| style.font.box_size(l).map_or(8 * l.len() as u32, |(w, _)| w) + 56).max().unwrap_or(0)
}

/// The histograms of one tensor's values over training, one [`HistogramSnapshot`] per
/// recording: a panel of [`histogram_history`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistogramHistory {
    /// Title above the panel, e.g. `"layer 1 pre-activations"`.
    pub title: String,
    /// The recordings, in any order.
    pub snapshots: Vec<HistogramSnapshot>,
}

/// One histogram of equal-width bins over `[min, max]`, recorded at `time`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistogramSnapshot {
    /// When it was recorded, e.g. examples seen.
    pub time: f64,
    /// Lower edge of the first bin.
    pub min: f64,
    /// Upper edge of the last bin; equal to `min` when every value was the same (then all counts
    /// are taken to be at `min`).
    pub max: f64,
    /// Count per bin, `counts.len()` equal-width bins from `min` to `max`.
    pub counts: Vec<f64>,
}

/// "Histograms over time": one heat map per panel in a near-square grid, x = examples seen (one
/// column per snapshot, reaching halfway to its neighbours), y = value over the range that
/// covers every snapshot of the panel, colour = count relative to the column's largest (a colour
/// bar on the right), white where there is nothing; of snapshots with the same time the last one
/// is drawn. Each snapshot's bins are re-binned onto the
/// panel's rows by spreading each count evenly over its bin. Snapshots with a non-finite time or
/// range, `min > max` or no positive finite count are skipped and counted in the axis label;
/// non-finite or negative counts are taken as 0.
pub fn histogram_history(path: &Path, title: &str, panels: &[HistogramHistory]) -> Result<(), PlotError> {
    let (rows, cols) = grid(panels.len());
    let title_h = if title.is_empty() { 0 } else { TITLE_H };
    let size = (cols as u32 * CELL.0 + BAR_COLUMN, rows as u32 * CELL.1 + title_h);
    render_png(path, size, |root| {
        let body = titled(root, title)?;
        let (cells, bar) = body.split_horizontally(cols as u32 * CELL.0);
        if panels.is_empty() {
            return note(&cells, "no data");
        }
        for (p, area) in panels.iter().zip(cells.split_evenly((rows, cols))) {
            heat_panel(&area, p)?;
        }
        colour_bar(&bar)
    })
}

/// A snapshot's usable counts: finite and non-negative, others as 0.
fn clean_counts(s: &HistogramSnapshot) -> impl Iterator<Item = f64> + '_ {
    s.counts.iter().map(|&c| if c.is_finite() && c > 0.0 { c } else { 0.0 })
}

/// Whether `s` can be drawn: finite time and range, `min <= max`, some positive count.
fn usable(s: &HistogramSnapshot) -> bool {
    s.time.is_finite() && s.min.is_finite() && s.max.is_finite() && s.min <= s.max && clean_counts(s).any(|c| c > 0.0)
}

/// Counts of `s` spread over `ROWS` equal rows of `[lo, hi)` (hi > lo), each bin's count evenly
/// over its interval; a point histogram (`min == max`) goes to the row holding `min`.
fn rebin(s: &HistogramSnapshot, lo: f64, hi: f64) -> Vec<f64> {
    let mut out = vec![0.0; ROWS];
    let row_h = (hi - lo) / ROWS as f64;
    let row_of = |v: f64| (((v - lo) / row_h).floor().max(0.0) as usize).min(ROWS - 1);
    let bins = s.counts.len();
    let width = (s.max - s.min) / bins as f64;
    for (j, c) in clean_counts(s).enumerate().filter(|(_, c)| *c > 0.0) {
        if width <= 0.0 || !width.is_finite() {
            out[row_of(s.min)] += c;
            continue;
        }
        let (a, b) = (s.min + j as f64 * width, s.min + (j + 1) as f64 * width);
        for (r, cell) in out.iter_mut().enumerate().take(row_of(b) + 1).skip(row_of(a)) {
            let (r0, r1) = (lo + r as f64 * row_h, lo + (r + 1) as f64 * row_h);
            let overlap = b.min(r1) - a.max(r0);
            if overlap > 0.0 {
                *cell += c * overlap / width;
            }
        }
    }
    out
}

/// Left and right edge of each column at sorted `times`: halfway to the neighbours, the outer
/// ones as far out as their inner half (a lone column is given a width of its own).
fn column_edges(times: &[f64]) -> Vec<(f64, f64)> {
    let n = times.len();
    let mid = |i: usize| (times[i] + times[i + 1]) / 2.0;
    let lone = |t: f64| (t.abs() * 0.05).max(0.5);
    (0..n)
        .map(|i| {
            let right = if i + 1 < n { mid(i) } else { f64::NAN };
            let left = if i > 0 { mid(i - 1) } else { f64::NAN };
            let l = if left.is_nan() { if right.is_nan() { times[i] - lone(times[i]) } else { 2.0 * times[i] - right } } else { left };
            let r = if right.is_nan() { if left.is_nan() { times[i] + lone(times[i]) } else { 2.0 * times[i] - left } } else { right };
            (l, r)
        })
        .collect()
}

fn heat_panel(area: &Area<'_>, p: &HistogramHistory) -> DrawResult {
    // Latest recording first, so that the stable sort and dedup keep it for a repeated time.
    let mut snaps: Vec<&HistogramSnapshot> = p.snapshots.iter().rev().filter(|s| usable(s)).collect();
    let skipped = p.snapshots.len() - snaps.len();
    snaps.sort_by(|a, b| a.time.total_cmp(&b.time));
    snaps.dedup_by(|later, first| later.time == first.time);
    let desc = if skipped > 0 { format!("examples seen   ({skipped} empty or non-finite skipped)") } else { "examples seen".to_string() };
    let times: Vec<f64> = snaps.iter().map(|s| s.time).collect();
    let edges = column_edges(&times);
    let x: Range<f64> = match (edges.first(), edges.last()) {
        (Some(&(l, _)), Some(&(_, r))) if r > l => l..r,
        _ => 0.0..1.0,
    };
    let (lo, hi) = match extent(snaps.iter().flat_map(|s| [s.min, s.max])) {
        Some((lo, hi)) if hi > lo => (lo, hi),
        Some((v, _)) => {
            let d = if v == 0.0 { 0.5 } else { v.abs() * 0.05 };
            (v - d, v + d)
        }
        None => (0.0, 1.0),
    };
    let y = pad_linear((lo, hi));
    let mut chart = ChartBuilder::on(area).margin(8).caption(&p.title, text(16)).x_label_area_size(40).y_label_area_size(60).build_cartesian_2d(x, y)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(5)
        .y_labels(6)
        .x_label_formatter(&|v| fmt_num(*v))
        .y_label_formatter(&|v| fmt_num(*v))
        .x_desc(desc)
        .y_desc("value")
        .label_style(text(12))
        .axis_desc_style(text(13))
        .draw()?;
    if snaps.is_empty() {
        let msg = if skipped > 0 { format!("no usable snapshots ({skipped} skipped)") } else { "no data".to_string() };
        return note(&chart.plotting_area().strip_coord_spec(), &msg);
    }
    let row_h = (hi - lo) / ROWS as f64;
    for (s, &(l, r)) in snaps.iter().zip(&edges) {
        let cells = rebin(s, lo, hi);
        let top = cells.iter().copied().fold(0.0, f64::max);
        chart.draw_series(cells.iter().enumerate().filter(|(_, c)| **c > 0.0).map(|(i, &c)| {
            let (v0, v1) = (lo + i as f64 * row_h, lo + (i + 1) as f64 * row_h);
            Rectangle::new([(l, v0), (r, v1)], ylgnbu(c / top).filled())
        }))?;
    }
    Ok(())
}

/// Sequential colour map at `t` in `[0, 1]` (clamped; NaN as 0): ColorBrewer's YlGnBu, pale
/// yellow for few to dark blue for many, so that near-empty cells fade into the white background.
fn ylgnbu(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] =
        [(255, 255, 217), (237, 248, 177), (199, 233, 180), (127, 205, 187), (65, 182, 196), (29, 145, 192), (34, 94, 168), (37, 52, 148), (8, 29, 88)];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let pos = t * (STOPS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + f * (f64::from(b) - f64::from(a))).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Vertical colour bar at the top of `area`, labelled 0 to 1.
fn colour_bar(area: &Area<'_>) -> DrawResult {
    let (x0, x1, y0, y1) = (16, 36, 40, 280);
    let label = text(13).pos(Pos::new(HPos::Left, VPos::Center));
    area.draw(&Text::new("count / column max", (8, 20), text(13).pos(Pos::new(HPos::Left, VPos::Center))))?;
    for y in y0..y1 {
        let t = f64::from(y1 - 1 - y) / f64::from(y1 - y0 - 1);
        area.draw(&PathElement::new(vec![(x0, y), (x1, y)], ylgnbu(t)))?;
    }
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], BLACK.stroke_width(1)))?;
    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let y = y1 - 1 - (t * f64::from(y1 - y0 - 1)).round() as i32;
        area.draw(&PathElement::new(vec![(x1, y), (x1 + 4, y)], BLACK))?;
        area.draw(&Text::new(fmt_num(t), (x1 + 8, y), label.clone()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(min: f64, max: f64, counts: Vec<f64>) -> HistogramSnapshot {
        HistogramSnapshot { time: 0.0, min, max, counts }
    }

    #[test]
    fn rebinning_keeps_the_total_and_the_place() {
        // Two bins over [0, 1] onto 64 rows of [0, 2): all mass in the lower half.
        let out = rebin(&snap(0.0, 1.0, vec![3.0, 1.0]), 0.0, 2.0);
        assert!((out.iter().sum::<f64>() - 4.0).abs() < 1e-9);
        assert!(out[32..].iter().all(|&c| c == 0.0));
        assert!((out[..16].iter().sum::<f64>() - 3.0).abs() < 1e-9);
        // A point histogram lands in one row; bad counts are dropped.
        let out = rebin(&snap(1.5, 1.5, vec![f64::NAN, 2.0, -1.0]), 0.0, 2.0);
        assert_eq!(out.iter().filter(|&&c| c > 0.0).count(), 1);
        assert_eq!(out[48], 2.0);
        // The top edge belongs to the last row.
        let out = rebin(&snap(0.0, 2.0, vec![1.0]), 0.0, 2.0);
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn columns_meet_halfway() {
        let e = column_edges(&[0.0, 10.0, 30.0]);
        assert_eq!(e, vec![(-5.0, 5.0), (5.0, 20.0), (20.0, 40.0)]);
        let lone = column_edges(&[100.0]);
        assert!(lone[0].0 < 100.0 && lone[0].1 > 100.0);
    }

    #[test]
    fn colour_map_ends() {
        assert_eq!(ylgnbu(0.0), RGBColor(255, 255, 217));
        assert_eq!(ylgnbu(1.0), RGBColor(8, 29, 88));
        assert_eq!(ylgnbu(f64::NAN), RGBColor(255, 255, 217));
        assert_eq!(ylgnbu(0.5), RGBColor(65, 182, 196));
    }
}
