//! Orchestration: scenario -> runs -> invariant checks -> summaries -> exports.
//! Everything the user can get wrong is checked before any simulation starts.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::{CheckArgs, Cli, Command, RunArgs, ScenarioArgs};
use crate::error::{InternalError, UserError};
use crate::export::manifest::{hash_text, now_rfc3339, Manifest};
use crate::export::tables::{annual_csv, timeseries_csv};
use crate::export::{ensure_writable, ResultsDir};
use crate::params::Params;
use crate::scenario::{self, Source, BASELINE_LABEL};
use crate::sim::{run_all, RunOutput};
use crate::summary::{summarise, Summary};

/// The built-in baseline scenario (the text of `scenarios/baseline.toml`).
pub const BASELINE_TEXT: &str = include_str!("../scenarios/baseline.toml");

/// Run the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run_command(&args),
        Command::Check(args) => check_command(&args),
    }
}

/// A loaded, validated scenario and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The resolved parameters.
    pub params: Params,
    /// File path or `<built-in baseline>`.
    pub source: String,
    /// Overrides applied.
    pub overrides: Vec<String>,
}

/// Read and validate a scenario (file or built-in baseline) with its overrides.
pub fn load_scenario(args: &ScenarioArgs) -> Result<LoadedScenario, UserError> {
    let overrides = args.overrides();
    let source = match &args.scenario {
        Some(path) => Source::from_file(path).map_err(|source| UserError::Unreadable {
            path: path.clone(),
            source,
        })?,
        None => Source::new(BASELINE_LABEL, BASELINE_TEXT),
    };
    let mut params: Params = scenario::load(&source, &overrides)?;
    if let Some(path) = &args.scenario {
        let names_itself = source
            .text
            .parse::<toml::Table>()
            .map(|t| t.contains_key("name"))
            .unwrap_or(false);
        let overridden = overrides
            .iter()
            .any(|o| o.trim_start().starts_with("name="));
        if !names_itself && !overridden {
            params.name = default_name(path);
        }
    }
    Ok(LoadedScenario {
        params,
        source: source.label,
        overrides,
    })
}

/// A scenario without a `name` is named after its file.
fn default_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() {
        "scenario".into()
    } else {
        clean
    }
}

fn check_command(args: &CheckArgs) -> anyhow::Result<()> {
    let loaded = load_scenario(&args.scenario)?;
    let text = scenario::to_toml(&loaded.params).context("cannot print the resolved scenario")?;
    println!(
        "# {} is valid. Resolved scenario, every parameter with its value:",
        loaded.source
    );
    print!("{text}");
    Ok(())
}

fn thread_pool(threads: Option<u32>) -> anyhow::Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        builder = builder.num_threads(n as usize);
    }
    builder.build().context("cannot start worker threads")
}

fn run_command(args: &RunArgs) -> anyhow::Result<()> {
    let started_at = now_rfc3339();
    let loaded = load_scenario(&args.scenario)?;
    let params = &loaded.params;
    let target = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(&params.name));
    ensure_writable(&target, args.force)?;
    let pool = thread_pool(args.threads)?;
    let runs = pool.install(|| run_all(params));
    check_invariants(&runs)?;
    let summary = summarise(&params.name, &runs);

    let mut dir = ResultsDir::create(&target, args.force)?;
    dir.write("timeseries.csv", &timeseries_csv(&runs)?)?;
    dir.write("annual.csv", &annual_csv(&runs)?)?;
    dir.write("summary.json", &to_json(&summary)?)?;
    let resolved = scenario::to_toml(params).context("cannot write the resolved scenario")?;
    dir.write("scenario.toml", resolved.as_bytes())?;
    let manifest = Manifest {
        povsim_version: env!("CARGO_PKG_VERSION").to_string(),
        command: "run".into(),
        command_line: std::env::args().collect(),
        scenario_source: loaded.source.clone(),
        overrides: loaded.overrides.clone(),
        seed: params.simulation.seed,
        replicates: params.simulation.replicates,
        threads: pool.current_num_threads(),
        started_at,
        finished_at: now_rfc3339(),
        scenario_hash: hash_text(&resolved),
        scenario: params.clone(),
        files: dir.files().to_vec(),
    };
    dir.write("manifest.json", &to_json(&manifest)?)?;
    let written = dir.commit()?;
    if !args.quiet {
        print!("{}", headline(params, &runs, &summary));
        println!(
            "Results: {}/ (timeseries.csv, annual.csv, summary.json, scenario.toml, manifest.json)",
            written.display()
        );
    }
    Ok(())
}

/// Pretty JSON bytes with a trailing newline.
pub fn to_json<T: serde::Serialize>(value: &T) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The invariants every run must satisfy; a violation is a bug (exit code 1).
pub fn check_invariants(runs: &[RunOutput]) -> Result<(), InternalError> {
    let fail = |what: String| Err(InternalError(what));
    for run in runs {
        let r = run.replicate;
        let Some(first) = run.months.first() else {
            continue;
        };
        let households = first.households;
        let mut last_cum = (0, 0, 0, 0);
        for m in &run.months {
            if m.households != households {
                return fail(format!(
                    "replicate {r} {}: households {} != {households}",
                    m.month, m.households
                ));
            }
            for (name, value) in [
                ("registered", m.registered),
                ("truly_poor", m.truly_poor),
                ("exited", m.exited),
                ("monitored", m.monitored),
            ] {
                if value > households {
                    return fail(format!(
                        "replicate {r} {}: {name} {value} > households {households}",
                        m.month
                    ));
                }
            }
            let cum = (
                m.exits_cum,
                m.relapses_cum,
                m.new_poor_cum,
                m.fake_exits_cum,
            );
            if cum.0 < last_cum.0 || cum.1 < last_cum.1 || cum.2 < last_cum.2 || cum.3 < last_cum.3
            {
                return fail(format!(
                    "replicate {r} {}: a cumulative count decreased",
                    m.month
                ));
            }
            last_cum = cum;
        }
        for y in &run.years {
            for (name, rate) in [("exit_rate", y.exit_rate), ("relapse_rate", y.relapse_rate)] {
                if let Some(v) = rate {
                    if !(0.0..=1.0).contains(&v) {
                        return fail(format!(
                            "replicate {r} {}: {name} {v} outside [0, 1]",
                            y.year
                        ));
                    }
                }
            }
            if y.exits > y.registered_start || y.true_exits + y.fake_exits != y.exits {
                return fail(format!(
                    "replicate {r} {}: exits inconsistent with the register",
                    y.year
                ));
            }
        }
        let a = &run.accounts;
        let accounted = a.funds_spent + a.funds_misused + a.funds_held_end;
        if (a.funds_in - accounted).abs() > 1e-6 * a.funds_in.abs().max(1.0) {
            return fail(format!(
                "replicate {r}: money in {:.0} != spent + misused + held {:.0}",
                a.funds_in, accounted
            ));
        }
    }
    Ok(())
}

/// A short table of key figures for the terminal.
fn headline(params: &Params, runs: &[RunOutput], summary: &Summary) -> String {
    let households = runs
        .first()
        .and_then(|r| r.months.first())
        .map_or(0, |m| m.households);
    let mut out = format!(
        "povsim {}: {} villages, {} households, {} replicate(s), seed {}\n",
        params.name,
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
