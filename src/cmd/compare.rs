//! `povsim compare`: run two or more scenarios with common random numbers and report paired
//! differences against the first (the reference), with 95% confidence intervals and charts.

use std::path::PathBuf;

use clap::Args;

use crate::chartdata::{series_band, year_series, CompareChartData, PairedDifference};
use crate::cli::{OutputArgs, OverrideArgs, ScenarioArgs};
use crate::cmd::common::{
    finish, load_scenario, months_to_simulate, progress_bar, thread_pool, to_json, write_charts,
    write_scenario_results,
};
use crate::compare::{indicator_label, paired_differences};
use crate::error::UserError;
use crate::export::manifest::{hash_text, now_rfc3339};
use crate::export::tables::to_csv;
use crate::export::ResultsDir;
use crate::invariants::check_invariants;
use crate::params::Params;
use crate::report::format_number;
use crate::rng::mix64;
use crate::sim::run_all_with_progress;
use crate::summary::summarise;

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
    /// Run every scenario over draws from a calibration's posterior (`posterior.csv` of
    /// `povsim calibrate`), so the intervals carry parameter uncertainty as well as luck.
    /// Keys a scenario file sets itself (to a value other than the default) or that --set
    /// sets win over the posterior's values.
    #[arg(long, value_name = "FILE")]
    pub posterior: Option<PathBuf>,
    /// Posterior draws (particles drawn by weighted systematic resampling); each draw runs
    /// every scenario with the same replicate seeds and its own master seed.
    #[arg(long, value_name = "N", requires = "posterior", value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub draws: Option<u32>,
}

/// One scenario of a comparison in the manifest.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct CompareEntry {
    pub(crate) title: String,
    pub(crate) source: String,
    pub(crate) scenario_hash: String,
    pub(crate) scenario: Params,
}

/// `manifest.json` of a comparison.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct CompareManifest {
    pub(crate) povsim_version: String,
    pub(crate) command: String,
    pub(crate) command_line: Vec<String>,
    pub(crate) overrides: Vec<String>,
    pub(crate) seed: u64,
    pub(crate) replicates: u32,
    pub(crate) common_random_numbers: bool,
    pub(crate) threads: usize,
    pub(crate) started_at: String,
    pub(crate) finished_at: String,
    pub(crate) scenarios: Vec<CompareEntry>,
    /// The posterior and its draws (`compare --posterior` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) posterior: Option<super::compare_posterior::PosteriorManifest>,
    pub(crate) files: Vec<String>,
}

/// Run the command.
pub fn run(args: &CompareArgs) -> anyhow::Result<()> {
    if let Some(path) = &args.posterior {
        return super::compare_posterior::run(args, path);
    }
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
    let target = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(default_folder_name(&names)));
    let mut dir = ResultsDir::prepare(&target, args.output.force)?;
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
    dir.write("comparison.csv", &to_csv(differences.iter())?)?;
    let mut entries = Vec::new();
    for (s, runs) in loaded.iter().zip(&all_runs) {
        let summary = summarise(&s.params.name, runs);
        let resolved =
            write_scenario_results(&mut dir, &format!("{}/", s.params.name), s, runs, &summary)?;
        entries.push(CompareEntry {
            title: s.title(),
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
        predictive: vec![],
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
        posterior: None,
        files: dir.files().to_vec(),
    };
    dir.write("manifest.json", &to_json(&manifest)?)?;
    finish(
        dir,
        &args.output,
        &format!(
            "{}{}",
            loaded
                .iter()
                .map(|s| format!("povsim compare: {}\n", s.title()))
                .collect::<String>(),
            comparison_table(&differences, replicates, !args.independent)
        ),
        "comparison.csv, charts/, one folder per scenario, manifest.json",
    )
}

/// Longest default folder name of a comparison, bytes (longer lists get a hash instead).
pub(crate) const DEFAULT_NAME_BYTES: usize = 100;

/// `compare-<reference>-vs-<others>`; when that gets long (many or long names), the
/// reference, the number of others and a short hash of all the names instead, so the default
/// stays a valid folder name however many scenarios are compared.
pub(crate) fn default_folder_name(names: &[String]) -> String {
    let full = format!("compare-{}-vs-{}", names[0], names[1..].join("-"));
    if full.len() <= DEFAULT_NAME_BYTES {
        return full;
    }
    let hash = hash_text(&names.join("\n"));
    let short: String = names[0].chars().take(40).collect();
    format!(
        "compare-{short}-vs-{}-others-{}",
        names.len() - 1,
        &hash["sha256:".len().."sha256:".len() + 8]
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_folder_names_stay_short_and_distinct() {
        let two = vec!["baseline".to_string(), "training".to_string()];
        assert_eq!(default_folder_name(&two), "compare-baseline-vs-training");
        let many: Vec<String> = (0..30).map(|k| format!("scenario_number_{k}")).collect();
        let name = default_folder_name(&many);
        assert!(name.len() <= DEFAULT_NAME_BYTES, "{name}");
        assert!(
            name.starts_with("compare-scenario_number_0-vs-29-others-"),
            "{name}"
        );
        let mut other = many.clone();
        other[29] = "something_else".into();
        assert_ne!(default_folder_name(&other), name);
    }
}
