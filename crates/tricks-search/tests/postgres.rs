//! A study in PostgreSQL: the store semantics of `workers.rs` (claim, renew, finish, a budget shared by
//! workers, a lease that runs out frees its trial, a late result refused), many studies in one database,
//! and workers on three "machines" of which one is killed mid-trial: its trial is re-queued when its lease
//! runs out and finished once by another.
//!
//! The server is the one `TRICKS_POSTGRES_URL` names (`.ci/run` starts one on loopback); without it each
//! test returns at once, unless `TRICKS_REQUIRE_POSTGRES=1`, when it fails. Each test makes studies of its
//! own, named with the process id and a counter, so reruns on one database never collide. The worker
//! processes are this test binary run again with `CHILD_STUDY` set: see [`child_worker`].

use std::path::Path;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;
use tricks_core::Recipe;
use tricks_search::{Next, Outcome, Postgres, SearchError, Space, Store, Strategy, StudyConfig, Trial, TrialState, WorkerId, WorkerOptions, work};

/// The database; the tests skip without it.
const URL: &str = "TRICKS_POSTGRES_URL";
/// `1`: fail instead of skipping when [`URL`] is unset (CI).
const REQUIRE: &str = "TRICKS_REQUIRE_POSTGRES";
/// The study a child worker serves; set only in the processes the tests start.
const CHILD_STUDY: &str = "TRICKS_SEARCH_CHILD_STUDY";
/// The folder of the child's log of trained trials.
const CHILD_LOGS: &str = "TRICKS_SEARCH_CHILD_LOGS";
/// The host name the child worker gives (a machine of its own).
const CHILD_HOST: &str = "TRICKS_SEARCH_CHILD_HOST";
/// Milliseconds each trial of a child worker "trains".
const CHILD_TRAIN_MS: &str = "TRICKS_SEARCH_CHILD_TRAIN_MS";
/// The child's lease in milliseconds.
const CHILD_LEASE_MS: &str = "TRICKS_SEARCH_CHILD_LEASE_MS";

/// The database's URL, or `None` (the test then returns) when none is given and none is required.
fn url() -> Option<String> {
    match std::env::var(URL) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var(REQUIRE).as_deref() == Ok("1") => {
            panic!("{REQUIRE}=1 but {URL} is unset: start a PostgreSQL server and set {URL}=postgres://USER:PASSWORD@HOST:PORT/DATABASE (see .ci/run)")
        }
        _ => {
            eprintln!("skipped: {URL} is unset");
            None
        }
    }
}

