//! Learning curves: training loss and validation error against examples seen (chapter p.22).

use std::path::Path;

use plotters::style::RGBColor;

use crate::atomic::render_png;
use crate::lines::{Chart, draw_legend, draw_panel, split_legend, titled, x_range, y_extent};
use crate::style::colour;
use crate::{PlotError, Series};

/// A loss panel uses a logarithmic axis when its largest value exceeds the smallest this much.
const LOG_RATIO: f64 = 20.0;

/// One image, two panels sharing the x axis: training loss (top) and validation error in percent
/// (bottom) against examples seen, runs overlaid in distinct colours and named in a legend on the
/// right; a series keeps its colour across both panels by label. The loss axis is logarithmic
/// when every finite loss is positive and they span more than a factor of 20. Non-finite points
/// are skipped; an empty panel says so.
pub fn learning_curves(path: &Path, title: &str, train_loss: &[Series], valid_error: &[Series]) -> Result<(), PlotError> {
    let mut labels: Vec<&str> = Vec::new();
    for s in train_loss.iter().chain(valid_error) {
        if !labels.contains(&s.label.as_str()) {
            labels.push(&s.label);
        }
    }
    let colour_of = |s: &Series| colour(labels.iter().position(|l| *l == s.label).unwrap_or(0));
    let train_colours: Vec<RGBColor> = train_loss.iter().map(colour_of).collect();
    let valid_colours: Vec<RGBColor> = valid_error.iter().map(colour_of).collect();
    let entries: Vec<(&str, RGBColor)> = labels.iter().enumerate().map(|(i, &l)| (l, colour(i))).collect();
    let log_loss = y_extent(train_loss).is_some_and(|(lo, hi)| lo > 0.0 && hi / lo > LOG_RATIO);
    let x = x_range(&[train_loss, valid_error]);
    render_png(path, (1000, 900), |root| {
        let body = titled(root, title)?;
        let (plots, legend) = split_legend(&body, &entries)?;
        let (top, bottom) = plots.split_vertically(plots.dim_in_pixel().1 / 2);
        let loss = Chart {
            x_label: "examples seen",
            y_label: "training loss",
            series: train_loss,
            colours: &train_colours,
            log_y: log_loss,
            x_range: x.clone(),
            ..Chart::default()
        };
        draw_panel(&top, &loss)?;
        let error = Chart {
            x_label: "examples seen",
            y_label: "validation error (%)",
            series: valid_error,
            colours: &valid_colours,
            log_y: false,
            x_range: x,
            ..Chart::default()
        };
        draw_panel(&bottom, &error)?;
        draw_legend(&legend, &entries)
    })
}
