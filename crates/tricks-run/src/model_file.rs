//! `model.mpk` read without Burn, and written out as safetensors.
//!
//! A model file is Burn's named MessagePack record at full precision: a map whose `item` holds the module's
//! fields by name, lists by position, and each parameter as `{id, param: {bytes, shape, dtype}}`. Reading
//! it decodes data only (no code is ever run from a model file), and refuses, with the tensor's name, a
//! file that is truncated or corrupt, holds anything but finite `f32` values, or whose tensors differ in
//! name or shape from what the recipe builds ([`ModelFile::check`]).
//!
//! Tensors are named by their module path, joined with `.`: an MLP has `layers.{i}.weight` of shape
//! `[inputs, outputs]` and `layers.{i}.bias` of shape `[outputs]` for each layer `i`, input side first, so
//! that a layer computes `x · weight + bias` on a row `x`. [`ModelFile::safetensors`] keeps these names
//! and layouts.

use std::collections::HashMap;
use std::path::Path;

use rmpv::Value;

use crate::RunFileError;

/// Deepest nesting of MessagePack values read (tricks' models nest 5 deep); deeper input is refused
/// rather than recursed into.
const MAX_DEPTH: usize = 64;

/// One parameter tensor of a model file.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelTensor {
    /// Module path joined with `.`, e.g. `layers.0.weight`.
    pub name: String,
    /// Dimensions, outermost first.
    pub shape: Vec<usize>,
    /// The values, row-major.
    pub values: Vec<f32>,
}

/// The parameter tensors of a model file, in the file's order.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    /// Every parameter tensor.
    pub tensors: Vec<ModelTensor>,
}

impl ModelFile {
    /// Read and decode the model file at `path`.
    pub fn read(path: &Path) -> Result<ModelFile, RunFileError> {
        let bytes = std::fs::read(path).map_err(|e| RunFileError::new(path, format!("cannot read the model file: {e}")))?;
        ModelFile::parse(path, &bytes)
    }

    /// Decode the model file `bytes`; `origin` names it in errors.
    pub fn parse(origin: &Path, bytes: &[u8]) -> Result<ModelFile, RunFileError> {
        let corrupt = |detail: String| RunFileError::new(origin, format!("the model file is truncated or corrupt: {detail}"));
        let mut rest = bytes;
        let value = rmpv::decode::read_value_with_max_depth(&mut rest, MAX_DEPTH).map_err(|e| corrupt(e.to_string()))?;
        if !rest.is_empty() {
            return Err(corrupt(format!("{} bytes after the end of the record", rest.len())));
        }
        let item = field(&value, "item").ok_or_else(|| corrupt("no `item` map: not a Burn record".into()))?;
        let mut tensors = Vec::new();
        collect(item, &mut Vec::new(), &mut tensors).map_err(corrupt)?;
        if tensors.is_empty() {
            return Err(corrupt("no parameter tensors".into()));
        }
        let mut names = std::collections::HashSet::new();
        if let Some(twice) = tensors.iter().find(|t| !names.insert(t.name.as_str())) {
            return Err(corrupt(format!("two tensors are named `{}`", twice.name)));
        }
        Ok(ModelFile { tensors })
    }

    /// The tensor named `name`.
    pub fn tensor(&self, name: &str) -> Option<&ModelTensor> {
        self.tensors.iter().find(|t| t.name == name)
    }

    /// Check that the file holds exactly the tensors `expected` (name and shape, as the recipe builds
    /// them); the error names the first tensor that differs and both shapes.
    pub fn check(&self, origin: &Path, expected: &[(String, Vec<usize>)]) -> Result<(), RunFileError> {
        let error = |message: String| RunFileError::new(origin, message);
        for (name, shape) in expected {
            match self.tensor(name) {
                None => return Err(error(format!("no tensor `{name}` in the file; the recipe expects one of shape {shape:?}"))),
                Some(t) if &t.shape != shape => {
                    return Err(error(format!("tensor `{name}` has shape {:?} in the file; the recipe expects {shape:?}", t.shape)));
                }
                Some(_) => {}
            }
        }
        match self.tensors.iter().find(|t| !expected.iter().any(|(name, _)| name == &t.name)) {
            Some(extra) => Err(error(format!("tensor `{}` (shape {:?}) is in the file but not in the recipe's model", extra.name, extra.shape))),
            None => Ok(()),
        }
    }

