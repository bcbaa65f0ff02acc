//! Money accounted to the yuan (MODEL.md 0.7, the "money accounted" band of 0.10): for every
//! village and every year, opening + money in by source = money out by use (spent, misused,
//! returned idle) + closing, exactly; the county pools create and delete nothing (what came back
//! idle = what was paid out again + what the pools hold); on random scenarios and the baseline.

use proptest::prelude::*;

use povsim::model::funds::{Source, Use, YearAccount};
use povsim::params::{AllocationRule, Params};
use povsim::sim::{RunOptions, Simulation};

/// Step a scenario month by month and check every village's account at every December, and
/// the county pools at the end. Returns the summed accounts of the run's years.
fn check_every_village_year(p: &Params) -> Vec<YearAccount> {
    let mut sim = Simulation::new(p, 0, RunOptions { per_village: true });
    let mut years = Vec::new();
    let mut opening: Vec<i64> = vec![0; p.population.villages as usize];
    while let Some(row) = sim.step_month() {
        let label = row.month.clone();
        if !label.ends_with("-12") {
            continue;
        }
        let mut sum = YearAccount::default();
        for (k, v) in sim.villages().iter().enumerate() {
            let a = v.funds.year;
            assert_eq!(
                a.opening + a.total_in(),
                a.total_out() + a.closing,
                "village {} in {}: opening {} + in {} != out {} + closing {}",
                v.id,
                label,
                a.opening,
                a.total_in(),
                a.total_out(),
                a.closing
            );
            assert_eq!(
                a.closing,
                v.funds.held(),
                "closing is what the village holds"
            );
            assert_eq!(a.opening, opening[k], "opening is last year's closing");
            assert!(v.funds.consistent());
            opening[k] = a.closing;
            sum.add(&a);
        }
        years.push(sum);
    }
    let out = sim.finish();
    let acc = &out.accounts;
    assert_eq!(acc.account_failures, 0);
    assert_eq!(
        acc.returned_total,
        acc.reallocated_total + acc.county_pool_end,
        "county pools: returned = reallocated + held by the pools"
    );
    assert!(acc.county_pool_end >= 0);
    // The ledger carries the same sums.
    let ledger: Vec<YearAccount> = out
        .ledger
        .iter()
        .filter(|r| r.village.is_none())
        .map(|r| r.account)
        .collect();
    assert_eq!(ledger, years);
    years
}

#[test]
fn the_baseline_accounts_balance_to_the_yuan_every_village_year() {
    let mut p = Params::small(12, 80, 144, 1);
    p.population.counties = 3;
    let years = check_every_village_year(&p);
    assert_eq!(years.len(), 12);
    let total_in: i64 = years.iter().map(|a| a.total_in()).sum();
    let special: i64 = years.iter().map(|a| a.source(Source::SpecialFunds)).sum();
    assert!(special > 0 && total_in >= special);
    // Misuse is a use, and something is spent on measures and projects.
    assert!(years.iter().map(|a| a.to_use(Use::Misused)).sum::<i64>() > 0);
    assert!(years.iter().map(|a| a.spent()).sum::<i64>() > 0);
}

#[test]
fn idle_money_goes_back_to_the_county_and_is_paid_out_again() {
    // No effort to spend it: money lies idle, returns and is reallocated, nothing deleted.
    let mut p = Params::small(6, 60, 48, 1);
    p.population.counties = 2;
    p.cadres.enabled = false;
    let years = check_every_village_year(&p);
    let returned: i64 = years.iter().map(|a| a.to_use(Use::ReturnedIdle)).sum();
    let reallocated: i64 = years.iter().map(|a| a.source(Source::Reallocated)).sum();
    assert!(returned > 0, "unspent money is returned");
    assert!(reallocated > 0, "and paid out again");
    // Nothing older than the idle limit is held: at most 13 months of inflow.
    let last = years.last().expect("years");
    assert!(last.closing <= last.total_in() * 13 / 12 + 1);
}

fn random_scenario() -> impl Strategy<Value = Params> {
    (
        (1u32..8, 20u32..70, 1u32..4, 13u32..90, any::<u64>()),
        (0.0f64..=64_000.0, 0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..=5.0),
        (0usize..3, 1u32..30, any::<bool>(), 0.0f64..=1.0),
        (
            0.0f64..=5_000.0,
            0.0f64..=3_000.0,
            0.0f64..=400_000.0,
            0u32..100,
        ),
    )
        .prop_map(|(size, money, rules, prices)| {
            let (villages, households, counties, months, seed) = size;
            let mut p = Params::small(villages, households, months, 1);
            p.population.counties = counties.min(villages);
            p.simulation.seed = seed >> 1;
            let (per_person, share, misuse, unit) = money;
            p.funding.spending_per_person = per_person;
            p.funding.village_fund_share = share;
            p.funding.misuse = misuse;
            p.funding.unit_scale = unit;
            let (rule, idle, cadres, burden) = rules;
            p.funding.allocation_rule = [
                AllocationRule::Equal,
                AllocationRule::Need,
                AllocationRule::Remoteness,
            ][rule];
            p.projects.idle_months = idle;
            p.cadres.enabled = cadres;
            p.cadres.admin_burden = burden;
            let (training, placement, road, waiting) = prices;
            p.measures.training_cost = training.round();
            p.measures.placement_cost = placement.round();
            p.projects.road_cost = road.round();
            p.measures.max_waiting = waiting;
            p
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn accounts_balance_to_the_yuan_on_random_scenarios(p in random_scenario()) {
        prop_assume!(p.problems().is_empty());
        check_every_village_year(&p);
    }
}
