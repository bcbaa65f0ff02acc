//! `povsim run`: run one scenario (the built-in baseline by default) over its replicates and
//! write CSV, JSON, charts and a manifest into a results folder.

use std::path::PathBuf;

use clap::Args;

use crate::cli::{OutputArgs, ScenarioArgs};
use crate::cmd::common::{
    finish, load_scenario, months_to_simulate, progress_bar, run_manifest, thread_pool, to_json,
    write_scenario_results,
};
use crate::export::manifest::now_rfc3339;
use crate::export::tables::to_csv;
use crate::export::ResultsDir;
use crate::invariants::check_invariants;
use crate::params::Params;
use crate::sim::{run_all_with, RunOptions, RunOutput};
use crate::summary::{summarise, Summary};

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

/// Run the command.
pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    let started_at = now_rfc3339();
    let loaded = load_scenario(&args.scenario)?;
    let params = &loaded.params;
    let target = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(&params.name));
    let mut dir = ResultsDir::prepare(&target, args.output.force)?;
    let pool = thread_pool(args.output.work.threads)?;
    let bar = progress_bar(
        months_to_simulate(params),
        args.output.work.quiet,
        &params.name,
    );
    let options = RunOptions {
        per_village: args.per_village,
    };
    let runs = pool.install(|| run_all_with(params, &|| bar.inc(1), options));
    bar.finish_and_clear();
    check_invariants(&runs)?;
    let summary = summarise(&params.name, &runs);

    let resolved = write_scenario_results(&mut dir, "", &loaded, &runs, &summary)?;
    dir.write("accounts.csv", &crate::export::tables::accounts_csv(&runs)?)?;
    if args.per_village {
        dir.write(
            "villages.csv",
            &to_csv(runs.iter().flat_map(|r| r.villages.iter()))?,
        )?;
    }
    let manifest = run_manifest(
        "run",
        &loaded,
        pool.current_num_threads(),
        started_at,
        &resolved,
        dir.files(),
    );
    dir.write("manifest.json", &to_json(&manifest)?)?;
    finish(
        dir,
        &args.output,
        &headline(&loaded.title(), params, &runs, &summary),
        "timeseries.csv, annual.csv, accounts.csv, summary.json, codebook.csv, scenario.toml, manifest.json, charts/",
    )
}

/// A short table of key figures for the terminal.
fn headline(title: &str, params: &Params, runs: &[RunOutput], summary: &Summary) -> String {
    let households = runs
        .first()
        .and_then(|r| r.months.first())
        .map_or(0, |m| m.households);
    let mut out = format!(
        "povsim {}: {} villages, {} households, {} replicate(s), seed {}\n",
        title,
        params.population.villages,
        households,
        params.simulation.replicates,
        params.simulation.seed
    );
    out.push_str("year  registered  vs base  exit rate  relapse rate  truly poor  sustained exits   (means over replicates)\n");
    let get = |name: &str, k: usize| {
        summary
            .annual
            .get(name)
            .and_then(|v| v.get(k))
            .and_then(|y| y.band.as_ref())
            .map(|b| b.mean)
    };
    let years = summary.annual.get("exits").map_or(0, |v| v.len());
    for k in 0..years {
        let year = summary.annual["exits"][k].year;
        let fmt = |v: Option<f64>, pct: bool| match v {
            Some(x) if pct => format!("{:.1}%", 100.0 * x),
            Some(x) => format!("{x:.0}"),
            None => "-".into(),
        };
        out.push_str(&format!(
            "{year}  {:>10}  {:>7}  {:>9}  {:>12}  {:>10}  {:>15}\n",
            fmt(get("registered_end", k), false),
            get("registered_relative", k).map_or("-".into(), |x| format!("{x:.3}")),
            fmt(get("exit_rate", k), true),
            fmt(get("relapse_rate", k), true),
            fmt(get("truly_poor_end", k), false),
            fmt(get("sustained_exits", k), false),
        ));
    }
    out
}
