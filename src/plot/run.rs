//! The charts of one run.

use anyhow::Result;

use super::draw::{
    self, Area, Item, Swatch, TimeLine, TimeOpts, YearBars, YearOpts, MARGIN_LEFT, Y_AREA,
};
use super::style::{self as st, kind, Axis, ValueOpts};
use crate::chartdata::{RunChartData, SeriesBand, YearSeries};

/// "N replicates" / "1 replicate".
pub fn replicates(n: usize) -> String {
    if n == 1 {
        "1 replicate".to_string()
    } else {
        format!("{} replicates", st::thousands(n as f64, 0))
    }
}

/// x of the plot's left edge in a panel with the default y label area.
const PLOT_LEFT: i32 = (MARGIN_LEFT + Y_AREA) as i32;
/// Opacity of the 5-95% bands.
const BAND: f64 = 0.2;

pub fn poverty_fan_title(d: &RunChartData) -> String {
    format!(
        "{}: registered and truly poor households (median, 5-95% band over {})",
        d.scenario,
        replicates(d.replicates)
    )
}

/// Registered and truly poor (upper panel), cumulative exits (lower panel), one time axis.
pub fn poverty_fan<DB: draw::Backend>(area: &Area<DB>, d: &RunChartData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let all = [
        &d.registered,
        &d.truly_poor,
        &d.exits_cum,
        &d.true_exits_cum,
    ];
    let x = draw::time_axis(&all, 12);
    let (_, h) = area.dim_in_pixel();
    let (top, bottom) = area.split_vertically((h as f64 * 0.58) as u32);

    let top = draw::legend(
        &top,
        &[
            Item::new(Swatch::LineBand(kind::REGISTERED), &d.registered.label),
            Item::new(Swatch::LineBand(kind::TRULY_POOR), &d.truly_poor.label),
            Item::new(Swatch::Band(st::MUTED), "shading: 5-95% band"),
        ],
        PLOT_LEFT,
    )?;
    let lines = [
        TimeLine {
            series: &d.registered,
            colour: kind::REGISTERED,
            dashed: false,
            band: BAND,
        },
        TimeLine {
            series: &d.truly_poor,
            colour: kind::TRULY_POOR,
            dashed: false,
            band: BAND,
        },
    ];
    let opts = TimeOpts {
        x_labels: false,
        ..TimeOpts::counts("Households")
    };
    draw::time_panel(&top, &lines, &opts, x.clone())?;

    let bottom = draw::legend(
        &bottom,
        &[
            Item::new(Swatch::Dashed(kind::REGISTERED), &d.exits_cum.label),
            Item::new(Swatch::Dashed(kind::TRULY_POOR), &d.true_exits_cum.label),
        ],
        PLOT_LEFT,
    )?;
    let lines = [
        TimeLine {
            series: &d.exits_cum,
            colour: kind::REGISTERED,
            dashed: true,
            band: BAND * 0.6,
        },
        TimeLine {
            series: &d.true_exits_cum,
            colour: kind::TRULY_POOR,
            dashed: true,
            band: BAND * 0.6,
        },
    ];
    let opts = TimeOpts {
        y_desc: "Exits (households)",
        x_labels: true,
        ..opts
    };
    draw::time_panel(&bottom, &lines, &opts, x)
}

pub fn exit_relapse_title(d: &RunChartData) -> String {
    format!(
        "{}: annual exit and relapse rates (mean, 5-95% range over {})",
        d.scenario,
        replicates(d.replicates)
    )
}

/// Exit rate (upper panel) and relapse rate (lower panel): mean bars and 5-95% error bars.
pub fn exit_relapse<DB: draw::Backend>(area: &Area<DB>, d: &RunChartData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let area = draw::legend(
        area,
        &[
            Item::new(
                Swatch::Bar(kind::EXIT_RATE),
                format!("{} (mean)", d.exit_rate.label),
            ),
            Item::new(
                Swatch::Bar(kind::RELAPSE_RATE),
                format!("{} (mean)", d.relapse_rate.label),
            ),
            Item::new(Swatch::ErrorBar(st::TEXT), "5-95% range over replicates"),
        ],
        PLOT_LEFT,
    )?;
    let (_, h) = area.dim_in_pixel();
    let (top, bottom) = area.split_vertically(h / 2);
    let x = draw::year_axis(&[&d.exit_rate, &d.relapse_rate], 16);
    let opts = YearOpts {
        y_desc: "% per year",
        y: ValueOpts::PERCENT,
        scale: 100.0,
        range: true,
        max_year_labels: 16,
        y_area: Y_AREA,
    };
    let panels = [
        (
            top,
            &d.exit_rate,
            kind::EXIT_RATE,
            "Exit rate: official exits as a share of households registered on 1 January",
        ),
        (
            bottom,
            &d.relapse_rate,
            kind::RELAPSE_RATE,
            "Relapse rate: relapses as a share of exited households on 1 January",
        ),
    ];
    for (panel, series, colour, caption) in panels {
        let panel = draw::caption(&panel, caption, PLOT_LEFT)?;
        draw::year_bars_panel(&panel, &[YearBars { series, colour }], &opts, x.clone())?;
    }
    Ok(())
}

pub fn cadres_title(d: &RunChartData) -> String {
    format!(
        "{}: first secretaries' enthusiasm and knowledge by background (median, 5-95% band over {})",
        d.scenario,
        replicates(d.replicates)
    )
}

/// Backgrounds present in either list, in order of first appearance.
fn background_labels(d: &RunChartData) -> Vec<String> {
    let mut labels: Vec<String> = vec![];
    for s in d.enthusiasm.iter().chain(&d.knowledge) {
        if !labels.contains(&s.label) {
            labels.push(s.label.clone());
        }
    }
    labels
}

