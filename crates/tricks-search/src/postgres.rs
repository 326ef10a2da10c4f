//! A study in PostgreSQL, for workers on many machines: any number of studies in one database, keyed by
//! name, with the same semantics as [`Sqlite`](crate::Sqlite) and the database's clock for every lease.

use std::fmt;
use std::ops::Range;
use std::time::Duration;

use postgres::{Client, GenericClient, NoTls, Row};

use crate::store::{given_up, nothing_to_claim, outcome_columns};
use crate::study::{Next, Outcome, StudyConfig, Trial, TrialState};
use crate::{SearchError, Store, WorkerId};

/// The tables, created when missing under an advisory lock (two workers starting at once on a fresh
/// database would otherwise race on `CREATE TABLE IF NOT EXISTS`). Configurations and settings are stored
/// as the JSON text serde writes, so that they read back bit for bit (JSONB would rewrite numbers).
const SCHEMA: &str = "
    SELECT pg_advisory_xact_lock(127978090834803); -- \"tricks\" in ASCII
    CREATE TABLE IF NOT EXISTS tricks_studies (name TEXT PRIMARY KEY, config TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS tricks_trials (
        study TEXT NOT NULL REFERENCES tricks_studies (name), number BIGINT NOT NULL, assignment TEXT NOT NULL,
        state TEXT NOT NULL, score DOUBLE PRECISION, seconds DOUBLE PRECISION, reason TEXT, attempts INTEGER NOT NULL,
        worker TEXT, lease_until TIMESTAMPTZ, PRIMARY KEY (study, number));";

/// A trial's columns as [`trial_of`] reads them, the lease in seconds since the epoch of the database's clock.
const COLUMNS: &str = "number, assignment, state, score, seconds, reason, attempts, worker, extract(epoch FROM lease_until)::float8";

/// A study in a PostgreSQL database, shared by workers on any number of machines.
///
/// Every method is one transaction, in the database's default isolation (read committed): a worker
/// re-queues abandoned trials and claims a queued one with `SELECT … FOR UPDATE SKIP LOCKED` (two workers
/// never wait for, nor take, the same trial), and proposes a new trial holding the study's row
/// (`SELECT … FOR UPDATE`), so the budget counts the study's trials exactly. Leases are times of the
/// database's clock (`clock_timestamp()`), so the workers' clocks need not agree. A worker on another
/// machine is given up for dead when its lease runs out; one on this host, as soon as its process is
/// gone ([`WorkerId::is_dead_here`]): machines sharing a study need distinct host names.
///
/// The connection is unencrypted (`NoTls`): fit for a server on loopback or a cluster's private
/// network, not for one reached over the internet. The password in a URL is never shown: errors and
/// `Debug` give the URL through [`Postgres::redact`].
pub struct Postgres {
    url: String,
    study: String,
    db: Client,
}

impl Postgres {
    /// Connect to the database at `url` (`postgres://user:password@host:port/database`, or libpq's
    /// `key=value` form) and serve the study named `study`, creating the tables when missing.
    pub fn connect(url: &str, study: &str) -> Result<Postgres, SearchError> {
        let fail = |e: postgres::Error| SearchError::Store(format!("{}: {}", Postgres::redact(url), scrub(&describe(&e), url)));
        let mut db = Client::connect(url, NoTls).map_err(fail)?;
        let mut tx = db.transaction().map_err(fail)?;
        tx.batch_execute(SCHEMA).map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(Postgres { url: url.to_string(), study: study.to_string(), db })
    }

    /// `url` with its password, if any, replaced by `***` (in the userinfo of a URL, and as a `password`
    /// option of a URL's query or of the `key=value` form).
    pub fn redact(url: &str) -> String {
        // Overlapping secrets (a `password=` inside a userinfo, or a userinfo inside a `password=` value)
        // are hidden as one.
        let mut hidden: Vec<Range<usize>> = Vec::new();
        for range in secrets(url) {
            match hidden.last_mut() {
                Some(last) if range.start < last.end => last.end = last.end.max(range.end),
                _ => hidden.push(range),
            }
        }
        let mut out = url.to_string();
        for range in hidden.into_iter().rev() {
            out.replace_range(range, "***");
        }
        out
    }

    /// `text` with every form of `url`'s password (as written, and as the client decodes it) replaced by
    /// `***`: for a message that may quote it, as a connection error does.
    pub fn scrub(text: &str, url: &str) -> String {
        scrub(text, url)
    }

    fn missing(&self) -> SearchError {
        SearchError::Store(format!("no study `{}` in {}", self.study, Postgres::redact(&self.url)))
    }
}

impl fmt::Debug for Postgres {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Postgres").field("url", &Postgres::redact(&self.url)).field("study", &self.study).finish_non_exhaustive()
    }
}

