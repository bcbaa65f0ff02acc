//! What a sweep writes: the indicator columns of a run, the rows of `sweep.csv`, and the
//! reductions to `points.csv` and `sensitivity.csv`. Bytes only; no I/O.
//!
//! Numbers are written in Rust's shortest round-trip form, so a value read back from a journal
//! and written again is the same text: a resumed or merged sweep gives the same bytes as one
//! run straight through.

use std::collections::BTreeMap;

use csv::StringRecord;

use super::design::{elementary_effects, morris_summary, MorrisStep};
use super::{FactorKind, Method, SweepPlan};
use crate::collect::YearRow;
use crate::export::tables::csv_bytes;
use crate::params::Params;
use crate::sim::RunOutput;
use crate::summary::{run_totals, Band, Indicator};

/// Annual indicators in `sweep.csv`, one column per year: `<name>_<year>`.
pub const ANNUAL: [(&str, Indicator); 6] = [
    ("registered_end", |r: &YearRow| {
        Some(r.registered_end as f64)
    }),
    ("truly_poor_end", |r: &YearRow| {
        Some(r.truly_poor_end as f64)
    }),
    ("exits", |r: &YearRow| Some(r.exits as f64)),
    ("relapses", |r: &YearRow| Some(r.relapses as f64)),
    ("exit_rate", |r: &YearRow| r.exit_rate),
    ("relapse_rate", |r: &YearRow| r.relapse_rate),
];

/// End-of-run indicators (see [`run_totals`]), in column order. The first four are the
/// headline indicators charted for every sweep.
pub const TOTALS: [&str; 15] = [
    "poverty_household_years",
    "sustained_exits_to_deadline",
    "relapse_rate_mean",
    "cost_per_sustained_exit",
    "exits",
    "true_exits",
    "sustained_exits",
    "fake_exits",
    "relapses",
    "new_poor",
    "truly_poor_2020",
    "truly_poor_end",
    "registered_end",
    "funds_spent",
    "funds_leaked",
];

/// How many of [`TOTALS`] are charted.
pub const HEADLINE: usize = 4;

/// The indicator columns for a sweep whose points have these parameters: the annual
/// indicators for every complete year any point simulates, then the end-of-run totals.
pub fn indicator_columns(point_params: &[Params]) -> Vec<String> {
    let mut years = std::collections::BTreeSet::new();
    for p in point_params {
        for y in 0..p.simulation.months / 12 {
            years.insert(p.simulation.start_year + y);
        }
    }
    let mut columns = Vec::new();
    for year in years {
        for (name, _) in ANNUAL {
            columns.push(format!("{name}_{year}"));
        }
    }
    columns.extend(TOTALS.iter().map(|s| s.to_string()));
    columns
}

/// The values of `columns` for one replicate's run (None = NA).
pub fn run_values(run: &RunOutput, columns: &[String]) -> Vec<Option<f64>> {
    let mut values: BTreeMap<String, Option<f64>> = BTreeMap::new();
    for row in &run.years {
        for (name, f) in ANNUAL {
            values.insert(format!("{name}_{}", row.year), f(row));
        }
    }
    for (name, value) in run_totals(run) {
        values.insert(name.to_string(), value);
    }
    columns
        .iter()
        .map(|c| values.get(c).copied().flatten())
        .collect()
}

/// A number as CSV text: shortest round-trip form; NA (None, NaN, infinite) as empty.
pub fn number_text(value: Option<f64>) -> String {
    match value {
        Some(x) if x.is_finite() => format!("{x}"),
        _ => String::new(),
    }
}

/// The header of `sweep.csv`: point, replicate, (trajectory for Morris), the swept keys, then
/// the indicator columns.
pub fn sweep_header(plan: &SweepPlan) -> Vec<String> {
    let mut header = vec!["point".to_string(), "replicate".to_string()];
    if plan.method == Method::Morris {
        header.push("trajectory".into());
    }
    header.extend(plan.factors.iter().map(|f| f.key.clone()));
    header.extend(plan.columns.iter().cloned());
    header
}

/// The `sweep.csv` rows of one finished point (one per replicate, in replicate order), as CSV
/// bytes without a header.
pub fn point_rows(plan: &SweepPlan, point: usize, runs: &[RunOutput]) -> anyhow::Result<Vec<u8>> {
    let p = &plan.points[point];
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for run in runs {
        let mut record = vec![p.id.to_string(), run.replicate.to_string()];
        if let Some(step) = p.morris {
            record.push(step.trajectory.to_string());
        }
        record.extend(p.values.iter().cloned());
        record.extend(run_values(run, &plan.columns).into_iter().map(number_text));
        writer.write_record(&record)?;
    }
    csv_bytes(writer)
}

/// Finished rows by point id (each point's rows in replicate order).
pub type Rows = BTreeMap<u32, Vec<StringRecord>>;

/// `sweep.csv`: the header, then every row sorted by point and replicate.
pub fn sweep_csv(plan: &SweepPlan, rows: &Rows) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(sweep_header(plan))?;
    for records in rows.values() {
        for record in records {
            writer.write_record(record)?;
        }
    }
    csv_bytes(writer)
}

