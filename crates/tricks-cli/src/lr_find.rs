//! `tricks lr-find`: the chapter's heuristic for the initial learning rate (p.5, p.8-9). Start large;
//! while training diverges, divide ε0 by 3; the largest ε0 that does not diverge is the largest stable
//! rate, and the best rate usually lies within a factor of 2 below it. Each try is a short run of its own
//! (`--epochs`, no restart after divergence) in `OUT/eps-N/`; the tries are drawn in `OUT/lr_find.png`.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;
use serde_json::json;
use tricks_core::defaults::DIVERGENCE_LR_DIVISOR;
use tricks_plot::{Chart, Dots, chart};
use tricks_run::write_json;
use tricks_train::{RunOptions, TrainError};

use crate::backend::dispatch;
use crate::commands::{TrainJob, data_source, resolved};
use crate::{BackendArg, DataArgs, RecipeArgs};

/// The ε0 a search for the largest stable rate starts from (ours: the chapter's "large", just inside the
/// allowed (0, 10)).
pub const START: f64 = 9.0;

/// The best ε0 usually lies within this factor below the largest stable one (p.8-9).
pub const STABLE_FACTOR: f64 = 2.0;

#[derive(Args)]
pub struct LrFindArgs {
    #[command(flatten)]
    recipe: RecipeArgs,
    #[command(flatten)]
    data: DataArgs,
    /// First ε0 tried.
    #[arg(long, default_value_t = START)]
    start: f64,
    /// Epochs of each try.
    #[arg(long, default_value_t = 2)]
    epochs: usize,
    /// Tries below the largest stable ε0, each 3 times smaller, to draw the curve.
    #[arg(long, default_value_t = 2)]
    below: usize,
    /// Most tries in all.
    #[arg(long, default_value_t = 12)]
    max_tries: usize,
    /// Folder of the tries and the plot.
    #[arg(long, default_value = "runs/lr-find")]
    out: PathBuf,
    #[arg(long, value_enum, default_value_t = BackendArg::Ndarray)]
    backend: BackendArg,
}

/// One ε0 tried.
struct Try {
    learning_rate: f64,
    /// Validation score of the kept model; `None` when training diverged.
    valid: Option<f64>,
    run_dir: Option<PathBuf>,
}

/// `tricks lr-find`.
pub fn lr_find(args: LrFindArgs) -> Result<()> {
    if !(args.start > 0.0 && args.start.is_finite()) {
        bail!("--start must be a positive learning rate, not {}", args.start);
    }
    let base = resolved(&args.recipe)?;
    let base = base.edited(|r| {
        r.divergence.max_retries = 0;
        r.stopping = tricks_core::Stopping::off(args.epochs);
    })?;
    let DataArgs { data, label_column, header } = &args.data;
    let source = data_source(data, label_column.as_deref(), *header)?;
    let mut tries: Vec<Try> = Vec::new();
    let mut rate = args.start;
    let mut stable = None;
    while tries.len() < args.max_tries && tries.iter().filter(|t| t.valid.is_some()).count() <= args.below {
        let recipe = base.edited(|r| r.optimiser.learning_rate = rate)?;
        let out = args.out.join(format!("eps-{}", tries.len()));
        let options = RunOptions { out, command: std::env::args().collect::<Vec<_>>().join(" "), without_test: true, ..Default::default() };
        match dispatch(args.backend, TrainJob { recipe, data: source.clone(), options, quiet: true }) {
            Ok(report) => {
                let valid = report.selection_score();
                say!("ε0 = {rate:.3e}: stable · {}", report.valid_score());
                stable.get_or_insert(rate);
                tries.push(Try { learning_rate: rate, valid, run_dir: Some(report.run_dir) });
            }
            Err(e) if matches!(e.downcast_ref::<TrainError>(), Some(TrainError::Diverged { .. })) => {
                say!("ε0 = {rate:.3e}: diverged");
                tries.push(Try { learning_rate: rate, valid: None, run_dir: None });
            }
            Err(e) => return Err(e),
        }
        rate /= DIVERGENCE_LR_DIVISOR;
    }
    let Some(stable) = stable else { bail!("every ε0 down to {:.3e} diverged; check the data and the recipe", rate * DIVERGENCE_LR_DIVISOR) };
    let top = tries.iter().filter_map(|t| t.valid).fold(0.0, f64::max);
    let stable_dots = tries.iter().filter_map(|t| Some((t.learning_rate, t.valid?))).collect();
    let diverged_dots = tries.iter().filter(|t| t.valid.is_none()).map(|t| (t.learning_rate, top)).collect();
    let picture = Chart {
        title: format!("Largest stable ε0 = {stable:.2e}; try [{:.2e}, {stable:.2e}] (p.8-9)", stable / STABLE_FACTOR),
        x_label: "initial learning rate ε0".into(),
        y_label: format!("validation error after {} epochs", args.epochs),
        log_x: true,
        dots: vec![Dots { label: "stable".into(), points: stable_dots }, Dots { label: "diverged (drawn at the top)".into(), points: diverged_dots }],
        ..Chart::default()
    };
    chart(&args.out.join("lr_find.png"), &picture)?;
    write_json(
        &args.out.join("lr_find.json"),
        &json!({ "largest_stable": stable, "range": [stable / STABLE_FACTOR, stable], "tries": tries.iter().map(|t| json!({ "learning_rate": t.learning_rate, "valid": t.valid, "run_dir": t.run_dir })).collect::<Vec<_>>() }),
    )?;
    if stable == args.start {
        say!("note: the first ε0 tried was already stable; the largest stable one may be larger (--start)");
    }
    say!("largest stable ε0: {stable:.3e}; the best ε0 is usually in [{:.3e}, {stable:.3e}] (chapter p.8-9)", stable / STABLE_FACTOR);
    say!("picture: {}", args.out.join("lr_find.png").display());
    Ok(())
}
