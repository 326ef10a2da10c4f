//! Run directories are written in a hidden staging folder beside their final place and renamed into
//! place only when complete, so that a failed run leaves nothing half-written.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::TrainError;

/// A run directory being written.
pub struct RunDir {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl RunDir {
    /// Start writing the run directory `target`, which must not exist yet (or be empty).
    pub fn create(target: &Path) -> Result<Self, TrainError> {
        if target.exists() && fs::read_dir(target).map(|mut d| d.next().is_some()).unwrap_or(true) {
            return Err(TrainError::io(target, "the run directory already exists and is not empty; choose another --out"));
        }
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| TrainError::io(parent, e))?;
        let name = target.file_name().ok_or_else(|| TrainError::io(target, "not a directory name"))?;
        let staging = parent.join(format!(".{}.partial-{}", name.to_string_lossy(), std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| TrainError::io(&staging, e))?;
        }
        fs::create_dir_all(&staging).map_err(|e| TrainError::io(&staging, e))?;
        Ok(RunDir { staging, target: target.to_path_buf(), committed: false })
    }

    /// The folder being written (the staging folder until the run is committed).
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Where the file `name` is written until the run is committed.
    pub fn file(&self, name: &str) -> PathBuf {
        self.staging.join(name)
    }

    /// Write `value` as pretty JSON to `name`.
    pub fn write_json(&self, name: &str, value: &impl Serialize) -> Result<(), TrainError> {
        let text = serde_json::to_string_pretty(value).expect("run metadata serialises");
        self.write_text(name, &(text + "\n"))
    }

    /// Write `text` to `name`.
    pub fn write_text(&self, name: &str, text: &str) -> Result<(), TrainError> {
        let path = self.file(name);
        fs::write(&path, text).map_err(|e| TrainError::io(&path, e))
    }

    /// Move the finished directory into place and return its path.
    pub fn commit(mut self) -> Result<PathBuf, TrainError> {
        if self.target.exists() {
            fs::remove_dir(&self.target).map_err(|e| TrainError::io(&self.target, e))?;
        }
        fs::rename(&self.staging, &self.target).map_err(|e| TrainError::io(&self.target, e))?;
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_uncommitted_run_leaves_nothing_behind() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("run");
        {
            let dir = RunDir::create(&target).unwrap();
            dir.write_text("a.txt", "x").unwrap();
        }
        assert!(!target.exists());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_committed_run_appears_whole_and_an_existing_one_is_not_overwritten() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("run");
        let dir = RunDir::create(&target).unwrap();
        dir.write_json("r.json", &vec![1, 2]).unwrap();
        assert!(!target.exists());
        dir.commit().unwrap();
        assert!(target.join("r.json").is_file());
        let err = RunDir::create(&target).err().unwrap().to_string();
        assert!(err.contains("already exists"), "{err}");
    }
}
