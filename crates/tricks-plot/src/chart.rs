//! A general one-panel chart of dots, lines with shaded bands and box plots: the pictures of a
//! hyper-parameter search (best validation error among N trials against N, validation error against a
//! hyper-parameter, the optimisation history, two strategies overlaid).

use std::ops::Range;
use std::path::Path;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::PlotError;
use crate::atomic::{Area, DrawResult, render_png};
use crate::lines::{split_legend, titled};
use crate::style::{colour, extent, fmt_num, log_ticks, pad_linear, pad_log, text};

/// Lines with at most this many points also get a marker per point (as [`crate::lines`]).
const MARKED_POINTS: usize = 40;
/// Box outlines, whiskers and outliers.
const BOX_INK: RGBColor = RGBColor(70, 70, 70);
/// Box fill.
const BOX_FILL: RGBColor = RGBColor(200, 200, 200);

/// One panel of dots, lines and boxes; see [`chart`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Chart {
    /// Title above the panel; none when empty.
    pub title: String,
    /// Horizontal axis label.
    pub x_label: String,
    /// Vertical axis label.
    pub y_label: String,
    /// Logarithmic x axis wanted (a learning rate, a weight decay); honoured when every finite x is
    /// positive.
    pub log_x: bool,
    /// Scatter sets, drawn on top.
    pub dots: Vec<Dots>,
    /// Lines, each with an optional band, drawn above the boxes.
    pub lines: Vec<Line>,
    /// Box plots, drawn first, in grey.
    pub boxes: Vec<BoxAt>,
}

/// A set of points drawn as dots of one colour.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dots {
    /// Legend text; an empty label is left out of the legend.
    pub label: String,
    /// Points `(x, y)`; non-finite ones are skipped.
    pub points: Vec<(f64, f64)>,
}

impl Dots {
    /// Dots named `label` at `points`.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Dots { label: label.into(), points }
    }
}

/// A line through points in drawing order, with an optional shaded band (mean ± deviation, a range).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    /// Legend text; an empty label is left out of the legend.
    pub label: String,
    /// Points `(x, y)`; non-finite ones are skipped and break the line.
    pub points: Vec<(f64, f64)>,
    /// The band `(x, low, high)`, shaded in the line's colour; empty for none. Non-finite entries are
    /// skipped and break it.
    pub band: Vec<(f64, f64, f64)>,
}

impl Line {
    /// A line named `label` through `points`, without a band.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Line { label: label.into(), points, band: Vec::new() }
    }

    /// The same line with the shaded band `(x, low, high)`.
    pub fn with_band(self, band: Vec<(f64, f64, f64)>) -> Self {
        Line { band, ..self }
    }
}

/// A box plot of `values` at `x`: the box spans the quartiles with a line at the median, the whiskers
/// reach the furthest values within 1.5 interquartile ranges of the box (Tukey), values beyond are
/// drawn as open circles. Non-finite values are skipped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoxAt {
    /// Where the box stands on the x axis.
    pub x: f64,
    /// The values summarised.
    pub values: Vec<f64>,
}

/// Draws `chart` as a 1000 × 600 PNG at `path`: boxes, then bands, lines and dots; a legend on the
/// right for the labelled dots and lines (a label shared by dots and a line gives both one colour).
/// The x axis is logarithmic when `log_x` is set and every finite x is positive. Non-finite values are
/// skipped; a chart with nothing finite to draw gives an empty panel with a note.
pub fn chart(path: &Path, chart: &Chart) -> Result<(), PlotError> {
    let look = Look::of(chart);
    let x_values = || xs(chart);
    let log = chart.log_x && extent(x_values()).is_some_and(|(lo, _)| lo > 0.0);
    render_png(path, (1000, 600), |root| {
        let body = titled(root, &chart.title)?;
        let entries: Vec<(&str, RGBColor)> = look.legend.iter().map(|e| (e.label, e.colour)).collect();
        let (plot, legend_area) = split_legend(&body, &entries)?;
        let y = extent(ys(chart)).map_or(0.0..1.0, pad_linear);
        match extent(x_values()) {
            Some(e) if log => {
                let x = pad_log(e);
                let (bold, light) = log_ticks(&x);
                draw(&plot, chart, &look, x.log_scale().with_key_points(bold).with_light_points(light), y)?;
            }
            Some(e) => draw(&plot, chart, &look, pad_linear(e), y)?,
            None => draw(&plot, chart, &look, 0.0..1.0, y)?,
        }
        draw_legend(&legend_area, &look.legend)
    })
}

