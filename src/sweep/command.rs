//! `povsim sweep` and `povsim merge`: run a sweep (whole, or one shard of it), resume it after
//! an interruption, write a Slurm job-array script, and merge finished shards.
//!
//! A results folder of a sweep holds, while it runs, a journal `sweep-<hash>.partial.csv` (or
//! one per shard under `shards/`). When every point is done, the outputs are written (each
//! file under a temporary name, then renamed) and `manifest.json` last: a folder with a
//! manifest is complete. A shard that finishes renames its journal to
//! `shards/shard-I-of-N.csv` and writes `shards/shard-I-of-N.json` (the plan and its hash),
//! which `povsim merge` checks.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::file::resolve;
use super::folder::{self, is_journal_name, journal_name, sweep_manifest_hash, Clear};
use super::journal::{read_rows, write_synced, Journal};
use super::output::{
    morris_effects, point_bands, point_rows, points_csv, sensitivity_csv, sobol_csv, sobol_indices,
    sweep_csv, sweep_header, values_by_point, Rows,
};
use super::SweepPlan;
use crate::cli::{MergeArgs, SweepArgs};
use crate::cmd::common::{progress_bar, thread_pool, to_json};
use crate::error::UserError;
use crate::export::durable::sync_folder;
use crate::export::folder::MANIFEST;
use crate::export::manifest::now_rfc3339;
use crate::invariants::check_invariants;
use crate::params::Params;
use crate::sim::{run_replicate, RunOutput};

/// Which share of the points this process runs: shard `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based shard index.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// Parse `I/N` (0 <= I < N).
    pub fn parse(text: &str) -> Result<Shard, UserError> {
        let bad = || {
            UserError::Usage(format!(
                "--shard {text}: expected I/N with 0 <= I < N, e.g. --shard 0/4 for the first of four shards"
            ))
        };
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The shard of a Slurm array task, from `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`
    /// (and `SLURM_ARRAY_TASK_MIN` when the array does not start at 0); `None` outside one.
    pub fn from_slurm_env() -> Result<Option<Shard>, UserError> {
        let var = |name: &str| std::env::var(name).ok();
        let (Some(id), Some(count)) = (var("SLURM_ARRAY_TASK_ID"), var("SLURM_ARRAY_TASK_COUNT"))
        else {
            return Ok(None);
        };
        let min = var("SLURM_ARRAY_TASK_MIN").unwrap_or_else(|| "0".into());
        let parse = |name: &str, v: &str| {
            v.trim().parse::<u32>().map_err(|_| {
                UserError::Usage(format!("{name}={v} is not a whole number (set by Slurm?)"))
            })
        };
        let (id, count, min) = (
            parse("SLURM_ARRAY_TASK_ID", &id)?,
            parse("SLURM_ARRAY_TASK_COUNT", &count)?,
            parse("SLURM_ARRAY_TASK_MIN", &min)?,
        );
        let index = id.checked_sub(min).unwrap_or(id);
        if count == 0 || index >= count {
            return Err(UserError::Usage(format!(
                "Slurm array task {id} (min {min}) of {count} tasks does not name a shard; use --shard I/N"
            )));
        }
        Ok(Some(Shard { index, count }))
    }

    /// `shard-I-of-N`: the stem of the shard's files under `shards/`.
    pub fn stem(self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }
}

/// What a finished shard leaves beside its rows (`shards/shard-I-of-N.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardRecord {
    /// Which shard.
    pub shard: Shard,
    /// Point ids this shard ran.
    pub points: Vec<u32>,
    /// The command line that ran it.
    pub command_line: Vec<String>,
    /// Finish time, UTC.
    pub finished_at: String,
    /// The resolved sweep (its `hash` identifies the sweep).
    pub plan: SweepPlan,
    /// The base scenario as resolved with `[set]` (every parameter).
    pub base_scenario: Params,
}

