//! `povsim bench`: a quick, honest speed check anyone can run. It simulates the baseline (or a
//! given scenario) at a chosen size, without writing outputs, and reports household-months per
//! second, wall time (initialisation and simulation separately), peak memory and the model's
//! bytes per household.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;

use clap::Args;

use crate::cli::{OverrideArgs, ScenarioArgs};
use crate::cmd::common::load_scenario;
use crate::model::household::Households;
use crate::model::schedule::Calendar;
use crate::model::village::Village;
use crate::sim::run_all;

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

/// Peak resident memory of this process so far, bytes (Linux `VmHWM`; `None` elsewhere).
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Run the benchmark and print its figures.
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    // Without a scenario: the baseline at 2,000 villages x 300 households x 84 months. With one:
    // its own size, unless given.
    let defaults = args.scenario.is_none();
    let mut set = Vec::new();
    if let Some(villages) = args.villages.or(defaults.then_some(2000)) {
        set.push(format!("population.villages={villages}"));
        set.push(format!("population.counties={}", (villages / 150).max(1)));
    }
    if let Some(households) = args.households.or(defaults.then_some(300)) {
        set.push(format!("population.households_per_village={households}"));
        set.push(format!("population.households_sd={}", households * 8 / 30));
    }
    if let Some(months) = args.months.or(defaults.then_some(84)) {
        set.push(format!("simulation.months={months}"));
    }
    let scenario = ScenarioArgs {
        scenario: args.scenario.clone(),
        overrides: OverrideArgs {
            set,
            seed: None,
            replicates: Some(args.replicates),
        },
    };
    let params = load_scenario(&scenario)?.params;
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.threads {
        builder = builder.num_threads(n as usize);
    }
    let pool = builder.build().context("cannot start worker threads")?;
    let threads = pool.current_num_threads();
    let calendar = Calendar {
        start_year: params.simulation.start_year,
    };

    // Initialisation alone (what a run spends before the first month).
    let init_started = Instant::now();
    let households: usize = pool.install(|| {
        (0..params.population.villages)
            .into_par_iter()
            .map(|id| {
                Village::new(id, &params, params.simulation.seed, 0, calendar)
                    .households
                    .len()
            })
            .sum()
    });
    let init_seconds = init_started.elapsed().as_secs_f64();

    let started = Instant::now();
    let runs = pool.install(|| run_all(&params));
    let total_seconds = started.elapsed().as_secs_f64();
    let simulated: u64 = runs
        .iter()
        .map(|r| r.months.first().map_or(0, |m| m.households) * r.months.len() as u64)
        .sum();
    let stepping = (total_seconds - init_seconds * params.simulation.replicates as f64).max(1e-9);
    println!("povsim bench: {} villages, {households} households, {} months, {} replicate(s), {threads} thread(s)",
        params.population.villages, params.simulation.months, params.simulation.replicates);
    println!("  household-months          {simulated}");
    println!("  wall time                 {total_seconds:.3} s (initialisation about {init_seconds:.3} s per replicate)");
    println!(
        "  throughput                {:.1} million household-months/s (whole run)",
        simulated as f64 / total_seconds / 1e6
    );
    println!(
        "  throughput, stepping only {:.1} million household-months/s",
        simulated as f64 / stepping / 1e6
    );
    println!(
        "  model state               {} bytes per household (struct of arrays)",
        Households::BYTES_PER_HOUSEHOLD
    );
    if let Some(peak) = peak_memory_bytes() {
        println!(
            "  peak memory               {:.0} MiB ({:.0} bytes per household)",
            peak as f64 / 1048576.0,
            peak as f64 / households.max(1) as f64
        );
    }
    Ok(())
}
