//! Writes the seeds of the `model_file` target into the folder given: small model files shaped as Burn
//! writes `model.mpk` (named MessagePack, full precision), so that no model file is kept in the repository.
//!
//!     model_seed OUT_DIR

use rmpv::Value;

/// One parameter as Burn records it: `{id, param: {bytes, shape, dtype}}`.
fn param(id: &str, shape: &[u64], seed: f32) -> Value {
    let count = shape.iter().product::<u64>() as usize;
    let bytes = (0..count).flat_map(|i| (seed * (i as f32 - count as f32 / 2.0)).to_le_bytes()).collect();
    Value::Map(vec![
        ("id".into(), id.into()),
        (
            "param".into(),
            Value::Map(vec![
                ("bytes".into(), Value::Binary(bytes)),
                ("shape".into(), Value::Array(shape.iter().map(|&d| Value::from(d)).collect())),
                ("dtype".into(), "F32".into()),
            ]),
        ),
    ])
}

/// An MLP of `sizes` (inputs, hidden..., outputs) as a whole record with Burn's metadata.
fn mlp(sizes: &[u64]) -> Value {
    let layers = sizes
        .windows(2)
        .enumerate()
        .map(|(i, w)| Value::Map(vec![("weight".into(), param(&format!("w{i}"), w, 0.01)), ("bias".into(), param(&format!("b{i}"), &w[1..], 0.1))]))
        .collect();
    let metadata = Value::Map(vec![
        ("float".into(), "f32".into()),
        ("int".into(), "i32".into()),
        ("format".into(), "burn_core::record::memory::NamedMpkBytesRecorder<burn_core::record::settings::FullPrecisionSettings>".into()),
        ("version".into(), "0.21.0".into()),
        ("settings".into(), "FullPrecisionSettings".into()),
    ]);
    let item = Value::Map(vec![("layers".into(), Value::Array(layers)), ("activation".into(), Value::Nil), ("output".into(), Value::Nil)]);
    Value::Map(vec![("metadata".into(), metadata), ("item".into(), item), ("_b".into(), Value::Nil)])
}

fn main() {
    let out = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: model_seed OUT_DIR"));
    std::fs::create_dir_all(&out).expect("the seed folder can be made");
    for (name, sizes) in [("mlp-4-3-2", &[4u64, 3, 2][..]), ("mlp-8-2", &[8, 2][..])] {
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, &mlp(sizes)).expect("writing to memory");
        let file = tricks_run::ModelFile::parse(std::path::Path::new(name), &bytes).expect("a seed reads as a model file");
        assert_eq!(file.tensors.len(), 2 * (sizes.len() - 1));
        std::fs::write(out.join(name), bytes).expect("the seed can be written");
    }
}
