//! Every numeric key at each end of its allowed range (one key at a time, and all money and
//! growth keys at their maxima together) on a tiny world over the longest run (1,200 months):
//! the outputs hold no NaN or infinity. This is what the ranges in `params.rs` promise: no
//! validated scenario can produce a non-finite number.

use povsim::export::tables::{annual_csv, timeseries_csv};
use povsim::params::Params;
use povsim::scenario::{self, Source};
use povsim::sim::run_all;

/// A tiny world over 100 years, so that growth and drift have time to overflow if they can.
const TINY: [&str; 6] = [
    "population.villages=2",
    "population.counties=1",
    "population.households_per_village=12",
    "population.households_sd=2",
    "population.households_min=5",
    "simulation.replicates=1",
];

/// `(key, low, high)` for every numeric key whose allowed text ends in `[low, high]`.
fn bounds() -> Vec<(String, String, String)> {
    Params::allowed_ranges()
        .into_iter()
        .filter_map(|(key, allowed)| {
            let inside = allowed.rsplit_once('[')?.1.split_once(']')?.0.to_owned();
            let (low, high) = inside.split_once(", ")?;
            Some((key, low.to_owned(), high.to_owned()))
        })
        .collect()
}

/// Loads the tiny world with `extra` overrides and runs it; `None` if the combination is
/// refused (e.g. a start year after the run's end).
fn run_text(extra: &[String]) -> Option<String> {
    let mut overrides: Vec<String> = TINY.iter().map(|s| (*s).to_owned()).collect();
    overrides.push("simulation.months=1200".to_owned());
    overrides.extend_from_slice(extra);
    let params: Params = scenario::load(&Source::baseline(), &overrides).ok()?;
    let runs = run_all(&params);
    let mut text = String::from_utf8(timeseries_csv(&runs).ok()?).ok()?;
    text.push_str(&String::from_utf8(annual_csv(&runs).ok()?).ok()?);
    Some(text)
}

fn assert_finite(text: &str, what: &str) {
    let lower = text.to_ascii_lowercase();
    assert!(
        !lower.contains("nan") && !lower.contains("inf"),
        "non-finite output with {what}"
    );
}

/// A value for `key` set to `bound`: a list key gets seven copies.
fn set(key: &str, bound: &str) -> String {
    let lists = [
        "funding.schedule",
        "economy.poverty_line",
        "economy.dibao_standard",
    ];
    if lists.contains(&key) {
        format!("{key}=[{}]", [bound; 7].join(", "))
    } else {
        format!("{key}={bound}")
    }
}

#[test]
fn every_numeric_key_at_either_end_of_its_range_gives_finite_outputs() {
    let skipped = ["population.", "simulation.", "name"];
    let mut ran = 0;
    for (key, low, high) in bounds() {
        if skipped.iter().any(|s| key.starts_with(s)) {
            continue;
        }
        for bound in [&low, &high] {
            if let Some(text) = run_text(&[set(&key, bound)]) {
                assert_finite(&text, &format!("{key} = {bound}"));
                ran += 1;
            }
        }
    }
    assert!(ran > 200, "only {ran} extreme runs were accepted");
}

#[test]
fn all_money_and_growth_at_their_maxima_together_give_finite_outputs() {
    let mut extra: Vec<String> = bounds()
        .into_iter()
        .filter(|(_, _, high)| high == "1e9")
        .map(|(key, _, high)| set(&key, &high))
        .collect();
    for top in [
        "economy.growth.migrant=0.5",
        "economy.growth.farm=0.5",
        "economy.growth.local_wage=0.5",
        "economy.growth.other=0.5",
        "economy.indexation=0.5",
        "funding.schedule=[100, 100, 100, 100, 100, 100, 100]",
        "shocks.price_volatility=3",
        "shocks.price_reversion=0.01",
        "channels.contacts_per_effort=1000",
        "economy.saving_rate=1",
    ] {
        extra.push(top.to_owned());
    }
    let text = run_text(&extra).expect("the extreme scenario is valid");
    assert_finite(&text, "every money key at 1e9");
}
