//! A results folder being written, and the rules that keep a user's files safe.
//!
//! - **Checked before any work.** [`ResultsDir::prepare`] runs before the simulation: it refuses
//!   a `--out` that is a file, a link, or a folder povsim did not write (even with `--force`),
//!   an existing povsim folder without `--force`, a name too long to stage, a parent that is a
//!   file; and it creates the hidden staging folder beside the target, so an unwritable place
//!   is found in a second, not after the run.
//! - **Nothing visible until complete.** Files go into `.NAME.partial-PID-N` (each synced to
//!   disk); [`ResultsDir::commit`] moves the finished folder into place.
//! - **Atomic replacement.** With `--force` the new folder and the old one are swapped in one
//!   `renameat2(RENAME_EXCHANGE)` (Linux), so at every instant `--out` holds either the old
//!   results or the new ones, complete; the old folder is removed only afterwards. Elsewhere
//!   (or on a file system without the exchange) the old folder is first renamed aside.
//! - **Only povsim's own files.** A povsim folder to which the user added files of their own is
//!   not replaced: the message lists them.
//! - **Leftovers cleaned up.** A staging folder holds `.povsim-staging.lock`, locked while its
//!   process lives; a later write beside it removes staging folders whose lock is free (their
//!   process died) and old results a crashed replacement left aside, and nothing else.
//!
//! For the kill tests, `POVSIM_CRASH_AT=<point>` aborts the process at a named point of the
//! replacement ([`CrashPoint`]); nothing else reads it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::Context;

use crate::error::UserError;
use crate::export::durable::{sync_folder, write_file_synced};
use crate::export::folder::{inspect, is_povsim_results, Existing, MANIFEST};

/// Name of the lock file inside a staging folder.
const LOCK_FILE: &str = ".povsim-staging.lock";

/// Longest results folder name, bytes: the staging name adds a prefix and a suffix of about 30
/// bytes, and most file systems allow 255.
pub const MAX_NAME_BYTES: usize = 200;

/// Files povsim may add to a results folder after it was written (besides those its manifest
/// lists): `povsim report` writes `report.html` into a finished folder.
const LATER_FILES: &[&str] = &["report.html"];

/// Named points of a replacement at which `POVSIM_CRASH_AT` aborts the process (kill tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
    /// Every file is staged and synced; nothing has moved yet.
    Staged,
    /// The new folder is in place (swapped or renamed); the old one is not yet removed.
    Swapped,
    /// The old folder is removed; the parent folder is not yet synced.
    OldRemoved,
}

impl CrashPoint {
    /// The value of `POVSIM_CRASH_AT` that names this point.
    pub fn name(self) -> &'static str {
        match self {
            CrashPoint::Staged => "staged",
            CrashPoint::Swapped => "swapped",
            CrashPoint::OldRemoved => "old-removed",
        }
    }

    /// Abort here if `POVSIM_CRASH_AT` names this point.
    fn reached(self) {
        if std::env::var("POVSIM_CRASH_AT").as_deref() == Ok(self.name()) {
            std::process::abort();
        }
    }
}

/// A results folder being written: files go to a hidden staging folder until
/// [`ResultsDir::commit`].
#[derive(Debug)]
pub struct ResultsDir {
    target: PathBuf,
    staging: PathBuf,
    force: bool,
    files: Vec<String>,
    /// Held (locked) while this process writes; released when dropped.
    lock: Option<fs::File>,
    /// The staging folder has been moved into place.
    moved: bool,
}

impl ResultsDir {
    /// Check `target` and create the staging folder beside it. Call before any simulation, so
    /// that every problem with `--out` is reported before work starts.
    pub fn prepare(target: &Path, force: bool) -> anyhow::Result<ResultsDir> {
        let name = checked_name(target)?;
        check_replaceable(target, force)?;
        let parent = parent_of(target);
        create_parent(&parent)?;
        remove_dead_staging(&parent, &name);
        let staging = new_staging_path(&parent, &name);
        fs::create_dir(&staging)
            .with_context(|| format!("cannot create the staging folder {}", staging.display()))
            .map_err(|e| writable_error(&parent, e))?;
        let lock = fs::File::create(staging.join(LOCK_FILE))
            .with_context(|| format!("cannot create a lock in {}", staging.display()))?;
        lock.try_lock()
            .with_context(|| format!("cannot lock {}", staging.display()))?;
        Ok(ResultsDir {
            target: target.to_path_buf(),
            staging,
            force,
            files: Vec::new(),
            lock: Some(lock),
            moved: false,
        })
    }

    /// Write one file (relative path inside the results folder), synced to disk.
    pub fn write(&mut self, relative: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.staging.join(relative);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        write_file_synced(&path, bytes)?;
        self.files.push(relative.to_string());
        Ok(())
    }