/// Where passwords lie in `url`, in order: the userinfo's after its first `:` (everything up to the last
/// `@`, so a password holding `@` or `/` is covered too), and each `password=` value.
fn secrets(url: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    if let Some(start) = url.find("://").map(|i| i + 3)
        && let Some(at) = url[start..].rfind('@').map(|i| start + i)
        && let Some(colon) = url[start..at].find(':').map(|i| start + i)
    {
        found.push(colon + 1..at);
    }
    let lower = url.to_ascii_lowercase();
    let bytes = url.as_bytes();
    let skip_spaces = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut from = 0;
    while let Some(i) = lower[from..].find("password").map(|i| from + i) {
        from = i + "password".len();
        let eq = skip_spaces(from);
        if bytes.get(eq) != Some(&b'=') {
            continue;
        }
        let start = skip_spaces(eq + 1);
        let mut end = start;
        if bytes.get(start) == Some(&b'\'') {
            end += 1;
            while end < bytes.len() && bytes[end] != b'\'' {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            end = (end + 1).min(bytes.len());
        } else {
            while end < bytes.len() && !bytes[end].is_ascii_whitespace() && bytes[end] != b'&' {
                end += 1;
            }
        }
        if end > start && !found.iter().any(|r: &Range<usize>| r.contains(&start)) {
            found.push(start..end);
        }
        from = end.max(from);
    }
    found.sort_by_key(|r| r.start);
    found
}

/// `text` with every form of `url`'s password (as written, and as the client decodes it) replaced by `***`.
fn scrub(text: &str, url: &str) -> String {
    let mut forms: Vec<String> = secrets(url).into_iter().map(|r| url[r].to_string()).collect();
    if let Ok(config) = url.parse::<postgres::Config>()
        && let Some(password) = config.get_password()
    {
        forms.push(String::from_utf8_lossy(password).into_owned());
    }
    forms.into_iter().filter(|f| !f.is_empty()).fold(text.to_string(), |text, form| text.replace(&form, "***"))
}

/// An error with its causes (the client's own `Display` says only "db error" or "error connecting to server").
fn describe(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text = format!("{text}: {c}");
        cause = c.source();
    }
    text
}

// Errors after connecting name no URL, so they need no redaction.
impl From<postgres::Error> for SearchError {
    fn from(e: postgres::Error) -> Self {
        SearchError::Store(describe(&e))
    }
}

/// A trial and its lease (seconds of the database's clock) from a row of [`COLUMNS`].
fn trial_of(row: &Row) -> Result<(Trial, Option<f64>), SearchError> {
    let trial = Trial {
        number: row.try_get::<_, i64>(0)? as u64,
        assignment: serde_json::from_str(row.try_get(1)?)?,
        state: TrialState::parse(row.try_get(2)?)?,
        score: row.try_get(3)?,
        seconds: row.try_get(4)?,
        reason: row.try_get(5)?,
        attempts: row.try_get::<_, i32>(6)? as u32,
        worker: row.try_get(7)?,
    };
    Ok((trial, row.try_get(8)?))
}

