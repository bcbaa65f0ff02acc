//! The rules for a sweep's results folder (`sweep --out DIR`, `merge DIR`), the same as for
//! `run`: povsim writes only into a new or empty folder or into a folder of its own sweep, and
//! `--force` removes only files a sweep wrote, by name.
//!
//! - Nothing at DIR, or an empty folder: used.
//! - A file, a symbolic link (dangling or not) or anything else that is not a folder: refused.
//! - A folder holding anything a sweep does not write (the user's own files, results of
//!   `povsim run`, a link): refused, even with `--force`, naming what is there.
//! - A folder of sweep files only (one a sweep marked as its own with a sweep manifest, a
//!   journal, shards' files or its `sweep.sbatch`; a user's own `points.csv` does not count):
//!   this sweep's journal resumes; another sweep's work or results are refused without
//!   `--force`; with it, the sweep files are removed one by one by the names a sweep gives them
//!   (its outputs, chart files, journals, shards' files), never a whole folder.
//!
//! Temporary files a crashed sweep left (`.NAME.tmp-PID`) are removed when process PID is gone.

use std::fs;
use std::path::Path;

use anyhow::Context;

use crate::error::UserError;
use crate::export::folder::{inspect, Existing, MANIFEST};

/// Outputs a finished sweep writes at the top of its folder (besides `charts/`).
pub const OUTPUT_FILES: [&str; 4] = ["sweep.csv", "points.csv", "sensitivity.csv", MANIFEST];

/// The Slurm script `--slurm` writes.
pub const SBATCH_FILE: &str = "sweep.sbatch";

/// How that script begins (how a folder's `sweep.sbatch` is told to be povsim's).
pub const SBATCH_HEADER: &str = "#!/bin/bash\n# povsim sweep ";

/// Sub-folders a sweep writes: charts, shards' files, Slurm task logs.
const SUBFOLDERS: [&str; 3] = ["charts", "shards", "slurm"];

/// Chart file names a sweep writes start with one of these (see `sweep::charts`).
const CHART_PREFIXES: [&str; 5] = ["heatmap_", "line_", "scatter_", "morris_", "sobol_"];

/// The journal of a sweep run whole: `sweep-<short hash>.partial.csv`.
pub fn journal_name(short_hash: &str) -> String {
    format!("sweep-{short_hash}.partial.csv")
}