    /// The staging folder being written (for steps that read back what was written, such as
    /// the HTML report).
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Files written so far, in order.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Move the finished folder into place, replacing an old povsim folder only with `force`
    /// (checked again now: the user may have changed it while the simulation ran).
    pub fn commit(mut self) -> anyhow::Result<PathBuf> {
        if let Some(lock) = self.lock.take() {
            drop(lock);
            fs::remove_file(self.staging.join(LOCK_FILE))
                .with_context(|| format!("cannot finish {}", self.staging.display()))?;
        }
        sync_folder(&self.staging)?;
        CrashPoint::Staged.reached();
        let existing = check_replaceable(&self.target, self.force)?;
        let parent = parent_of(&self.target);
        if existing == Existing::Nothing {
            fs::rename(&self.staging, &self.target)
                .with_context(|| format!("cannot move results into {}", self.target.display()))?;
            self.moved = true;
            CrashPoint::Swapped.reached();
        } else {
            let old = replace(&self.staging, &self.target)?;
            self.moved = true;
            CrashPoint::Swapped.reached();
            fs::remove_dir_all(&old)
                .with_context(|| format!("cannot remove the old results {}", old.display()))?;
            CrashPoint::OldRemoved.reached();
        }
        sync_folder(&parent)?;
        Ok(self.target.clone())
    }
}

impl Drop for ResultsDir {
    fn drop(&mut self) {
        // An abandoned (failed) write leaves no staging folder behind. Once moved, the staging
        // path is gone or holds the old results, which commit removes itself.
        if !self.moved && self.staging.exists() {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// The target's file name, checked: present, valid UTF-8 not required, short enough to stage.
fn checked_name(target: &Path) -> Result<String, UserError> {
    let Some(name) = target.file_name() else {
        return Err(UserError::OutputPath {
            path: target.to_path_buf(),
            problem: "does not end in a folder name (it is a root, `.` or `..`); name a folder, \
                      e.g. --out outputs/my-run"
                .into(),
        });
    };
    let name = name.to_string_lossy().into_owned();
    if name.len() > MAX_NAME_BYTES {
        return Err(UserError::OutputPath {
            path: target.to_path_buf(),
            problem: format!(
                "has a folder name of {} bytes; at most {MAX_NAME_BYTES} are allowed",
                name.len()
            ),
        });
    }
    Ok(name)
}

/// What is at `target`, if povsim may write there (with `force` for an existing povsim folder).
fn check_replaceable(target: &Path, force: bool) -> Result<Existing, UserError> {
    let existing = inspect(target).map_err(|e| UserError::OutputPath {
        path: target.to_path_buf(),
        problem: if e.kind() == std::io::ErrorKind::NotADirectory {
            "cannot be created: part of its path is a file, not a folder".into()
        } else {
            format!("cannot be examined: {e}")
        },
    })?;
    let refuse = |what: &str| {
        Err(UserError::OutputNotOurs {
            path: target.to_path_buf(),
            what: what.to_string(),
        })
    };
    match existing {
        Existing::Nothing | Existing::EmptyFolder => Ok(existing),
        Existing::PovsimResults if !force => Err(UserError::OutputExists(target.to_path_buf())),
        Existing::PovsimResults => {
            let foreign = files_not_written_by_povsim(target);
            if foreign.is_empty() {
                Ok(existing)
            } else {
                refuse(&format!(
                    "a povsim results folder to which other files were added ({})",
                    summarise_list(&foreign)
                ))
            }
        }
        other => refuse(other.describe()),
    }
}

/// Entries of a povsim results folder that its manifest does not list (nor povsim adds later).
fn files_not_written_by_povsim(dir: &Path) -> Vec<String> {
    let listed: BTreeSet<String> = fs::read_to_string(dir.join(MANIFEST))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| v.get("files").cloned())
        .and_then(|files| serde_json::from_value::<Vec<String>>(files).ok())
        .unwrap_or_default()
        .into_iter()
        .chain([MANIFEST.to_string()])
        .chain(LATER_FILES.iter().map(|s| s.to_string()))
        .collect();
    let folders: BTreeSet<String> = listed
        .iter()
        .flat_map(|file| {
            let mut prefixes = Vec::new();
            let mut path = Path::new(file).parent();
            while let Some(p) = path.filter(|p| !p.as_os_str().is_empty()) {
                prefixes.push(p.to_string_lossy().into_owned());
                path = p.parent();
            }
            prefixes
        })
        .collect();
    let mut foreign = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let Ok(entries) = fs::read_dir(dir.join(&relative)) else {
            foreign.push(relative.to_string_lossy().into_owned());
            continue;
        };
        for entry in entries.flatten() {
            let path = relative.join(entry.file_name());
            let key = path.to_string_lossy().into_owned();
            let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
            if is_dir && folders.contains(&key) {
                stack.push(path);
            } else if is_dir || !listed.contains(&key) {
                foreign.push(key);
            }
        }
    }
    foreign.sort();
    foreign
}

/// At most five items of a list, then "and N more".
fn summarise_list(items: &[String]) -> String {
    let shown: Vec<&str> = items.iter().take(5).map(String::as_str).collect();
    let more = items.len().saturating_sub(shown.len());
    if more == 0 {
        shown.join(", ")
    } else {
        format!("{} and {more} more", shown.join(", "))
    }
}

/// The folder `target` is in (`.` for a bare name).
fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Create the parent folder, reporting a file in the way as the user's problem.
fn create_parent(parent: &Path) -> Result<(), UserError> {
    fs::create_dir_all(parent).map_err(|e| UserError::OutputPath {
        path: parent.to_path_buf(),
        problem: if e.kind() == std::io::ErrorKind::NotADirectory
            || e.kind() == std::io::ErrorKind::AlreadyExists
        {
            "cannot be created: part of its path is a file, not a folder".into()
        } else {
            format!("cannot be created as a folder: {e}")
        },
    })
}

/// A problem creating the staging folder, as the user's problem when it is about the place.
fn writable_error(parent: &Path, error: anyhow::Error) -> anyhow::Error {
    let io = error.downcast_ref::<std::io::Error>().map(|e| e.kind());
    match io {
        Some(std::io::ErrorKind::PermissionDenied)
        | Some(std::io::ErrorKind::ReadOnlyFilesystem) => UserError::OutputPath {
            path: parent.to_path_buf(),
            problem: format!("is not writable ({error:#})"),
        }
        .into(),
        _ => error,
    }
}

/// A fresh staging path beside the target: `.NAME.partial-PID-N`.
fn new_staging_path(parent: &Path, name: &str) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = parent.join(format!(".{name}.partial-{}-{n}", std::process::id()));
        if fs::symlink_metadata(&path).is_err() {
            return path;
        }
    }
}

