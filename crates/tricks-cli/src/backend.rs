//! The one place where the backend is chosen at run time; everything else is generic.

use anyhow::{Result, anyhow};
use burn::backend::{Autodiff, Cuda, NdArray, Wgpu};
use burn::tensor::Tensor;
use burn::tensor::backend::{AutodiffBackend, Backend};

use crate::BackendArg;

/// Work that runs on any backend; `dispatch` calls it with the chosen one.
pub trait OnBackend {
    type Output;
    fn run<B: AutodiffBackend>(self, device: B::Device, backend: &str) -> Result<Self::Output>;
}

/// Run `job` on `backend`, with a clear error where the backend has no device on this machine.
pub fn dispatch<J: OnBackend>(backend: BackendArg, job: J) -> Result<J::Output> {
    match backend {
        BackendArg::Ndarray => job.run::<Autodiff<NdArray>>(Default::default(), "ndarray"),
        BackendArg::Wgpu => {
            let device = probe::<Wgpu>("wgpu", "a Vulkan, Metal or DX12 driver (on Debian without a GPU: apt-get install libvulkan1 mesa-vulkan-drivers)")?;
            job.run::<Autodiff<Wgpu>>(device, "wgpu")
        }
        BackendArg::Cuda => {
            let device = probe::<Cuda>("cuda", "an NVIDIA GPU with its driver (libcuda) and the CUDA runtime's NVRTC")?;
            job.run::<Autodiff<Cuda>>(device, "cuda")
        }
    }
}

/// Create the default device and run one tiny operation on it, turning a panic into an error.
fn probe<B: Backend>(name: &str, needs: &str) -> Result<B::Device> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(|| {
        let device = B::Device::default();
        let sum = Tensor::<B, 1>::ones([4], &device).sum().into_scalar();
        let _ = sum;
        device
    });
    std::panic::set_hook(hook);
    outcome.map_err(|panic| {
        let reason =
            panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_else(|| "unknown failure".into());
        anyhow!("the {name} backend has no usable device on this machine ({reason}); it needs {needs}. Use --backend ndarray to train on the CPU")
    })
}
