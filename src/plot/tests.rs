use super::*;
use crate::chartdata::{PairedDifference, SeriesBand, YearSeries};
use crate::params::Params;
use crate::summary::Band;

fn tiny_params() -> Params {
    let mut p = Params::small(3, 40, 36, 2);
    p.population.counties = 1;
    p.population.households_sd = 0;
    p
}

fn tiny_run() -> RunChartData {
    let p = tiny_params();
    RunChartData::from_runs("tiny", &crate::sim::run_all(&p))
}

fn band(label: &str, months: usize, f: impl Fn(f64) -> f64) -> SeriesBand {
    let x: Vec<f64> = (0..months).map(|k| 2014.0 + k as f64 / 12.0).collect();
    let median: Vec<f64> = x.iter().map(|&t| f(t)).collect();
    SeriesBand {
        label: label.to_string(),
        low: median.iter().map(|v| v * 0.9).collect(),
        high: median.iter().map(|v| v * 1.1).collect(),
        median,
        x,
    }
}

fn year_series(
    label: &str,
    years: impl IntoIterator<Item = u32>,
    f: impl Fn(u32) -> f64,
) -> YearSeries {
    let points = years
        .into_iter()
        .map(|y| {
            let v = f(y);
            (
                y,
                Band {
                    mean: v,
                    median: v,
                    p5: v * 0.8,
                    p95: v * 1.2,
                    n: 3,
                },
            )
        })
        .collect();
    YearSeries {
        label: label.to_string(),
        points,
    }
}

/// A run with hand-made series: `nan` blanks every value, `years` empties the yearly series.
fn synthetic_run(nan: bool, empty_years: bool, replicates: usize) -> RunChartData {
    let months = 48;
    let g = |f: fn(f64) -> f64| move |t: f64| if nan { f64::NAN } else { f(t) };
    let years: Vec<u32> = if empty_years {
        vec![]
    } else {
        (2014..=2017).collect()
    };
    let y = |f: fn(u32) -> f64| move |k: u32| f(k);
    RunChartData {
        scenario: "synthetic & <test>".to_string(),
        replicates,
        registered: band(
            "Registered poor",
            months,
            g(|t| 1500.0 - 200.0 * (t - 2014.0)),
        ),
        truly_poor: band("Truly poor", months, g(|t| 1400.0 - 150.0 * (t - 2014.0))),
        exits_cum: band(
            "Official exits (cumulative)",
            months,
            g(|t| 200.0 * (t - 2014.0)),
        ),
        true_exits_cum: band(
            "True exits (cumulative)",
            months,
            g(|t| 150.0 * (t - 2014.0)),
        ),
        exit_rate: year_series(
            "Exit rate",
            years.clone(),
            y(|k| 0.1 + 0.02 * (k - 2014) as f64),
        ),
        relapse_rate: year_series("Relapse rate", years.clone(), y(|_| 0.03)),
        enthusiasm: if nan {
            vec![]
        } else {
            vec![
                band("Young graduate", months, |_| 0.7),
                band("Experienced", months, |_| 0.5),
            ]
        },
        knowledge: vec![band("Economic", months, g(|t| 0.2 + 0.1 * (t - 2014.0)))],
        funds_in: year_series("Funds in", years.clone(), y(|_| 2.4e7)),
        funds_spent: year_series("Funds spent", years.clone(), y(|_| 2.0e7)),
        funds_leaked: year_series("Funds leaked", years, y(|_| 3.0e6)),
        industries_building: band("Building or maturing", months, g(|_| 12.0)),
        industries_producing: band("Producing", months, g(|t| 5.0 * (t - 2014.0))),
        industries_failed: band("Failed (cumulative)", months, g(|t| t - 2014.0)),
    }
}

fn difference(scenario: &str, indicator: &str, v: f64) -> PairedDifference {
    PairedDifference {
        scenario: scenario.to_string(),
        reference: "baseline".to_string(),
        indicator: indicator.to_string(),
        scenario_mean: 10.0 + v,
        reference_mean: 10.0,
        difference: v,
        ci_low: v - v.abs() * 0.5 - 0.01,
        ci_high: v + v.abs() * 0.5 + 0.01,
        pairs: 5,
    }
}

fn synthetic_compare(scenarios: &[&str]) -> CompareChartData {
    let run = synthetic_run(false, false, 3);
    let mut differences = vec![];
    for s in scenarios.iter().skip(1) {
        differences.push(difference(s, "sustained_exits", 120.0));
        differences.push(difference(s, "relapse_rate_mean", -0.01));
        differences.push(difference(s, "funds_spent", 3.0e6));
    }
    CompareChartData {
        scenarios: scenarios.iter().map(|s| s.to_string()).collect(),
        registered: scenarios.iter().map(|_| run.registered.clone()).collect(),
        truly_poor: scenarios.iter().map(|_| run.truly_poor.clone()).collect(),
        relapse_rate: scenarios.iter().map(|_| run.relapse_rate.clone()).collect(),
        differences,
    }
}

