//! A CSV data file (raw or gzip), as `tricks train --data FILE.csv` reads it. The first byte chooses the
//! options: header present, absent or detected (`--header`), and the label column: last, by index, or
//! by name (`--label-column`), or none (new examples for `tricks predict`).

use std::path::Path;

use tricks_data::{Header, LabelColumn};
use tricks_fuzz::split_option;

/// Column names tried by `--label-column NAME` (the seeds' headers use them).
const NAMES: [&str; 4] = ["label", "class", "y", ""];

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let (option, bytes) = split_option(data);
        let header = match option % 3 {
            0 => Header::Detect,
            1 => Header::Present,
            _ => Header::Absent,
        };
        let label = match (option / 3) % 5 {
            0 => LabelColumn::Last,
            1 => LabelColumn::Index(usize::from(option / 15 % 8)),
            2 => LabelColumn::Name(NAMES[usize::from(option / 15 % 4)].to_string()),
            3 => LabelColumn::Absent,
            _ => LabelColumn::Index(usize::MAX),
        };
        let labelled = label != LabelColumn::Absent;
        if let Ok(set) = tricks_data::parse_csv(Path::new("fuzz.csv"), bytes.to_vec(), &label, &header) {
            assert_eq!(set.features.len(), set.len() * set.dim);
            if labelled {
                assert!(set.labels.iter().all(|&l| (l as usize) < set.classes));
            } else {
                assert!(set.classes == 0 && set.labels.iter().all(|&l| l == 0));
            }
        }
    });
}