/// Remove what dead povsim processes left beside the target: staging folders whose lock is
/// free (their process died while writing), and old results that a replacement had moved
/// aside (povsim results folders at a staging or `.old` name, with no lock). If the target
/// itself is missing and old results stand aside (a crash between the two renames where no
/// atomic exchange exists), they are put back instead. Anything else is left alone.
fn remove_dead_staging(parent: &Path, name: &str) {
    let prefixes = [format!(".{name}.partial-"), format!(".{name}.old-")];
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let target = parent.join(name);
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if !prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            continue;
        }
        let path = entry.path();
        let is_dir = fs::symlink_metadata(&path)
            .map(|m| m.file_type().is_dir())
            .unwrap_or(false);
        if !is_dir {
            continue;
        }
        match fs::OpenOptions::new()
            .write(true)
            .open(path.join(LOCK_FILE))
        {
            Ok(lock) => {
                if lock.try_lock().is_ok() {
                    let _ = fs::remove_dir_all(&path);
                }
            }
            Err(_) if is_povsim_results(&path) => {
                let aside = file_name.starts_with(prefixes[1].as_str());
                if aside && fs::symlink_metadata(&target).is_err() {
                    let _ = fs::rename(&path, &target);
                } else {
                    let _ = fs::remove_dir_all(&path);
                }
            }
            Err(_) => {}
        }
    }
}