/// Colours of the dots and lines, and the legend entries.
struct Look<'a> {
    dots: Vec<RGBColor>,
    lines: Vec<RGBColor>,
    legend: Vec<Entry<'a>>,
}

/// A legend entry: a dot swatch, a line swatch, or both, with a band behind the line when it has one.
struct Entry<'a> {
    label: &'a str,
    colour: RGBColor,
    dot: bool,
    line: bool,
    band: bool,
}

impl<'a> Look<'a> {
    /// One colour per distinct non-empty label (dots first, then lines), and one for each unlabelled set.
    fn of(chart: &'a Chart) -> Self {
        let mut legend: Vec<Entry<'a>> = Vec::new();
        let mut unlabelled = 0;
        let mut pick = |label: &'a str, dot: bool, band: bool, legend: &mut Vec<Entry<'a>>| {
            if let Some(e) = legend.iter_mut().find(|e| !label.is_empty() && e.label == label) {
                e.dot |= dot;
                e.line |= !dot;
                e.band |= band;
                return e.colour;
            }
            let c = colour(legend.len() + unlabelled);
            if label.is_empty() {
                unlabelled += 1;
            } else {
                legend.push(Entry { label, colour: c, dot, line: !dot, band });
            }
            c
        };
        let dots = chart.dots.iter().map(|d| pick(&d.label, true, false, &mut legend)).collect();
        let lines = chart.lines.iter().map(|l| pick(&l.label, false, !l.band.is_empty(), &mut legend)).collect();
        Look { dots, lines, legend }
    }
}

/// Every finite x of `chart`.
fn xs(chart: &Chart) -> impl Iterator<Item = f64> + '_ {
    let dots = chart.dots.iter().flat_map(|d| finite_points(&d.points));
    let lines = chart.lines.iter().flat_map(|l| finite_points(&l.points));
    let bands = chart.lines.iter().flat_map(|l| finite_band(&l.band)).map(|(x, _, _)| (x, 0.0));
    let boxes = chart.boxes.iter().filter(|b| b.x.is_finite() && b.values.iter().any(|v| v.is_finite())).map(|b| (b.x, 0.0));
    dots.chain(lines).chain(bands).chain(boxes).map(|(x, _)| x)
}

/// Every finite y of `chart`: points, band edges and box values.
fn ys(chart: &Chart) -> impl Iterator<Item = f64> + '_ {
    let dots = chart.dots.iter().flat_map(|d| finite_points(&d.points)).map(|(_, y)| y);
    let lines = chart.lines.iter().flat_map(|l| finite_points(&l.points)).map(|(_, y)| y);
    let bands = chart.lines.iter().flat_map(|l| finite_band(&l.band)).flat_map(|(_, lo, hi)| [lo, hi]);
    let boxes = chart.boxes.iter().filter(|b| b.x.is_finite()).flat_map(|b| b.values.iter().copied().filter(|v| v.is_finite()));
    dots.chain(lines).chain(bands).chain(boxes)
}

fn finite_points(points: &[(f64, f64)]) -> impl Iterator<Item = (f64, f64)> + '_ {
    points.iter().copied().filter(|(x, y)| x.is_finite() && y.is_finite())
}

fn finite_band(band: &[(f64, f64, f64)]) -> impl Iterator<Item = (f64, f64, f64)> + '_ {
    band.iter().copied().filter(|(x, lo, hi)| x.is_finite() && lo.is_finite() && hi.is_finite())
}

/// Runs of consecutive items that `keep` accepts: the drawable pieces of a line or a band.
fn runs<T: Copy>(items: &[T], keep: impl Fn(&T) -> bool) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = vec![Vec::new()];
    for item in items {
        if keep(item) {
            out.last_mut().expect("never empty").push(*item);
        } else if !out.last().expect("never empty").is_empty() {
            out.push(Vec::new());
        }
    }
    out.retain(|run| !run.is_empty());
    out
}

