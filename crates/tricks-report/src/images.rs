//! The run directory's PNG pictures: validation, captions, order, and `data:` URLs.

use std::cmp::Ordering;
use std::path::Path;

use crate::{ReportError, base64};

/// One PNG file of the run directory.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Image {
    /// File name, e.g. `curves.png`.
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Width and height from the PNG header.
    pub size: (u32, u32),
}

/// Pictures the run directory may hold, in report order: file stem, caption, and the short name
/// used for a pretraining level's copy (`level2-filters.png`).
const KNOWN: &[(&str, &str, &str)] = &[
    ("curves", "Learning curves: training loss and validation error against examples seen (p.22)", "learning curves (p.22)"),
    ("filters", "First-layer filters: each hidden unit's incoming weights as an image (p.22-23)", "filters (p.22-23)"),
    ("layer_stats", "Per-layer statistics over training, weights and biases separately (p.23)", "per-layer statistics (p.23)"),
    ("layer_histograms", "Per-layer histograms over training (p.23)", "histograms (p.23)"),
    ("tsne", "t-SNE embedding of a layer's representation of test examples (p.22-23)", "t-SNE of the representation (p.22-23)"),
    ("samples", "Samples from the RBM's Gibbs chains (p.22-23)", "RBM Gibbs samples (p.22-23)"),
    ("reconstructions", "Denoising auto-encoder: corrupted inputs and their reconstructions (p.4)", "corrupted inputs and reconstructions (p.4)"),
];

const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

impl Image {
    /// Checks that `bytes`, read from `path`, are a whole PNG file (signature, `IHDR` first, every
    /// chunk complete with a correct CRC, up to `IEND`) and reads the size from its header. A browser
    /// shows a truncated PNG partially and reports it loaded, so truncation is caught here.
    pub fn new(path: &Path, bytes: Vec<u8>) -> Result<Self, ReportError> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let size = png_size(&bytes).map_err(|m| ReportError::invalid(path, format!("not a whole PNG file: {m}")))?;
        Ok(Self { name, bytes, size })
    }

    /// The picture as a `data:image/png;base64,...` URL.
    pub fn data_url(&self) -> String {
        format!("data:image/png;base64,{}", base64::encode(&self.bytes))
    }

    /// The caption: a known picture's, a pretraining level's (`levelN-<known>.png`), or the file name.
    pub fn caption(&self) -> String {
        let stem = self.name.strip_suffix(".png").unwrap_or(&self.name);
        if let Some((_, caption, _)) = KNOWN.iter().find(|(s, _, _)| *s == stem) {
            return (*caption).to_string();
        }
        if let Some((level, rest)) = level_of(stem) {
            let what = KNOWN.iter().find(|(s, _, _)| *s == rest).map_or(rest, |(_, _, short)| short);
            return format!("Pretraining level {level} of the stack: {what}");
        }
        self.name.clone()
    }

    /// Position among the known pictures, if known.
    fn rank(&self) -> Option<usize> {
        let stem = self.name.strip_suffix(".png").unwrap_or(&self.name);
        KNOWN.iter().position(|(s, _, _)| *s == stem)
    }
}

/// Walks the chunks of a PNG file; returns (width, height) from `IHDR`.
fn png_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    if bytes.get(..8) != Some(PNG_SIGNATURE) {
        return Err("no PNG signature".to_string());
    }
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let mut at = 8;
    let mut size = None;
    loop {
        if at + 12 > bytes.len() {
            return Err(format!("truncated at byte {at}, before the IEND chunk"));
        }
        let len = be(at) as usize;
        let kind = &bytes[at + 4..at + 8];
        let end = at + 8 + len;
        if end + 4 > bytes.len() {
            return Err(format!("chunk {} at byte {at} is truncated", String::from_utf8_lossy(kind)));
        }
        if crc32(&bytes[at + 4..end]) != be(end) {
            return Err(format!("chunk {} at byte {at} has a wrong CRC", String::from_utf8_lossy(kind)));
        }
        match (kind, size) {
            (b"IHDR", None) if len == 13 => size = Some((be(at + 8), be(at + 12))),
            (_, None) => return Err("the first chunk is not IHDR".to_string()),
            (b"IEND", Some(s)) => return Ok(s),
            _ => {}
        }
        at = end + 4;
    }
}

