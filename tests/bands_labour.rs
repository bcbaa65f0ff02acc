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
#[ignore = "measured 2026-12-06 on the ABC-calibrated defaults (default world, 16 replicates): relapses 2021-2025 -17.9% (band -20% or more; -25.5% on the defaults of 2026-12-05)"]
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

/// Relapses 2021-2025 as MODEL.md section 0.4 defines them (annual, December, on the calendar
/// year's income against that year's line, once per episode), emulated outside the model from
/// the households' state, without assessment noise: the exits track builds the real
/// assessment; until then this diagnostic shows what P2 measures once relapse is annual.
fn annual_relapses_2021_2025(p: &povsim::params::Params, replicate: u32) -> f64 {
    use povsim::model::household::flag;
    use povsim::model::schedule::poverty_line;
    use povsim::sim::{RunOptions, Simulation};
    let mut sim = Simulation::new(p, replicate, RunOptions::default());
    let mut in_episode: Vec<Vec<bool>> = Vec::new();
    let mut count = 0.0;
    while sim.step_month().is_some() {
        let t = sim.month() - 1;
        let cal = sim.calendar();
        if !cal.is_year_end(t) {
            continue;
        }
        let year = cal.year(t);
        let line = poverty_line(&p.economy, year) as f32;
        let villages = sim.villages();
        in_episode.resize_with(villages.len(), Vec::new);
        for (v, episodes) in villages.iter().zip(in_episode.iter_mut()) {
            let hh = &v.households;
            episodes.resize(hh.len(), false);
            for (i, episode) in episodes.iter_mut().enumerate() {
                let f = hh.state[i].flags;
                let exited = f & flag::EXITED != 0 && f & flag::REGISTERED == 0;
                let below = hh.income_pc(i) < line;
                if exited && below && !*episode {
                    *episode = true;
                    if (2021..=2025).contains(&year) {
                        count += 1.0;
                    }
                } else if !below || !exited {
                    *episode = false;
                }
            }
        }
    }
    count
}

#[test]
#[ignore = "diagnostic: P2 with relapse emulated as the annual December assessment (MODEL.md 0.4)"]
fn p2_monitoring_with_annual_relapse_assessment_diagnostic() {
    let on = default_world();
    let mut off = on.clone();
    off.policy.monitoring = false;
    let n = 8;
    let base: f64 = (0..n).map(|r| annual_relapses_2021_2025(&off, r)).sum();
    let treated: f64 = (0..n).map(|r| annual_relapses_2021_2025(&on, r)).sum();
    eprintln!(
        "  annual relapses 2021-2025 over {n} replicates: off {base}, on {treated}, change {:+.1}%",
        100.0 * (treated - base) / base
    );
}
