//! The workloads users run (`tricks_train::Workload`: the MLP, RBM and denoising auto-encoder through the
//! training loop, the bare update step, an evaluation pass), on every backend named in
//! `TRICKS_BENCH_BACKENDS` (comma-separated: ndarray, wgpu, cuda; default ndarray), in examples per second.
//! The same code as `tricks bench`; bench names are `BACKEND/WORKLOAD-bB`, so
//! `cargo bench --bench workloads -- ndarray/mlp-b32` times one line.

use std::time::Duration;

use burn::backend::{Autodiff, Cuda, NdArray, Wgpu};
use burn::tensor::backend::AutodiffBackend;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tricks::train::{Bench, Workload};

fn lines<B: AutodiffBackend>(c: &mut Criterion, backend: &str) {
    let device = B::Device::default();
    let mut group = c.benchmark_group("workloads");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    for workload in Workload::ALL {
        for &batch in workload.default_batches() {
            let mut bench = Bench::<B>::new(workload, batch, &device).expect("a valid workload");
            group.throughput(Throughput::Elements(bench.examples() as u64));
            group.bench_function(format!("{backend}/{}-b{batch}", workload.name()), |b| b.iter(|| bench.run().expect("the workload runs")));
        }
    }
    group.finish();
}

fn workloads(c: &mut Criterion) {
    let backends = std::env::var("TRICKS_BENCH_BACKENDS").unwrap_or_else(|_| "ndarray".into());
    for backend in backends.split(',').map(str::trim) {
        match backend {
            "ndarray" => lines::<Autodiff<NdArray>>(c, backend),
            "wgpu" => lines::<Autodiff<Wgpu>>(c, backend),
            "cuda" => lines::<Autodiff<Cuda>>(c, backend),
            other => panic!("TRICKS_BENCH_BACKENDS: no backend `{other}` (ndarray, wgpu, cuda)"),
        }
    }
}

criterion_group!(benches, workloads);
criterion_main!(benches);
