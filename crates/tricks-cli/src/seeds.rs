//! `tricks train --seeds N`: one recipe trained with N seeds, each in its own run directory `OUT/seed-S`,
//! summarised as the mean ± standard deviation of the test score in `OUT/seeds.json` (chapter p.15: one
//! seed's luck can be larger than the difference between two recipes). Rerunning the command continues:
//! finished seeds are read back, an unfinished one (killed) is resumed, the others are trained.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;
use tricks_core::{CheckedRecipe, Recipe};
use tricks_data::DataSource;
use tricks_run::{Report, RunInfo, RunState, SeedRun, SeedsReport, TestScore, files, read_json, run_state, write_json};
use tricks_train::RunOptions;

use crate::BackendArg;
use crate::backend::dispatch;
use crate::commands::{ResumeJob, TrainJob};

/// What begins the name of each seed's run directory, before the seed.
const SEED_PREFIX: &str = "seed-";

/// The run directory of seed `seed` inside the folder of seeds `out`.
pub(crate) fn seed_dir(out: &Path, seed: u64) -> PathBuf {
    out.join(format!("{SEED_PREFIX}{seed}"))
}

/// The folders `seed-S` in the folder of seeds `out`, by seed.
pub(crate) fn seed_dirs(out: &Path) -> std::io::Result<Vec<(u64, PathBuf)>> {
    let mut dirs: Vec<(u64, PathBuf)> =
        std::fs::read_dir(out)?.flatten().filter_map(|e| Some((e.file_name().to_str()?.strip_prefix(SEED_PREFIX)?.parse().ok()?, e.path()))).collect();
    dirs.sort();
    Ok(dirs)
}

/// Train `recipe` on `data` with the seeds `recipe.seed`, `recipe.seed + 1`, … (`count` of them) in
/// `out/seed-S`, keeping finished seeds and resuming unfinished ones; then write `out/seeds.json` and print
/// each seed's score and their mean ± standard deviation. Refuses a folder whose seeds were made by another
/// recipe or trained on other data, and a folder that is itself a run directory.
pub fn train_seeds(
    recipe: CheckedRecipe,
    data: DataSource,
    out: PathBuf,
    count: usize,
    backend: BackendArg,
    tsne_layer: Option<usize>,
    quiet: bool,
) -> Result<()> {
    if run_state(&out) != RunState::NotARun {
        bail!("{}: this is a run directory; --seeds needs a folder to hold one run per seed (seed-S): choose another --out", out.display());
    }
    let first = recipe.seed;
    let seeds: Vec<u64> =
        (0..count as u64).map(|i| first.checked_add(i)).collect::<Option<_>>().with_context(|| format!("seeds {first} + {count} overflow"))?;
    check_folder(&out, &recipe, &data)?;
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let mut runs = Vec::with_capacity(seeds.len());
    let mut measure = None;
    for (i, &seed) in seeds.iter().enumerate() {
        let dir = seed_dir(&out, seed);
        let (report, how) = match run_state(&dir) {
            RunState::Finished => (read_json::<Report>(&dir.join(files::REPORT))?, " (kept: finished before)"),
            RunState::Unfinished => {
                if !quiet {
                    eprintln!("seed {seed} ({} of {count}): resuming {}", i + 1, dir.display());
                }
                (dispatch(backend, ResumeJob { run: dir.clone(), data: data.clone(), tsne_layer, quiet })?, " (resumed)")
            }
            RunState::NotARun => {
                if !quiet {
                    eprintln!("seed {seed} ({} of {count}): training {}", i + 1, dir.display());
                }
                let recipe = recipe.edited(|r| r.seed = seed)?;
                let options = RunOptions { out: dir.clone(), command: command.clone(), tsne_layer, ..Default::default() };
                (dispatch(backend, TrainJob { recipe, data: data.clone(), options, quiet })?, "")
            }
        };
        let score = report.test_score().with_context(|| format!("{}: the run has no test score", dir.display()))?;
        measure.get_or_insert(score);
        say!("seed {seed}: {score} · {}{how} · {}", report.valid_score(), dir.display());
        runs.push(SeedRun { seed, run_dir: dir, test: score.value(), valid: report.selection_score() });
    }
    let summary = SeedsReport::new(runs);
    write_json(&out.join(files::SEEDS), &summary)?;
    let n = summary.runs.len();
    let (mean, std) = (summary.test_mean, summary.test_std);
    let line = match measure {
        Some(TestScore::ReconstructionError(_)) => {
            let valid = summary.valid_mean.map_or_else(String::new, |v| format!(" (valid reconstruction error {v:.4})"));
            format!("test reconstruction error {mean:.4} ± {std:.4} over {n} seeds{valid}")
        }
        _ => {
            let valid = summary.valid_mean.map_or_else(String::new, |v| format!(" (valid error {v:.2} %)"));
            format!("test accuracy {mean:.2} ± {std:.2} % over {n} seeds{valid}")
        }
    };
    say!("{line}");
    say!("seeds: {}", out.join(files::SEEDS).display());
    Ok(())
}

