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
            let stats = pair_statistics(&diffs, &draw_means)?;
            Some(PredictiveDifference {
                scenario: scenario_name.to_string(),
                reference: reference_name.to_string(),
                indicator: indicator.to_string(),
                scenario_mean: a_sum / n as f64,
                reference_mean: b_sum / n as f64,
                difference: stats.mean,
                ci_low: stats.ci.0,
                ci_high: stats.ci.1,
                pairs: n,
                pp_low: stats.band.0,
                pp_high: stats.band.1,
                draws: draw_means.len(),
            })
        })
        .collect()
}

/// The statistics of one indicator's paired differences.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairStatistics {
    /// Mean over every pair.
    pub mean: f64,
    /// 95% confidence interval of the mean: Student t over the draws' means with D - 1 degrees
    /// of freedom, centred on `mean`; with one draw, Student t over its pairs.
    pub ci: (f64, f64),
    /// 5% and 95% quantiles (type 7) over every pair.
    pub band: (f64, f64),
}

/// Statistics of the paired differences `pairs` (every draw's, pooled) and `draw_means` (the
/// mean of each draw's pairs). `None` when there are no pairs.
pub fn pair_statistics(pairs: &[f64], draw_means: &[f64]) -> Option<PairStatistics> {
    if pairs.is_empty() || draw_means.is_empty() {
        return None;
    }
    let (mean, ci) = if draw_means.len() == 1 {
        let (mean, lo, hi) = mean_ci95(pairs)?;
        (mean, (lo, hi))
    } else {
        let (centre, lo, hi) = mean_ci95(draw_means)?;
        let mean = pairs.iter().sum::<f64>() / pairs.len() as f64;
        (mean, (mean - (centre - lo), mean + (hi - centre)))
    };
    let mut sorted = pairs.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    Some(PairStatistics {
        mean,
        ci,
        band: (quantile(&sorted, BAND.0), quantile(&sorted, BAND.1)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_draw_gives_the_plain_interval_and_the_band_of_its_pairs() {
        let pairs = [1.0, 2.0, 3.0, 4.0];
        let s = pair_statistics(&pairs, &[2.5]).expect("pairs");
        let (m, lo, hi) = mean_ci95(&pairs).expect("ci");
        assert_eq!((s.mean, s.ci), (m, (lo, hi)));
        // Type 7: h = 3 x 0.05 = 0.15 -> 1.15; 3 x 0.95 = 2.85 -> 3.85.
        assert!((s.band.0 - 1.15).abs() < 1e-12 && (s.band.1 - 3.85).abs() < 1e-12);
    }

    #[test]
    fn spread_between_draws_widens_the_band_and_the_interval() {
        // Same luck within each draw (+-1), draws shifted by the parameter: 0, 10, 20, 30.
        let tight: Vec<f64> = (0..4).flat_map(|_| [-1.0, 1.0]).collect();
        let shifted: Vec<f64> = (0..4)
            .flat_map(|d| [10.0 * d as f64 - 1.0, 10.0 * d as f64 + 1.0])
            .collect();
        let a = pair_statistics(&tight, &[0.0; 4]).expect("tight");
        let b = pair_statistics(&shifted, &[0.0, 10.0, 20.0, 30.0]).expect("shifted");
        assert_eq!(a.ci, (0.0, 0.0), "no spread between draws: a point");
        assert!((a.band.1 - a.band.0 - 2.0).abs() < 1e-12);
        assert!((b.mean - 15.0).abs() < 1e-12);
        assert!(b.band.1 - b.band.0 > 25.0, "{:?}", b.band);
        // t(0.975, 3) = 3.1824; sd of 0, 10, 20, 30 = 12.91; se = 6.455.
        assert!(
            (b.ci.1 - 15.0 - 3.182446 * 6.454972).abs() < 1e-3,
            "{:?}",
            b.ci
        );
        assert!(pair_statistics(&[], &[]).is_none());
    }
}
