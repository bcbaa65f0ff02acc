//! The data charts are drawn from: medians and 5-95% bands over replicates, built from output
//! rows (never from model state). Plotting code in `plot` sees only these structs.

use serde::Serialize;

use crate::collect::{MonthRow, YearRow};
use crate::params::Background;
use crate::sim::RunOutput;
use crate::summary::Band;

/// A monthly series across replicates: median and 5-95% band at each month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesBand {
    /// Legend label, e.g. "Registered poor".
    pub label: String,
    /// Time in fractional years (2014.0 = January 2014).
    pub x: Vec<f64>,
    /// Median over replicates (NaN where no replicate has a value).
    pub median: Vec<f64>,
    /// 5% quantile.
    pub low: Vec<f64>,
    /// 95% quantile.
    pub high: Vec<f64>,
}

/// A yearly series across replicates: one band per year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearSeries {
    /// Legend label.
    pub label: String,
    /// (year, band); years where no replicate has a value are left out.
    pub points: Vec<(u32, Band)>,
}

/// Everything the charts of one run need.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunChartData {
    /// Scenario name (chart titles).
    pub scenario: String,
    /// Replicates behind the bands.
    pub replicates: usize,
    /// Registered poor households.
    pub registered: SeriesBand,
    /// Truly poor households.
    pub truly_poor: SeriesBand,
    /// Cumulative official exits.
    pub exits_cum: SeriesBand,
    /// Cumulative true exits.
    pub true_exits_cum: SeriesBand,
    /// Annual exit rate (share of registered on 1 January).
    pub exit_rate: YearSeries,
    /// Annual relapse rate (share of exited stock on 1 January).
    pub relapse_rate: YearSeries,
    /// Mean enthusiasm of secretaries in post, one series per background.
    pub enthusiasm: Vec<SeriesBand>,
    /// Mean knowledge of secretaries in post, one series per background.
    pub knowledge: Vec<SeriesBand>,
    /// Money arriving per year, yuan.
    pub funds_in: YearSeries,
    /// Money spent per year, yuan.
    pub funds_spent: YearSeries,
    /// Money leaked per year, yuan.
    pub funds_leaked: YearSeries,
    /// Projects in their cultivation period.
    pub industries_building: SeriesBand,
    /// Producing projects.
    pub industries_producing: SeriesBand,
    /// Failed projects (cumulative).
    pub industries_failed: SeriesBand,
}

/// Median and band of a monthly quantity across replicates.
pub fn series_band(
    label: &str,
    runs: &[RunOutput],
    get: impl Fn(&MonthRow) -> Option<f64>,
) -> SeriesBand {
    let months = runs.first().map_or(0, |r| r.months.len());
    let mut band = SeriesBand {
        label: label.to_string(),
        x: Vec::with_capacity(months),
        median: Vec::with_capacity(months),
        low: Vec::with_capacity(months),
        high: Vec::with_capacity(months),
    };
    for k in 0..months {
        let x = runs
            .first()
            .and_then(|r| r.months.get(k))
            .map_or(k as f64, |m| fractional_year(&m.month).unwrap_or(k as f64));
        band.x.push(x);
        let b = Band::of(runs.iter().filter_map(|r| r.months.get(k).and_then(&get)));
        band.median.push(b.as_ref().map_or(f64::NAN, |b| b.median));
        band.low.push(b.as_ref().map_or(f64::NAN, |b| b.p5));
        band.high.push(b.as_ref().map_or(f64::NAN, |b| b.p95));
    }
    band
}

/// Band per year of an annual quantity across replicates.
pub fn year_series(
    label: &str,
    runs: &[RunOutput],
    get: impl Fn(&YearRow) -> Option<f64>,
) -> YearSeries {
    let years: Vec<u32> = runs
        .first()
        .map(|r| r.years.iter().map(|y| y.year).collect())
        .unwrap_or_default();
    let points = years
        .iter()
        .enumerate()
        .filter_map(|(k, &year)| {
            Band::of(runs.iter().filter_map(|r| r.years.get(k).and_then(&get))).map(|b| (year, b))
        })
        .collect();
    YearSeries {
        label: label.to_string(),
        points,
    }
}

/// `YYYY-MM` as a fractional year (month start).
pub fn fractional_year(label: &str) -> Option<f64> {
    let (y, m) = label.split_once('-')?;
    let year: f64 = y.parse().ok()?;
    let month: f64 = m.parse().ok()?;
    Some(year + (month - 1.0) / 12.0)
}

