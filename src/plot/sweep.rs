//! The charts of parameter sweeps and sensitivity analyses: an indicator over one swept key
//! (mean line and 5-95% band, or points with 5-95% error bars for categorical keys), over two
//! swept keys (a heatmap of cell means), Morris elementary effects (a tornado of mu* beside the
//! mu*-sigma plane), Sobol' indices (bars of S1 and ST with their intervals), and a Latin
//! hypercube sample (one scatter panel per sampled parameter).
//!
//! The data types are plain structs filled by whoever summarises the sweep; the charts never
//! panic on odd data: NaN, infinities, missing values and empty inputs become "NA" marks or a
//! "No data" panel, and flat or single-valued data get a small range around the value.

use anyhow::Result;
use plotters::element::{Circle, DashedPathElement, PathElement, Rectangle};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor, TextStyle, WHITE};

use super::draw::{
    self, Area, Frame, Item, Swatch, DESC_SIZE, LINE_WIDTH, MARGIN_LEFT, TICK_SIZE, Y_AREA,
};
use super::run::{capitalise, replicates};
use super::style::{self as st, Axis, Format, ValueOpts};
use super::text::{self, Backend};

/// Mean and 5-95% band of an indicator at one value of a swept key, over the runs at that value
/// (replicates, and the design points of the other swept keys when there are any).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepBand {
    /// Mean over the runs.
    pub mean: f64,
    /// 5th percentile over the runs.
    pub p5: f64,
    /// 95th percentile over the runs.
    pub p95: f64,
}

/// The values a key was swept over: numbers are drawn on a numeric axis (sorted ascending),
/// labels (e.g. "random"/"matched", "true"/"false") as categories in the order given.
#[derive(Debug, Clone, PartialEq)]
pub enum SweepValues {
    /// Numeric values of the key.
    Numeric(Vec<f64>),
    /// Labels of a categorical key.
    Categorical(Vec<String>),
}

/// One indicator over one swept key, the other swept keys averaged over; drawn by
/// [`super::sweep_line_chart`].
#[derive(Debug, Clone, PartialEq)]
pub struct SweepLineData {
    /// File stem of the chart.
    pub name: String,
    /// The indicator, a human label with its unit in final parentheses, e.g.
    /// "Sustained exits (households)": the label goes in the title, the whole text on the axis.
    pub indicator: String,
    /// The swept key, dotted as in the scenario file (e.g. "cadres.admin_burden").
    pub key: String,
    /// The key's values.
    pub values: SweepValues,
    /// One band per value (same order as `values`); None where the indicator is not available.
    pub bands: Vec<Option<SweepBand>>,
    /// Replicates per design point.
    pub replicates: usize,
    /// Design points averaged at each value of the key (combinations of the other swept keys;
    /// 1 when only this key is swept).
    pub points: usize,
}

/// One indicator over two swept keys: cell means, other keys averaged over; drawn by
/// [`super::sweep_heatmap`].
#[derive(Debug, Clone, PartialEq)]
pub struct SweepHeatmapData {
    /// File stem of the chart.
    pub name: String,
    /// The indicator, a human label with its unit in final parentheses (see [`SweepLineData`]).
    pub indicator: String,
    /// The key across (dotted).
    pub x_key: String,
    /// Its values, one column each.
    pub x_values: SweepValues,
    /// The key up (dotted).
    pub y_key: String,
    /// Its values, one row each (the first at the bottom).
    pub y_values: SweepValues,
    /// Cell means, `cells[y][x]` in the order of `y_values` and `x_values`; None = not available.
    pub cells: Vec<Vec<Option<f64>>>,
    /// Replicates per design point.
    pub replicates: usize,
}

/// Morris elementary effects of the parameters on one indicator; drawn by
/// [`super::morris_chart`].
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisData {
    /// File stem of the chart.
    pub name: String,
    /// The indicator, a human label with its unit in final parentheses (see [`SweepLineData`]).
    pub indicator: String,
    /// One entry per parameter, in any order (the chart sorts them by mu*).
    pub entries: Vec<MorrisEntry>,
    /// Number of trajectories (r).
    pub trajectories: usize,
}

/// Morris statistics of one parameter, in the indicator's unit (elementary effects scaled to
/// the parameter's full range).
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisEntry {
    /// The parameter's dotted key.
    pub parameter: String,
    /// Mean absolute elementary effect: how much the parameter matters.
    pub mu_star: f64,
    /// Mean elementary effect: its sign says whether the parameter raises or lowers the
    /// indicator.
    pub mu: f64,
    /// Standard deviation of the elementary effects: non-linearity and interactions.
    pub sigma: f64,
    /// 95% bootstrap interval of mu* (low, high), when known: drawn as a whisker on its bar.
    pub mu_star_ci: Option<(f64, f64)>,
}

/// Sobol' indices of the parameters on one indicator; drawn by [`super::sobol_chart`].
#[derive(Debug, Clone, PartialEq)]
pub struct SobolData {
    /// File stem of the chart.
    pub name: String,
    /// The indicator, a human label with its unit in final parentheses (see [`SweepLineData`]).
    pub indicator: String,
    /// One entry per parameter, in any order (the chart sorts them by ST).
    pub entries: Vec<SobolEntry>,
    /// Base rows N the indices come from.
    pub rows: usize,
    /// Bootstrap resamples behind the intervals.
    pub resamples: usize,
}

/// Sobol' indices of one parameter (shares of the indicator's variance).
#[derive(Debug, Clone, PartialEq)]
pub struct SobolEntry {
    /// The parameter's dotted key.
    pub parameter: String,
    /// First-order index S1.
    pub first: f64,
    /// 95% interval of S1 (low, high), when known.
    pub first_ci: Option<(f64, f64)>,
    /// Total index ST.
    pub total: f64,
    /// 95% interval of ST (low, high), when known.
    pub total_ci: Option<(f64, f64)>,
}

/// A Latin hypercube sample: the indicator against each sampled parameter; drawn by
/// [`super::sweep_scatter`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterData {
    /// File stem of the chart.
    pub name: String,
    /// The indicator, a human label with its unit in final parentheses (see [`SweepLineData`]).
    pub indicator: String,
    /// One panel per parameter: its dotted key and, per sampled point, (parameter value,
    /// indicator mean over the point's replicates).
    pub panels: Vec<(String, Vec<(f64, f64)>)>,
}

/// Colour of the sweep lines and scatter dots.
const MAIN: RGBColor = st::BLUE;
/// Colour of parameters raising the indicator (mean effect > 0).
const RAISES: RGBColor = st::BLUE;
/// Colour of parameters lowering the indicator (mean effect < 0).
const LOWERS: RGBColor = st::VERMILLION;
/// Fill of cells without a value.
const NA_FILL: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);
/// Gap between an axis and its labels, pixels.
const GAP: i32 = 8;
/// x of the plot's left edge in a panel with the default y label area.
const PLOT_LEFT: i32 = (MARGIN_LEFT + Y_AREA) as i32;
/// Scatter panels shown at most.
const MAX_PANELS: usize = 9;
/// Tornado rows shown at most.
const MAX_ROWS: usize = 20;
/// Labelled points of the mu*-sigma plot at most.
const MAX_POINT_LABELS: usize = 15;

