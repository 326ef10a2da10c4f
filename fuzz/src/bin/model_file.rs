//! A model file (`model.mpk`, Burn's named MessagePack record), as `tricks eval` and `tricks predict`
//! read it without Burn. A file that decodes must pass its own check and write out as safetensors.

use std::collections::HashMap;
use std::path::Path;

use tricks_run::model_file::ModelFile;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let origin = Path::new("model.mpk");
        let Ok(file) = ModelFile::parse(origin, data) else { return };
        for t in &file.tensors {
            assert_eq!(Some(t.values.len()), t.shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d)), "{}", t.name);
        }
        let own: Vec<(String, Vec<usize>)> = file.tensors.iter().map(|t| (t.name.clone(), t.shape.clone())).collect();
        file.check(origin, &own).expect("a file agrees with its own names and shapes");
        let _ = file.safetensors(HashMap::new());
    });
}