/// The five numbers of a box plot and the values outside its whiskers.
#[derive(Debug, Clone, PartialEq)]
struct BoxStats {
    whisker_low: f64,
    q1: f64,
    median: f64,
    q3: f64,
    whisker_high: f64,
    outliers: Vec<f64>,
}

impl BoxStats {
    /// Quartiles by linear interpolation between order statistics; whiskers at the furthest values
    /// within 1.5 interquartile ranges of the box. `None` without a finite value.
    fn of(values: &[f64]) -> Option<BoxStats> {
        let mut v: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let quantile = |q: f64| {
            let at = q * (v.len() - 1) as f64;
            let (i, frac) = (at.floor() as usize, at.fract());
            if i + 1 < v.len() { v[i] + frac * (v[i + 1] - v[i]) } else { v[i] }
        };
        let (q1, median, q3) = (quantile(0.25), quantile(0.5), quantile(0.75));
        let reach = 1.5 * (q3 - q1);
        let inside = |x: &&f64| **x >= q1 - reach && **x <= q3 + reach;
        let whisker_low = v.iter().find(inside).copied().unwrap_or(q1).min(q1);
        let whisker_high = v.iter().rev().find(inside).copied().unwrap_or(q3).max(q3);
        let outliers = v.iter().copied().filter(|x| *x < whisker_low || *x > whisker_high).collect();
        Some(BoxStats { whisker_low, q1, median, q3, whisker_high, outliers })
    }
}

fn draw<X>(area: &Area<'_>, c: &Chart, look: &Look<'_>, x: X, y: Range<f64>) -> DrawResult
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let mut chart = ChartBuilder::on(area).margin(12).x_label_area_size(48).y_label_area_size(72).build_cartesian_2d(x, y)?;
    chart
        .configure_mesh()
        .x_desc(c.x_label.as_str())
        .y_desc(c.y_label.as_str())
        .x_label_formatter(&|v| fmt_num(*v))
        .y_label_formatter(&|v| fmt_num(*v))
        .label_style(text(14))
        .axis_desc_style(text(16))
        .bold_line_style(RGBColor(215, 215, 215))
        .light_line_style(RGBColor(240, 240, 240))
        .y_max_light_lines(4)
        .draw()?;

    // Boxes: half as wide as the closest two stand apart, within 4 to 16 pixels each side.
    let boxes: Vec<(f64, BoxStats)> = c.boxes.iter().filter(|b| b.x.is_finite()).filter_map(|b| BoxStats::of(&b.values).map(|s| (b.x, s))).collect();
    let mut pixels: Vec<i32> = boxes.iter().map(|(x, s)| chart.backend_coord(&(*x, s.median)).0).collect();
    pixels.sort_unstable();
    let gap = pixels.windows(2).map(|w| w[1] - w[0]).filter(|&g| g > 0).min().unwrap_or(64);
    let half = (gap / 4).clamp(4, 16);
    for (x, s) in &boxes {
        let row = |v: f64| chart.backend_coord(&(*x, v)).1 - chart.backend_coord(&(*x, s.median)).1;
        let (low, q1, q3, high) = (row(s.whisker_low), row(s.q1), row(s.q3), row(s.whisker_high));
        let at = || EmptyElement::at((*x, s.median));
        chart.draw_series(std::iter::once(at() + Rectangle::new([(-half, q3), (half, q1)], BOX_FILL.filled())))?;
        chart.draw_series(std::iter::once(at() + Rectangle::new([(-half, q3), (half, q1)], BOX_INK.stroke_width(1))))?;
        for (from, to) in [(q1, low), (q3, high)] {
            chart.draw_series(std::iter::once(at() + PathElement::new(vec![(0, from), (0, to)], BOX_INK.stroke_width(1))))?;
            chart.draw_series(std::iter::once(at() + PathElement::new(vec![(-half / 2, to), (half / 2, to)], BOX_INK.stroke_width(1))))?;
        }
        chart.draw_series(std::iter::once(at() + PathElement::new(vec![(-half, 0), (half, 0)], BLACK.stroke_width(2))))?;
        chart.draw_series(s.outliers.iter().map(|&v| Circle::new((*x, v), 3, BOX_INK.stroke_width(1))))?;
    }

    for (l, &col) in c.lines.iter().zip(&look.lines) {
        for run in runs(&l.band, |&(x, lo, hi)| x.is_finite() && lo.is_finite() && hi.is_finite()) {
            let outline: Vec<(f64, f64)> = run.iter().map(|&(x, _, hi)| (x, hi)).chain(run.iter().rev().map(|&(x, lo, _)| (x, lo))).collect();
            chart.draw_series(std::iter::once(Polygon::new(outline, col.mix(0.2).filled())))?;
        }
    }
    for (l, &col) in c.lines.iter().zip(&look.lines) {
        for run in runs(&l.points, |&(x, y)| x.is_finite() && y.is_finite()) {
            if run.len() <= MARKED_POINTS {
                chart.draw_series(run.iter().map(|&p| Circle::new(p, 3, col.filled())))?;
            }
            chart.draw_series(LineSeries::new(run, col.stroke_width(2)))?;
        }
    }
    for (d, &col) in c.dots.iter().zip(&look.dots) {
        chart.draw_series(finite_points(&d.points).map(|p| Circle::new(p, 4, col.mix(0.75).filled())))?;
    }

    if extent(ys(c)).is_none() {
        let given = c.dots.iter().map(|d| d.points.len()).sum::<usize>()
            + c.lines.iter().map(|l| l.points.len() + l.band.len()).sum::<usize>()
            + c.boxes.iter().map(|b| b.values.len()).sum::<usize>();
        let note = if given == 0 { "no data".to_string() } else { format!("no finite values ({given} skipped)") };
        let plot = chart.plotting_area().strip_coord_spec();
        let (w, h) = plot.dim_in_pixel();
        let style = text(18).color(&RGBColor(120, 120, 120)).pos(Pos::new(HPos::Center, VPos::Center));
        plot.draw(&Text::new(note, (w as i32 / 2, h as i32 / 2), style))?;
    }
    Ok(())
}

