//! Pattern tests: directional tests of patterns P3-P11 (MODEL.md section 1).
//!
//! Each test builds small scenarios from `Params::default()`, runs them through
//! `povsim::sim::run_all`, and checks the *direction* of the effect the pattern names, on an
//! output the pattern is about. Replicate r of two scenarios draws from the same random streams
//! (common random numbers, see `povsim::rng`), so the tests compare paired per-replicate
//! differences: the mean difference must point the expected way AND the difference must point
//! that way in at least 80% of the replicates. With 20 replicates a lever without effect passes
//! that bar with probability below 1%.
//!
//! `cargo test --release --test patterns -- --nocapture` prints every measured mean. A pattern
//! the model stops reproducing should be kept as an `#[ignore = "<diagnosis>"]` test naming the
//! mechanism, never weakened until it passes.

use povsim::collect::{MonthRow, YearRow};
use povsim::model::schedule::Calendar;
use povsim::model::village::Village;
use povsim::model::world::County;
use povsim::params::{Background, CadreMix, ExitRule, IndustryKind, Params, SubsidyScheme};
use povsim::sim::{run_all, RunOutput};

/// Replicates per scenario.
const REPLICATES: u32 = 20;

/// Share of replicates whose paired difference must point the expected way.
const MOST: f64 = 0.8;

/// A small scenario from the defaults: 30 villages of about 150 households in 3 counties,
/// `months` months from January 2014.
fn small(months: u32) -> Params {
    let mut p = Params {
        name: "pattern".into(),
        ..Params::default()
    };
    p.population.villages = 30;
    p.population.counties = 3;
    p.population.households_per_village = 150;
    p.population.households_sd = 30;
    p.population.households_min = 50;
    p.simulation.months = months;
    p.simulation.replicates = REPLICATES;
    p
}

/// A mix that sends only `background`.
fn only(background: Background) -> CadreMix {
    let mut mix = CadreMix {
        young_graduate: 0.0,
        experienced: 0.0,
        economic: 0.0,
        party_building: 0.0,
        social_work: 0.0,
    };
    match background {
        Background::YoungGraduate => mix.young_graduate = 1.0,
        Background::Experienced => mix.experienced = 1.0,
        Background::Economic => mix.economic = 1.0,
        Background::PartyBuilding => mix.party_building = 1.0,
        Background::SocialWork => mix.social_work = 1.0,
    }
    mix
}

/// Run every replicate of a scenario after checking that it is valid.
fn run(p: &Params) -> Vec<RunOutput> {
    let problems = p.problems();
    assert!(problems.is_empty(), "invalid test scenario: {problems:?}");
    let out = run_all(p);
    assert_eq!(out.len(), p.simulation.replicates as usize);
    out
}

/// The annual row of `year`.
fn year(o: &RunOutput, year: u32) -> &YearRow {
    o.years
        .iter()
        .find(|y| y.year == year)
        .unwrap_or_else(|| panic!("no annual row for {year}"))
}

/// Sum of `f` over the annual rows of `from..=to`.
fn sum_years(o: &RunOutput, from: u32, to: u32, f: impl Fn(&YearRow) -> f64) -> f64 {
    (from..=to).map(|y| f(year(o, y))).sum()
}

/// Mean of the defined values of `f` over the annual rows of `from..=to`.
fn mean_years(o: &RunOutput, from: u32, to: u32, f: impl Fn(&YearRow) -> Option<f64>) -> f64 {
    let values: Vec<f64> = (from..=to).filter_map(|y| f(year(o, y))).collect();
    assert!(!values.is_empty(), "no defined values in {from}-{to}");
    mean(&values)
}

/// The monthly row labelled `label` (`YYYY-MM`).
fn month<'a>(o: &'a RunOutput, label: &str) -> &'a MonthRow {
    o.months
        .iter()
        .find(|m| m.month == label)
        .unwrap_or_else(|| panic!("no monthly row {label}"))
}

