//! `tricks search` on the real binary and the embedded digits: a study stored in SQLite, its trials run
//! as `tricks train` processes, a diverged trial stored as failed, the same command continuing the study,
//! the report's pictures and page, the final seed runs without the trial-only values, and a study killed
//! mid-trial (the whole process group, SIGKILL) finished by running the command again.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;
use tricks_search::{Sqlite, Store, Trial, TrialState};

fn tricks(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tricks")).args(args).current_dir(cwd).env_remove("TRICKS_FAULT").output().expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn trials(study: &Path) -> Vec<Trial> {
    Sqlite::open(&study.join("study.sqlite")).unwrap().trials().unwrap()
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// A small MLP, two epochs in full; trials are capped at one epoch (`trial_only`). ε0 = 9 diverges even
/// after a restart, so that setting fails.
const SPACE: &str = r#"
"optimiser.learning_rate" = { choice = [0.02, 0.1, 9.0] }
"model.hidden.0" = { low = 8, high = 64 }
"divergence.max_retries" = 1
[trial_only]
"stopping" = { kind = "off", epochs = 1 }
"#;

const BASE: &[&str] = &["--set", "model.hidden=[16]", "--set", r#"stopping={"kind":"off","epochs":2}"#];

fn search(dir: &Path, study: &str, trials: u64, extra: &[&str]) -> Output {
    let trials = trials.to_string();
    let mut args = vec!["search", "--space", "space.toml", "--study", study, "--trials", &trials, "--seed", "4", "--quiet"];
    args.extend(BASE);
    args.extend(extra);
    tricks(&args, dir)
}

#[test]
fn a_study_runs_continues_reports_and_reruns_its_best_setting_over_seeds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("space.toml"), SPACE).unwrap();
    let o = search(dir, "s", 6, &["--workers", "2"]);
    assert!(o.status.success(), "{}", text(&o));
    let study = dir.join("s");
    let first = trials(&study);
    assert_eq!(first.len(), 6, "{}", text(&o));
    let diverged: Vec<&Trial> = first.iter().filter(|t| t.assignment["optimiser.learning_rate"] == 9.0).collect();
    assert!(!diverged.is_empty(), "the seed draws ε0 = 9 at least once: {first:?}");
    for t in &first {
        if t.assignment["optimiser.learning_rate"] == 9.0 {
            assert_eq!(t.state, TrialState::Failed);
            assert!(t.reason.as_deref().unwrap().contains("diverged"), "{:?}", t.reason);
        } else {
            assert_eq!(t.state, TrialState::Finished, "{t:?}");
            let run = study.join("trials").join(format!("{:04}", t.number));
            let report = json(&run.join("report.json"));
            assert_eq!(t.score, report["valid_error"].as_f64(), "selection by the validation error");
            assert!(report["test_accuracy"].is_null(), "a trial leaves the test split untouched: {report}");
            assert_eq!(json(&run.join("run.json"))["without_test"], true);
            assert_eq!(json(&run.join("recipe.json"))["stopping"]["epochs"], 1, "the trial-only cap");
        }
    }
    let workers: std::collections::BTreeSet<_> = first.iter().map(|t| t.worker.clone().unwrap()).collect();
    assert!(workers.len() <= 2);

    // The same command again trains nothing; a larger budget adds trials to the same study.
    let stamp = |t: &Trial| std::fs::metadata(study.join("trials").join(format!("{:04}", t.number)).join("report.json")).ok().map(|m| m.modified().unwrap());
    let before: Vec<_> = first.iter().map(stamp).collect();
    assert_eq!(before.iter().filter(|s| s.is_some()).count(), first.len() - diverged.len(), "a diverged trial leaves no run");
    assert!(search(dir, "s", 6, &[]).status.success());
    assert_eq!(trials(&study), first);
    assert_eq!(first.iter().map(stamp).collect::<Vec<_>>(), before);
    assert!(search(dir, "s", 7, &[]).status.success());
    assert_eq!(trials(&study).len(), 7);

    // Another space on the same study is refused.
    std::fs::write(dir.join("space.toml"), SPACE.replace("high = 64", "high = 32")).unwrap();
    let o = search(dir, "s", 7, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("another space"), "{}", text(&o));

    // The report: pictures, the page, and the final runs of the best setting without the cap.
    let o = tricks(&["search", "report", "s", "--final", "1", "--seeds", "2"], dir);
    assert!(o.status.success(), "{}", text(&o));
    for picture in ["best_in_n.png", "history.png", "param-optimiser_learning_rate.png", "param-model_hidden_0.png", "search.html"] {
        assert!(study.join("report").join(picture).is_file(), "{picture}: {}", text(&o));
    }
    let best = trials(&study).into_iter().filter(|t| t.state == TrialState::Finished).min_by(|a, b| a.score.unwrap().total_cmp(&b.score.unwrap())).unwrap();
    let last = study.join("final").join(format!("{:04}", best.number));
    let seeds = json(&last.join("seeds.json"));
    assert_eq!(seeds["runs"].as_array().unwrap().len(), 2);
    let run = seeds["runs"][0]["run_dir"].as_str().unwrap();
    let recipe = json(&dir.join(run).join("recipe.json"));
    assert_eq!(recipe["stopping"]["epochs"], 2, "final runs train in full");
    assert_eq!(recipe["optimiser"]["learning_rate"], best.assignment["optimiser.learning_rate"]);
    assert!(text(&o).contains("over 2 seeds"), "{}", text(&o));
}