/// The labelled entries as a column of swatches at the top of `area`: a dot, a line (over a light band
/// when it has one), or a line with a dot for a label shared by both.
fn draw_legend(area: &Area<'_>, entries: &[Entry<'_>]) -> DrawResult {
    let style = text(15).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, e) in entries.iter().enumerate() {
        let y = 24 + 24 * i as i32;
        if e.band {
            area.draw(&Rectangle::new([(6, y - 7), (32, y + 7)], e.colour.mix(0.2).filled()))?;
        }
        if e.line {
            area.draw(&PathElement::new(vec![(6, y), (32, y)], e.colour.stroke_width(3)))?;
        }
        let radius = if e.dot { 6 } else { 3 };
        area.draw(&Circle::new((19, y), radius, e.colour.filled()))?;
        area.draw(&Text::new(e.label.to_string(), (40, y), style.clone()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(path: &Path) -> (u32, u32) {
        image::open(path).expect("a decodable PNG").to_rgb8().dimensions()
    }

    /// A made-up search: validation error falls with the number of trials, and depends on the learning
    /// rate with a minimum near 0.1.
    fn error_at(lr: f64) -> f64 {
        2.0 + 3.0 * (lr.log10() + 1.0).powi(2)
    }

    #[test]
    fn box_statistics_follow_tukey() {
        let s = BoxStats::of(&[1.0, 2.0, 3.0, 4.0, 5.0, f64::NAN]).unwrap();
        assert_eq!((s.whisker_low, s.q1, s.median, s.q3, s.whisker_high), (1.0, 2.0, 3.0, 4.0, 5.0));
        assert!(s.outliers.is_empty());
        let s = BoxStats::of(&[1.0, 2.0, 3.0, 4.0, 100.0]).unwrap();
        assert_eq!((s.whisker_high, s.outliers.clone()), (4.0, vec![100.0]));
        let one = BoxStats::of(&[7.0]).unwrap();
        assert_eq!((one.whisker_low, one.q1, one.median, one.q3, one.whisker_high), (7.0, 7.0, 7.0, 7.0, 7.0));
        assert_eq!(BoxStats::of(&[f64::INFINITY]), None);
    }

    #[test]
    fn every_kind_of_search_picture_is_written() {
        let dir = tempfile::tempdir().unwrap();
        // Best validation error among N trials against N: mean ± std band, boxes of disjoint subsets.
        let ns: [f64; 6] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0];
        let best = |n: f64, k: usize| 2.0 + 4.0 / n.sqrt() + 0.3 * ((k as f64 * 1.7 + n).sin());
        let mean: Vec<(f64, f64)> = ns.iter().map(|&n| (n, 2.0 + 4.0 / n.sqrt())).collect();
        let band = mean.iter().map(|&(n, m)| (n, m - 0.4, m + 0.4)).collect();
        let boxes = ns.iter().map(|&n| BoxAt { x: n, values: (0..(64 / n as usize).max(2)).map(|k| best(n, k)).collect() }).collect();
        let trials = Chart {
            title: "Random search: best of N trials".into(),
            x_label: "trials N".into(),
            y_label: "best validation error (%)".into(),
            log_x: true,
            lines: vec![Line::new("mean ± std", mean).with_band(band)],
            boxes,
            ..Chart::default()
        };
        // Validation error against a hyper-parameter, log x.
        let lrs: Vec<f64> = (0..30).map(|i| 10f64.powf(-4.0 + 4.0 * i as f64 / 29.0)).collect();
        let against = Chart {
            title: "Validation error against the learning rate".into(),
            x_label: "learning rate".into(),
            y_label: "validation error (%)".into(),
            log_x: true,
            dots: vec![Dots::new("", lrs.iter().map(|&lr| (lr, error_at(lr))).chain([(f64::NAN, 1.0)]).collect())],
            ..Chart::default()
        };
        // Optimisation history: dots and the best so far.
        let history: Vec<(f64, f64)> = lrs.iter().enumerate().map(|(i, &lr)| ((i + 1) as f64, error_at(lr * 1.3f64.powi(i as i32 % 7)))).collect();
        let best_so_far = history
            .iter()
            .scan(f64::INFINITY, |best, &(t, e)| {
                *best = best.min(e);
                Some((t, *best))
            })
            .collect();
        let optimisation = Chart {
            title: "Optimisation history".into(),
            x_label: "trial".into(),
            y_label: "validation error (%)".into(),
            dots: vec![Dots::new("trial", history)],
            lines: vec![Line::new("best so far", best_so_far)],
            ..Chart::default()
        };
        // Two strategies overlaid, each a mean line with its band.
        let strategy = |label: &str, scale: f64| {
            let mean: Vec<(f64, f64)> = ns.iter().map(|&n| (n, 2.0 + scale / n.sqrt())).collect();
            let band = mean.iter().map(|&(n, m)| (n, m - 0.2 * scale, m + 0.2 * scale)).collect();
            Line::new(label, mean).with_band(band)
        };
        let strategies = Chart {
            title: "Grid against random search".into(),
            x_label: "trials N".into(),
            y_label: "best validation error (%)".into(),
            log_x: true,
            lines: vec![strategy("grid", 6.0), strategy("random", 3.0)],
            ..Chart::default()
        };
        let empty = Chart { title: "nothing yet".into(), dots: vec![Dots::new("nan", vec![(1.0, f64::NAN)])], ..Chart::default() };
        for (name, c) in [("trials", trials), ("against", against), ("history", optimisation), ("strategies", strategies), ("empty", empty)] {
            let path = dir.path().join(format!("{name}.png"));
            chart(&path, &c).unwrap();
            assert_eq!(decode(&path), (1000, 600), "{name}");
        }
    }

    #[test]
    fn a_log_axis_needs_positive_x_and_a_bad_path_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        let c = Chart { log_x: true, dots: vec![Dots::new("a", vec![(0.0, 1.0), (1.0, 2.0)])], ..Chart::default() };
        chart(&dir.path().join("linear.png"), &c).unwrap();
        let bad = dir.path().join("absent").join("x.png");
        let e = chart(&bad, &c).unwrap_err().to_string();
        assert!(e.contains("x.png"), "{e}");
    }
}
