//! What a sweep writes: the indicator columns of a run, the rows of `sweep.csv`, and the
//! reductions to `points.csv` and `sensitivity.csv`. Bytes only; no I/O.
//!
//! Numbers are written in Rust's shortest round-trip form, so a value read back from a journal
//! and written again is the same text: a resumed or merged sweep gives the same bytes as one
//! run straight through.

use std::collections::BTreeMap;

use csv::StringRecord;

use super::bootstrap::{percentile_interval, resample_counts, Interval};
use super::design::{elementary_effects_by_trajectory, morris_summary, MorrisStep};
use super::sobol::{Matrix, SaltelliValues};
use super::{FactorKind, Method, PlanPoint, SweepPlan};
use crate::collect::YearRow;
use crate::export::tables::csv_bytes;
use crate::params::Params;
use crate::rng::{stream, Purpose};
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

/// The columns that place a point in its design: `trajectory` (Morris), `row` and `matrix`
/// (Sobol: the base row and `A`, `B` or `AB<i>`), none otherwise.
fn design_header(plan: &SweepPlan) -> Vec<String> {
    match plan.method {
        Method::Morris => vec!["trajectory".into()],
        Method::Sobol => vec!["row".into(), "matrix".into()],
        Method::Grid | Method::Lhs => Vec::new(),
    }
}

/// The values of [`design_header`] at one point.
fn design_cells(p: &PlanPoint) -> Vec<String> {
    let mut cells = Vec::new();
    if let Some(step) = p.morris {
        cells.push(step.trajectory.to_string());
    }
    if let Some(cell) = p.saltelli {
        cells.push(cell.row.to_string());
        cells.push(cell.matrix.label());
    }
    cells
}

/// The header of `sweep.csv`: point, replicate, (trajectory for Morris; row and matrix for
/// Sobol), the swept keys, then the indicator columns.
pub fn sweep_header(plan: &SweepPlan) -> Vec<String> {
    let mut header = vec!["point".to_string(), "replicate".to_string()];
    header.extend(design_header(plan));
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
        record.extend(design_cells(p));
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
    header.extend(design_header(plan));
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
        record.extend(design_cells(p));
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
    /// Bootstrap interval of mu* (trajectories resampled with replacement).
    pub mu_star_ci: Option<Interval>,
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
    let trajectories = steps
        .iter()
        .map(|s| s.trajectory as usize + 1)
        .max()
        .unwrap_or(0);
    let resamples = plan.bootstrap.unwrap_or(0);
    let mut out = Vec::new();
    for name in TOTALS {
        let Some(c) = plan.columns.iter().position(|c| c == name) else {
            continue;
        };
        let values: Vec<Option<f64>> = bands
            .iter()
            .map(|b| b[c].as_ref().map(|b| b.mean))
            .collect();
        let tagged =
            elementary_effects_by_trajectory(&steps, &realised, &values, plan.factors.len());
        let intervals = mu_star_intervals(&tagged, trajectories, resamples, plan.seed);
        let mut rows: Vec<Effect> = plan
            .factors
            .iter()
            .zip(&tagged)
            .zip(intervals)
            .filter_map(|((f, e), mu_star_ci)| {
                let e: Vec<f64> = e.iter().map(|(_, x)| *x).collect();
                morris_summary(&e).map(|(mu_star, mu, sigma)| Effect {
                    indicator: name.to_string(),
                    parameter: f.key.clone(),
                    mu_star,
                    mu,
                    sigma,
                    effects: e.len(),
                    mu_star_ci,
                })
            })
            .collect();
        rows.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
        out.extend(rows);
    }
    out
}

/// Bootstrap intervals of mu* for every factor: `resamples` resamples of the `trajectories`
/// trajectories with replacement (the same resample for every factor), each giving mu* over
/// the effects of the drawn trajectories, from `stream(seed, 1, 0, SensitivityBootstrap)`
/// (restarted per indicator, so each indicator sees the same resamples).
fn mu_star_intervals(
    tagged: &[Vec<(u32, f64)>],
    trajectories: usize,
    resamples: u32,
    seed: u64,
) -> Vec<Option<Interval>> {
    let mut rng = stream(seed, 1, 0, Purpose::SensitivityBootstrap);
    let mut replicates = vec![Vec::with_capacity(resamples as usize); tagged.len()];
    if trajectories == 0 {
        return vec![None; tagged.len()];
    }
    for _ in 0..resamples {
        let counts = resample_counts(trajectories, &mut rng);
        for (effects, out) in tagged.iter().zip(&mut replicates) {
            let (mut sum, mut n) = (0.0, 0.0);
            for &(t, e) in effects {
                let c = f64::from(counts[t as usize]);
                sum += c * e.abs();
                n += c;
            }
            if n > 0.0 {
                out.push(sum / n);
            }
        }
    }
    replicates.iter().map(|r| percentile_interval(r)).collect()
}

/// The ends of an interval as CSV cells (empty when there is none).
fn interval_cells(ci: Option<Interval>) -> [String; 2] {
    [
        number_text(ci.map(|c| c.low)),
        number_text(ci.map(|c| c.high)),
    ]
}

