//! Drawing primitives shared by the charts, generic over the backend (SVG or bitmap): titles,
//! legends, panels on a time axis or a year axis, NaN-aware lines and bands, bars with error bars.

use anyhow::Result;
use plotters::chart::{ChartBuilder, ChartContext};
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, DashedPathElement, PathElement, Polygon, Rectangle};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor, ShapeStyle, TextStyle};

use super::style::{self as st, Axis, ValueOpts};
use super::text;
pub use super::text::Backend;
use crate::chartdata::{SeriesBand, YearSeries};

/// A drawing area in pixels.
pub type Area<DB> = DrawingArea<DB, Shift>;
/// Chart coordinates: both axes f64 with ticks we chose.
pub type Coord = Cartesian2d<Ticked, Ticked>;

/// An f64 axis spanning an [`Axis`]; grid, ticks and labels are drawn by [`frame`].
pub struct Ticked(Axis);

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.0.hi - self.0.lo;
        let pixels = limit.1 - limit.0;
        if span <= 0.0 || !span.is_finite() {
            return (limit.0 + limit.1) / 2;
        }
        let t = ((*v - self.0.lo) / span).clamp(-10.0, 10.0);
        if t.is_nan() {
            return limit.0;
        }
        limit.0 + (pixels as f64 * t + 1e-3).floor() as i32
    }

    fn key_points<H: KeyPointHint>(&self, _: H) -> Vec<f64> {
        self.0.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.0.lo..self.0.hi
    }
}
/// A chart on a panel.
pub type Chart<'a, DB> = ChartContext<'a, DB, Coord>;

/// Left margin of panels, pixels.
pub const MARGIN_LEFT: u32 = 14;
/// Right margin of panels, pixels.
pub const MARGIN_RIGHT: u32 = 28;
/// Tick label size.
pub const TICK_SIZE: f64 = 17.0;
/// Axis description size.
pub const DESC_SIZE: f64 = 18.0;
/// Legend text size.
pub const LEGEND_SIZE: f64 = 17.0;
/// Default width of the y label area (tick labels and the rotated axis description).
pub const Y_AREA: u32 = 96;
/// Line width of medians.
pub const LINE_WIDTH: u32 = 3;

/// Width of `text` in pixels.
pub fn text_width<DB: Backend>(area: &Area<DB>, s: &str, style: &TextStyle) -> Result<u32>
where
    DB::ErrorType: 'static,
{
    text::width(area, s, style)
}

