//! Orchestration: scenario -> runs -> invariant checks -> summaries -> exports.
//! Everything the user can get wrong is checked before any simulation starts.

use std::path::{Path, PathBuf};

use anyhow::Context;

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::chartdata::{
    series_band, year_series, CompareChartData, PairedDifference, RunChartData,
};
use crate::cli::{
    CheckArgs, Cli, Command, CompareArgs, OutputArgs, ReportArgs, RunArgs, ScenarioArgs,
};
use crate::compare::{indicator_label, paired_differences};
use crate::error::{InternalError, UserError};
use crate::export::manifest::{hash_text, now_rfc3339, Manifest};
use crate::export::tables::to_csv;
use crate::export::tables::{annual_csv, timeseries_csv};
use crate::export::{ensure_writable, ResultsDir};
use crate::params::Params;
use crate::report::format_number;
use crate::rng::mix64;
use crate::scenario::{self, Source, BASELINE_LABEL};
use crate::sim::{run_all_with, run_all_with_progress, RunOptions, RunOutput};
use crate::summary::{summarise, Summary};

/// The built-in baseline scenario (the text of `scenarios/baseline.toml`).
pub const BASELINE_TEXT: &str = include_str!("../scenarios/baseline.toml");

/// Run the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run_command(&args),
        Command::Check(args) => check_command(&args),
        Command::Compare(args) => compare_command(&args),
        Command::Report(args) => report_command(&args),
        Command::Bench(args) => crate::bench::run(&args),
        Command::Trace(args) => trace_command(&args),
        Command::Sweep(args) => crate::sweep::sweep_command(&args),
        Command::Merge(args) => crate::sweep::merge_command(&args),
        Command::Serve(args) => crate::serve::run(&args),
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
    let overrides = args.overrides.all();
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

/// `povsim trace`: replay a scenario and print one household's story.
fn trace_command(args: &crate::cli::TraceArgs) -> anyhow::Result<()> {
    use std::io::Write;
    let loaded = load_scenario(&args.scenario)?;
    let story = crate::story::trace(
        &loaded.params,
        args.replicate,
        args.village,
        args.household,
        None,
    )?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &story)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", crate::story::render_text(&story, &loaded.params))?;
    }
    Ok(())
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

pub(crate) fn thread_pool(threads: Option<u32>) -> anyhow::Result<rayon::ThreadPool> {
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
        .output
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(&params.name));
    ensure_writable(&target, args.output.force)?;
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

    let mut dir = ResultsDir::create(&target, args.output.force)?;
    let resolved = write_scenario_results(&mut dir, "", params, &runs, &summary)?;
    if args.per_village {
        dir.write(
            "villages.csv",
            &to_csv(runs.iter().flat_map(|r| r.villages.iter()))?,
        )?;
    }
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
    finish(
        dir,
        &args.output,
        &headline(params, &runs, &summary),
        "timeseries.csv, annual.csv, summary.json, scenario.toml, manifest.json, charts/",
    )
}

/// Simulated months of a scenario (all replicates), for the progress bar.
fn months_to_simulate(params: &Params) -> u64 {
    u64::from(params.simulation.replicates) * u64::from(params.simulation.months)
}

/// A progress bar on standard error, hidden when it is not a terminal or with `--quiet`.
pub(crate) fn progress_bar(total: u64, quiet: bool, label: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg} [{bar:40}] {human_pos}/{human_len} replicate-months ({eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label.to_string());
    bar
}

/// Write one scenario's results (tables, summary, resolved scenario, charts) under `prefix`
/// (empty, or `name/` in a comparison); returns the resolved scenario text.
fn write_scenario_results(
    dir: &mut ResultsDir,
    prefix: &str,
    params: &Params,
    runs: &[RunOutput],
    summary: &Summary,
) -> anyhow::Result<String> {
    dir.write(&format!("{prefix}timeseries.csv"), &timeseries_csv(runs)?)?;
    dir.write(&format!("{prefix}annual.csv"), &annual_csv(runs)?)?;
    dir.write(&format!("{prefix}summary.json"), &to_json(summary)?)?;
    let resolved = scenario::to_toml(params).context("cannot write the resolved scenario")?;
    dir.write(&format!("{prefix}scenario.toml"), resolved.as_bytes())?;
    let charts = crate::plot::run_charts(&RunChartData::from_runs(&params.name, runs))?;
    write_charts(dir, prefix, &charts)?;
    Ok(resolved)
}