/// A usable number: finite and far from overflowing when ranges are computed.
fn ok(v: f64) -> bool {
    v.is_finite() && v.abs() < 1e300
}

/// `v` when usable.
fn usable(v: f64) -> Option<f64> {
    ok(v).then_some(v)
}

/// Finite extremes of the usable values.
fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    draw::extent(values.into_iter().filter(|&v| ok(v)))
}

/// "Sustained exits (households)" -> ("Sustained exits", Some("households")): the indicator's
/// label and the unit in its final parentheses.
pub fn split_unit(indicator: &str) -> (&str, Option<&str>) {
    let t = indicator.trim();
    if let Some(inner) = t.strip_suffix(')') {
        let mut depth = 0;
        for (k, c) in inner.char_indices().rev() {
            match c {
                ')' => depth += 1,
                '(' if depth > 0 => depth -= 1,
                '(' => {
                    let (label, unit) = (inner[..k].trim(), inner[k + 1..].trim());
                    if !label.is_empty() && !unit.is_empty() {
                        return (label, Some(unit));
                    }
                    break;
                }
                _ => {}
            }
        }
    }
    (if t.is_empty() { "Indicator" } else { t }, None)
}

/// "N trajectories" / "1 trajectory".
fn trajectories(n: usize) -> String {
    if n == 1 {
        "1 trajectory".to_string()
    } else {
        format!("{} trajectories", st::thousands(n as f64, 0))
    }
}

/// "N parameters" / "1 parameter".
fn parameters(n: usize) -> String {
    if n == 1 {
        "1 parameter".to_string()
    } else {
        format!("{} parameters", st::thousands(n as f64, 0))
    }
}

/// `s`, cut in the middle with an ellipsis to at most `max_w` pixels: both ends stay, since
/// labels such as "a long label 1" and "a long label 2", or dotted keys, differ at the end.
pub(super) fn fit<DB: Backend>(
    area: &Area<DB>,
    s: &str,
    style: &TextStyle,
    max_w: u32,
) -> Result<String>
where
    DB::ErrorType: 'static,
{
    if text::width(area, s, style)? <= max_w {
        return Ok(s.to_string());
    }
    let chars: Vec<char> = s.chars().collect();
    for keep in (1..chars.len()).rev() {
        let tail = keep / 2;
        let head: String = chars[..keep - tail].iter().collect();
        let end: String = chars[chars.len() - tail..].iter().collect();
        let cut = format!("{}…{}", head.trim_end(), end.trim_start());
        if text::width(area, &cut, style)? <= max_w {
            return Ok(cut);
        }
    }
    Ok("…".to_string())
}

/// Decimals writing every value exactly (at most 4): 0.1, 0.25 -> 2.
fn exact_decimals(values: &[f64]) -> usize {
    (0..=4)
        .find(|&d| {
            values.iter().filter(|v| ok(**v)).all(|v| {
                let s = v * 10f64.powi(d as i32);
                (s - s.round()).abs() < 1e-6 * s.abs().max(1.0)
            })
        })
        .unwrap_or(4)
}

/// Decimals for printed values: two significant digits of the largest value and of the spread
/// (whole numbers stay whole), at most 4.
fn value_decimals(values: &[f64]) -> usize {
    let Some((lo, hi)) = extent(values.iter().copied()) else {
        return 0;
    };
    if exact_decimals(values) == 0 {
        return 0;
    }
    let digits = |v: f64| {
        if v > 0.0 {
            1 - v.log10().floor() as i32
        } else {
            0
        }
    };
    digits(lo.abs().max(hi.abs()))
        .max(digits(hi - lo))
        .clamp(0, 4) as usize
}

/// Positions of a key's values on a category axis: (index into the values, label). Numeric
/// values are sorted ascending and written with the decimals they need; unusable ones dropped.
fn categories(values: &SweepValues) -> Vec<(usize, String)> {
    match values {
        SweepValues::Numeric(v) => {
            let decimals = exact_decimals(v);
            let mut order: Vec<usize> = (0..v.len()).filter(|&k| ok(v[k])).collect();
            order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
            order
                .into_iter()
                .map(|k| (k, st::thousands(v[k], decimals)))
                .collect()
        }
        SweepValues::Categorical(labels) => labels.iter().cloned().enumerate().collect(),
    }
}

/// A value axis around `[lo, hi]`, zero not forced in.
pub(super) fn free_axis(lo: f64, hi: f64, target: usize) -> Axis {
    Axis::values(
        lo,
        hi,
        ValueOpts {
            include_zero: false,
            target,
            ..ValueOpts::AMOUNT
        },
    )
}

/// An axis spanning `[lo, hi]` with 5% headroom, ends not snapped to ticks (for parameter
/// values, whose range is the design's, and for small panels where snapping wastes room).
fn tight_axis(lo: f64, hi: f64, target: usize) -> Axis {
    Axis::values(
        lo,
        hi,
        ValueOpts {
            include_zero: false,
            target,
            pad_zero: true,
            ..ValueOpts::AMOUNT
        },
    )
}

/// An axis of `n` categories at 0, 1, ..., n-1 (labels drawn by the caller).
pub(super) fn category_axis(n: usize) -> Axis {
    Axis {
        lo: -0.5,
        hi: n.max(1) as f64 - 0.5,
        ticks: vec![],
        decimals: 0,
        format: Format::Number,
    }
}

/// Pixel of data point `p` in `area`'s own coordinates.
pub(super) fn local<DB: Backend>(
    area: &Area<DB>,
    chart: &draw::Chart<DB>,
    p: (f64, f64),
) -> (i32, i32) {
    let base = area.get_base_pixel();
    let (x, y) = chart.backend_coord(&p);
    (x - base.0, y - base.1)
}

/// The plot's box in `area`'s own pixels: (left, top, right, bottom).
pub(super) fn plot_box<DB: Backend>(
    area: &Area<DB>,
    chart: &draw::Chart<DB>,
    x: &Axis,
    y: &Axis,
) -> (i32, i32, i32, i32) {
    let (left, bottom) = local(area, chart, (x.lo, y.lo));
    let (right, top) = local(area, chart, (x.hi, y.hi));
    (left, top, right, bottom)
}

