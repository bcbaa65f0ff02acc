//! Replicates reduced to means and 5-95% bands: per year for each annual indicator, and for
//! run totals (exits, sustained exits, relapses, truly poor at 2020 and at the end, cost per
//! sustained exit). Quantiles use linear interpolation between order statistics (R's type 7).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::collect::{ratio, YearRow};
use crate::sim::RunOutput;

/// Lower and upper quantile of the reported band.
pub const BAND: (f64, f64) = (0.05, 0.95);

/// Mean and band of one quantity over replicates (NA values skipped).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    /// Mean over replicates with a value.
    pub mean: f64,
    /// Median.
    pub median: f64,
    /// 5% quantile.
    pub p5: f64,
    /// 95% quantile.
    pub p95: f64,
    /// Replicates with a value.
    pub n: usize,
}

/// Quantile `q` of sorted values (linear interpolation, type 7).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n as f64 - 1.0) * q;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

impl Band {
    /// Band of the finite values among `values`; `None` when there are none.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Band> {
        let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(|a, b| a.total_cmp(b));
        Some(Band {
            mean: v.iter().sum::<f64>() / v.len() as f64,
            median: quantile(&v, 0.5),
            p5: quantile(&v, BAND.0),
            p95: quantile(&v, BAND.1),
            n: v.len(),
        })
    }
}

/// One year's band of one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearBand {
    /// Calendar year.
    pub year: u32,
    /// The band (absent when no replicate has a value, e.g. a rate with a zero denominator).
    #[serde(flatten)]
    pub band: Option<Band>,
}

/// `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Replicates summarised.
    pub replicates: usize,
    /// Quantiles of the band.
    pub band: [f64; 2],
    /// Per indicator, per year.
    pub annual: BTreeMap<String, Vec<YearBand>>,
    /// Per run total, over replicates.
    pub totals: BTreeMap<String, Band>,
    /// Difference-in-differences estimate of the secretary effect on the village panel (change
    /// in the share of households truly poor, 2015-2020 vs 2014, covered vs uncovered), over
    /// replicates; only when `0 < cadres.coverage < 1` (MODEL.md 0.8).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_estimate: Option<Band>,
    /// The same estimate relative to the covered villages' counterfactual share, comparable
    /// with the paired relative change of `povsim compare scenarios/no_secretary.toml
    /// scenarios/baseline.toml`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_relative: Option<Band>,
    /// Model v2's headline indicators (MODEL.md sections 7 and 8, "Added in v2"), over
    /// replicates: see [`v2_indicators`] for each definition.
    pub v2: BTreeMap<String, Band>,
}

/// Reads one indicator from an annual row (`None` = NA).
pub type Indicator = fn(&YearRow) -> Option<f64>;

/// Accessors of the annual indicators that are summarised.
pub const ANNUAL_INDICATORS: [(&str, Indicator); 23] = [
    ("registered_start", |r| Some(r.registered_start as f64)),
    ("exits", |r| Some(r.exits as f64)),
    ("true_exits", |r| Some(r.true_exits as f64)),
    ("fake_exits", |r| Some(r.fake_exits as f64)),
    ("relapses", |r| Some(r.relapses as f64)),
    ("new_poor", |r| Some(r.new_poor as f64)),
    ("exit_rate", |r| r.exit_rate),
    ("relapse_rate", |r| r.relapse_rate),
    ("truly_poor_end", |r| Some(r.truly_poor_end as f64)),
    ("registered_end", |r| Some(r.registered_end as f64)),
    ("registered_relative", |r| r.registered_relative),
    ("sustained_exits", |r| Some(r.sustained_exits as f64)),
    ("missed_poor_end", |r| Some(r.missed_poor_end as f64)),
    ("wrongly_registered_end", |r| {
        Some(r.wrongly_registered_end as f64)
    }),
    ("inclusion_errors_end", |r| {
        Some(r.inclusion_errors_end as f64)
    }),
    ("registered_ill_share", |r| r.registered_ill_share),
    ("median_income_pc", |r| Some(r.median_income_pc)),
    ("gini", |r| Some(r.gini)),
    ("funds_spent", |r| Some(r.funds_spent)),
    ("leakage_share", |r| r.leakage_share),
    ("cost_per_sustained_exit", |r| r.cost_per_sustained_exit),
    ("relapse_no_fall_share", |r| r.relapse_no_fall_share),
    ("exits_numbers_only", |r| Some(r.exits_numbers_only as f64)),
];

