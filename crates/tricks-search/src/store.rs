//! Where a study lives: one trait, SQLite (one file per study, safe for many local processes), and the
//! decisions every storage makes the same way once it has read a trial. PostgreSQL is in `postgres.rs`.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::study::{MAX_ATTEMPTS, Next, Outcome, StudyConfig, Trial, TrialState, abandoned};
use crate::{SearchError, WorkerId};

/// The storage of one study, shared by its workers. Every method is one transaction: a trial is claimed
/// by exactly one worker, the budget counts the study's trials, and a trial whose worker died is
/// re-queued (at once when the worker was a process of this host, else when its lease runs out).
pub trait Store: Send {
    /// Create the study from `config`, or open the stored one after checking that `config` describes it
    /// ([`StudyConfig::check_same`]); the budget and `extend` given replace the stored ones. Returns the
    /// stored configuration.
    fn open(&mut self, config: &StudyConfig) -> Result<StudyConfig, SearchError>;
    /// The stored configuration, with its widenings.
    fn config(&mut self) -> Result<StudyConfig, SearchError>;
    /// Re-queue abandoned trials, then claim one: a queued trial first, else a new one while the budget
    /// allows (widening an interval first when due).
    fn claim(&mut self, worker: &WorkerId, lease: Duration) -> Result<Next, SearchError>;
    /// Extend `worker`'s lease of trial `number`; `false` when the worker no longer holds it.
    fn renew(&mut self, number: u64, worker: &WorkerId, lease: Duration) -> Result<bool, SearchError>;
    /// Store how trial `number` ended; `false` (and nothing stored) when `worker` no longer holds it.
    fn finish(&mut self, number: u64, worker: &WorkerId, outcome: &Outcome) -> Result<bool, SearchError>;
    /// Every trial, by number.
    fn trials(&mut self) -> Result<Vec<Trial>, SearchError>;
    /// A second connection to the same study (a worker renews its lease on one while it trains).
    fn reconnect(&self) -> Result<Box<dyn Store>, SearchError>;
}

/// How long a writer waits for another one before giving up (ours: far beyond any transaction here,
/// so that many processes never see "database is locked").
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(120);

/// A study in one SQLite file: WAL journal (readers never block the writer), `synchronous = FULL` (a
/// committed trial survives a power cut), a busy timeout, and write transactions begun `IMMEDIATE`, so two
/// processes never both read and then both try to upgrade to writing (the cause of "database is locked"
/// under a busy timeout).
pub struct Sqlite {
    path: PathBuf,
    db: Connection,
}

impl Sqlite {
    /// Open or create the study file at `path`.
    pub fn open(path: &Path) -> Result<Sqlite, SearchError> {
        let db = Connection::open(path).map_err(|e| SearchError::Store(format!("{}: {e}", path.display())))?;
        db.busy_timeout(BUSY_TIMEOUT)?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        let mut store = Sqlite { path: path.to_path_buf(), db };
        let tx = store.write()?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS study (id INTEGER PRIMARY KEY CHECK (id = 1), config TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS trials (
                 number INTEGER PRIMARY KEY, assignment TEXT NOT NULL, state TEXT NOT NULL, score REAL, seconds REAL,
                 reason TEXT, attempts INTEGER NOT NULL, worker TEXT, lease_until REAL);",
        )?;
        tx.commit()?;
        Ok(store)
    }

    fn write(&mut self) -> Result<Transaction<'_>, SearchError> {
        Ok(self.db.transaction_with_behavior(TransactionBehavior::Immediate)?)
    }
}

/// Seconds since the epoch, this machine's clock (one machine shares one SQLite file).
fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

fn stored_config(tx: &Connection) -> Result<Option<StudyConfig>, SearchError> {
    let text: Option<String> = tx.query_row("SELECT config FROM study WHERE id = 1", [], |r| r.get(0)).optional()?;
    text.map(|t| serde_json::from_str(&t)).transpose().map_err(SearchError::from)
}

fn save_config(tx: &Connection, config: &StudyConfig) -> Result<(), SearchError> {
    tx.execute("INSERT OR REPLACE INTO study (id, config) VALUES (1, ?1)", params![serde_json::to_string(config)?])?;
    Ok(())
}

fn all_trials(tx: &Connection) -> Result<Vec<(Trial, Option<f64>)>, SearchError> {
    let mut query = tx.prepare("SELECT number, assignment, state, score, seconds, reason, attempts, worker, lease_until FROM trials ORDER BY number")?;
    let rows = query.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get::<_, u32>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, Option<f64>>(8)?,
        ))
    })?;
    rows.map(|row| {
        let (number, assignment, state, score, seconds, reason, attempts, worker, lease) = row?;
        let trial = Trial {
            number: number as u64,
            assignment: serde_json::from_str(&assignment)?,
            state: TrialState::parse(&state)?,
            score,
            seconds,
            reason,
            attempts,
            worker,
        };
        Ok((trial, lease))
    })
    .collect()
}

/// The trial's worker, read back from its stored name.
fn worker_of(trial: &Trial) -> Option<WorkerId> {
    trial.worker.as_deref().and_then(WorkerId::parse)
}