/// Category labels under the x axis, with tick marks, each cut to its slot.
pub(super) fn x_category_labels<DB: Backend>(
    area: &Area<DB>,
    chart: &draw::Chart<DB>,
    (x, y): (&Axis, &Axis),
    labels: &[String],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (left, _, right, bottom) = plot_box(area, chart, x, y);
    let slot = ((right - left) / labels.len().max(1) as i32 - 8).max(16) as u32;
    let style = st::font(TICK_SIZE);
    for (k, label) in labels.iter().enumerate() {
        let (px, _) = local(area, chart, (k as f64, y.lo));
        area.draw(&PathElement::new(
            vec![(px, bottom), (px, bottom + 5)],
            st::AXIS.stroke_width(1),
        ))?;
        text::put(
            area,
            &fit(area, label, &style, slot)?,
            &style,
            (px, bottom + GAP),
            (HPos::Center, VPos::Top),
            false,
        )?;
    }
    Ok(())
}

/// Category labels left of the y axis (row k at y = k), with tick marks, and the rotated axis
/// description beyond the widest label.
fn y_category_labels<DB: Backend>(
    area: &Area<DB>,
    chart: &draw::Chart<DB>,
    (x, y): (&Axis, &Axis),
    labels: &[String],
    style: &TextStyle,
    desc: &str,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (left, top, _, bottom) = plot_box(area, chart, x, y);
    let mut widest = 0;
    for (k, label) in labels.iter().enumerate() {
        let (_, py) = local(area, chart, (x.lo, k as f64));
        area.draw(&PathElement::new(
            vec![(left - 5, py), (left, py)],
            st::AXIS.stroke_width(1),
        ))?;
        widest = widest.max(text::width(area, label, style)? as i32);
        text::put(
            area,
            label,
            style,
            (left - GAP, py),
            (HPos::Right, VPos::Center),
            false,
        )?;
    }
    let desc_style = st::font(DESC_SIZE);
    let desc = fit(area, desc, &desc_style, (bottom - top).max(40) as u32)?;
    let desc_x = (left - GAP - widest - 12 - DESC_SIZE as i32).max(MARGIN_LEFT as i32 / 2);
    text::put(
        area,
        &desc,
        &desc_style,
        (desc_x, (top + bottom) / 2),
        (HPos::Center, VPos::Top),
        true,
    )
}

/// Width of a y label area holding labels up to `widest` pixels and a rotated description.
fn y_area(widest: u32) -> u32 {
    widest + GAP as u32 + 12 + DESC_SIZE as u32 + 8
}

/// A muted "NA" just above the x axis at `x`, for a value without data.
fn na_mark<DB: Backend>(area: &Area<DB>, chart: &draw::Chart<DB>, x: f64, y: &Axis) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (px, py) = local(area, chart, (x, y.lo));
    text::put(
        area,
        "NA",
        &st::muted(15.0),
        (px, py - 6),
        (HPos::Center, VPos::Bottom),
        false,
    )
}

// ---------------------------------------------------------------------------------------------
// One key: line and band, or points with error bars

/// Title of the one-key chart.
pub fn line_title(d: &SweepLineData) -> String {
    let (label, _) = split_unit(&d.indicator);
    let spread = match d.values {
        SweepValues::Numeric(_) => "band",
        SweepValues::Categorical(_) => "range",
    };
    let over = if d.points > 1 {
        format!(
            "{} points of the other keys x {}",
            st::thousands(d.points as f64, 0),
            replicates(d.replicates)
        )
    } else {
        replicates(d.replicates)
    };
    format!("{label} by {} (mean and 5-95% {spread} over {over})", d.key)
}

