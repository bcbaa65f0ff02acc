//! `povsim calibrate`: ABC-SMC over replicated model runs (common random numbers: every
//! particle runs with the calibration's seed), journalled a generation at a time so that an
//! interrupted calibration resumes without losing finished generations and gives the same
//! bytes as an uninterrupted one; `--shard I/N` spreads each batch of candidates over
//! processes that share the folder (a file barrier per batch), `--slurm N` writes a Slurm job
//! array of such shards, and `povsim merge DIR` writes the outputs from the journal.
//!
//! Folder layout: `calibration.json` (the resolved calibration: the folder's identity),
//! `generations/gen-NNN.csv` (the journal: one finished generation each), `shards/` (the
//! distances each shard computed), then the outputs: `posterior.csv`, `posterior_summary.csv`,
//! `generations.csv`, `posterior_median.toml`, `fit.csv`, `charts/`, `manifest.json`.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use rayon::prelude::*;

use super::abc::{run_generation, Candidate, Distances, Outcome, Particle, Population};
use super::file::{value_text, Calibration};
use super::targets::{fit_distance, run_values, TargetSet};
use super::validation::{compare_all, sum_z2, table};
use crate::error::UserError;
use crate::export::durable::{sync_folder, write_file_synced};
use crate::export::folder::{inspect, Existing};
use crate::export::manifest::{hash_text, now_rfc3339};
use crate::invariants::check_invariants;
use crate::sim::run_all;
use crate::sweep::command::Shard;

/// The folder's identity file.
pub const IDENTITY_FILE: &str = "calibration.json";

/// Files a calibration writes at the top of its folder.
const OUTPUT_FILES: [&str; 8] = [
    IDENTITY_FILE,
    "manifest.json",
    "posterior.csv",
    "posterior_summary.csv",
    "generations.csv",
    "posterior_median.toml",
    "fit.csv",
    "calibrate.sbatch",
];

/// Sub-folders a calibration writes.
const SUBFOLDERS: [&str; 4] = ["generations", "shards", "charts", "slurm"];

/// Marks the end of a calibration that stopped early (acceptance too low).
const STOPPED_FILE: &str = "generations/stopped.txt";

/// Longest a shard waits for the others at the end of a batch.
const BARRIER_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// How a calibration runs.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// Results folder.
    pub dir: PathBuf,
    /// Replace another calibration's folder.
    pub force: bool,
    /// Worker threads.
    pub threads: Option<u32>,
    /// Print nothing but errors.
    pub quiet: bool,
    /// Evaluate only this shard's candidates (processes share the folder).
    pub shard: Option<Shard>,
    /// Stop after this many generations are journalled (for tests of resumption: the
    /// interrupted half of a run).
    pub stop_after: Option<u32>,
}

/// `calibration.json`: the resolved calibration and its identity.
#[derive(Debug, Clone, serde::Serialize)]
struct Identity<'a> {
    identity_hash: String,
    calibration: &'a Calibration,
}

/// Refuses a folder that is not this calibration's; creates it; clears another calibration's
/// files (by name) with `force`.
fn prepare_folder(dir: &Path, calibration: &Calibration, force: bool) -> anyhow::Result<()> {
    let hash = calibration.identity_hash();
    match inspect(dir).with_context(|| format!("cannot look at {}", dir.display()))? {
        Existing::Nothing | Existing::EmptyFolder => {}
        Existing::File | Existing::Symlink | Existing::Other => {
            return Err(UserError::OutputNotOurs {
                path: dir.to_path_buf(),
                what: inspect(dir)?.describe().to_string(),
            }
            .into())
        }
        Existing::PovsimResults | Existing::OtherFolder => {
            for entry in fs::read_dir(dir)? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().to_string();
                let ours = OUTPUT_FILES.contains(&name.as_str())
                    || (SUBFOLDERS.contains(&name.as_str()) && entry.file_type()?.is_dir())
                    || is_temporary(&name);
                if !ours {
                    return Err(UserError::OutputNotOurs {
                        path: dir.to_path_buf(),
                        what: format!(
                            "a folder holding {name}, which a calibration does not write"
                        ),
                    }
                    .into());
                }
            }
            // No identity file yet: a shard that started a moment earlier is creating the
            // folder (everything in it is a calibration's own), so it is this calibration's.
            let existing = fs::read_to_string(dir.join(IDENTITY_FILE)).ok();
            let same = existing.as_deref().is_none_or(|text| {
                serde_json::from_str::<serde_json::Value>(text)
                    .ok()
                    .and_then(|v| {
                        v.get("identity_hash")
                            .and_then(|h| h.as_str())
                            .map(String::from)
                    })
                    .is_some_and(|h| h == hash)
            });
            if !same {
                if !force {
                    return Err(UserError::Usage(format!(
                        "{} holds another calibration's work (or results of another povsim command); \
                         pass --force to replace it, or --out DIR to write elsewhere",
                        dir.display()
                    ))
                    .into());
                }
                clear(dir)?;
            }
        }
    }
    fs::create_dir_all(dir.join("generations"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    let identity = Identity {
        identity_hash: hash,
        calibration,
    };
    write_atomic(
        &dir.join(IDENTITY_FILE),
        &crate::cmd::common::to_json(&identity)?,
    )
}

fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && name.contains(".tmp-")
}

