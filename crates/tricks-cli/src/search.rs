//! `tricks search`: a hyper-parameter study in a folder (chapter §3, p.16-21). The engine is
//! `tricks-search`; here each trial is a `tricks train` process with a run directory of its own, so a
//! crash or a refused setting is a failed trial and nothing more, and a killed trial resumes from its
//! checkpoint when the study is continued.
//!
//! A study folder holds `study.sqlite` (unless `--storage` names a PostgreSQL database), `trials/NNNN/`
//! (run directories) with `trials/NNNN.recipe.json` (the recipe each trained), and, after
//! `tricks search report`, `report/` (pictures and `search.html`) and `final/NNNN/` (seed runs).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use tricks_plot::{BoxAt, Chart, Dots, Line, chart};
use tricks_report::SearchPage;
use tricks_run::{Report, RunState, SeedsReport, files, read_json, run_state, write_json};
use tricks_search::analysis::{Side, best_in_n, borders, disjoint_minima};
use tricks_search::{
    Assignment, DEFAULT_K, DEFAULT_ROUNDS, Domain, Event, Outcome, Space, Sqlite, Store, Strategy, StudyConfig, Tally, Trial, TrialState, WorkerId,
    WorkerOptions, scored, work,
};

use crate::{BackendArg, DataArgs, RecipeArgs};

/// The study's SQLite file inside its folder.
const STUDY_DB: &str = "study.sqlite";
/// Trials' run directories and recipes.
const TRIALS: &str = "trials";
/// Final seed runs of the best settings.
const FINAL: &str = "final";
/// Pictures and the page of `tricks search report`.
const REPORT_DIR: &str = "report";
/// Trials of a new study when `--trials` is not given (ours).
const DEFAULT_TRIALS: u64 = 20;
/// Trials listed in the report's table.
const TOP: usize = 10;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SearchArgs {
    #[command(subcommand)]
    command: Option<SearchCommand>,
    #[command(flatten)]
    study: NewStudyArgs,
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Serve an existing study: claim and train its trials until the budget is spent (start as many as
    /// you like, on any machine that reaches the storage).
    Worker(WorkerArgs),
    /// Print the study's results and write its pictures and page; `--final K` re-runs the best settings
    /// over several seeds on the test set.
    Report(ReportArgs),
}

/// Where a study lives.
#[derive(Args, Clone)]
struct StudyLocation {
    /// The study folder (trial run directories; `study.sqlite` unless --storage is given).
    #[arg(long, value_name = "DIR")]
    study: Option<PathBuf>,
    /// A PostgreSQL database shared by workers on several machines (`postgres://user:password@host/db`);
    /// the password is never printed.
    #[arg(long, value_name = "URL")]
    storage: Option<String>,
}

#[derive(Args)]
struct NewStudyArgs {
    /// The search space, TOML or JSON (see README: ranges, choices, fixed values, [trial_only]).
    #[arg(long, value_name = "FILE", required_unless_present = "resume")]
    space: Option<PathBuf>,
    #[command(flatten)]
    recipe: RecipeArgs,
    #[command(flatten)]
    data: DataArgs,
    /// Trials in the study, all workers together [default: 20 for a new study; a continued study keeps its
    /// own unless given].
    #[arg(long)]
    trials: Option<u64>,
    #[arg(long, value_enum, default_value_t = StrategyArg::Random)]
    strategy: StrategyArg,
    /// Values per numeric range for `grid` and `coordinate`; survivors per level for `layerwise`.
    #[arg(long, default_value_t = DEFAULT_K)]
    k: usize,
    /// Rounds of `multires`.
    #[arg(long, default_value_t = DEFAULT_ROUNDS)]
    rounds: usize,
    /// Seed of the strategy's draws.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Widen a range whose best value lies at its border, and go on (p.17).
    #[arg(long)]
    extend: bool,
    #[command(flatten)]
    location: StudyLocation,
    /// Continue the study in DIR with its own settings (`--trials` and `--extend` may change).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["space", "recipe", "overrides"])]
    resume: Option<PathBuf>,
    #[command(flatten)]
    run: RunTrialsArgs,
}

/// How this machine trains trials.
#[derive(Args, Clone)]
struct RunTrialsArgs {
    /// Trials trained at once on this machine; 0 creates or updates the study and trains nothing here (for
    /// workers started elsewhere with `tricks search worker`).
    #[arg(long, default_value_t = 1)]
    workers: u32,
    #[arg(long, value_enum, default_value_t = BackendArg::Ndarray)]
    backend: BackendArg,
    /// No progress bar; one line per trial.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
struct WorkerArgs {
    /// The study folder.
    dir: PathBuf,
    /// The PostgreSQL database holding the study, as given to `tricks search`.
    #[arg(long, value_name = "URL")]
    storage: Option<String>,
    #[command(flatten)]
    run: RunTrialsArgs,
}

#[derive(Args)]
struct ReportArgs {
    /// The study folder.
    dir: PathBuf,
    /// The PostgreSQL database holding the study, as given to `tricks search`.
    #[arg(long, value_name = "URL")]
    storage: Option<String>,
    /// Re-run the best K settings in full (without the trial-only values) over --seeds seeds.
    #[arg(long, value_name = "K")]
    r#final: Option<usize>,
    /// Seeds per final setting (p.15: 5 to 10).
    #[arg(long, default_value_t = 5)]
    seeds: usize,
    /// Another study to draw beside this one in `compare.png` (best-in-N curves, as random against grid).
    #[arg(long, value_name = "DIR")]
    compare: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = BackendArg::Ndarray)]
    backend: BackendArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum StrategyArg {
    Random,
    Grid,
    Coordinate,
    Multires,
    /// The chapter's stages: ε0 (constant schedule), the schedule, the others, ε0 refined, B, B and ε0.
    Staged,
    /// Algorithm 1 for a stack recipe: level by level, keeping the --k best by their linear probe, then fine-tuning.
    Layerwise,
}

/// `tricks search …`.
pub fn search(args: SearchArgs) -> Result<()> {
    match args.command {
        Some(SearchCommand::Worker(w)) => {
            let location = StudyLocation { study: Some(w.dir), storage: w.storage };
            let config = connect(&location)?.config()?;
            serve(&location, &config, &w.run)
        }
        Some(SearchCommand::Report(r)) => report(r),
        None => start(args.study),
    }
}

/// A connection to the study's storage; a study folder without its SQLite file is refused (a new study
/// creates its folder first, [`create_folder`]).
fn connect(location: &StudyLocation) -> Result<Box<dyn Store>> {
    let dir = location.study.as_deref().context("name the study folder with --study DIR")?;
    Ok(match &location.storage {
        Some(url) => Box::new(tricks_search::Postgres::connect(url, &study_name(dir))?),
        None if !dir.join(STUDY_DB).is_file() => {
            bail!("{}: no study here (no {STUDY_DB}); start one with `tricks search --space FILE --study DIR`", dir.display())
        }
        None => Box::new(Sqlite::open(&dir.join(STUDY_DB))?),
    })
}

/// The study folder and its `trials/` folder.
fn create_folder(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir.join(TRIALS)).with_context(|| format!("creating {}", dir.display()))
}