/// The indicator over one key: a mean line with markers over its 5-95% band (numeric key), or a
/// mean dot with a 5-95% error bar per category. Values without data are marked "NA".
pub fn line<DB: Backend>(area: &Area<DB>, d: &SweepLineData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    // (position on the x axis, band), in axis order.
    let cats = categories(&d.values);
    let numeric = matches!(d.values, SweepValues::Numeric(_));
    let rows: Vec<(f64, Option<SweepBand>)> = cats
        .iter()
        .enumerate()
        .map(|(pos, (k, _))| {
            let x = match &d.values {
                SweepValues::Numeric(v) => v[*k],
                SweepValues::Categorical(_) => pos as f64,
            };
            (x, d.bands.get(*k).copied().flatten())
        })
        .collect();
    let mean = |b: &Option<SweepBand>| b.and_then(|b| usable(b.mean));
    let y_values = rows
        .iter()
        .filter(|(_, b)| mean(b).is_some())
        .flat_map(|(_, b)| b.iter().flat_map(|b| [b.mean, b.p5, b.p95]));
    let (Some((lo, hi)), Some((x_lo, x_hi))) = (extent(y_values), extent(rows.iter().map(|r| r.0)))
    else {
        return draw::no_data(area, "No data");
    };
    let items = if numeric {
        vec![
            Item::new(Swatch::LineMarker(MAIN), "Mean"),
            Item::new(Swatch::Band(MAIN), "shading: 5-95% band"),
        ]
    } else {
        vec![Item::new(
            Swatch::ErrorBar(MAIN),
            "dot: mean; bar: 5-95% range",
        )]
    };
    let area = draw::legend(area, &items, PLOT_LEFT)?;
    let x = if numeric {
        tight_axis(x_lo, x_hi, 8)
    } else {
        category_axis(rows.len())
    };
    let y = free_axis(lo, hi, 6);
    let f = Frame {
        x: x.clone(),
        y: y.clone(),
        x_desc: &d.key,
        y_desc: &d.indicator,
        x_labels: true,
        y_area: Y_AREA,
    };
    let mut chart = draw::frame(&area, &f)?;
    let xs: Vec<f64> = rows.iter().map(|r| r.0).collect();
    let get = |f: fn(&SweepBand) -> f64| -> Vec<f64> {
        rows.iter()
            .map(|(_, b)| match b {
                Some(b) if ok(b.mean) => usable(f(b)).unwrap_or(f64::NAN),
                _ => f64::NAN,
            })
            .collect()
    };
    let (means, p5, p95) = (get(|b| b.mean), get(|b| b.p5), get(|b| b.p95));
    if numeric {
        draw::band(&mut chart, &xs, &p5, &p95, 1.0, MAIN, 0.2)?;
        // A band needs two neighbours: an isolated value gets an error bar instead.
        let has = |k: usize| p5[k].is_finite() && p95[k].is_finite();
        let (left, _, right, _) = plot_box(&area, &chart, &x, &y);
        let half = 8.0 * (x.hi - x.lo) / (right - left).max(1) as f64;
        for k in (0..xs.len()).filter(|&k| has(k)) {
            let alone = (k == 0 || !has(k - 1)) && (k + 1 >= xs.len() || !has(k + 1));
            if alone {
                draw::error_bar(&mut chart, xs[k], p5[k], p95[k], half, MAIN)?;
            }
        }
        let points = xs.iter().copied().zip(means.iter().copied()).collect();
        draw::line(&mut chart, points, MAIN.stroke_width(LINE_WIDTH), false)?;
    } else {
        let (left, _, right, _) = plot_box(&area, &chart, &x, &y);
        let half = 10.0 * (x.hi - x.lo) / (right - left).max(1) as f64;
        for k in 0..xs.len() {
            draw::error_bar(&mut chart, xs[k], p5[k], p95[k], half, MAIN)?;
        }
        let labels: Vec<String> = cats.iter().map(|c| c.1.clone()).collect();
        x_category_labels(&area, &chart, (&x, &y), &labels)?;
    }
    let dots = xs.iter().zip(&means).filter(|(_, m)| m.is_finite());
    chart.draw_series(dots.map(|(&x, &m)| Circle::new((x, m), 6, MAIN.filled())))?;
    for (&px, m) in xs.iter().zip(&means) {
        if !m.is_finite() {
            na_mark(&area, &chart, px, &y)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Two keys: heatmap

/// Title of the heatmap.
pub fn heatmap_title(d: &SweepHeatmapData) -> String {
    let (label, _) = split_unit(&d.indicator);
    format!(
        "{label} by {} and {} (mean of {})",
        d.x_key,
        d.y_key,
        replicates(d.replicates)
    )
}

/// Viridis (colour-blind safe, perceptually uniform, readable in grey) at nine stops.
const VIRIDIS: [RGBColor; 9] = [
    RGBColor(0x44, 0x01, 0x54),
    RGBColor(0x47, 0x2D, 0x7B),
    RGBColor(0x3B, 0x52, 0x8B),
    RGBColor(0x2C, 0x72, 0x8E),
    RGBColor(0x21, 0x90, 0x8C),
    RGBColor(0x27, 0xAD, 0x81),
    RGBColor(0x5D, 0xC8, 0x63),
    RGBColor(0xAA, 0xDC, 0x32),
    RGBColor(0xFD, 0xE7, 0x25),
];

/// The sequential colour at `t` in [0, 1] (clamped; NaN is the middle).
pub fn viridis(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.5 } else { t.clamp(0.0, 1.0) };
    let pos = t * (VIRIDIS.len() - 1) as f64;
    let k = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let f = pos - k as f64;
    let (a, b) = (VIRIDIS[k], VIRIDIS[k + 1]);
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Text colour readable on `c`: near-black or white, whichever contrasts more (WCAG luminance).
fn text_on(c: RGBColor) -> RGBColor {
    let lin = |v: u8| {
        let s = v as f64 / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2);
    if (l + 0.05) / 0.05 > 1.05 / (l + 0.05) {
        st::BLACK
    } else {
        WHITE
    }
}

/// The colour scale: its axis (ticks within the data range) and the range colours span.
fn colour_scale(lo: f64, hi: f64) -> (Axis, f64, f64) {
    let nice = free_axis(lo, hi, 5);
    if hi > lo {
        let ticks = nice
            .ticks
            .iter()
            .copied()
            .filter(|&t| t >= lo - 1e-9 * (hi - lo) && t <= hi + 1e-9 * (hi - lo))
            .collect();
        (
            Axis {
                lo,
                hi,
                ticks,
                ..nice
            },
            lo,
            hi,
        )
    } else {
        // All cells equal: a small range around the value, which sits in the middle colour.
        let (a, b) = (nice.lo, nice.hi);
        (nice, a, b)
    }
}

/// Cells coloured on a viridis scale with their values printed (in the size that fits, in black
/// or white by contrast), keys as axis descriptions, values as tick labels, a colour bar with
/// the indicator and its unit on the right, and grey "NA" cells without data.
pub fn heatmap<DB: Backend>(area: &Area<DB>, d: &SweepHeatmapData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let xs = categories(&d.x_values);
    let ys = categories(&d.y_values);
    let cell = |yi: usize, xi: usize| -> Option<f64> {
        d.cells
            .get(yi)
            .and_then(|row| row.get(xi))
            .copied()
            .flatten()
            .and_then(usable)
    };
    let values: Vec<f64> = ys
        .iter()
        .flat_map(|(yi, _)| xs.iter().filter_map(move |(xi, _)| cell(*yi, *xi)))
        .collect();
    let Some((lo, hi)) = extent(values.iter().copied()) else {
        return draw::no_data(area, "No data");
    };
    let (scale, c_lo, c_hi) = colour_scale(lo, hi);
    let colour = |v: f64| {
        viridis(if c_hi > c_lo {
            (v - c_lo) / (c_hi - c_lo)
        } else {
            0.5
        })
    };

    // The colour bar's column on the right, sized to its labels.
    let tick_style = st::font(TICK_SIZE);
    let mut widest_tick = 0;
    for &t in &scale.ticks {
        widest_tick = widest_tick.max(text::width(area, &scale.label(t), &tick_style)?);
    }
    let bar_w = 24;
    let column = 24 + bar_w + GAP as u32 + widest_tick + 14 + DESC_SIZE as u32 + 16;
    let (w, _) = area.dim_in_pixel();
    let (main, side) = area.split_horizontally(w.saturating_sub(column));

    // Cells.
    let y_labels: Vec<String> = {
        let max_w = (w / 6).max(60);
        ys.iter()
            .map(|(_, l)| fit(&main, l, &tick_style, max_w))
            .collect::<Result<_>>()?
    };
    let mut widest = 0;
    for l in &y_labels {
        widest = widest.max(text::width(&main, l, &tick_style)?);
    }
    let (x, y) = (category_axis(xs.len()), category_axis(ys.len()));
    let f = Frame {
        x: x.clone(),
        y: y.clone(),
        x_desc: &d.x_key,
        y_desc: "",
        x_labels: true,
        y_area: y_area(widest),
    };
    let mut chart = draw::frame(&main, &f)?;
    let mut rects = vec![];
    for (j, (yi, _)) in ys.iter().enumerate() {
        for (i, (xi, _)) in xs.iter().enumerate() {
            let fill = cell(*yi, *xi).map_or(NA_FILL, colour);
            let (i, j) = (i as f64, j as f64);
            rects.push(Rectangle::new(
                [(i - 0.5, j - 0.5), (i + 0.5, j + 0.5)],
                fill.filled(),
            ));
        }
    }
    chart.draw_series(rects)?;
    // White lines between cells.
    let sep = WHITE.stroke_width(2);
    let inner_x = (1..xs.len())
        .map(|i| PathElement::new(vec![(i as f64 - 0.5, y.lo), (i as f64 - 0.5, y.hi)], sep));
    let inner_y = (1..ys.len())
        .map(|j| PathElement::new(vec![(x.lo, j as f64 - 0.5), (x.hi, j as f64 - 0.5)], sep));
    chart.draw_series(inner_x.chain(inner_y))?;
    let x_labels: Vec<String> = xs.iter().map(|c| c.1.clone()).collect();
    x_category_labels(&main, &chart, (&x, &y), &x_labels)?;
    y_category_labels(&main, &chart, (&x, &y), &y_labels, &tick_style, &d.y_key)?;

    // Values in the cells, in the largest size that fits every cell.
    let (left, top, right, bottom) = plot_box(&main, &chart, &x, &y);
    let cell_w = (right - left) / xs.len().max(1) as i32;
    let cell_h = (bottom - top) / ys.len().max(1) as i32;
    let decimals = value_decimals(&values);
    let printed = |v: Option<f64>| v.map_or("NA".to_string(), |v| st::thousands(v, decimals));
    let mut size = None;
    for candidate in [18.0, 17.0, 16.0, 15.0, 14.0, 13.0, 12.0, 11.0, 10.0] {
        if candidate + 4.0 > cell_h as f64 {
            continue;
        }
        let mut fits = true;
        'cells: for (yi, _) in &ys {
            for (xi, _) in &xs {
                let s = printed(cell(*yi, *xi));
                if text::width(&main, &s, &st::font(candidate))? as i32 > cell_w - 8 {
                    fits = false;
                    break 'cells;
                }
            }
        }
        if fits {
            size = Some(candidate);
            break;
        }
    }
    if let Some(size) = size {
        for (j, (yi, _)) in ys.iter().enumerate() {
            for (i, (xi, _)) in xs.iter().enumerate() {
                let v = cell(*yi, *xi);
                let ink = v.map_or(st::MUTED, |v| text_on(colour(v)));
                let style = match v {
                    Some(_) => st::font(size).color(&ink),
                    None => st::muted(size),
                };
                let at = local(&main, &chart, (i as f64, j as f64));
                text::put(
                    &main,
                    &printed(v),
                    &style,
                    at,
                    (HPos::Center, VPos::Center),
                    false,
                )?;
            }
        }
    }

    // The colour bar, as tall as the cells.
    let bar_x = 24;
    let span = (bottom - top).max(1);
    let to_px = |v: f64| {
        let t = if scale.hi > scale.lo {
            (v - scale.lo) / (scale.hi - scale.lo)
        } else {
            0.5
        };
        bottom - (t * span as f64).round() as i32
    };
    for py in top..bottom {
        let t = (bottom - py) as f64 / span as f64;
        let v = scale.lo + t * (scale.hi - scale.lo);
        side.draw(&Rectangle::new(
            [(bar_x, py), (bar_x + bar_w as i32, py + 1)],
            colour(v).filled(),
        ))?;
    }
    side.draw(&Rectangle::new(
        [(bar_x, top), (bar_x + bar_w as i32, bottom)],
        st::AXIS.stroke_width(1),
    ))?;
    let tick_x = bar_x + bar_w as i32;
    for &t in &scale.ticks {
        let py = to_px(t);
        side.draw(&PathElement::new(
            vec![(tick_x, py), (tick_x + 5, py)],
            st::AXIS.stroke_width(1),
        ))?;
        text::put(
            &side,
            &scale.label(t),
            &tick_style,
            (tick_x + GAP, py),
            (HPos::Left, VPos::Center),
            false,
        )?;
    }
    let desc_style = st::font(DESC_SIZE);
    let desc = fit(&side, &d.indicator, &desc_style, span as u32)?;
    text::put(
        &side,
        &desc,
        &desc_style,
        (tick_x + GAP + widest_tick as i32 + 14, (top + bottom) / 2),
        (HPos::Center, VPos::Top),
        true,
    )?;
    let mut below = bottom + 14;
    if values.len() < xs.len() * ys.len() {
        side.draw(&Rectangle::new(
            [(bar_x, below), (bar_x + bar_w as i32, below + 18)],
            NA_FILL.filled(),
        ))?;
        text::put(
            &side,
            "NA: no data",
            &st::font(15.0),
            (tick_x + GAP, below + 9),
            (HPos::Left, VPos::Center),
            false,
        )?;
        below += 26;
    }
    if size.is_none() {
        text::put(
            &side,
            "Cells too small",
            &st::muted(14.0),
            (bar_x, below + 6),
            (HPos::Left, VPos::Top),
            false,
        )?;
        text::put(
            &side,
            "for values",
            &st::muted(14.0),
            (bar_x, below + 24),
            (HPos::Left, VPos::Top),
            false,
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Sobol' indices

/// Colour of the first-order bars.
const FIRST: RGBColor = st::SKY;
/// Colour of the total bars.
const TOTAL: RGBColor = st::BLUE;

/// Title of the Sobol chart.
pub fn sobol_title(d: &SobolData) -> String {
    let (label, _) = split_unit(&d.indicator);
    format!(
        "Sensitivity of {label} to {} (Sobol' indices)",
        parameters(d.entries.len())
    )
}

/// Per parameter (largest ST on top) a bar of the first-order index S1 above a bar of the
/// total index ST, each with its 95% bootstrap interval as a whisker, on a common axis of
/// shares of the variance.
pub fn sobol<DB: Backend>(area: &Area<DB>, d: &SobolData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let mut entries: Vec<&SobolEntry> = d
        .entries
        .iter()
        .filter(|e| ok(e.first) && ok(e.total))
        .collect();
    entries.sort_by(|a, b| {
        b.total
            .total_cmp(&a.total)
            .then_with(|| a.parameter.cmp(&b.parameter))
    });
    let dropped = d.entries.len() - entries.len();
    let mut caption = format!(
        "Share of the variance of {} over the sampled ranges; N = {} base samples, {} bootstrap resamples",
        d.indicator,
        st::thousands(d.rows as f64, 0),
        st::thousands(d.resamples as f64, 0)
    );
    if dropped > 0 {
        caption += &format!(" ({} without a value not shown)", parameters(dropped));
    }
    let area = draw::caption(area, &caption, MARGIN_LEFT as i32 + 10)?;
    if entries.is_empty() {
        return draw::no_data(&area, "No data (the indicator does not vary)");
    }
    let items = vec![
        Item::new(Swatch::Bar(FIRST), "S1: first order (the parameter alone)"),
        Item::new(Swatch::Bar(TOTAL), "ST: total (alone and with the others)"),
        Item::new(Swatch::ErrorBar(st::TEXT), "95% bootstrap interval"),
    ];
    let area = draw::legend(&area, &items, MARGIN_LEFT as i32 + 10)?;
    let n = entries.len().min(MAX_ROWS);
    let (w, h) = area.dim_in_pixel();
    let keys: Vec<&str> = entries[..n].iter().map(|e| e.parameter.as_str()).collect();
    let row_h = (h as f64 - 80.0) / n.max(1) as f64;
    let size = (row_h * 0.5).clamp(11.0, TICK_SIZE);
    let style = st::font(size);
    let names = short_names(&area, &keys, &style, w / 4)?;
    let mut widest = 0;
    for name in &names {
        widest = widest.max(text::width(&area, name, &style)?);
    }
    let ends = entries[..n].iter().flat_map(|e| {
        let ci = |c: Option<(f64, f64)>| c.map_or([f64::NAN; 2], |(l, h)| [l, h]);
        [e.first, e.total]
            .into_iter()
            .chain(ci(e.first_ci))
            .chain(ci(e.total_ci))
    });
    let (lo, hi) = extent(ends.chain([0.0, 1.0])).unwrap_or((0.0, 1.0));
    let x = Axis::values(
        lo,
        hi,
        ValueOpts {
            target: 6,
            ..ValueOpts::AMOUNT
        },
    );
    let y = category_axis(n);
    let x_desc = if entries.len() > n {
        format!(
            "Share of the variance (largest {n} of {} parameters by ST)",
            entries.len()
        )
    } else {
        "Share of the variance".to_string()
    };
    let f = Frame {
        x: x.clone(),
        y: y.clone(),
        x_desc: &x_desc,
        y_desc: "",
        x_labels: true,
        y_area: y_area(widest).saturating_sub(DESC_SIZE as u32 + 12),
    };
    let mut chart = draw::frame(&area, &f)?;
    let row = |k: usize| (n - 1 - k) as f64;
    for (k, e) in entries[..n].iter().enumerate() {
        for (centre, value, ci, colour) in [
            (row(k) + 0.19, e.first, e.first_ci, FIRST),
            (row(k) - 0.19, e.total, e.total_ci, TOTAL),
        ] {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, centre - 0.16), (value, centre + 0.16)],
                colour.filled(),
            )))?;
            if let Some((low, high)) = ci.filter(|(l, h)| ok(*l) && ok(*h)) {
                let s = st::TEXT.stroke_width(2);
                chart.draw_series([
                    PathElement::new(vec![(low, centre), (high, centre)], s),
                    PathElement::new(vec![(low, centre - 0.1), (low, centre + 0.1)], s),
                    PathElement::new(vec![(high, centre - 0.1), (high, centre + 0.1)], s),
                ])?;
            }
        }
    }
    if x.lo < 0.0 {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, y.lo), (0.0, y.hi)],
            st::AXIS.stroke_width(1),
        )))?;
    }
    let (left, _, _, _) = plot_box(&area, &chart, &x, &y);
    for (k, name) in names.iter().enumerate() {
        let (_, py) = local(&area, &chart, (x.lo, row(k)));
        text::put(
            &area,
            name,
            &style,
            (left - GAP, py),
            (HPos::Right, VPos::Center),
            false,
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Morris elementary effects

/// Title of the Morris chart.
pub fn morris_title(d: &MorrisData) -> String {
    let (label, _) = split_unit(&d.indicator);
    format!(
        "Sensitivity of {label} to {} (Morris elementary effects)",
        parameters(d.entries.len())
    )
}

/// Short labels for dotted keys: the full keys when they fit `max_w`; otherwise a key loses its
/// section prefix when its last part is unique; then labels are cut to `max_w`.
fn short_names<DB: Backend>(
    area: &Area<DB>,
    keys: &[&str],
    style: &TextStyle,
    max_w: u32,
) -> Result<Vec<String>>
where
    DB::ErrorType: 'static,
{
    let mut fits = true;
    for k in keys {
        fits &= text::width(area, k, style)? <= max_w;
    }
    let last = |k: &str| k.rsplit('.').next().unwrap_or(k).to_string();
    keys.iter()
        .map(|k| {
            let unique = keys.iter().filter(|o| last(o) == last(k)).count() == 1;
            let name = if fits || !unique || last(k).is_empty() {
                k.to_string()
            } else {
                last(k)
            };
            fit(area, &name, style, max_w)
        })
        .collect()
}

/// Colour of a parameter by the sign of its mean effect.
fn sign_colour(mu: f64) -> RGBColor {
    if ok(mu) && mu > 0.0 {
        RAISES
    } else if ok(mu) && mu < 0.0 {
        LOWERS
    } else {
        st::MUTED
    }
}

/// One figure of two panels: left a tornado of mu* (largest on top, coloured by the sign of
/// mu), right the mu*-sigma plane with labelled points and the dashed line sigma = mu*.
pub fn morris<DB: Backend>(area: &Area<DB>, d: &MorrisData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (label, unit) = split_unit(&d.indicator);
    let mut entries: Vec<&MorrisEntry> = d.entries.iter().filter(|e| ok(e.mu_star)).collect();
    entries.sort_by(|a, b| {
        b.mu_star
            .total_cmp(&a.mu_star)
            .then_with(|| a.parameter.cmp(&b.parameter))
    });
    let dropped = d.entries.len() - entries.len();
    let mut caption = format!(
        "Elementary effects: change in {} across the full range of each parameter; r = {}",
        d.indicator,
        trajectories(d.trajectories)
    );
    if dropped > 0 {
        caption += &format!(" ({} without a value not shown)", parameters(dropped));
    }
    let area = draw::caption(area, &caption, MARGIN_LEFT as i32 + 10)?;
    if entries.is_empty() {
        return draw::no_data(&area, "No data");
    }
    let mut items = vec![];
    if entries.iter().any(|e| ok(e.mu) && e.mu > 0.0) {
        items.push(Item::new(
            Swatch::Bar(RAISES),
            format!("raises {label} (mean effect μ > 0)"),
        ));
    }
    if entries.iter().any(|e| ok(e.mu) && e.mu < 0.0) {
        items.push(Item::new(
            Swatch::Bar(LOWERS),
            format!("lowers {label} (μ < 0)"),
        ));
    }
    if entries.iter().any(|e| !(ok(e.mu) && e.mu != 0.0)) {
        items.push(Item::new(Swatch::Bar(st::MUTED), "no net direction"));
    }
    items.push(Item::new(
        Swatch::Dashed(st::MUTED),
        "σ = μ* (above: non-linear or interacting)",
    ));
    if entries.iter().any(|e| whisker(e).is_some()) {
        items.push(Item::new(
            Swatch::ErrorBar(st::TEXT),
            "95% bootstrap interval of μ*",
        ));
    }
    let area = draw::legend(&area, &items, MARGIN_LEFT as i32 + 10)?;
    let (w, _) = area.dim_in_pixel();
    let (left, right) = area.split_horizontally(w * 11 / 20);
    let keys: Vec<&str> = entries.iter().map(|e| e.parameter.as_str()).collect();
    let names = short_names(&left, &keys, &st::font(TICK_SIZE), w / 5)?;
    let x_desc = match unit {
        Some(u) => format!("μ*: mean absolute effect ({u})"),
        None => "μ*: mean absolute effect".to_string(),
    };
    tornado(&left, &entries, &names, &x_desc)?;
    let y_desc = match unit {
        Some(u) => format!("σ: spread of the effects ({u})"),
        None => "σ: spread of the effects".to_string(),
    };
    mu_sigma(&right, &entries, &names, &x_desc, &y_desc)
}

/// The usable interval of an entry's mu*.
fn whisker(e: &MorrisEntry) -> Option<(f64, f64)> {
    e.mu_star_ci.filter(|(l, h)| ok(*l) && ok(*h) && l <= h)
}

/// Horizontal bars of mu*, largest on top, with their intervals and values.
fn tornado<DB: Backend>(
    area: &Area<DB>,
    entries: &[&MorrisEntry],
    names: &[String],
    x_desc: &str,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let n = entries.len().min(MAX_ROWS);
    let caption = if entries.len() > n {
        format!("Mean absolute effect μ* (largest {n} of {})", entries.len())
    } else {
        "Mean absolute effect μ*, largest on top".to_string()
    };
    let area = draw::caption(&area.margin(0, 0, 0, 10), &caption, MARGIN_LEFT as i32 + 10)?;
    let (_, h) = area.dim_in_pixel();
    // Row labels shrink with the rows.
    let row_h = (h as f64 - 80.0) / n.max(1) as f64;
    let size = (row_h * 0.7).clamp(11.0, TICK_SIZE);
    let style = st::font(size);
    let mut widest = 0;
    for name in &names[..n] {
        widest = widest.max(text::width(&area, name, &style)?);
    }
    let (lo, hi) = extent(entries[..n].iter().flat_map(|e| {
        let (l, h) = whisker(e).unwrap_or((e.mu_star, e.mu_star));
        [e.mu_star, l, h]
    }))
    .unwrap_or((0.0, 1.0));
    let x = Axis::values(
        lo,
        hi,
        ValueOpts {
            target: 5,
            ..ValueOpts::AMOUNT
        },
    );
    let y = category_axis(n);
    let f = Frame {
        x: x.clone(),
        y: y.clone(),
        x_desc,
        y_desc: "",
        x_labels: true,
        y_area: y_area(widest).saturating_sub(DESC_SIZE as u32 + 12),
    };
    let mut chart = draw::frame(&area, &f)?;
    // Row k from the top is at y = n - 1 - k.
    let row = |k: usize| (n - 1 - k) as f64;
    chart.draw_series(entries[..n].iter().enumerate().map(|(k, e)| {
        Rectangle::new(
            [(0.0, row(k) - 0.32), (e.mu_star, row(k) + 0.32)],
            sign_colour(e.mu).filled(),
        )
    }))?;
    for (k, e) in entries[..n].iter().enumerate() {
        if let Some((low, high)) = whisker(e) {
            let s = st::TEXT.stroke_width(2);
            let y = row(k);
            chart.draw_series([
                PathElement::new(vec![(low, y), (high, y)], s),
                PathElement::new(vec![(low, y - 0.15), (low, y + 0.15)], s),
                PathElement::new(vec![(high, y - 0.15), (high, y + 0.15)], s),
            ])?;
        }
    }
    if x.lo < 0.0 {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, y.lo), (0.0, y.hi)],
            st::AXIS.stroke_width(1),
        )))?;
    }
    // Labels drawn top to bottom (the SVG lists them in the order read).
    let (left, _, right, _) = plot_box(&area, &chart, &x, &y);
    for (k, name) in names[..n].iter().enumerate() {
        let (_, py) = local(&area, &chart, (x.lo, row(k)));
        area.draw(&PathElement::new(
            vec![(left - 5, py), (left, py)],
            st::AXIS.stroke_width(1),
        ))?;
        text::put(
            &area,
            name,
            &style,
            (left - GAP, py),
            (HPos::Right, VPos::Center),
            false,
        )?;
    }
    // Values past the bar ends and their whiskers (inside the bar when there is no room).
    let decimals = value_decimals(&entries[..n].iter().map(|e| e.mu_star).collect::<Vec<_>>());
    let value_style = st::font((size - 2.0).max(10.0));
    for (k, e) in entries[..n].iter().enumerate() {
        let s = st::thousands(e.mu_star, decimals);
        let (px, py) = local(&area, &chart, (e.mu_star, row(k)));
        let reach = whisker(e).map_or(e.mu_star, |(_, h)| h.max(e.mu_star));
        let (outside, _) = local(&area, &chart, (reach, row(k)));
        let tw = text::width(&area, &s, &value_style)? as i32;
        if outside + 6 + tw <= right {
            text::put(
                &area,
                &s,
                &value_style,
                (outside + 6, py),
                (HPos::Left, VPos::Center),
                false,
            )?;
        } else {
            let ink = text_on(sign_colour(e.mu));
            let inside = value_style.color(&ink);
            // Inside the bar, left of the whisker when it fits there.
            let (zero, _) = local(&area, &chart, (0.0, row(k)));
            let end = match whisker(e) {
                Some((low, _)) => {
                    let (lx, _) = local(&area, &chart, (low, row(k)));
                    if lx - 6 - tw > zero {
                        lx.min(px)
                    } else {
                        px
                    }
                }
                None => px,
            };
            text::put(
                &area,
                &s,
                &inside,
                (end - 6, py),
                (HPos::Right, VPos::Center),
                false,
            )?;
        }
    }
    Ok(())
}