/// Break `text` into lines no wider than `width` at spaces.
fn wrap<DB: Backend>(area: &Area<DB>, s: &str, style: &TextStyle, width: u32) -> Result<Vec<String>>
where
    DB::ErrorType: 'static,
{
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in s.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if !current.is_empty() && text_width(area, &candidate, style)? > width {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    Ok(lines)
}

/// Two lines of about equal width (None when the text has a single word).
fn split_in_two<DB: Backend>(
    area: &Area<DB>,
    s: &str,
    style: &TextStyle,
) -> Result<Option<(String, String, u32)>>
where
    DB::ErrorType: 'static,
{
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut best: Option<(String, String, u32)> = None;
    for k in 1..words.len() {
        let (a, b) = (words[..k].join(" "), words[k..].join(" "));
        let widest = text_width(area, &a, style)?.max(text_width(area, &b, style)?);
        if best.as_ref().is_none_or(|x| widest < x.2) {
            best = Some((a, b, widest));
        }
    }
    Ok(best)
}

/// Draw the chart title at the top (shrunk, then wrapped, to fit) and return the area below.
pub fn title<DB: Backend>(root: &Area<DB>, s: &str) -> Result<Area<DB>>
where
    DB::ErrorType: 'static,
{
    let (w, _) = root.dim_in_pixel();
    let avail = w.saturating_sub(40);
    let mut size = 26.0;
    let mut lines = vec![s.to_string()];
    for candidate in [26.0, 25.0, 24.0, 23.0, 22.0] {
        size = candidate;
        if text_width(root, s, &st::bold(size))? <= avail {
            break;
        }
    }
    if text_width(root, s, &st::bold(size))? > avail {
        size = 24.0;
        lines = match split_in_two(root, s, &st::bold(size))? {
            Some((a, b, widest)) if widest <= avail => vec![a, b],
            _ => wrap(root, s, &st::bold(size), avail)?,
        };
    }
    let line_h = (size * 1.3) as i32;
    for (k, line) in lines.iter().enumerate() {
        let at = (w as i32 / 2, 14 + k as i32 * line_h);
        text::put(
            root,
            line,
            &st::bold(size),
            at,
            (HPos::Center, VPos::Top),
            false,
        )?;
    }
    let used = 14 + (lines.len() as i32 - 1) * line_h + size as i32 + 14;
    Ok(root.split_vertically(used).1)
}

/// Draw a bold panel caption at `left` and return the area below.
pub fn caption<DB: Backend>(area: &Area<DB>, s: &str, left: i32) -> Result<Area<DB>>
where
    DB::ErrorType: 'static,
{
    let size = 18.0;
    let (w, _) = area.dim_in_pixel();
    let avail = (w as i32 - left - 10).max(50) as u32;
    let lines = wrap(area, s, &st::bold(size), avail)?;
    let line_h = (size * 1.35) as i32;
    for (k, line) in lines.iter().enumerate() {
        text::put(
            area,
            line,
            &st::bold(size),
            (left, 8 + k as i32 * line_h),
            (HPos::Left, VPos::Top),
            false,
        )?;
    }
    Ok(area
        .split_vertically(8 + (lines.len() as i32 - 1) * line_h + size as i32 + 4)
        .1)
}

/// What a legend entry shows next to its label.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A solid line over its light band.
    LineBand(RGBColor),
    /// A light band alone.
    Band(RGBColor),
    /// A filled bar.
    Bar(RGBColor),
    /// An error bar.
    ErrorBar(RGBColor),
    /// A line with a round marker.
    LineMarker(RGBColor),
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct Item {
    pub swatch: Swatch,
    pub label: String,
}

impl Item {
    pub fn new(swatch: Swatch, label: impl Into<String>) -> Item {
        Item {
            swatch,
            label: label.into(),
        }
    }
}

const SWATCH_W: i32 = 36;

fn draw_swatch<DB: Backend>(area: &Area<DB>, swatch: Swatch, x: i32, y: i32) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (x0, x1) = (x, x + SWATCH_W - 8);
    match swatch {
        Swatch::Line(c) => area.draw(&PathElement::new(
            vec![(x0, y), (x1, y)],
            c.stroke_width(LINE_WIDTH),
        ))?,
        Swatch::Dashed(c) => area.draw(&DashedPathElement::new(
            vec![(x0, y), (x1, y)],
            8,
            5,
            c.stroke_width(LINE_WIDTH),
        ))?,
        Swatch::LineBand(c) => {
            area.draw(&Rectangle::new(
                [(x0, y - 8), (x1, y + 8)],
                c.mix(0.22).filled(),
            ))?;
            area.draw(&PathElement::new(
                vec![(x0, y), (x1, y)],
                c.stroke_width(LINE_WIDTH),
            ))?;
        }
        Swatch::Band(c) => area.draw(&Rectangle::new(
            [(x0, y - 8), (x1, y + 8)],
            c.mix(0.22).filled(),
        ))?,
        Swatch::Bar(c) => area.draw(&Rectangle::new(
            [(x0 + 4, y - 8), (x1 - 4, y + 8)],
            c.filled(),
        ))?,
        Swatch::ErrorBar(c) => {
            let m = (x0 + x1) / 2;
            let s = c.stroke_width(2);
            area.draw(&PathElement::new(vec![(m, y - 9), (m, y + 9)], s))?;
            area.draw(&PathElement::new(vec![(m - 5, y - 9), (m + 5, y - 9)], s))?;
            area.draw(&PathElement::new(vec![(m - 5, y + 9), (m + 5, y + 9)], s))?;
        }
        Swatch::LineMarker(c) => {
            area.draw(&PathElement::new(
                vec![(x0, y), (x1, y)],
                c.stroke_width(LINE_WIDTH),
            ))?;
            area.draw(&Circle::new(((x0 + x1) / 2, y), 5, c.filled()))?;
        }
    }
    Ok(())
}

