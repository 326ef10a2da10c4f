//! One-panel line charts, and the panel and legend drawing that the learning curves and the
//! monitoring grids reuse.

use std::ops::Range;
use std::path::Path;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::atomic::{Area, DrawResult, render_png};
use crate::style::{colour, extent, fmt_num, log_ticks, pad_linear, pad_log, text};
use crate::{PlotError, Series};

/// Series with at most this many points also get a marker per point.
const MARKED_POINTS: usize = 40;

/// Line chart of `series` against `x_label`, one panel, legend on the right (series with an empty
/// label are left out of it). `log_y` is honoured when every finite y is positive; otherwise the
/// axis is linear. Non-finite points are skipped (lines break there).
pub fn lines(path: &Path, title: &str, x_label: &str, y_label: &str, series: &[Series], log_y: bool) -> Result<(), PlotError> {
    let colours: Vec<RGBColor> = (0..series.len()).map(colour).collect();
    let entries: Vec<(&str, RGBColor)> = series.iter().zip(&colours).map(|(s, &c)| (s.label.as_str(), c)).collect();
    render_png(path, (1000, 600), |root| {
        let body = titled(root, title)?;
        let (plot, legend) = split_legend(&body, &entries)?;
        let panel = Chart { x_label, y_label, series, colours: &colours, log_y, x_range: x_range(&[series]), ..Chart::default() };
        draw_panel(&plot, &panel)?;
        draw_legend(&legend, &entries)
    })
}

/// One chart panel: axes, labels and the lines of `series` in `colours`.
#[derive(Default)]
pub(crate) struct Chart<'a> {
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub series: &'a [Series],
    pub colours: &'a [RGBColor],
    /// Logarithmic y wanted; honoured when every finite y is positive.
    pub log_y: bool,
    pub x_range: Range<f64>,
    /// Title above the panel; none when empty.
    pub caption: &'a str,
    /// Height of a dashed horizontal reference line, kept inside the y range.
    pub reference: Option<f64>,
    /// Smaller text and margins, for panels in a grid.
    pub compact: bool,
}

/// `root` below a title line, or `root` itself for an empty title.
pub(crate) fn titled<'a>(root: &Area<'a>, title: &str) -> Result<Area<'a>, Box<dyn std::error::Error + Send + Sync>> {
    if title.is_empty() { Ok(root.clone()) } else { Ok(root.titled(title, text(24))?) }
}

/// Finite points of `series`.
fn finite(series: &[Series]) -> impl Iterator<Item = (f64, f64)> + '_ {
    series.iter().flat_map(|s| s.points.iter().copied()).filter(|(x, y)| x.is_finite() && y.is_finite())
}

/// Padded range of the finite x values of all `groups`; `0..1` when there are none.
pub(crate) fn x_range(groups: &[&[Series]]) -> Range<f64> {
    extent(groups.iter().flat_map(|g| finite(g)).map(|(x, _)| x)).map_or(0.0..1.0, pad_linear)
}

/// Smallest and largest finite y of `series`.
pub(crate) fn y_extent(series: &[Series]) -> Option<(f64, f64)> {
    extent(finite(series).map(|(_, y)| y))
}

/// The drawable pieces of `s`: runs of finite points (positive y too when `log`).
fn segments(s: &Series, log: bool) -> Vec<Vec<(f64, f64)>> {
    let mut out = vec![Vec::new()];
    for &(x, y) in &s.points {
        if x.is_finite() && y.is_finite() && (!log || y > 0.0) {
            out.last_mut().expect("never empty").push((x, y));
        } else if !out.last().expect("never empty").is_empty() {
            out.push(Vec::new());
        }
    }
    out.retain(|seg| !seg.is_empty());
    out
}

/// Draws `p` on `area`; an empty panel carries a note instead of lines.
pub(crate) fn draw_panel(area: &Area<'_>, p: &Chart<'_>) -> DrawResult {
    let x = p.x_range.clone();
    let reference = p.reference.filter(|r| r.is_finite());
    let data = y_extent(p.series);
    let with_ref = |(lo, hi): (f64, f64), r: f64| (lo.min(r), hi.max(r));
    let wanted_log = data.is_some_and(|e| p.log_y && e.0 > 0.0);
    let y = match (data, reference) {
        (Some(e), Some(r)) if !wanted_log || r > 0.0 => Some(with_ref(e, r)),
        (None, Some(r)) => Some(with_ref((r, r), r)),
        (e, _) => e,
    };
    match y {
        Some(e) if wanted_log => {
            let y = pad_log(e);
            let (bold, light) = log_ticks(&y);
            chart(area, p, x, y.log_scale().with_key_points(bold).with_light_points(light), true)
        }
        Some(e) => chart(area, p, x, pad_linear(e), false),
        None => chart(area, p, x, 0.0..1.0, false),
    }
}