fn write_charts(
    dir: &mut ResultsDir,
    prefix: &str,
    charts: &[crate::plot::Chart],
) -> anyhow::Result<()> {
    for chart in charts {
        dir.write(
            &format!("{prefix}charts/{}.svg", chart.name),
            chart.svg.as_bytes(),
        )?;
        dir.write(&format!("{prefix}charts/{}.png", chart.name), &chart.png)?;
    }
    Ok(())
}

fn report_command(args: &ReportArgs) -> anyhow::Result<()> {
    if !args.dir.join("manifest.json").is_file() {
        return Err(UserError::Usage(format!(
            "{} is not a povsim results folder (no manifest.json)",
            args.dir.display()
        ))
        .into());
    }
    let path = crate::report::write(&args.dir)?;
    println!("Report: {}", path.display());
    Ok(())
}

/// One scenario of a comparison in the manifest.
#[derive(Debug, Clone, serde::Serialize)]
struct CompareEntry {
    source: String,
    scenario_hash: String,
    scenario: Params,
}

/// `manifest.json` of a comparison.
#[derive(Debug, Clone, serde::Serialize)]
struct CompareManifest {
    povsim_version: String,
    command: String,
    command_line: Vec<String>,
    overrides: Vec<String>,
    seed: u64,
    replicates: u32,
    common_random_numbers: bool,
    threads: usize,
    started_at: String,
    finished_at: String,
    scenarios: Vec<CompareEntry>,
    files: Vec<String>,
}