/// Draw a legend as rows of entries starting at `left`, and return the area below it.
pub fn legend<DB: Backend>(area: &Area<DB>, items: &[Item], left: i32) -> Result<Area<DB>>
where
    DB::ErrorType: 'static,
{
    if items.is_empty() {
        return Ok(area.clone());
    }
    let (w, _) = area.dim_in_pixel();
    let style = st::font(LEGEND_SIZE);
    let row_h = (LEGEND_SIZE * 1.8) as i32;
    let right = w as i32 - MARGIN_RIGHT as i32;
    let gap = 28;
    let (mut x, mut row) = (left, 0);
    for item in items {
        let tw = text_width(area, &item.label, &style)? as i32;
        let width = SWATCH_W + tw + gap;
        if x > left && x + width - gap > right {
            row += 1;
            x = left;
        }
        let y = 4 + row * row_h + row_h / 2;
        draw_swatch(area, item.swatch, x, y)?;
        text::put(
            area,
            &item.label,
            &style,
            (x + SWATCH_W, y),
            (HPos::Left, VPos::Center),
            false,
        )?;
        x += width;
    }
    Ok(area.split_vertically(4 + (row + 1) * row_h + 2).1)
}

/// A message in the middle of a panel, for panels without data.
pub fn no_data<DB: Backend>(area: &Area<DB>, message: &str) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let inset = 12;
    if w > 2 * inset && h > 2 * inset {
        area.draw(&Rectangle::new(
            [(inset, inset), (w - inset, h - inset)],
            st::GRID.stroke_width(2),
        ))?;
    }
    text::put(
        area,
        message,
        &st::muted(20.0),
        (w / 2, h / 2),
        (HPos::Center, VPos::Center),
        false,
    )
}

/// Axes and descriptions of one panel.
pub struct Frame<'s> {
    pub x: Axis,
    pub y: Axis,
    /// x axis description ("" for none).
    pub x_desc: &'s str,
    pub y_desc: &'s str,
    /// Draw the x tick labels (false for an upper panel sharing the time axis of the one below).
    pub x_labels: bool,
    /// Width of the y label area, pixels.
    pub y_area: u32,
}

/// Gap between the axis and its tick labels, pixels.
const TICK_GAP: i32 = 8;