/// `manifest.json` of a finished sweep folder.
#[derive(Debug, Clone, Serialize)]
pub struct SweepManifest {
    /// povsim version.
    pub povsim_version: String,
    /// `sweep` or `merge`.
    pub command: String,
    /// The full command line as given.
    pub command_line: Vec<String>,
    /// The sweep file.
    pub sweep_source: String,
    /// `sha256:` identity of the sweep (the plan's hash).
    pub sweep_hash: String,
    /// Master seed (the same at every point).
    pub seed: u64,
    /// Replicates per point.
    pub replicates: u32,
    /// Points in the design.
    pub points: usize,
    /// Shards merged (1 for a sweep run whole).
    pub shards: u32,
    /// Worker threads of the process that wrote this (results do not depend on it).
    pub threads: usize,
    /// Start time, UTC.
    pub started_at: String,
    /// End time, UTC.
    pub finished_at: String,
    /// Files written, besides this manifest.
    pub files: Vec<String>,
    /// Warnings about the sweep: swept keys that a switch of the scenario makes inert.
    pub warnings: Vec<String>,
    /// The resolved sweep: design, every point's overrides.
    pub plan: SweepPlan,
    /// The base scenario as resolved with `[set]` (every parameter, defaults filled in).
    pub base_scenario: Params,
}

impl SweepManifest {
    /// The manifest of `plan` as `command` (`sweep` or `merge`) writes it; `files` and
    /// `finished_at` are filled in when the outputs are written.
    pub fn new(
        command: &str,
        plan: &SweepPlan,
        base_scenario: Params,
        shards: u32,
        threads: usize,
        started_at: String,
    ) -> SweepManifest {
        SweepManifest {
            povsim_version: env!("CARGO_PKG_VERSION").to_string(),
            command: command.to_string(),
            command_line: std::env::args().collect(),
            sweep_source: plan.source.clone(),
            sweep_hash: plan.hash.clone(),
            seed: plan.seed,
            replicates: plan.replicates,
            points: plan.points.len(),
            shards,
            threads,
            started_at,
            finished_at: String::new(),
            files: Vec::new(),
            warnings: plan.warnings.clone(),
            plan: plan.clone(),
            base_scenario,
        }
    }
}