/// The chart is a well-formed SVG with its title and a PNG of the chart size that is not flat.
fn check(chart: &Chart) {
    assert!(
        chart.svg.starts_with("<svg") || chart.svg.starts_with("<?xml"),
        "{}: {}",
        chart.name,
        &chart.svg[..40]
    );
    assert!(chart.svg.trim_end().ends_with("</svg>"), "{}", chart.name);
    // Titles may be wrapped over lines: check each word (escaped as in the SVG).
    for word in chart.title.split_whitespace() {
        let escaped = word
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&apos;");
        assert!(
            chart.svg.contains(&escaped),
            "{}: title word {word:?} missing from the SVG",
            chart.name
        );
    }
    let img = image::load_from_memory(&chart.png)
        .expect("PNG decodes")
        .to_rgb8();
    assert_eq!(img.dimensions(), (WIDTH, HEIGHT), "{}", chart.name);
    let first = img.get_pixel(0, 0);
    assert!(
        img.pixels().any(|p| p != first),
        "{}: flat image",
        chart.name
    );
}

/// The PNG has coloured (not grey) pixels: data was drawn.
fn check_coloured(chart: &Chart) {
    check(chart);
    let img = image::load_from_memory(&chart.png).unwrap().to_rgb8();
    assert!(
        img.pixels().any(|p| p.0.iter().max() != p.0.iter().min()),
        "{}: no colour",
        chart.name
    );
}

fn names(charts: &[Chart]) -> Vec<&str> {
    charts.iter().map(|c| c.name.as_str()).collect()
}

#[test]
fn run_charts_from_a_tiny_simulation() {
    let charts = run_charts(&tiny_run()).unwrap();
    assert_eq!(
        names(&charts),
        [
            "poverty_fan",
            "exit_relapse_rates",
            "cadres",
            "funds_industries"
        ]
    );
    charts.iter().for_each(check_coloured);
    assert!(charts[0]
        .title
        .contains("(median, 5-95% band over 2 replicates)"));
}

#[test]
fn run_charts_from_synthetic_data() {
    let charts = run_charts(&synthetic_run(false, false, 3)).unwrap();
    charts.iter().for_each(check_coloured);
    assert!(charts[0].title.contains("synthetic & <test>"));
    assert!(
        charts[0].svg.contains("1,000"),
        "thousands separator on the count axis"
    );
    assert!(
        charts[0].svg.contains(">2016<") || charts[0].svg.contains("2016\n"),
        "integer years"
    );
    assert!(!charts[0].svg.contains("2,016"));
    assert!(charts[3].svg.contains("Million yuan"));
}

#[test]
fn degenerate_run_data_renders() {
    for (nan, empty_years, replicates) in [(true, false, 3), (false, true, 1), (true, true, 0)] {
        let charts = run_charts(&synthetic_run(nan, empty_years, replicates)).unwrap();
        assert_eq!(charts.len(), 4);
        charts.iter().for_each(check);
        if nan {
            assert!(charts[0].svg.contains("No data"));
        }
    }
    // One month, one year, zero values.
    let mut d = synthetic_run(false, false, 1);
    for s in [
        &mut d.registered,
        &mut d.truly_poor,
        &mut d.exits_cum,
        &mut d.true_exits_cum,
    ] {
        *s = band(&s.label.clone(), 1, |_| 0.0);
    }
    for s in [
        &mut d.exit_rate,
        &mut d.relapse_rate,
        &mut d.funds_in,
        &mut d.funds_spent,
        &mut d.funds_leaked,
    ] {
        *s = year_series(&s.label.clone(), 2014..=2014, |_| 0.0);
    }
    run_charts(&d).unwrap().iter().for_each(check);
    assert!(run_charts(&d).unwrap()[0]
        .title
        .contains("over 1 replicate)"));
}

#[test]
fn compare_charts_render() {
    let charts = compare_charts(&synthetic_compare(&[
        "baseline",
        "admin_burden_relief",
        "funding_cut",
    ]))
    .unwrap();
    assert_eq!(
        names(&charts),
        ["compare_fan", "compare_differences", "compare_relapse"]
    );
    charts.iter().for_each(check_coloured);
    assert!(charts[1].title.contains("vs baseline"));
    for name in ["baseline", "admin_burden_relief", "funding_cut"] {
        assert!(charts[0].svg.contains(name), "legend names {name}");
    }
    assert!(charts[1].svg.contains("Sustained exits"));
}

#[test]
fn degenerate_comparisons_render() {
    // One scenario: no differences.
    charts_ok(&synthetic_compare(&["baseline"]));
    // Nothing at all.
    charts_ok(&CompareChartData {
        scenarios: vec![],
        registered: vec![],
        truly_poor: vec![],
        relapse_rate: vec![],
        differences: vec![],
    });
    // All-NaN differences, and more scenarios than colours.
    let names: Vec<String> = (0..10).map(|k| format!("s{k}")).collect();
    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let mut d = synthetic_compare(&refs);
    for p in &mut d.differences {
        p.difference = f64::NAN;
        p.ci_low = f64::NAN;
        p.ci_high = f64::NAN;
    }
    charts_ok(&d);
}

fn charts_ok(d: &CompareChartData) {
    let charts = compare_charts(d).unwrap();
    assert_eq!(charts.len(), 3);
    charts.iter().for_each(check);
}

#[test]
fn scenario_colours_are_hex_and_distinct() {
    let colours: Vec<String> = (0..8).map(scenario_colour_hex).collect();
    assert!(colours.iter().all(|c| c.len() == 7 && c.starts_with('#')));
    let mut unique = colours.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 8);
    assert_eq!(scenario_colour_hex(0), "#0072b2");
    assert_eq!(scenario_colour_hex(8), scenario_colour_hex(0));
}