/// Build a chart on `area`, draw its grid and axes, and write tick labels and descriptions
/// (ourselves, so that the bitmap gets the glyph placement of [`text::put`]).
pub fn frame<'a, DB: Backend>(area: &'a Area<DB>, f: &Frame) -> Result<Chart<'a, DB>>
where
    DB::ErrorType: 'static,
{
    let tick_h = TICK_SIZE as i32;
    let x_area = match (f.x_labels, f.x_desc.is_empty()) {
        (true, false) => TICK_GAP + tick_h + 10 + DESC_SIZE as i32 + 8,
        (true, true) => TICK_GAP + tick_h + 8,
        (false, _) => 6,
    };
    let mut chart = ChartBuilder::on(area)
        .margin_left(MARGIN_LEFT)
        .margin_right(MARGIN_RIGHT)
        .margin_top(10)
        .margin_bottom(4)
        .x_label_area_size(x_area)
        .y_label_area_size(f.y_area.max(y_area_for(area, &f.y)?))
        .build_cartesian_2d(Ticked(f.x.clone()), Ticked(f.y.clone()))?;
    // Grid at the ticks, then the axes with tick marks (drawn here rather than by plotters'
    // mesh, which would leave an empty SVG <text> per tick).
    let grid = st::GRID.stroke_width(1);
    for &t in f.x.ticks.iter().filter(|&&t| t > f.x.lo && t <= f.x.hi) {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(t, f.y.lo), (t, f.y.hi)],
            grid,
        )))?;
    }
    for &t in f.y.ticks.iter().filter(|&&t| t > f.y.lo && t <= f.y.hi) {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(f.x.lo, t), (f.x.hi, t)],
            grid,
        )))?;
    }
    let base = area.get_base_pixel();
    let (left, bottom) = chart.backend_coord(&(f.x.lo, f.y.lo));
    let (right, top) = chart.backend_coord(&(f.x.hi, f.y.hi));
    let (left, right, top, bottom) = (left - base.0, right - base.0, top - base.1, bottom - base.1);
    let axis = st::AXIS.stroke_width(1);
    area.draw(&PathElement::new(vec![(left, top), (left, bottom)], axis))?;
    area.draw(&PathElement::new(
        vec![(left, bottom), (right, bottom)],
        axis,
    ))?;
    let tick_style = st::font(TICK_SIZE);
    if f.x_labels {
        for &t in &f.x.ticks {
            let px = chart.backend_coord(&(t, f.y.lo)).0 - base.0;
            area.draw(&PathElement::new(
                vec![(px, bottom), (px, bottom + 5)],
                axis,
            ))?;
            text::put(
                area,
                &f.x.label(t),
                &tick_style,
                (px, bottom + TICK_GAP),
                (HPos::Center, VPos::Top),
                false,
            )?;
        }
        let at = ((left + right) / 2, bottom + TICK_GAP + tick_h + 10);
        text::put(
            area,
            f.x_desc,
            &st::font(DESC_SIZE),
            at,
            (HPos::Center, VPos::Top),
            false,
        )?;
    }
    let mut widest = 0;
    for &t in &f.y.ticks {
        let py = chart.backend_coord(&(f.x.lo, t)).1 - base.1;
        area.draw(&PathElement::new(vec![(left - 5, py), (left, py)], axis))?;
        let label = f.y.label(t);
        widest = widest.max(text_width(area, &label, &tick_style)? as i32);
        text::put(
            area,
            &label,
            &tick_style,
            (left - TICK_GAP, py),
            (HPos::Right, VPos::Center),
            false,
        )?;
    }
    // The description close to the tick labels, but inside the panel.
    let desc_x = (left - TICK_GAP - widest - 12 - DESC_SIZE as i32).max(MARGIN_LEFT as i32 / 2);
    let at = (desc_x, (top + bottom) / 2);
    text::put(
        area,
        f.y_desc,
        &st::font(DESC_SIZE),
        at,
        (HPos::Center, VPos::Top),
        true,
    )?;
    Ok(chart)
}

/// Width of a y label area fitting the tick labels of `axis` plus a rotated description.
pub fn y_area_for<DB: Backend>(area: &Area<DB>, axis: &Axis) -> Result<u32>
where
    DB::ErrorType: 'static,
{
    let mut widest = 0;
    for &t in &axis.ticks {
        widest = widest.max(text_width(area, &axis.label(t), &st::font(TICK_SIZE))?);
    }
    Ok(widest + TICK_GAP as u32 + 10 + DESC_SIZE as u32 + 6)
}

/// Runs of consecutive finite points.
pub fn finite_runs(points: impl IntoIterator<Item = (f64, f64)>) -> Vec<Vec<(f64, f64)>> {
    let mut runs = vec![];
    let mut current = vec![];
    for (x, y) in points {
        if x.is_finite() && y.is_finite() {
            current.push((x, y));
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// A line broken at NaN; an isolated point becomes a dot.
pub fn line<DB: Backend>(
    chart: &mut Chart<DB>,
    points: Vec<(f64, f64)>,
    style: ShapeStyle,
    dashed: bool,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    for run in finite_runs(points) {
        if run.len() == 1 {
            chart.draw_series(std::iter::once(Circle::new(
                run[0],
                style.stroke_width + 1,
                style.filled(),
            )))?;
        } else if dashed {
            chart.draw_series(std::iter::once(DashedPathElement::new(run, 12, 7, style)))?;
        } else {
            chart.draw_series(std::iter::once(PathElement::new(run, style)))?;
        }
    }
    Ok(())
}

/// A shaded band between `low` and `high` (scaled by `scale`), broken at NaN.
pub fn band<DB: Backend>(
    chart: &mut Chart<DB>,
    x: &[f64],
    low: &[f64],
    high: &[f64],
    scale: f64,
    colour: RGBColor,
    alpha: f64,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let rows = x
        .iter()
        .zip(low)
        .zip(high)
        .map(|((&x, &l), &h)| (x, l * scale, h * scale));
    let mut runs: Vec<Vec<(f64, f64, f64)>> = vec![];
    let mut current = vec![];
    for (x, l, h) in rows {
        if x.is_finite() && l.is_finite() && h.is_finite() {
            current.push((x, l, h));
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    for run in runs.into_iter().filter(|r| r.len() > 1) {
        let mut poly: Vec<(f64, f64)> = run.iter().map(|&(x, _, h)| (x, h)).collect();
        poly.extend(run.iter().rev().map(|&(x, l, _)| (x, l)));
        chart.draw_series(std::iter::once(Polygon::new(
            poly,
            colour.mix(alpha).filled(),
        )))?;
    }
    Ok(())
}

/// A vertical bar from 0 to `v` between `x0` and `x1`.
pub fn bar<DB: Backend>(
    chart: &mut Chart<DB>,
    x0: f64,
    x1: f64,
    v: f64,
    colour: RGBColor,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    if v.is_finite() {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x0, 0.0), (x1, v)],
            colour.filled(),
        )))?;
    }
    Ok(())
}

