//! Rendering into memory and writing PNG files atomically, as every run file is written
//! ([`tricks_run::write_atomic`]: a synced temporary renamed over the target, removed on failure).

use std::path::Path;

use image::ImageEncoder;
use image::codecs::png::PngEncoder;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{PlotError, font};

/// Drawing area every picture is drawn on.
pub(crate) type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;
/// What drawing code returns; plotters' errors convert into it with `?`.
pub(crate) type DrawResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Draws a `size` picture on a white background with `draw`, then writes it to `path` as PNG.
pub(crate) fn render_png(path: &Path, size: (u32, u32), draw: impl FnOnce(&Area<'_>) -> DrawResult) -> Result<(), PlotError> {
    if !font::ensure() {
        return Err(PlotError::draw(path, "the embedded font could not be registered"));
    }
    let mut rgb = vec![255u8; size.0 as usize * size.1 as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        let drawn = root.fill(&WHITE).map_err(Into::into).and_then(|()| draw(&root)).and_then(|()| root.present().map_err(Into::into));
        drawn.map_err(|e| PlotError::draw(path, e))?;
    }
    write_png(path, size, &rgb)
}

/// Encodes an RGB8 buffer of `size` as PNG and writes it atomically to `path`.
pub(crate) fn write_png(path: &Path, size: (u32, u32), rgb: &[u8]) -> Result<(), PlotError> {
    let mut bytes = Vec::new();
    PngEncoder::new(&mut bytes).write_image(rgb, size.0, size.1, image::ColorType::Rgb8).map_err(|e| PlotError::draw(path, format!("PNG encoding: {e}")))?;
    tricks_run::write_atomic(path, &bytes).map_err(|e| PlotError::Io { path: path.to_path_buf(), message: e.message })
}
