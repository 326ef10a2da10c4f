//! The life of a run directory. A run is trained in its final, visible folder, marked [`files::UNFINISHED`]
//! and locked by the process training it; it checkpoints into [`files::CHECKPOINTS`] as it goes. A run
//! killed (or stopped by a failed write) keeps its folder and can be resumed; a finished run has no marker
//! and no checkpoints; a run that fails for any other reason before it has a checkpoint leaves nothing.

use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::{RunFileError, files, write_atomic, write_json};

/// What a folder holds, as far as runs go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    /// Not a run directory (no `recipe.json`), or absent.
    NotARun,
    /// A run that has not finished: resumable.
    Unfinished,
    /// A finished run: `report.json` written, no unfinished marker.
    Finished,
}

/// What `dir` holds.
pub fn run_state(dir: &Path) -> RunState {
    if dir.join(files::UNFINISHED).is_file() && dir.join(files::RECIPE).is_file() {
        RunState::Unfinished
    } else if dir.join(files::REPORT).is_file() && dir.join(files::RECIPE).is_file() {
        RunState::Finished
    } else {
        RunState::NotARun
    }
}

/// A run directory being trained, held locked by this process.
#[derive(Debug)]
pub struct RunDir {
    path: PathBuf,
    created: bool,
    _lock: File,
}

impl RunDir {
    /// Start the run directory `target`, which must not exist yet or be an empty folder.
    pub fn create(target: &Path) -> Result<Self, RunFileError> {
        if target.exists() && !target.is_dir() {
            return Err(RunFileError::new(target, "exists and is not a folder; choose another --out"));
        }
        let non_empty = target.exists() && fs::read_dir(target).map(|mut d| d.next().is_some()).unwrap_or(true);
        if non_empty {
            let hint = match run_state(target) {
                RunState::Unfinished => format!("; it is an unfinished run: continue it with `tricks train --resume {}`", target.display()),
                _ => "; choose another --out".into(),
            };
            return Err(RunFileError::new(target, format!("the run directory already exists and is not empty{hint}")));
        }
        fs::create_dir_all(target.join(files::CHECKPOINTS)).map_err(|e| RunFileError::new(target, format!("could not create: {e}")))?;
        let marker = target.join(files::UNFINISHED);
        let text = format!("This run has not finished. Continue it with:\n  tricks train --resume {}\n", target.display());
        write_atomic(&marker, text.as_bytes())?;
        let lock = lock(&marker)?;
        Ok(RunDir { path: target.to_path_buf(), created: true, _lock: lock })
    }