/// The study's configuration; with `lock`, its row is held until the transaction ends.
fn stored_config(db: &mut impl GenericClient, study: &str, lock: bool) -> Result<Option<StudyConfig>, SearchError> {
    let query = if lock { "SELECT config FROM tricks_studies WHERE name = $1 FOR UPDATE" } else { "SELECT config FROM tricks_studies WHERE name = $1" };
    let row = db.query_opt(query, &[&study])?;
    row.map(|r| serde_json::from_str(r.try_get(0)?).map_err(SearchError::from)).transpose()
}

fn save_config(db: &mut impl GenericClient, study: &str, config: &StudyConfig) -> Result<(), SearchError> {
    db.execute("UPDATE tricks_studies SET config = $2 WHERE name = $1", &[&study, &serde_json::to_string(config)?])?;
    Ok(())
}

fn all_trials(db: &mut impl GenericClient, study: &str) -> Result<Vec<Trial>, SearchError> {
    let rows = db.query(&format!("SELECT {COLUMNS} FROM tricks_trials WHERE study = $1 ORDER BY number"), &[&study])?;
    rows.iter().map(|r| trial_of(r).map(|(t, _)| t)).collect()
}

impl Store for Postgres {
    fn open(&mut self, config: &StudyConfig) -> Result<StudyConfig, SearchError> {
        let mut tx = self.db.transaction()?;
        tx.execute("INSERT INTO tricks_studies (name, config) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", &[&self.study, &serde_json::to_string(config)?])?;
        let stored = stored_config(&mut tx, &self.study, true)?.ok_or_else(|| SearchError::Store("a created study vanished".into()))?;
        stored.check_same(config)?;
        let stored = StudyConfig { budget: config.budget, extend: config.extend, ..stored };
        save_config(&mut tx, &self.study, &stored)?;
        tx.commit()?;
        Ok(stored)
    }

    fn config(&mut self) -> Result<StudyConfig, SearchError> {
        stored_config(&mut self.db, &self.study, false)?.ok_or_else(|| self.missing())
    }

    fn claim(&mut self, worker: &WorkerId, lease: Duration) -> Result<Next, SearchError> {
        let (study, me, lease) = (self.study.as_str(), worker.to_string(), lease.as_secs_f64());
        let missing = self.missing();
        let mut tx = self.db.transaction()?;
        // Running trials that no other transaction holds, each read with the database's time.
        let running = tx.query(
            &format!("SELECT {COLUMNS}, extract(epoch FROM clock_timestamp())::float8 FROM tricks_trials WHERE study = $1 AND state = 'running' FOR UPDATE SKIP LOCKED"),
            &[&study],
        )?;
        for row in &running {
            let (trial, lease_until) = trial_of(row)?;
            if let Some((state, reason)) = given_up(&trial, row.try_get(9)?, lease_until) {
                tx.execute(
                    "UPDATE tricks_trials SET state = $3, reason = $4, lease_until = NULL WHERE study = $1 AND number = $2",
                    &[&study, &(trial.number as i64), &state.as_str(), &reason],
                )?;
            }
        }
        let queued =
            tx.query_opt("SELECT number FROM tricks_trials WHERE study = $1 AND state = 'queued' ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED", &[&study])?;
        let claimed = if let Some(row) = queued {
            let number: i64 = row.try_get(0)?;
            tx.query_one(
                &format!(
                    "UPDATE tricks_trials SET state = 'running', attempts = attempts + 1, worker = $3, lease_until = clock_timestamp() + make_interval(secs => $4)
                     WHERE study = $1 AND number = $2 RETURNING {COLUMNS}"
                ),
                &[&study, &number, &me, &lease],
            )?
        } else {
            // From here until commit, no other worker proposes a trial of this study.
            let mut config = stored_config(&mut tx, study, true)?.ok_or(missing)?;
            let trials = all_trials(&mut tx, study)?;
            if let Some(extension) = config.extension_due(&trials) {
                config.extensions.push(extension);
                save_config(&mut tx, study, &config)?;
            }
            let Some(assignment) = config.next_setting(&trials) else {
                tx.commit()?;
                return Ok(nothing_to_claim(&trials));
            };
            tx.query_one(
                &format!(
                    "INSERT INTO tricks_trials (study, number, assignment, state, attempts, worker, lease_until)
                     VALUES ($1, $2, $3, 'running', 1, $4, clock_timestamp() + make_interval(secs => $5)) RETURNING {COLUMNS}"
                ),
                &[&study, &(trials.len() as i64), &serde_json::to_string(&assignment)?, &me, &lease],
            )?
        };
        let (trial, _) = trial_of(&claimed)?;
        tx.commit()?;
        Ok(Next::Run(trial))
    }