/// Mean of `f` over the monthly rows from `from` to `to` inclusive (`YYYY-MM` labels).
fn mean_months(o: &RunOutput, from: &str, to: &str, f: impl Fn(&MonthRow) -> f64) -> f64 {
    let values: Vec<f64> = o
        .months
        .iter()
        .filter(|m| m.month.as_str() >= from && m.month.as_str() <= to)
        .map(f)
        .collect();
    assert!(!values.is_empty(), "no monthly rows in {from}..{to}");
    mean(&values)
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Official exits assessed from 2015 to the end of `to`.
fn exits_through(o: &RunOutput, to: u32) -> f64 {
    sum_years(o, 2015, to, |y| y.exits as f64)
}

/// Sustained exits of the exit years 2015-2020 (complete 24-month windows need >= 108 months).
fn sustained_exits_to_2020(o: &RunOutput) -> f64 {
    assert_eq!(year(o, 2020).sustained_window_months, 24);
    sum_years(o, 2015, 2020, |y| y.sustained_exits as f64)
}

/// One metric measured on replicate r of a base and a treated scenario.
struct Paired {
    what: String,
    base: Vec<f64>,
    treated: Vec<f64>,
}

impl Paired {
    /// Measure `metric` on every replicate of both scenarios and print the result.
    fn new(
        what: &str,
        base: &[RunOutput],
        treated: &[RunOutput],
        metric: impl Fn(&RunOutput) -> f64,
    ) -> Paired {
        assert_eq!(base.len(), treated.len());
        let p = Paired {
            what: what.to_string(),
            base: base.iter().map(&metric).collect(),
            treated: treated.iter().map(&metric).collect(),
        };
        let n = p.base.len();
        eprintln!(
            "  {:<50} base {:>9.4}  treated {:>9.4}  diff {:>+9.4}  up {:>2}/{n}  down {:>2}/{n}",
            p.what,
            mean(&p.base),
            mean(&p.treated),
            p.mean_diff(),
            p.count(|d| d > 0.0),
            p.count(|d| d < 0.0),
        );
        p
    }

    /// Treated minus base, per replicate.
    fn diffs(&self) -> Vec<f64> {
        self.treated
            .iter()
            .zip(&self.base)
            .map(|(t, b)| t - b)
            .collect()
    }

    fn mean_diff(&self) -> f64 {
        mean(&self.diffs())
    }

    fn count(&self, keep: impl Fn(f64) -> bool) -> usize {
        self.diffs().into_iter().filter(|d| keep(*d)).count()
    }

    /// The treated scenario is higher: on average and in most replicates.
    fn assert_higher(&self) {
        let n = self.base.len();
        let up = self.count(|d| d > 0.0);
        assert!(
            self.mean_diff() > 0.0 && up as f64 >= MOST * n as f64,
            "{}: expected treated > base, got mean diff {:+.4}, higher in {up}/{n} replicates",
            self.what,
            self.mean_diff()
        );
    }

    /// The treated scenario is lower: on average and in most replicates.
    fn assert_lower(&self) {
        let n = self.base.len();
        let down = self.count(|d| d < 0.0);
        assert!(
            self.mean_diff() < 0.0 && down as f64 >= MOST * n as f64,
            "{}: expected treated < base, got mean diff {:+.4}, lower in {down}/{n} replicates",
            self.what,
            self.mean_diff()
        );
    }
}

/// `later` exceeds `earlier` on average and in most replicates (two per-replicate series).
fn assert_grows(what: &str, earlier: &[f64], later: &[f64]) {
    let n = earlier.len();
    let grew = earlier.iter().zip(later).filter(|(e, l)| l > e).count();
    eprintln!(
        "  {what:<50} earlier {:>9.4}  later {:>9.4}  grew {grew}/{n}",
        mean(earlier),
        mean(later)
    );
    assert!(
        mean(later) > mean(earlier) && grew as f64 >= MOST * n as f64,
        "{what}: expected growth, got {:.4} -> {:.4}, grew in {grew}/{n} replicates",
        mean(earlier),
        mean(later)
    );
}

// P3 (seed 001): experienced (near-retired) secretaries get faster early results; young
// graduates start slower (no rural knowledge) but learn; the gap narrows within a term.
#[test]
#[ignore = "measured 2026-12-05 on the calibrated defaults (20 replicates): the knowledge gap closes as v1 (+0.258 in 2015-01, -0.035 in 2016-12; young 0.17 -> 0.81), but truly poor in 2015-03..08 only -1.1 with experienced secretaries, lower in 13/20 replicates (needs 16); superseded by the P3 band test of bands_secretaries.rs"]
fn experienced_secretaries_start_ahead_and_young_graduates_catch_up_within_a_term() {
    eprintln!("P3: all young graduates (base) vs all experienced secretaries (treated)");
    let mut young = small(36);
    // More villages per replicate: the exit-rate lead is a difference of rates, noisy at 30.
    young.population.villages = 60;
    young.cadres.mix = only(Background::YoungGraduate);
    let mut experienced = young.clone();
    experienced.cadres.mix = only(Background::Experienced);
    let y = run(&young);
    let e = run(&experienced);

    let knowledge_gap = |label: &str| -> Vec<f64> {
        y.iter()
            .zip(&e)
            .map(|(ry, re)| {
                month(re, label).knowledge_experienced - month(ry, label).knowledge_young_graduate
            })
            .collect()
    };
    let gap_start = knowledge_gap("2015-01");
    let gap_end = knowledge_gap("2016-12");
    let young_start = mean_months(&y[0], "2015-01", "2015-01", |m| m.knowledge_young_graduate);
    let young_end = mean_months(&y[0], "2016-12", "2016-12", |m| m.knowledge_young_graduate);
    eprintln!(
        "  P3 knowledge gap (experienced - young)           2015-01 {:+.4}  2016-12 {:+.4}; \
         young {young_start:.3} -> {young_end:.3}",
        mean(&gap_start),
        mean(&gap_end)
    );
    // Results: fewer truly poor under experienced secretaries early in the term; but the
    // lead is in the flow of exits, and young graduates close it: the exit-rate advantage of
    // experienced secretaries in the first assessment (2015) shrinks in the second (2016). (A
    // stock such as truly poor households keeps an early lead by construction, so the catch-up
    // is measured on the rate.)
    let early = Paired::new("P3 truly poor, mean of 2015-03..2015-08", &y, &e, |o| {
        mean_months(o, "2015-03", "2015-08", |m| m.truly_poor as f64)
    });
    let rate = |o: &RunOutput, y: u32| year(o, y).exit_rate.unwrap_or(0.0);
    let lead_2015: Vec<f64> = e
        .iter()
        .zip(&y)
        .map(|(re, ry)| rate(re, 2015) - rate(ry, 2015))
        .collect();
    let lead_2016: Vec<f64> = e
        .iter()
        .zip(&y)
        .map(|(re, ry)| rate(re, 2016) - rate(ry, 2016))
        .collect();

    for (start, end) in gap_start.iter().zip(&gap_end) {
        assert!(
            *start > 0.2,
            "experienced should arrive knowing more: gap {start:.3}"
        );
        assert!(
            end.abs() < 0.5 * start,
            "the knowledge gap should narrow within the term: {start:.3} -> {end:.3}"
        );
    }
    assert!(
        young_end > young_start + 0.5,
        "young graduates should learn the village"
    );
    early.assert_lower();
    assert!(
        mean(&lead_2015) > 0.0,
        "experienced should exit more households in 2015"
    );
    // The lead shrinks: 2015 lead minus 2016 lead grows from 0.
    let zero = vec![0.0; lead_2015.len()];
    let shrink: Vec<f64> = lead_2015
        .iter()
        .zip(&lead_2016)
        .map(|(a, b)| a - b)
        .collect();
    assert_grows(
        "P3 exit-rate lead of experienced shrinks, 2015 -> 2016",
        &zero,
        &shrink,
    );
}

// P3 (seed 001): the faster early results show in the first annual exit assessment.
// Knowledge is the experienced cadre's early edge (0.4 vs 0.1 on arrival; v2 removed v1's
// added know-how term, MODEL.md 0.8); young graduates' higher enthusiasm (0.9 vs 0.7) does not
// make up for it in the first year.
#[test]
#[ignore = "measured 2026-12-05 on the calibrated defaults (20 replicates): P3 official exits 2015 -0.1, higher in 10/20 replicates: the experienced edge (initial knowledge) does not show in the first assessment once the county plan paces exits; the P3 band test in bands_secretaries.rs measures -0.2% (ignored there too)"]
fn experienced_secretaries_deliver_more_exits_in_the_first_assessment() {
    eprintln!("P3: all young graduates (base) vs all experienced secretaries (treated)");
    let mut young = small(24);
    young.cadres.mix = only(Background::YoungGraduate);
    let mut experienced = young.clone();
    experienced.cadres.mix = only(Background::Experienced);
    let y = run(&young);
    let e = run(&experienced);
    Paired::new("P3 official exits 2015", &y, &e, |o| {
        year(o, 2015).exits as f64
    })
    .assert_higher();
}

// P4 (seed 001): administrative burden (up to 80% of effort on paperwork) weakens every
// channel; relieving it raises exits. Measured over the programme up to the 2020 deadline.
#[test]
#[ignore = "measured 2026-12-05 on the calibrated defaults (20 replicates): P4 official exits 2015-2017 +26 (20/20) and truly poor at the end of 2020 -19 (20/20) as v1, but sustained exits 2015-2020 +7.8 higher in only 15/20 replicates (needs 16); the v2 band test measures -6.6% household-years"]
fn relieving_admin_burden_speeds_exits_and_leaves_fewer_truly_poor_by_the_deadline() {
    eprintln!("P4: admin burden 0.8 (base) vs 0.2 (treated)");
    let mut burdened = small(108);
    burdened.cadres.admin_burden = 0.8;
    let mut streamlined = burdened.clone();
    streamlined.cadres.admin_burden = 0.2;
    let b = run(&burdened);
    let s = run(&streamlined);
    let exits = Paired::new("P4 official exits 2015-2017", &b, &s, |o| {
        exits_through(o, 2017)
    });
    let sustained = Paired::new(
        "P4 sustained exits of 2015-2020",
        &b,
        &s,
        sustained_exits_to_2020,
    );
    let poor = Paired::new("P4 truly poor, end of 2020", &b, &s, |o| {
        year(o, 2020).truly_poor_end as f64
    });
    exits.assert_higher();
    sustained.assert_higher();
    poor.assert_lower();
}

/// Failed projects as a share of all projects launched, at the end of the run.
fn failure_share(o: &RunOutput) -> f64 {
    let last = o.months.last().expect("at least one month");
    let launched = last.industries_building + last.industries_producing + last.industries_failed;
    assert!(launched > 0, "no project was launched");
    last.industries_failed as f64 / launched as f64
}

// P5 (seed 001): rushed "showcase" projects launched without local knowledge or feasibility
// study fail more often. Secretaries rotated every 6 months without handover are always in
// their first months (the newcomer's urge to show results) and never learn the village.
#[test]
fn rushed_projects_of_ever_new_secretaries_fail_more_often() {
    eprintln!("P5: 24-month terms with handover (base) vs 6-month terms, no handover (treated)");
    let settled = small(96);
    let mut rushed = settled.clone();
    rushed.cadres.tenure_months = 6;
    rushed.cadres.handover = false;
    let s = run(&settled);
    let r = run(&rushed);
    let knowledge = Paired::new("P5 mean secretary knowledge 2015-2021", &s, &r, |o| {
        mean_months(o, "2015-01", "2021-12", |m| m.mean_knowledge)
    });
    let failed = Paired::new(
        "P5 failed / launched projects, end of 2021",
        &s,
        &r,
        failure_share,
    );
    knowledge.assert_lower();
    failed.assert_higher();
}

// P6 (seed 000): industries pay off only after a cultivation period: nothing produces until
// the period after the first launch is over, and the producing stock keeps growing after.
#[test]
fn industries_produce_only_after_their_cultivation_period_and_keep_producing() {
    const CULTIVATION: u32 = 36;
    eprintln!("P6: every industry kind needs {CULTIVATION} months to first income");
    let mut p = small(120);
    // v2 launches are decisions: with 36-month cultivation a low-knowledge team sees returns
    // below the default hurdle and launches nothing. This test is about the cultivation
    // period, so every affordable appraisal launches here.
    p.projects.launch_hurdle = 0.0;
    let table = &mut p.industries;
    for spec in [
        &mut table.crop,
        &mut table.livestock,
        &mut table.processing,
        &mut table.photovoltaic,
        &mut table.tourism,
    ] {
        spec.months_to_income = CULTIVATION;
    }
    for kind in IndustryKind::ALL {
        assert_eq!(p.industries.get(kind).months_to_income, CULTIVATION);
    }
    let runs = run(&p);
    let mut first_launch = Vec::new();
    let mut first_income = Vec::new();
    let mut producing_after_a_year = Vec::new();
    let mut producing_end = Vec::new();
    for o in &runs {
        let launched =
            |m: &MonthRow| m.industries_building + m.industries_producing + m.industries_failed;
        let launch = o
            .months
            .iter()
            .position(|m| launched(m) > 0)
            .expect("some project is launched");
        let income = o
            .months
            .iter()
            .position(|m| m.industries_producing > 0)
            .expect("some project reaches production");
        // A project launched in month L spends its first cultivation month in L.
        assert!(
            income + 1 >= launch + CULTIVATION as usize,
            "replicate {}: production in month {income}, first launch in month {launch}",
            o.replicate
        );
        first_launch.push(launch as f64);
        first_income.push(income as f64);
        let a_year_later = o
            .months
            .get(income + 12)
            .expect("a year of production observed");
        producing_after_a_year.push(a_year_later.industries_producing as f64);
        producing_end.push(o.months.last().expect("months").industries_producing as f64);
    }
    eprintln!(
        "  P6 first launch in month {:.1}, first production in month {:.1} (means)",
        mean(&first_launch),
        mean(&first_income)
    );
    assert_grows(
        "P6 producing projects: 1 year after first -> end",
        &producing_after_a_year,
        &producing_end,
    );
}

// P6 (seed 000): the benefit of industries is slow and durable: the income they add to the
// villages (vs. no projects at all) is small at first and keeps growing to the end of the run.
#[test]
fn industry_income_arrives_slowly_and_keeps_growing() {
    eprintln!("P6: no projects launched (base) vs default launches (treated)");
    let mut without = small(144);
    // v2: launches are decisions; a hurdle no project clears launches none.
    without.projects.launch_hurdle = 10.0;
    let mut with = without.clone();
    with.projects.launch_hurdle = Params::default().projects.launch_hurdle;
    let n = run(&without);
    let w = run(&with);
    let gain = |label: &str| {
        Paired::new(&format!("P6 mean income per capita {label}"), &n, &w, |o| {
            month(o, label).mean_income_pc
        })
        .diffs()
    };
    let g2016 = gain("2016-12");
    let g2020 = gain("2020-12");
    let g2025 = gain("2025-12");
    assert_grows(
        "P6 income gain from industries: 2016 -> 2020",
        &g2016,
        &g2020,
    );
    assert_grows(
        "P6 income gain from industries: 2020 -> 2025",
        &g2020,
        &g2025,
    );
}

// P7 (seed 001): a uniform living subsidy drains enthusiasm in remote villages; a
// remoteness-adjusted one does not. Aggregate effect on the secretaries in post.
#[test]
fn remoteness_adjusted_subsidy_keeps_secretaries_keener_than_a_uniform_one() {
    eprintln!("P7: uniform subsidy (base) vs remoteness-adjusted subsidy (treated)");
    let uniform = small(84);
    let mut adjusted = uniform.clone();
    adjusted.incentives.subsidy_scheme = SubsidyScheme::RemotenessAdjusted;
    let u = run(&uniform);
    let a = run(&adjusted);
    Paired::new("P7 mean enthusiasm 2015-2020", &u, &a, |o| {
        mean_months(o, "2015-01", "2020-12", |m| m.mean_enthusiasm)
    })
    .assert_higher();
}

/// Enthusiasm of each village's secretary at the end of the first term (December 2016), with
/// the village's remoteness. Villages are stepped one by one through the library's village
/// step, because the run outputs report enthusiasm only as a mean over villages.
fn enthusiasm_after_one_term(p: &Params) -> Vec<(f64, f64)> {
    let calendar = Calendar {
        start_year: p.simulation.start_year,
    };
    let county = County::new();
    let mut out = Vec::new();
    for replicate in 0..2 {
        for id in 0..p.population.villages {
            let mut v = Village::new(id, p, p.simulation.seed, replicate, calendar);
            v.allocation = povsim::model::funds::own_allocation(p, &v, 2015);
            for t in 0..36 {
                v.step_month(p, t, calendar, &county);
            }
            // v2: a share 1 - cadres.coverage of villages never gets a secretary (MODEL.md 0.8).
            if let Some(cadre) = v.cadre.as_ref() {
                out.push((v.remoteness, cadre.enthusiasm));
            } else {
                assert!(
                    !v.covered,
                    "a covered village has a secretary in post in 2016"
                );
            }
        }
    }
    out
}

/// Mean enthusiasm of the least remote third minus that of the most remote third.
fn remote_drain(pairs: &mut [(f64, f64)]) -> f64 {
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let third = pairs.len() / 3;
    let near: Vec<f64> = pairs[..third].iter().map(|p| p.1).collect();
    let remote: Vec<f64> = pairs[pairs.len() - third..].iter().map(|p| p.1).collect();
    mean(&near) - mean(&remote)
}

// P7 (seed 001): the same pattern village by village: under a uniform subsidy secretaries in
// the most remote third of villages end their term less keen than those in the least remote
// third; under a remoteness-adjusted subsidy they do not.
#[test]
fn uniform_subsidy_drains_enthusiasm_in_remote_villages_and_adjusted_does_not() {
    let mut uniform = small(36);
    uniform.population.villages = 60;
    uniform.population.households_per_village = 60;
    uniform.population.households_sd = 10;
    // One background, so that remoteness is the only difference between secretaries.
    uniform.cadres.mix = only(Background::Economic);
    let mut adjusted = uniform.clone();
    adjusted.incentives.subsidy_scheme = SubsidyScheme::RemotenessAdjusted;
    let drain_uniform = remote_drain(&mut enthusiasm_after_one_term(&uniform));
    let drain_adjusted = remote_drain(&mut enthusiasm_after_one_term(&adjusted));
    eprintln!(
        "  P7 enthusiasm, near third minus remote third, Dec 2016: uniform {drain_uniform:+.4}, \
         adjusted {drain_adjusted:+.4}"
    );
    assert!(
        drain_uniform > 0.02,
        "a uniform subsidy should drain enthusiasm in remote villages: {drain_uniform:+.4}"
    );
    assert!(
        drain_adjusted.abs() < 0.25 * drain_uniform,
        "an adjusted subsidy should not: {drain_adjusted:+.4} vs uniform {drain_uniform:+.4}"
    );
}

// P8 (seeds 001, 003): dependency: households that conceal income resist exit.
#[test]
fn income_concealment_delays_official_exits() {
    eprintln!("P8: concealment 0 (base) vs 0.6 (treated)");
    let mut open = small(48);
    open.identification.concealment = 0.0;
    let mut concealing = open.clone();
    concealing.identification.concealment = 0.6;
    let o = run(&open);
    let c = run(&concealing);
    let exits = Paired::new("P8 official exits 2015-2017", &o, &c, |r| {
        exits_through(r, 2017)
    });
    let registered = Paired::new("P8 registered, end of 2017", &o, &c, |r| {
        year(r, 2017).registered_end as f64
    });
    exits.assert_lower();
    registered.assert_higher();
}

// P8 (seeds 001, 003): "endogenous drive" work (the motivation measure) reduces dependency
// and so speeds exits.
#[test]
fn endogenous_drive_work_speeds_exits() {
    eprintln!("P8: motivation measure gain 0 (base) vs 0.3 (treated)");
    let mut none = small(48);
    none.channels.motivation_gain = 0.0;
    let mut strong = none.clone();
    strong.channels.motivation_gain = 0.3;
    let n = run(&none);
    let s = run(&strong);
    let exits = Paired::new("P8 official exits 2015-2017", &n, &s, |r| {
        exits_through(r, 2017)
    });
    let registered = Paired::new("P8 registered, end of 2017", &n, &s, |r| {
        year(r, 2017).registered_end as f64
    });
    exits.assert_higher();
    registered.assert_lower();
}

/// Identification errors summed over the 2015-2020 year ends: poor households missed by the
/// register, and households registered while not poor that no re-check has found yet
/// (`inclusion_errors_end`; `wrongly_registered_end` also counts registered households whose
/// income has since risen above the line and await their exit assessment). December's fake exits are truly poor and off the
/// register when the year-end count is taken, so they are subtracted from the missed count: what
/// remains are the exclusion errors of identification.
fn identification_errors(base: &[RunOutput], treated: &[RunOutput]) -> (Paired, Paired) {
    let missed = Paired::new(
        "P9 missed poor less fake exits, 2015-2020",
        base,
        treated,
        |o| {
            sum_years(o, 2015, 2020, |y| {
                y.missed_poor_end as f64 - y.fake_exits as f64
            })
        },
    );
    let wrong = Paired::new(
        "P9 inclusion errors (registered while not poor, not yet found), sum of 2015-2020",
        base,
        treated,
        |o| sum_years(o, 2015, 2020, |y| y.inclusion_errors_end as f64),
    );
    (missed, wrong)
}

/// The P9 scenario: 120 villages, since the error counts are small and noisy per replicate.
fn identification_scenario() -> Params {
    let mut p = small(84);
    p.population.villages = 120;
    p
}

// P9 (seed 003): identification errors: some non-poor registered, some poor missed; better
// organisation reduces both.
#[test]
fn stronger_village_organisation_reduces_both_identification_errors() {
    eprintln!("P9: organisation gain 0.01 (base, default) vs 0.03 (treated)");
    let weak = identification_scenario();
    let mut strong = weak.clone();
    strong.channels.organisation_gain = 0.03;
    let w = run(&weak);
    let s = run(&strong);
    let (missed, wrong) = identification_errors(&w, &s);
    missed.assert_lower();
    wrong.assert_lower();
}

// P9 (seed 003): identification errors: better cadre knowledge reduces both (knowledge enters
// exclusion and inclusion errors and the re-check's detection).
#[test]
#[ignore = "measured 2026-12-05 on the calibrated defaults (20 replicates): P9 knowledge +0.21 (20/20), inclusion errors -12.7 (20/20), missed poor less fake exits -7.6, lower in 15/20 replicates (needs 16): right sign, weaker than v1"]
fn better_cadre_knowledge_reduces_both_identification_errors() {
    eprintln!("P9: no training (base) vs training with 3x learning rate (treated)");
    let untrained = identification_scenario();
    let mut trained = untrained.clone();
    trained.cadres.training = true;
    trained.cadres.training_learning_boost = 3.0;
    let u = run(&untrained);
    let t = run(&trained);
    let knowledge = Paired::new("P9 mean secretary knowledge 2015-2020", &u, &t, |o| {
        mean_months(o, "2015-01", "2020-12", |m| m.mean_knowledge)
    });
    let (missed, wrong) = identification_errors(&u, &t);
    knowledge.assert_higher();
    missed.assert_lower();
    wrong.assert_lower();
}

// P10 (seed 002): matched vs random assignment is a v2 band test now
// (`tests/bands_secretaries.rs`, `matched_specialists_beat_random_most_where_the_weakest_area_is_far_below`):
// v1's directional test measured the specialist floor that v2 removed (MODEL.md 0.8).

// P11 (seed 003): lax, deadline-driven ("numbers-only") exits inflate official exits and
// later relapse.
#[test]
fn deadline_driven_exits_inflate_official_exits_and_later_relapse() {
    eprintln!("P11: deadline pressure 0 (base) vs 0.4 (treated)");
    let mut calm = small(108);
    calm.policy.deadline_pressure = 0.0;
    let mut pressed = calm.clone();
    pressed.policy.deadline_pressure = 0.4;
    let c = run(&calm);
    let p = run(&pressed);
    let fake = Paired::new("P11 fake exits 2015-2020", &c, &p, |o| {
        sum_years(o, 2015, 2020, |y| y.fake_exits as f64)
    });
    let exits = Paired::new("P11 official exits 2015-2020", &c, &p, |o| {
        exits_through(o, 2020)
    });
    let relapse = Paired::new("P11 mean relapse rate 2017-2022", &c, &p, |o| {
        mean_years(o, 2017, 2022, |y| y.relapse_rate)
    });
    fake.assert_higher();
    exits.assert_higher();
    relapse.assert_higher();
}

// P11 (seed 003): strict exit rules cut relapse (and the fake exits behind it).
#[test]
fn strict_exit_rules_cut_relapse_and_fake_exits() {
    eprintln!("P11: standard exit rule (base) vs strict (treated)");
    let standard = small(108);
    let mut strict = standard.clone();
    strict.policy.exit_rule = ExitRule::Strict;
    let s = run(&standard);
    let t = run(&strict);
    let relapse = Paired::new("P11 mean relapse rate 2017-2022", &s, &t, |o| {
        mean_years(o, 2017, 2022, |y| y.relapse_rate)
    });
    let fake = Paired::new("P11 fake exits 2015-2020", &s, &t, |o| {
        sum_years(o, 2015, 2020, |y| y.fake_exits as f64)
    });
    relapse.assert_lower();
    fake.assert_lower();
}
