//! `povsim validate`: run a scenario and compare it with observed targets (the shipped
//! `data/targets.toml` by default): `validation.csv`, a printed table, a chart per series and
//! the run's own results, in one results folder.

use std::path::PathBuf;

use clap::Args;

use crate::calib::targets::{run_values, Statistic, TargetSet, Use};
use crate::calib::validation::{compare_all, table, ValidationRow};
use crate::cli::{OutputArgs, ScenarioArgs};
use crate::cmd::common::{
    finish, load_scenario, months_to_simulate, progress_bar, run_manifest, thread_pool, to_json,
    write_charts, write_scenario_results,
};
use crate::error::UserError;
use crate::export::manifest::{hash_text, now_rfc3339, Manifest};
use crate::export::tables::to_csv;
use crate::export::ResultsDir;
use crate::invariants::check_invariants;
use crate::params::Params;
use crate::plot::{validation_chart, Chart, ValidationChartData, ValidationPoint};
use crate::sim::run_all_with_progress;
use crate::summary::summarise;

/// Options of `povsim validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// The scenario (and --replicates N, --seed, --set as for `run`).
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Targets file (TOML); without it, the shipped data/targets.toml.
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `manifest.json` of a validation: the run's manifest plus the targets file.
#[derive(Debug, Clone, serde::Serialize)]
struct ValidateManifest {
    #[serde(flatten)]
    run: Manifest,
    /// The targets file as given.
    targets_file: String,
    /// `sha256:` of its text.
    targets_hash: String,
}

/// First and last complete calendar year of a scenario's run (the model starts in January
/// 2014).
pub fn covered_years(params: &Params) -> (u32, u32) {
    let years = params.simulation.months / 12;
    (2014, 2014 + years.max(1) - 1)
}

/// Checks that the scenario's run covers every target (a usage error otherwise).
pub fn check_covered(set: &TargetSet, params: &Params) -> Result<(), UserError> {
    let (first, last) = covered_years(params);
    set.check_covers(first, last)
        .map_err(|why| UserError::Usage(format!("{}: {why}", set.label)))
}

/// Run the command.
pub fn run(args: &ValidateArgs) -> anyhow::Result<()> {
    let started_at = now_rfc3339();
    let set = TargetSet::load_or_shipped(args.targets.as_deref()).map_err(UserError::from)?;
    let loaded = load_scenario(&args.scenario)?;
    let params = &loaded.params;
    check_covered(&set, params)?;
    let target = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(format!("validate-{}", params.name)));
    let mut dir = ResultsDir::prepare(&target, args.output.force)?;
    let pool = thread_pool(args.output.work.threads)?;
    let bar = progress_bar(
        months_to_simulate(params),
        args.output.work.quiet,
        &params.name,
    );
    let runs = pool.install(|| run_all_with_progress(params, &|| bar.inc(1)));
    bar.finish_and_clear();
    check_invariants(&runs)?;
    let summary = summarise(&params.name, &runs);
    let resolved = write_scenario_results(&mut dir, "", &loaded, &runs, &summary)?;

    let rows = compare_all(&set, &run_values(&runs));
    dir.write("validation.csv", &to_csv(rows.iter())?)?;
    dir.write("targets.toml", set.text.as_bytes())?;
    let charts = validation_charts(&set, &rows, &loaded.chart_label())?;
    write_charts(&mut dir, "", &charts)?;

    let manifest = ValidateManifest {
        run: run_manifest(
            "validate",
            &loaded,
            pool.current_num_threads(),
            started_at,
            &resolved,
            dir.files(),
        ),
        targets_file: set.label.clone(),
        targets_hash: hash_text(&set.text),
    };
    dir.write("manifest.json", &to_json(&manifest)?)?;
    let printed = format!(
        "povsim validate {} against {} ({} replicates, seed {}):\n{}",
        loaded.title(),
        set.label,
        params.simulation.replicates,
        params.simulation.seed,
        table(&rows)
    );
    finish(
        dir,
        &args.output,
        &printed,
        "validation.csv, targets.toml, charts/validation_*, and the run's timeseries.csv, annual.csv, summary.json, codebook.csv, scenario.toml, manifest.json",
    )
}

/// One chart per series of targets, in the order series first appear in the file.
pub fn validation_charts(
    set: &TargetSet,
    rows: &[ValidationRow],
    scenario: &str,
) -> anyhow::Result<Vec<Chart>> {
    let mut series: Vec<&str> = Vec::new();
    for t in &set.targets {
        if !series.contains(&t.series.as_str()) {
            series.push(&t.series);
        }
    }
    series
        .iter()
        .map(|name| {
            let members: Vec<usize> = (0..set.targets.len())
                .filter(|&k| set.targets[k].series == *name)
                .collect();
            let years: Vec<String> = members
                .iter()
                .map(|&k| years_label(&set.targets[k].statistic))
                .collect();
            let distinct = years
                .iter()
                .enumerate()
                .all(|(i, y)| !years[..i].contains(y));
            let points = members
                .iter()
                .zip(&years)
                .map(|(&k, year)| {
                    let (t, r) = (&set.targets[k], &rows[k]);
                    let nan = |x: Option<f64>| x.unwrap_or(f64::NAN);
                    ValidationPoint {
                        label: if distinct {
                            year.clone()
                        } else {
                            t.name.clone()
                        },
                        model: nan(r.model),
                        model_p5: nan(r.model_p5),
                        model_p95: nan(r.model_p95),
                        observed: r.observed,
                        observed_low: r.observed_low,
                        observed_high: r.observed_high,
                        fit: t.usage == Use::Fit,
                    }
                })
                .collect();
            let first = &set.targets[members[0]];
            let y_desc = if members
                .iter()
                .all(|&k| same_shape(&set.targets[k].statistic, &first.statistic))
            {
                shape(&first.statistic)
            } else {
                name.to_string()
            };
            validation_chart(&ValidationChartData {
                name: chart_name(name),
                series: name.to_string(),
                y_desc,
                scenario: scenario.to_string(),
                points,
            })
        })
        .collect()
}

/// The years a statistic reads, as a label.
fn years_label(statistic: &Statistic) -> String {
    match statistic {
        Statistic::Mean { years, .. }
        | Statistic::Ratio { years, .. }
        | Statistic::Relative { years, .. } => years.text(),
    }
}

/// The statistic without its years (the axis description).
fn shape(statistic: &Statistic) -> String {
    match statistic {
        Statistic::Mean { column, .. } => column.clone(),
        Statistic::Ratio {
            numerator,
            denominator,
            ..
        } => format!("{numerator} / {denominator}"),
        Statistic::Relative {
            column, base_year, ..
        } => format!("{column} relative to {base_year}"),
    }
}

fn same_shape(a: &Statistic, b: &Statistic) -> bool {
    shape(a) == shape(b)
}

/// The chart file stem of a series: `validation_` and the series made safe as a file name.
pub fn chart_name(series: &str) -> String {
    let stem: String = series
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("validation_{stem}")
}
