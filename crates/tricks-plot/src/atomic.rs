//! Rendering into memory and writing PNG files atomically: the bytes go to a temporary file in the
//! target's directory, which is then renamed over the target; on failure the temporary is removed.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

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
    write_atomic(path, &bytes)
}

/// The temporary file used while writing `path`: hidden, same directory, unique per process.
pub(crate) fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes `bytes` to `path` through a temporary file and a rename; never leaves the temporary.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), PlotError> {
    if path.file_name().is_none() {
        return Err(PlotError::input(path, "the path names no file"));
    }
    let tmp = temp_path(path);
    let written = File::create(&tmp).and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all())).and_then(|()| fs::rename(&tmp, path));
    written.map_err(|source| {
        // The temporary may not exist (create failed); nothing to do then.
        let _ = fs::remove_file(&tmp);
        PlotError::Io { path: path.to_path_buf(), source }
    })
}