/// Removes a calibration's files by name (never a whole folder of unknown content).
fn clear(dir: &Path) -> anyhow::Result<()> {
    for name in OUTPUT_FILES {
        let path = dir.join(name);
        if path.is_file() {
            fs::remove_file(&path)?;
        }
    }
    for sub in SUBFOLDERS {
        let path = dir.join(sub);
        if !path.is_dir() {
            continue;
        }
        for entry in fs::read_dir(&path)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                fs::remove_file(entry.path())?;
            }
        }
        let _ = fs::remove_dir(&path);
    }
    Ok(())
}

/// Writes `bytes` to a temporary name beside `path`, syncs it, and renames it into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    write_file_synced(&temporary, bytes)?;
    fs::rename(&temporary, path).with_context(|| format!("cannot write {}", path.display()))?;
    sync_folder(dir)
}

fn generation_path(dir: &Path, generation: u32) -> PathBuf {
    dir.join("generations")
        .join(format!("gen-{generation:03}.csv"))
}

/// A finished generation as journal text (numbers in Rust's shortest round-trip form, so
/// that a resumed calibration continues from exactly the same values).
fn generation_csv(calibration: &Calibration, population: &Population) -> String {
    let mut out = format!(
        "# povsim calibration {} generation={} tolerance={} proposed={}\ncandidate,weight,distance",
        calibration.identity_hash(),
        population.generation,
        population.tolerance,
        population.proposed
    );
    for p in &calibration.priors {
        let _ = write!(out, ",{}", p.key);
    }
    out.push('\n');
    for particle in &population.particles {
        let _ = write!(
            out,
            "{},{},{}",
            particle.candidate, particle.weight, particle.distance
        );
        for (prior, &x) in calibration.priors.iter().zip(&particle.values) {
            let _ = write!(out, ",{}", value_text(prior, x));
        }
        out.push('\n');
    }
    out
}

/// Reads a journalled generation back (`None` when missing or not this calibration's).
fn read_generation(calibration: &Calibration, dir: &Path, generation: u32) -> Option<Population> {
    let text = fs::read_to_string(generation_path(dir, generation)).ok()?;
    let mut lines = text.lines();
    let head = lines.next()?;
    let field = |name: &str| {
        head.split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{name}=")))
            .map(String::from)
    };
    if !head.contains(&calibration.identity_hash()) {
        return None;
    }
    let tolerance: f64 = field("tolerance")?.parse().ok()?;
    let proposed: u64 = field("proposed")?.parse().ok()?;
    lines.next()?;
    let mut particles = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != 3 + calibration.priors.len() {
            return None;
        }
        particles.push(Particle {
            candidate: cells[0].parse().ok()?,
            weight: cells[1].parse().ok()?,
            distance: cells[2].parse().ok()?,
            values: cells[3..]
                .iter()
                .map(|c| c.parse().ok())
                .collect::<Option<_>>()?,
        });
    }
    (particles.len() == calibration.settings.particles).then_some(Population {
        generation,
        tolerance,
        proposed,
        particles,
    })
}

