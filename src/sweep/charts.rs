//! Charts of a finished sweep, from the per-point results:
//! - grid: for each headline indicator, a heatmap over the first two swept keys (when both take
//!   two or more values) and a line chart over each swept key (the other keys pooled);
//! - Latin hypercube: for each headline indicator, the point means against each parameter;
//! - Morris: for each headline indicator, the tornado of mu* and the mu*-sigma plot;
//! - Sobol: for each headline indicator, the bars of S1 and ST with their intervals.

use super::bootstrap::Interval;
use super::output::{Effect, SobolRow, HEADLINE, TOTALS};
use super::{FactorKind, Method, SweepPlan};
use crate::plot::{
    morris_chart, sobol_chart, sweep_heatmap, sweep_line_chart, sweep_scatter, Chart, MorrisData,
    MorrisEntry, ScatterData, SobolData, SobolEntry, SweepBand, SweepHeatmapData, SweepLineData,
    SweepValues,
};
use crate::summary::Band;

/// A headline indicator with its unit in final parentheses (as the charts want it).
pub fn headline_label(indicator: &str) -> &'static str {
    match indicator {
        "poverty_household_years" => "Household-years in poverty (household-years)",
        "sustained_exits_to_deadline" => "Sustained exits up to the deadline (households)",
        "relapse_rate_mean" => "Mean annual relapse rate (share of exited households)",
        "cost_per_sustained_exit" => "Cost per sustained exit up to the deadline (yuan)",
        _ => "",
    }
}

/// The charts of a sweep, from the replicate values of every point (`values[point][column]`,
/// see [`super::output::values_by_point`]), their bands, the Morris effects and the Sobol'
/// indices.
pub fn charts(
    plan: &SweepPlan,
    values: &[Vec<Vec<f64>>],
    bands: &[Vec<Option<Band>>],
    effects: &[Effect],
    sobol: &[SobolRow],
) -> anyhow::Result<Vec<Chart>> {
    let mut out = Vec::new();
    for indicator in &TOTALS[..HEADLINE] {
        let Some(column) = plan.columns.iter().position(|c| c == indicator) else {
            continue;
        };
        let label = headline_label(indicator).to_string();
        match plan.method {
            Method::Grid => grid_charts(plan, values, column, indicator, &label, &mut out)?,
            Method::Lhs => out.push(sweep_scatter(&ScatterData {
                name: format!("scatter_{indicator}"),
                indicator: label,
                panels: plan
                    .factors
                    .iter()
                    .enumerate()
                    .map(|(k, f)| {
                        let points = plan
                            .points
                            .iter()
                            .zip(bands)
                            .filter_map(|(p, b)| {
                                let x = p.values[k].parse::<f64>().ok()?;
                                b[column].as_ref().map(|b| (x, b.mean))
                            })
                            .collect();
                        (f.key.clone(), points)
                    })
                    .collect(),
            })?),
            Method::Morris => out.push(morris_chart(&MorrisData {
                name: format!("morris_{indicator}"),
                indicator: label,
                entries: effects
                    .iter()
                    .filter(|e| e.indicator == *indicator)
                    .map(|e| MorrisEntry {
                        parameter: e.parameter.clone(),
                        mu_star: e.mu_star,
                        mu: e.mu,
                        sigma: e.sigma,
                        mu_star_ci: e.mu_star_ci.map(|c| (c.low, c.high)),
                    })
                    .collect(),
                trajectories: plan
                    .points
                    .iter()
                    .filter_map(|p| p.morris.map(|m| m.trajectory))
                    .max()
                    .map_or(0, |t| t as usize + 1),
            })?),
            Method::Sobol => {
                let ends = |c: Option<Interval>| c.map(|c| (c.low, c.high));
                let rows: Vec<&SobolRow> =
                    sobol.iter().filter(|r| r.indicator == *indicator).collect();
                out.push(sobol_chart(&SobolData {
                    name: format!("sobol_{indicator}"),
                    indicator: label,
                    entries: rows
                        .iter()
                        .map(|r| SobolEntry {
                            parameter: r.parameter.clone(),
                            first: r.first,
                            first_ci: ends(r.first_ci),
                            total: r.total,
                            total_ci: ends(r.total_ci),
                        })
                        .collect(),
                    rows: rows.first().map_or(0, |r| r.rows),
                    resamples: plan.bootstrap.unwrap_or(0) as usize,
                })?)
            }
        }
    }
    Ok(out)
}

/// The values a grid factor takes: numeric when every value is a number.
fn factor_values(values: &[String]) -> SweepValues {
    let numbers: Option<Vec<f64>> = values.iter().map(|v| v.parse::<f64>().ok()).collect();
    match numbers {
        Some(n) => SweepValues::Numeric(n),
        None => SweepValues::Categorical(values.to_vec()),
    }
}

/// A band over pooled run values.
fn band(values: impl IntoIterator<Item = f64>) -> Option<SweepBand> {
    Band::of(values).map(|b| SweepBand {
        mean: b.mean,
        p5: b.p5,
        p95: b.p95,
    })
}

fn grid_charts(
    plan: &SweepPlan,
    values: &[Vec<Vec<f64>>],
    column: usize,
    indicator: &str,
    label: &str,
    out: &mut Vec<Chart>,
) -> anyhow::Result<()> {
    let levels: Vec<Vec<String>> = plan
        .factors
        .iter()
        .map(|f| match &f.kind {
            FactorKind::Values { values } => values.clone(),
            FactorKind::Range { .. } => Vec::new(),
        })
        .collect();
    // Run values at the points where factor k takes level `level`.
    let pooled = |conditions: &[(usize, &str)]| -> Vec<f64> {
        plan.points
            .iter()
            .zip(values)
            .filter(|(p, _)| conditions.iter().all(|(k, v)| p.values[*k] == *v))
            .flat_map(|(_, v)| v[column].iter().copied())
            .collect()
    };
    if levels.len() >= 2 && levels[0].len() >= 2 && levels[1].len() >= 2 {
        let cells = levels[1]
            .iter()
            .map(|y| {
                levels[0]
                    .iter()
                    .map(|x| band(pooled(&[(0, x), (1, y)])).map(|b| b.mean))
                    .collect()
            })
            .collect();
        out.push(sweep_heatmap(&SweepHeatmapData {
            name: format!("heatmap_{indicator}"),
            indicator: label.to_string(),
            x_key: plan.factors[0].key.clone(),
            x_values: factor_values(&levels[0]),
            y_key: plan.factors[1].key.clone(),
            y_values: factor_values(&levels[1]),
            cells,
            replicates: plan.replicates as usize,
        })?);
    }
    let total = plan.points.len();
    for (k, factor) in plan.factors.iter().enumerate() {
        if levels[k].len() < 2 {
            continue;
        }
        out.push(sweep_line_chart(&SweepLineData {
            name: format!("line_{}_{indicator}", factor.key.replace('.', "_")),
            indicator: label.to_string(),
            key: factor.key.clone(),
            values: factor_values(&levels[k]),
            bands: levels[k].iter().map(|v| band(pooled(&[(k, v)]))).collect(),
            replicates: plan.replicates as usize,
            points: total / levels[k].len().max(1),
        })?);
    }
    Ok(())
}