/// A study's name in a shared database: its folder's name.
fn study_name(dir: &Path) -> String {
    dir.file_name().map_or_else(|| "study".into(), |n| n.to_string_lossy().into_owned())
}

/// `tricks search --space FILE …` (new, or the same command again to continue) and `--resume DIR`.
fn start(args: NewStudyArgs) -> Result<()> {
    let location = StudyLocation { study: args.resume.clone().or(args.location.study.clone()), storage: args.location.storage.clone() };
    let dir = location.study.clone().context("name the study folder with --study DIR")?;
    let config = match &args.resume {
        Some(_) => {
            let mut store = connect(&location)?;
            let stored = store.config()?;
            store.open(&StudyConfig { budget: args.trials.unwrap_or(stored.budget), extend: args.extend || stored.extend, ..stored })?
        }
        None => {
            // Everything is checked before the study is created.
            let given = new_study(&args, study_name(&dir))?;
            create_folder(&dir)?;
            if location.storage.is_none() {
                Sqlite::open(&dir.join(STUDY_DB))?; // creates the file
            }
            connect(&location)?.open(&given)?
        }
    };
    serve(&location, &config, &args.run)?;
    let (config, trials) = load(&location)?;
    summarise(&config, &trials);
    say!("study folder: {} (pictures and page: tricks search report {})", dir.display(), dir.display());
    Ok(())
}

