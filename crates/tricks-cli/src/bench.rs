//! `tricks bench`: the workloads of `tricks_train::Workload` timed on one backend, as a table of training
//! examples per second (the same code the Criterion benches time).

use anyhow::{Result, anyhow};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use tricks_train::{Bench, Workload};

use crate::BackendArg;
use crate::backend::{OnBackend, dispatch};

#[derive(Args)]
pub struct BenchArgs {
    #[arg(long, value_enum, default_value_t = BackendArg::Ndarray)]
    backend: BackendArg,
    /// Workloads to time (default: all): mlp (784-500-10 tanh through the training loop), mlp-step (its
    /// bare update), rbm-cd1 (binary RBM 784-500, CD-1), dae (denoising auto-encoder 784-500), eval.
    #[arg(long = "workload", value_name = "NAME", value_parser = workload)]
    workloads: Vec<Workload>,
    /// Mini-batch sizes (default: each workload's own: 32 and 256 for the MLP, 20 and 256 for the RBM,
    /// 20 for the auto-encoder, 2,048 rows for the evaluation).
    #[arg(long = "batch", value_name = "B", value_parser = clap::value_parser!(u32).range(1..=65_536))]
    batches: Vec<u32>,
    /// Seconds of timed runs per line, after one untimed warm-up run.
    #[arg(long, default_value_t = 3.0, value_parser = seconds)]
    seconds: f64,
    /// Print one JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
}

fn workload(name: &str) -> Result<Workload, String> {
    Workload::from_name(name).ok_or_else(|| format!("no workload `{name}`; one of: {}", Workload::ALL.map(Workload::name).join(", ")))
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(s),
        _ => Err(format!("`{text}` is not a number of seconds in (0, 3600]")),
    }
}

pub fn bench(args: BenchArgs) -> Result<()> {
    let workloads = if args.workloads.is_empty() { Workload::ALL.to_vec() } else { args.workloads.clone() };
    let lines: Vec<(Workload, usize)> = workloads
        .into_iter()
        .flat_map(|w| {
            let batches: Vec<usize> = if args.batches.is_empty() { w.default_batches().to_vec() } else { args.batches.iter().map(|&b| b as usize).collect() };
            batches.into_iter().map(move |b| (w, b))
        })
        .collect();
    dispatch(args.backend, Lines { lines, seconds: args.seconds, json: args.json })
}

struct Lines {
    lines: Vec<(Workload, usize)>,
    seconds: f64,
    json: bool,
}

impl OnBackend for Lines {
    type Output = ();

    fn run<B: burn::tensor::backend::AutodiffBackend>(self, device: B::Device, backend: &str) -> Result<()> {
        let bar = ProgressBar::new(self.lines.len() as u64);
        bar.set_style(ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} ETA {eta:>3} {msg}").expect("valid template").progress_chars("=> "));
        bar.set_prefix(format!("bench on {backend}"));
        if !self.json {
            say!("{:<10} {:>6} {:>8} {:>14} {:>10} {:>16}", "workload", "batch", "backend", "examples/s", "ms/update", "matmul GFLOP/s");
        }
        for (workload, batch) in self.lines {
            bar.set_message(format!("{} B = {batch}", workload.name()));
            let mut bench = Bench::<B>::new(workload, batch, &device)?;
            let t = bench.measure(self.seconds).map_err(|e| anyhow!("{} at B = {batch}: {e}", workload.name()))?;
            let rate = t.examples_per_second;
            let gflops = rate * workload.matmul_flops_per_example() / 1e9;
            let update_ms = 1e3 * batch as f64 / rate;
            bar.suspend(|| {
                if self.json {
                    say!(
                        "{}",
                        serde_json::json!({"workload": workload.name(), "batch": batch, "backend": backend, "examples_per_second": rate,
                            "matmul_gflops": gflops, "runs": t.runs})
                    );
                } else {
                    let ms = if workload == Workload::Eval { "-".to_string() } else { format!("{update_ms:.3}") };
                    say!("{:<10} {batch:>6} {backend:>8} {rate:>14.0} {ms:>10} {gflops:>16.1}", workload.name());
                }
            });
            bar.inc(1);
        }
        bar.finish_and_clear();
        Ok(())
    }
}
