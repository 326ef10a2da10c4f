//! `tricks train --seeds N` on the real binary: one run directory per seed, `seeds.json` with their mean,
//! a rerun that keeps finished seeds and resumes a killed one, and a folder made by another recipe refused.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn tricks(args: &[&str], cwd: &Path, fault: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tricks"));
    command.args(args).current_dir(cwd).env_remove("TRICKS_FAULT");
    if let Some(f) = fault {
        command.env("TRICKS_FAULT", f);
    }
    command.output().expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// Two seeds from seed 3 of a small MLP, two epochs each, on the embedded digits.
fn seeds(out: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["train", "--quiet", "--seeds", "2", "--seed", "3", "--set", "model.hidden=[16]", "--set", r#"stopping={"kind":"off","epochs":2}"#];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", out]);
    args.into_iter().map(String::from).collect()
}

fn run(dir: &Path, args: &[String], fault: Option<&str>) -> Output {
    tricks(&args.iter().map(String::as_str).collect::<Vec<_>>(), dir, fault)
}

#[test]
fn seeds_are_trained_once_summarised_kept_on_a_rerun_and_another_recipe_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("many");
    let first = run(dir.path(), &seeds("many", &[]), None);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("over 2 seeds"), "{}", stdout(&first));

    let summary = json(&out.join("seeds.json"));
    let runs = summary["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    let seed_of = |r: &Value| r["seed"].as_u64().unwrap();
    assert_eq!((seed_of(&runs[0]), seed_of(&runs[1])), (3, 4), "the seeds start at --seed and differ");
    let mut accuracies = Vec::new();
    for r in runs {
        let run_dir = out.join(format!("seed-{}", seed_of(r)));
        assert_eq!(json(&run_dir.join("recipe.json"))["seed"].as_u64(), Some(seed_of(r)), "each run is trained with its seed");
        let accuracy = json(&run_dir.join("report.json"))["test_accuracy"].as_f64().unwrap();
        assert_eq!(r["test"].as_f64(), Some(accuracy));
        accuracies.push(accuracy);
    }
    let mean = (accuracies[0] + accuracies[1]) / 2.0;
    assert!((summary["test_mean"].as_f64().unwrap() - mean).abs() < 1e-9, "{summary}");
    let std = (accuracies[0] - accuracies[1]).abs() / 2f64.sqrt();
    assert!((summary["test_std"].as_f64().unwrap() - std).abs() < 1e-9, "the sample deviation: {summary}");
    assert!(summary["valid_mean"].is_number());

    // The same command again keeps both runs: the same numbers, nothing retrained.
    let report = |seed: u64| {
        let path = out.join(format!("seed-{seed}")).join("report.json");
        (std::fs::read(&path).unwrap(), std::fs::metadata(&path).unwrap().modified().unwrap())
    };
    let before = [report(3), report(4)];
    let again = run(dir.path(), &seeds("many", &[]), None);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(stdout(&again).matches("kept").count(), 2, "{}", stdout(&again));
    assert_eq!(json(&out.join("seeds.json")), summary);
    assert_eq!([report(3), report(4)], before, "a finished seed is read back, not trained again");

    // Another recipe on the same folder is refused, naming what differs; nothing is touched.
    let other = run(dir.path(), &seeds("many", &["--set", "model.hidden=[12]"]), None);
    assert_eq!(other.status.code(), Some(1), "{}", stderr(&other));
    assert!(stderr(&other).contains("another recipe") && stderr(&other).contains("model.hidden"), "{}", stderr(&other));
    assert_eq!(json(&out.join("seeds.json")), summary);
    assert_eq!([report(3), report(4)], before);

    // Killed just before the second seed's report is in place: the rerun keeps the first seed, resumes the
    // second, and ends with the numbers of the uninterrupted command.
    let killed = run(dir.path(), &seeds("killed", &[]), Some("kill-before-rename=report.json:2"));
    assert_eq!(killed.status.signal(), Some(9), "expected SIGKILL; {}", stderr(&killed));
    assert!(dir.path().join("killed/seed-4/UNFINISHED").is_file());
    assert!(!dir.path().join("killed/seeds.json").exists());
    let resumed = run(dir.path(), &seeds("killed", &[]), None);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert!(stdout(&resumed).contains("seed 3") && stdout(&resumed).contains("kept") && stdout(&resumed).contains("resumed"), "{}", stdout(&resumed));
    let resumed = json(&dir.path().join("killed/seeds.json"));
    let numbers = |s: &Value| (s["test_mean"].clone(), s["test_std"].clone(), s["valid_mean"].clone());
    assert_eq!(numbers(&resumed), numbers(&summary));
}

#[test]
fn seeds_refuse_a_run_directory_and_zero_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let one = tricks(&["train", "--quiet", "--set", "model.hidden=[8]", "--set", r#"stopping={"kind":"off","epochs":1}"#, "--out", "one"], dir.path(), None);
    assert!(one.status.success(), "{}", stderr(&one));
    let o = run(dir.path(), &seeds("one", &[]), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("run directory"), "{}", stderr(&o));
    let zero = tricks(&["train", "--quiet", "--seeds", "0"], dir.path(), None);
    assert!(!zero.status.success());
    assert!(!dir.path().join("runs").exists());
}