/// Whether `name` is the journal of a sweep run whole (of any sweep):
/// `sweep-` and 12 hexadecimal digits, then `.partial.csv`.
pub fn is_journal_name(name: &str) -> bool {
    name.strip_prefix("sweep-")
        .and_then(|rest| rest.strip_suffix(".partial.csv"))
        .is_some_and(|hash| hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether the file at `path` is a script `--slurm` wrote (it opens with povsim's header).
fn is_sbatch(path: &Path) -> bool {
    let mut head = [0u8; 32];
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let n = std::io::Read::read(&mut file, &mut head).unwrap_or(0);
    head[..n].starts_with(SBATCH_HEADER.as_bytes())
}

/// Whether `shards/` holds a shard's file (a regular file named `shard-...`).
fn has_shard_files(shards: &Path) -> bool {
    if !fs::symlink_metadata(shards).is_ok_and(|m| m.is_dir()) {
        return false;
    }
    fs::read_dir(shards)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| {
            e.file_type().is_ok_and(|t| t.is_file())
                && is_shard_name(&e.file_name().to_string_lossy())
        })
}

/// The process id in a temporary file name written by `journal::write_synced`
/// (`.NAME.tmp-PID`), if `name` is one, with NAME.
fn temporary(name: &str) -> Option<(&str, u32)> {
    let rest = name.strip_prefix('.')?;
    let (inner, pid) = rest.rsplit_once(".tmp-")?;
    Some((inner, pid.parse().ok()?))
}

/// Where in a sweep folder a file is, for the names a sweep writes there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The folder itself.
    Top,
    /// `charts/`.
    Charts,
    /// `shards/`.
    Shards,
}

impl Place {
    /// Whether a sweep writes a file called `name` here.
    fn writes(self, name: &str) -> bool {
        match self {
            Place::Top => {
                OUTPUT_FILES.contains(&name) || name == SBATCH_FILE || is_journal_name(name)
            }
            Place::Charts => is_chart_name(name),
            Place::Shards => is_shard_name(name),
        }
    }
}

/// The process id of a sweep's temporary file `name` in `place` (`.NAME.tmp-PID` where a sweep
/// writes NAME there); `None` for any other name.
fn temporary_in(name: &str, place: Place) -> Option<u32> {
    let (inner, pid) = temporary(name)?;
    place.writes(inner).then_some(pid)
}

/// Whether `name` (a file in `charts/`) is a chart a sweep writes.
fn is_chart_name(name: &str) -> bool {
    CHART_PREFIXES.iter().any(|p| name.starts_with(p))
        && (name.ends_with(".png") || name.ends_with(".svg"))
}

/// Whether `name` (a file in `shards/`) is a shard's journal, rows or record.
fn is_shard_name(name: &str) -> bool {
    name.starts_with("shard-")
        && (name.ends_with(".csv") || name.ends_with(".json"))
        && !name.contains('/')
}

/// What a sweep folder holds, as far as the rules care.
#[derive(Debug, Default)]
pub struct Survey {
    /// Entries a sweep does not write (shown in the refusal), as `name` or `charts/name`.
    pub foreign: Vec<String>,
    /// The manifest holds a sweep's hash (`None`: no manifest).
    pub manifest_hash: Option<String>,
}

/// Look at what is at `dir` and refuse what a sweep must not write into. `Ok(None)`: nothing
/// is there yet (or an empty folder); `Ok(Some(survey))`: a folder of sweep files only.
pub fn survey(dir: &Path, option: &str) -> anyhow::Result<Option<Survey>> {
    let existing =
        inspect(dir).with_context(|| format!("cannot look at {} ({option})", dir.display()))?;
    match existing {
        Existing::Nothing | Existing::EmptyFolder => return Ok(None),
        Existing::File | Existing::Symlink | Existing::Other => {
            return Err(UserError::Usage(format!(
                "{option} {} is {}, not a folder; nothing was changed. Name a new or empty folder (or one of this sweep's results folders)",
                dir.display(),
                existing.describe()
            ))
            .into())
        }
        Existing::PovsimResults | Existing::OtherFolder => {}
    }
    let mut survey = Survey::default();
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        entries.push((
            entry.file_name().to_string_lossy().into_owned(),
            entry.file_type()?,
        ));
    }
    survey.manifest_hash = sweep_manifest_hash(&dir.join(MANIFEST));
    // Files named like a sweep's outputs are the sweep's only in a folder that a sweep
    // marked as its own (a user's own points.csv is not).
    let marked = survey.manifest_hash.is_some()
        || entries.iter().any(|(name, kind)| {
            kind.is_file()
                && (is_journal_name(name) || (name == SBATCH_FILE && is_sbatch(&dir.join(name))))
        })
        || has_shard_files(&dir.join("shards"));
    for (name, kind) in entries {
        let ours = if kind.is_symlink() {
            false
        } else if temporary_in(&name, Place::Top).is_some() {
            kind.is_file()
        } else if kind.is_dir()
            && SUBFOLDERS.contains(&name.as_str())
            && is_empty_dir(&dir.join(&name))
        {
            // An empty folder holds nothing of the user's (a shard may just have made it).
            true
        } else if !marked {
            false
        } else if kind.is_dir() {
            SUBFOLDERS.contains(&name.as_str())
                && subfolder_is_ours(&dir.join(&name), &name, &mut survey)?
        } else if !kind.is_file() {
            false
        } else if name == MANIFEST {
            survey.manifest_hash.is_some()
        } else if name == SBATCH_FILE {
            is_sbatch(&dir.join(&name))
        } else {
            OUTPUT_FILES.contains(&name.as_str()) || is_journal_name(&name)
        };
        if !ours {
            let shown = if kind.is_symlink() {
                format!("{name} (a symbolic link)")
            } else if kind.is_dir() {
                format!("{name}/")
            } else {
                name
            };
            survey.foreign.push(shown);
        }
    }
    survey.foreign.sort();
    if !survey.foreign.is_empty() {
        const SHOWN: usize = 8;
        let mut names: Vec<String> = survey.foreign.iter().take(SHOWN).cloned().collect();
        if survey.foreign.len() > SHOWN {
            names.push(format!("and {} more", survey.foreign.len() - SHOWN));
        }
        return Err(UserError::Usage(format!(
            "{option} {} holds files that povsim's sweep did not write ({}); a sweep writes only into a new or empty folder or into a folder of its own sweep results, and --force does not change that. Nothing was changed; name another folder with --out",
            dir.display(),
            names.join(", ")
        ))
        .into());
    }
    Ok(Some(survey))
}