/// The study the flags describe, checked: the space against the base recipe.
fn new_study(args: &NewStudyArgs, name: String) -> Result<StudyConfig> {
    let space = Space::read(args.space.as_deref().expect("clap requires --space without --resume"))?;
    let base: tricks_core::Recipe = crate::commands::resolved(&args.recipe)?.into();
    space.check(&base)?;
    let strategy = match args.strategy {
        StrategyArg::Random => Strategy::Random,
        StrategyArg::Grid => Strategy::Grid { k: args.k },
        StrategyArg::Coordinate => Strategy::Coordinate { k: args.k },
        StrategyArg::Multires => Strategy::Multires { rounds: args.rounds },
        StrategyArg::Staged => Strategy::Staged,
        StrategyArg::Layerwise => match &base.model {
            tricks_core::Model::Stack(stack) => Strategy::Layerwise { levels: stack.layers.len(), keep: args.k },
            _ => bail!("--strategy layerwise searches a stack recipe (--recipe sda or dbn, or a stack of your own); `{}` is not one", base.name),
        },
    };
    let budget = args.trials.unwrap_or(DEFAULT_TRIALS);
    if let Some(size) = strategy.size(&space).filter(|&size| size < budget) {
        eprintln!("note: the grid has {size} settings; the study ends after them");
    }
    let DataArgs { data, label_column, header } = &args.data;
    let header = header.to_possible_value().map(|v| v.get_name().to_string());
    let trainer = json!({ "data": data, "label_column": label_column, "header": header });
    Ok(StudyConfig { name, space, base, strategy, budget, seed: args.seed, extend: args.extend, trainer, extensions: Vec::new() })
}