/// The replicate values of every indicator column at each point: `[point][column][replicate]`.
pub fn values_by_point(plan: &SweepPlan, rows: &Rows) -> Vec<Vec<Vec<f64>>> {
    let offset = sweep_header(plan).len() - plan.columns.len();
    plan.points
        .iter()
        .map(|p| {
            let records = rows.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
            (0..plan.columns.len())
                .map(|c| {
                    records
                        .iter()
                        .filter_map(|r| r.get(offset + c))
                        .filter_map(|text| text.parse::<f64>().ok())
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Mean and 5-95% band of every indicator at every point, from [`values_by_point`].
pub fn point_bands(values: &[Vec<Vec<f64>>]) -> Vec<Vec<Option<Band>>> {
    values
        .iter()
        .map(|columns| {
            columns
                .iter()
                .map(|v| Band::of(v.iter().copied()))
                .collect()
        })
        .collect()
}

/// `points.csv`: per point, the swept values, the number of replicates, then for each indicator
/// its mean and 5-95% band across replicates (`<indicator>_mean`, `_p5`, `_p95`).
pub fn points_csv(plan: &SweepPlan, bands: &[Vec<Option<Band>>]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["point".to_string()];
    if plan.method == Method::Morris {
        header.push("trajectory".into());
    }
    header.extend(plan.factors.iter().map(|f| f.key.clone()));
    header.push("replicates".into());
    for c in &plan.columns {
        header.push(format!("{c}_mean"));
        header.push(format!("{c}_p5"));
        header.push(format!("{c}_p95"));
    }
    writer.write_record(&header)?;
    for (p, point_bands) in plan.points.iter().zip(bands) {
        let mut record = vec![p.id.to_string()];
        if let Some(step) = p.morris {
            record.push(step.trajectory.to_string());
        }
        record.extend(p.values.iter().cloned());
        let n = point_bands.iter().flatten().map(|b| b.n).max().unwrap_or(0);
        record.push(n.to_string());
        for band in point_bands {
            record.push(number_text(band.as_ref().map(|b| b.mean)));
            record.push(number_text(band.as_ref().map(|b| b.p5)));
            record.push(number_text(band.as_ref().map(|b| b.p95)));
        }
        writer.write_record(&record)?;
    }
    csv_bytes(writer)
}

/// Morris elementary effects of one parameter on one end-of-run indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    /// End-of-run indicator (one of [`TOTALS`]).
    pub indicator: String,
    /// Swept key.
    pub parameter: String,
    /// Mean absolute effect: the importance of the parameter (indicator units per full range).
    pub mu_star: f64,
    /// Mean effect (its sign says which way the parameter pushes).
    pub mu: f64,
    /// Standard deviation of the effects: interactions and non-linearity.
    pub sigma: f64,
    /// Effects the summary is based on (one per trajectory, fewer where the indicator is NA).
    pub effects: usize,
}

/// Morris elementary effects of every parameter on every end-of-run indicator, from the point
/// means (common random numbers make the differences between neighbouring points precise).
pub fn morris_effects(plan: &SweepPlan, bands: &[Vec<Option<Band>>]) -> Vec<Effect> {
    if plan.method != Method::Morris {
        return Vec::new();
    }
    let steps: Vec<MorrisStep> = plan
        .points
        .iter()
        .map(|p| {
            p.morris.unwrap_or(MorrisStep {
                trajectory: 0,
                step: 0,
                moved: None,
            })
        })
        .collect();
    let units: Vec<Vec<f64>> = plan
        .points
        .iter()
        .map(|p| p.unit.clone().unwrap_or_default())
        .collect();
    // Integer keys are rounded: the change is measured on the values actually run.
    let realised: Vec<Vec<f64>> = plan
        .points
        .iter()
        .zip(&units)
        .map(|(p, unit)| {
            plan.factors
                .iter()
                .enumerate()
                .map(|(k, f)| match f.kind {
                    FactorKind::Range { low, high, .. } => p.values[k]
                        .parse::<f64>()
                        .map(|x| (x - low) / (high - low))
                        .unwrap_or(unit.get(k).copied().unwrap_or(0.0)),
                    FactorKind::Values { .. } => unit.get(k).copied().unwrap_or(0.0),
                })
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for name in TOTALS {
        let Some(c) = plan.columns.iter().position(|c| c == name) else {
            continue;
        };
        let values: Vec<Option<f64>> = bands
            .iter()
            .map(|b| b[c].as_ref().map(|b| b.mean))
            .collect();
        let effects = elementary_effects(&steps, &realised, &values, plan.factors.len());
        let mut rows: Vec<Effect> = plan
            .factors
            .iter()
            .zip(&effects)
            .filter_map(|(f, e)| {
                morris_summary(e).map(|(mu_star, mu, sigma)| Effect {
                    indicator: name.to_string(),
                    parameter: f.key.clone(),
                    mu_star,
                    mu,
                    sigma,
                    effects: e.len(),
                })
            })
            .collect();
        rows.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
        out.extend(rows);
    }
    out
}

/// `sensitivity.csv`: one row per indicator and parameter, most influential first.
pub fn sensitivity_csv(effects: &[Effect]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "indicator",
        "parameter",
        "mu_star",
        "mu",
        "sigma",
        "effects",
    ])?;
    for e in effects {
        writer.write_record([
            e.indicator.clone(),
            e.parameter.clone(),
            number_text(Some(e.mu_star)),
            number_text(Some(e.mu)),
            number_text(Some(e.sigma)),
            e.effects.to_string(),
        ])?;
    }
    csv_bytes(writer)
}