/// Enthusiasm (left) and knowledge (right), one line per background.
pub fn cadres<DB: draw::Backend>(area: &Area<DB>, d: &RunChartData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let labels = background_labels(d);
    let colour = |label: &str| {
        let k = labels.iter().position(|l| l == label).unwrap_or(0);
        st::background_colour(label, k)
    };
    let mut items: Vec<Item> = labels
        .iter()
        .map(|l| Item::new(Swatch::LineBand(colour(l)), l.as_str()))
        .collect();
    if !items.is_empty() {
        items.push(Item::new(Swatch::Band(st::MUTED), "shading: 5-95% band"));
    }
    let area = draw::legend(area, &items, PLOT_LEFT)?;
    let all: Vec<&SeriesBand> = d.enthusiasm.iter().chain(&d.knowledge).collect();
    let x = draw::time_axis(&all, 6);
    let (w, _) = area.dim_in_pixel();
    let (left, right) = area.split_horizontally(w / 2);
    let unit = Axis {
        lo: 0.0,
        hi: 1.03,
        ticks: (0..=5).map(|k| k as f64 * 0.2).collect(),
        decimals: 1,
        format: st::Format::Number,
    };
    let y_area = 70;
    for (panel, series, caption, y_desc) in [
        (left, &d.enthusiasm, "Enthusiasm", "Mean enthusiasm (0-1)"),
        (
            right,
            &d.knowledge,
            "Knowledge of the village",
            "Mean knowledge (0-1)",
        ),
    ] {
        let panel = draw::caption(&panel, caption, (MARGIN_LEFT + y_area) as i32)?;
        if series.is_empty() {
            draw::no_data(&panel, "No secretaries in post")?;
            continue;
        }
        let lines: Vec<TimeLine> = series
            .iter()
            .map(|s| TimeLine {
                series: s,
                colour: colour(&s.label),
                dashed: false,
                band: 0.1,
            })
            .collect();
        let opts = TimeOpts {
            y_desc,
            y: ValueOpts::AMOUNT,
            scale: 1.0,
            fixed_y: Some(unit.clone()),
            x_labels: true,
            max_year_labels: 6,
            y_area,
        };
        draw::time_panel(&panel, &lines, &opts, x.clone())?;
    }
    Ok(())
}

pub fn funds_industries_title(d: &RunChartData) -> String {
    format!(
        "{}: funds per year and village industries (over {})",
        d.scenario,
        replicates(d.replicates)
    )
}

/// Largest finite mean or 95% quantile of some yearly series.
fn year_max(series: &[&YearSeries]) -> f64 {
    draw::extent(
        series
            .iter()
            .flat_map(|s| s.points.iter().flat_map(|(_, b)| [b.mean, b.p95])),
    )
    .map_or(f64::NAN, |(_, hi)| hi)
}

/// Funds in, spent and leaked per year (upper panel), industries by stage (lower panel).
pub fn funds_industries<DB: draw::Backend>(area: &Area<DB>, d: &RunChartData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (_, h) = area.dim_in_pixel();
    let (top, bottom) = area.split_vertically(h / 2);

    let (divisor, unit) = st::money_unit(year_max(&[&d.funds_in, &d.funds_spent, &d.funds_leaked]));
    let top = draw::caption(
        &top,
        "Money per year, all villages (mean, with 5-95% range)",
        PLOT_LEFT,
    )?;
    let top = draw::legend(
        &top,
        &[
            Item::new(Swatch::Bar(kind::FUNDS_IN), &d.funds_in.label),
            Item::new(Swatch::Bar(kind::FUNDS_SPENT), &d.funds_spent.label),
            Item::new(Swatch::Bar(kind::FUNDS_LEAKED), &d.funds_leaked.label),
            Item::new(Swatch::ErrorBar(st::TEXT), "5-95% range"),
        ],
        PLOT_LEFT,
    )?;
    let y_desc = capitalise(unit);
    let bars = [
        YearBars {
            series: &d.funds_in,
            colour: kind::FUNDS_IN,
        },
        YearBars {
            series: &d.funds_spent,
            colour: kind::FUNDS_SPENT,
        },
        YearBars {
            series: &d.funds_leaked,
            colour: kind::FUNDS_LEAKED,
        },
    ];
    let opts = YearOpts {
        y_desc: &y_desc,
        y: ValueOpts::AMOUNT,
        scale: 1.0 / divisor,
        range: true,
        max_year_labels: 16,
        y_area: Y_AREA,
    };
    draw::year_bars_panel(&top, &bars, &opts, None)?;

    let bottom = draw::caption(
        &bottom,
        "Village industry projects by stage (median, 5-95% band)",
        PLOT_LEFT,
    )?;
    let bottom = draw::legend(
        &bottom,
        &[
            Item::new(
                Swatch::LineBand(kind::BUILDING),
                &d.industries_building.label,
            ),
            Item::new(
                Swatch::LineBand(kind::PRODUCING),
                &d.industries_producing.label,
            ),
            Item::new(Swatch::LineBand(kind::FAILED), &d.industries_failed.label),
        ],
        PLOT_LEFT,
    )?;
    let lines = [
        TimeLine {
            series: &d.industries_building,
            colour: kind::BUILDING,
            dashed: false,
            band: BAND,
        },
        TimeLine {
            series: &d.industries_producing,
            colour: kind::PRODUCING,
            dashed: false,
            band: BAND,
        },
        TimeLine {
            series: &d.industries_failed,
            colour: kind::FAILED,
            dashed: false,
            band: BAND,
        },
    ];
    let opts = TimeOpts::counts("Projects");
    draw::time_panel(&bottom, &lines, &opts, None)
}

/// "million yuan" -> "Million yuan".
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}