/// Run totals of one replicate, by name. `poverty_household_years` is the area under the
/// truly-poor curve (household-years in poverty over the run): unlike exit counts it does not
/// reward churn (exit, relapse, exit again). Sustained exits and cost per sustained exit are
/// counted up to the deadline year, the programme's own horizon; `exits` and `sustained_exits`
/// cover the whole run and count repeat exits.
pub fn run_totals(run: &RunOutput) -> BTreeMap<&'static str, Option<f64>> {
    let years = &run.years;
    let sum = |f: fn(&YearRow) -> u64| years.iter().map(f).sum::<u64>() as f64;
    let sustained = sum(|y| y.sustained_exits);
    let to_deadline = years.iter().filter(|y| y.year <= run.deadline_year);
    let sustained_to_deadline = to_deadline.clone().map(|y| y.sustained_exits).sum::<u64>() as f64;
    let spent_to_deadline: f64 = to_deadline.map(|y| y.funds_spent).sum();
    let poverty_years = run.months.iter().map(|m| m.truly_poor as f64).sum::<f64>() / 12.0;
    let mut t = BTreeMap::new();
    t.insert("poverty_household_years", Some(poverty_years));
    t.insert("sustained_exits_to_deadline", Some(sustained_to_deadline));
    t.insert("exits", Some(sum(|y| y.exits)));
    t.insert("true_exits", Some(sum(|y| y.true_exits)));
    t.insert("sustained_exits", Some(sustained));
    t.insert("fake_exits", Some(sum(|y| y.fake_exits)));
    t.insert("relapses", Some(sum(|y| y.relapses)));
    t.insert("new_poor", Some(sum(|y| y.new_poor)));
    // The relapse line-step diagnostic (MODEL.md 0.4, R10): shares of all relapses.
    let relapses = sum(|y| y.relapses);
    let share = |n: f64| (relapses > 0.0).then(|| n / relapses);
    t.insert(
        "relapse_no_fall_share",
        share(sum(|y| y.relapses_no_income_fall)),
    );
    t.insert(
        "relapse_no_fall_line_step_share",
        share(sum(|y| y.relapses_no_fall_line_step)),
    );
    t.insert(
        "relapse_no_fall_noise_share",
        share(sum(|y| y.relapses_no_fall_noise)),
    );
    let exits = sum(|y| y.exits);
    t.insert(
        "exits_dibao_share",
        (exits > 0.0).then(|| sum(|y| y.exits_dibao) / exits),
    );
    t.insert("exits_numbers_only", Some(sum(|y| y.exits_numbers_only)));
    t.insert("exits_reversed", Some(sum(|y| y.exits_reversed)));
    t.insert(
        "counties_exited_end",
        years.last().map(|y| y.counties_exited as f64),
    );
    t.insert(
        "relapse_rate_mean",
        Band::of(years.iter().filter_map(|y| y.relapse_rate)).map(|b| b.mean),
    );
    t.insert(
        "truly_poor_2020",
        years
            .iter()
            .find(|y| y.year == 2020)
            .map(|y| y.truly_poor_end as f64),
    );
    t.insert(
        "truly_poor_end",
        years.last().map(|y| y.truly_poor_end as f64),
    );
    t.insert(
        "registered_end",
        years.last().map(|y| y.registered_end as f64),
    );
    t.insert(
        "funds_spent",
        Some(years.iter().map(|y| y.funds_spent).sum()),
    );
    t.insert(
        "funds_leaked",
        Some(years.iter().map(|y| y.funds_leaked).sum()),
    );
    t.insert(
        "cost_per_sustained_exit",
        (sustained_to_deadline > 0.0).then(|| spent_to_deadline / sustained_to_deadline),
    );
    for (name, value) in money_totals(run) {
        t.insert(name, value);
    }
    t
}

