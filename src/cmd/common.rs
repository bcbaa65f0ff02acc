//! The layer the commands share: loading a scenario (file or built-in baseline, with its
//! overrides), worker threads, progress on standard error, writing one scenario's results
//! into a results folder and moving the folder into place.

use std::io::IsTerminal;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::chartdata::RunChartData;
use crate::cli::{OutputArgs, ScenarioArgs};
use crate::error::UserError;
use crate::export::tables::{annual_csv, timeseries_csv};
use crate::export::ResultsDir;
use crate::params::Params;
use crate::scenario::{self, Source};
use crate::sim::RunOutput;
use crate::summary::Summary;

/// The built-in baseline scenario (the text of `scenarios/baseline.toml`).
pub const BASELINE_TEXT: &str = include_str!("../../scenarios/baseline.toml");

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

/// Read and validate a scenario (file or built-in baseline) with its overrides. Warnings (values
/// accepted but probably not meant, such as a key another key switches off) are printed on
/// standard error, one line each, prefixed `warning: ` and located like errors. A file that
/// names no `name` is named after the file; one without `description` gets an empty one (never
/// the baseline's).
pub fn load_scenario(args: &ScenarioArgs) -> Result<LoadedScenario, UserError> {
    let overrides = args.overrides.all();
    let source = match &args.scenario {
        Some(path) => Source::from_file(path).map_err(|source| UserError::Unreadable {
            path: path.clone(),
            source,
        })?,
        None => Source::baseline(),
    };
    let (mut params, warnings): (Params, _) = scenario::load_with_warnings(&source, &overrides)?;
    let mut err = std::io::stderr().lock();
    for warning in &warnings {
        // A closed standard error must not stop the command; the warning is lost with it.
        let _ = writeln!(err, "warning: {}", warning.render(&source.label));
    }
    drop(err);
    if let Some(path) = &args.scenario {
        // A file inherits the baseline's numbers, never its name or its description.
        let table = source.text.parse::<toml::Table>().ok();
        let sets = |key: &str| {
            table.as_ref().is_some_and(|t| t.contains_key(key))
                || overrides
                    .iter()
                    .any(|o| o.split_once('=').is_some_and(|(k, _)| k.trim() == key))
        };
        if !sets("name") {
            params.name = default_name(path);
        }
        if !sets("description") {
            params.description = String::new();
        }
    }
    Ok(LoadedScenario {
        params,
        source: source.label,
        overrides,
    })
}

impl LoadedScenario {
    /// What was run, for titles: the scenario's name, where it came from and every override,
    /// e.g. `baseline (<built-in baseline>, --set cadres.admin_burden=0.2)`.
    pub fn title(&self) -> String {
        title(&self.params.name, &self.source, &self.overrides)
    }

    /// The scenario as chart titles name it: its name and its overrides (the first few, then
    /// how many more), e.g. `baseline, --set cadres.admin_burden=0.2`.
    pub fn chart_label(&self) -> String {
        chart_label(&self.params.name, &self.overrides)
    }
}

/// Overrides named in full in a chart title; more are counted.
const CHART_OVERRIDES: usize = 2;

/// `name, --set a=1, --set b=2 (+3 more overrides)`.
fn chart_label(name: &str, overrides: &[String]) -> String {
    let mut label = name.to_string();
    for o in overrides.iter().take(CHART_OVERRIDES) {
        label.push_str(&format!(", --set {o}"));
    }
    let more = overrides.len().saturating_sub(CHART_OVERRIDES);
    if more > 0 {
        label.push_str(&format!(
            " (+{more} more override{})",
            if more == 1 { "" } else { "s" }
        ));
    }
    label
}

/// `name (source, --set a=1, --set b=2)`.
pub fn title(name: &str, source: &str, overrides: &[String]) -> String {
    let mut parts = vec![source.to_string()];
    parts.extend(overrides.iter().map(|o| format!("--set {o}")));
    format!("{name} ({})", parts.join(", "))
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

/// A pool of `threads` worker threads (default: one per core).
pub fn thread_pool(threads: Option<u32>) -> anyhow::Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        builder = builder.num_threads(n as usize);
    }
    builder.build().context("cannot start worker threads")
}

/// Simulated months of a scenario (all replicates), for the progress bar.
pub fn months_to_simulate(params: &Params) -> u64 {
    u64::from(params.simulation.replicates) * u64::from(params.simulation.months)
}

/// A progress bar on standard error, hidden when it is not a terminal or with `--quiet`.
pub fn progress_bar(total: u64, quiet: bool, label: &str) -> ProgressBar {
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
pub fn write_scenario_results(
    dir: &mut ResultsDir,
    prefix: &str,
    scenario: &LoadedScenario,
    runs: &[RunOutput],
    summary: &Summary,
) -> anyhow::Result<String> {
    let params = &scenario.params;
    dir.write(&format!("{prefix}timeseries.csv"), &timeseries_csv(runs)?)?;
    dir.write(&format!("{prefix}annual.csv"), &annual_csv(runs)?)?;
    dir.write(&format!("{prefix}summary.json"), &to_json(summary)?)?;
    dir.write(
        &format!("{prefix}codebook.csv"),
        &crate::export::codebook::codebook_csv()?,
    )?;
    let resolved = scenario::to_toml(params).context("cannot write the resolved scenario")?;
    dir.write(&format!("{prefix}scenario.toml"), resolved.as_bytes())?;
    let charts = crate::plot::run_charts(&RunChartData::from_runs(&scenario.chart_label(), runs))?;
    write_charts(dir, prefix, &charts)?;
    Ok(resolved)
}

/// Write charts (SVG and PNG) under `prefix`charts/.
pub fn write_charts(
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

/// Write the report if asked, move the results into place, print the summary and where the
/// results are.
pub fn finish(
    dir: ResultsDir,
    output: &OutputArgs,
    printed: &str,
    files: &str,
) -> anyhow::Result<()> {
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

/// The manifest of a folder holding one scenario's run: `command` (e.g. `run`), the loaded
/// scenario, the threads used, when it started, the resolved scenario text and the files.
pub fn run_manifest(
    command: &str,
    loaded: &LoadedScenario,
    threads: usize,
    started_at: String,
    resolved: &str,
    files: &[String],
) -> crate::export::manifest::Manifest {
    let params = &loaded.params;
    crate::export::manifest::Manifest {
        povsim_version: env!("CARGO_PKG_VERSION").to_string(),
        command: command.into(),
        command_line: std::env::args().collect(),
        title: loaded.title(),
        scenario_source: loaded.source.clone(),
        overrides: loaded.overrides.clone(),
        seed: params.simulation.seed,
        replicates: params.simulation.replicates,
        threads,
        started_at,
        finished_at: crate::export::manifest::now_rfc3339(),
        scenario_hash: crate::export::manifest::hash_text(resolved),
        scenario: params.clone(),
        files: files.to_vec(),
    }
}

/// Pretty JSON bytes with a trailing newline.
pub fn to_json<T: serde::Serialize>(value: &T) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_labels_name_the_overrides_and_count_the_rest() {
        assert_eq!(chart_label("baseline", &[]), "baseline");
        let one = vec!["cadres.admin_burden=0.2".to_string()];
        assert_eq!(
            chart_label("baseline", &one),
            "baseline, --set cadres.admin_burden=0.2"
        );
        let four: Vec<String> = (0..4).map(|k| format!("k{k}=1")).collect();
        assert_eq!(
            chart_label("x", &four),
            "x, --set k0=1, --set k1=1 (+2 more overrides)"
        );
    }
}
