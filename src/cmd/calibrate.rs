//! `povsim calibrate`: fit named parameters to the fitting targets by ABC-SMC (the work is in
//! [`crate::calib`]).

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use crate::calib::command::{calibrate, RunSettings};
use crate::calib::file::{resolve, Calibration};
use crate::cli::WorkArgs;
use crate::error::UserError;
use crate::sweep::command::Shard;
use crate::sweep::slurm::{check_sbatch_option, quote, script_path};

/// Options of `povsim calibrate`.
#[derive(Debug, Clone, Args)]
pub struct CalibrateArgs {
    /// The calibration file (TOML): base scenario, targets, ABC settings, parameters with
    /// prior ranges.
    pub calibration: PathBuf,
    /// Results folder (default: outputs/calibrate-<name>). Rerunning into the same folder
    /// resumes from the last journalled generation.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Evaluate only shard I of N (0-based) of every batch of candidates; the N shards must run
    /// at the same time and share --out (they wait for each other after each batch). Inside a
    /// Slurm array job, SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT give it. Then
    /// `povsim merge DIR` writes the outputs.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Write DIR/calibrate.sbatch, a Slurm job array of N shards (run at once) whose task 0
    /// merges at the end, instead of running.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub slurm: Option<u32>,
    /// With --slurm: an extra #SBATCH option, e.g. --sbatch=--partition=short (repeatable).
    #[arg(
        long,
        value_name = "OPTION",
        requires = "slurm",
        allow_hyphen_values = true
    )]
    pub sbatch: Vec<String>,
    /// Stop after N generations are journalled (a deliberate interruption; rerun to resume).
    #[arg(long, value_name = "N", hide = true)]
    pub stop_after_generations: Option<u32>,
    /// Worker threads and terminal output.
    #[command(flatten)]
    pub work: WorkArgs,
    /// Replace another calibration's folder (only the files a calibration writes).
    #[arg(long)]
    pub force: bool,
}

/// Run the command.
pub fn run(args: &CalibrateArgs) -> anyhow::Result<()> {
    let calibration = resolve(&args.calibration).map_err(UserError::from)?;
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("outputs").join(format!("calibrate-{}", calibration.name))
    });
    let shard = match &args.shard {
        Some(text) => Some(Shard::parse(text)?),
        None => Shard::from_slurm_env()?,
    };
    if let Some(n) = args.slurm {
        return write_sbatch(args, &calibration, &dir, n);
    }
    let settings = RunSettings {
        dir,
        force: args.force,
        threads: args.work.threads,
        quiet: args.work.quiet,
        shard,
        stop_after: args.stop_after_generations,
    };
    calibrate(&calibration, &settings)
}

/// Writes `DIR/calibrate.sbatch`: `shards` array tasks running at once, task 0 merging.
fn write_sbatch(
    args: &CalibrateArgs,
    calibration: &Calibration,
    dir: &Path,
    shards: u32,
) -> anyhow::Result<()> {
    for option in &args.sbatch {
        check_sbatch_option(option.trim())?;
    }
    let absolute = |p: &Path| -> anyhow::Result<PathBuf> {
        Ok(if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir()?.join(p)
        })
    };
    let dir_abs = absolute(dir)?;
    let exe = std::env::current_exe().context("cannot find the povsim executable")?;
    let q_exe = quote(&script_path(&exe, "the povsim executable")?)?;
    let q_dir = quote(&script_path(&dir_abs, "--out")?)?;
    let q_file = quote(&script_path(
        &absolute(&args.calibration)?,
        "the calibration file",
    )?)?;
    let log = script_path(&dir_abs.join("slurm/%x-%A_%a.out"), "--out")?;
    if log
        .chars()
        .any(|c| !crate::sweep::slurm::is_sbatch_word_char(c))
    {
        return Err(UserError::Usage(format!(
            "--out {}: with --slurm the folder's path goes into an #SBATCH line and must not hold whitespace, quotes, backslashes or #",
            dir.display()
        ))
        .into());
    }
    std::fs::create_dir_all(dir_abs.join("slurm"))?;
    let mut script = format!(
        "#!/bin/bash\n# povsim calibrate {}: {} particles x {} generations, {} replicates per particle,\n\
         # in {shards} shards that run AT THE SAME TIME (they wait for each other after every batch\n\
         # of candidates, through files in the shared folder). Task 0 writes the outputs at the end.\n\
         # Written by povsim {}; calibration hash {}.\n# Submit: sbatch {}/calibrate.sbatch\n",
        calibration.name,
        calibration.settings.particles,
        calibration.settings.generations,
        calibration.replicates,
        env!("CARGO_PKG_VERSION"),
        calibration.identity_hash(),
        dir_abs.display()
    );
    script.push_str(&format!(
        "#SBATCH --job-name=povsim-calibrate-{}\n",
        calibration.name
    ));
    script.push_str(&format!("#SBATCH --array=0-{}\n", shards - 1));
    // One CPU a task, so that all shards fit on a small cluster at once (they must run together).
    script.push_str("#SBATCH --cpus-per-task=1\n");
    script.push_str(&format!("#SBATCH --output={log}\n"));
    for option in &args.sbatch {
        script.push_str(&format!("#SBATCH {}\n", option.trim()));
    }
    script.push_str("\nset -euo pipefail\n");
    script.push_str(&format!(
        "{q_exe} calibrate {q_file} --out {q_dir} --shard \"${{SLURM_ARRAY_TASK_ID}}/{shards}\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\"\n\
         if [ \"${{SLURM_ARRAY_TASK_ID}}\" = 0 ]; then {q_exe} merge {q_dir}; fi\n"
    ));
    let path = dir_abs.join("calibrate.sbatch");
    crate::calib::command::write_atomic(&path, script.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    }
    if !args.work.quiet {
        println!(
            "Wrote {} ({shards} array tasks).\nSubmit: sbatch {}",
            path.display(),
            path.display()
        );
    }
    Ok(())
}
