//! Grids of grey-scale tiles, e.g. first-layer filters (chapter p.22-23).

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::PlotError;
use crate::atomic::{render_png, write_png};
use crate::style::{extent, text};

/// Colour of the 1-pixel separators and of unused slots in the last row.
const SEPARATOR: [u8; 3] = [80, 110, 170];
/// Colour of non-finite pixels, so that they stand out from any grey.
const NON_FINITE: [u8; 3] = [220, 40, 40];

/// Writes `images` (each `shape = (height, width)`, row-major) as a grid of tiles, `cols` per row
/// (fewer if there are fewer images). Each tile is min-max normalised on its own (a constant tile
/// is mid grey, non-finite pixels are red), scaled up by an integer factor so that its shorter
/// side is at least 24 px, and separated from its neighbours by 1-pixel lines.
pub fn tiles(path: &Path, images: &[Vec<f32>], shape: (usize, usize), cols: usize) -> Result<(), PlotError> {
    let (h, w) = shape;
    if h == 0 || w == 0 || cols == 0 {
        return Err(PlotError::input(path, format!("shape {h}x{w} and {cols} columns make no grid")));
    }
    if let Some((i, img)) = images.iter().enumerate().find(|(_, img)| img.len() != h * w) {
        let msg = format!("image {i} has {} values, shape {h}x{w} needs {}", img.len(), h * w);
        return Err(PlotError::input(path, msg));
    }
    if images.is_empty() {
        return render_png(path, (240, 80), |root| {
            let style = text(18).color(&RGBColor(120, 120, 120)).pos(Pos::new(HPos::Center, VPos::Center));
            Ok(root.draw(&Text::new("no images", (120, 40), style))?)
        });
    }
    let s = scale(shape);
    let cols = cols.min(images.len());
    let rows = images.len().div_ceil(cols);
    let (tw, th) = (w * s, h * s);
    let (width, height) = (cols * (tw + 1) + 1, rows * (th + 1) + 1);
    if width > 1 << 15 || height > 1 << 15 {
        return Err(PlotError::input(path, format!("a {width}x{height} picture is too large")));
    }
    let mut rgb: Vec<u8> = SEPARATOR.iter().copied().cycle().take(width * height * 3).collect();
    for (k, img) in images.iter().enumerate() {
        let range = extent(img.iter().filter(|v| v.is_finite()).map(|&v| f64::from(v)));
        let (x0, y0) = (1 + (k % cols) * (tw + 1), 1 + (k / cols) * (th + 1));
        for (i, &v) in img.iter().enumerate() {
            let px = match range {
                _ if !v.is_finite() => NON_FINITE,
                Some((lo, hi)) if hi > lo => [((f64::from(v) - lo) / (hi - lo) * 255.0).round() as u8; 3],
                _ => [128; 3],
            };
            let (r, c) = (i / w, i % w);
            for y in y0 + r * s..y0 + (r + 1) * s {
                let row = (y * width + x0 + c * s) * 3;
                for chunk in rgb[row..row + s * 3].chunks_exact_mut(3) {
                    chunk.copy_from_slice(&px);
                }
            }
        }
    }
    write_png(path, (width as u32, height as u32), &rgb)
}

/// Integer magnification: shorter side at least 24 px, longer side at least 48 px, but not
/// beyond 512 px for the longer side unless needed for the first rule.
pub(crate) fn scale((h, w): (usize, usize)) -> usize {
    let want = 24usize.div_ceil(h.min(w)).max(48usize.div_ceil(h.max(w)));
    want.min((512 / h.max(w)).max(24usize.div_ceil(h.min(w)))).max(1)
}
