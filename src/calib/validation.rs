//! The comparison of a scenario's runs with observed targets: per target the observed value,
//! the model's pooled value and 5-95% band over replicates, the error and the standardised
//! distance. Used by `povsim validate` (every target) and by `povsim calibrate` (the fit of the
//! posterior median).

use serde::Serialize;

use super::targets::{Target, TargetSet, Use, Values};
use crate::summary::Band;

/// One row of `validation.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationRow {
    /// Target name.
    pub name: String,
    /// Series (targets of one series share a chart).
    pub series: String,
    /// `fit` or `validation`.
    #[serde(rename = "use")]
    pub usage: Use,
    /// What the model computes.
    pub statistic: String,
    /// Observed value.
    pub observed: f64,
    /// Standard deviation of the observed value (from `sd` or the interval).
    pub observed_sd: f64,
    /// Low end of the observed value's 90% uncertainty range.
    pub observed_low: f64,
    /// High end of the observed value's 90% uncertainty range.
    pub observed_high: f64,
    /// The model's value, pooled over replicates (what a fit scores). Empty when the model
    /// cannot compute it (a zero denominator).
    pub model: Option<f64>,
    /// 5% quantile of the replicates' own values.
    pub model_p5: Option<f64>,
    /// 95% quantile of the replicates' own values.
    pub model_p95: Option<f64>,
    /// model - observed.
    pub error: Option<f64>,
    /// (model - observed) / observed_sd.
    pub z: Option<f64>,
    /// Whether the observed value lies within the model's 5-95% band.
    pub inside_band: Option<bool>,
    /// Where the figure comes from.
    pub source: String,
}

/// Compares the runs (one [`Values`] per replicate) with one target.
pub fn compare(target: &Target, values: &[Values]) -> ValidationRow {
    let pooled_rows: Vec<&Values> = values.iter().collect();
    let model = target.statistic.evaluate(&pooled_rows);
    let band = Band::of(
        values
            .iter()
            .filter_map(|v| target.statistic.evaluate(&[v])),
    );
    let (low, high) = target.uncertainty.range(target.observed);
    let error = model.map(|m| m - target.observed);
    ValidationRow {
        name: target.name.clone(),
        series: target.series.clone(),
        usage: target.usage,
        statistic: target.statistic.describe(),
        observed: target.observed,
        observed_sd: target.uncertainty.sd(),
        observed_low: low,
        observed_high: high,
        model,
        model_p5: band.as_ref().map(|b| b.p5),
        model_p95: band.as_ref().map(|b| b.p95),
        error,
        z: model.map(|m| target.z(m)),
        inside_band: band
            .as_ref()
            .map(|b| (b.p5..=b.p95).contains(&target.observed)),
        source: target.source.clone(),
    }
}

/// Compares the runs with every target of a set, in file order.
pub fn compare_all(set: &TargetSet, values: &[Values]) -> Vec<ValidationRow> {
    set.targets.iter().map(|t| compare(t, values)).collect()
}

/// Sum of squared z over the rows of one use (the fit distance for [`Use::Fit`]).
pub fn sum_z2(rows: &[ValidationRow], usage: Use) -> f64 {
    rows.iter()
        .filter(|r| r.usage == usage)
        .filter_map(|r| r.z)
        .map(|z| z * z)
        .sum()
}

/// The table printed on the terminal.
pub fn table(rows: &[ValidationRow]) -> String {
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(4).max(6);
    let mut out = format!(
        "{:<width$}  {:<10}  {:>10}  {:>10}  {:>23}  {:>7}  inside\n",
        "target", "use", "observed", "model", "model 5-95%", "z"
    );
    let num = |x: Option<f64>| x.map_or("-".to_string(), short);
    for r in rows {
        let band = match (r.model_p5, r.model_p95) {
            (Some(a), Some(b)) => format!("{} to {}", short(a), short(b)),
            _ => "-".into(),
        };
        let inside = match r.inside_band {
            Some(true) => "yes",
            Some(false) => "no",
            None => "-",
        };
        out.push_str(&format!(
            "{:<width$}  {:<10}  {:>10}  {:>10}  {:>23}  {:>7}  {inside}\n",
            r.name,
            r.usage.key(),
            short(r.observed),
            num(r.model),
            band,
            r.z.map_or("-".into(), |z| format!("{z:+.2}")),
        ));
    }
    out.push_str(&format!(
        "sum of z^2: fitting targets {:.2}, validation targets {:.2}\n",
        sum_z2(rows, Use::Fit),
        sum_z2(rows, Use::Validation)
    ));
    out
}

/// A number with four significant digits (thousands grouped above 1,000).
fn short(x: f64) -> String {
    if x.abs() >= 1000.0 {
        crate::report::format_number(x.round())
    } else if x == 0.0 {
        "0".into()
    } else {
        let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
        format!("{x:.digits$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calib::targets::{Statistic, Uncertainty, Years};
    use std::collections::BTreeMap;

    fn values(x: f64) -> Values {
        let mut row = BTreeMap::new();
        row.insert("exit_rate".to_string(), Some(x));
        let mut v = Values::new();
        v.insert(2015, row);
        v
    }

    #[test]
    fn own_output_has_zero_error_and_band_from_replicates() {
        let runs = vec![values(0.1), values(0.2), values(0.3)];
        let target = Target {
            name: "t".into(),
            statistic: Statistic::Mean {
                column: "exit_rate".into(),
                years: Years {
                    first: 2015,
                    last: 2015,
                },
            },
            observed: 0.2,
            uncertainty: Uncertainty::Sd { sd: 0.05 },
            usage: Use::Fit,
            source: "s".into(),
            confidence: String::new(),
            series: "t".into(),
        };
        let row = compare(&target, &runs);
        assert!((row.model.unwrap() - 0.2).abs() < 1e-15);
        assert!(row.z.unwrap().abs() < 1e-12);
        assert!((row.model_p5.unwrap() - 0.11).abs() < 1e-12);
        assert!((row.model_p95.unwrap() - 0.29).abs() < 1e-12);
        assert_eq!(row.inside_band, Some(true));
        let far = Target {
            observed: 0.5,
            ..target
        };
        let row = compare(&far, &runs);
        assert!((row.z.unwrap() + 6.0).abs() < 1e-9);
        assert_eq!(row.inside_band, Some(false));
    }
}
