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
        predictive: vec![],
    }
}

/// The chart is a well-formed SVG with its title and a PNG of the chart size that is not flat.
fn check(chart: &Chart) {
    check_sized(chart, (WIDTH, HEIGHT));
}

/// [`check`] for a chart of its own `size` (width, height) in pixels.
fn check_sized(chart: &Chart, size: (u32, u32)) {
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
    assert_eq!(img.dimensions(), size, "{}", chart.name);
    let first = img.get_pixel(0, 0);
    assert!(
        img.pixels().any(|p| p != first),
        "{}: flat image",
        chart.name
    );
}

/// The PNG has coloured (not grey) pixels: data was drawn.
fn check_coloured(chart: &Chart) {
    check_coloured_sized(chart, (WIDTH, HEIGHT));
}

/// [`check_coloured`] for a chart of its own `size` (width, height) in pixels.
fn check_coloured_sized(chart: &Chart, size: (u32, u32)) {
    check_sized(chart, size);
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
        predictive: vec![],
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
fn posterior_bands_are_drawn_behind_the_bars_and_named() {
    let plain = synthetic_compare(&["baseline", "admin_burden_relief"]);
    let mut posterior = plain.clone();
    posterior.predictive = posterior
        .differences
        .iter()
        .map(|p| crate::chartdata::PredictiveBand {
            scenario: p.scenario.clone(),
            indicator: p.indicator.clone(),
            low: p.difference - 40.0 * p.difference.abs(),
            high: p.difference + 40.0 * p.difference.abs(),
        })
        .collect();
    let (a, b) = (
        compare_charts(&plain).unwrap(),
        compare_charts(&posterior).unwrap(),
    );
    b.iter().for_each(check_coloured);
    assert!(!a[1].svg.contains("posterior-predictive"));
    assert!(b[1].svg.contains("posterior-predictive band"), "legend");
    assert!(b[1].title.contains("posterior"), "{}", b[1].title);
    // The band, 40 times the difference either side, sets the axis: more rectangles and a
    // wider scale than the plain chart's.
    let rects = |svg: &str| svg.matches("<rect").count();
    assert!(rects(&b[1].svg) > rects(&a[1].svg));
    // Sustained exits: difference 120, band -4,680 to 4,920.
    assert!(
        b[1].svg.contains("5,000") && !a[1].svg.contains("5,000"),
        "axis reaches the band"
    );
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

// ---------------------------------------------------------------------------------------------
// Sweep and sensitivity charts

fn sweep_band(mean: f64) -> Option<SweepBand> {
    Some(SweepBand {
        mean,
        p5: mean * 0.85,
        p95: mean * 1.15,
    })
}

fn numeric_line() -> SweepLineData {
    SweepLineData {
        name: "sweep_admin_burden".to_string(),
        indicator: "Household-years in poverty (household-years)".to_string(),
        key: "cadres.admin_burden".to_string(),
        values: SweepValues::Numeric(vec![0.5, 0.0, 0.25, 0.75, 1.0]),
        bands: vec![
            sweep_band(5200.0),
            sweep_band(4100.0),
            None,
            sweep_band(5900.0),
            sweep_band(6400.0),
        ],
        replicates: 5,
        points: 12,
    }
}

fn heatmap_data() -> SweepHeatmapData {
    SweepHeatmapData {
        name: "heatmap_burden_allocation".to_string(),
        indicator: "Household-years in poverty (household-years)".to_string(),
        x_key: "cadres.admin_burden".to_string(),
        x_values: SweepValues::Numeric(vec![0.0, 0.25, 0.5, 0.75]),
        y_key: "funding.county_allocation".to_string(),
        y_values: SweepValues::Categorical(vec!["equal".to_string(), "by need".to_string()]),
        cells: vec![
            vec![Some(4012.0), Some(4533.0), Some(5074.0), Some(5611.0)],
            vec![Some(3650.0), None, Some(4420.0), Some(f64::NAN)],
        ],
        replicates: 5,
    }
}

fn morris_entry(parameter: &str, mu_star: f64, mu: f64, sigma: f64) -> MorrisEntry {
    MorrisEntry {
        mu_star_ci: Some((mu_star * 0.8, mu_star * 1.15)),
        parameter: parameter.to_string(),
        mu_star,
        mu,
        sigma,
    }
}

fn morris_data() -> MorrisData {
    MorrisData {
        name: "morris_sustained_exits".to_string(),
        indicator: "Sustained exits (households)".to_string(),
        entries: vec![
            morris_entry("household.shock_rate", 80.0, -80.0, 30.0),
            morris_entry("cadres.admin_burden", 240.0, -200.0, 150.0),
            morris_entry("industry.failure_rate", 15.0, -5.0, 22.0),
            morris_entry("funding.county_allocation", 410.0, 390.0, 120.0),
            morris_entry("cadres.knowledge_gain", 160.0, 160.0, 40.0),
        ],
        trajectories: 20,
    }
}

fn scatter_data(panels: usize, points: usize) -> ScatterData {
    ScatterData {
        name: "lhs_sustained_exits".to_string(),
        indicator: "Sustained exits (households)".to_string(),
        panels: (0..panels)
            .map(|p| {
                let key = format!("section{p}.parameter_{p}");
                let pts = (0..points)
                    .map(|k| {
                        let x = (k as f64 * 0.618 + p as f64 * 0.1).fract();
                        let noise = ((k * 7919 + p * 31) % 97) as f64 / 97.0;
                        (
                            x * (p + 1) as f64,
                            1000.0 + 400.0 * x * (p as f64 - 3.0) + 800.0 * noise,
                        )
                    })
                    .collect();
                (key, pts)
            })
            .collect(),
    }
}

/// `label` as a whole SVG text element's content.
fn as_text(label: &str) -> String {
    format!(">\n{label}\n</text>")
}

/// Whether `label` is drawn as a whole SVG text.
fn drawn(svg: &str, label: &str) -> bool {
    svg.contains(&as_text(label))
}

/// Where `label` is first drawn as a whole SVG text.
fn text_position(svg: &str, label: &str) -> usize {
    svg.find(&as_text(label))
        .unwrap_or_else(|| panic!("{label:?} not drawn as a text"))
}

#[test]
fn sweep_line_on_a_numeric_key() {
    let d = numeric_line();
    let chart = sweep_line_chart(&d).unwrap();
    check_coloured(&chart);
    assert_eq!(chart.name, "sweep_admin_burden");
    assert!(chart
        .title
        .starts_with("Household-years in poverty by cadres.admin_burden"));
    assert!(chart
        .title
        .contains("12 points of the other keys x 5 replicates"));
    assert!(drawn(&chart.svg, "cadres.admin_burden"), "x axis key");
    assert!(
        drawn(&chart.svg, "Household-years in poverty (household-years)"),
        "y axis indicator with unit"
    );
    assert!(drawn(&chart.svg, "NA"), "the missing value is marked");
    assert!(drawn(&chart.svg, "6,000"), "thousands separators");
}

#[test]
fn sweep_line_on_a_categorical_key() {
    let d = SweepLineData {
        key: "cadres.assignment".to_string(),
        values: SweepValues::Categorical(vec!["random".to_string(), "matched".to_string()]),
        bands: vec![sweep_band(5200.0), sweep_band(4700.0)],
        points: 1,
        ..numeric_line()
    };
    let chart = sweep_line_chart(&d).unwrap();
    check_coloured(&chart);
    assert!(chart.title.contains("5-95% range over 5 replicates)"));
    for label in ["random", "matched", "cadres.assignment"] {
        assert!(drawn(&chart.svg, label), "{label}");
    }
    assert!(text_position(&chart.svg, "random") < text_position(&chart.svg, "matched"));
}

#[test]
fn degenerate_sweep_lines_render() {
    let base = numeric_line();
    let cases = [
        // Nothing swept.
        SweepLineData {
            values: SweepValues::Numeric(vec![]),
            bands: vec![],
            ..base.clone()
        },
        // Every value missing or not a number.
        SweepLineData {
            bands: vec![
                None,
                sweep_band(f64::NAN),
                None,
                sweep_band(f64::INFINITY),
                None,
            ],
            ..base.clone()
        },
        SweepLineData {
            values: SweepValues::Categorical(vec![]),
            bands: vec![],
            ..base.clone()
        },
    ];
    for d in &cases {
        let chart = sweep_line_chart(d).unwrap();
        check(&chart);
        assert!(chart.svg.contains("No data"), "{:?}", d.bands);
    }
    let odd = [
        // One value; all equal; a non-finite key value; fewer bands than values; zero values.
        SweepLineData {
            values: SweepValues::Numeric(vec![0.3]),
            bands: vec![sweep_band(10.0)],
            ..base.clone()
        },
        SweepLineData {
            values: SweepValues::Numeric(vec![1.0, 2.0, f64::NAN, 4.0]),
            bands: vec![sweep_band(7.0); 4],
            ..base.clone()
        },
        SweepLineData {
            bands: vec![sweep_band(3.0), sweep_band(0.0)],
            ..base.clone()
        },
        SweepLineData {
            values: SweepValues::Categorical(vec!["only".to_string()]),
            bands: vec![Some(SweepBand {
                mean: 1.0,
                p5: f64::NAN,
                p95: f64::NEG_INFINITY,
            })],
            ..base
        },
    ];
    for d in &odd {
        let chart = sweep_line_chart(d).unwrap();
        check(&chart);
        assert!(!chart.svg.contains("No data"), "{:?}", d.values);
    }
}

#[test]
fn sweep_heatmap_prints_its_cells() {
    let chart = sweep_heatmap(&heatmap_data()).unwrap();
    check_coloured(&chart);
    assert_eq!(
        chart.title,
        "Household-years in poverty by cadres.admin_burden and funding.county_allocation \
         (mean of 5 replicates)"
    );
    for label in [
        "cadres.admin_burden",
        "funding.county_allocation",
        "Household-years in poverty (household-years)",
        // Cell values, numeric tick labels and categories.
        "4,012",
        "5,611",
        "3,650",
        "4,420",
        "0.25",
        "0.75",
        "equal",
        "by need",
        "NA",
        "NA: no data",
    ] {
        assert!(drawn(&chart.svg, label), "{label}");
    }
    // Two missing cells (None and NaN).
    assert_eq!(chart.svg.matches(&as_text("NA")).count(), 2);
}

#[test]
fn heatmap_text_contrasts_with_its_cell() {
    let d = SweepHeatmapData {
        x_values: SweepValues::Numeric(vec![10.0, 20.0]),
        y_values: SweepValues::Numeric(vec![5.0]),
        cells: vec![vec![Some(0.0), Some(1.0)]],
        ..heatmap_data()
    };
    let chart = sweep_heatmap(&d).unwrap();
    check_coloured(&chart);
    // The lowest value sits on dark purple (white text), the highest on yellow (black text).
    let text_colour = |value: &str| {
        let at = text_position(&chart.svg, value);
        let start = chart.svg[..at].rfind("<text").unwrap();
        chart.svg[start..at].to_string()
    };
    assert!(text_colour("0").contains("#FFFFFF"), "{}", text_colour("0"));
    assert!(text_colour("1").contains("#000000"), "{}", text_colour("1"));
}

#[test]
fn degenerate_heatmaps_render() {
    let base = heatmap_data();
    let empty = [
        SweepHeatmapData {
            cells: vec![vec![None; 4]; 2],
            ..base.clone()
        },
        SweepHeatmapData {
            x_values: SweepValues::Numeric(vec![]),
            cells: vec![],
            ..base.clone()
        },
        SweepHeatmapData {
            cells: vec![vec![Some(f64::NAN), Some(f64::INFINITY)]],
            ..base.clone()
        },
    ];
    for d in &empty {
        let chart = sweep_heatmap(d).unwrap();
        check(&chart);
        assert!(chart.svg.contains("No data"));
    }
    // All cells equal; a single cell; rows shorter than the values; many small cells.
    let equal = SweepHeatmapData {
        cells: vec![vec![Some(7.5); 4]; 2],
        ..base.clone()
    };
    let chart = sweep_heatmap(&equal).unwrap();
    check_coloured(&chart);
    assert_eq!(chart.svg.matches(&as_text("7.5")).count(), 8);
    let single = SweepHeatmapData {
        x_values: SweepValues::Numeric(vec![2.0]),
        y_values: SweepValues::Numeric(vec![-1.0]),
        cells: vec![vec![Some(-3.25)]],
        ..base.clone()
    };
    check_coloured(&sweep_heatmap(&single).unwrap());
    let ragged = SweepHeatmapData {
        cells: vec![vec![Some(1.0)]],
        ..base.clone()
    };
    check_coloured(&sweep_heatmap(&ragged).unwrap());
    let big = SweepHeatmapData {
        x_values: SweepValues::Numeric((0..60).map(|k| k as f64 * 1000.0).collect()),
        y_values: SweepValues::Numeric((0..40).map(|k| k as f64).collect()),
        cells: (0..40)
            .map(|j| (0..60).map(|i| Some((i * j) as f64 * 1234.5)).collect())
            .collect(),
        ..base
    };
    check_coloured(&sweep_heatmap(&big).unwrap());
}

#[test]
fn morris_tornado_is_sorted_by_mu_star() {
    let chart = morris_chart(&morris_data()).unwrap();
    check_coloured(&chart);
    assert!(chart.title.contains("Sustained exits"));
    assert!(chart.svg.contains(
        "Elementary effects: change in Sustained exits (households) across the full range of each \
         parameter; r = 20 trajectories"
    ) || {
        // The caption may wrap: check its pieces.
        ["Elementary effects:", "r = 20 trajectories"]
            .iter()
            .all(|p| chart.svg.contains(p))
    });
    let order = [
        "funding.county_allocation",
        "cadres.admin_burden",
        "cadres.knowledge_gain",
        "household.shock_rate",
        "industry.failure_rate",
    ];
    let positions: Vec<usize> = order.iter().map(|l| text_position(&chart.svg, l)).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "labels top to bottom by mu*: {positions:?}"
    );
    // Every parameter is labelled twice: a tornado row and a point.
    for l in order {
        assert_eq!(chart.svg.matches(&as_text(l)).count(), 2, "{l}");
    }
    for legend in [
        "raises Sustained exits",
        "lowers Sustained exits",
        "σ = μ*",
        "95% bootstrap interval of μ*",
    ] {
        assert!(chart.svg.contains(legend), "{legend}");
    }
    // Without intervals, no whisker legend.
    let mut bare = morris_data();
    for e in &mut bare.entries {
        e.mu_star_ci = None;
    }
    let bare = morris_chart(&bare).unwrap();
    assert!(!bare.svg.contains("bootstrap interval"));
    assert!(chart.svg.contains("μ*: mean absolute effect (households)"));
    assert!(chart.svg.contains("σ: spread of the effects (households)"));
}

#[test]
fn morris_labels_long_keys_readably() {
    let mut d = morris_data();
    d.entries.push(morris_entry(
        "a_very_long_section_name.an_extremely_long_parameter_name_for_testing",
        50.0,
        50.0,
        50.0,
    ));
    d.entries
        .push(morris_entry("other.shock_rate", 60.0, 60.0, 10.0));
    let chart = morris_chart(&d).unwrap();
    check_coloured(&chart);
    // Unique last parts lose their section; the shared one keeps it.
    assert!(drawn(&chart.svg, "admin_burden"));
    assert!(drawn(&chart.svg, "household.shock_rate"));
    assert!(drawn(&chart.svg, "other.shock_rate"));
    // The long key is cut in the middle: both ends stay.
    let cut = chart
        .svg
        .lines()
        .find(|l| l.starts_with("an_extremely") && l.contains('…'))
        .expect("the long key is shortened");
    assert!(cut.ends_with("testing"), "{cut}");
}

#[test]
fn degenerate_morris_renders() {
    let empty = [
        MorrisData {
            entries: vec![],
            ..morris_data()
        },
        MorrisData {
            entries: vec![morris_entry("a.b", f64::NAN, 1.0, 1.0)],
            trajectories: 1,
            ..morris_data()
        },
    ];
    for d in &empty {
        let chart = morris_chart(d).unwrap();
        check(&chart);
        assert!(chart.svg.contains("No data"));
    }
    let odd = MorrisData {
        entries: vec![
            morris_entry("a.zero", 0.0, 0.0, 0.0),
            morris_entry("a.nan_sigma", 1.0, f64::NAN, f64::NAN),
            morris_entry("a.inf", f64::INFINITY, 1.0, 1.0),
            morris_entry("a.big_sigma", 2.0, -2.0, f64::INFINITY),
        ],
        ..morris_data()
    };
    let chart = morris_chart(&odd).unwrap();
    check(&chart);
    assert!(chart.svg.contains("without a value not shown"));
    let single = MorrisData {
        entries: vec![morris_entry("only.one", 3.0, 3.0, 0.0)],
        ..morris_data()
    };
    check_coloured(&morris_chart(&single).unwrap());
    let many = MorrisData {
        entries: (0..40)
            .map(|k| morris_entry(&format!("s{}.p{k}", k % 3), k as f64, k as f64 - 20.0, 5.0))
            .collect(),
        ..morris_data()
    };
    let chart = morris_chart(&many).unwrap();
    check_coloured(&chart);
    assert!(chart.svg.contains("largest 20 of 40"));
}

#[test]
fn sweep_scatter_shows_at_most_nine_panels() {
    let chart = sweep_scatter(&scatter_data(4, 60)).unwrap();
    check_coloured(&chart);
    assert!(chart.title.contains("Latin hypercube sample, 60 points"));
    for p in 0..4 {
        assert!(chart.svg.contains(&format!("section{p}.parameter_{p}")));
    }
    assert!(drawn(&chart.svg, "Households"), "the unit on the y axis");
    let chart = sweep_scatter(&scatter_data(12, 30)).unwrap();
    check_coloured(&chart);
    assert!(chart.svg.contains("first 9 of 12 parameters shown"));
    assert!(chart.svg.contains("section8.parameter_8"));
    assert!(!chart.svg.contains("section9.parameter_9"));
}

#[test]
fn degenerate_scatters_render() {
    for d in [
        scatter_data(0, 0),
        scatter_data(3, 0),
        ScatterData {
            panels: vec![(
                "a.b".to_string(),
                vec![(f64::NAN, 1.0), (1.0, f64::INFINITY)],
            )],
            ..scatter_data(0, 0)
        },
    ] {
        let chart = sweep_scatter(&d).unwrap();
        check(&chart);
        assert!(chart.svg.contains("No data"));
    }
    // One point; all equal; one panel empty among others.
    let mut d = scatter_data(3, 1);
    d.panels[1].1 = vec![(2.0, 5.0); 4];
    d.panels[2].1.clear();
    let chart = sweep_scatter(&d).unwrap();
    check_coloured(&chart);
    assert!(chart.svg.contains("No data"));
}

#[test]
fn sweep_helpers() {
    use super::sweep::{split_unit, viridis};
    assert_eq!(
        split_unit("Sustained exits (households)"),
        ("Sustained exits", Some("households"))
    );
    assert_eq!(
        split_unit("Income (yuan (2014 prices))"),
        ("Income", Some("yuan (2014 prices)"))
    );
    assert_eq!(split_unit("Gini"), ("Gini", None));
    assert_eq!(split_unit("(x)"), ("(x)", None));
    assert_eq!(split_unit(""), ("Indicator", None));
    assert_eq!(style::hex(viridis(0.0)), "#440154");
    assert_eq!(style::hex(viridis(1.0)), "#fde725");
    assert_eq!(viridis(f64::NAN), viridis(0.5));
    assert_eq!(viridis(-3.0), viridis(0.0));
}

/// A synthetic posterior of `k` parameters on the prior range 0..10 each: `n` particles
/// scattered around 2 + 0.5 i, parameter 1 rising with parameter 0, with unequal weights.
fn pair_data(k: usize, n: usize) -> PairPlotData {
    let keys: Vec<String> = (0..k)
        .map(|i| format!("section{i}.group.param_{i}"))
        .collect();
    let particles: Vec<Vec<f64>> = (0..n)
        .map(|p| {
            let u = (p as f64 * 0.618_034).fract();
            let v = (p as f64 * 0.414_214).fract();
            (0..k)
                .map(|i| match i {
                    0 => 2.0 + 4.0 * u,
                    1 => 3.0 + 3.0 * u + v,
                    _ => 2.0 + 0.5 * i as f64 + 2.0 * ((p * (i + 1)) as f64 * 0.3).sin().abs(),
                })
                .collect()
        })
        .collect();
    let raw: Vec<f64> = (0..n).map(|p| 1.0 + (p % 5) as f64).collect();
    let total: f64 = raw.iter().sum();
    PairPlotData {
        name: "pairs".to_string(),
        title: format!("Posterior of {k} parameters (synthetic)"),
        keys,
        ranges: vec![(0.0, 10.0); k],
        particles,
        weights: raw.iter().map(|w| w / total).collect(),
        truth: Some((0..k).map(|i| 3.0 + 0.25 * i as f64).collect()),
    }
}

/// Number of SVG circles (scatter particles) in a chart.
fn circles(svg: &str) -> usize {
    svg.matches("<circle").count()
}

#[test]
fn pair_plots_render_for_1_3_and_10_parameters() {
    for (k, size) in [(1, (WIDTH, HEIGHT)), (3, (1200, 1200)), (10, (1600, 1600))] {
        let d = pair_data(k, 200);
        let chart = pair_plot(&d).unwrap();
        assert_eq!(chart.name, "pairs");
        check_coloured_sized(&chart, size);
        for i in 0..k {
            assert!(
                drawn(&chart.svg, &format!("param_{i}")),
                "k = {k}: label param_{i} missing"
            );
        }
        // One dot per particle in each of the k (k - 1) / 2 lower panels.
        assert_eq!(circles(&chart.svg), 200 * k * (k - 1) / 2, "k = {k}");
        // The correlation of each upper pair is printed.
        assert_eq!(
            chart.svg.matches("r = ").count(),
            k * (k - 1) / 2,
            "k = {k}"
        );
    }
}

#[test]
fn pair_plot_shows_full_keys_when_they_fit_and_correlation_sign() {
    let chart = pair_plot(&pair_data(3, 100)).unwrap();
    for i in 0..3 {
        assert!(drawn(&chart.svg, &format!("section{i}.group.param_{i}")));
    }
    assert!(chart.svg.contains("known value"), "truth in the legend");
    // Parameter 1 rises with parameter 0: a strong positive correlation.
    let d = pair_data(2, 100);
    let rows = super::pairs::tests_support::usable(&d);
    let r = super::pairs::tests_support::weighted_correlation(&rows, 0, 1).unwrap();
    assert!(r > 0.9, "r = {r}");
    let chart = pair_plot(&d).unwrap();
    assert!(chart
        .svg
        .contains(&format!("r = {}", style::thousands(r, 2))));
    // Without a truth there is no legend for it.
    let chart = pair_plot(&PairPlotData { truth: None, ..d }).unwrap();
    assert!(!chart.svg.contains("known value"));
}

#[test]
fn pair_plot_histogram_follows_the_weights() {
    // Two particles, at 1 and 9 on 0..10: the heavier one gets the taller bar.
    let d = PairPlotData {
        name: "pairs".to_string(),
        title: "t".to_string(),
        keys: vec!["a.x".to_string()],
        ranges: vec![(0.0, 10.0)],
        particles: vec![vec![1.0], vec![9.0]],
        weights: vec![0.75, 0.25],
        truth: None,
    };
    let rows = super::pairs::tests_support::usable(&d);
    let axis = super::pairs::tests_support::axis(&d, &rows, 0).unwrap();
    let bins = super::pairs::tests_support::histogram(&rows, 0, &axis);
    assert_eq!(bins.len(), super::pairs::BINS);
    assert!((bins[1] - 0.75).abs() < 1e-12 && (bins[13] - 0.25).abs() < 1e-12);
    assert!((bins.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    check_coloured(&pair_plot(&d).unwrap());
}

#[test]
fn pair_plot_draws_at_most_the_heaviest_particles() {
    let n = super::pairs::MAX_POINTS + 500;
    let chart = pair_plot(&pair_data(2, n)).unwrap();
    assert_eq!(circles(&chart.svg), super::pairs::MAX_POINTS);
    assert!(chart.svg.contains("heaviest 2,000 particles"));
    // Fewer per panel with many panels: 66 panels for 12 parameters.
    let cap = super::pairs::points_per_panel(12);
    assert!((500..2000).contains(&cap), "{cap}");
    let chart = pair_plot(&pair_data(12, cap + 100)).unwrap();
    assert_eq!(circles(&chart.svg), cap * 66);
    assert!(chart.svg.len() < 8_000_000, "{} bytes", chart.svg.len());
    // Fewer particles than the cap: all drawn, no note.
    let chart = pair_plot(&pair_data(12, 300)).unwrap();
    assert_eq!(circles(&chart.svg), 300 * 66);
    assert!(!chart.svg.contains("heaviest"));
}

#[test]
fn pair_plot_writes_large_ticks_compactly() {
    let mut d = pair_data(2, 50);
    d.ranges = vec![(0.0, 2_500_000.0), (500.0, 20_000.0)];
    for row in &mut d.particles {
        row[0] *= 250_000.0;
        row[1] *= 2_000.0;
    }
    let chart = pair_plot(&d).unwrap();
    assert!(drawn(&chart.svg, "1M"), "millions");
    assert!(drawn(&chart.svg, "10k"), "thousands");
    assert!(!chart.svg.contains("1,000,000"));
}

#[test]
fn degenerate_pair_plots_render() {
    let no_data = [
        PairPlotData {
            keys: vec![],
            ranges: vec![],
            truth: None,
            ..pair_data(0, 10)
        },
        pair_data(3, 0),
        PairPlotData {
            weights: vec![0.0; 20],
            ..pair_data(3, 20)
        },
        PairPlotData {
            weights: vec![],
            ..pair_data(3, 20)
        },
        PairPlotData {
            particles: vec![vec![f64::NAN; 3]; 20],
            ..pair_data(3, 20)
        },
        PairPlotData {
            weights: vec![f64::NAN; 20],
            ..pair_data(3, 20)
        },
    ];
    for d in no_data {
        let chart = pair_plot(&d).unwrap();
        check_sized(&chart, super::pairs::canvas(d.keys.len()));
        assert!(chart.svg.contains("No data"), "{:?}", d.keys);
    }
    // Odd but drawable: zero-width, reversed and NaN ranges (the particles' extent is used), a
    // parameter without any finite value, short rows, a truth of the wrong length, values
    // outside the prior range, all particles equal.
    let mut d = pair_data(4, 30);
    d.ranges = vec![
        (5.0, 5.0),
        (10.0, 0.0),
        (f64::NAN, 1.0),
        (f64::NAN, f64::NAN),
    ];
    for row in &mut d.particles {
        row[3] = f64::NAN;
    }
    d.particles[3] = vec![1.0];
    d.truth = Some(vec![1.0]);
    let chart = pair_plot(&d).unwrap();
    check_coloured_sized(&chart, (1200, 1200));
    assert!(chart.svg.contains("No data"), "the empty parameter says so");
    let mut d = pair_data(3, 30);
    d.particles = vec![vec![4.0, 4.0, 4.0]; 30];
    d.ranges = vec![(4.0, 4.0); 3];
    d.truth = Some(vec![f64::NAN, f64::INFINITY, 50.0]);
    check_coloured_sized(&pair_plot(&d).unwrap(), (1200, 1200));
    let mut d = pair_data(2, 30);
    d.ranges = vec![(100.0, 200.0); 2];
    let chart = pair_plot(&d).unwrap();
    check_sized(&chart, (1200, 1200));
    assert!(chart.svg.contains("No data in range"));
}

#[test]
#[ignore = "writes PNGs to /tmp for looking at"]
fn pair_plot_pngs_for_inspection() {
    for k in [1, 3, 6, 12] {
        let chart = pair_plot(&pair_data(k, 400)).unwrap();
        std::fs::write(format!("/tmp/pairs_{k}.png"), &chart.png).unwrap();
        std::fs::write(format!("/tmp/pairs_{k}.svg"), &chart.svg).unwrap();
    }
    // Realistic keys and ranges of very different magnitudes.
    let mut d = pair_data(8, 1500);
    let ranges = [
        (0.001, 0.05),
        (500.0, 20000.0),
        (0.0, 1.0),
        (-3.0, 3.0),
        (1.0, 120.0),
        (0.2, 0.9),
        (100000.0, 2500000.0),
        (0.0, 10.0),
    ];
    d.keys = [
        "poverty.line_growth",
        "subsidy.amount_yuan",
        "cadre.effort",
        "shock.log_sd",
        "project.months",
        "village.share",
        "county.fund_yuan",
        "x",
    ]
    .map(String::from)
    .to_vec();
    for row in &mut d.particles {
        for (v, r) in row.iter_mut().zip(ranges) {
            *v = r.0 + (r.1 - r.0) * *v / 10.0;
        }
    }
    d.ranges = ranges.to_vec();
    d.truth = None;
    let chart = pair_plot(&d).unwrap();
    std::fs::write("/tmp/pairs_real.png", &chart.png).unwrap();
    std::fs::write("/tmp/pairs_real.svg", &chart.svg).unwrap();
}

fn sobol_entry(parameter: &str, first: f64, total: f64) -> SobolEntry {
    SobolEntry {
        parameter: parameter.to_string(),
        first,
        first_ci: Some((first - 0.05, first + 0.05)),
        total,
        total_ci: Some((total - 0.04, total + 0.06)),
    }
}

fn sobol_data() -> SobolData {
    SobolData {
        name: "sobol_sustained_exits".to_string(),
        indicator: "Sustained exits (households)".to_string(),
        entries: vec![
            sobol_entry("household.shock_rate", 0.1, 0.2),
            sobol_entry("cadres.admin_burden", 0.5, 0.62),
            sobol_entry("cadres.training_learning_boost", 0.0, 0.0),
            sobol_entry("funding.county_allocation", 0.2, 0.31),
        ],
        rows: 512,
        resamples: 1000,
    }
}

#[test]
fn sobol_bars_are_sorted_by_total_index_with_intervals_and_legend() {
    let chart = sobol_chart(&sobol_data()).unwrap();
    check_coloured(&chart);
    assert!(chart.title.contains("Sustained exits") && chart.title.contains("Sobol"));
    let order = [
        "cadres.admin_burden",
        "funding.county_allocation",
        "household.shock_rate",
        "cadres.training_learning_boost",
    ];
    let positions: Vec<usize> = order.iter().map(|l| text_position(&chart.svg, l)).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "labels top to bottom by ST: {positions:?}"
    );
    for legend in ["S1: first order", "ST: total", "95% bootstrap interval"] {
        assert!(chart.svg.contains(legend), "{legend}");
    }
    assert!(chart.svg.contains("N = 512 base samples"));
}

#[test]
fn degenerate_sobol_renders() {
    for entries in [vec![], vec![sobol_entry("a.b", f64::NAN, 0.3)]] {
        let chart = sobol_chart(&SobolData {
            entries,
            ..sobol_data()
        })
        .unwrap();
        check(&chart);
        assert!(chart.svg.contains("No data"));
    }
    let odd = SobolData {
        entries: vec![
            SobolEntry {
                first_ci: None,
                total_ci: Some((f64::NAN, f64::INFINITY)),
                ..sobol_entry("a.no_interval", -0.2, 1.4)
            },
            sobol_entry("a.zero", 0.0, 0.0),
        ],
        ..sobol_data()
    };
    let chart = sobol_chart(&odd).unwrap();
    check(&chart);
    assert!(drawn(&chart.svg, "a.no_interval") || drawn(&chart.svg, "no_interval"));
}
