//! Support for the v2 band tests (MODEL.md section 0.10): paired runs of the default world and
//! the relative change of an outcome, checked against a size band, not only a sign.
//!
//! Replicate r of two scenarios draws from the same random streams (common random numbers), so
//! the change is measured per replicate and then averaged. A test states the band it checks and
//! prints what it measured (`-- --nocapture`). Where the honest model lands outside a band, the
//! test is kept with `#[ignore = "measured ...; band ...; reason"]`, never loosened.

use povsim::collect::YearRow;
use povsim::params::Params;
use povsim::sim::{run_all, RunOutput};

/// Replicates per scenario in band tests: enough that a band is not a coin flip.
pub const BAND_REPLICATES: u32 = 16;

/// The default world, smaller: 40 villages of the default size distribution in 4 counties,
/// the full default horizon (2014-2025), `BAND_REPLICATES` replicates.
pub fn default_world() -> Params {
    let mut p = Params {
        name: "band".into(),
        ..Params::default()
    };
    p.population.villages = 40;
    p.population.counties = 4;
    p.simulation.replicates = BAND_REPLICATES;
    p
}

/// Run every replicate after checking that the scenario is valid.
pub fn run(p: &Params) -> Vec<RunOutput> {
    let problems = p.problems();
    assert!(problems.is_empty(), "invalid band scenario: {problems:?}");
    run_all(p)
}

/// The annual row of `year`.
pub fn year(o: &RunOutput, year: u32) -> &YearRow {
    o.years
        .iter()
        .find(|y| y.year == year)
        .unwrap_or_else(|| panic!("no annual row for {year}"))
}

/// Sum of `f` over the annual rows of `from..=to`.
pub fn sum_years(o: &RunOutput, from: u32, to: u32, f: impl Fn(&YearRow) -> f64) -> f64 {
    (from..=to).map(|y| f(year(o, y))).sum()
}

/// Household-years in poverty 2014-2025: the truly poor households at each year end, summed.
pub fn household_years_in_poverty(o: &RunOutput) -> f64 {
    sum_years(o, 2014, 2025, |y| y.truly_poor_end as f64)
}

/// The paired relative change of `metric` from `base` to `treated`: (sum treated - sum base) /
/// sum base over replicates, and the share of replicates whose own change has the sign of the
/// mean. Prints both under `label`.
pub fn relative_change(
    label: &str,
    base: &[RunOutput],
    treated: &[RunOutput],
    metric: impl Fn(&RunOutput) -> f64,
) -> Change {
    assert_eq!(base.len(), treated.len(), "{label}: unpaired runs");
    let b: Vec<f64> = base.iter().map(&metric).collect();
    let t: Vec<f64> = treated.iter().map(&metric).collect();
    let sum_b: f64 = b.iter().sum();
    let sum_t: f64 = t.iter().sum();
    assert!(
        sum_b > 0.0,
        "{label}: base total is {sum_b}, no change can be measured"
    );
    let relative = (sum_t - sum_b) / sum_b;
    let agreeing = b
        .iter()
        .zip(&t)
        .filter(|(b, t)| (*t - *b) * relative > 0.0)
        .count();
    let change = Change {
        relative,
        agreeing_share: agreeing as f64 / b.len() as f64,
    };
    eprintln!(
        "  {label:<60} base {sum_b:>12.1} treated {sum_t:>12.1} change {:>+7.2}% ({:.0}% of replicates agree)",
        100.0 * relative,
        100.0 * change.agreeing_share
    );
    change
}

/// A paired relative change (see [`relative_change`]).
#[derive(Debug, Clone, Copy)]
pub struct Change {
    /// (treated - base) / base, e.g. -0.2 for a 20% fall.
    pub relative: f64,
    /// Share of replicates whose own change has the mean's sign.
    pub agreeing_share: f64,
}

impl Change {
    /// Assert the change lies in `[low, high]` (relative, e.g. -0.5 and -0.15).
    pub fn assert_within(&self, label: &str, low: f64, high: f64) {
        assert!(
            (low..=high).contains(&self.relative),
            "{label}: change {:+.2}% outside the band [{:+.0}%, {:+.0}%]",
            100.0 * self.relative,
            100.0 * low,
            100.0 * high
        );
    }
}
