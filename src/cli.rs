//! Command-line interface (clap derive). Each subcommand's options live in its own struct;
//! orchestration is in `app`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// povsim: how poor villages exit poverty and how households fall back into it, under China's
/// First Secretary programme. Scenarios are TOML files that state what differs from the
/// built-in baseline; every run is reproducible from its manifest.
#[derive(Debug, Parser)]
#[command(name = "povsim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario (the built-in baseline when no file is given) and write CSV, JSON, charts
    /// and a manifest under outputs/<scenario name>/.
    Run(RunArgs),
    /// Validate a scenario and print it fully resolved (every parameter, defaults filled in).
    Check(CheckArgs),
    /// Run two or more scenarios with common random numbers and report paired differences
    /// against the first (the reference), with 95% confidence intervals and charts.
    Compare(CompareArgs),
    /// Write a self-contained report.html for a results folder (of `run` or `compare`).
    Report(ReportArgs),
    /// Measure speed: household-months per second, wall time and peak memory of the
    /// baseline model at a size you choose (writes nothing).
    Bench(BenchArgs),
    /// Tell one household's story: every event that moved it (illness, job, training,
    /// registration, exit, relapse, monitoring), month by month, replayed from the scenario's
    /// seed. Writes nothing.
    Trace(TraceArgs),
    /// Run a parameter sweep from a sweep file: a grid of values, a Latin hypercube or Morris
    /// trajectories over ranges, every point x replicate with common random numbers; writes
    /// sweep.csv, points.csv (mean and 5-95% band per point), sensitivity.csv (Morris) and
    /// charts. Rerunning an interrupted sweep resumes it. --shard and --slurm spread it over a
    /// cluster.
    Sweep(SweepArgs),
    /// Merge the finished shards of a sweep (`sweep --shard` or `--slurm`) into sweep.csv,
    /// points.csv and charts, identical to a sweep run whole.
    Merge(MergeArgs),
    /// Start the classroom web app: a small world the class can watch month by month and
    /// change with sliders (charts, village view, household stories, A/B mode). Everything is
    /// built in; it works with no network. Ctrl-C stops it.
    Serve(ServeArgs),
}

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

/// Options of `povsim merge`.
#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// The sweep's results folder, holding shards/.
    pub dir: PathBuf,
    /// Replace earlier merged results.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Options of `povsim serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Port to listen on (0 = any free port; the address is printed on start).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on. The default answers this machine only; use 0.0.0.0 to let the
    /// students' machines on the classroom network connect.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Most sessions (students' worlds) held at once; when full, the least recently used
    /// session idle for over 2 minutes is closed, otherwise a new student is asked to retry.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_sessions: u32,
}

/// Options of `povsim trace`.
#[derive(Debug, Clone, Args)]
pub struct TraceArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Village id (0-based, as in villages.csv).
    #[arg(long)]
    pub village: u32,
    /// Household id within the village (0-based).
    #[arg(long)]
    pub household: u32,
    /// Which replicate's luck (0-based).
    #[arg(long, default_value_t = 0)]
    pub replicate: u32,
    /// Print the story as JSON (events and the monthly income path) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Options of `povsim bench`.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Villages to simulate (default 2,000, or the scenario's with --scenario).
    #[arg(long)]
    pub villages: Option<u32>,
    /// Mean households per village (default 300, or the scenario's).
    #[arg(long)]
    pub households: Option<u32>,
    /// Months to simulate from January 2014 (default 84 = 2014-2020, or the scenario's).
    #[arg(long)]
    pub months: Option<u32>,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Replicates.
    #[arg(long, default_value_t = 1)]
    pub replicates: u32,
    /// Scenario file to benchmark instead of the built-in baseline.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
}

/// Changes to scenarios from the command line (shared by `run`, `check` and `compare`).
#[derive(Debug, Clone, Default, Args)]
pub struct OverrideArgs {
    /// Override any scenario key, e.g. --set cadres.admin_burden=0.2 or
    /// --set cadres.assignment=matched (repeatable; validated like the file).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Master seed (same as --set simulation.seed=N).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Number of replicates (same as --set simulation.replicates=N).
    #[arg(long)]
    pub replicates: Option<u32>,
}

/// Which scenario, and how to change it from the command line.
#[derive(Debug, Clone, Args)]
pub struct ScenarioArgs {
    /// Scenario file (TOML); without it, the built-in baseline (scenarios/baseline.toml).
    pub scenario: Option<PathBuf>,
    /// Overrides.
    #[command(flatten)]
    pub overrides: OverrideArgs,
}

impl OverrideArgs {
    /// All overrides in order: --set first, then --seed and --replicates.
    pub fn all(&self) -> Vec<String> {
        let mut all = self.set.clone();
        if let Some(seed) = self.seed {
            all.push(format!("simulation.seed={seed}"));
        }
        if let Some(n) = self.replicates {
            all.push(format!("simulation.replicates={n}"));
        }
        all
    }
}

/// How the work runs (shared by `run`, `compare` and `sweep`).
#[derive(Debug, Clone, Default, Args)]
pub struct WorkArgs {
    /// Worker threads (default: all cores). Results are identical at any count.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Print nothing but errors (and no progress bar).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Where results go and how the run behaves (shared by `run` and `compare`).
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Results folder (default: outputs/<scenario name>, or outputs/compare-<reference>-vs-<others>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads and terminal output.
    #[command(flatten)]
    pub work: WorkArgs,
    /// Replace an existing results folder.
    #[arg(long)]
    pub force: bool,
    /// Also write report.html into the results folder.
    #[arg(long)]
    pub report: bool,
}

/// Options of `povsim run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Also write villages.csv: one row per replicate, year and village (village attributes,
    /// secretary, exits, relapses, registered and truly poor at year end).
    #[arg(long)]
    pub per_village: bool,
}

/// Options of `povsim compare`.
#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// Scenario files; the first is the reference. Use `baseline` for the built-in baseline.
    #[arg(required = true, num_args = 2.., value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Overrides applied to every scenario; --seed and --replicates default to the
    /// reference scenario's.
    #[command(flatten)]
    pub overrides: OverrideArgs,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Give each scenario independent random streams instead of common random numbers
    /// (for teaching: shows how much wider the intervals get).
    #[arg(long)]
    pub independent: bool,
}

/// Options of `povsim report`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// A results folder written by `povsim run` or `povsim compare`.
    pub dir: PathBuf,
}

/// Options of `povsim check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
}