/// A study name no other test, process or earlier run uses.
fn fresh(what: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis();
    format!("{what}-{}-{millis}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn config(budget: u64) -> StudyConfig {
    StudyConfig {
        name: "postgres".into(),
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

/// A new study of `budget` trials, and a connection to it.
fn study(url: &str, what: &str, budget: u64) -> (String, Postgres) {
    let name = fresh(what);
    let mut store = Postgres::connect(url, &name).unwrap();
    store.open(&config(budget)).unwrap();
    (name, store)
}

/// A stand-in for training: sleeps, notes the trial in the worker's log, scores the setting.
fn fake_train(log: &Path, millis: u64) -> impl FnMut(&Trial, &tricks_core::CheckedRecipe) -> Outcome {
    let log = log.to_path_buf();
    move |trial, recipe| {
        std::thread::sleep(Duration::from_millis(millis));
        let mut line = std::fs::read_to_string(&log).unwrap_or_default();
        line.push_str(&format!("{}\n", trial.number));
        std::fs::write(&log, line).unwrap();
        Outcome::Finished { score: (recipe.optimiser.learning_rate.log10() + 1.5).abs(), seconds: 0.0 }
    }
}

/// Trial numbers trained, over every worker's log in `dir`.
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

fn done() -> Outcome {
    Outcome::Finished { score: 0.5, seconds: 1.0 }
}

#[test]
fn claim_renew_and_finish_hold_a_trial_for_one_worker() {
    let Some(url) = url() else { return };
    let (_, mut store) = study(&url, "claim", 2);
    let (a, b) = (WorkerId { host: "node-a".into(), pid: 1, slot: 0 }, WorkerId { host: "node-b".into(), pid: 1, slot: 0 });
    let lease = Duration::from_secs(60);
    let Next::Run(first) = store.claim(&a, lease).unwrap() else { panic!("trial 0 is free") };
    let Next::Run(second) = store.claim(&b, lease).unwrap() else { panic!("trial 1 is free") };
    assert_eq!((first.number, first.attempts, first.worker.as_deref()), (0, 1, Some("node-a:1/0")));
    assert_eq!((second.number, second.state), (1, TrialState::Running));
    assert_eq!(store.claim(&a, lease).unwrap(), Next::Wait, "the budget is spent but trials are running");
    assert!(store.renew(0, &a, lease).unwrap());
    assert!(!store.renew(0, &b, lease).unwrap(), "b does not hold trial 0");
    assert!(!store.finish(0, &b, &done()).unwrap(), "nor can it finish it");
    assert!(store.finish(0, &a, &done()).unwrap());
    assert!(!store.finish(0, &a, &done()).unwrap(), "a finished trial is not finished again");
    assert!(!store.renew(0, &a, lease).unwrap(), "nor renewed");
    assert!(store.finish(1, &b, &Outcome::Failed { reason: "diverged".into() }).unwrap());
    assert_eq!(store.claim(&a, lease).unwrap(), Next::Done);
    let trials = store.trials().unwrap();
    assert_eq!((trials[0].state, trials[0].score, trials[0].seconds), (TrialState::Finished, Some(0.5), Some(1.0)));
    assert_eq!((trials[1].state, trials[1].reason.as_deref()), (TrialState::Failed, Some("diverged")));
}

#[test]
fn many_studies_live_in_one_database_and_a_study_keeps_its_settings() {
    let Some(url) = url() else { return };
    let (name, mut first) = study(&url, "first", 3);
    let (_, mut second) = study(&url, "second", 3);
    let me = WorkerId { host: "node-a".into(), pid: 1, slot: 0 };
    assert!(matches!(first.claim(&me, Duration::from_secs(60)).unwrap(), Next::Run(t) if t.number == 0));
    assert!(second.trials().unwrap().is_empty(), "another study's trials are its own");
    let mut again = Postgres::connect(&url, &name).unwrap();
    let mut other = config(3);
    other.trainer = json!("other data");
    assert!(matches!(again.open(&other), Err(SearchError::Mismatch(m)) if m.contains("data")));
    assert_eq!(again.open(&config(10)).unwrap().budget, 10, "the budget may change between sittings");
    assert_eq!(again.config().unwrap().budget, 10);
    let missing = Postgres::connect(&url, &fresh("never-opened")).unwrap().config().unwrap_err().to_string();
    assert!(missing.contains("no study"), "{missing}");
}

#[test]
fn the_password_is_in_no_error_and_no_debug_output() {
    let Some(url) = url() else { return };
    let store = Postgres::connect(&url, &fresh("debug")).unwrap();
    // The password as the URL gives it: between the userinfo's `:` and the last `@`.
    let Some(password) = url.split_once("://").and_then(|(_, rest)| rest.rsplit_once('@')).and_then(|(user, _)| user.split_once(':')).map(|(_, p)| p) else {
        return eprintln!("{URL} gives no password: nothing to hide");
    };
    assert!(!format!("{store:?}").contains(password), "Debug shows the password");
    let wrong = url.replacen(&format!(":{password}@"), &format!(":{password}-wrong@"), 1);
    let e = Postgres::connect(&wrong, "x").unwrap_err().to_string();
    assert!(!e.contains(password) && e.contains("***"), "{e}");
}

#[test]
fn threads_on_their_own_connections_share_a_budget_each_trial_trained_once() {
    let Some(url) = url() else { return };
    let (name, mut store) = study(&url, "budget", 60);
    let dir = tempfile::tempdir().unwrap();
    let options = WorkerOptions { lease: Duration::from_secs(60), poll: Duration::from_millis(20) };
    std::thread::scope(|scope| {
        for slot in 0..6 {
            let (url, name, log) = (&url, &name, dir.path().join(format!("trained-by-{slot}.log")));
            scope.spawn(move || {
                let mut store = Postgres::connect(url, name).unwrap();
                work(&mut store, &WorkerId::here(slot), options, &mut fake_train(&log, 5), &mut |_| {}).unwrap();
            });
        }
    });
    let trials = store.trials().unwrap();
    assert_eq!(trials.len(), 60, "the budget is the study's, not each worker's");
    assert!(trials.iter().enumerate().all(|(i, t)| t.number == i as u64 && t.state == TrialState::Finished && t.attempts == 1));
    assert_eq!(trained(dir.path()), (0..60).collect::<Vec<u64>>(), "every trial trained exactly once");
    let workers: std::collections::BTreeSet<_> = trials.iter().map(|t| t.worker.clone()).collect();
    assert!(workers.len() > 1, "the trials were shared: {workers:?}");
}

#[test]
fn a_lease_that_runs_out_frees_the_trial_and_a_renewed_one_does_not() {
    let Some(url) = url() else { return };
    let (name, mut store) = study(&url, "lease", 4);
    let dir = tempfile::tempdir().unwrap();
    // A worker on another machine claims trial 0 with a 1 s lease and goes silent.
    let elsewhere = WorkerId { host: "elsewhere".into(), pid: 1, slot: 0 };
    assert!(matches!(store.claim(&elsewhere, Duration::from_secs(1)).unwrap(), Next::Run(t) if t.number == 0));
    std::thread::sleep(Duration::from_millis(1100));
    // Two local workers with 1 s leases train for 1.5 s each: their renewals keep their trials.
    let options = WorkerOptions { lease: Duration::from_secs(1), poll: Duration::from_millis(20) };
    std::thread::scope(|scope| {
        for slot in 0..2 {
            let (url, name, log) = (&url, &name, dir.path().join(format!("trained-by-{slot}.log")));
            scope.spawn(move || {
                let mut store = Postgres::connect(url, name).unwrap();
                work(&mut store, &WorkerId::here(slot), options, &mut fake_train(&log, 1500), &mut |_| {}).unwrap();
            });
        }
    });
    let trials = store.trials().unwrap();
    assert!(trials.iter().all(|t| t.state == TrialState::Finished));
    assert_eq!(trials.iter().map(|t| t.attempts).collect::<Vec<_>>(), [2, 1, 1, 1]);
    assert!(!store.finish(0, &elsewhere, &done()).unwrap(), "the silent worker's late result is refused");
    assert_eq!(trained(dir.path()), [0, 1, 2, 3]);
}

/// The worker process: does nothing unless started by a test with `CHILD_STUDY` set.
#[test]
fn child_worker() {
    let Ok(study) = std::env::var(CHILD_STUDY) else { return };
    let var = |name: &str| std::env::var(name).unwrap();
    let log = Path::new(&var(CHILD_LOGS)).join(format!("trained-by-{}.log", std::process::id()));
    let id = WorkerId { host: var(CHILD_HOST), ..WorkerId::here(0) };
    let options = WorkerOptions { lease: Duration::from_millis(var(CHILD_LEASE_MS).parse().unwrap()), poll: Duration::from_millis(50) };
    let mut store = Postgres::connect(&var(URL), &study).unwrap();
    work(&mut store, &id, options, &mut fake_train(&log, var(CHILD_TRAIN_MS).parse().unwrap()), &mut |_| {}).unwrap();
}

fn spawn_worker(study: &str, logs: &Path, host: &str, train_ms: u64, lease_ms: u64) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_worker", "--nocapture", "--test-threads=1"])
        .env(CHILD_STUDY, study)
        .env(CHILD_LOGS, logs)
        .env(CHILD_HOST, host)
        .env(CHILD_TRAIN_MS, train_ms.to_string())
        .env(CHILD_LEASE_MS, lease_ms.to_string())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// Worker processes, killed if a test fails before they end.
struct Workers(Vec<Child>);

impl Drop for Workers {
    fn drop(&mut self) {
        for w in &mut self.0 {
            let _ = w.kill();
            let _ = w.wait();
        }
    }
}

#[test]
fn three_machines_serve_one_study_and_a_killed_workers_trial_is_requeued_when_its_lease_runs_out() {
    let Some(url) = url() else { return };
    let (name, mut store) = study(&url, "machines", 12);
    let dir = tempfile::tempdir().unwrap();
    // Each "machine" renews a 2 s lease; node-1 trains slowly, so that it is surely mid-trial when killed.
    let mut workers = Workers(vec![
        spawn_worker(&name, dir.path(), "node-1", 60_000, 2000),
        spawn_worker(&name, dir.path(), "node-2", 200, 2000),
        spawn_worker(&name, dir.path(), "node-3", 200, 2000),
    ]);
    let start = Instant::now();
    let held = loop {
        let trials = store.trials().unwrap();
        if let Some(t) = trials.into_iter().find(|t| t.state == TrialState::Running && t.worker.as_deref().is_some_and(|w| w.starts_with("node-1:"))) {
            break t;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "node-1 never claimed a trial");
        std::thread::sleep(Duration::from_millis(20));
    };
    std::thread::sleep(Duration::from_millis(300));
    workers.0[0].kill().unwrap(); // SIGKILL, mid-trial
    workers.0[0].wait().unwrap();
    // Another host's process cannot be seen dead from here: the trial stays node-1's until its lease runs out.
    let now = &store.trials().unwrap()[held.number as usize];
    assert!(now.state == TrialState::Running && now.worker == held.worker, "{now:?}");
    // They end once every trial is finished, node-1's too (a trial never re-queued would keep them waiting).
    for w in &mut workers.0[1..] {
        let status = loop {
            if let Some(status) = w.try_wait().unwrap() {
                break status;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "the workers never ended: {:?}", store.trials().unwrap());
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "a worker failed");
    }
    let trials = store.trials().unwrap();
    assert_eq!(trials.len(), 12, "the budget is the study's, not each worker's");
    assert!(trials.iter().all(|t| t.state == TrialState::Finished), "{trials:?}");
    for t in &trials {
        assert_eq!(t.attempts, if t.number == held.number { 2 } else { 1 }, "trial {}: {t:?}", t.number);
        assert!(!t.worker.as_deref().unwrap().starts_with("node-1:"), "node-1 finished nothing: {t:?}");
    }
    let hosts: std::collections::BTreeSet<_> = trials.iter().map(|t| t.worker.as_deref().unwrap().split(':').next().unwrap().to_string()).collect();
    assert_eq!(hosts.into_iter().collect::<Vec<_>>(), ["node-2", "node-3"], "the other two shared the study");
    assert_eq!(trained(dir.path()), (0..12).collect::<Vec<u64>>(), "the killed attempt never finished; each trial trained once");
}
