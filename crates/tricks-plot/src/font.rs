//! The embedded font (DejaVu Sans, licence in `assets/LICENSE-DejaVu.txt`), registered once with
//! plotters so text renders on machines without system fonts.

use std::sync::OnceLock;

use plotters::style::{FontStyle, register_font};

/// Family name every text style of the crate uses.
pub(crate) const FAMILY: &str = "sans-serif";

static DEJAVU_SANS: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Registers the embedded font under [`FAMILY`] on first call; false if the font was refused.
pub(crate) fn ensure() -> bool {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok())
}
