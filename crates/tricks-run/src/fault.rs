//! Faults injected on purpose, for the tests that prove a run survives them. Read once from the
//! environment variable `TRICKS_FAULT`, a comma-separated list of:
//!
//! - `kill-after-update=STAGE:N` — the process kills itself with SIGKILL right after update N of the
//!   training stage STAGE (`train`, `level1`, `level2`, …, `fine-tune`);
//! - `kill-before-rename=FILE:N` — at the N-th atomic write of a file named FILE in this process, after the
//!   temporary file is written and synced and before it is renamed into place: SIGKILL;
//! - `fail-write=FILE:N` — the N-th atomic write of FILE fails as a full disk would.
//!
//! Unset (always, outside tests), nothing happens.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The environment variable read.
pub const ENV: &str = "TRICKS_FAULT";

#[derive(Debug, Clone, PartialEq)]
enum Fault {
    KillAfterUpdate { stage: String, update: u64 },
    KillBeforeRename { file: String, nth: u64 },
    FailWrite { file: String, nth: u64 },
}

fn faults() -> &'static [Fault] {
    static FAULTS: OnceLock<Vec<Fault>> = OnceLock::new();
    FAULTS.get_or_init(|| std::env::var(ENV).map(|v| parse(&v)).unwrap_or_default())
}

fn parse(spec: &str) -> Vec<Fault> {
    spec.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|item| {
            let (kind, arg) = item.trim().split_once('=').unwrap_or_else(|| panic!("{ENV}: `{item}` is not KIND=WHAT:N"));
            let (what, n) = arg.rsplit_once(':').unwrap_or_else(|| panic!("{ENV}: `{item}` is not KIND=WHAT:N"));
            let n: u64 = n.parse().unwrap_or_else(|_| panic!("{ENV}: `{item}`: N is not a number"));
            let what = what.to_string();
            match kind {
                "kill-after-update" => Fault::KillAfterUpdate { stage: what, update: n },
                "kill-before-rename" => Fault::KillBeforeRename { file: what, nth: n },
                "fail-write" => Fault::FailWrite { file: what, nth: n },
                other => panic!("{ENV}: unknown fault `{other}`"),
            }
        })
        .collect()
}

/// Kill this process with SIGKILL, as a power cut or the out-of-memory killer would: no destructor runs.
fn kill_self() -> ! {
    let pid = std::process::id();
    let _ = std::process::Command::new("sh").arg("-c").arg(format!("kill -9 {pid}")).status();
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

/// Called by the training loop after each update of `stage`.
pub fn after_update(stage: &str, update: u64) {
    if faults().iter().any(|f| matches!(f, Fault::KillAfterUpdate { stage: s, update: u } if s == stage && *u == update)) {
        kill_self();
    }
}

/// What an atomic write of `file` must do now, counting this write.
pub(crate) enum WriteFault {
    None,
    KillBeforeRename,
    Fail,
}

pub(crate) fn on_write(file: &str) -> WriteFault {
    if faults().is_empty() {
        return WriteFault::None;
    }
    static COUNTS: OnceLock<Mutex<HashMap<String, u64>>> = OnceLock::new();
    let mut counts = COUNTS.get_or_init(Default::default).lock().expect("fault counter");
    let nth = counts.entry(file.to_string()).or_default();
    *nth += 1;
    for f in faults() {
        match f {
            Fault::KillBeforeRename { file: name, nth: n } if name == file && n == nth => return WriteFault::KillBeforeRename,
            Fault::FailWrite { file: name, nth: n } if name == file && n == nth => return WriteFault::Fail,
            _ => {}
        }
    }
    WriteFault::None
}

/// See [`on_write`]: kill now.
pub(crate) fn kill_now() -> ! {
    kill_self()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_lists_parse() {
        assert_eq!(
            parse("kill-after-update=level2:7, fail-write=train.ckpt:3,kill-before-rename=fine-tune.ckpt:2"),
            vec![
                Fault::KillAfterUpdate { stage: "level2".into(), update: 7 },
                Fault::FailWrite { file: "train.ckpt".into(), nth: 3 },
                Fault::KillBeforeRename { file: "fine-tune.ckpt".into(), nth: 2 },
            ]
        );
        assert!(parse("").is_empty());
    }
}