/// A pixel box: (x0, y0, x1, y1).
type PxBox = (i32, i32, i32, i32);

fn overlaps(a: PxBox, b: PxBox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// mu* across, sigma up, both from 0: a dot per parameter coloured by the sign of mu, labelled
/// (largest mu* first, moved off other labels and dots, with a leader when moved far), and the
/// dashed line sigma = mu*.
fn mu_sigma<DB: Backend>(
    area: &Area<DB>,
    entries: &[&MorrisEntry],
    names: &[String],
    x_desc: &str,
    y_desc: &str,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let labelled = entries.len().min(MAX_POINT_LABELS);
    let caption = if entries.len() > labelled {
        format!("Spread σ against μ* (labels: largest {labelled} μ*)")
    } else {
        "Spread σ against μ*".to_string()
    };
    let area = draw::caption(&area.margin(0, 0, 10, 0), &caption, PLOT_LEFT)?;
    let pts: Vec<(f64, f64)> = entries
        .iter()
        .map(|e| (e.mu_star, usable(e.sigma).unwrap_or(f64::NAN)))
        .collect();
    let (_, x_hi) = extent(pts.iter().map(|p| p.0)).unwrap_or((0.0, 1.0));
    let (_, y_hi) = extent(pts.iter().map(|p| p.1)).unwrap_or((0.0, 1.0));
    let opts = ValueOpts {
        target: 5,
        ..ValueOpts::AMOUNT
    };
    let x = Axis::values(0.0, x_hi, opts);
    let y = Axis::values(0.0, y_hi, opts);
    let f = Frame {
        x: x.clone(),
        y: y.clone(),
        x_desc,
        y_desc,
        x_labels: true,
        y_area: Y_AREA,
    };
    let mut chart = draw::frame(&area, &f)?;
    let t = x.hi.min(y.hi);
    chart.draw_series(std::iter::once(DashedPathElement::new(
        vec![(0.0, 0.0), (t, t)],
        10,
        6,
        st::MUTED.stroke_width(2),
    )))?;
    let visible: Vec<usize> = (0..pts.len()).filter(|&k| pts[k].1.is_finite()).collect();
    chart.draw_series(
        visible
            .iter()
            .map(|&k| Circle::new(pts[k], 6, sign_colour(entries[k].mu).filled())),
    )?;
    // Labels, most important first, each in the first free place around its dot.
    let (left, top, _, bottom) = plot_box(&area, &chart, &x, &y);
    let size = 15.0;
    let style = st::font(size);
    let h = size as i32 + 2;
    let dots: Vec<(i32, i32)> = visible
        .iter()
        .map(|&k| local(&area, &chart, pts[k]))
        .collect();
    let mut taken: Vec<PxBox> = dots
        .iter()
        .map(|&(x, y)| (x - 7, y - 7, x + 7, y + 7))
        .collect();
    let mut skipped = 0;
    let width = area.dim_in_pixel().0 as i32;
    for (&k, &(px, py)) in visible.iter().zip(&dots).filter(|(&k, _)| k < labelled) {
        let name = &names[k];
        let w = text::width(&area, name, &style)? as i32;
        let mut candidates: Vec<(i32, i32, HPos)> = vec![];
        for step in 0..=4 {
            for dy in if step == 0 {
                vec![0]
            } else {
                vec![-step * h, step * h]
            } {
                candidates.push((px + 10, py + dy, HPos::Left));
                candidates.push((px - 10, py + dy, HPos::Right));
            }
        }
        // Centred above and below the dot, for names too wide for either side.
        for dy in [-(h / 2 + 9), h / 2 + 9] {
            candidates.insert(2, (px, py + dy, HPos::Center));
        }
        let boxed = |&(ax, ay, pos): &(i32, i32, HPos)| -> PxBox {
            let x0 = match pos {
                HPos::Left => ax,
                HPos::Center => ax - w / 2,
                HPos::Right => ax - w,
            };
            (x0, ay - h / 2, x0 + w, ay + h / 2)
        };
        let inside =
            |b: PxBox| b.0 >= left + 2 && b.2 <= width - 4 && b.1 >= top && b.3 <= bottom - 2;
        let free = candidates.iter().find(|c| {
            let b = boxed(c);
            inside(b) && !taken.iter().any(|&t| overlaps(t, b))
        });
        let Some(choice) = free else {
            // No free place: leave the name out rather than print it over another.
            skipped += 1;
            continue;
        };
        let b = boxed(choice);
        taken.push(b);
        if (choice.1 - py).abs() >= h {
            // A leader from the dot to the label's near edge.
            let ex = if matches!(choice.2, HPos::Left) {
                b.0 - 2
            } else {
                b.2 + 2
            };
            area.draw(&PathElement::new(
                vec![(px, py), (ex, choice.1)],
                st::MUTED.stroke_width(1),
            ))?;
        }
        text::put(
            &area,
            name,
            &style,
            (choice.0, choice.1),
            (choice.2, VPos::Center),
            false,
        )?;
    }
    if skipped > 0 {
        let note = if skipped == 1 {
            "1 name left out (crowded): see the bars".to_string()
        } else {
            format!("{skipped} names left out (crowded): see the bars")
        };
        text::put(
            &area,
            &note,
            &st::muted(14.0),
            (left + 8, top + 4),
            (HPos::Left, VPos::Top),
            false,
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Latin hypercube: small multiples

/// Title of the scatter chart.
pub fn scatter_title(d: &ScatterData) -> String {
    let (label, _) = split_unit(&d.indicator);
    let n = d.panels.iter().map(|p| p.1.len()).max().unwrap_or(0);
    let points = if n == 1 {
        "1 point".to_string()
    } else {
        format!("{} points", st::thousands(n as f64, 0))
    };
    format!("{label} against each sampled parameter (Latin hypercube sample, {points})")
}

/// Rows and columns for `n` panels (at most 3 x 3).
fn grid(n: usize) -> (usize, usize) {
    let cols = match n {
        0 | 1 => 1,
        2 | 4 => 2,
        _ => 3,
    };
    (n.div_ceil(cols).max(1), cols)
}

/// Pearson correlation of the usable pairs (None for fewer than 3 or no spread).
fn correlation(points: &[(f64, f64)]) -> Option<f64> {
    let pts: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|p| ok(p.0) && ok(p.1))
        .collect();
    if pts.len() < 3 {
        return None;
    }
    let n = pts.len() as f64;
    let (mx, my) = (
        pts.iter().map(|p| p.0).sum::<f64>() / n,
        pts.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in &pts {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    let r = sxy / (sxx * syy).sqrt();
    usable(r)
}

/// A grid of scatter panels (the first 9 parameters), one dot per sampled point, every panel on
/// the same vertical scale so that the parameters' effects compare at a glance.
pub fn scatter<DB: Backend>(area: &Area<DB>, d: &ScatterData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let shown = &d.panels[..d.panels.len().min(MAX_PANELS)];
    let y_ext = extent(
        shown
            .iter()
            .flat_map(|p| p.1.iter().filter(|q| ok(q.0)).map(|q| q.1)),
    );
    let Some((lo, hi)) = y_ext else {
        return draw::no_data(area, "No data");
    };
    let mut caption =
        "Dots: sampled points (mean over replicates); one vertical scale; r: Pearson correlation"
            .to_string();
    if d.panels.len() > shown.len() {
        caption += &format!(
            "; first {} of {} parameters shown",
            shown.len(),
            d.panels.len()
        );
    }
    let area = draw::caption(area, &caption, MARGIN_LEFT as i32 + 10)?;
    let (_, unit) = split_unit(&d.indicator);
    let y_desc = unit.map_or_else(|| d.indicator.clone(), capitalise);
    let y = tight_axis(lo, hi, 6);
    let (rows, cols) = grid(shown.len());
    let panels = area.split_evenly((rows, cols));
    for (k, (panel, (key, points))) in panels.iter().zip(shown).enumerate() {
        let panel = panel.margin(4, 4, 6, 6);
        let r = correlation(points);
        let title = match r {
            Some(r) => format!("{key} (r = {})", st::thousands(r, 2)),
            None => key.clone(),
        };
        let panel = draw::caption(&panel, &title, MARGIN_LEFT as i32 + 10)?;
        let usable_pts: Vec<(f64, f64)> = points
            .iter()
            .copied()
            .filter(|p| ok(p.0) && ok(p.1))
            .collect();
        let Some((x_lo, x_hi)) = extent(usable_pts.iter().map(|p| p.0)) else {
            draw::no_data(&panel, "No data")?;
            continue;
        };
        let x = tight_axis(x_lo, x_hi, 4);
        let (_, h) = panel.dim_in_pixel();
        let desc = if k % cols == 0 {
            fit(
                &panel,
                &y_desc,
                &st::font(DESC_SIZE),
                h.saturating_sub(50).max(40),
            )?
        } else {
            String::new()
        };
        let f = Frame {
            x,
            y: y.clone(),
            x_desc: "",
            y_desc: &desc,
            x_labels: true,
            y_area: 0,
        };
        let mut chart = draw::frame(&panel, &f)?;
        let radius = if usable_pts.len() > 300 { 3 } else { 4 };
        chart.draw_series(
            usable_pts
                .iter()
                .map(|&p| Circle::new(p, radius, MAIN.mix(0.55).filled())),
        )?;
    }
    Ok(())
}