/// Train the study's trials with `run.workers` workers on this machine until it is done.
fn serve(location: &StudyLocation, config: &StudyConfig, run: &RunTrialsArgs) -> Result<()> {
    let dir = location.study.as_deref().context("name the study folder")?;
    let trials = connect(location)?.trials()?;
    create_folder(dir)?; // a worker's first trial on a machine that shares the study through PostgreSQL
    let bar = if run.quiet || run.workers == 0 { ProgressBar::hidden() } else { ProgressBar::new(config.budget) };
    bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} trials · {per_sec} · ETA {eta} · {msg}").expect("a valid template"));
    bar.set_position(trials.iter().filter(|t| matches!(t.state, TrialState::Finished | TrialState::Failed)).count() as u64);
    let best = std::sync::Mutex::new(scored(&trials).iter().map(|s| s.score).fold(f64::INFINITY, f64::min));
    let stores = (0..run.workers).map(|_| connect(location)).collect::<Result<Vec<_>>>()?;
    std::thread::scope(|scope| -> Result<()> {
        let workers: Vec<_> = stores
            .into_iter()
            .enumerate()
            .map(|(slot, mut store)| {
                let (bar, best) = (&bar, &best);
                scope.spawn(move || -> Result<usize> {
                    let mut train = |trial: &Trial, recipe: &tricks_core::CheckedRecipe| train_trial(dir, config, trial, recipe, run.backend);
                    let mut events = |event: Event| {
                        let line = match event {
                            Event::Started(_) => return,
                            Event::Ended(trial, Outcome::Finished { score, seconds }) => {
                                let mut best = best.lock().expect("never poisoned: nothing panics while holding it");
                                *best = best.min(*score);
                                bar.set_message(format!("best valid {:.4}", *best));
                                format!("trial {:>4}: valid {score:.4} in {seconds:.0} s · {}", trial.number, setting(&trial.assignment))
                            }
                            Event::Ended(trial, Outcome::Failed { reason }) => format!("trial {:>4}: failed: {reason}", trial.number),
                            Event::Lost(trial) => format!("trial {:>4}: its lease ran out while training; another worker has it", trial.number),
                        };
                        if matches!(event, Event::Ended(..)) {
                            bar.inc(1);
                        }
                        if run.quiet { say!("{line}") } else { bar.println(line) }
                    };
                    Ok(work(store.as_mut(), &WorkerId::here(slot as u32), WorkerOptions::default(), &mut train, &mut events)?)
                })
            })
            .collect();
        for worker in workers {
            worker.join().map_err(|_| anyhow::anyhow!("a worker thread panicked"))??;
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    Ok(())
}

/// A setting in one line: `optimiser.learning_rate=0.03 model.hidden.0=500`.
fn setting(assignment: &Assignment) -> String {
    assignment.iter().map(|(p, v)| format!("{p}={}", short(v))).collect::<Vec<_>>().join(" ")
}

/// A value for reading: fractions as [`number`] writes them, the rest as JSON. The stored value keeps
/// every digit.
fn short(value: &Value) -> String {
    match value.as_f64() {
        Some(x) if value.is_f64() => number(x),
        _ => value.to_string(),
    }
}

/// `x` to 4 decimals (`0.2279`), or to 4 significant digits in scientific notation below 0.01 or from 1e5
/// (`3.783e-3`).
fn number(x: f64) -> String {
    if x != 0.0 && !(1e-2..1e5).contains(&x.abs()) { format!("{x:.3e}") } else { format!("{}", (x * 1e4).round() / 1e4) }
}

/// Train one trial as a `tricks train --no-test` process in `trials/NNNN` (resumed when a killed attempt left
/// it unfinished, read back when an attempt finished it) and score it by its validation error.
fn train_trial(dir: &Path, config: &StudyConfig, trial: &Trial, recipe: &tricks_core::CheckedRecipe, backend: BackendArg) -> Outcome {
    let run_dir = dir.join(TRIALS).join(format!("{:04}", trial.number));
    let level = config.strategy.probe_level(trial.number, config.budget);
    let recipe_file = dir.join(TRIALS).join(format!("{:04}.recipe.json", trial.number));
    let backend = backend_name(backend);
    let mut args: Vec<String> = vec!["train".into()];
    match run_state(&run_dir) {
        RunState::Finished => return outcome_of(&run_dir, level),
        RunState::Unfinished => args.extend(["--resume".into(), run_dir.display().to_string()]),
        RunState::NotARun => {
            if run_dir.exists() {
                // An attempt killed before its run directory held anything to resume.
                if let Err(e) = std::fs::remove_dir_all(&run_dir) {
                    return Outcome::Failed { reason: format!("clearing {}: {e}", run_dir.display()) };
                }
            }
            let recipe = match level {
                Some(level) => match up_to_level(recipe, level) {
                    Ok(r) => r,
                    Err(e) => return Outcome::Failed { reason: e.to_string() },
                },
                None => recipe.clone(),
            };
            if let Err(e) = write_json(&recipe_file, &recipe) {
                return Outcome::Failed { reason: e.to_string() };
            }
            args.extend(["--recipe".into(), recipe_file.display().to_string(), "--out".into(), run_dir.display().to_string(), "--no-test".into()]);
            if matches!(config.strategy, Strategy::Layerwise { .. }) {
                args.extend(["--levels-from".into(), dir.join(TRIALS).display().to_string()]);
            }
            args.extend(data_flags(&config.trainer));
        }
    }
    args.extend(["--backend".into(), backend, "--quiet".into()]);
    let output =
        std::env::current_exe().and_then(|exe| Command::new(exe).args(&args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).output());
    match output {
        Err(e) => Outcome::Failed { reason: format!("starting tricks train: {e}") },
        Ok(out) if out.status.success() => outcome_of(&run_dir, level),
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim_start_matches("error: ").to_string();
            Outcome::Failed { reason: if last.is_empty() { format!("tricks train ended with {}", out.status) } else { last } }
        }
    }
}

/// The `tricks train` flags of the study's data.
fn data_flags(trainer: &Value) -> Vec<String> {
    let mut flags = Vec::new();
    for (key, flag) in [("data", "--data"), ("label_column", "--label-column"), ("header", "--header")] {
        if let Some(v) = trainer.get(key).and_then(Value::as_str) {
            flags.extend([flag.to_string(), v.to_string()]);
        }
    }
    flags
}

/// A layer-wise trial's recipe: the stack's levels up to `level` only, and a single fine-tuning epoch
/// (the trial is scored by the level's linear probe, before fine-tuning).
fn up_to_level(recipe: &tricks_core::CheckedRecipe, level: usize) -> Result<tricks_core::CheckedRecipe, tricks_core::RecipeError> {
    recipe.edited(|r| {
        if let tricks_core::Model::Stack(stack) = &mut r.model {
            stack.layers.truncate(level);
        }
        r.stopping = tricks_core::Stopping::off(1);
    })
}

/// A finished trial's outcome from its run directory: its validation score (never the test score), or for
/// a layer-wise trial of level `level`, that level's linear-probe validation error.
fn outcome_of(run_dir: &Path, level: Option<usize>) -> Outcome {
    match read_json::<Report>(&run_dir.join(files::REPORT)) {
        Ok(report) => match level.map_or(report.selection_score(), |l| report.levels.get(l - 1).map(|r| r.probe_valid_error)) {
            Some(score) => Outcome::Finished { score, seconds: report.seconds },
            None => Outcome::Failed { reason: "the run has no validation score".into() },
        },
        Err(e) => Outcome::Failed { reason: e.to_string() },
    }
}

/// Counts, the best trials, and the notes, on the terminal.
fn summarise(config: &StudyConfig, trials: &[Trial]) {
    say!("{}", headline(config, trials));
    for s in ranked(config, trials).iter().take(TOP) {
        say!("  trial {:>4}  valid {:>8.4}  {}", s.number, s.score, setting(&s.assignment));
    }
    for note in notes(config, trials) {
        say!("  note: {note}");
    }
}

/// One line: the study's name, strategy and counts.
fn headline(config: &StudyConfig, trials: &[Trial]) -> String {
    let t = Tally::of(trials);
    format!(
        "study `{}` ({}): {} of {} trials · {} finished · {} failed · {} running · {} queued",
        config.name,
        strategy_name(&config.strategy),
        trials.len(),
        config.budget,
        t.finished,
        t.failed,
        t.running,
        t.queued
    )
}

/// The finished trials a study selects from, best first: all of them, or a layer-wise study's fine-tuning
/// trials.
fn ranked(config: &StudyConfig, trials: &[Trial]) -> Vec<tricks_search::Scored> {
    let mut done = selectable(config, trials);
    done.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.number.cmp(&b.number)));
    done
}