/// CRC-32 (ISO 3309, as PNG uses it) of `data`.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { 0xEDB8_8320 ^ (crc >> 1) } else { crc >> 1 };
        }
    }
    !crc
}

/// `level3-filters` → (3, "filters"); also with `_`.
fn level_of(stem: &str) -> Option<(u32, &str)> {
    let rest = stem.strip_prefix(tricks_run::files::LEVEL_PREFIX)?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let level = rest[..digits].parse().ok()?;
    let what = rest[digits..].strip_prefix(['-', '_'])?;
    (!what.is_empty()).then_some((level, what))
}

/// Report order: known pictures in their fixed order, then the rest by name, numbers compared as
/// numbers (`level2-…` before `level10-…`).
pub(crate) fn sort(images: &mut [Image]) {
    images.sort_by(|a, b| match (a.rank(), b.rank()) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => natural(&a.name, &b.name),
    });
}

/// Compares names chunk by chunk, runs of digits by value.
fn natural(a: &str, b: &str) -> Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    for (x, y) in chunks(a).into_iter().zip(chunks(b)) {
        let o = match (x, y) {
            ((true, x), (true, y)) => {
                let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                x.len().cmp(&y.len()).then_with(|| x.cmp(y))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chunk structure of a 640×480 PNG (no pixel data: only the structure is checked here).
    fn png_bytes() -> Vec<u8> {
        let mut bytes = PNG_SIGNATURE.to_vec();
        let mut chunk = |kind: &[u8], data: &[u8]| {
            bytes.extend((data.len() as u32).to_be_bytes());
            let body = [kind, data].concat();
            bytes.extend(&body);
            bytes.extend(crc32(&body).to_be_bytes());
        };
        chunk(b"IHDR", &[0, 0, 2, 128, 0, 0, 1, 224, 8, 2, 0, 0, 0]);
        chunk(b"IDAT", &[1, 2, 3]);
        chunk(b"IEND", &[]);
        bytes
    }

    fn png(name: &str) -> Image {
        Image::new(Path::new(name), png_bytes()).unwrap()
    }

    #[test]
    fn known_pictures_first_in_fixed_order_then_the_rest_naturally() {
        let mut v: Vec<Image> =
            ["zeta.png", "level10-filters.png", "samples.png", "level2-filters.png", "curves.png", "filters.png", "alpha.png"].map(png).to_vec();
        sort(&mut v);
        let names: Vec<&str> = v.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["curves.png", "filters.png", "samples.png", "alpha.png", "level2-filters.png", "level10-filters.png", "zeta.png"]);
    }

    #[test]
    fn captions_and_sizes() {
        assert!(png("curves.png").caption().contains("examples seen"));
        assert_eq!(png("level2-filters.png").caption(), "Pretraining level 2 of the stack: filters (p.22-23)");
        assert_eq!(png("level1_weird.png").caption(), "Pretraining level 1 of the stack: weird");
        assert_eq!(png("other.png").caption(), "other.png");
        assert_eq!(png("x.png").size, (640, 480));
        assert!(png("x.png").data_url().starts_with("data:image/png;base64,iVBORw0KGgo"));
    }

    #[test]
    fn a_file_that_is_not_a_whole_png_is_an_error_naming_it() {
        let bad = |bytes: Vec<u8>| Image::new(Path::new("dir/broken.png"), bytes).unwrap_err().to_string();
        let e = bad(b"GIF89a....".to_vec());
        assert!(e.contains("broken.png") && e.contains("no PNG signature"), "{e}");
        let whole = png_bytes();
        assert!(bad(whole[..whole.len() - 12].to_vec()).contains("before the IEND"));
        assert!(bad(whole[..whole.len() - 14].to_vec()).contains("IDAT"));
        let mut flipped = whole.clone();
        flipped[42] ^= 1;
        assert!(bad(flipped).contains("wrong CRC"));
    }

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
