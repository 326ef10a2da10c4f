//! Tensors of a training stage as bytes for its checkpoint: modules as Burn records (named MessagePack,
//! full precision, the format of `model.mpk`), and per-parameter state (momentum, averages) as a module
//! of the same shape holding that state in place of the parameters.

use std::path::Path;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::record::{FullPrecisionSettings, NamedMpkBytesRecorder, Recorder};
use burn::tensor::{Tensor, TensorData, backend::Backend};

use crate::TrainError;

/// `module`'s parameters as bytes.
pub(crate) fn module_bytes<B: Backend, M: Module<B>>(module: &M, path: &Path) -> Result<Vec<u8>, TrainError> {
    NamedMpkBytesRecorder::<FullPrecisionSettings>::new().record(module.clone().into_record(), ()).map_err(|e| TrainError::io(path, e))
}

/// `template` with the parameters of `bytes` (from [`module_bytes`]) loaded on `device`.
pub(crate) fn load_module<B: Backend, M: Module<B>>(template: M, bytes: Vec<u8>, device: &B::Device, path: &Path) -> Result<M, TrainError> {
    let record = Recorder::<B>::load(&NamedMpkBytesRecorder::<FullPrecisionSettings>::new(), bytes, device).map_err(|e| TrainError::io(path, e))?;
    Ok(template.load_record(record))
}

/// `module` holding `state[id]` in place of each parameter (zeros where `state` has none).
pub(crate) fn state_as_module<B: Backend, M: Module<B>>(module: M, state: &GradientsParams) -> M {
    struct Put<'a, B> {
        state: &'a GradientsParams,
        _b: std::marker::PhantomData<B>,
    }
    impl<B: Backend> ModuleMapper<B> for Put<'_, B> {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<B, D>>) -> Param<Tensor<B, D>> {
            let (id, tensor, mapper) = param.consume();
            let value = self.state.get::<B, D>(id).unwrap_or_else(|| tensor.zeros_like());
            Param::from_mapped_value(id, value, mapper)
        }
    }
    module.map(&mut Put::<B> { state, _b: Default::default() })
}

/// Every parameter value of `module`, by parameter id: the inverse of [`state_as_module`].
pub(crate) fn module_as_state<B: Backend, M: Module<B>>(module: &M) -> GradientsParams {
    struct Take<B> {
        state: GradientsParams,
        _b: std::marker::PhantomData<B>,
    }
    impl<B: Backend> ModuleVisitor<B> for Take<B> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
            self.state.register(param.id, param.val());
        }
    }
    let mut take = Take::<B> { state: GradientsParams::new(), _b: Default::default() };
    module.visit(&mut take);
    take.state
}

/// Host tensor data as bytes: shape and values, little-endian f32.
pub(crate) fn data_bytes(data: TensorData) -> Vec<u8> {
    let shape = data.shape.as_slice().to_vec();
    let values = data.convert::<f32>().into_vec::<f32>().expect("f32 values");
    let mut bytes = Vec::with_capacity(8 + 8 * shape.len() + 4 * values.len());
    bytes.extend_from_slice(&(shape.len() as u64).to_le_bytes());
    for d in &shape {
        bytes.extend_from_slice(&(*d as u64).to_le_bytes());
    }
    for v in values {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    bytes
}

/// The inverse of [`data_bytes`].
pub(crate) fn bytes_data(bytes: &[u8], path: &Path) -> Result<TensorData, TrainError> {
    let bad = || TrainError::io(path, "damaged tensor in checkpoint");
    let word = |i: usize| bytes.get(8 * i..8 * i + 8).map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")) as usize).ok_or_else(bad);
    let rank = word(0)?;
    let shape: Vec<usize> = (1..=rank).map(word).collect::<Result<_, _>>()?;
    let values: Vec<f32> = bytes[8 * (rank + 1)..].chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes"))).collect();
    if values.len() != shape.iter().product::<usize>() {
        return Err(bad());
    }
    Ok(TensorData::new(values, shape))
}
