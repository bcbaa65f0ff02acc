//! The charts of a comparison of scenarios; scenario k is drawn in colour k.

use anyhow::Result;
use plotters::style::{Color, RGBColor};

use super::draw::{
    self, Area, Frame, Item, Swatch, TimeLine, TimeOpts, YearBars, YearOpts, MARGIN_LEFT, Y_AREA,
};
use super::style::{self as st, Axis, ValueOpts};
use crate::chartdata::{CompareChartData, PairedDifference, PredictiveBand, SeriesBand};

const PLOT_LEFT: i32 = (MARGIN_LEFT + Y_AREA) as i32;

/// Name of scenario k (the series label when the list is short).
fn scenario_name(d: &CompareChartData, k: usize, fallback: &str) -> String {
    d.scenarios
        .get(k)
        .cloned()
        .unwrap_or_else(|| fallback.to_string())
}

/// Legend entries naming the scenarios in their colours.
fn scenario_items(d: &CompareChartData, count: usize, swatch: fn(RGBColor) -> Swatch) -> Vec<Item> {
    (0..count.max(d.scenarios.len()))
        .map(|k| {
            Item::new(
                swatch(st::scenario_colour(k)),
                scenario_name(d, k, &format!("scenario {}", k + 1)),
            )
        })
        .collect()
}

pub fn fan_title(_: &CompareChartData) -> String {
    "Registered (solid) and truly poor (dashed) households by scenario (median, 5-95% band)"
        .to_string()
}

/// Registered (solid) and truly poor (dashed) medians with light bands, one colour per scenario.
pub fn fan<DB: draw::Backend>(area: &Area<DB>, d: &CompareChartData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let n = d.registered.len().max(d.truly_poor.len());
    let mut items = vec![
        Item::new(Swatch::Line(st::MUTED), "solid: registered poor"),
        Item::new(Swatch::Dashed(st::MUTED), "dashed: truly poor"),
    ];
    items.extend(scenario_items(d, n, Swatch::Line));
    let area = draw::legend(area, &items, PLOT_LEFT)?;
    // Bands fainter as scenarios pile up, so that overlaps stay readable.
    let band = (0.2 / n.max(2) as f64).max(0.04);
    let mut lines: Vec<TimeLine> = vec![];
    for (k, s) in d.registered.iter().enumerate() {
        lines.push(TimeLine {
            series: s,
            colour: st::scenario_colour(k),
            dashed: false,
            band,
        });
    }
    for (k, s) in d.truly_poor.iter().enumerate() {
        lines.push(TimeLine {
            series: s,
            colour: st::scenario_colour(k),
            dashed: true,
            band,
        });
    }
    let opts = TimeOpts::counts("Households");
    let all: Vec<&SeriesBand> = lines.iter().map(|l| l.series).collect();
    draw::time_panel(&area, &lines, &opts, draw::time_axis(&all, 12))
}

/// The reference scenario's name.
fn reference(d: &CompareChartData) -> String {
    d.differences
        .first()
        .map(|p| p.reference.clone())
        .or_else(|| d.scenarios.first().cloned())
        .unwrap_or_else(|| "reference".to_string())
}

pub fn differences_title(d: &CompareChartData) -> String {
    if d.predictive.is_empty() {
        format!(
            "Scenario minus reference: mean paired difference with 95% CI, vs {}",
            reference(d)
        )
    } else {
        format!(
            "Scenario minus reference over posterior draws: mean, 95% CI and 5-95% posterior-predictive band, vs {}",
            reference(d)
        )
    }
}

/// How an indicator is labelled and scaled: (label, unit for the axis, multiplier).
fn indicator_meta(name: &str, max_abs: f64) -> (String, String, f64) {
    let label = st::pretty_name(name);
    let n = name.to_ascii_lowercase();
    if n.contains("rate") || n.contains("share") {
        (label, "percentage points".to_string(), 100.0)
    } else if n.contains("funds")
        || n.contains("cost")
        || n.contains("spent")
        || n.contains("leaked")
    {
        let (div, unit) = st::money_unit(max_abs);
        (label, unit.to_string(), 1.0 / div)
    } else if n.contains("income") {
        (label, "yuan per person-year".to_string(), 1.0)
    } else if n.contains("gini") {
        (label, "Gini coefficient".to_string(), 1.0)
    } else if n.contains("exit_year") {
        (label, "years".to_string(), 1.0)
    } else {
        (label, "households".to_string(), 1.0)
    }
}