/// A light filled box from `lo` to `hi` between `x0` and `x1` (a band behind a bar).
pub fn span<DB: Backend>(
    chart: &mut Chart<DB>,
    (x0, x1): (f64, f64),
    lo: f64,
    hi: f64,
    colour: RGBColor,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    if lo.is_finite() && hi.is_finite() {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x0, lo), (x1, hi)],
            colour.mix(0.22).filled(),
        )))?;
    }
    Ok(())
}

/// A vertical error bar from `lo` to `hi` at `x`, with caps `half` wide either side.
pub fn error_bar<DB: Backend>(
    chart: &mut Chart<DB>,
    x: f64,
    lo: f64,
    hi: f64,
    half: f64,
    colour: RGBColor,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    if !(lo.is_finite() && hi.is_finite() && x.is_finite()) {
        return Ok(());
    }
    let s = colour.stroke_width(2);
    chart.draw_series([
        PathElement::new(vec![(x, lo), (x, hi)], s),
        PathElement::new(vec![(x - half, lo), (x + half, lo)], s),
        PathElement::new(vec![(x - half, hi), (x + half, hi)], s),
    ])?;
    Ok(())
}

/// A horizontal line at `y` across the chart.
pub fn hline<DB: Backend>(chart: &mut Chart<DB>, x: &Axis, y: f64, style: ShapeStyle) -> Result<()>
where
    DB::ErrorType: 'static,
{
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(x.lo, y), (x.hi, y)],
        style,
    )))?;
    Ok(())
}

/// Finite extremes of some values.
pub fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// One monthly series on a time panel.
pub struct TimeLine<'a> {
    pub series: &'a SeriesBand,
    pub colour: RGBColor,
    pub dashed: bool,
    /// Opacity of the 5-95% band (0 = no band).
    pub band: f64,
}

/// How a time panel is drawn.
pub struct TimeOpts<'s> {
    pub y_desc: &'s str,
    pub y: ValueOpts,
    /// Multiply values (e.g. 100 for percent).
    pub scale: f64,
    /// Fixed y range instead of the data's.
    pub fixed_y: Option<Axis>,
    /// Draw the x tick labels and "Year".
    pub x_labels: bool,
    pub max_year_labels: usize,
    pub y_area: u32,
}

impl<'s> TimeOpts<'s> {
    /// Counts over time (households, projects): data-driven y axis, year labels shown.
    pub fn counts(y_desc: &'s str) -> Self {
        TimeOpts {
            y_desc,
            y: ValueOpts::COUNT,
            scale: 1.0,
            fixed_y: None,
            x_labels: true,
            max_year_labels: 12,
            y_area: Y_AREA,
        }
    }
}

/// The time axis of monthly series (None when none has a finite time).
pub fn time_axis(series: &[&SeriesBand], max_labels: usize) -> Option<Axis> {
    extent(series.iter().flat_map(|s| s.x.iter().copied()))
        .map(|(lo, hi)| Axis::time(lo, hi, max_labels))
}

