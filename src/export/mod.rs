//! Writing results. Exporters turn results into bytes and do no I/O ([`tables`], [`manifest`]);
//! [`ResultsDir`] writes files into a hidden temporary folder beside the target and renames it
//! into place only when everything is written, so an interrupted run never leaves a folder that
//! looks complete, and earlier results are replaced only with `--force`.

pub mod folder;
pub mod manifest;
pub mod tables;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::UserError;

/// Refuse an existing results folder unless `force` (checked before any work starts).
pub fn ensure_writable(target: &Path, force: bool) -> Result<(), UserError> {
    if target.exists() && !force {
        return Err(UserError::OutputExists(target.to_path_buf()));
    }
    Ok(())
}

/// A results folder being written: files go to a temporary sibling until [`ResultsDir::commit`].
#[derive(Debug)]
pub struct ResultsDir {
    target: PathBuf,
    staging: PathBuf,
    force: bool,
    files: Vec<String>,
}

impl ResultsDir {
    /// Start writing results destined for `target`.
    pub fn create(target: &Path, force: bool) -> anyhow::Result<ResultsDir> {
        ensure_writable(target, force)?;
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "results".into());
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging)
                .with_context(|| format!("cannot clear {}", staging.display()))?;
        }
        fs::create_dir_all(&staging)
            .with_context(|| format!("cannot create {}", staging.display()))?;
        Ok(ResultsDir {
            target: target.to_path_buf(),
            staging,
            force,
            files: Vec::new(),
        })
    }

    /// Write one file (relative path inside the results folder).
    pub fn write(&mut self, relative: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.staging.join(relative);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        self.files.push(relative.to_string());
        Ok(())
    }

    /// The temporary folder being written (for steps that read back what was written, such as
    /// the HTML report).
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Files written so far, in order.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Move the finished folder into place (replacing an old one only with `force`).
    pub fn commit(self) -> anyhow::Result<PathBuf> {
        if self.target.exists() {
            if !self.force {
                return Err(UserError::OutputExists(self.target.clone()).into());
            }
            let old = self.staging.with_extension("old");
            fs::rename(&self.target, &old).with_context(|| {
                format!("cannot move old results {} aside", self.target.display())
            })?;
            fs::remove_dir_all(&old).with_context(|| format!("cannot remove {}", old.display()))?;
        }
        fs::rename(&self.staging, &self.target)
            .with_context(|| format!("cannot move results into {}", self.target.display()))?;
        Ok(self.target.clone())
    }
}

impl Drop for ResultsDir {
    fn drop(&mut self) {
        // An abandoned (failed) write leaves no partial folder behind.
        if self.staging.exists() {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_visible_until_commit_and_existing_results_are_kept_without_force() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let target = tmp.path().join("run");
        let mut dir = ResultsDir::create(&target, false).expect("create");
        dir.write("a.csv", b"x\n1\n").expect("write");
        assert!(!target.exists());
        dir.commit().expect("commit");
        assert_eq!(fs::read(target.join("a.csv")).expect("read"), b"x\n1\n");
        assert!(ResultsDir::create(&target, false).is_err());
        let mut again = ResultsDir::create(&target, true).expect("force");
        again.write("b.csv", b"y\n").expect("write");
        again.commit().expect("commit");
        assert!(target.join("b.csv").exists());
        assert!(!target.join("a.csv").exists());
    }

    #[test]
    fn a_dropped_write_leaves_nothing() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let target = tmp.path().join("run");
        {
            let mut dir = ResultsDir::create(&target, false).expect("create");
            dir.write("a.csv", b"x").expect("write");
        }
        assert_eq!(fs::read_dir(tmp.path()).expect("list").count(), 0);
    }
}
