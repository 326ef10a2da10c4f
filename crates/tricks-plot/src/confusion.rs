//! A confusion matrix as a picture: true class down, predicted class across, each cell shaded by the
//! fraction of its true class it holds and labelled with its count.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::PlotError;
use crate::atomic::render_png;
use crate::style::text;

/// Most classes drawn (a larger matrix would not be legible).
pub const MAX_CONFUSION_CLASSES: usize = 100;

/// Writes `matrix` (`matrix[label][predicted]`, square) with `title` above it.
pub fn confusion(path: &Path, matrix: &[Vec<usize>], title: &str) -> Result<(), PlotError> {
    let n = matrix.len();
    if n == 0 || n > MAX_CONFUSION_CLASSES || matrix.iter().any(|row| row.len() != n) {
        return Err(PlotError::input(path, format!("a confusion matrix needs 1 to {MAX_CONFUSION_CLASSES} classes and square rows")));
    }
    let cell = (600 / n).clamp(8, 48) as i32;
    let (left, top) = (70, 70);
    let size = ((left + cell * n as i32 + 20) as u32, (top + cell * n as i32 + 50) as u32);
    let label_size = (cell as u32 / 3).clamp(8, 14);
    render_png(path, size, |root| {
        root.draw(&Text::new(title.to_string(), (10, 10), text(16)))?;
        root.draw(&Text::new("predicted →", (left, top - 40), text(13)))?;
        root.draw(&Text::new("true ↓", (5, top - 20), text(13)))?;
        for (i, row) in matrix.iter().enumerate() {
            let total = row.iter().sum::<usize>().max(1) as f64;
            let y = top + cell * i as i32;
            let centre = |x: i32, y: i32| (x + cell / 2, y + cell / 2);
            let anchored = |size: u32| text(size).pos(Pos::new(HPos::Center, VPos::Center));
            root.draw(&Text::new(i.to_string(), centre(left - cell, y), anchored(label_size)))?;
            root.draw(&Text::new(i.to_string(), centre(left + cell * i as i32, top - cell), anchored(label_size)))?;
            for (j, &count) in row.iter().enumerate() {
                let x = left + cell * j as i32;
                let shade = 255 - (200.0 * count as f64 / total).round() as u8;
                let fill = if i == j { RGBColor(shade, shade, 255) } else { RGBColor(255, shade, shade) };
                root.draw(&Rectangle::new([(x, y), (x + cell, y + cell)], fill.filled()))?;
                root.draw(&Rectangle::new([(x, y), (x + cell, y + cell)], RGBColor(200, 200, 200)))?;
                if count > 0 && cell >= 24 {
                    root.draw(&Text::new(count.to_string(), centre(x, y), anchored(label_size)))?;
                }
            }
        }
        Ok(())
    })
}