/// Monthly series on a time axis: light bands, then median lines. Says "No data" when no series
/// has a finite value.
pub fn time_panel<DB: Backend>(
    area: &Area<DB>,
    lines: &[TimeLine],
    opts: &TimeOpts,
    x: Option<Axis>,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let all: Vec<&SeriesBand> = lines.iter().map(|l| l.series).collect();
    let y_values = lines.iter().flat_map(|l| {
        let band = if l.band > 0.0 {
            l.series.low.iter().chain(&l.series.high).copied().collect()
        } else {
            vec![]
        };
        l.series
            .median
            .iter()
            .copied()
            .chain(band)
            .map(|v| v * opts.scale)
    });
    let (Some(x_axis), Some((lo, hi))) = (
        x.or_else(|| time_axis(&all, opts.max_year_labels)),
        extent(y_values),
    ) else {
        return no_data(area, "No data");
    };
    let y_axis = opts
        .fixed_y
        .clone()
        .unwrap_or_else(|| Axis::values(lo, hi, opts.y));
    let f = Frame {
        x: x_axis,
        y: y_axis,
        x_desc: "Year",
        y_desc: opts.y_desc,
        x_labels: opts.x_labels,
        y_area: opts.y_area,
    };
    let mut chart = frame(area, &f)?;
    for l in lines.iter().filter(|l| l.band > 0.0) {
        band(
            &mut chart,
            &l.series.x,
            &l.series.low,
            &l.series.high,
            opts.scale,
            l.colour,
            l.band,
        )?;
    }
    for l in lines {
        let pts = l
            .series
            .x
            .iter()
            .zip(&l.series.median)
            .map(|(&x, &y)| (x, y * opts.scale))
            .collect();
        line(&mut chart, pts, l.colour.stroke_width(LINE_WIDTH), l.dashed)?;
    }
    Ok(())
}

/// One yearly series drawn as bars (mean) or a line with markers (mean).
pub struct YearBars<'a> {
    pub series: &'a YearSeries,
    pub colour: RGBColor,
}

/// How a year panel is drawn.
pub struct YearOpts<'s> {
    pub y_desc: &'s str,
    pub y: ValueOpts,
    /// Multiply values (100 for percent, 1e-6 for million yuan).
    pub scale: f64,
    /// Draw the 5-95% range: error bars on bars, a light band around lines.
    pub range: bool,
    pub max_year_labels: usize,
    pub y_area: u32,
}

/// The calendar-year axis of yearly series (None when none has a point).
pub fn year_axis(series: &[&YearSeries], max_labels: usize) -> Option<Axis> {
    let years = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let (lo, hi) = years.fold(None, |acc: Option<(u32, u32)>, y| match acc {
        None => Some((y, y)),
        Some((a, b)) => Some((a.min(y), b.max(y))),
    })?;
    Some(Axis::years(lo, hi, max_labels))
}

fn year_value_axis(series: &[YearBars], opts: &YearOpts) -> Option<Axis> {
    let values = series.iter().flat_map(|s| {
        s.series.points.iter().flat_map(|(_, b)| {
            let range = if opts.range {
                vec![b.p5, b.p95]
            } else {
                vec![]
            };
            std::iter::once(b.mean).chain(range)
        })
    });
    extent(values.map(|v| v * opts.scale)).map(|(lo, hi)| Axis::values(lo, hi, opts.y))
}