/// Widenings, border warnings and the first failures, in words.
fn notes(config: &StudyConfig, trials: &[Trial]) -> Vec<String> {
    let widened = config.extensions.iter().map(|e| {
        format!(
            "widened `{}` after {} trials: [{}, {}] → [{}, {}]",
            e.path,
            e.after,
            number(e.from.low),
            number(e.from.high),
            number(e.to.low),
            number(e.to.high)
        )
    });
    let failed =
        trials.iter().filter(|t| t.state == TrialState::Failed).take(5).map(|t| format!("trial {} failed: {}", t.number, t.reason.as_deref().unwrap_or("?")));
    widened.chain(border_notes(config, trials)).chain(failed).collect()
}

/// "The best value of X lies at the border of its range" lines (p.17).
fn border_notes(config: &StudyConfig, trials: &[Trial]) -> Vec<String> {
    borders(&config.current_space(), &scored(trials))
        .into_iter()
        .map(|b| {
            let end = if b.side == Side::Low { "low" } else { "high" };
            let advice = match (&b.widened, config.extend) {
                (None, _) => "the field allows nothing beyond it".to_string(),
                (Some(_), true) => "--extend widens it as the study goes on".to_string(),
                (Some(w), false) => format!("widen it (to [{}, {}]) or continue with --extend", number(w.low), number(w.high)),
            };
            format!("the best `{}` = {} lies at the {end} border of its range: {advice}", b.path, number(b.value))
        })
        .collect()
}

/// The study's configuration and trials.
fn load(location: &StudyLocation) -> Result<(StudyConfig, Vec<Trial>)> {
    let mut store = connect(location)?;
    Ok((store.config()?, store.trials()?))
}

/// `tricks search report DIR`.
fn report(args: ReportArgs) -> Result<()> {
    let location = StudyLocation { study: Some(args.dir.clone()), storage: args.storage.clone() };
    let (config, trials) = load(&location)?;
    summarise(&config, &trials);
    let out = args.dir.join(REPORT_DIR);
    std::fs::create_dir_all(&out)?;
    let scores = finished_scores(&config, &trials);
    chart(&out.join("best_in_n.png"), &best_in_n_chart(&config, &scores))?;
    chart(&out.join("history.png"), &history_chart(&trials))?;
    for param in config.current_space().params.iter().filter(|p| !matches!(p.domain, Domain::Fixed { .. })) {
        let name = format!("param-{}.png", param.path.replace('.', "_"));
        chart(&out.join(name), &param_chart(param, &trials))?;
    }
    if !args.compare.is_empty() {
        let mut lines = vec![best_in_n_line(&config, &scores)];
        for other in &args.compare {
            let (c, t) = load(&StudyLocation { study: Some(other.clone()), storage: args.storage.clone() })?;
            lines.push(best_in_n_line(&c, &finished_scores(&c, &t)));
        }
        let compare = Chart {
            title: "Expected best validation error among N trials".into(),
            x_label: "trials N".into(),
            y_label: "validation error".into(),
            log_x: true,
            lines,
            ..Chart::default()
        };
        chart(&out.join("compare.png"), &compare)?;
    }
    let page = search_page(&config, &trials, &out)?;
    say!("report: {}", tricks_report::write_search_page(&out.join("search.html"), &page)?.display());
    if let Some(k) = args.r#final {
        final_runs(&args.dir, &config, &trials, k, args.seeds, args.backend)?;
    }
    Ok(())
}