    /// The tensors as a safetensors file (little-endian `F32`, same names and shapes), with `metadata`
    /// (string keys and values) in its header.
    pub fn safetensors(&self, metadata: HashMap<String, String>) -> Result<Vec<u8>, RunFileError> {
        let bytes: Vec<(&ModelTensor, Vec<u8>)> = self.tensors.iter().map(|t| (t, t.values.iter().flat_map(|v| v.to_le_bytes()).collect())).collect();
        let views = bytes
            .iter()
            .map(|(t, data)| {
                safetensors::tensor::TensorView::new(safetensors::Dtype::F32, t.shape.clone(), data)
                    .map(|view| (t.name.as_str(), view))
                    .map_err(|e| RunFileError::new(&t.name, e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        safetensors::tensor::serialize(views, Some(metadata)).map_err(|e| RunFileError::new("safetensors", e))
    }
}

/// The value under the string key `key` of the map `value`.
fn field<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.as_map()?.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
}

/// Every parameter tensor under `value`, whose module path is `path`, appended to `out`.
fn collect(value: &Value, path: &mut Vec<String>, out: &mut Vec<ModelTensor>) -> Result<(), String> {
    if let Some(param) = field(value, "param").filter(|p| field(p, "bytes").is_some()) {
        out.push(tensor(param, path.join(".")).map_err(|e| format!("tensor `{}`: {e}", path.join(".")))?);
        return Ok(());
    }
    let children: Vec<(String, &Value)> = match value {
        Value::Map(entries) => entries.iter().filter_map(|(k, v)| Some((k.as_str()?.to_string(), v))).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        _ => return Ok(()),
    };
    for (name, child) in children {
        path.push(name);
        collect(child, path, out)?;
        path.pop();
    }
    Ok(())
}

/// A tensor from Burn's `{bytes, shape, dtype}`.
fn tensor(param: &Value, name: String) -> Result<ModelTensor, String> {
    let dtype = field(param, "dtype").and_then(Value::as_str).ok_or("no dtype")?;
    if dtype != "F32" {
        return Err(format!("dtype {dtype}; tricks writes F32"));
    }
    let shape = field(param, "shape")
        .and_then(Value::as_array)
        .ok_or("no shape")?
        .iter()
        .map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok()).ok_or("a dimension is not a whole number"))
        .collect::<Result<Vec<usize>, _>>()?;
    let bytes = field(param, "bytes").and_then(Value::as_slice).ok_or("its bytes are not binary")?;
    let expected = shape.iter().try_fold(4usize, |n, &d| n.checked_mul(d)).ok_or("its shape overflows")?;
    if bytes.len() != expected {
        return Err(format!("{} bytes for shape {shape:?}, which needs {expected}", bytes.len()));
    }
    let values: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return Err(format!("value {i} is {}", values[i]));
    }
    Ok(ModelTensor { name, shape, values })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Burn-shaped record of one linear layer `[2, 3]` with its bias.
    fn record(weight: &[f32], bias_shape: u64) -> Vec<u8> {
        let param = |values: &[f32], shape: Vec<u64>| {
            Value::Map(vec![
                ("id".into(), "x".into()),
                (
                    "param".into(),
                    Value::Map(vec![
                        ("bytes".into(), Value::Binary(values.iter().flat_map(|v| v.to_le_bytes()).collect())),
                        ("shape".into(), Value::Array(shape.into_iter().map(Value::from).collect())),
                        ("dtype".into(), "F32".into()),
                    ]),
                ),
            ])
        };
        let layer = Value::Map(vec![("weight".into(), param(weight, vec![2, 3])), ("bias".into(), param(&vec![0.0; bias_shape as usize], vec![bias_shape]))]);
        let item = Value::Map(vec![("layers".into(), Value::Array(vec![layer])), ("activation".into(), Value::Nil)]);
        let root = Value::Map(vec![("metadata".into(), Value::Map(vec![])), ("item".into(), item)]);
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, &root).unwrap();
        bytes
    }

    fn expected(bias: usize) -> Vec<(String, Vec<usize>)> {
        vec![("layers.0.weight".into(), vec![2, 3]), ("layers.0.bias".into(), vec![bias])]
    }

    #[test]
    fn reads_tensors_by_module_path_and_checks_their_shapes() {
        let file = ModelFile::parse(Path::new("m"), &record(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3)).unwrap();
        assert_eq!(file.tensor("layers.0.weight").unwrap().values, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(file.tensor("layers.0.bias").unwrap().shape, [3]);
        file.check(Path::new("m"), &expected(3)).unwrap();
        let wrong = file.check(Path::new("m"), &expected(4)).unwrap_err().to_string();
        assert!(wrong.contains("tensor `layers.0.bias` has shape [3] in the file; the recipe expects [4]"), "{wrong}");
        let missing = file.check(Path::new("m"), &[("layers.1.weight".into(), vec![3, 1])]).unwrap_err().to_string();
        assert!(missing.contains("no tensor `layers.1.weight`"), "{missing}");
    }

    #[test]
    fn refuses_truncated_trailing_and_non_finite_records() {
        let good = record(&[1.0; 6], 3);
        for cut in [1, good.len() / 2, good.len() - 1] {
            let e = ModelFile::parse(Path::new("m"), &good[..cut]).unwrap_err().to_string();
            assert!(e.contains("truncated or corrupt"), "cut at {cut}: {e}");
        }
        let mut longer = good.clone();
        longer.push(0);
        assert!(ModelFile::parse(Path::new("m"), &longer).unwrap_err().to_string().contains("1 bytes after the end"));
        let nan = ModelFile::parse(Path::new("m"), &record(&[1.0, f32::NAN, 0.0, 0.0, 0.0, 0.0], 3)).unwrap_err().to_string();
        assert!(nan.contains("tensor `layers.0.weight`: value 1 is NaN"), "{nan}");
    }

    /// Found by `fuzz/run`: a name reached twice (a repeated key, or a key holding a `.`) made a file that
    /// disagreed with its own names and shapes; it is refused when read.
    #[test]
    fn refuses_two_tensors_of_one_name() {
        let good = rmpv::decode::read_value(&mut &record(&[1.0; 6], 3)[..]).unwrap();
        let layer = good["item"]["layers"][0].clone();
        let weight = layer["weight"].clone();
        let repeated = Value::Map(vec![("w".into(), weight.clone()), ("w".into(), layer["bias"].clone())]);
        let dotted = Value::Map(vec![("a".into(), Value::Map(vec![("b".into(), weight.clone())])), ("a.b".into(), weight)]);
        for (item, name) in [(repeated, "w"), (dotted, "a.b")] {
            let mut bytes = Vec::new();
            rmpv::encode::write_value(&mut bytes, &Value::Map(vec![("item".into(), item)])).unwrap();
            let e = ModelFile::parse(Path::new("m"), &bytes).unwrap_err().to_string();
            assert!(e.contains(&format!("two tensors are named `{name}`")), "{e}");
        }
    }

    #[test]
    fn safetensors_keep_names_shapes_and_values() {
        let file = ModelFile::parse(Path::new("m"), &record(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3)).unwrap();
        let bytes = file.safetensors(HashMap::from([("recipe".to_string(), "{}".to_string())])).unwrap();
        let (_, metadata) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
        assert_eq!(metadata.metadata().as_ref().unwrap()["recipe"], "{}");
        let read = safetensors::SafeTensors::deserialize(&bytes).unwrap();
        let weight = read.tensor("layers.0.weight").unwrap();
        assert_eq!(weight.shape(), [2, 3]);
        assert_eq!(weight.data(), file.tensor("layers.0.weight").unwrap().values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>());
    }
}