/// `povsim sweep`.
pub fn sweep_command(args: &SweepArgs) -> anyhow::Result<()> {
    let started_at = now_rfc3339();
    let resolved = resolve(&args.sweep).map_err(UserError::from)?;
    let (plan, point_params, base) = (resolved.plan, resolved.points, resolved.base);
    print_warnings(&plan);
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(format!("sweep-{}", plan.name)));
    let shard = match &args.shard {
        Some(text) => Some(Shard::parse(text)?),
        None if args.slurm => None,
        None => Shard::from_slurm_env()?,
    };
    if args.slurm {
        return super::slurm::write_sbatch(args, &plan, &dir);
    }
    prepare_folder(&dir, &plan, args.force)?;
    if shard.is_none() && is_complete(&dir, &plan) {
        if !args.work.quiet {
            println!(
                "Sweep {} is already complete in {}/ (pass --force to run it again).",
                plan.name,
                dir.display()
            );
        }
        return Ok(());
    }
    let pool = thread_pool(args.work.threads)?;
    let mine: Vec<usize> = match shard {
        Some(s) => super::design::shard_points(
            &plan.order.iter().map(|&p| p as usize).collect::<Vec<_>>(),
            s.index,
            s.count,
        ),
        None => plan.order.iter().map(|&p| p as usize).collect(),
    };
    if let Some(s) = shard {
        if dir
            .join("shards")
            .join(format!("{}.json", s.stem()))
            .exists()
        {
            if !args.work.quiet {
                println!(
                    "Shard {}/{} of sweep {} is already complete in {}/shards/.",
                    s.index,
                    s.count,
                    plan.name,
                    dir.display()
                );
            }
            return Ok(());
        }
    }
    let journal_path = match shard {
        Some(s) => {
            dir.join("shards")
                .join(format!("{}-{}.partial.csv", s.stem(), plan.short_hash()))
        }
        None => dir.join(journal_name(plan.short_hash())),
    };
    let header = sweep_header(&plan);
    let (journal, done) =
        Journal::open(&journal_path, &header, plan.replicates)?.ok_or_else(|| {
            UserError::Usage(format!(
                "{} was written by another version of this sweep; pass --force to discard it",
                journal_path.display()
            ))
        })?;
    let mut pending: Vec<usize> = mine
        .iter()
        .copied()
        .filter(|p| !done.contains_key(&(*p as u32)))
        .collect();
    let left_over = match args.max_points {
        Some(max) if max < pending.len() => {
            let rest = pending.len() - max;
            pending.truncate(max);
            rest
        }
        _ => 0,
    };
    if !args.work.quiet {
        let share = match shard {
            Some(s) => format!(", shard {}/{}: {} points", s.index, s.count, mine.len()),
            None => String::new(),
        };
        eprintln!(
            "sweep {}: {} points x {} replicates = {} runs{share}{}",
            plan.name,
            plan.points.len(),
            plan.replicates,
            plan.runs(),
            if mine.len() > pending.len() {
                format!(
                    "; resuming, {} points already done",
                    mine.len() - pending.len()
                )
            } else {
                String::new()
            }
        );
    }
    let bar = progress_bar(
        pending.len() as u64 * u64::from(plan.replicates),
        args.work.quiet,
        &plan.name,
    );
    let journal = Mutex::new(journal);
    pool.install(|| {
        pending
            .iter()
            .par_bridge()
            .try_for_each(|&p| -> anyhow::Result<()> {
                let params = &point_params[p];
                let runs: Vec<RunOutput> = (0..plan.replicates)
                    .into_par_iter()
                    .map(|r| {
                        let run = run_replicate(params, r);
                        bar.inc(1);
                        run
                    })
                    .collect();
                check_invariants(&runs).with_context(|| {
                    format!("at point {p} ({})", plan.points[p].overrides.join(", "))
                })?;
                let bytes = point_rows(&plan, p, &runs)?;
                journal
                    .lock()
                    .map_err(|_| anyhow::anyhow!("journal lock poisoned"))?
                    .append(&bytes)
            })
    })?;
    bar.finish_and_clear();
    let journal = journal
        .into_inner()
        .map_err(|_| anyhow::anyhow!("journal lock poisoned"))?;
    let rows = read_back(journal.path(), &header, plan.replicates)?;
    drop(journal);
    if left_over > 0 {
        if !args.work.quiet {
            println!(
                "Stopped after {} points as asked (--max-points); {left_over} left. Run the same command again to continue.",
                pending.len()
            );
        }
        return Ok(());
    }
    let command_line: Vec<String> = std::env::args().collect();
    match shard {
        Some(s) => {
            let points: Vec<u32> = mine.iter().map(|&p| p as u32).collect();
            if points.iter().any(|p| !rows.contains_key(p)) {
                anyhow::bail!(
                    "shard {}/{} finished with points missing from its journal",
                    s.index,
                    s.count
                );
            }
            let shards = dir.join("shards");
            fs::rename(&journal_path, shards.join(format!("{}.csv", s.stem())))
                .with_context(|| format!("cannot finish {}", journal_path.display()))?;
            sync_folder(&shards)?;
            let record = ShardRecord {
                shard: s,
                points,
                command_line,
                finished_at: now_rfc3339(),
                plan: plan.clone(),
                base_scenario: base.clone(),
            };
            write_synced(
                &shards.join(format!("{}.json", s.stem())),
                &to_json(&record)?,
            )?;
            if !args.work.quiet {
                println!(
                    "Shard {}/{} done: {} points in {}/shards/. When every shard is done: povsim merge {}",
                    s.index,
                    s.count,
                    mine.len(),
                    dir.display(),
                    dir.display()
                );
            }
            Ok(())
        }
        None => {
            let manifest = SweepManifest::new(
                "sweep",
                &plan,
                base,
                1,
                pool.current_num_threads(),
                started_at,
            );
            let files = write_outputs(&dir, &plan, &rows, manifest)?;
            fs::remove_file(&journal_path)
                .with_context(|| format!("cannot remove {}", journal_path.display()))?;
            if !args.work.quiet {
                println!("Results: {}/ ({})", dir.display(), files.join(", "));
            }
            Ok(())
        }
    }
}

