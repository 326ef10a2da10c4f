//! Durable runs, proven on the real binary: a run killed with SIGKILL (during training, during a stack's
//! pre-training or fine-tuning, or between a checkpoint's write and its rename) and then resumed ends with
//! the same model file, curves and report as the uninterrupted run; a failed write leaves the last good
//! checkpoint to resume from; `--resume` refuses what it cannot resume. Faults are injected through
//! `TRICKS_FAULT` (see `tricks_run::fault`), so that each kill lands at a known place.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Output};

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

/// A short MLP on the digits with early stopping (patience state, best model kept), validation every
/// epoch and monitoring snapshots every 50 updates.
const MLP: &[&str] = &["--set", "model.hidden=[48]", "--set", "stopping.max_epochs=8", "--set", "monitor_every=50"];

/// A deep belief net of two small RBM levels (CD sampling, momentum ramp) and Polyak-averaged fine-tuning.
const DBN: &[&str] = &[
    "--recipe",
    "dbn",
    "--set",
    "model.layers.0.model.hidden=24",
    "--set",
    "model.layers.1.model.hidden=16",
    "--set",
    "model.layers.0.epochs=3",
    "--set",
    "model.layers.1.epochs=3",
    "--set",
    "model.layers.0.min_updates=0",
    "--set",
    "model.layers.1.min_updates=0",
    "--set",
    "stopping.max_epochs=5",
    "--set",
    "monitor_every=40",
];

fn train(dir: &Path, out: &str, recipe: &[&str], fault: Option<&str>) -> Output {
    let mut args = vec!["train", "--quiet", "--out", out];
    args.extend_from_slice(recipe);
    tricks(&args, dir, fault)
}

fn resume(dir: &Path, run: &str) -> Output {
    tricks(&["train", "--quiet", "--resume", run], dir, None)
}

fn assert_killed(o: &Output) {
    assert_eq!(o.status.signal(), Some(9), "expected SIGKILL; status {:?}, stderr {}", o.status, stderr(o));
}

/// Every output of the two finished runs is the same, but for timings and the run directory's name.
fn assert_same_run(dir: &Path, a: &str, b: &str) {
    let (a, b) = (dir.join(a), dir.join(b));
    for run in [&a, &b] {
        assert!(!run.join("UNFINISHED").exists() && !run.join("checkpoints").exists(), "{} is not finished clean", run.display());
    }
    for file in ["model.mpk", "curves.csv", "layer_stats.csv", "recipe.json", "preprocessing.json"] {
        let read = |run: &Path| std::fs::read(run.join(file)).unwrap_or_else(|e| panic!("{}: {e}", run.join(file).display()));
        assert!(read(&a) == read(&b), "{file} differs between the uninterrupted and the resumed run");
    }
    let report = |run: &Path| {
        let mut r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(run.join("report.json")).unwrap()).unwrap();
        r.as_object_mut().unwrap().remove("seconds");
        r.as_object_mut().unwrap().remove("run_dir");
        for level in r["levels"].as_array_mut().into_iter().flatten() {
            level.as_object_mut().unwrap().remove("seconds");
        }
        r
    };
    assert_eq!(report(&a), report(&b));
}

#[test]
fn an_mlp_killed_during_training_resumes_to_the_identical_model() {
    let dir = tempfile::tempdir().unwrap();
    let whole = train(dir.path(), "whole", MLP, None);
    assert!(whole.status.success(), "{}", stderr(&whole));
    // 1,199 digits, B = 32: 38 updates an epoch; update 100 is inside epoch 3, after two checkpoints.
    let killed = train(dir.path(), "killed", MLP, Some("kill-after-update=train:100"));
    assert_killed(&killed);
    let run = dir.path().join("killed");
    assert!(run.join("UNFINISHED").is_file() && run.join("checkpoints/train.ckpt").is_file());
    assert!(!run.join("report.json").exists(), "a killed run must not look finished");
    let curves = std::fs::read_to_string(run.join("curves.csv")).unwrap();
    assert_eq!(curves.lines().count(), 3, "curves.csv grows as the run goes: a header and two validations\n{curves}");
    let resumed = resume(dir.path(), "killed");
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert_same_run(dir.path(), "whole", "killed");
}