/// Grouped bars (one group per year, one bar per series) with 5-95% error bars.
pub fn year_bars_panel<DB: Backend>(
    area: &Area<DB>,
    bars: &[YearBars],
    opts: &YearOpts,
    x: Option<Axis>,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let all: Vec<&YearSeries> = bars.iter().map(|b| b.series).collect();
    let x = x.or_else(|| year_axis(&all, opts.max_year_labels));
    let (Some(x), Some(y)) = (x, year_value_axis(bars, opts)) else {
        return no_data(area, "No data");
    };
    let f = Frame {
        x: x.clone(),
        y,
        x_desc: "Year",
        y_desc: opts.y_desc,
        x_labels: true,
        y_area: opts.y_area,
    };
    let mut chart = frame(area, &f)?;
    let n = bars.len().max(1) as f64;
    let group = 0.8;
    let width = group / n;
    for (k, b) in bars.iter().enumerate() {
        for (year, band) in &b.series.points {
            let x0 = *year as f64 - group / 2.0 + k as f64 * width;
            let gap = width * 0.08;
            bar(
                &mut chart,
                x0 + gap,
                x0 + width - gap,
                band.mean * opts.scale,
                b.colour,
            )?;
        }
    }
    if let [only] = bars {
        // A year on the axis without a value (e.g. a rate with a zero denominator) says so,
        // rather than looking like a zero.
        let first = x.ticks.first().copied().unwrap_or(x.lo + 0.5) as i64;
        let last = (x.hi - 0.5).round() as i64;
        for year in first..=last {
            if !only.series.points.iter().any(|(y, _)| *y as i64 == year) {
                let (px, py) = chart.backend_coord(&(year as f64, 0.0));
                let base = area.get_base_pixel();
                let at = (px - base.0, py - base.1 - 6);
                text::put(
                    area,
                    "n/a",
                    &st::muted(TICK_SIZE - 2.0),
                    at,
                    (HPos::Center, VPos::Bottom),
                    false,
                )?;
            }
        }
    }
    if opts.range {
        for (k, b) in bars.iter().enumerate() {
            for (year, band) in &b.series.points {
                let xm = *year as f64 - group / 2.0 + (k as f64 + 0.5) * width;
                let range = (band.p5 * opts.scale, band.p95 * opts.scale);
                error_bar(&mut chart, xm, range.0, range.1, width * 0.2, st::TEXT)?;
            }
        }
    }
    hline(&mut chart, &x, 0.0, st::AXIS.stroke_width(1))?;
    Ok(())
}

/// Lines with markers (mean per year; a line breaks where a year is missing), optionally over
/// light 5-95% bands.
pub fn year_lines_panel<DB: Backend>(
    area: &Area<DB>,
    lines: &[YearBars],
    opts: &YearOpts,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let all: Vec<&YearSeries> = lines.iter().map(|b| b.series).collect();
    let (Some(x), Some(y)) = (
        year_axis(&all, opts.max_year_labels),
        year_value_axis(lines, opts),
    ) else {
        return no_data(area, "No data");
    };
    let f = Frame {
        x,
        y,
        x_desc: "Year",
        y_desc: opts.y_desc,
        x_labels: true,
        y_area: opts.y_area,
    };
    let mut chart = frame(area, &f)?;
    // Fill missing years with NaN so that lines break there.
    let dense =
        |s: &YearSeries, get: &dyn Fn(&crate::summary::Band) -> f64| -> (Vec<f64>, Vec<f64>) {
            let mut xs = vec![];
            let mut ys = vec![];
            let mut prev: Option<u32> = None;
            for (year, b) in &s.points {
                if let Some(p) = prev {
                    if *year > p + 1 {
                        xs.push(f64::NAN);
                        ys.push(f64::NAN);
                    }
                }
                xs.push(*year as f64);
                ys.push(get(b) * opts.scale);
                prev = Some(*year);
            }
            (xs, ys)
        };
    if opts.range {
        for l in lines {
            let (xs, lo) = dense(l.series, &|b| b.p5);
            let (_, hi) = dense(l.series, &|b| b.p95);
            band(&mut chart, &xs, &lo, &hi, 1.0, l.colour, 0.12)?;
        }
    }
    for l in lines {
        let (xs, ys) = dense(l.series, &|b| b.mean);
        line(
            &mut chart,
            xs.iter().copied().zip(ys.iter().copied()).collect(),
            l.colour.stroke_width(LINE_WIDTH),
            false,
        )?;
        let dots = xs
            .iter()
            .zip(&ys)
            .filter(|(x, y)| x.is_finite() && y.is_finite());
        chart.draw_series(dots.map(|(&x, &y)| Circle::new((x, y), 6, l.colour.filled())))?;
    }
    Ok(())
}