/// Spending and cost per exit over 2014-2020 (MODEL.md 0.7; V2_DESIGN R2, Q2): spending counts
/// every use but dibao, microcredit principal, misuse and returned idle money (special funds,
/// county lines and unit money); `_with_dibao` adds dibao. Per registered person: persons ever
/// registered by the end of 2020. Per exit: official and sustained exits of 2014-2020, per
/// household and per person (exits x the mean size of households that exited).
fn money_totals(run: &RunOutput) -> Vec<(&'static str, Option<f64>)> {
    use crate::model::funds::Use;
    let mut spent = 0i64;
    let mut dibao = 0i64;
    for r in run
        .ledger
        .iter()
        .filter(|r| r.village.is_none() && r.year <= 2020)
    {
        let a = &r.account;
        spent += a.spent() - a.to_use(Use::Dibao) - a.to_use(Use::MicrocreditLoans);
        dibao += a.to_use(Use::Dibao);
    }
    let (spent, with_dibao) = (spent as f64, (spent + dibao) as f64);
    let m = &run.money;
    let to_2020 = run.years.iter().filter(|y| y.year <= 2020);
    let exits = to_2020.clone().map(|y| y.exits).sum::<u64>() as f64;
    let sustained = to_2020.map(|y| y.sustained_exits).sum::<u64>() as f64;
    let size = ratio(m.exited_persons as f64, m.exited_households as f64);
    let per = |total: f64, n: f64| (n > 0.0).then(|| total / n);
    let per_person = |total: f64, n: f64| size.and_then(|s| per(total, n * s));
    let persons = m.ever_registered_persons as f64;
    vec![
        ("spending_2014_2020", Some(spent)),
        ("spending_per_registered_person", per(spent, persons)),
        (
            "spending_per_registered_person_with_dibao",
            per(with_dibao, persons),
        ),
        ("cost_per_exit_household", per(spent, exits)),
        ("cost_per_exit_person", per_person(spent, exits)),
        ("cost_per_sustained_exit_household", per(spent, sustained)),
        (
            "cost_per_sustained_exit_person",
            per_person(spent, sustained),
        ),
    ]
}

/// Reads one count from an annual row.
type Count = fn(&YearRow) -> u64;

/// Median of exit years over all units, a unit that has not exited counting as later than
/// any year; `None` when half or more have not exited.
fn median_exit_year(years: &[Option<u32>]) -> Option<f64> {
    let mut v: Vec<f64> = years
        .iter()
        .map(|y| y.map_or(f64::INFINITY, f64::from))
        .collect();
    v.sort_by(|a, b| a.total_cmp(b));
    let m = quantile(&v, 0.5);
    m.is_finite().then_some(m)
}

/// The run's model v2 headline indicators, by name (`summary.json` `v2`, and the v2 rows of
/// `povsim compare`):
/// - `exit_share_<route>`: exits by route (work, industry, public_job, dibao, relocation,
///   numbers_only) / all official exits, summed over 2015-2020;
/// - `cohort_income_2015`, `cohort_income_2020`: `cohort_mean_income_pc` of the year, yuan
///   per person-year;
/// - `relapse_rate_2016`: `relapse_rate` of 2016; `relapse_no_fall_share`: relapses without
///   an income fall / relapses, whole run;
/// - `cost_per_person_lifted_out`: public money spent 2014-2020 on all lines (every use in
///   the accounts but misuse, returned idle money and microcredit principal, a bank loan; dibao
///   included) / persons in households that exited officially at least once by the end of
///   2020, yuan per person;
/// - `village_exit_year_median`, `county_exit_year_median`: median exit year over all
///   villages (counties) at the end of the run, one not exited counting as latest; absent when
///   half or more have not exited;
/// - `problem_funds_share_2017_2018`: `funds_problem` / `funds_in`, summed over 2017-2018 (the
///   calibration target's ratio);
/// - `dibao_households_2020`: households on dibao after the December 2020 review.
pub fn v2_indicators(run: &RunOutput) -> BTreeMap<&'static str, Option<f64>> {
    use crate::model::funds::Use;
    let years = &run.years;
    let in_years = |from: u32, to: u32| years.iter().filter(move |y| (from..=to).contains(&y.year));
    let of_year = |year: u32| years.iter().find(|y| y.year == year);
    let mut t = BTreeMap::new();
    let exits = in_years(2015, 2020).map(|y| y.exits).sum::<u64>() as f64;
    let routes: [(&'static str, Count); 6] = [
        ("exit_share_work", |y| y.exits_work),
        ("exit_share_industry", |y| y.exits_industry),
        ("exit_share_public_job", |y| y.exits_public_job),
        ("exit_share_dibao", |y| y.exits_dibao),
        ("exit_share_relocation", |y| y.exits_relocation),
        ("exit_share_numbers_only", |y| y.exits_numbers_only),
    ];
    for (name, get) in routes {
        let n = in_years(2015, 2020).map(get).sum::<u64>() as f64;
        t.insert(name, ratio(n, exits));
    }
    t.insert(
        "cohort_income_2015",
        of_year(2015).and_then(|y| y.cohort_mean_income_pc),
    );
    t.insert(
        "cohort_income_2020",
        of_year(2020).and_then(|y| y.cohort_mean_income_pc),
    );
    t.insert(
        "relapse_rate_2016",
        of_year(2016).and_then(|y| y.relapse_rate),
    );
    let relapses = years.iter().map(|y| y.relapses).sum::<u64>() as f64;
    let no_fall = years.iter().map(|y| y.relapses_no_income_fall).sum::<u64>() as f64;
    t.insert("relapse_no_fall_share", ratio(no_fall, relapses));
    let spent: i64 = run
        .ledger
        .iter()
        .filter(|r| r.village.is_none() && r.year <= 2020)
        .map(|r| r.account.spent() - r.account.to_use(Use::MicrocreditLoans))
        .sum();
    // Only when the run reached the end of 2020 (the persons are counted then).
    let reached_2020 = of_year(2020).is_some();
    t.insert(
        "cost_per_person_lifted_out",
        ratio(spent as f64, run.money.exited_persons as f64).filter(|_| reached_2020),
    );
    t.insert(
        "village_exit_year_median",
        median_exit_year(&run.village_exit_years),
    );
    t.insert(
        "county_exit_year_median",
        median_exit_year(&run.county_exit_years),
    );
    let problem = in_years(2017, 2018).map(|y| y.funds_problem).sum::<f64>();
    let funds_in = in_years(2017, 2018).map(|y| y.funds_in).sum::<f64>();
    t.insert("problem_funds_share_2017_2018", ratio(problem, funds_in));
    t.insert(
        "dibao_households_2020",
        of_year(2020).map(|y| y.dibao_households as f64),
    );
    t
}

