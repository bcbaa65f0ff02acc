//! Invariants on random scenarios (proptest): households conserved, counts non-negative and
//! bounded by households, rates in [0, 1], registered <= households, money accounted for
//! (in = spent + misused + returned idle + held, every village-year to the yuan), cumulative
//! counts never decrease.

use proptest::prelude::*;

use povsim::invariants::check_invariants;
use povsim::params::{
    AllocationRule, Assignment, ExitRule, Params, Strategy as EffortStrategy, SubsidyScheme,
};
use povsim::sim::run_replicate;

fn scenario() -> impl Strategy<Value = Params> {
    (
        (1u32..6, 20u32..80, 1u32..3, 13u32..96, any::<u64>()),
        (0.0f64..=1.0, 0.0f64..=1.0, 1u32..6, 1u32..40, any::<bool>()),
        (
            0usize..3,
            0usize..5,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
        (
            0.0f64..=0.9,
            0.0f64..=1.0,
            0.0f64..=0.5,
            any::<bool>(),
            0.0f64..=1.0,
        ),
        (0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..3.0),
    )
        .prop_map(|(size, cadres, rules, policy, shocks)| {
            let mut p = Params::default();
            let (villages, households, counties, months, seed) = size;
            p.population.villages = villages;
            p.population.households_per_village = households;
            p.population.households_sd = households / 4;
            p.population.households_min = 5;
            p.population.counties = counties.min(villages);
            p.simulation.months = months;
            p.simulation.seed = seed >> 1;
            p.simulation.replicates = 1;
            let (young_share, burden, team, tenure, matched) = cadres;
            p.cadres.mix.young_graduate = young_share;
            p.cadres.mix.experienced = 1.0 - young_share;
            p.cadres.mix.economic = 0.0;
            p.cadres.mix.party_building = 0.0;
            p.cadres.mix.social_work = 0.0;
            p.cadres.admin_burden = burden;
            p.cadres.team_size = team;
            p.cadres.tenure_months = tenure;
            p.cadres.assignment = if matched {
                Assignment::Matched
            } else {
                Assignment::Random
            };
            let (rule, strategy, strict, promotion, adjusted) = rules;
            p.funding.allocation_rule = [
                AllocationRule::Equal,
                AllocationRule::Need,
                AllocationRule::Remoteness,
            ][rule];
            p.cadres.strategy = [
                EffortStrategy::Balanced,
                EffortStrategy::IndustryFirst,
                EffortStrategy::InfrastructureFirst,
                EffortStrategy::HouseholdFirst,
                EffortStrategy::Adaptive,
            ][strategy];
            p.policy.exit_rule = if strict {
                ExitRule::Strict
            } else {
                ExitRule::Standard
            };
            p.incentives.promotion_on_performance = promotion;
            p.incentives.subsidy_scheme = if adjusted {
                SubsidyScheme::RemotenessAdjusted
            } else {
                SubsidyScheme::Uniform
            };
            let (pressure, misuse, recall, monitoring, relocation) = policy;
            p.policy.deadline_pressure = pressure;
            p.funding.misuse = misuse;
            p.incentives.recall_percentile = recall;
            p.policy.monitoring = monitoring;
            // A start year inside the run (a written start year after the run's end is refused).
            p.policy.monitoring_start_year = p.policy.monitoring_start_year.min(p.last_year());
            p.programmes.relocation.registered_share = relocation;
            p.policy.relocation_remoteness = 0.3;
            let (disaster, illness, volatility) = shocks;
            p.shocks.disaster_rate = disaster;
            p.shocks.illness_rate = illness;
            p.shocks.price_volatility = volatility;
            p.shocks.macro_2020 = disaster > 0.5;
            p
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn random_scenarios_keep_every_invariant(params in scenario()) {
        let problems: Vec<String> = params.problems().iter().map(|p| format!("{} = {}: allowed {}", p.path, p.value, p.allowed)).collect();
        prop_assert!(problems.is_empty(), "generator made an invalid scenario: {:?}", problems);
        let run = run_replicate(&params, 0);
        prop_assert_eq!(run.months.len(), params.simulation.months as usize);
        prop_assert_eq!(run.years.len(), params.simulation.months as usize / 12);
        // The shared checker (the same one `povsim run` applies before writing anything).
        if let Err(e) = check_invariants(std::slice::from_ref(&run)) {
            prop_assert!(false, "{}", e);
        }
        let households = run.months[0].households;
        for m in &run.months {
            prop_assert_eq!(m.households, households);
            prop_assert!(m.registered <= m.households);
            prop_assert!(m.exited_truly_poor <= m.exited);
            prop_assert!(m.funds_in >= 0.0 && m.funds_spent >= 0.0 && m.funds_leaked >= 0.0);
            prop_assert!(m.funds_held >= -1e-6, "villages never spend money they do not have");
            prop_assert!((0.0..=1.0).contains(&m.mean_enthusiasm));
            prop_assert!((0.0..=1.0).contains(&m.mean_knowledge));
        }
        for y in &run.years {
            for rate in [y.exit_rate, y.relapse_rate, y.leakage_share, y.registered_ill_share].into_iter().flatten() {
                prop_assert!((0.0..=1.0).contains(&rate), "rate {} out of [0, 1] in {}", rate, y.year);
            }
            prop_assert!(y.sustained_exits <= y.true_exits);
            prop_assert!(y.registered_end <= households && y.truly_poor_end <= households);
            prop_assert!((0.0..=1.0).contains(&y.gini));
        }
        let a = run.accounts;
        // v2 (MODEL.md 0.7): idle money returned to the county is a use, and comes back in as
        // reallocated money.
        let accounted = a.funds_spent + a.funds_misused + a.funds_returned + a.funds_held_end;
        prop_assert_eq!(a.account_failures, 0);
        prop_assert_eq!(a.returned_total, a.reallocated_total + a.county_pool_end);
        prop_assert!((a.funds_in - accounted).abs() <= 1e-6 * a.funds_in.max(1.0),
            "money in {} vs accounted {}", a.funds_in, accounted);
    }
}

#[test]
fn money_identity_holds_for_the_baseline_to_the_yuan() {
    let mut p = Params::default();
    p.population.villages = 10;
    let run = run_replicate(&p, 0);
    let a = run.accounts;
    assert!(a.funds_in > 0.0 && a.funds_spent > 0.0 && a.funds_leaked > 0.0);
    let accounted = a.funds_spent + a.funds_misused + a.funds_returned + a.funds_held_end;
    assert!((a.funds_in - accounted).abs() < 1.0);
    assert_eq!(a.account_failures, 0);
}
