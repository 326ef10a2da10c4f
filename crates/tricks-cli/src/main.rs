//! `tricks`: train, evaluate and inspect models with the chapter's recipes.

/// `println!` for standard output that ends the process quietly when the reader has gone (`tricks … | head`),
/// as Unix tools end on SIGPIPE, where `println!` would panic.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::say(format_args!($($arg)*))
    };
}

mod backend;
mod bar;
mod bench;
mod commands;
mod ensemble;
mod lr_find;
mod predict;
mod search;
mod seeds;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Train neural networks the way Bengio's "Practical Recommendations for Gradient-Based Training of
/// Deep Architectures" says, on CPU or GPU.
#[derive(Parser)]
#[command(name = "tricks", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a model and write a run directory (recipe, curves, model, report).
    Train(TrainArgs),
    /// Reload a run directory's model and report its test score.
    Eval(EvalArgs),
    /// Write a run directory's report.html again (recipe, numbers, pictures, diagnosis).
    Report {
        /// The run directory.
        run: PathBuf,
    },
    /// Gradient check of a recipe's model and criterion by centred differences in f64 (chapter p.21).
    Gradcheck(GradcheckArgs),
    /// Controlled over-fitting (chapter p.21-22): can the recipe drive the training error on a small subset to ~0?
    Overfit(OverfitArgs),
    /// Overlay the learning curves of several runs in one image.
    Plot {
        /// Run directories.
        #[arg(required = true)]
        runs: Vec<PathBuf>,
        /// Image to write.
        #[arg(long, default_value = "curves.png")]
        out: PathBuf,
    },
    /// Hyper-parameter search (chapter §3): a study of trials over a space of recipe fields, resumable, shared
    /// by any number of workers; `worker` and `report` act on an existing study.
    Search(search::SearchArgs),
    /// Average several classifier runs' outputs on their test split (chapter p.15): seeds, or with --bagging
    /// members trained on bootstrap samples.
    Ensemble(ensemble::EnsembleArgs),
    /// The largest stable initial learning rate (chapter p.5, p.8-9): start large, divide by 3 on divergence.
    LrFind(lr_find::LrFindArgs),
    /// Apply a run's model, with its own preprocessing, to new data: class probabilities (or a hidden layer's
    /// representation) per example; with labels, the accuracy and a confusion matrix.
    Predict(predict::PredictArgs),
    /// Write a run's model for other programs: safetensors, tensors by module path, recipe and
    /// preprocessing as metadata.
    Export(predict::ExportArgs),
    /// Time what users run, in training examples per second: the MLP, RBM and auto-encoder through the
    /// training loop, the bare update and an evaluation pass, on Fashion-MNIST-shaped data.
    Bench(bench::BenchArgs),
    /// List the preset recipes with every value and its source, or one preset or recipe file in full.
    Recipes {
        /// Show only this preset, or the recipe in this JSON or TOML file, resolved and checked.
        name: Option<String>,
    },
}

/// Which data to load.
#[derive(Args, Clone)]
struct DataArgs {
    /// `digits` (embedded UCI digits), `fashion-mnist`, an MNIST-format IDX folder, or a CSV file.
    #[arg(long, default_value = "digits")]
    data: String,
    /// CSV label column: a header name or a 0-based index (default: the last column).
    #[arg(long)]
    label_column: Option<String>,
    /// Whether the CSV has a header row.
    #[arg(long, value_enum, default_value_t = HeaderArg::Detect)]
    header: HeaderArg,
}

/// Which recipe, and the fields to override.
#[derive(Args, Clone)]
struct RecipeArgs {
    /// A preset name (see `tricks recipes`) or a JSON/TOML recipe file [default: mlp].
    #[arg(long)]
    recipe: Option<String>,
    /// Override a recipe field, e.g. `--set optimiser.learning_rate=0.05` or `--set model.hidden=[500,500]`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    overrides: Vec<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum HeaderArg {
    Detect,
    Yes,
    No,
}

impl From<HeaderArg> for tricks_data::Header {
    fn from(header: HeaderArg) -> Self {
        match header {
            HeaderArg::Detect => tricks_data::Header::Detect,
            HeaderArg::Yes => tricks_data::Header::Present,
            HeaderArg::No => tricks_data::Header::Absent,
        }
    }
}

