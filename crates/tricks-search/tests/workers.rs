//! Many workers on one SQLite study, in separate processes: each trial claimed, trained and stored exactly
//! once, no "database is locked", and a killed worker's trial re-queued and finished by another.
//!
//! The worker processes are this test binary run again with `CHILD_STUDY` set: see [`child_worker`].

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use serde_json::json;
use tricks_core::Recipe;
use tricks_search::{Next, Outcome, Space, Sqlite, Store, Strategy, StudyConfig, TrialState, WorkerId, WorkerOptions, work};

/// The study file a child worker serves; set only in the processes the tests start.
const CHILD_STUDY: &str = "TRICKS_SEARCH_CHILD_STUDY";
/// Milliseconds each trial of a child worker "trains".
const CHILD_TRAIN_MS: &str = "TRICKS_SEARCH_CHILD_TRAIN_MS";

fn config(budget: u64) -> StudyConfig {
    StudyConfig {
        name: "workers".into(),
        space: Space::from_tree(&json!({"optimiser.learning_rate": {"low": 1e-4, "high": 1.0}, "model.hidden.0": {"low": 10, "high": 1000}})).unwrap(),
        base: Recipe::chapter_default(),
        strategy: Strategy::Random,
        budget,
        seed: 3,
        extend: false,
        trainer: json!("test"),
        extensions: vec![],
    }
}

/// A stand-in for training: sleeps, notes the trial in the worker's log, scores the setting.
fn fake_train(log: &Path, millis: u64) -> impl FnMut(&tricks_search::Trial, &tricks_core::CheckedRecipe) -> Outcome {
    let log = log.to_path_buf();
    move |trial, recipe| {
        std::thread::sleep(Duration::from_millis(millis));
        let mut line = std::fs::read_to_string(&log).unwrap_or_default();
        line.push_str(&format!("{}\n", trial.number));
        std::fs::write(&log, line).unwrap();
        Outcome::Finished { score: (recipe.optimiser.learning_rate.log10() + 1.5).abs(), seconds: 0.0 }
    }
}

/// The worker process: does nothing unless started by a test with `CHILD_STUDY` set.
#[test]
fn child_worker() {
    let Ok(study) = std::env::var(CHILD_STUDY) else { return };
    let millis = std::env::var(CHILD_TRAIN_MS).map_or(5, |m| m.parse().unwrap());
    let study = PathBuf::from(study);
    let log = study.with_file_name(format!("trained-by-{}.log", std::process::id()));
    let mut store = Sqlite::open(&study).unwrap();
    let options = WorkerOptions { lease: Duration::from_secs(60), poll: Duration::from_millis(20) };
    work(&mut store, &WorkerId::here(0), options, &mut fake_train(&log, millis), &mut |_| {}).unwrap();
}

fn spawn_worker(study: &Path, train_ms: u64) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_worker", "--nocapture", "--test-threads=1"])
        .env(CHILD_STUDY, study)
        .env(CHILD_TRAIN_MS, train_ms.to_string())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// Trial numbers trained, over every worker's log.
fn trained(dir: &Path) -> Vec<u64> {
    let mut numbers: Vec<u64> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("trained-by-"))
        .flat_map(|p| std::fs::read_to_string(p).unwrap().lines().map(|l| l.parse().unwrap()).collect::<Vec<u64>>())
        .collect();
    numbers.sort();
    numbers
}

#[test]
fn eight_processes_share_a_budget_of_200_trials_each_trained_and_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study.sqlite");
    Sqlite::open(&study).unwrap().open(&config(200)).unwrap();
    let workers: Vec<Child> = (0..8).map(|_| spawn_worker(&study, 5)).collect();
    for mut w in workers {
        assert!(w.wait().unwrap().success(), "a worker failed (a \"database is locked\" error would end it)");
    }
    let trials = Sqlite::open(&study).unwrap().trials().unwrap();
    assert_eq!(trials.len(), 200, "the budget is the study's, not each worker's");
    assert!(trials.iter().enumerate().all(|(i, t)| t.number == i as u64 && t.state == TrialState::Finished && t.attempts == 1));
    assert_eq!(trained(dir.path()), (0..200).collect::<Vec<u64>>(), "every trial trained exactly once");
    let workers: std::collections::BTreeSet<_> = trials.iter().map(|t| t.worker.clone()).collect();
    assert!(workers.len() > 1, "the trials were shared: {workers:?}");
}

#[test]
fn a_killed_workers_trial_is_requeued_and_finished_once_by_another() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study.sqlite");
    Sqlite::open(&study).unwrap().open(&config(5)).unwrap();
    let mut slow = spawn_worker(&study, 60_000);
    let start = Instant::now();
    while !Sqlite::open(&study).unwrap().trials().unwrap().iter().any(|t| t.state == TrialState::Running) {
        assert!(start.elapsed() < Duration::from_secs(60), "the worker never claimed a trial");
        std::thread::sleep(Duration::from_millis(20));
    }
    slow.kill().unwrap(); // SIGKILL
    slow.wait().unwrap();
    // Its lease has 60 s to run, but its process is gone from this host: re-queued at the next claim.
    assert!(spawn_worker(&study, 5).wait().unwrap().success());
    let trials = Sqlite::open(&study).unwrap().trials().unwrap();
    assert_eq!(trials.len(), 5);
    assert!(trials.iter().all(|t| t.state == TrialState::Finished));
    assert_eq!(trials[0].attempts, 2, "trial 0 was re-queued");
    assert!(trials[1..].iter().all(|t| t.attempts == 1));
    assert_eq!(trained(dir.path()), (0..5).collect::<Vec<u64>>(), "the killed attempt never finished; each trial trained once");
}

#[test]
fn a_lease_that_runs_out_frees_the_trial_and_a_renewed_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study.sqlite");
    let mut store = Sqlite::open(&study).unwrap();
    store.open(&config(4)).unwrap();
    // A worker on another machine claims trial 0 with a 1 s lease and goes silent.
    let elsewhere = WorkerId { host: "elsewhere".into(), pid: 1, slot: 0 };
    assert!(matches!(store.claim(&elsewhere, Duration::from_secs(1)).unwrap(), Next::Run(t) if t.number == 0));
    std::thread::sleep(Duration::from_millis(1100));
    // Two local workers with 1 s leases train for 1.5 s each: their renewals keep their trials.
    let options = WorkerOptions { lease: Duration::from_secs(1), poll: Duration::from_millis(20) };
    std::thread::scope(|scope| {
        for slot in 0..2 {
            let (study, log) = (study.clone(), dir.path().join(format!("trained-by-{slot}.log")));
            scope.spawn(move || {
                let mut store = Sqlite::open(&study).unwrap();
                work(&mut store, &WorkerId::here(slot), options, &mut fake_train(&log, 1500), &mut |_| {}).unwrap();
            });
        }
    });
    let trials = store.trials().unwrap();
    assert!(trials.iter().all(|t| t.state == TrialState::Finished));
    assert_eq!(trials.iter().map(|t| t.attempts).collect::<Vec<_>>(), [2, 1, 1, 1]);
    assert!(!store.finish(0, &elsewhere, &Outcome::Finished { score: 0.0, seconds: 0.0 }).unwrap(), "the silent worker's late result is refused");
    assert_eq!(trained(dir.path()), [0, 1, 2, 3]);
}