/// One small panel per indicator: a bar per scenario (mean paired difference) with its 95% CI.
pub fn differences<DB: draw::Backend>(area: &Area<DB>, d: &CompareChartData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let reference = reference(d);
    // Compared scenarios in order, with their colour index (position in `d.scenarios`).
    let mut compared: Vec<(String, usize)> = vec![];
    let mut indicators: Vec<String> = vec![];
    for p in &d.differences {
        if !compared.iter().any(|(s, _)| s == &p.scenario) {
            let k = d
                .scenarios
                .iter()
                .position(|s| s == &p.scenario)
                .unwrap_or(d.scenarios.len() + compared.len());
            compared.push((p.scenario.clone(), k));
        }
        if !indicators.contains(&p.indicator) {
            indicators.push(p.indicator.clone());
        }
    }
    if indicators.is_empty() {
        let message = if d.scenarios.len() < 2 {
            format!("Only one scenario ({reference}): nothing to compare")
        } else {
            "No paired differences".to_string()
        };
        return draw::no_data(area, &message);
    }
    let mut items: Vec<Item> = compared
        .iter()
        .map(|(s, k)| Item::new(Swatch::Bar(st::scenario_colour(*k)), s.as_str()))
        .collect();
    items.push(Item::new(
        Swatch::ErrorBar(st::TEXT),
        "95% confidence interval",
    ));
    if !d.predictive.is_empty() {
        items.push(Item::new(
            Swatch::Band(st::MUTED),
            "shaded: 5-95% posterior-predictive band (parameters and luck)",
        ));
    }
    let area = draw::legend(area, &items, MARGIN_LEFT as i32 + 10)?;

    let (rows, cols) = grid(indicators.len());
    let panels = area.split_evenly((rows, cols));
    for (panel, indicator) in panels.iter().zip(&indicators) {
        let rows: Vec<&PairedDifference> = d
            .differences
            .iter()
            .filter(|p| &p.indicator == indicator)
            .collect();
        let bands: Vec<&PredictiveBand> = d
            .predictive
            .iter()
            .filter(|p| &p.indicator == indicator)
            .collect();
        difference_panel(panel, indicator, &rows, &bands, &compared)?;
    }
    Ok(())
}

/// Rows and columns for `n` panels.
fn grid(n: usize) -> (usize, usize) {
    let cols = match n {
        0 | 1 => 1,
        2 => 2,
        3 | 5 | 6 | 9 => 3,
        4 => 2,
        7 | 8 | 10..=12 => 4,
        _ => 5,
    };
    (n.div_ceil(cols).max(1), cols)
}

fn difference_panel<DB: draw::Backend>(
    area: &Area<DB>,
    indicator: &str,
    rows: &[&PairedDifference],
    bands: &[&PredictiveBand],
    compared: &[(String, usize)],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let band_ends = || bands.iter().flat_map(|b| [b.low, b.high]);
    let max_abs = draw::extent(
        rows.iter()
            .flat_map(|p| [p.difference.abs(), p.ci_low.abs(), p.ci_high.abs()])
            .chain(band_ends().map(f64::abs)),
    )
    .map_or(f64::NAN, |(_, hi)| hi);
    let (label, unit, scale) = indicator_meta(indicator, max_abs);
    let unit = super::run::capitalise(&unit);
    let area = area.margin(6, 6, 4, 4);
    let area = draw::caption(&area, &label, MARGIN_LEFT as i32)?;
    let values = rows
        .iter()
        .flat_map(|p| [p.difference, p.ci_low, p.ci_high])
        .chain(band_ends())
        .map(|v| v * scale);
    let Some((lo, hi)) = draw::extent(values) else {
        return draw::no_data(&area, "No data");
    };
    let y = Axis::values(
        lo,
        hi,
        ValueOpts {
            target: 5,
            pad_zero: true,
            ..ValueOpts::AMOUNT
        },
    );
    let m = compared.len().max(1) as f64;
    let x = Axis {
        lo: -0.6,
        hi: m - 0.4,
        ticks: vec![],
        decimals: 0,
        format: st::Format::Number,
    };
    let y_area = draw::y_area_for(&area, &y)?;
    let f = Frame {
        x: x.clone(),
        y,
        x_desc: "",
        y_desc: &unit,
        x_labels: false,
        y_area,
    };
    let mut chart = draw::frame(&area, &f)?;
    let half = 0.3;
    for b in bands {
        let Some(pos) = compared.iter().position(|(s, _)| s == &b.scenario) else {
            continue;
        };
        let xm = pos as f64;
        draw::span(
            &mut chart,
            (xm - 0.42, xm + 0.42),
            b.low * scale,
            b.high * scale,
            st::MUTED,
        )?;
    }
    for p in rows {
        let Some(pos) = compared.iter().position(|(s, _)| s == &p.scenario) else {
            continue;
        };
        let colour = st::scenario_colour(compared[pos].1);
        let xm = pos as f64;
        draw::bar(
            &mut chart,
            xm - half,
            xm + half,
            p.difference * scale,
            colour,
        )?;
        draw::error_bar(
            &mut chart,
            xm,
            p.ci_low * scale,
            p.ci_high * scale,
            0.12,
            st::TEXT,
        )?;
    }
    draw::hline(&mut chart, &x, 0.0, st::TEXT.mix(0.9).stroke_width(2))?;
    Ok(())
}

pub fn relapse_title(_: &CompareChartData) -> String {
    "Relapse rate by year and scenario (mean, 5-95% band over replicates)".to_string()
}

/// Relapse rate by year: one line with markers per scenario.
pub fn relapse<DB: draw::Backend>(area: &Area<DB>, d: &CompareChartData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let mut items = scenario_items(d, d.relapse_rate.len(), Swatch::LineMarker);
    items.push(Item::new(Swatch::Band(st::MUTED), "shading: 5-95% band"));
    let area = draw::legend(area, &items, PLOT_LEFT)?;
    let lines: Vec<YearBars> = d
        .relapse_rate
        .iter()
        .enumerate()
        .map(|(k, s)| YearBars {
            series: s,
            colour: st::scenario_colour(k),
        })
        .collect();
    let opts = YearOpts {
        y_desc: "Relapses, % of exited households per year",
        y: ValueOpts::PERCENT,
        scale: 100.0,
        range: true,
        max_year_labels: 16,
        y_area: Y_AREA,
    };
    draw::year_lines_panel(&area, &lines, &opts)
}