/// Compute backend.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
enum BackendArg {
    /// CPU (ndarray).
    Ndarray,
    /// Any GPU through Vulkan/Metal/DX12 (or Mesa's software Vulkan driver).
    Wgpu,
    /// NVIDIA GPUs through CUDA.
    Cuda,
}

#[derive(Args)]
struct TrainArgs {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    recipe: RecipeArgs,
    /// Seed (shorthand for `--set seed=N`); with --seeds, the first seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Train N runs with the seeds SEED, SEED+1, … in OUT/seed-SEED, … and report the test score's mean ±
    /// standard deviation over them in OUT/seeds.json (chapter p.15). Run the same command again to continue
    /// after a kill: finished seeds are kept, an unfinished one is resumed.
    #[arg(long, value_name = "N", conflicts_with = "resume", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    seeds: Option<usize>,
    /// Run directory to create (default: a new folder under `runs/`); with --seeds, the folder of the seeds' runs.
    #[arg(long, conflicts_with = "resume")]
    out: Option<PathBuf>,
    /// Continue the unfinished run RUN (killed, or stopped by a failed write) from its checkpoints, with
    /// its own recipe and data; on the CPU it ends exactly as an uninterrupted run would.
    #[arg(long, value_name = "RUN")]
    resume: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = BackendArg::Ndarray)]
    backend: BackendArg,
    /// Layer drawn in the t-SNE map: 0 = inputs, 1 = first hidden layer… (default: the last hidden layer).
    #[arg(long)]
    tsne_layer: Option<usize>,
    /// Leave the test split untouched: no test score, pictures of the validation split. `tricks search` trains
    /// its trials so, since a selection may use the validation error only (p.19).
    #[arg(long, conflicts_with_all = ["resume", "seeds"])]
    no_test: bool,
    /// Take the finished stack levels of these runs (or of the runs in these folders) that were pre-trained
    /// exactly as this recipe would pre-train them, instead of pre-training them again (Algorithm 1, p.19).
    #[arg(long, value_name = "RUN", conflicts_with = "resume")]
    levels_from: Vec<PathBuf>,
    /// No progress bars; print only the final report.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
struct GradcheckArgs {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    recipe: RecipeArgs,
    /// Examples in the mini-batch checked.
    #[arg(long, default_value_t = 8)]
    examples: usize,
    /// Entries checked per parameter tensor (evenly spaced).
    #[arg(long, default_value_t = 50)]
    entries: usize,
}

#[derive(Args)]
struct OverfitArgs {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    recipe: RecipeArgs,
    /// Size of the subset (the first training examples).
    #[arg(long, default_value_t = 100)]
    examples: usize,
    /// Epochs to train on it.
    #[arg(long, default_value_t = 300)]
    epochs: usize,
    #[arg(long, value_enum, default_value_t = BackendArg::Ndarray)]
    backend: BackendArg,
    /// No progress bars.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
struct EvalArgs {
    /// The run directory.
    run: PathBuf,
    /// Data to evaluate on (default: the data the run was trained on).
    #[arg(long)]
    data: Option<String>,
    /// CSV label column, as for `train`.
    #[arg(long)]
    label_column: Option<String>,
    #[arg(long, value_enum, default_value_t = HeaderArg::Detect)]
    header: HeaderArg,
    #[arg(long, value_enum, default_value_t = BackendArg::Ndarray)]
    backend: BackendArg,
}

/// Write one line to standard output; see [`say!`].
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    if let Err(e) = writeln!(std::io::stdout().lock(), "{line}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(args) => commands::train(args),
        Command::Eval(args) => commands::eval(args),
        Command::Recipes { name } => commands::recipes(name.as_deref()),
        Command::Overfit(args) => commands::overfit(args),
        Command::Gradcheck(args) => commands::gradcheck(args),
        Command::Plot { runs, out } => commands::plot(&runs, &out),
        Command::Report { run } => commands::report(&run),
        Command::Search(args) => search::search(args),
        Command::LrFind(args) => lr_find::lr_find(args),
        Command::Ensemble(args) => ensemble::ensemble(args),
        Command::Predict(args) => predict::predict(args),
        Command::Export(args) => predict::export(args),
        Command::Bench(args) => bench::bench(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
