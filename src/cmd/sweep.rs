//! `povsim sweep`: run a parameter sweep from a sweep file (the work is in [`crate::sweep`]).

use std::path::PathBuf;

use clap::Args;

use crate::cli::WorkArgs;

/// Options of `povsim sweep`.
#[derive(Debug, Clone, Args)]
pub struct SweepArgs {
    /// The sweep file (TOML).
    pub sweep: PathBuf,
    /// Results folder (default: outputs/sweep-<name>). Rerunning into the same folder resumes.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run only shard I of N (0-based), e.g. --shard 2/8; shards of one sweep may share --out.
    /// Inside a Slurm array job, SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT give it.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Write DIR/sweep.sbatch, a Slurm job-array script (one task per shard), instead of running.
    #[arg(long)]
    pub slurm: bool,
    /// With --slurm: number of shards (array tasks); default: the number of points, at most 32.
    #[arg(long, value_name = "N", requires = "slurm")]
    pub shards: Option<u32>,
    /// With --slurm: CPUs per array task (default 2).
    #[arg(long, value_name = "C", requires = "slurm", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub cpus_per_task: Option<u32>,
    /// With --slurm: an extra #SBATCH option, e.g. --sbatch=--partition=short (repeatable).
    #[arg(
        long,
        value_name = "OPTION",
        requires = "slurm",
        allow_hyphen_values = true
    )]
    pub sbatch: Vec<String>,
    /// Run at most N more points, then stop (for time-limited job slots); rerun to continue.
    #[arg(long, value_name = "N")]
    pub max_points: Option<usize>,
    /// Worker threads and terminal output.
    #[command(flatten)]
    pub work: WorkArgs,
    /// Discard earlier results or unfinished work of a different sweep in the folder.
    #[arg(long)]
    pub force: bool,
}

/// Run the command.
pub fn run(args: &SweepArgs) -> anyhow::Result<()> {
    crate::sweep::sweep_command(args)
}
