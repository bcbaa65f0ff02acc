//! Bootstrap percentile intervals for sensitivity indices (Efron and Tibshirani 1993): resample
//! the independent units of a design (Sobol base rows, Morris trajectories) with replacement,
//! recompute the statistic on each resample, and take the 2.5% and 97.5% quantiles of the
//! recomputed values. Pure functions of the values and the random stream; no I/O.

use rand::Rng;

use crate::rng::Stream;
use crate::summary::quantile;

/// Resamples drawn when the sweep file does not say (`[sample] bootstrap`).
pub const DEFAULT_RESAMPLES: u32 = 1000;

/// Fewest and most resamples a sweep file may ask for.
pub const RESAMPLES_RANGE: (i64, i64) = (100, 100_000);

/// Coverage of the reported intervals (95%).
pub const LEVEL: f64 = 0.95;

/// A confidence interval of an index, in the index's own unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower end (the 2.5% quantile of the resampled values).
    pub low: f64,
    /// Upper end (the 97.5% quantile).
    pub high: f64,
}

/// How many times each of `units` units is drawn in one resample of `units` draws with
/// replacement (the counts sum to `units`).
pub fn resample_counts(units: usize, rng: &mut Stream) -> Vec<u32> {
    let mut counts = vec![0u32; units];
    for _ in 0..units {
        counts[rng.random_range(0..units)] += 1;
    }
    counts
}

/// The percentile interval of the finite values among `replicates` (the statistic computed on
/// each resample), at [`LEVEL`]; `None` when fewer than two are finite.
pub fn percentile_interval(replicates: &[f64]) -> Option<Interval> {
    let mut v: Vec<f64> = replicates
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    if v.len() < 2 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let tail = (1.0 - LEVEL) / 2.0;
    Some(Interval {
        low: quantile(&v, tail),
        high: quantile(&v, 1.0 - tail),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Purpose};

    #[test]
    fn a_resample_draws_as_many_units_as_there_are_and_depends_on_the_stream() {
        let mut rng = stream(3, 0, 0, Purpose::SensitivityBootstrap);
        let a = resample_counts(50, &mut rng);
        assert_eq!(a.iter().sum::<u32>(), 50);
        // With replacement: some units are drawn twice or more, some never.
        assert!(a.contains(&0) && a.iter().any(|&c| c >= 2));
        let b = resample_counts(50, &mut rng);
        assert_ne!(a, b);
        let again = resample_counts(50, &mut stream(3, 0, 0, Purpose::SensitivityBootstrap));
        assert_eq!(a, again);
    }

    #[test]
    fn the_bootstrap_interval_of_a_mean_covers_it_with_the_normal_width() {
        // Mean of 400 draws of U(0, 1): standard error sqrt(1/12/400) = 0.0144, so the 95%
        // interval is about +-0.028 around the sample mean.
        let mut rng = stream(9, 0, 0, Purpose::SensitivityBootstrap);
        let x: Vec<f64> = (0..400).map(|_| rng.random::<f64>()).collect();
        let mean = x.iter().sum::<f64>() / 400.0;
        let means: Vec<f64> = (0..1000)
            .map(|_| {
                let counts = resample_counts(400, &mut rng);
                x.iter()
                    .zip(&counts)
                    .map(|(v, &c)| v * f64::from(c))
                    .sum::<f64>()
                    / 400.0
            })
            .collect();
        let ci = percentile_interval(&means).expect("interval");
        assert!(ci.low < mean && mean < ci.high, "{ci:?} {mean}");
        let half = (ci.high - ci.low) / 2.0;
        assert!((half - 0.0283).abs() < 0.006, "half width {half}");
    }

    #[test]
    fn an_interval_needs_two_finite_values() {
        assert_eq!(percentile_interval(&[1.0, f64::NAN]), None);
        let ci = percentile_interval(&[1.0, 2.0, f64::INFINITY]).expect("interval");
        assert!(ci.low >= 1.0 && ci.high <= 2.0);
    }
}
