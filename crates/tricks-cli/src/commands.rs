//! The subcommands: parse into a recipe and a data source, call the library, print.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use burn::tensor::backend::AutodiffBackend;
use tricks_core::presets::{PRESETS, describe, resolve};
use tricks_core::{CheckedRecipe, Recipe, apply_overrides};
use tricks_data::DataSource;
use tricks_run::{RunState, run_state};
use tricks_train::{OverfitReport, Progress, Report, RunInfo, RunOptions, Silent, TestScore, files, read_json};

use crate::backend::{OnBackend, dispatch};
use crate::bar::Bars;
use crate::{DataArgs, EvalArgs, GradcheckArgs, HeaderArg, OverfitArgs, RecipeArgs, TrainArgs};

pub(crate) fn data_source(spec: &str, label_column: Option<&str>, header: HeaderArg) -> Result<DataSource> {
    Ok(DataSource::from_flags(spec, label_column, header.into())?)
}

fn progress(quiet: bool) -> Box<dyn Progress> {
    if quiet { Box::new(Silent) } else { Box::new(Bars::new()) }
}

/// The recipe `tricks train` uses when none is named.
const DEFAULT_RECIPE: &str = "mlp";

pub(crate) fn resolved(args: &RecipeArgs) -> Result<CheckedRecipe> {
    let preset = resolve(args.recipe.as_deref().unwrap_or(DEFAULT_RECIPE))?;
    Ok(apply_overrides(&preset, &args.overrides)?)
}

/// Train one run on the backend `dispatch` chooses.
pub(crate) struct TrainJob {
    pub(crate) recipe: CheckedRecipe,
    pub(crate) data: DataSource,
    pub(crate) options: RunOptions,
    pub(crate) quiet: bool,
}

impl OnBackend for TrainJob {
    type Output = Report;
    fn run<B: AutodiffBackend>(self, device: B::Device, backend: &str) -> Result<Report> {
        let mut progress = progress(self.quiet);
        let options = RunOptions { backend: backend.to_string(), ..self.options };
        Ok(tricks_train::run::<B>(&self.recipe, &self.data, &options, &device, progress.as_mut())?)
    }
}

/// Continue one unfinished run on the backend `dispatch` chooses.
pub(crate) struct ResumeJob {
    pub(crate) run: PathBuf,
    pub(crate) data: DataSource,
    pub(crate) tsne_layer: Option<usize>,
    pub(crate) quiet: bool,
}

impl OnBackend for ResumeJob {
    type Output = Report;
    fn run<B: AutodiffBackend>(self, device: B::Device, _backend: &str) -> Result<Report> {
        let mut progress = progress(self.quiet);
        Ok(tricks_train::resume::<B>(&self.run, &self.data, self.tsne_layer, &device, progress.as_mut())?)
    }
}

/// `tricks train`, `tricks train --resume RUN` and `tricks train --seeds N` ([`crate::seeds`]).
pub fn train(args: TrainArgs) -> Result<()> {
    let DataArgs { data, label_column, header } = args.data;
    let mut recipe_args = args.recipe;
    if let Some(seed) = args.seed {
        recipe_args.overrides.push(format!("seed={seed}"));
    }
    let report = match args.resume {
        Some(run) => {
            let data = resumable(&run, &recipe_args)?;
            dispatch(args.backend, ResumeJob { run, data, tsne_layer: args.tsne_layer, quiet: args.quiet })?
        }
        None => {
            let recipe = resolved(&recipe_args)?;
            let source = data_source(&data, label_column.as_deref(), header)?;
            let out = args.out.unwrap_or_else(|| default_run_dir(&recipe.name, &data));
            if let Some(count) = args.seeds {
                return crate::seeds::train_seeds(recipe, source, out, count, args.backend, args.tsne_layer, args.quiet);
            }
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            let options =
                RunOptions { out, backend: String::new(), command, tsne_layer: args.tsne_layer, without_test: args.no_test, levels_from: args.levels_from };
            dispatch(args.backend, TrainJob { recipe, data: source, options, quiet: args.quiet })?
        }
    };
    let score = report.test_score().map_or_else(|| "no test score".into(), |s| s.to_string());
    let valid = report.valid_score();
    say!(
        "{score} · {valid} · {} epochs · {} examples · {:.1} s{}",
        report.epochs,
        report.examples_seen,
        report.seconds,
        if report.restarts > 0 { format!(" · {} restarts, ε0 = {:.3e}", report.restarts, report.learning_rate) } else { String::new() }
    );
    say!("run directory: {}", report.run_dir.display());
    Ok(())
}

/// The data of the unfinished run `run`, after checking that it is one and that a recipe given on the
/// command line is the run's own.
fn resumable(run: &Path, recipe: &RecipeArgs) -> Result<DataSource> {
    match run_state(run) {
        RunState::Unfinished => {}
        RunState::Finished => anyhow::bail!("{}: this run has already finished; there is nothing to resume", run.display()),
        RunState::NotARun => anyhow::bail!("{}: not an unfinished run directory (no UNFINISHED marker beside a recipe.json); nothing to resume", run.display()),
    }
    let saved: Recipe = read_json(run, files::RECIPE)?;
    if recipe.recipe.is_some() || !recipe.overrides.is_empty() {
        let asked = resolved(recipe)?;
        if serde_json::to_value(&asked)? != serde_json::to_value(&saved)? {
            anyhow::bail!(
                "{}: this run was made by recipe `{}` with other values than the recipe given; resume it without --recipe, --set \
                 or --seed (it keeps its own), or start a new run with --out",
                run.display(),
                saved.name
            );
        }
    }
    let info: RunInfo = read_json(run, files::RUN)?;
    Ok(info.source)
}

