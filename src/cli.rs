//! Command-line interface (clap derive): the top-level parser and the option groups several
//! commands share. Each command's own options live beside its code in [`crate::cmd`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use crate::cmd::bench::BenchArgs;
pub use crate::cmd::calibrate::CalibrateArgs;
pub use crate::cmd::check::CheckArgs;
pub use crate::cmd::compare::CompareArgs;
pub use crate::cmd::merge::MergeArgs;
pub use crate::cmd::report::ReportArgs;
pub use crate::cmd::run::RunArgs;
pub use crate::cmd::serve::ServeArgs;
pub use crate::cmd::sweep::SweepArgs;
pub use crate::cmd::trace::TraceArgs;
pub use crate::cmd::validate::ValidateArgs;

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
    /// against the first (the reference), with 95% confidence intervals and charts. With
    /// --posterior, over draws from a calibration's posterior, adding 5-95%
    /// posterior-predictive bands (parameter uncertainty and luck).
    Compare(CompareArgs),
    /// Write a self-contained report.html for a results folder (of `run`, `validate` or
    /// `compare`).
    Report(ReportArgs),
    /// Measure speed: household-months per second, wall time and peak memory of the
    /// baseline model at a size you choose (writes nothing).
    Bench(BenchArgs),
    /// Tell one household's story: every event that moved it (illness, job, training,
    /// registration, exit, relapse, monitoring), month by month, replayed from the scenario's
    /// seed. Writes nothing.
    Trace(TraceArgs),
    /// Run a parameter sweep from a sweep file: a grid of values, a Latin hypercube, Morris
    /// trajectories or a Saltelli design (Sobol' indices) over ranges, every point x replicate
    /// with common random numbers; writes sweep.csv, points.csv (mean and 5-95% band per
    /// point), sensitivity.csv (Morris or Sobol, with bootstrap intervals) and charts. Rerunning an interrupted sweep resumes it. --shard and --slurm spread it over a
    /// cluster.
    Sweep(SweepArgs),
    /// Merge the finished shards of a sweep (`sweep --shard` or `--slurm`) into sweep.csv,
    /// points.csv and charts, identical to a sweep run whole; on a calibration's folder
    /// (`calibrate --shard` or `--slurm`), write its outputs from the journal.
    Merge(MergeArgs),
    /// Start the classroom web app: a small world the class can watch month by month and
    /// change with sliders (charts, village view, household stories, A/B mode). Everything is
    /// built in; it works with no network. Ctrl-C stops it.
    Serve(ServeArgs),
    /// Run a scenario and compare it with observed statistics (a targets file; the shipped
    /// data/targets.toml by default): validation.csv (observed, model and its 5-95% band,
    /// error, standardised distance), a printed table and a chart per series.
    Validate(ValidateArgs),
    /// Fit named parameters (prior ranges in a calibration file) to the fitting targets by
    /// approximate Bayesian computation with sequential Monte Carlo, over replicated runs with
    /// common random numbers: posterior.csv, posterior_summary.csv, a posterior-median scenario,
    /// pair plots and the fit. Rerunning resumes; --shard and --slurm spread it over a cluster.
    Calibrate(CalibrateArgs),
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