/// What becomes of `trial` at `now` given its lease (seconds of the storage's clock): nothing while it is
/// not running or its worker holds it; else its new state and reason: queued again, or failed once its
/// worker died in [`MAX_ATTEMPTS`] attempts.
pub(crate) fn given_up(trial: &Trial, now: f64, lease_until: Option<f64>) -> Option<(TrialState, Option<String>)> {
    let gone = trial.state == TrialState::Running && worker_of(trial).is_none_or(|w| abandoned(now, lease_until.unwrap_or(0.0), &w));
    match gone {
        false => None,
        true if trial.attempts >= MAX_ATTEMPTS => Some((TrialState::Failed, Some(format!("its worker died in each of {MAX_ATTEMPTS} attempts")))),
        true => Some((TrialState::Queued, None)),
    }
}

/// What a worker does when it can neither claim a trial nor propose one: wait while trials are running or
/// queued elsewhere (they may yet fail or be re-queued), else the study is done.
pub(crate) fn nothing_to_claim(trials: &[Trial]) -> Next {
    match trials.iter().any(|t| matches!(t.state, TrialState::Running | TrialState::Queued)) {
        true => Next::Wait,
        false => Next::Done,
    }
}

/// The stored columns of an outcome: state, score, seconds, reason.
pub(crate) fn outcome_columns(outcome: &Outcome) -> (TrialState, Option<f64>, Option<f64>, Option<&str>) {
    match outcome {
        Outcome::Finished { score, seconds } => (TrialState::Finished, Some(*score), Some(*seconds), None),
        Outcome::Failed { reason } => (TrialState::Failed, None, None, Some(reason.as_str())),
    }
}

impl Store for Sqlite {
    fn open(&mut self, config: &StudyConfig) -> Result<StudyConfig, SearchError> {
        let tx = self.write()?;
        let stored = match stored_config(&tx)? {
            Some(stored) => {
                stored.check_same(config)?;
                StudyConfig { budget: config.budget, extend: config.extend, ..stored }
            }
            None => config.clone(),
        };
        save_config(&tx, &stored)?;
        tx.commit()?;
        Ok(stored)
    }

    fn config(&mut self) -> Result<StudyConfig, SearchError> {
        stored_config(&self.db)?.ok_or_else(|| SearchError::Store(format!("{}: no study here", self.path.display())))
    }

    fn claim(&mut self, worker: &WorkerId, lease: Duration) -> Result<Next, SearchError> {
        let tx = self.write()?;
        let mut config = stored_config(&tx)?.ok_or_else(|| SearchError::Store("no study here".into()))?;
        let now = now();
        for (trial, lease_until) in all_trials(&tx)? {
            if let Some((state, reason)) = given_up(&trial, now, lease_until) {
                tx.execute(
                    "UPDATE trials SET state = ?2, reason = ?3, lease_until = NULL WHERE number = ?1",
                    params![trial.number as i64, state.as_str(), reason],
                )?;
            }
        }
        let until = now + lease.as_secs_f64();
        let me = worker.to_string();
        let queued: Option<i64> = tx.query_row("SELECT min(number) FROM trials WHERE state = 'queued'", [], |r| r.get(0))?;
        if let Some(number) = queued {
            tx.execute(
                "UPDATE trials SET state = 'running', attempts = attempts + 1, worker = ?2, lease_until = ?3 WHERE number = ?1",
                params![number, me, until],
            )?;
        } else {
            let trials: Vec<Trial> = all_trials(&tx)?.into_iter().map(|(t, _)| t).collect();
            if let Some(extension) = config.extension_due(&trials) {
                config.extensions.push(extension);
                save_config(&tx, &config)?;
            }
            match config.next_setting(&trials) {
                Some(assignment) => {
                    tx.execute(
                        "INSERT INTO trials (number, assignment, state, attempts, worker, lease_until) VALUES (?1, ?2, 'running', 1, ?3, ?4)",
                        params![trials.len() as i64, serde_json::to_string(&assignment)?, me, until],
                    )?;
                }
                None => {
                    tx.commit()?;
                    return Ok(nothing_to_claim(&trials));
                }
            }
        }
        let mine = all_trials(&tx)?.into_iter().map(|(t, _)| t).find(|t| t.state == TrialState::Running && t.worker.as_deref() == Some(me.as_str()));
        tx.commit()?;
        Ok(Next::Run(mine.ok_or_else(|| SearchError::Store("a claimed trial vanished".into()))?))
    }

    fn renew(&mut self, number: u64, worker: &WorkerId, lease: Duration) -> Result<bool, SearchError> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE trials SET lease_until = ?3 WHERE number = ?1 AND state = 'running' AND worker = ?2",
            params![number as i64, worker.to_string(), now() + lease.as_secs_f64()],
        )?;
        tx.commit()?;
        Ok(changed == 1)
    }

    fn finish(&mut self, number: u64, worker: &WorkerId, outcome: &Outcome) -> Result<bool, SearchError> {
        let (state, score, seconds, reason) = outcome_columns(outcome);
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE trials SET state = ?3, score = ?4, seconds = ?5, reason = ?6, lease_until = NULL WHERE number = ?1 AND state = 'running' AND worker = ?2",
            params![number as i64, worker.to_string(), state.as_str(), score, seconds, reason],
        )?;
        tx.commit()?;
        Ok(changed == 1)
    }

    fn trials(&mut self) -> Result<Vec<Trial>, SearchError> {
        Ok(all_trials(&self.db)?.into_iter().map(|(t, _)| t).collect())
    }

    fn reconnect(&self) -> Result<Box<dyn Store>, SearchError> {
        Ok(Box::new(Sqlite::open(&self.path)?))
    }
}
