//! A worker: claim a trial, train it while a second connection renews its lease, store its outcome;
//! again until the study is done. Any number of workers, in any number of processes on any number of
//! machines, serve one study through its storage.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use tricks_core::CheckedRecipe;

use crate::study::{Next, Outcome, Trial};
use crate::{SearchError, Store};

/// How long a claimed trial stays a worker's without a renewal (ours: long enough for a busy machine,
/// short enough that a dead worker's trial is soon re-run).
pub const LEASE: Duration = Duration::from_secs(60);

/// How long a worker waits before asking again when every remaining trial is running elsewhere (ours).
pub const POLL: Duration = Duration::from_secs(2);

/// Who holds a trial: host name, process id and a slot within the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerId {
    /// Host name.
    pub host: String,
    /// Process id.
    pub pid: u32,
    /// Worker number within the process.
    pub slot: u32,
}

impl WorkerId {
    /// This process's worker `slot`.
    pub fn here(slot: u32) -> WorkerId {
        WorkerId { host: host_name(), pid: std::process::id(), slot }
    }

    /// The worker a name written by `Display` (`host:pid/slot`) names.
    pub fn parse(name: &str) -> Option<WorkerId> {
        let (rest, slot) = name.rsplit_once('/')?;
        let (host, pid) = rest.rsplit_once(':')?;
        Some(WorkerId { host: host.to_string(), pid: pid.parse().ok()?, slot: slot.parse().ok()? })
    }

    /// Whether this worker ran on this host in a process that no longer exists (Linux: no `/proc/PID`),
    /// so that its trial can be re-queued at once instead of when its lease runs out.
    pub fn is_dead_here(&self) -> bool {
        self.host == host_name() && cfg!(target_os = "linux") && !std::path::Path::new(&format!("/proc/{}", self.pid)).exists()
    }
}

impl std::fmt::Display for WorkerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}/{}", self.host, self.pid, self.slot)
    }
}

/// This machine's host name (the kernel's, else `HOSTNAME`, else `localhost`).
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into())
}

/// How a worker holds its trials.
#[derive(Debug, Clone, Copy)]
pub struct WorkerOptions {
    /// Lease of a claimed trial, renewed every quarter of it.
    pub lease: Duration,
    /// Wait between claims when nothing can be claimed yet.
    pub poll: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions { lease: LEASE, poll: POLL }
    }
}

/// What a worker tells its caller.
#[derive(Debug)]
pub enum Event<'a> {
    /// It claimed a trial and begins training it.
    Started(&'a Trial),
    /// A trial ended and its outcome was stored.
    Ended(&'a Trial, &'a Outcome),
    /// Its lease ran out while it trained (another worker may have it now): the outcome was not stored.
    Lost(&'a Trial),
}

/// Serve the study in `store` until it is done: claim, train with `train` (given the trial and its
/// checked recipe; a recipe the check refuses fails the trial without training), store the outcome.
/// Returns the number of trials this worker ended.
pub fn work(
    store: &mut dyn Store,
    id: &WorkerId,
    options: WorkerOptions,
    train: &mut dyn FnMut(&Trial, &CheckedRecipe) -> Outcome,
    events: &mut dyn FnMut(Event),
) -> Result<usize, SearchError> {
    let mut ended = 0;
    loop {
        let trial = match store.claim(id, options.lease)? {
            Next::Run(trial) => trial,
            Next::Wait => {
                std::thread::sleep(options.poll);
                continue;
            }
            Next::Done => return Ok(ended),
        };
        events(Event::Started(&trial));
        let config = store.config()?;
        let started = Instant::now();
        let outcome = match config.current_space().trial_recipe(&config.base, &trial.assignment) {
            Ok(recipe) => with_lease(store, id, &trial, options.lease, || train(&trial, &recipe))?,
            Err(e) => Outcome::Failed { reason: e.to_string() },
        };
        let outcome = match outcome {
            Outcome::Finished { score, .. } if !score.is_finite() => Outcome::Failed { reason: format!("validation score {score}") },
            Outcome::Finished { score, .. } => Outcome::Finished { score, seconds: started.elapsed().as_secs_f64() },
            failed => failed,
        };
        if store.finish(trial.number, id, &outcome)? {
            ended += 1;
            events(Event::Ended(&trial, &outcome));
        } else {
            events(Event::Lost(&trial));
        }
    }
}

/// Run `job` while a second connection renews the lease of `trial` every quarter of `lease`.
fn with_lease<T>(store: &dyn Store, id: &WorkerId, trial: &Trial, lease: Duration, job: impl FnOnce() -> T) -> Result<T, SearchError> {
    let mut renewer = store.reconnect()?;
    let (stop, stopped) = mpsc::channel::<()>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(lease / 4) {
                // A failed renewal is retried at the next tick; the lease outlives three of them.
                if let Ok(false) = renewer.renew(trial.number, id, lease) {
                    return; // taken over: `finish` will say so
                }
            }
        });
        let out = job();
        drop(stop);
        Ok(out)
    })
}
