//! Posterior-predictive paired differences: scenario minus reference over every (draw,
//! replicate) pair, where each draw runs both scenarios with one particle's parameter values
//! and the same replicate seeds (common random numbers within the draw).
//!
//! Two intervals are reported per indicator:
//! - the 5-95% posterior-predictive band: quantiles (type 7) of the paired difference over all
//!   draws x replicates, i.e. where the effect lands in a world drawn with the posterior's
//!   parameter uncertainty and its own luck. It does not shrink with more draws or replicates.
//! - a 95% confidence interval of the mean difference: Student t over the draws' mean
//!   differences (draws as the independent units, D - 1 degrees of freedom), i.e. how precisely
//!   the runs pin down the posterior-predictive mean. With one draw it is the ordinary compare
//!   interval over that draw's replicates.

use serde::{Deserialize, Serialize};

use crate::compare::{mean_ci95, INDICATORS};
use crate::sim::RunOutput;
use crate::summary::{compared_values, quantile, BAND};

/// One row of `comparison.csv` under `compare --posterior`: the columns of a plain comparison,
/// then the posterior-predictive band and the number of draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictiveDifference {
    /// The scenario compared with the reference.
    pub scenario: String,
    /// The reference (first) scenario.
    pub reference: String,
    /// Indicator name (e.g. `sustained_exits`).
    pub indicator: String,
    /// Mean of the scenario's value over all draws x replicates.
    pub scenario_mean: f64,
    /// Mean of the reference's value over all draws x replicates.
    pub reference_mean: f64,
    /// Mean paired difference (scenario - reference) over all draws x replicates.
    pub difference: f64,
    /// Lower end of the 95% confidence interval of the mean difference (draws as units).
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
    /// (draw, replicate) pairs with a value in both.
    pub pairs: usize,
    /// 5% quantile of the paired difference over all pairs (posterior-predictive band).
    pub pp_low: f64,
    /// 95% quantile.
    pub pp_high: f64,
    /// Draws with at least one pair.
    pub draws: usize,
}

/// Paired differences of every indicator. `reference[d]` and `scenario[d]` are draw d's
/// replicates of each scenario; replicate r of draw d is paired with replicate r of draw d.
pub fn predictive_differences(
    reference_name: &str,
    reference: &[Vec<RunOutput>],
    scenario_name: &str,
    scenario: &[Vec<RunOutput>],
) -> Vec<PredictiveDifference> {
    let totals = |draws: &[Vec<RunOutput>]| -> Vec<Vec<_>> {
        draws
            .iter()
            .map(|runs| runs.iter().map(compared_values).collect())
            .collect()
    };
    let (ref_totals, totals) = (totals(reference), totals(scenario));
    INDICATORS
        .iter()
        .filter_map(|(indicator, _)| {
            let mut diffs = Vec::new();
            let (mut a_sum, mut b_sum) = (0.0, 0.0);
            let mut draw_means = Vec::new();
            for (draw_a, draw_b) in totals.iter().zip(&ref_totals) {
                let mut draw_diffs = Vec::new();
                for (a, b) in draw_a.iter().zip(draw_b) {
                    if let (Some(Some(x)), Some(Some(y))) = (a.get(indicator), b.get(indicator)) {
                        draw_diffs.push(x - y);
                        a_sum += x;
                        b_sum += y;
                    }
                }
                if !draw_diffs.is_empty() {
                    draw_means.push(draw_diffs.iter().sum::<f64>() / draw_diffs.len() as f64);
                    diffs.extend(draw_diffs);
                }
            }
            let n = diffs.len();
            let (difference, ci_low, ci_high) = if draw_means.len() == 1 {
                mean_ci95(&diffs)?
            } else {
                let (_, lo, hi) = mean_ci95(&draw_means)?;
                let mean = diffs.iter().sum::<f64>() / n as f64;
                let centre = draw_means.iter().sum::<f64>() / draw_means.len() as f64;
                (mean, mean - (centre - lo), mean + (hi - centre))
            };
            let mut sorted = diffs.clone();
            sorted.sort_by(|a, b| a.total_cmp(b));
            Some(PredictiveDifference {
                scenario: scenario_name.to_string(),
                reference: reference_name.to_string(),
                indicator: indicator.to_string(),
                scenario_mean: a_sum / n as f64,
                reference_mean: b_sum / n as f64,
                difference,
                ci_low,
                ci_high,
                pairs: n,
                pp_low: quantile(&sorted, BAND.0),
                pp_high: quantile(&sorted, BAND.1),
                draws: draw_means.len(),
            })
        })
        .collect()
}