fn background_mean(m: &MonthRow, bg: Background, knowledge: bool) -> Option<f64> {
    let (count, enthusiasm, know) = match bg {
        Background::YoungGraduate => (
            m.cadres_young_graduate,
            m.enthusiasm_young_graduate,
            m.knowledge_young_graduate,
        ),
        Background::Experienced => (
            m.cadres_experienced,
            m.enthusiasm_experienced,
            m.knowledge_experienced,
        ),
        Background::Economic => (
            m.cadres_economic,
            m.enthusiasm_economic,
            m.knowledge_economic,
        ),
        Background::PartyBuilding => (
            m.cadres_party_building,
            m.enthusiasm_party_building,
            m.knowledge_party_building,
        ),
        Background::SocialWork => (
            m.cadres_social_work,
            m.enthusiasm_social_work,
            m.knowledge_social_work,
        ),
    };
    (count > 0).then_some(if knowledge { know } else { enthusiasm })
}

/// Human label of a background.
pub fn background_label(bg: Background) -> &'static str {
    match bg {
        Background::YoungGraduate => "Young graduate",
        Background::Experienced => "Experienced",
        Background::Economic => "Economic",
        Background::PartyBuilding => "Party building",
        Background::SocialWork => "Social work",
    }
}

impl RunChartData {
    /// Build the chart data of one scenario's replicates.
    pub fn from_runs(scenario: &str, runs: &[RunOutput]) -> RunChartData {
        let per_background = |knowledge: bool| {
            Background::ALL
                .iter()
                .map(|&bg| {
                    series_band(background_label(bg), runs, move |m| {
                        background_mean(m, bg, knowledge)
                    })
                })
                .filter(|s| s.median.iter().any(|v| v.is_finite()))
                .collect()
        };
        RunChartData {
            scenario: scenario.to_string(),
            replicates: runs.len(),
            registered: series_band("Registered poor", runs, |m| Some(m.registered as f64)),
            truly_poor: series_band("Truly poor", runs, |m| Some(m.truly_poor as f64)),
            exits_cum: series_band("Official exits (cumulative)", runs, |m| {
                Some(m.exits_cum as f64)
            }),
            true_exits_cum: series_band("True exits (cumulative)", runs, |m| {
                Some(m.true_exits_cum as f64)
            }),
            exit_rate: year_series("Exit rate", runs, |y| y.exit_rate),
            relapse_rate: year_series("Relapse rate", runs, |y| y.relapse_rate),
            enthusiasm: per_background(false),
            knowledge: per_background(true),
            funds_in: year_series("Funds in", runs, |y| Some(y.funds_in)),
            funds_spent: year_series("Funds spent", runs, |y| Some(y.funds_spent)),
            funds_leaked: year_series("Funds leaked", runs, |y| Some(y.funds_leaked)),
            industries_building: series_band("Building or maturing", runs, |m| {
                Some(m.industries_building as f64)
            }),
            industries_producing: series_band("Producing", runs, |m| {
                Some(m.industries_producing as f64)
            }),
            industries_failed: series_band("Failed (cumulative)", runs, |m| {
                Some(m.industries_failed as f64)
            }),
        }
    }
}

/// One paired difference of an indicator: scenario minus reference, over replicates (a row of
/// `comparison.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PairedDifference {
    /// The scenario compared with the reference.
    pub scenario: String,
    /// The reference (first) scenario.
    pub reference: String,
    /// Indicator name (e.g. `sustained_exits`).
    pub indicator: String,
    /// Mean of the scenario's value.
    pub scenario_mean: f64,
    /// Mean of the reference's value.
    pub reference_mean: f64,
    /// Mean paired difference (scenario - reference).
    pub difference: f64,
    /// Lower end of the 95% confidence interval of the mean difference.
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
    /// Replicate pairs with a value in both.
    pub pairs: usize,
}

/// Everything the comparison charts need.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareChartData {
    /// Scenario names in order; the first is the reference; colour k belongs to scenario k.
    pub scenarios: Vec<String>,
    /// Registered poor per scenario.
    pub registered: Vec<SeriesBand>,
    /// Truly poor per scenario.
    pub truly_poor: Vec<SeriesBand>,
    /// Relapse rate by year per scenario.
    pub relapse_rate: Vec<YearSeries>,
    /// Paired differences against the reference.
    pub differences: Vec<PairedDifference>,
    /// Posterior-predictive bands of the paired differences (`compare --posterior`), drawn
    /// as a wider band behind each confidence interval; empty in a plain comparison.
    pub predictive: Vec<PredictiveBand>,
}

/// The 5-95% posterior-predictive band of one paired difference (parameter uncertainty and
/// luck), in the indicator's own unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictiveBand {
    /// The scenario compared with the reference.
    pub scenario: String,
    /// Indicator name.
    pub indicator: String,
    /// 5% quantile of the paired difference over draws x replicates.
    pub low: f64,
    /// 95% quantile.
    pub high: f64,
}