fn default_run_dir(recipe: &str, data: &str) -> PathBuf {
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let data_name: String = std::path::Path::new(data)
        .file_stem()
        .map_or("data".into(), |s| s.to_string_lossy().into_owned())
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
        .collect();
    PathBuf::from("runs").join(format!("{recipe}-{data_name}-{stamp}"))
}

struct EvalJob {
    run: PathBuf,
    data: DataSource,
}

impl OnBackend for EvalJob {
    type Output = TestScore;
    fn run<B: AutodiffBackend>(self, device: B::Device, _backend: &str) -> Result<TestScore> {
        Ok(tricks_train::evaluate::<B>(&self.run, &self.data, &device)?)
    }
}

/// `tricks eval`.
pub fn eval(args: EvalArgs) -> Result<()> {
    let info = tricks_train::finished_run(&args.run)?;
    let source = match &args.data {
        Some(spec) => data_source(spec, args.label_column.as_deref(), args.header)?,
        None => info.source, // exactly the data the run was trained on
    };
    let score = dispatch(args.backend, EvalJob { run: args.run.clone(), data: source })?;
    let reported: Report = read_json(&args.run, files::REPORT).context("reading the run's report")?;
    let reported = reported.test_score().map_or_else(|| "no test score".into(), |s| s.to_string());
    say!("{score} (the run reported {reported})");
    Ok(())
}

/// `tricks recipes`: every preset, or one preset or recipe file, each value with its source.
pub fn recipes(name: Option<&str>) -> Result<()> {
    let show = |title: String, recipe: &Recipe, source: &str| {
        say!("{title}");
        for (field, value, source) in describe(recipe, source) {
            say!("    {field:<36} {value:<28} {source}");
        }
        say!("");
    };
    match name {
        Some(file) if !PRESETS.iter().any(|p| p.name == file) => show(format!("{file} — recipe file, checked"), &*resolve(file)?, file),
        _ => {
            for preset in PRESETS.iter().filter(|p| name.is_none_or(|n| n == p.name)) {
                show(format!("{} — {}", preset.name, preset.summary), &(preset.build)(), preset.source);
            }
        }
    }
    Ok(())
}

/// `tricks plot`.
pub fn plot(runs: &[PathBuf], out: &std::path::Path) -> Result<()> {
    tricks_train::plot_runs(runs, out)?;
    say!("wrote {}", out.display());
    Ok(())
}

struct OverfitJob {
    recipe: CheckedRecipe,
    data: DataSource,
    examples: usize,
    epochs: usize,
    quiet: bool,
}

impl OnBackend for OverfitJob {
    type Output = OverfitReport;
    fn run<B: AutodiffBackend>(self, device: B::Device, _backend: &str) -> Result<OverfitReport> {
        let mut progress = progress(self.quiet);
        Ok(tricks_train::overfit::<B>(&self.recipe, &self.data, self.examples, self.epochs, &device, progress.as_mut())?)
    }
}

/// `tricks overfit`: exits non-zero when the subset cannot be fitted.
pub fn overfit(args: OverfitArgs) -> Result<()> {
    let recipe = resolved(&args.recipe)?;
    let DataArgs { data, label_column, header } = args.data;
    let source = data_source(&data, label_column.as_deref(), header)?;
    let job = OverfitJob { recipe, data: source, examples: args.examples, epochs: args.epochs, quiet: args.quiet };
    let r = dispatch(args.backend, job)?;
    say!("training error on {} examples after {} epochs: {:.2} %", r.examples, r.epochs, r.train_error);
    if r.passed {
        say!("the recipe can fit a small subset (chapter p.21-22)");
        return Ok(());
    }
    say!("the recipe cannot fit a small subset; suspect, most likely first:");
    for s in &r.suspects {
        say!("  - {s}");
    }
    anyhow::bail!("over-fitting check failed ({:.2} % > {} %)", r.train_error, tricks_train::OVERFIT_PASS_ERROR)
}

/// `tricks gradcheck`: a table per parameter tensor, worst first; exits non-zero above the threshold.
pub fn gradcheck(args: GradcheckArgs) -> Result<()> {
    let recipe = resolved(&args.recipe)?;
    let DataArgs { data, label_column, header } = args.data;
    let source = data_source(&data, label_column.as_deref(), header)?;
    let check = tricks_train::check_recipe_gradients(&recipe, &source, args.examples, args.entries)?;
    say!("{:<20} {:>8} {:>14} {:>6}  worst entry (backprop, centred difference)", "tensor", "entries", "max rel error", "signs");
    for t in &check.tensors {
        say!(
            "{:<20} {:>8} {:>14.3e} {:>6}  #{} ({:.6e}, {:.6e})",
            t.path,
            t.entries,
            t.max_relative_error,
            t.sign_disagreements,
            t.worst_entry,
            t.worst_values.0,
            t.worst_values.1
        );
    }
    let threshold = tricks_train::GRADCHECK_THRESHOLD;
    if check.passed(threshold) {
        say!("gradient check passed: every relative error ≤ {threshold:e}, no sign disagreement (ε = {:e}, f64)", tricks_train::GRADCHECK_EPSILON);
        Ok(())
    } else {
        anyhow::bail!(
            "gradient check failed for `{}`: relative error {:.3e} > {threshold:e} or signs disagree",
            check.tensors[0].path,
            check.max_relative_error()
        )
    }
}

/// `tricks report`.
pub fn report(run: &std::path::Path) -> Result<()> {
    let page = tricks_report::write_report(run).with_context(|| format!("writing the report of {}", run.display()))?;
    say!("{}", page.display());
    Ok(())
}