/// A sub-folder of a sweep folder holds no links (a link would lead writes out of the folder);
/// links found are added to the survey's foreign entries.
fn subfolder_is_ours(path: &Path, name: &str, survey: &mut Survey) -> anyhow::Result<bool> {
    for entry in fs::read_dir(path).with_context(|| format!("cannot list {}", path.display()))? {
        let entry = entry?;
        if entry.file_type()?.is_symlink() {
            survey.foreign.push(format!(
                "{name}/{} (a symbolic link)",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    Ok(true)
}

/// The `sweep_hash` of a sweep's manifest; `None` if the file is not a sweep's manifest.
pub fn sweep_manifest_hash(path: &Path) -> Option<String> {
    let meta = fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 64 * 1024 * 1024 {
        return None;
    }
    let text = fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value.get("povsim_version")?.as_str()?;
    value.get("sweep_hash")?.as_str().map(String::from)
}

/// Which sweep files `--force` removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clear {
    /// The finished outputs only (for `merge --force`: the shards stay).
    Outputs,
    /// Outputs, journals, shards' files and the Slurm script (for `sweep --force`).
    Everything,
}

/// Remove the files a sweep wrote in `dir`, by the names a sweep gives them: the outputs,
/// chart files (every file a manifest lists is one of these), and for [`Clear::Everything`]
/// the journals, the shards' files and `sweep.sbatch`. Sub-folders are removed only when that leaves them empty; links
/// and files of other names are never touched. Call after [`survey`] accepted the folder.
pub fn clear(dir: &Path, what: Clear) -> anyhow::Result<()> {
    let remove = |path: &Path| -> anyhow::Result<()> {
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.is_file() => {
                fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display()))
            }
            _ => Ok(()),
        }
    };
    // The manifest goes first: from then on the folder no longer claims to be complete.
    remove(&dir.join(MANIFEST))?;
    for name in OUTPUT_FILES {
        remove(&dir.join(name))?;
    }
    let charts = dir.join("charts");
    for name in file_names(&charts)? {
        if is_chart_name(&name) {
            remove(&charts.join(&name))?;
        }
    }
    let _ = fs::remove_dir(&charts); // only if empty: the user's files there stay
    if what == Clear::Everything {
        for name in file_names(dir)? {
            if is_journal_name(&name) || name == SBATCH_FILE {
                remove(&dir.join(&name))?;
            }
        }
        let shards = dir.join("shards");
        for name in file_names(&shards)? {
            if is_shard_name(&name) {
                remove(&shards.join(&name))?;
            }
        }
        let _ = fs::remove_dir(&shards); // only if empty
    }
    Ok(())
}

/// Remove temporary files (`.NAME.tmp-PID`) in `dir`, `dir/charts` and `dir/shards` whose
/// process is gone (no `/proc/PID`); a live process's files, and everything on a system
/// without `/proc`, are left alone.
pub fn remove_stale_temporaries(dir: &Path) -> anyhow::Result<()> {
    if !Path::new("/proc/self").exists() {
        return Ok(());
    }
    let own = std::process::id();
    for (folder, place) in [
        (dir.to_path_buf(), Place::Top),
        (dir.join("charts"), Place::Charts),
        (dir.join("shards"), Place::Shards),
    ] {
        for name in file_names(&folder)? {
            let Some(pid) = temporary_in(&name, place) else {
                continue;
            };
            let path = folder.join(&name);
            let is_file = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            if pid != own && is_file && !Path::new(&format!("/proc/{pid}")).exists() {
                fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// Whether `dir` is a folder with nothing in it.
fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Names of the entries of `dir` (none if it does not exist or is not a folder).
fn file_names(dir: &Path) -> anyhow::Result<Vec<String>> {
    if !fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Ok(Vec::new());
    }
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        names.push(entry?.file_name().to_string_lossy().into_owned());
    }
    Ok(names)
}

/// Create `dir` (and its parents) for a sweep, as a user error when that is impossible (a
/// parent that is a file, a name too long, no permission): found before anything runs.
pub fn create(dir: &Path, option: &str) -> anyhow::Result<()> {
    fs::create_dir_all(dir).map_err(|e| {
        UserError::Usage(format!(
            "{option} {}: cannot create the folder ({e})",
            dir.display()
        ))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_of_sweep_files_carry_their_process_id() {
        assert_eq!(temporary_in(".sweep.csv.tmp-4242", Place::Top), Some(4242));
        assert_eq!(
            temporary_in(".shard-0-of-2.json.tmp-7", Place::Shards),
            Some(7)
        );
        assert_eq!(temporary_in(".heatmap_x.png.tmp-7", Place::Charts), Some(7));
        assert_eq!(temporary_in("sweep.csv.tmp-7", Place::Top), None);
        assert_eq!(temporary_in(".notes.tmp-mine", Place::Top), None);
        // A user's own file that merely looks temporary is not a sweep's.
        assert_eq!(temporary_in(".notes.txt.tmp-7", Place::Top), None);
    }

    #[test]
    fn only_sweep_files_are_cleared_and_user_files_beside_them_stay() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path();
        fs::create_dir_all(dir.join("charts")).expect("mkdir");
        fs::create_dir_all(dir.join("shards")).expect("mkdir");
        for name in [
            "sweep.csv",
            "points.csv",
            "sweep-0123456789ab.partial.csv",
            "charts/heatmap_x.png",
            "charts/mine.txt",
            "shards/shard-0-of-2.csv",
        ] {
            fs::write(dir.join(name), "x").expect("write");
        }
        clear(dir, Clear::Everything).expect("clear");
        assert!(!dir.join("sweep.csv").exists());
        assert!(!dir.join("sweep-0123456789ab.partial.csv").exists());
        assert!(!dir.join("charts/heatmap_x.png").exists());
        assert_eq!(
            fs::read(dir.join("charts/mine.txt")).expect("kept"),
            b"x".to_vec()
        );
        assert!(!dir.join("shards").exists());
    }
}