/// The journalled generations, in order, and whether the calibration stopped early.
fn journal(calibration: &Calibration, dir: &Path) -> (Vec<Population>, Option<String>) {
    let mut generations = Vec::new();
    while let Some(p) = read_generation(calibration, dir, generations.len() as u32) {
        generations.push(p);
        if generations.len() as u32 == calibration.settings.generations {
            break;
        }
    }
    let stopped = fs::read_to_string(dir.join(STOPPED_FILE)).ok();
    (generations, stopped)
}

/// The fit distance of one candidate (infinite when the scenario refuses its values).
pub fn distance(
    calibration: &Calibration,
    fitting: &TargetSet,
    values: &[f64],
) -> anyhow::Result<f64> {
    let Ok(params) = calibration.params_for(values) else {
        return Ok(f64::INFINITY);
    };
    let runs = run_all(&params);
    check_invariants(&runs)?;
    let targets = fitting.fitting();
    Ok(fit_distance(&targets, &run_values(&runs)))
}

/// Evaluates a batch: the whole of it here, or this shard's share with a file barrier.
fn evaluate_batch(
    calibration: &Calibration,
    targets: &TargetSet,
    settings: &RunSettings,
    generation: u32,
    batch: u32,
    candidates: &[Candidate],
) -> anyhow::Result<Distances> {
    let own: Vec<usize> = match settings.shard {
        None => (0..candidates.len()).collect(),
        Some(s) => (0..candidates.len())
            .filter(|k| (*k as u32) % s.count == s.index)
            .collect(),
    };
    let computed: Vec<(usize, f64)> = own
        .par_iter()
        .map(|&k| Ok((k, distance(calibration, targets, &candidates[k].values)?)))
        .collect::<anyhow::Result<_>>()?;
    let Some(shard) = settings.shard else {
        return Ok(computed.into_iter().map(|(_, d)| d).collect());
    };
    let shard_file = |i: u32| {
        settings.dir.join("shards").join(format!(
            "gen-{generation:03}-batch-{batch:03}.shard-{i}-of-{}.csv",
            shard.count
        ))
    };
    let mut text = String::from("candidate,distance\n");
    for (k, d) in &computed {
        let _ = writeln!(text, "{k},{d}");
    }
    write_atomic(&shard_file(shard.index), text.as_bytes())?;
    // The barrier: wait for every shard's share of this batch.
    let started = Instant::now();
    let mut told = Duration::ZERO;
    let mut distances = vec![f64::NAN; candidates.len()];
    for i in 0..shard.count {
        let path = shard_file(i);
        loop {
            if let Ok(body) = fs::read_to_string(&path) {
                for line in body.lines().skip(1) {
                    if let Some((k, d)) = line.split_once(',') {
                        if let (Ok(k), Ok(d)) = (k.parse::<usize>(), d.parse::<f64>()) {
                            if k < distances.len() {
                                distances[k] = d;
                            }
                        }
                    }
                }
                break;
            }
            if started.elapsed() > BARRIER_TIMEOUT {
                anyhow::bail!(
                    "shard {}/{}: shard {i} has not finished generation {generation}, batch {batch} after {} minutes; \
                     the shards of a calibration must run at the same time (rerun the missing one: finished work is kept)",
                    shard.index,
                    shard.count,
                    BARRIER_TIMEOUT.as_secs() / 60
                );
            }
            if !settings.quiet && started.elapsed() > told + Duration::from_secs(60) {
                told = started.elapsed();
                eprintln!(
                    "shard {}/{}: generation {generation}, batch {batch}: waiting for shard {i} ({} s; shards must run at the same time)",
                    shard.index,
                    shard.count,
                    told.as_secs()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    if distances.iter().any(|d| d.is_nan()) {
        anyhow::bail!(
            "the shard files of generation {generation}, batch {batch} do not cover every candidate; \
             remove {}/shards and rerun the shards",
            settings.dir.display()
        );
    }
    Ok(distances)
}

/// Runs (or resumes) a calibration; writes its outputs unless it is a shard.
pub fn calibrate(calibration: &Calibration, settings: &RunSettings) -> anyhow::Result<()> {
    let started_at = now_rfc3339();
    let clock = Instant::now();
    prepare_folder(&settings.dir, calibration, settings.force)?;
    let targets = calibration.targets();
    let (mut generations, mut stopped) = journal(calibration, &settings.dir);
    let total = calibration.settings.generations;
    if !settings.quiet && !generations.is_empty() {
        eprintln!(
            "resuming {}: {} of {total} generations already journalled",
            settings.dir.display(),
            generations.len()
        );
    }
    while stopped.is_none() && (generations.len() as u32) < total {
        let g = generations.len() as u32;
        if settings.stop_after.is_some_and(|n| g >= n) {
            return Ok(());
        }
        let generation_clock = Instant::now();
        let mut evaluate = |batch: u32, c: &[Candidate]| {
            evaluate_batch(calibration, &targets, settings, g, batch, c)
        };
        let pool = crate::cmd::common::thread_pool(settings.threads)?;
        let outcome = pool.install(|| {
            run_generation(
                &calibration.settings,
                &calibration.priors,
                generations.last(),
                g,
                &mut evaluate,
            )
        })?;
        match outcome {
            Outcome::Done(population) => {
                let path = generation_path(&settings.dir, g);
                write_atomic(&path, generation_csv(calibration, &population).as_bytes())?;
                if !settings.quiet {
                    // Later generations cost more (acceptance falls): the last one's time is
                    // a better guide to the next ones than the mean so far.
                    let per = generation_clock.elapsed().as_secs_f64();
                    let left = per * f64::from(total - g - 1);
                    eprintln!(
                        "generation {}/{total}: tolerance {}, {} accepted of {} proposed ({:.1}%), ESS {:.0}, {:.0} s; about {} left",
                        g + 1,
                        if population.tolerance.is_finite() {
                            format!("{:.3}", population.tolerance)
                        } else {
                            "none (prior)".into()
                        },
                        population.particles.len(),
                        population.proposed,
                        100.0 * population.acceptance_rate(),
                        population.effective_sample_size(),
                        generation_clock.elapsed().as_secs_f64(),
                        humantime::format_duration(Duration::from_secs(left.round() as u64)),
                    );
                }
                generations.push(population);
            }
            Outcome::Exhausted {
                proposed,
                accepted,
                tolerance,
            } => {
                let note = format!(
                    "generation {} stopped the calibration: {accepted} of {proposed} candidates within tolerance {tolerance} (acceptance below min_acceptance {}); generation {} is the posterior\n",
                    g + 1,
                    calibration.settings.min_acceptance,
                    g
                );
                write_atomic(&settings.dir.join(STOPPED_FILE), note.as_bytes())?;
                if !settings.quiet {
                    eprint!("{note}");
                }
                stopped = Some(note);
            }
        }
    }
    if let Some(shard) = settings.shard {
        if !settings.quiet {
            eprintln!(
                "shard {}/{}: every generation is journalled; write the outputs with `povsim merge {}`",
                shard.index,
                shard.count,
                settings.dir.display()
            );
        }
        return Ok(());
    }
    write_outputs(
        calibration,
        &settings.dir,
        &generations,
        stopped.as_deref(),
        settings,
        &started_at,
        clock,
    )
}

/// `povsim merge DIR` on a calibration folder: the outputs from the journal.
pub fn merge(dir: &Path, quiet: bool) -> anyhow::Result<()> {
    let text = fs::read_to_string(dir.join(IDENTITY_FILE))
        .with_context(|| format!("cannot read {}", dir.join(IDENTITY_FILE).display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)?;
    let calibration = calibration_from_json(&value["calibration"])
        .with_context(|| format!("{} is not a calibration's identity file", dir.display()))?;
    let (generations, stopped) = journal(&calibration, dir);
    if stopped.is_none() && (generations.len() as u32) < calibration.settings.generations {
        return Err(UserError::Usage(format!(
            "{}: {} of {} generations are journalled; finish the shards (or run the calibration) first",
            dir.display(),
            generations.len(),
            calibration.settings.generations
        ))
        .into());
    }
    let settings = RunSettings {
        dir: dir.to_path_buf(),
        force: false,
        threads: None,
        quiet,
        shard: None,
        stop_after: None,
    };
    write_outputs(
        &calibration,
        dir,
        &generations,
        stopped.as_deref(),
        &settings,
        &now_rfc3339(),
        Instant::now(),
    )
}

/// Rebuilds a calibration from its identity file (the resolved calibration, not the file).
fn calibration_from_json(value: &serde_json::Value) -> anyhow::Result<Calibration> {
    use super::abc::{Prior, Settings};
    let s = |k: &str| value[k].as_str().map(String::from).context(k.to_string());
    let settings = &value["settings"];
    let priors = value["priors"]
        .as_array()
        .context("priors")?
        .iter()
        .map(|p| {
            Ok(Prior {
                key: p["key"].as_str().context("key")?.to_string(),
                low: p["low"].as_f64().context("low")?,
                high: p["high"].as_f64().context("high")?,
                integer: p["integer"].as_bool().context("integer")?,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(Calibration {
        povsim_version: s("povsim_version")?,
        source: s("source")?,
        name: s("name")?,
        description: s("description")?,
        base: s("base")?,
        base_resolved: s("base_resolved")?,
        overrides: value["overrides"]
            .as_array()
            .context("overrides")?
            .iter()
            .filter_map(|o| o.as_str().map(String::from))
            .collect(),
        targets_label: s("targets_label")?,
        targets_text: s("targets_text")?,
        replicates: value["replicates"].as_u64().context("replicates")? as u32,
        settings: Settings {
            particles: settings["particles"].as_u64().context("particles")? as usize,
            generations: settings["generations"].as_u64().context("generations")? as u32,
            quantile: settings["quantile"].as_f64().context("quantile")?,
            min_acceptance: settings["min_acceptance"]
                .as_f64()
                .context("min_acceptance")?,
            seed: settings["seed"].as_u64().context("seed")?,
        },
        priors,
    })
}

/// `manifest.json` of a calibration.
#[derive(Debug, Clone, serde::Serialize)]
struct CalibrationManifest<'a> {
    povsim_version: String,
    command: String,
    command_line: Vec<String>,
    identity_hash: String,
    calibration: &'a Calibration,
    targets_hash: String,
    generations_run: usize,
    stopped_early: Option<&'a str>,
    threads: usize,
    started_at: String,
    finished_at: String,
    seconds: f64,
    files: Vec<String>,
}

/// Writes the outputs of a finished calibration (each file atomically).
fn write_outputs(
    calibration: &Calibration,
    dir: &Path,
    generations: &[Population],
    stopped: Option<&str>,
    settings: &RunSettings,
    started_at: &str,
    clock: Instant,
) -> anyhow::Result<()> {
    let last = generations
        .last()
        .context("no generation finished; the calibration has no posterior")?;
    let keys: Vec<&str> = calibration.priors.iter().map(|p| p.key.as_str()).collect();
    let mut files = Vec::new();
    let mut put = |name: &str, bytes: &[u8]| -> anyhow::Result<()> {
        write_atomic(&dir.join(name), bytes)?;
        files.push(name.to_string());
        Ok(())
    };

    // posterior.csv: the last generation.
    let mut posterior = format!(
        "# povsim calibration {}: generation {} of {}, tolerance {}\nparticle,weight,distance,{}\n",
        calibration.name,
        last.generation,
        generations.len(),
        last.tolerance,
        keys.join(",")
    );
    for (i, p) in last.particles.iter().enumerate() {
        let _ = write!(posterior, "{i},{},{}", p.weight, p.distance);
        for (prior, &x) in calibration.priors.iter().zip(&p.values) {
            let _ = write!(posterior, ",{}", value_text(prior, x));
        }
        posterior.push('\n');
    }
    put("posterior.csv", posterior.as_bytes())?;

    // posterior_summary.csv.
    let mut summary = String::from("parameter,prior_low,prior_high,mean,sd,median,q05,q95\n");
    let medians: Vec<f64> = (0..keys.len()).map(|j| last.quantile(j, 0.5)).collect();
    for (j, prior) in calibration.priors.iter().enumerate() {
        let _ = writeln!(
            summary,
            "{},{},{},{},{},{},{},{}",
            prior.key,
            prior.low,
            prior.high,
            last.mean(j),
            last.sd(j),
            medians[j],
            last.quantile(j, 0.05),
            last.quantile(j, 0.95)
        );
    }
    put("posterior_summary.csv", summary.as_bytes())?;

    // generations.csv: how the posterior narrowed.
    let mut table_text = String::from("generation,tolerance,proposed,accepted,acceptance_rate,ess");
    for k in &keys {
        let _ = write!(table_text, ",{k}_q05,{k}_q95");
    }
    table_text.push('\n');
    for g in generations {
        let _ = write!(
            table_text,
            "{},{},{},{},{},{}",
            g.generation,
            if g.tolerance.is_finite() {
                g.tolerance.to_string()
            } else {
                String::new()
            },
            g.proposed,
            g.particles.len(),
            g.acceptance_rate(),
            g.effective_sample_size()
        );
        for j in 0..keys.len() {
            let _ = write!(
                table_text,
                ",{},{}",
                g.quantile(j, 0.05),
                g.quantile(j, 0.95)
            );
        }
        table_text.push('\n');
    }
    put("generations.csv", table_text.as_bytes())?;

    // The posterior median as a scenario, and its fit against every target.
    let median_params = calibration.params_for(&medians)?;
    let mut median_toml = format!(
        "# The posterior median of calibration `{}` ({}), generation {}: the base scenario {} with\n# {}\n",
        calibration.name,
        calibration.source,
        last.generation,
        calibration.base,
        calibration.overrides_for(&medians).join(", ")
    );
    median_toml.push_str(&crate::scenario::to_toml(&median_params)?);
    put("posterior_median.toml", median_toml.as_bytes())?;
    let runs = run_all(&median_params);
    check_invariants(&runs)?;
    let targets = calibration.targets();
    let rows = compare_all(&targets, &run_values(&runs));
    put("fit.csv", &crate::export::tables::to_csv(rows.iter())?)?;

    // Charts: the pair plot and the fit per series.
    let label = format!("posterior median of {}", calibration.name);
    let mut charts = crate::cmd::validate::validation_charts(&targets, &rows, &label)?;
    charts.push(crate::plot::pair_plot(&crate::plot::PairPlotData {
        name: "pairs".into(),
        title: format!(
            "Posterior of {} (generation {}, {} particles)",
            calibration.name,
            last.generation,
            last.particles.len()
        ),
        keys: keys.iter().map(|k| k.to_string()).collect(),
        ranges: calibration.priors.iter().map(|p| (p.low, p.high)).collect(),
        particles: last.particles.iter().map(|p| p.values.clone()).collect(),
        weights: last.particles.iter().map(|p| p.weight).collect(),
        truth: None,
    })?);
    for chart in &charts {
        put(&format!("charts/{}.svg", chart.name), chart.svg.as_bytes())?;
        put(&format!("charts/{}.png", chart.name), &chart.png)?;
    }

    let manifest = CalibrationManifest {
        povsim_version: env!("CARGO_PKG_VERSION").to_string(),
        command: "calibrate".into(),
        command_line: std::env::args().collect(),
        identity_hash: calibration.identity_hash(),
        calibration,
        targets_hash: hash_text(&calibration.targets_text),
        generations_run: generations.len(),
        stopped_early: stopped,
        threads: crate::cmd::common::thread_pool(settings.threads)?.current_num_threads(),
        started_at: started_at.to_string(),
        finished_at: now_rfc3339(),
        seconds: clock.elapsed().as_secs_f64(),
        files: files.clone(),
    };
    write_atomic(
        &dir.join("manifest.json"),
        &crate::cmd::common::to_json(&manifest)?,
    )?;

    if !settings.quiet {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "povsim calibrate {}: {} generations, {} particles, final tolerance {}",
            calibration.name,
            generations.len(),
            last.particles.len(),
            last.tolerance
        );
        let _ = write!(out, "{summary}");
        let _ = writeln!(out, "fit of the posterior median:");
        let _ = write!(out, "{}", table(&rows));
        let _ = writeln!(
            out,
            "Results: {}/ (posterior.csv, posterior_summary.csv, generations.csv, posterior_median.toml, fit.csv, charts/, manifest.json); fitting sum of z^2 {:.2}",
            dir.display(),
            sum_z2(&rows, super::targets::Use::Fit)
        );
    }
    Ok(())
}