fn compare_command(args: &CompareArgs) -> anyhow::Result<()> {
    let started_at = now_rfc3339();
    let mut loaded = Vec::new();
    let mut problems = Vec::new();
    for path in &args.scenarios {
        let scenario_args = ScenarioArgs {
            scenario: (path.as_os_str() != "baseline").then(|| path.clone()),
            overrides: args.overrides.clone(),
        };
        match load_scenario(&scenario_args) {
            Ok(s) => loaded.push(s),
            Err(e) => problems.push(e.to_string()),
        }
    }
    if !problems.is_empty() {
        return Err(UserError::Usage(problems.join("\n")).into());
    }
    // Common random numbers: every scenario runs with the reference's seed and replicates.
    let seed = loaded[0].params.simulation.seed;
    let replicates = loaded[0].params.simulation.replicates;
    let mut names: Vec<String> = Vec::new();
    for (k, s) in loaded.iter_mut().enumerate() {
        if !args.output.work.quiet
            && (s.params.simulation.seed != seed || s.params.simulation.replicates != replicates)
            && k > 0
        {
            eprintln!(
                "note: {} runs with the reference's seed {seed} and {replicates} replicates (common random numbers)",
                s.source
            );
        }
        s.params.simulation.seed = if args.independent && k > 0 {
            mix64(seed ^ k as u64) >> 1
        } else {
            seed
        };
        s.params.simulation.replicates = replicates;
        let mut name = s.params.name.clone();
        if names.contains(&name) {
            name = format!("{name}_{}", k + 1);
        }
        s.params.name = name.clone();
        names.push(name);
    }
    let target = args.output.out.clone().unwrap_or_else(|| {
        PathBuf::from("outputs").join(format!("compare-{}-vs-{}", names[0], names[1..].join("-")))
    });
    ensure_writable(&target, args.output.force)?;
    let pool = thread_pool(args.output.work.threads)?;
    let total: u64 = loaded.iter().map(|s| months_to_simulate(&s.params)).sum();
    let bar = progress_bar(total, args.output.work.quiet, "compare");
    let mut all_runs = Vec::new();
    for s in &loaded {
        let runs = pool.install(|| run_all_with_progress(&s.params, &|| bar.inc(1)));
        check_invariants(&runs)?;
        all_runs.push(runs);
    }
    bar.finish_and_clear();

    let mut differences: Vec<PairedDifference> = Vec::new();
    for k in 1..loaded.len() {
        differences.extend(paired_differences(
            &names[0],
            &all_runs[0],
            &names[k],
            &all_runs[k],
        ));
    }
    let mut dir = ResultsDir::create(&target, args.output.force)?;
    dir.write("comparison.csv", &to_csv(differences.iter())?)?;
    let mut entries = Vec::new();
    for (s, runs) in loaded.iter().zip(&all_runs) {
        let summary = summarise(&s.params.name, runs);
        let resolved = write_scenario_results(
            &mut dir,
            &format!("{}/", s.params.name),
            &s.params,
            runs,
            &summary,
        )?;
        entries.push(CompareEntry {
            source: s.source.clone(),
            scenario_hash: hash_text(&resolved),
            scenario: s.params.clone(),
        });
    }
    let chart_data = CompareChartData {
        scenarios: names.clone(),
        registered: all_runs
            .iter()
            .zip(&names)
            .map(|(r, n)| series_band(n, r, |m| Some(m.registered as f64)))
            .collect(),
        truly_poor: all_runs
            .iter()
            .zip(&names)
            .map(|(r, n)| series_band(n, r, |m| Some(m.truly_poor as f64)))
            .collect(),
        relapse_rate: all_runs
            .iter()
            .zip(&names)
            .map(|(r, n)| year_series(n, r, |y| y.relapse_rate))
            .collect(),
        differences: differences.clone(),
    };
    write_charts(&mut dir, "", &crate::plot::compare_charts(&chart_data)?)?;
    let manifest = CompareManifest {
        povsim_version: env!("CARGO_PKG_VERSION").to_string(),
        command: "compare".into(),
        command_line: std::env::args().collect(),
        overrides: args.overrides.all(),
        seed,
        replicates,
        common_random_numbers: !args.independent,
        threads: pool.current_num_threads(),
        started_at,
        finished_at: now_rfc3339(),
        scenarios: entries,
        files: dir.files().to_vec(),
    };
    dir.write("manifest.json", &to_json(&manifest)?)?;
    finish(
        dir,
        &args.output,
        &comparison_table(&differences, replicates, !args.independent),
        "comparison.csv, charts/, one folder per scenario, manifest.json",
    )
}

/// Write the report if asked, move the results into place, print the summary and where the
/// results are.
fn finish(dir: ResultsDir, output: &OutputArgs, printed: &str, files: &str) -> anyhow::Result<()> {
    if output.report {
        crate::report::write(dir.staging())?;
    }
    let written = dir.commit()?;
    if !output.work.quiet {
        print!("{printed}");
        let report = if output.report { ", report.html" } else { "" };
        println!("Results: {}/ ({files}{report})", written.display());
    }
    Ok(())
}

/// The comparison as a terminal table.
fn comparison_table(differences: &[PairedDifference], replicates: u32, crn: bool) -> String {
    let mut out = format!(
        "Paired differences vs {} over {replicates} replicates ({}), mean and 95% CI:\n",
        differences.first().map_or("", |d| d.reference.as_str()),
        if crn {
            "common random numbers"
        } else {
            "independent streams"
        }
    );
    out.push_str(&format!(
        "{:<50} {:<24} {:>12} {:>12} {:>12}  {}\n",
        "indicator", "scenario", "reference", "scenario", "difference", "95% CI"
    ));
    for d in differences {
        out.push_str(&format!(
            "{:<50} {:<24} {:>12} {:>12} {:>12}  [{}, {}]\n",
            indicator_label(&d.indicator),
            d.scenario,
            format_number(d.reference_mean),
            format_number(d.scenario_mean),
            format_number(d.difference),
            format_number(d.ci_low),
            format_number(d.ci_high)
        ));
    }
    out
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
