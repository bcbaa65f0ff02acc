//! v2 band tests of the labour track (MODEL.md section 0.10, "v2 bands"): P2, monitoring on
//! against off. Run with `cargo test --release --test bands_labour -- --nocapture` to see the
//! measured changes.

mod common;
use common::bands::*;

/// Relapses 2021-2025 (monitoring starts in 2020 by default).
fn relapses_2021_2025(o: &povsim::sim::RunOutput) -> f64 {
    sum_years(o, 2021, 2025, |y| y.relapses as f64)
}

#[test]
fn p2_monitoring_cuts_relapses_2021_2025_by_a_fifth_or_more() {
    let on = default_world();
    let mut off = on.clone();
    off.policy.monitoring = false;
    let base = run(&off);
    let treated = run(&on);
    // What monitoring did: households by kind, visits and money (printed for the report).
    let total = |runs: &[povsim::sim::RunOutput], f: &dyn Fn(&povsim::collect::YearRow) -> f64| {
        runs.iter()
            .map(|o| sum_years(o, 2020, 2025, f))
            .sum::<f64>()
            / runs.len() as f64
    };
    eprintln!(
        "  monitoring 2020-2025 per replicate: unstable {:.0}, marginal {:.0}, hardship {:.0} \
         household-years, {:.0} visits, {:.0} yuan",
        total(&treated, &|y| y.monitored_unstable as f64),
        total(&treated, &|y| y.monitored_marginal as f64),
        total(&treated, &|y| y.monitored_hardship as f64),
        total(&treated, &|y| y.monitoring_visits as f64),
        total(&treated, &|y| y.monitoring_spent),
    );
    assert!(total(&base, &|y| y.monitoring_visits as f64) == 0.0);
    assert!(total(&treated, &|y| y.monitoring_visits as f64) > 0.0);
    relative_change(
        "household-years in poverty 2014-2025",
        &base,
        &treated,
        household_years_in_poverty,
    );
    let change = relative_change(
        "P2 relapses 2021-2025, monitoring off -> on",
        &base,
        &treated,
        relapses_2021_2025,
    );
    change.assert_within("P2 monitoring on", -1.0, -0.20);
}