/// `povsim merge DIR`: check that every shard of one sweep is there and finished, then write
/// the outputs exactly as a sweep run whole would.
pub fn merge_command(args: &MergeArgs) -> anyhow::Result<()> {
    let started_at = now_rfc3339();
    let dir = &args.dir;
    // The same folder rules as `sweep`: a folder of sweep files only, never a link.
    let survey = folder::survey(dir, "merge")?;
    let shards_dir = dir.join("shards");
    let mut records: Vec<(PathBuf, ShardRecord)> = Vec::new();
    let entries = fs::read_dir(&shards_dir).map_err(|e| {
        UserError::Usage(format!(
            "{} has no shards folder ({e}): run `povsim sweep SWEEP --shard I/N --out {}` (or the --slurm script) first",
            dir.display(),
            dir.display()
        ))
    })?;
    let mut partials = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with("shard-") && name.ends_with(".json") {
            let text = fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let record: ShardRecord = serde_json::from_str(&text).map_err(|e| {
                UserError::Usage(format!(
                    "{} is not a povsim shard record: {e}",
                    path.display()
                ))
            })?;
            records.push((path, record));
        } else if name.starts_with("shard-") && name.ends_with(".partial.csv") {
            partials.push(name);
        }
    }
    records.sort_by_key(|(_, r)| (r.shard.count, r.shard.index));
    let Some((_, first)) = records.first() else {
        return Err(UserError::Usage(format!(
            "no finished shard in {}{}",
            shards_dir.display(),
            if partials.is_empty() {
                String::new()
            } else {
                format!(" (unfinished: {})", partials.join(", "))
            }
        ))
        .into());
    };
    let plan = first.plan.clone();
    print_warnings(&plan);
    let base = first.base_scenario.clone();
    let count = first.shard.count;
    let mut problems = Vec::new();
    for (path, r) in &records {
        if r.plan.hash != plan.hash || r.plan.identity_hash() != plan.hash {
            problems.push(format!(
                "{} belongs to a different sweep (hash {} from {}, expected {} from {})",
                path.display(),
                r.plan.hash,
                r.plan.source,
                plan.hash,
                plan.source
            ));
        } else if r.shard.count != count {
            problems.push(format!(
                "{} is shard {}/{} but the others are of {count} shards",
                path.display(),
                r.shard.index,
                r.shard.count
            ));
        }
    }
    let missing: Vec<String> = (0..count)
        .filter(|i| {
            !records
                .iter()
                .any(|(_, r)| r.shard.index == *i && r.shard.count == count)
        })
        .map(|i| {
            let stem = Shard { index: i, count }.stem();
            let unfinished = partials.iter().any(|p| p.starts_with(&format!("{stem}-")));
            format!(
                "{i}/{count}{}",
                if unfinished {
                    " (started, not finished)"
                } else {
                    ""
                }
            )
        })
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "missing shards: {} (rerun them with `povsim sweep {} --shard I/{count} --out {}`)",
            missing.join(", "),
            plan.source,
            dir.display()
        ));
    }
    if !problems.is_empty() {
        return Err(UserError::Usage(format!(
            "cannot merge {}:\n  {}",
            dir.display(),
            problems.join("\n  ")
        ))
        .into());
    }
    if survey.is_some_and(|s| s.manifest_hash.is_some()) {
        if !args.force {
            return Err(UserError::OutputExists(dir.clone()).into());
        }
        folder::clear(dir, Clear::Outputs)?;
    }
    folder::remove_stale_temporaries(dir)?;
    let header = sweep_header(&plan);
    let mut rows = Rows::new();
    for (_, r) in &records {
        let path = shards_dir.join(format!("{}.csv", r.shard.stem()));
        let part = read_back(&path, &header, plan.replicates)?;
        for p in &r.points {
            let Some(records) = part.get(p) else {
                anyhow::bail!("{} lacks point {p} that its record lists", path.display());
            };
            rows.insert(*p, records.clone());
        }
    }
    if rows.len() != plan.points.len() {
        anyhow::bail!(
            "the shards hold {} of the sweep's {} points",
            rows.len(),
            plan.points.len()
        );
    }
    let manifest = SweepManifest::new("merge", &plan, base, count, 1, started_at);
    let files = write_outputs(dir, &plan, &rows, manifest)?;
    if !args.quiet {
        println!(
            "Merged {count} shards: {}/ ({})",
            dir.display(),
            files.join(", ")
        );
    }
    Ok(())
}

/// Print the sweep's warnings (inert swept keys) on standard error, even with `--quiet`, as
/// `run` prints a scenario's; a closed standard error loses them without stopping the sweep.
fn print_warnings(plan: &SweepPlan) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    for warning in &plan.warnings {
        let _ = writeln!(err, "warning: {}: {warning}", plan.source);
    }
}

/// Read a finished journal or shard file back.
fn read_back(path: &Path, header: &[String], replicates: u32) -> anyhow::Result<Rows> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    read_rows(&bytes, header, replicates)
        .ok_or_else(|| anyhow::anyhow!("{} does not have the sweep's columns", path.display()))
}