fn chart<Y>(area: &Area<'_>, p: &Chart<'_>, x: Range<f64>, y: Y, log: bool) -> DrawResult
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    // (margin, x label area, y label area, tick text, axis text, caption text)
    let (margin, x_area, y_area, ticks, desc, caption) = if p.compact { (8, 40, 60, 12, 13, 16) } else { (12, 48, 72, 14, 16, 18) };
    let mut builder = ChartBuilder::on(area);
    builder.margin(margin).x_label_area_size(x_area).y_label_area_size(y_area);
    if !p.caption.is_empty() {
        builder.caption(p.caption, text(caption));
    }
    let mut chart = builder.build_cartesian_2d(x, y)?;
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(p.x_label)
        .y_desc(p.y_label)
        .x_label_formatter(&|v| fmt_num(*v))
        .y_label_formatter(&|v| fmt_num(*v))
        .label_style(text(ticks))
        .axis_desc_style(text(desc))
        .bold_line_style(RGBColor(215, 215, 215))
        .light_line_style(RGBColor(240, 240, 240));
    if p.compact {
        mesh.x_labels(5).y_labels(6);
    }
    mesh.draw()?;
    if let Some(r) = p.reference.filter(|r| r.is_finite() && (!log || *r > 0.0)) {
        let (x0, x1) = (p.x_range.start, p.x_range.end);
        let grey = RGBColor(90, 90, 90);
        chart.draw_series(std::iter::once(DashedPathElement::new(vec![(x0, r), (x1, r)], 6, 4, grey.stroke_width(2))))?;
        let style = text(ticks).color(&grey).pos(Pos::new(HPos::Right, VPos::Bottom));
        chart.draw_series(std::iter::once(EmptyElement::at((x1, r)) + Text::new(fmt_num(r), (-4, -3), style)))?;
    }
    for (s, &c) in p.series.iter().zip(p.colours) {
        for seg in segments(s, log) {
            let marked = seg.len() <= MARKED_POINTS;
            if marked {
                chart.draw_series(seg.iter().map(|&pt| Circle::new(pt, 3, c.filled())))?;
            }
            chart.draw_series(LineSeries::new(seg, c.stroke_width(2)))?;
        }
    }
    let total: usize = p.series.iter().map(|s| s.points.len()).sum();
    if y_extent(p.series).is_none() {
        let note = if total == 0 { "no data".to_string() } else { format!("no finite values ({total} skipped)") };
        let plot = chart.plotting_area().strip_coord_spec();
        let (w, h) = plot.dim_in_pixel();
        let style = text(18).color(&RGBColor(120, 120, 120)).pos(Pos::new(HPos::Center, VPos::Center));
        plot.draw(&Text::new(note, (w as i32 / 2, h as i32 / 2), style))?;
    }
    Ok(())
}

/// Splits `area` into a plot part and a legend column wide enough for the labelled `entries`
/// (no column when no entry has a label).
pub(crate) fn split_legend<'a>(area: &Area<'a>, entries: &[(&str, RGBColor)]) -> Result<(Area<'a>, Area<'a>), Box<dyn std::error::Error + Send + Sync>> {
    let mut widest = 0;
    for (label, _) in entries.iter().filter(|(l, _)| !l.is_empty()) {
        widest = widest.max(area.estimate_text_size(label, &text(15))?.0);
    }
    let width = area.dim_in_pixel().0;
    let column = if widest == 0 { 0 } else { (widest + 56).min(width * 2 / 5) };
    Ok(area.split_horizontally(width - column))
}

/// Draws the labelled `entries` as a column of line swatches and labels at the top of `area`.
pub(crate) fn draw_legend(area: &Area<'_>, entries: &[(&str, RGBColor)]) -> DrawResult {
    legend(area, entries, true)
}

/// Draws the labelled `entries` as a column of dots and labels at the top of `area` (scatter
/// plots).
pub(crate) fn draw_dot_legend(area: &Area<'_>, entries: &[(&str, RGBColor)]) -> DrawResult {
    legend(area, entries, false)
}

fn legend(area: &Area<'_>, entries: &[(&str, RGBColor)], line: bool) -> DrawResult {
    let style = text(15).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, (label, c)) in entries.iter().filter(|(l, _)| !l.is_empty()).enumerate() {
        let y = 24 + 24 * i as i32;
        if line {
            area.draw(&PathElement::new(vec![(6, y), (32, y)], c.stroke_width(3)))?;
            area.draw(&Circle::new((19, y), 3, c.filled()))?;
        } else {
            area.draw(&Circle::new((19, y), 6, c.filled()))?;
        }
        area.draw(&Text::new(label.to_string(), (40, y), style.clone()))?;
    }
    Ok(())
}