/// Every value `povsim compare` can pair: the run totals and the v2 indicators.
pub fn compared_values(run: &RunOutput) -> BTreeMap<&'static str, Option<f64>> {
    let mut values = run_totals(run);
    values.extend(v2_indicators(run));
    values
}

/// Bands over replicates of per-run values by name (names of the first run; a name without
/// any value is left out).
fn bands_of(per_run: &[BTreeMap<&'static str, Option<f64>>]) -> BTreeMap<String, Band> {
    let mut bands = BTreeMap::new();
    if let Some(first) = per_run.first() {
        for name in first.keys() {
            if let Some(band) = Band::of(
                per_run
                    .iter()
                    .filter_map(|t| t.get(name).copied().flatten()),
            ) {
                bands.insert(name.to_string(), band);
            }
        }
    }
    bands
}

/// Summarise replicates (given in replicate order).
pub fn summarise(scenario: &str, runs: &[RunOutput]) -> Summary {
    let mut annual = BTreeMap::new();
    let years: Vec<u32> = runs
        .first()
        .map(|r| r.years.iter().map(|y| y.year).collect())
        .unwrap_or_default();
    for (name, get) in ANNUAL_INDICATORS {
        let series = years
            .iter()
            .enumerate()
            .map(|(k, &year)| YearBand {
                year,
                band: Band::of(runs.iter().filter_map(|r| r.years.get(k).and_then(get))),
            })
            .collect();
        annual.insert(name.to_string(), series);
    }
    let per_run: Vec<_> = runs.iter().map(run_totals).collect();
    let totals = bands_of(&per_run);
    let v2 = bands_of(&runs.iter().map(v2_indicators).collect::<Vec<_>>());
    Summary {
        scenario: scenario.to_string(),
        replicates: runs.len(),
        band: [BAND.0, BAND.1],
        annual,
        totals,
        did_estimate: Band::of(
            runs.iter()
                .filter_map(|r| r.did_estimate.map(|d| d.estimate)),
        ),
        did_relative: Band::of(
            runs.iter()
                .filter_map(|r| r.did_estimate.map(|d| d.relative)),
        ),
        v2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 5.0);
        assert!((quantile(&v, 0.05) - 1.2).abs() < 1e-12);
    }

    #[test]
    fn band_skips_missing_values() {
        let b = Band::of([1.0, f64::NAN, 3.0]).expect("two finite values");
        assert_eq!(b.n, 2);
        assert_eq!(b.mean, 2.0);
        assert!(Band::of([f64::NAN]).is_none());
    }
}