/// The page of the study: the top trials, the notes and every picture in `out`.
fn search_page(config: &StudyConfig, trials: &[Trial], out: &Path) -> Result<SearchPage> {
    let paths: Vec<String> = config.current_space().params.iter().filter(|p| !matches!(p.domain, Domain::Fixed { .. })).map(|p| p.path.clone()).collect();
    let header = ["rank", "trial", "validation error"].into_iter().map(String::from).chain(paths.iter().cloned()).collect();
    let rows = ranked(config, trials)
        .iter()
        .take(TOP)
        .enumerate()
        .map(|(rank, s)| {
            let values = paths.iter().map(|p| s.assignment.get(p).map_or_else(|| "—".to_string(), short));
            [(rank + 1).to_string(), s.number.to_string(), format!("{:.4}", s.score)].into_iter().chain(values).collect()
        })
        .collect();
    let mut pictures: Vec<PathBuf> =
        std::fs::read_dir(out)?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "png")).collect();
    let order = |p: &PathBuf| ["best_in_n.png", "compare.png", "history.png"].iter().position(|n| p.ends_with(n)).unwrap_or(3);
    pictures.sort_by(|a, b| order(a).cmp(&order(b)).then(a.cmp(b)));
    Ok(SearchPage { title: format!("tricks search {}", config.name), subtitle: headline(config, trials), header, rows, notes: notes(config, trials), pictures })
}

/// The finished trials scored by their validation error (not a layer-wise study's probes), in trial order.
fn selectable(config: &StudyConfig, trials: &[Trial]) -> Vec<tricks_search::Scored> {
    scored(trials).into_iter().filter(|s| config.strategy.probe_level(s.number, config.budget).is_none()).collect()
}

/// The validation scores of the selectable trials, in trial order.
fn finished_scores(config: &StudyConfig, trials: &[Trial]) -> Vec<f64> {
    selectable(config, trials).iter().map(|s| s.score).collect()
}

/// The `--backend` word of `backend`, for the `tricks train` processes.
fn backend_name(backend: BackendArg) -> String {
    backend.to_possible_value().expect("every backend has a name").get_name().to_string()
}

/// The best-in-N curve of a study, labelled with its strategy and name; its band, mean ± std, is cut at the
/// study's best score, below which no subset's best can lie.
fn best_in_n_line(config: &StudyConfig, scores: &[f64]) -> Line {
    let curve = best_in_n(scores);
    let floor = scores.iter().copied().fold(f64::INFINITY, f64::min);
    let label = format!("{} ({})", strategy_name(&config.strategy), config.name);
    let band = curve.iter().map(|&(n, m, s)| (n as f64, (m - s).max(floor), m + s)).collect();
    Line { label, points: curve.iter().map(|&(n, m, _)| (n as f64, m)).collect(), band }
}

fn strategy_name(strategy: &Strategy) -> String {
    match strategy {
        Strategy::Random => "random".into(),
        Strategy::Grid { k } => format!("grid, k = {k}"),
        Strategy::Coordinate { k } => format!("coordinate, k = {k}"),
        Strategy::Multires { rounds } => format!("multires, {rounds} rounds"),
        Strategy::Staged => "staged".into(),
        Strategy::Layerwise { levels, keep } => format!("layer-wise, {levels} levels, {keep} kept"),
    }
}

/// Expected best validation error among N trials, mean ± std, with box plots of disjoint subsets
/// (Bergstra & Bengio 2012, fig. 5).
fn best_in_n_chart(config: &StudyConfig, scores: &[f64]) -> Chart {
    let sizes = std::iter::successors(Some(1usize), |n| Some(n * 2)).take_while(|n| *n <= scores.len());
    let boxes = sizes.map(|n| BoxAt { x: n as f64, values: disjoint_minima(scores, n) }).collect();
    Chart {
        title: "Best validation error among N trials".into(),
        x_label: "trials N".into(),
        y_label: "validation error".into(),
        log_x: true,
        lines: vec![best_in_n_line(config, scores)],
        boxes,
        ..Chart::default()
    }
}

