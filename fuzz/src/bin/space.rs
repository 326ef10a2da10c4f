//! A search-space file, as `tricks search --space FILE` reads it: the first byte's lowest bit chooses
//! JSON or TOML. A space that parses is then used as a search uses it: grids, middles, draws, positions,
//! and the check against the chapter's default recipe (which realises the middle trial).

use std::path::Path;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use tricks_core::Recipe;
use tricks_fuzz::split_option;
use tricks_search::{Domain, Space};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let (option, bytes) = split_option(data);
        let Ok(text) = std::str::from_utf8(bytes) else { return };
        let origin = Path::new(if option % 2 == 0 { "fuzz.json" } else { "fuzz.toml" });
        let Ok(space) = Space::parse(origin, text) else { return };
        let mut rng = ChaCha8Rng::seed_from_u64(u64::from(option));
        for param in &space.params {
            for k in 0..4 {
                assert!(!param.domain.grid(k).is_empty(), "{}: an empty grid", param.path);
            }
            let _ = param.domain.middle(3);
            let _ = param.domain.sample(&mut rng);
            if let Domain::Range(n) = &param.domain {
                let _ = n.position(n.at(0.25));
                let _ = n.sample_between(0.25, 0.75, &mut rng);
            }
        }
        let _ = space.check(&Recipe::chapter_default());
    });
}
