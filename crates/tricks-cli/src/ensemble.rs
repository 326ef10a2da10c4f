//! `tricks ensemble`: average the outputs of several trained classifiers on their test split (chapter
//! p.15), members that differ by their seed or, with `--bagging N`, by the bootstrap sample of the training
//! split each was trained on (trained first, as a folder of seeds that the same command continues).

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use burn::tensor::backend::AutodiffBackend;
use clap::Args;
use tricks_run::{RunState, files, run_state, write_json};
use tricks_train::EnsembleReport;

use crate::backend::{OnBackend, dispatch};
use crate::commands::{data_source, resolved};
use crate::seeds::{seed_dir, seed_dirs, train_seeds};
use crate::{BackendArg, DataArgs, RecipeArgs};

#[derive(Args)]
pub struct EnsembleArgs {
    /// Finished classifier run directories, or folders of seeds (`tricks train --seeds`) whose every
    /// finished run joins.
    #[arg(required_unless_present = "bagging", conflicts_with = "bagging")]
    runs: Vec<PathBuf>,
    /// Train N members first, each on a bootstrap sample of the training split drawn with its own seed
    /// (SEED, SEED+1, …), into the folder of seeds --out (run the command again to continue it); then
    /// average them and write OUT/ensemble.json.
    #[arg(long, value_name = "N", requires = "out", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    bagging: Option<usize>,
    /// With --bagging: the folder of the members.
    #[arg(long, requires = "bagging")]
    out: Option<PathBuf>,
    #[command(flatten)]
    recipe: RecipeArgs,
    #[command(flatten)]
    data: DataArgs,
    /// With --bagging: the first member's seed (shorthand for `--set seed=N`).
    #[arg(long, requires = "bagging")]
    seed: Option<u64>,
    #[arg(long, value_enum, default_value_t = BackendArg::Ndarray)]
    backend: BackendArg,
    /// No progress bars while training members.
    #[arg(long, short)]
    quiet: bool,
}

/// Average the runs on the backend `dispatch` chooses.
struct EnsembleJob {
    runs: Vec<PathBuf>,
}

impl OnBackend for EnsembleJob {
    type Output = EnsembleReport;
    fn run<B: AutodiffBackend>(self, device: B::Device, _backend: &str) -> Result<EnsembleReport> {
        Ok(tricks_train::ensemble::<B::InnerBackend>(&self.runs, &device)?)
    }
}

/// `tricks ensemble`.
pub fn ensemble(args: EnsembleArgs) -> Result<()> {
    let (runs, out) = match (args.bagging, args.out) {
        (Some(count), Some(out)) => {
            let mut recipe_args = args.recipe;
            recipe_args.overrides.extend(args.seed.map(|seed| format!("seed={seed}")));
            recipe_args.overrides.push("bootstrap=true".into());
            let recipe = resolved(&recipe_args)?;
            let source = data_source(&args.data.data, args.data.label_column.as_deref(), args.data.header)?;
            let seeds: Vec<u64> = (recipe.seed..).take(count).collect();
            train_seeds(recipe, source, out.clone(), count, args.backend, None, args.quiet)?;
            (seeds.iter().map(|&seed| seed_dir(&out, seed)).collect(), Some(out))
        }
        _ => (args.runs.iter().map(|run| members(run)).collect::<Result<Vec<_>>>()?.concat(), None),
    };
    let report = dispatch(args.backend, EnsembleJob { runs })?;
    let width = report.members.iter().map(|m| m.run_dir.display().to_string().len()).max().unwrap_or(0).max(6);
    say!("{:<width$}  test accuracy", "member");
    for m in &report.members {
        say!("{:<width$}  {:.2} %", m.run_dir.display().to_string(), m.test_accuracy);
    }
    say!(
        "ensemble of {}: test accuracy {:.2} % on {} examples (members alone: {:.2} % on average)",
        report.members.len(),
        report.test_accuracy,
        report.test_examples,
        report.member_mean
    );
    if let Some(out) = out {
        write_json(&out.join(files::ENSEMBLE), &report)?;
        say!("ensemble: {}", out.join(files::ENSEMBLE).display());
    }
    Ok(())
}

/// `run` itself when it is a run directory; the finished runs `seed-S` inside it, by seed, when it is a
/// folder of seeds.
fn members(run: &Path) -> Result<Vec<PathBuf>> {
    if run_state(run) != RunState::NotARun {
        return Ok(vec![run.to_path_buf()]);
    }
    let seeds = seed_dirs(run).map_err(|e| anyhow::anyhow!("{}: {e}", run.display()))?;
    let finished: Vec<PathBuf> = seeds.into_iter().map(|(_, dir)| dir).filter(|dir| run_state(dir) == RunState::Finished).collect();
    if finished.is_empty() {
        bail!("{}: neither a run directory nor a folder of seeds with a finished run (seed-S)", run.display());
    }
    Ok(finished)
}
