//! A recipe file, as `tricks train --recipe FILE` reads it: the first byte's lowest bit chooses JSON or
//! TOML; the recipe is then checked (impossible values refused) and listed as `tricks recipes` does.

use std::path::Path;

use tricks_core::presets;
use tricks_fuzz::split_option;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let (option, bytes) = split_option(data);
        let Ok(text) = std::str::from_utf8(bytes) else { return };
        let origin = Path::new(if option % 2 == 0 { "fuzz.json" } else { "fuzz.toml" });
        if let Ok(recipe) = presets::parse(origin, text) {
            let _ = presets::describe(&recipe, "fuzz");
            let _ = recipe.check();
        }
    });
}