/// `sensitivity.csv` of a Morris sweep: one row per indicator and parameter, most influential
/// first; the bootstrap interval of mu* in the last two columns.
pub fn sensitivity_csv(effects: &[Effect]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "indicator",
        "parameter",
        "mu_star",
        "mu",
        "sigma",
        "effects",
        "mu_star_low",
        "mu_star_high",
    ])?;
    for e in effects {
        let [low, high] = interval_cells(e.mu_star_ci);
        writer.write_record([
            e.indicator.clone(),
            e.parameter.clone(),
            number_text(Some(e.mu_star)),
            number_text(Some(e.mu)),
            number_text(Some(e.sigma)),
            e.effects.to_string(),
            low,
            high,
        ])?;
    }
    csv_bytes(writer)
}

/// Sobol' indices of one parameter on one end-of-run indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolRow {
    /// End-of-run indicator (one of [`TOTALS`]).
    pub indicator: String,
    /// Swept key.
    pub parameter: String,
    /// First-order index S1 (share of the indicator's variance, 0-1 up to estimation error).
    pub first: f64,
    /// Its bootstrap interval.
    pub first_ci: Option<Interval>,
    /// Total index ST (share of the variance involving the parameter).
    pub total: f64,
    /// Its bootstrap interval.
    pub total_ci: Option<Interval>,
    /// Base rows the indices are computed from (fewer than `n` where the indicator is NA).
    pub rows: usize,
}

/// The Saltelli values of indicator column `c` from the point means: the rows where A, B and
/// every A_B^(i) have a value.
fn saltelli_values(plan: &SweepPlan, bands: &[Vec<Option<Band>>], c: usize) -> SaltelliValues {
    let k = plan.factors.len();
    let rows = plan
        .points
        .iter()
        .filter_map(|p| p.saltelli.map(|s| s.row as usize + 1))
        .max()
        .unwrap_or(0);
    // table[row][0] = A, [1] = B, [2 + i] = A_B^(i).
    let mut table = vec![vec![None; k + 2]; rows];
    for (p, b) in plan.points.iter().zip(bands) {
        let Some(cell) = p.saltelli else { continue };
        let slot = match cell.matrix {
            Matrix::A => 0,
            Matrix::B => 1,
            Matrix::Ab(i) => 2 + i as usize,
        };
        if let (Some(row), Some(band)) = (table.get_mut(cell.row as usize), &b[c]) {
            if slot < row.len() && band.mean.is_finite() {
                row[slot] = Some(band.mean);
            }
        }
    }
    let mut values = SaltelliValues {
        ab: vec![Vec::new(); k],
        ..SaltelliValues::default()
    };
    for row in table {
        let Some(row) = row.into_iter().collect::<Option<Vec<f64>>>() else {
            continue;
        };
        values.a.push(row[0]);
        values.b.push(row[1]);
        for (i, ab) in values.ab.iter_mut().enumerate() {
            ab.push(row[2 + i]);
        }
    }
    values
}

/// Sobol' first-order and total indices of every parameter on every end-of-run indicator, from
/// the point means (the mean over replicates), with bootstrap intervals over the base rows;
/// per indicator, the parameters by total index, largest first. An indicator that does not
/// vary over the design has no rows.
pub fn sobol_indices(plan: &SweepPlan, bands: &[Vec<Option<Band>>]) -> Vec<SobolRow> {
    if plan.method != Method::Sobol {
        return Vec::new();
    }
    let resamples = plan.bootstrap.unwrap_or(0);
    let mut out = Vec::new();
    for name in TOTALS {
        let Some(c) = plan.columns.iter().position(|c| c == name) else {
            continue;
        };
        let values = saltelli_values(plan, bands, c);
        let Some(indices) = values.indices(resamples, plan.seed) else {
            continue;
        };
        let mut rows: Vec<SobolRow> = plan
            .factors
            .iter()
            .zip(indices)
            .map(|(f, s)| SobolRow {
                indicator: name.to_string(),
                parameter: f.key.clone(),
                first: s.first,
                first_ci: s.first_ci,
                total: s.total,
                total_ci: s.total_ci,
                rows: values.rows(),
            })
            .collect();
        rows.sort_by(|a, b| b.total.total_cmp(&a.total));
        out.extend(rows);
    }
    out
}

/// `sensitivity.csv` of a Sobol sweep: per indicator and parameter, S1 and ST with their 95%
/// bootstrap intervals and the base rows used; most influential (largest ST) first.
pub fn sobol_csv(rows: &[SobolRow]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "indicator",
        "parameter",
        "S1",
        "S1_low",
        "S1_high",
        "ST",
        "ST_low",
        "ST_high",
        "rows",
    ])?;
    for r in rows {
        let [s1_low, s1_high] = interval_cells(r.first_ci);
        let [st_low, st_high] = interval_cells(r.total_ci);
        writer.write_record([
            r.indicator.clone(),
            r.parameter.clone(),
            number_text(Some(r.first)),
            s1_low,
            s1_high,
            number_text(Some(r.total)),
            st_low,
            st_high,
            r.rows.to_string(),
        ])?;
    }
    csv_bytes(writer)
}