#[test]
fn a_study_killed_mid_trial_finishes_when_run_again() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("space.toml"), SPACE.replace("[0.02, 0.1, 9.0]", "[0.02, 0.1]").replace("epochs = 1", "epochs = 40")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tricks"))
        .args(["search", "--space", "space.toml", "--study", "s", "--trials", "2", "--quiet"])
        .args(BASE)
        .current_dir(dir)
        .process_group(0)
        .spawn()
        .unwrap();
    // Kill the search and its `tricks train` once the first trial has written a checkpoint.
    let checkpoint = dir.join("s/trials/0000/checkpoints/train.ckpt");
    let start = Instant::now();
    while !checkpoint.exists() {
        assert!(start.elapsed() < Duration::from_secs(120), "no checkpoint appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
    for pid in process_group(child.id()) {
        Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    }
    child.wait().unwrap();
    assert_eq!(trials(&dir.join("s"))[0].state, TrialState::Running, "killed mid-trial");
    let o = tricks(&["search", "--resume", "s", "--quiet"], dir);
    assert!(o.status.success(), "{}", text(&o));
    let after = trials(&dir.join("s"));
    assert_eq!(after.len(), 2);
    assert!(after.iter().all(|t| t.state == TrialState::Finished), "{after:?}");
    assert_eq!(after[0].attempts, 2, "the killed trial was re-queued and resumed");
}

/// The processes of process group `group` (Linux: field 5 of `/proc/PID/stat`), killed one by one by
/// their own ids (procps' `kill -9 -GROUP` is avoided: a misparse would hit every process of the user).
fn process_group(group: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            after_name.split_whitespace().nth(2).and_then(|g| g.parse::<u32>().ok()) == Some(group)
        })
        .collect()
}