/// Refuse `out` when a seed folder in it was made by a recipe other than `recipe` (its seed aside), holds a
/// seed other than its name says, or was trained on data other than `data`.
fn check_folder(out: &Path, recipe: &CheckedRecipe, data: &DataSource) -> Result<()> {
    let Ok(dirs) = seed_dirs(out) else {
        return Ok(()); // a new folder
    };
    let asked = without_seed(serde_json::to_value(recipe)?);
    for (seed, dir) in dirs.into_iter().filter(|(_, dir)| dir.join(files::RECIPE).is_file()) {
        let saved: Recipe = read_json(&dir.join(files::RECIPE))?;
        let mut differences = Vec::new();
        diff(&asked, &without_seed(serde_json::to_value(&saved)?), "", &mut differences);
        if !differences.is_empty() {
            let shown = differences.iter().take(4).cloned().collect::<Vec<_>>().join("; ");
            let more = if differences.len() > 4 { format!("; and {} more", differences.len() - 4) } else { String::new() };
            bail!(
                "{}: this folder of seeds was made by another recipe ({}: {shown}{more}); rerun with the recipe it was made by, or \
                 choose another --out",
                out.display(),
                dir.display()
            );
        }
        if saved.seed != seed {
            bail!("{}: its recipe has seed {}, not the {seed} of its name; choose another --out", dir.display(), saved.seed);
        }
        let run = dir.join(files::RUN);
        if run.is_file() {
            let info: RunInfo = read_json(&run)?;
            if info.source != *data {
                bail!("{}: this seed was trained on other data ({}); rerun with its --data, or choose another --out", dir.display(), info.data.source);
            }
        }
    }
    Ok(())
}

/// A serialised recipe without its seed.
fn without_seed(mut recipe: Value) -> Value {
    if let Some(fields) = recipe.as_object_mut() {
        fields.remove("seed");
    }
    recipe
}

/// The dotted paths where `asked` and `saved` differ, with both values, into `out`.
fn diff(asked: &Value, saved: &Value, path: &str, out: &mut Vec<String>) {
    match (asked, saved) {
        (Value::Object(a), Value::Object(s)) => {
            for key in a.keys().chain(s.keys().filter(|k| !a.contains_key(*k))) {
                let at = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                diff(a.get(key).unwrap_or(&Value::Null), s.get(key).unwrap_or(&Value::Null), &at, out);
            }
        }
        _ if asked != saved => out.push(format!("{path} is {saved} there, {asked} asked")),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_named_by_their_dotted_path() {
        let asked = serde_json::json!({"name": "mlp", "optimiser": {"learning_rate": 0.05, "batch_size": 32}, "model": {"hidden": [16]}});
        let saved = serde_json::json!({"name": "mlp", "optimiser": {"learning_rate": 0.1, "batch_size": 32}, "model": {"hidden": [16]}, "extra": 1});
        let mut out = Vec::new();
        diff(&asked, &saved, "", &mut out);
        assert_eq!(out, vec!["optimiser.learning_rate is 0.1 there, 0.05 asked".to_string(), "extra is 1 there, null asked".to_string()]);
        assert_eq!(without_seed(serde_json::json!({"seed": 3, "name": "mlp"})), serde_json::json!({"name": "mlp"}));
    }
}