    /// Take up the unfinished run in `target` again: refused for a finished run, a folder that is not a
    /// run, and a run that another process holds.
    pub fn resume(target: &Path) -> Result<Self, RunFileError> {
        match run_state(target) {
            RunState::Unfinished => {}
            RunState::Finished => {
                return Err(RunFileError::new(target, "this run has already finished: there is nothing to resume (its report is report.json)"));
            }
            RunState::NotARun => {
                return Err(RunFileError::new(target, "not an unfinished run directory (no UNFINISHED marker beside a recipe.json): nothing to resume"));
            }
        }
        let lock = lock(&target.join(files::UNFINISHED))?;
        fs::create_dir_all(target.join(files::CHECKPOINTS)).map_err(|e| RunFileError::new(target, e))?;
        // Temporaries of writes cut short by the kill.
        for folder in [target.to_path_buf(), target.join(files::CHECKPOINTS)] {
            for entry in fs::read_dir(&folder).map_err(|e| RunFileError::new(&folder, e))?.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') && name.ends_with(".tmp") {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
        Ok(RunDir { path: target.to_path_buf(), created: false, _lock: lock })
    }

    /// The run directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path of the file `name` of the run directory.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The path of the file `name` in the checkpoints folder.
    pub fn checkpoint_file(&self, name: &str) -> PathBuf {
        self.path.join(files::CHECKPOINTS).join(name)
    }

    /// Whether this process created the folder (rather than resuming it).
    pub fn created(&self) -> bool {
        self.created
    }

    /// Whether any training stage has checkpointed or any pre-trained level has been saved: work that a
    /// resumed run would not repeat.
    pub fn holds_work(&self) -> bool {
        let checkpoints = fs::read_dir(self.path.join(files::CHECKPOINTS)).map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().ends_with(".ckpt")));
        checkpoints.unwrap_or(false) || self.file(&files::level_report(1)).is_file()
    }

    /// Write `value` as pretty JSON to `name`, atomically.
    pub fn write_json(&self, name: &str, value: &impl Serialize) -> Result<(), RunFileError> {
        write_json(&self.file(name), value)
    }

    /// Write `text` to `name`, atomically.
    pub fn write_text(&self, name: &str, text: &str) -> Result<(), RunFileError> {
        write_atomic(&self.file(name), text.as_bytes())
    }

    /// The run is complete: remove the unfinished marker, then the checkpoints. Returns the run's path.
    pub fn finish(self) -> Result<PathBuf, RunFileError> {
        let marker = self.file(files::UNFINISHED);
        fs::remove_file(&marker).map_err(|e| RunFileError::new(&marker, e))?;
        let checkpoints = self.file(files::CHECKPOINTS);
        fs::remove_dir_all(&checkpoints).map_err(|e| RunFileError::new(&checkpoints, e))?;
        Ok(self.path.clone())
    }

    /// The run failed: remove its folder if this process created it and it holds no work worth resuming;
    /// otherwise leave it unfinished. Returns whether it was kept.
    pub fn abandon(self, keep_work: bool) -> bool {
        if self.created && !(keep_work && self.holds_work()) {
            let _ = fs::remove_dir_all(&self.path);
            false
        } else {
            true
        }
    }
}

fn lock(marker: &Path) -> Result<File, RunFileError> {
    let file = File::options().read(true).write(true).open(marker).map_err(|e| RunFileError::new(marker, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(RunFileError::new(marker, "another process is training this run now (its lock is held)")),
        Err(TryLockError::Error(e)) => Err(RunFileError::new(marker, format!("could not lock: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_created_unfinished_locked_and_finishes_clean() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("run");
        let dir = RunDir::create(&target).unwrap();
        dir.write_json(files::RECIPE, &1).unwrap();
        assert_eq!(run_state(&target), RunState::Unfinished);
        let e = RunDir::resume(&target).unwrap_err().to_string();
        assert!(e.contains("another process"), "{e}");
        let e = RunDir::create(&target).unwrap_err().to_string();
        assert!(e.contains("--resume"), "{e}");
        dir.write_json(files::REPORT, &2).unwrap();
        dir.finish().unwrap();
        assert_eq!(run_state(&target), RunState::Finished);
        assert!(!target.join(files::CHECKPOINTS).exists());
        let e = RunDir::resume(&target).unwrap_err().to_string();
        assert!(e.contains("already finished"), "{e}");
        let e = RunDir::resume(root.path()).unwrap_err().to_string();
        assert!(e.contains("not an unfinished run"), "{e}");
    }

    #[test]
    fn a_dropped_run_unlocks_and_resumes_and_a_failed_one_without_work_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("run");
        let dir = RunDir::create(&target).unwrap();
        dir.write_json(files::RECIPE, &1).unwrap();
        fs::write(dir.checkpoint_file(".train.ckpt.1.tmp"), "x").unwrap();
        drop(dir); // as a killed process: the lock goes with it
        let dir = RunDir::resume(&target).unwrap();
        assert!(!dir.checkpoint_file(".train.ckpt.1.tmp").exists());
        assert!(dir.abandon(true), "a resumed run is never removed");
        let other = root.path().join("other");
        let dir = RunDir::create(&other).unwrap();
        fs::write(dir.checkpoint_file("train.ckpt"), "x").unwrap();
        assert!(dir.abandon(true));
        assert!(other.exists());
        let third = root.path().join("third");
        assert!(!RunDir::create(&third).unwrap().abandon(false));
        assert!(!third.exists());
    }
}