/// Put `staging` at `target`, where an old folder stands; returns where the old folder is now.
fn replace(staging: &Path, target: &Path) -> anyhow::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        match renameat_with(CWD, staging, CWD, target, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(staging.to_path_buf()),
            Err(rustix::io::Errno::INVAL) | Err(rustix::io::Errno::NOSYS) => {}
            Err(e) => {
                return Err(std::io::Error::from(e))
                    .with_context(|| format!("cannot move results into {}", target.display()))
            }
        }
    }
    // No atomic exchange here: move the old folder aside first. A crash between the two
    // renames leaves it at `.NAME.old-...`, and the next write there puts it back.
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let old = parent_of(target).join(format!(".{name}.old-{}", std::process::id()));
    fs::rename(target, &old)
        .with_context(|| format!("cannot move old results {} aside", target.display()))?;
    fs::rename(staging, target)
        .with_context(|| format!("cannot move results into {}", target.display()))?;
    Ok(old)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn povsim_folder(dir: &Path, files: &[&str]) {
        fs::create_dir_all(dir).expect("mkdir");
        for file in files {
            let path = dir.join(file);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, "x").expect("write");
        }
        let manifest = serde_json::json!({ "povsim_version": "0", "files": files });
        fs::write(dir.join(MANIFEST), manifest.to_string()).expect("manifest");
    }

    #[test]
    fn nothing_is_visible_until_commit_and_existing_results_are_kept_without_force() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let target = tmp.path().join("run");
        let mut dir = ResultsDir::prepare(&target, false).expect("prepare");
        dir.write("a.csv", b"x\n1\n").expect("write");
        dir.write(
            MANIFEST,
            b"{\"povsim_version\": \"0\", \"files\": [\"a.csv\"]}",
        )
        .expect("write");
        assert!(!target.exists());
        dir.commit().expect("commit");
        assert_eq!(fs::read(target.join("a.csv")).expect("read"), b"x\n1\n");
        assert!(!target.join(LOCK_FILE).exists());
        assert!(ResultsDir::prepare(&target, false).is_err());
        let mut again = ResultsDir::prepare(&target, true).expect("force");
        again.write("b.csv", b"y\n").expect("write");
        again.commit().expect("commit");
        assert!(target.join("b.csv").exists());
        assert!(!target.join("a.csv").exists());
        // Only the results folder is left: no staging or old folders beside it.
        assert_eq!(fs::read_dir(tmp.path()).expect("list").count(), 1);
    }

    #[test]
    fn a_dropped_write_leaves_nothing() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let target = tmp.path().join("run");
        {
            let mut dir = ResultsDir::prepare(&target, false).expect("prepare");
            dir.write("a.csv", b"x").expect("write");
        }
        assert_eq!(fs::read_dir(tmp.path()).expect("list").count(), 0);
    }

    #[test]
    fn force_never_replaces_what_povsim_did_not_write() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mine = tmp.path().join("mine");
        fs::create_dir(&mine).expect("mkdir");
        fs::write(mine.join("notes.txt"), "mine").expect("write");
        let file = tmp.path().join("file.txt");
        fs::write(&file, "mine").expect("write");
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&mine, &link).expect("symlink");
        for path in [&mine, &file, &link] {
            let error = ResultsDir::prepare(path, true).expect_err("refused");
            assert!(matches!(
                error.downcast_ref::<UserError>(),
                Some(UserError::OutputNotOurs { .. })
            ));
        }
        // A povsim folder with a file of the user's own added is not replaced either.
        let results = tmp.path().join("results");
        povsim_folder(&results, &["a.csv", "charts/x.svg"]);
        assert!(ResultsDir::prepare(&results, true).is_ok());
        fs::write(results.join("charts/my-edit.svg"), "mine").expect("write");
        let error = ResultsDir::prepare(&results, true).expect_err("refused");
        assert!(error.to_string().contains("charts/my-edit.svg"), "{error}");
    }

    #[test]
    fn a_povsim_folder_replaced_behind_our_back_is_refused_at_commit() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let target = tmp.path().join("run");
        povsim_folder(&target, &["a.csv"]);
        let dir = ResultsDir::prepare(&target, true).expect("prepare");
        fs::remove_dir_all(&target).expect("rm");
        fs::create_dir(&target).expect("mkdir");
        fs::write(target.join("notes.txt"), "mine").expect("write");
        assert!(dir.commit().is_err());
        assert_eq!(fs::read(target.join("notes.txt")).expect("read"), b"mine");
    }

    #[test]
    fn staging_of_a_dead_process_is_removed_and_a_live_one_kept() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let target = tmp.path().join("run");
        // A dead run's staging folder: its lock file exists but nobody holds the lock.
        let dead = tmp.path().join(".run.partial-999999-0");
        fs::create_dir(&dead).expect("mkdir");
        fs::write(dead.join(LOCK_FILE), "").expect("lock file");
        // A folder that merely looks like one, without our lock file: not ours to remove.
        let lookalike = tmp.path().join(".run.partial-1-0");
        fs::create_dir(&lookalike).expect("mkdir");
        let live = ResultsDir::prepare(&target, false).expect("first");
        let other = ResultsDir::prepare(&target, false).expect("second");
        assert!(!dead.exists());
        assert!(lookalike.exists());
        assert!(live.staging().exists(), "a live run's staging is kept");
        drop(other);
        drop(live);
    }

    #[test]
    fn names_too_long_and_parents_that_are_files_are_refused_before_work() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let long = tmp.path().join("x".repeat(MAX_NAME_BYTES + 1));
        let error = ResultsDir::prepare(&long, false).expect_err("too long");
        assert!(error.to_string().contains("at most 200"), "{error}");
        fs::write(tmp.path().join("file"), "x").expect("write");
        let under_file = tmp.path().join("file/run");
        let error = ResultsDir::prepare(&under_file, false).expect_err("parent is a file");
        assert!(matches!(
            error.downcast_ref::<UserError>(),
            Some(UserError::OutputPath { .. })
        ));
    }
}
