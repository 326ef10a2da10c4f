//! `--set key=value` overrides, one a line, on the preset the first byte chooses, as `tricks train
//! --recipe NAME --set …` applies them (then checks the recipe).

use tricks_core::apply_overrides;
use tricks_core::presets::PRESETS;
use tricks_fuzz::split_option;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let (option, bytes) = split_option(data);
        let Ok(text) = std::str::from_utf8(bytes) else { return };
        let preset = &PRESETS[usize::from(option) % PRESETS.len()];
        let overrides: Vec<String> = text.lines().map(str::to_string).collect();
        let _ = apply_overrides(&(preset.build)(), &overrides);
    });
}