#[test]
fn bad_spaces_are_refused_before_any_trial() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (space, needle) in [
        (r#""optimiser.learning_rate" = { low = 1e-3, high = 20 }"#, "outside the values the field allows"),
        (r#""optimiser.learnig_rate" = { low = 1e-3, high = 1 }"#, "learnig_rate"),
        (r#""optimiser.learning_rate" = { low = 0, high = 1, log = true }"#, "low > 0"),
        (r#""optimiser.batch_size" = { choice = [0, 32] }"#, "optimiser.batch_size"),
        ("not toml =", "space.toml"),
    ] {
        std::fs::write(dir.join("space.toml"), space).unwrap();
        let o = search(dir, "bad", 2, &[]);
        assert_eq!(o.status.code(), Some(1), "{space}: {}", text(&o));
        assert!(text(&o).contains(needle), "{space}: {}", text(&o));
        assert!(!dir.join("bad/study.sqlite").exists(), "{space}: no study was created");
    }
    for command in [&["search", "worker", "none"][..], &["search", "report", "none"], &["search", "--resume", "none"]] {
        let o = tricks(command, dir);
        assert_eq!(o.status.code(), Some(1), "{command:?}: {}", text(&o));
        assert!(text(&o).contains("no study here"), "{command:?}: {}", text(&o));
        assert!(!dir.join("none").exists(), "{command:?} created a folder");
    }
}

/// Two small denoising auto-encoder levels on the digits, one pre-training epoch each, two fine-tuning epochs.
const STACK: &[&str] = &[
    "--recipe",
    "sda",
    "--set",
    "model.layers.0.model.hidden=16",
    "--set",
    "model.layers.1.model.hidden=12",
    "--set",
    "model.layers.0.epochs=1",
    "--set",
    "model.layers.1.epochs=1",
    "--set",
    "model.layers.0.min_updates=0",
    "--set",
    "model.layers.1.min_updates=0",
    "--set",
    r#"stopping={"kind":"off","epochs":2}"#,
];

#[test]
fn a_layerwise_study_continues_the_best_levels_and_selects_among_fine_tuned_stacks() {
    let dir = tempfile::tempdir().unwrap();
    let space = r#"
"model.layers.0.optimiser.learning_rate" = { low = 0.01, high = 0.3 }
"model.layers.1.optimiser.learning_rate" = { low = 0.01, high = 0.3 }
"optimiser.learning_rate" = { low = 0.01, high = 0.3 }
"#;
    std::fs::write(dir.path().join("stack.toml"), space).unwrap();
    let mut args = vec!["search", "--space", "stack.toml", "--study", "alg1", "--trials", "9", "--strategy", "layerwise", "--k", "2", "--quiet"];
    args.extend(STACK);
    let o = tricks(&args, dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let study = dir.path().join("alg1");
    let all = trials(&study);
    assert_eq!(all.len(), 9);
    assert!(all.iter().all(|t| t.state == TrialState::Finished), "{all:?}");
    let run = |n: u64| study.join("trials").join(format!("{n:04}"));
    let levels = |n: u64| json(&run(n).join("recipe.json"))["model"]["layers"].as_array().unwrap().len();
    let bytes = |n: u64, file: &str| std::fs::read(run(n).join(file)).unwrap();
    let by_number = |n: u64| all.iter().find(|t| t.number == n).unwrap();
    let (l0, l1) = ("model.layers.0.optimiser.learning_rate", "model.layers.1.optimiser.learning_rate");

    // Level 1: one level pre-trained, scored by its linear probe.
    for n in 0..3 {
        assert_eq!(levels(n), 1);
        assert_eq!(by_number(n).score, json(&run(n).join("report.json"))["levels"][0]["probe_valid_error"].as_f64(), "trial {n}");
    }
    // Level 2: from the two best of level 1, whose first level is taken, not trained again.
    let mut first: Vec<&Trial> = (0..3).map(by_number).collect();
    first.sort_by(|a, b| a.score.unwrap().total_cmp(&b.score.unwrap()).then(a.number.cmp(&b.number)));
    for n in 3..6 {
        assert_eq!(levels(n), 2);
        let parent = first.iter().find(|p| p.assignment[l0] == by_number(n).assignment[l0]).expect("a level-1 trial's setting");
        assert!(parent.number != first[2].number, "trial {n} continues one of the two best, not the worst");
        assert_eq!(bytes(n, "level1.mpk"), bytes(parent.number, "level1.mpk"), "trial {n} takes its parent's first level");
        assert_eq!(by_number(n).score, json(&run(n).join("report.json"))["levels"][1]["probe_valid_error"].as_f64());
    }
    // Fine-tuning: the whole stack, scored by its validation error, both levels taken from a level-2 trial.
    for n in 6..9 {
        assert_eq!(levels(n), 2);
        let report = json(&run(n).join("report.json"));
        assert_eq!(by_number(n).score, report["valid_error"].as_f64());
        assert!(report["test_accuracy"].is_null());
        let parent = (3..6).find(|&p| by_number(p).assignment[l1] == by_number(n).assignment[l1]).expect("a level-2 trial's setting");
        assert_eq!(bytes(n, "level2.mpk"), bytes(parent, "level2.mpk"));
    }
    // Only fine-tuned stacks are selected for the final runs.
    let o = tricks(&["search", "report", "alg1", "--final", "1", "--seeds", "1"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let chosen: Vec<String> = std::fs::read_dir(study.join("final")).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert!(!chosen.is_empty() && chosen.iter().all(|c| ["0006", "0007", "0008"].contains(&&c[..4])), "{chosen:?}");
}