/// Each trial's validation error in trial order, and the best so far.
fn history_chart(trials: &[Trial]) -> Chart {
    let points: Vec<(f64, f64)> = scored(trials).iter().map(|s| (s.number as f64, s.score)).collect();
    let mut best = f64::INFINITY;
    let best_so_far = points.iter().map(|&(x, y)| {
        best = best.min(y);
        (x, best)
    });
    Chart {
        title: "Optimisation history".into(),
        x_label: "trial".into(),
        y_label: "validation error".into(),
        dots: vec![Dots { label: "trial".into(), points: points.clone() }],
        lines: vec![Line { label: "best so far".into(), points: best_so_far.collect(), band: Vec::new() }],
        ..Chart::default()
    }
}

/// Validation error against one hyper-parameter (a choice by its index), log axis for a log range.
fn param_chart(param: &tricks_search::Param, trials: &[Trial]) -> Chart {
    let (log_x, choices) = match &param.domain {
        Domain::Range(n) => (n.log, None),
        Domain::Choice { values } => (false, Some(values)),
        Domain::Fixed { .. } => (false, None),
    };
    let x_of = |v: &Value| match choices {
        Some(values) => values.iter().position(|c| c == v).map(|i| i as f64),
        None => v.as_f64(),
    };
    let points = scored(trials).iter().filter_map(|s| Some((x_of(s.assignment.get(&param.path)?)?, s.score))).collect();
    let x_label = match choices {
        Some(values) => format!("{} ({})", param.path, values.iter().enumerate().map(|(i, v)| format!("{i} = {v}")).collect::<Vec<_>>().join(", ")),
        None => param.path.clone(),
    };
    Chart {
        title: format!("Validation error against {}", param.path),
        x_label,
        y_label: "validation error".into(),
        log_x,
        dots: vec![Dots { label: String::new(), points }],
        ..Chart::default()
    }
}

/// `--final K --seeds S`: the best K settings in full (no trial-only values) over S seeds each, as
/// `tricks train --seeds S` in `final/NNNN` (a rerun keeps the finished seeds).
fn final_runs(dir: &Path, config: &StudyConfig, trials: &[Trial], k: usize, seeds: usize, backend: BackendArg) -> Result<()> {
    let done = ranked(config, trials);
    if done.is_empty() {
        bail!("no finished trial to re-run");
    }
    let space = config.current_space();
    let backend = backend_name(backend);
    for best in done.iter().take(k) {
        let out = dir.join(FINAL).join(format!("{:04}", best.number));
        let recipe_file = dir.join(FINAL).join(format!("{:04}.recipe.json", best.number));
        std::fs::create_dir_all(dir.join(FINAL))?;
        write_json(&recipe_file, &space.final_recipe(&config.base, &best.assignment)?)?;
        let mut args: Vec<String> = vec!["train".into(), "--recipe".into(), recipe_file.display().to_string(), "--seeds".into(), seeds.to_string()];
        args.extend(["--out".into(), out.display().to_string(), "--backend".into(), backend.clone()]);
        args.extend(data_flags(&config.trainer));
        say!("final runs of trial {} ({}) over {seeds} seeds:", best.number, setting(&best.assignment));
        let status = Command::new(std::env::current_exe()?).args(&args).stdin(Stdio::null()).status().context("starting tricks train")?;
        if !status.success() {
            bail!("the final runs of trial {} failed ({status})", best.number);
        }
        let summary: SeedsReport = read_json(&out.join(files::SEEDS))?;
        say!("trial {}: test {:.2} ± {:.2} over {} seeds", best.number, summary.test_mean, summary.test_std, summary.runs.len());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_print_short_but_whole_numbers_and_lists_as_they_are() {
        assert_eq!(number(0.00378326631154), "3.783e-3");
        assert_eq!(number(0.227870494443), "0.2279");
        assert_eq!(number(1e-6), "1.000e-6");
        assert_eq!(number(0.0), "0");
        assert_eq!(short(&json!(512)), "512");
        assert_eq!(short(&json!([500, 500])), "[500,500]");
        assert_eq!(short(&json!(0.0000558421672798)), "5.584e-5");
    }
}
