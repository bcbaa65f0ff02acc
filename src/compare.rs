//! Paired policy comparison with common random numbers.
//!
//! Replicate r of every scenario draws from the same random streams (same seed, same
//! replicate index: see `rng`), so the difference between two scenarios' replicate-r results
//! comes from the policy, not from the luck of the draw. The mean of the paired differences
//! over replicates, with a Student-t 95% confidence interval, is what `povsim compare` reports.

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::chartdata::PairedDifference;
use crate::sim::RunOutput;
use crate::summary::compared_values;

/// The run totals compared, with a reader's label and unit.
/// Outcome measures come first; whole-run exit counts next, because they count repeat exits
/// (a policy that prevents relapse has fewer of them); model v2's headline indicators
/// ([`crate::summary::v2_indicators`]) last.
pub const INDICATORS: [(&str, &str); 17] = [
    ("truly_poor_2020", "truly poor at end of 2020, households"),
    (
        "poverty_household_years",
        "household-years in poverty, whole run",
    ),
    (
        "sustained_exits_to_deadline",
        "sustained exits up to the deadline, households",
    ),
    (
        "cost_per_sustained_exit",
        "cost per sustained exit up to the deadline, yuan",
    ),
    ("relapses", "relapses, events"),
    ("relapse_rate_mean", "mean annual relapse rate"),
    ("fake_exits", "fake exits, households"),
    ("truly_poor_end", "truly poor at end of run, households"),
    ("exits", "official exits, whole run (repeat exits count)"),
    ("sustained_exits", "sustained exits, whole run"),
    (
        "cohort_income_2020",
        "2014-register cohort income per capita 2020, yuan",
    ),
    ("relapse_rate_2016", "relapse rate 2016"),
    ("exit_share_dibao", "share of exits by dibao, 2015-2020"),
    (
        "cost_per_person_lifted_out",
        "spending per person lifted out 2014-2020, yuan",
    ),
    (
        "problem_funds_share_2017_2018",
        "problem funds share of funds in, 2017-2018",
    ),
    ("county_exit_year_median", "median county exit year"),
    ("dibao_households_2020", "dibao households, end of 2020"),
];

/// Mean and two-sided 95% confidence interval of the mean (Student t, n - 1 degrees of
/// freedom). With one value the interval is that value (no spread can be estimated).
pub fn mean_ci95(values: &[f64]) -> Option<(f64, f64, f64)> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Some((mean, mean, mean));
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0);
    let se = (var / n as f64).sqrt();
    if se == 0.0 {
        return Some((mean, mean, mean));
    }
    let t = StudentsT::new(0.0, 1.0, n as f64 - 1.0)
        .map(|d| d.inverse_cdf(0.975))
        .unwrap_or(1.96);
    Some((mean, mean - t * se, mean + t * se))
}

/// Paired differences (scenario - reference) of every indicator, over the replicates both
/// have, pairing replicate r with replicate r.
pub fn paired_differences(
    reference: &str,
    reference_runs: &[RunOutput],
    scenario: &str,
    runs: &[RunOutput],
) -> Vec<PairedDifference> {
    let reference_totals: Vec<_> = reference_runs.iter().map(compared_values).collect();
    let totals: Vec<_> = runs.iter().map(compared_values).collect();
    INDICATORS
        .iter()
        .filter_map(|(indicator, _)| {
            let mut diffs = Vec::new();
            let mut a_values = Vec::new();
            let mut b_values = Vec::new();
            for (a, b) in totals.iter().zip(&reference_totals) {
                if let (Some(Some(x)), Some(Some(y))) = (a.get(indicator), b.get(indicator)) {
                    diffs.push(x - y);
                    a_values.push(*x);
                    b_values.push(*y);
                }
            }
            let (difference, ci_low, ci_high) = mean_ci95(&diffs)?;
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            Some(PairedDifference {
                scenario: scenario.to_string(),
                reference: reference.to_string(),
                indicator: indicator.to_string(),
                scenario_mean: mean(&a_values),
                reference_mean: mean(&b_values),
                difference,
                ci_low,
                ci_high,
                pairs: diffs.len(),
            })
        })
        .collect()
}

/// The reader's label of an indicator.
pub fn indicator_label(indicator: &str) -> &'static str {
    INDICATORS
        .iter()
        .find(|(name, _)| *name == indicator)
        .map_or("", |(_, label)| label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_of_identical_values_is_a_point() {
        assert_eq!(mean_ci95(&[2.0, 2.0, 2.0]), Some((2.0, 2.0, 2.0)));
        assert_eq!(mean_ci95(&[]), None);
    }

    #[test]
    fn interval_uses_the_t_quantile() {
        // n = 4, mean 2.5, sd = 1.2910, se = 0.6455, t(0.975, 3) = 3.1824.
        let (m, lo, hi) = mean_ci95(&[1.0, 2.0, 3.0, 4.0]).expect("values");
        assert!((m - 2.5).abs() < 1e-12);
        assert!((hi - m - 3.182446 * 0.645497).abs() < 1e-4, "{hi}");
        assert!((m - lo - (hi - m)).abs() < 1e-12);
    }

    #[test]
    fn interval_covers_the_true_difference_about_95_percent_of_the_time() {
        // Constructed case: differences = 3 + noise from a fixed generator; the interval
        // should cover 3 in about 95% of 2,000 trials of 10 pairs.
        use rand::Rng;
        let mut rng = crate::rng::stream(7, 0, 0, crate::rng::Purpose::World);
        let trials = 2000;
        let mut covered = 0;
        for _ in 0..trials {
            let values: Vec<f64> = (0..10)
                .map(|_| {
                    // Sum of 12 uniforms - 6: approximately standard normal.
                    let z: f64 = (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0;
                    3.0 + 2.0 * z
                })
                .collect();
            let (_, lo, hi) = mean_ci95(&values).expect("values");
            if lo <= 3.0 && 3.0 <= hi {
                covered += 1;
            }
        }
        let rate = covered as f64 / trials as f64;
        assert!((0.93..=0.97).contains(&rate), "coverage {rate}");
    }
}