/// Whether `dir` holds the finished results of this sweep.
fn is_complete(dir: &Path, plan: &SweepPlan) -> bool {
    sweep_manifest_hash(&dir.join(MANIFEST)).as_deref() == Some(plan.hash.as_str())
}

/// Check `dir` against the folder rules (see [`super::folder`]): refuse anything that is not a
/// new or empty folder or a folder of sweep files; refuse results or unfinished work of
/// another sweep unless `force`, which removes them file by file; remove temporary files of
/// crashed sweeps; create the folder if needed.
pub(crate) fn prepare_folder(dir: &Path, plan: &SweepPlan, force: bool) -> anyhow::Result<()> {
    if let Some(survey) = folder::survey(dir, "--out")? {
        let mut foreign = Vec::new();
        match &survey.manifest_hash {
            Some(hash) if *hash != plan.hash => {
                foreign.push("finished results of a different sweep (manifest.json)".to_string());
            }
            Some(_) if force => foreign.push("these results (manifest.json)".into()),
            _ => {}
        }
        for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if is_journal_name(&name) && name != journal_name(plan.short_hash()) {
                foreign.push(format!("an unfinished different sweep ({name})"));
            }
        }
        let shards = dir.join("shards");
        if shards.is_dir() {
            for entry in fs::read_dir(&shards)? {
                let path = entry?.path();
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let other = if name.ends_with(".json") {
                    let text = fs::read_to_string(&path).unwrap_or_default();
                    serde_json::from_str::<ShardRecord>(&text)
                        .map_or(true, |r| r.plan.hash != plan.hash)
                } else {
                    name.ends_with(".partial.csv") && !name.contains(plan.short_hash())
                };
                if other {
                    foreign.push(format!("shards of a different sweep (shards/{name})"));
                }
            }
        }
        foreign.dedup();
        if !foreign.is_empty() {
            if !force {
                return Err(UserError::Usage(format!(
                    "{} holds {}; pass --force to discard it, or --out DIR to write elsewhere",
                    dir.display(),
                    foreign.join(" and ")
                ))
                .into());
            }
            folder::clear(dir, Clear::Everything)?;
        }
        folder::remove_stale_temporaries(dir)?;
    }
    folder::create(dir, "--out")
}

/// Write the outputs of a finished sweep into `dir`, `manifest.json` last; returns the files.
fn write_outputs(
    dir: &Path,
    plan: &SweepPlan,
    rows: &Rows,
    mut manifest: SweepManifest,
) -> anyhow::Result<Vec<String>> {
    let values = values_by_point(plan, rows);
    let bands = point_bands(&values);
    let effects = morris_effects(plan, &bands);
    let sobol = sobol_indices(plan, &bands);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("sweep.csv".into(), sweep_csv(plan, rows)?),
        ("points.csv".into(), points_csv(plan, &bands)?),
    ];
    match plan.method {
        super::Method::Morris => {
            files.push(("sensitivity.csv".into(), sensitivity_csv(&effects)?));
        }
        super::Method::Sobol => files.push(("sensitivity.csv".into(), sobol_csv(&sobol)?)),
        super::Method::Grid | super::Method::Lhs => {}
    }
    for chart in super::charts::charts(plan, &values, &bands, &effects, &sobol)? {
        files.push((format!("charts/{}.png", chart.name), chart.png));
        files.push((format!("charts/{}.svg", chart.name), chart.svg.into_bytes()));
    }
    let manifest_path = dir.join(MANIFEST);
    if fs::symlink_metadata(&manifest_path).is_ok_and(|m| m.is_file()) {
        // Replacing finished results (--force): the folder is incomplete until the new
        // manifest lands.
        fs::remove_file(&manifest_path)?;
    }
    for (name, bytes) in &files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        write_synced(&path, bytes)?;
    }
    manifest.files = files.iter().map(|(n, _)| n.clone()).collect();
    manifest.finished_at = now_rfc3339();
    write_synced(&manifest_path, &to_json(&manifest)?)?;
    let mut shown: Vec<String> = files
        .iter()
        .map(|(n, _)| n.clone())
        .filter(|n| !n.starts_with("charts/"))
        .collect();
    shown.push("charts/".into());
    shown.push("manifest.json".into());
    Ok(shown)
}