    fn renew(&mut self, number: u64, worker: &WorkerId, lease: Duration) -> Result<bool, SearchError> {
        let changed = self.db.execute(
            "UPDATE tricks_trials SET lease_until = clock_timestamp() + make_interval(secs => $4)
             WHERE study = $1 AND number = $2 AND state = 'running' AND worker = $3",
            &[&self.study, &(number as i64), &worker.to_string(), &lease.as_secs_f64()],
        )?;
        Ok(changed == 1)
    }

    fn finish(&mut self, number: u64, worker: &WorkerId, outcome: &Outcome) -> Result<bool, SearchError> {
        let (state, score, seconds, reason) = outcome_columns(outcome);
        let changed = self.db.execute(
            "UPDATE tricks_trials SET state = $4, score = $5, seconds = $6, reason = $7, lease_until = NULL
             WHERE study = $1 AND number = $2 AND state = 'running' AND worker = $3",
            &[&self.study, &(number as i64), &worker.to_string(), &state.as_str(), &score, &seconds, &reason],
        )?;
        Ok(changed == 1)
    }

    fn trials(&mut self) -> Result<Vec<Trial>, SearchError> {
        all_trials(&mut self.db, &self.study)
    }

    fn reconnect(&self) -> Result<Box<dyn Store>, SearchError> {
        Ok(Box::new(Postgres::connect(&self.url, &self.study)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_the_password_in_every_form() {
        assert_eq!(Postgres::redact("postgres://tricks:s3cret@127.0.0.1:5432/tricks"), "postgres://tricks:***@127.0.0.1:5432/tricks");
        assert_eq!(Postgres::redact("postgresql://tri:cks:p@ss/w@db.lan/tricks"), "postgresql://tri:***@db.lan/tricks");
        assert_eq!(Postgres::redact("postgres://tricks@localhost/tricks"), "postgres://tricks@localhost/tricks", "no password, nothing hidden");
        assert_eq!(
            Postgres::redact("postgres://localhost/tricks?user=me&password=s3cret&sslmode=disable"),
            "postgres://localhost/tricks?user=me&password=***&sslmode=disable"
        );
        assert_eq!(Postgres::redact("host=db user=me password = 's3 cr\\'et' dbname=x"), "host=db user=me password = *** dbname=x");
        assert_eq!(Postgres::redact("host=db PASSWORD=s3cret"), "host=db PASSWORD=***");
    }

    #[test]
    fn a_connection_error_does_not_show_the_password() {
        // Port 1 on loopback: refused at once, no server needed.
        for url in [
            "postgres://tricks:Sup3rS3cret%21@127.0.0.1:1/tricks",
            "host=127.0.0.1 port=1 user=tricks password=Sup3rS3cret! dbname=tricks",
            "postgres://tricks:Sup3rS3cret%21@127.0.0.1:notaport/tricks",
        ] {
            let e = Postgres::connect(url, "study").unwrap_err().to_string();
            assert!(!e.contains("Sup3rS3cret"), "{e}");
            assert!(e.contains("***") && (e.contains("connecting") || e.contains("invalid")), "{e}");
        }
    }

    #[test]
    fn scrub_hides_the_decoded_password_too() {
        let url = "postgres://tricks:p%40ss%2Fword@127.0.0.1/tricks";
        assert_eq!(scrub("auth failed for p@ss/word and p%40ss%2Fword", url), "auth failed for *** and ***");
    }
}