/// The adaptive schedule's state (the last epoch's mean loss, the running sum of this epoch's, τ once found)
/// survives a kill between validations that fall mid-epoch.
#[test]
fn an_adaptive_schedule_killed_mid_epoch_resumes_to_the_identical_model() {
    let dir = tempfile::tempdir().unwrap();
    let adaptive = [MLP, &["--set", r#"optimiser.schedule={"kind":"adaptive","threshold":0.15}"#, "--set", "validate_every=600"]].concat();
    let whole = train(dir.path(), "whole", &adaptive, None);
    assert!(whole.status.success(), "{}", stderr(&whole));
    // Validations every 600 examples, about half an epoch of the 1,199 digits: update 100 (3,200 examples)
    // is in the middle of epoch 3, after a checkpoint at 3,000 examples, also mid-epoch.
    let killed = train(dir.path(), "killed", &adaptive, Some("kill-after-update=train:100"));
    assert_killed(&killed);
    let resumed = resume(dir.path(), "killed");
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert_same_run(dir.path(), "whole", "killed");
    // Not vacuous: the rate decays, from τ = 190 (the end of epoch 5, the first whose mean loss improved on the one before by less than 15 %), after the kill.
    let curves = std::fs::read_to_string(dir.path().join("whole/curves.csv")).unwrap();
    let decayed: Vec<(u64, f64)> = curves
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .map(|f| (f[2].parse().unwrap(), f[5].parse().unwrap()))
        .filter(|(_, rate): &(u64, f64)| *rate < 0.01)
        .collect();
    assert!(decayed.first().is_some_and(|(updates, _)| *updates > 100), "the decay starts after the kill: {decayed:?}\n{curves}");
}

#[test]
fn a_stack_killed_during_pre_training_or_fine_tuning_resumes_to_the_identical_model() {
    let dir = tempfile::tempdir().unwrap();
    let whole = train(dir.path(), "whole", DBN, None);
    assert!(whole.status.success(), "{}", stderr(&whole));
    for (run, fault) in [("pretraining", "kill-after-update=level2:50"), ("fine-tuning", "kill-after-update=fine-tune:60")] {
        let killed = train(dir.path(), run, DBN, Some(fault));
        assert_killed(&killed);
        let path = dir.path().join(run);
        assert!(path.join("level1.mpk").is_file() && path.join("level1.json").is_file(), "the finished level 1 is saved");
        let resumed = resume(dir.path(), run);
        assert!(resumed.status.success(), "{}", stderr(&resumed));
        assert_same_run(dir.path(), "whole", run);
    }
}

#[test]
fn a_kill_between_a_checkpoints_write_and_its_rename_resumes_from_the_previous_one() {
    let dir = tempfile::tempdir().unwrap();
    let whole = train(dir.path(), "whole", MLP, None);
    assert!(whole.status.success(), "{}", stderr(&whole));
    let killed = train(dir.path(), "killed", MLP, Some("kill-before-rename=train.ckpt:3"));
    assert_killed(&killed);
    let checkpoints = dir.path().join("killed/checkpoints");
    let names: Vec<String> = std::fs::read_dir(&checkpoints).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().any(|n| n.starts_with(".train.ckpt.") && n.ends_with(".tmp")), "the third checkpoint was written, not renamed: {names:?}");
    assert!(names.iter().any(|n| n == "train.ckpt"), "the second checkpoint is in place: {names:?}");
    let resumed = resume(dir.path(), "killed");
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert_same_run(dir.path(), "whole", "killed");
}

#[test]
fn a_failed_write_names_the_file_keeps_the_last_checkpoint_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let whole = train(dir.path(), "whole", MLP, None);
    assert!(whole.status.success(), "{}", stderr(&whole));
    let failed = train(dir.path(), "failed", MLP, Some("fail-write=train.ckpt:3"));
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    let e = stderr(&failed);
    assert!(e.contains("train.ckpt") && e.contains("No space left on device") && e.contains("--resume"), "{e}");
    let run = dir.path().join("failed");
    assert!(run.join("UNFINISHED").is_file() && run.join("checkpoints/train.ckpt").is_file(), "the last good checkpoint is kept");
    let resumed = resume(dir.path(), "failed");
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert_same_run(dir.path(), "whole", "failed");
}

#[test]
fn resume_refuses_a_finished_run_a_folder_that_is_not_a_run_and_another_recipe() {
    let dir = tempfile::tempdir().unwrap();
    let short = ["--set", "model.hidden=[16]", "--set", r#"stopping={"kind":"off","epochs":2}"#];
    let done = train(dir.path(), "done", &short, None);
    assert!(done.status.success(), "{}", stderr(&done));
    let o = resume(dir.path(), "done");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already finished"), "{}", stderr(&o));

    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let o = resume(dir.path(), "empty");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not an unfinished run"), "{}", stderr(&o));

    let killed = train(dir.path(), "killed", &short, Some("kill-after-update=train:50"));
    assert_killed(&killed);
    let o = tricks(&["train", "--quiet", "--resume", "killed", "--recipe", "logistic"], dir.path(), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("made by recipe `mlp`"), "{}", stderr(&o));
    assert!(dir.path().join("killed/UNFINISHED").is_file(), "a refused resume leaves the run as it was");
    let o = tricks(&["train", "--quiet", "--out", "killed"], dir.path(), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--resume killed"), "a new run into an unfinished one points to --resume: {}", stderr(&o));
}

#[test]
fn a_run_that_fails_on_bad_data_before_any_checkpoint_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.csv"), "1,2,0\n3,x,1\n").unwrap();
    let o = tricks(&["train", "--quiet", "--data", "bad.csv", "--out", "run"], dir.path(), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad.csv"), "{}", stderr(&o));
    assert!(!dir.path().join("run").exists(), "nothing is left of a run that failed on its input");
}

#[test]
fn an_rbm_with_persistent_chains_killed_during_training_resumes_to_the_identical_model() {
    let dir = tempfile::tempdir().unwrap();
    let rbm = ["--recipe", "rbm", "--set", "model.hidden=16", "--set", r#"stopping={"kind":"off","epochs":4}"#, "--set", "monitor_every=30"];
    let whole = train(dir.path(), "whole", &rbm, None);
    assert!(whole.status.success(), "{}", stderr(&whole));
    let killed = train(dir.path(), "killed", &rbm, Some("kill-after-update=train:100"));
    assert_killed(&killed);
    let resumed = resume(dir.path(), "killed");
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert_same_run(dir.path(), "whole", "killed");
}
