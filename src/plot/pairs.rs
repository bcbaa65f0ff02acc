//! The posterior pair plot: a k x k matrix of panels over the calibrated parameters. The
//! diagonal holds each parameter's weighted histogram over its prior range, the lower triangle
//! the particles of each pair of parameters (darker = heavier weight), the upper triangle the
//! weighted correlation of the pair. An optional known value (synthetic tests) is marked in
//! every panel.
//!
//! Panels are small (down to about 110 pixels for 12 parameters), so the matrix is drawn in
//! pixels on one area with its own compact ticks rather than with [`super::draw::frame`].

use anyhow::Result;
use plotters::element::{Circle, DashedPathElement, PathElement, Rectangle};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor, TextStyle};

use super::draw::{self, Area, Item, Swatch, MARGIN_LEFT};
use super::style::{self as st, Axis, ValueOpts};
use super::text::{self, Backend};

/// Data of a posterior pair plot.
#[derive(Debug, Clone, PartialEq)]
pub struct PairPlotData {
    /// File stem, e.g. "pairs".
    pub name: String,
    /// Drawn title.
    pub title: String,
    /// Parameter names (dotted scenario keys), k of them (k >= 1).
    pub keys: Vec<String>,
    /// Prior range per key, (low, high) in the key's own unit: the axis limits.
    pub ranges: Vec<(f64, f64)>,
    /// One row per particle, k values each (in key order).
    pub particles: Vec<Vec<f64>>,
    /// One weight per particle, summing to 1 (renormalised over the usable particles).
    pub weights: Vec<f64>,
    /// Optional known values, k of them (synthetic tests), marked in every panel.
    pub truth: Option<Vec<f64>>,
}

/// Number of histogram bins over a prior range.
pub const BINS: usize = 15;
/// At most this many particles (the heaviest) are drawn per scatter panel.
pub const MAX_POINTS: usize = 2000;
/// At most about this many particle dots over all scatter panels (keeps the SVG under ~6 MB).
const MAX_DOTS: usize = 60_000;

/// Particles drawn per scatter panel for `k` parameters: [`MAX_POINTS`], fewer for large k so
/// that the matrix stays within [`MAX_DOTS`] (but never under 500).
pub fn points_per_panel(k: usize) -> usize {
    let panels = (k * k.saturating_sub(1) / 2).max(1);
    (MAX_DOTS / panels).clamp(500, MAX_POINTS)
}

/// Tick label of `t`: compact ("15k", "2.5M") on axes reaching 10,000, else as the axis writes.
fn tick_label(axis: &Axis, t: f64) -> String {
    let reach = axis.lo.abs().max(axis.hi.abs());
    let (div, unit) = if reach >= 1e6 {
        (1e6, "M")
    } else if reach >= 1e4 {
        (1e3, "k")
    } else {
        return axis.label(t);
    };
    let v = t / div;
    let text = format!("{v:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    let text = if text == "-0" { "0" } else { text };
    format!("{text}{unit}")
}

/// Colour of histograms and particles.
const MAIN: RGBColor = st::BLUE;
/// Colour of the known values.
const TRUTH: RGBColor = st::VERMILLION;
/// Colour tint of a negative correlation.
const NEGATIVE: RGBColor = st::VERMILLION;
/// Right margin of the matrix, pixels.
const RIGHT: i32 = 24;
/// Gap between a label and its axis, pixels.
const GAP: i32 = 6;

/// Canvas size (width, height) in pixels for `k` parameters: the default chart size for one,
/// square and growing with k so that up to 12 parameters stay readable.
pub fn canvas(k: usize) -> (u32, u32) {
    match k {
        0 | 1 => (super::WIDTH, super::HEIGHT),
        2..=4 => (1200, 1200),
        5..=7 => (1400, 1400),
        _ => (1600, 1600),
    }
}

/// Title of the chart (the caller's).
pub fn title(d: &PairPlotData) -> String {
    d.title.clone()
}

/// The last segment of a dotted key: "village.cadre.skill" -> "skill".
pub fn short_key(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

/// The usable particles: for each, its values (NaN where missing) and its weight renormalised
/// over the particles with a positive finite weight and at least one finite value.
fn usable(d: &PairPlotData) -> Vec<(Vec<f64>, f64)> {
    let k = d.keys.len();
    let rows: Vec<(Vec<f64>, f64)> = d
        .particles
        .iter()
        .enumerate()
        .filter_map(|(n, row)| {
            let w = d.weights.get(n).copied().unwrap_or(0.0);
            let values: Vec<f64> = (0..k)
                .map(|i| {
                    row.get(i)
                        .copied()
                        .filter(|v| v.is_finite())
                        .unwrap_or(f64::NAN)
                })
                .collect();
            (w.is_finite() && w > 0.0 && values.iter().any(|v| v.is_finite()))
                .then_some((values, w))
        })
        .collect();
    let total: f64 = rows.iter().map(|r| r.1).sum();
    if !(total.is_finite() && total > 0.0) {
        return vec![];
    }
    rows.into_iter().map(|(v, w)| (v, w / total)).collect()
}

/// The axis of parameter `i`: its prior range when finite and wide, else the particles' extent
/// with headroom (None when neither exists).
fn param_axis(range: Option<(f64, f64)>, values: impl Iterator<Item = f64>) -> Option<Axis> {
    let opts = ValueOpts {
        include_zero: false,
        pad_zero: true,
        target: 5,
        ..ValueOpts::AMOUNT
    };
    match range {
        Some((lo, hi)) if lo.is_finite() && hi.is_finite() && hi > lo => {
            let mut axis = Axis::values(lo, hi, opts);
            axis.lo = lo;
            axis.hi = hi;
            Some(axis)
        }
        _ => draw::extent(values).map(|(lo, hi)| Axis::values(lo, hi, opts)),
    }
}

/// Ticks of `axis` at about `target` intervals, inside its range.
fn ticks_for(axis: &Axis, target: usize) -> Axis {
    let opts = ValueOpts {
        include_zero: false,
        pad_zero: true,
        target,
        ..ValueOpts::AMOUNT
    };
    let mut a = Axis::values(axis.lo, axis.hi, opts);
    let eps = 1e-9 * (axis.hi - axis.lo).abs();
    a.ticks
        .retain(|t| *t >= axis.lo - eps && *t <= axis.hi + eps);
    a.lo = axis.lo;
    a.hi = axis.hi;
    a
}

/// Fraction of the way from `lo` to `hi` at which `v` lies.
fn frac(axis: &Axis, v: f64) -> f64 {
    (v - axis.lo) / (axis.hi - axis.lo)
}

/// One panel's plotting box in pixels: left, top, right, bottom.
#[derive(Debug, Clone, Copy)]
struct Cell {
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
}

impl Cell {
    fn px(&self, axis: &Axis, v: f64) -> i32 {
        self.x0 + (frac(axis, v) * (self.x1 - self.x0) as f64).round() as i32
    }
    fn py(&self, axis: &Axis, v: f64) -> i32 {
        self.y1 - (frac(axis, v) * (self.y1 - self.y0) as f64).round() as i32
    }
    fn centre(&self) -> (i32, i32) {
        ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)
    }
}

/// Ticks whose labels fit along a slot of `len` pixels (label extents from `size`), at the
/// largest count that does not crowd; pixel positions from `at`.
fn fitting_ticks<DB: Backend>(
    area: &Area<DB>,
    axis: &Axis,
    len: i32,
    style: &TextStyle,
    horizontal: bool,
) -> Result<Axis>
where
    DB::ErrorType: 'static,
{
    let font = style.font.get_size() as i32;
    let mut fallback = None;
    for target in [5, 4, 3, 2] {
        let a = ticks_for(axis, target);
        let mut spans = vec![];
        for &t in &a.ticks {
            let centre = (frac(&a, t) * len as f64) as i32;
            let half = if horizontal {
                text::width(area, &tick_label(&a, t), style)? as i32 / 2 + 3
            } else {
                font / 2 + 3
            };
            // The label stays inside its panel (not over the neighbour's).
            if centre - half >= 0 && centre + half <= len {
                spans.push((centre - half, centre + half, t));
            }
        }
        let apart = spans.windows(2).all(|w| w[0].1 <= w[1].0);
        if apart && spans.len() >= 2 {
            return Ok(Axis {
                ticks: spans.iter().map(|s| s.2).collect(),
                ..a
            });
        }
        if apart && !spans.is_empty() && fallback.is_none() {
            fallback = Some(Axis {
                ticks: spans.iter().map(|s| s.2).collect(),
                ..a.clone()
            });
        }
    }
    Ok(fallback.unwrap_or(Axis {
        ticks: vec![],
        ..axis.clone()
    }))
}

/// Weighted Pearson correlation of two parameters (None for fewer than 3 particles or no
/// spread).
fn weighted_correlation(rows: &[(Vec<f64>, f64)], i: usize, j: usize) -> Option<f64> {
    let pts: Vec<(f64, f64, f64)> = rows
        .iter()
        .filter(|r| r.0[i].is_finite() && r.0[j].is_finite())
        .map(|r| (r.0[j], r.0[i], r.1))
        .collect();
    let total: f64 = pts.iter().map(|p| p.2).sum();
    if pts.len() < 3 || total <= 0.0 {
        return None;
    }
    let mx = pts.iter().map(|p| p.0 * p.2).sum::<f64>() / total;
    let my = pts.iter().map(|p| p.1 * p.2).sum::<f64>() / total;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y, w) in &pts {
        sxy += w * (x - mx) * (y - my);
        sxx += w * (x - mx) * (x - mx);
        syy += w * (y - my) * (y - my);
    }
    let r = sxy / (sxx * syy).sqrt();
    r.is_finite().then_some(r.clamp(-1.0, 1.0))
}

/// Weighted histogram of parameter `i` over `axis`, as the share of weight per bin (values
/// outside the axis are left out).
fn histogram(rows: &[(Vec<f64>, f64)], i: usize, axis: &Axis) -> Vec<f64> {
    let mut bins = vec![0.0; BINS];
    for (values, w) in rows {
        let t = frac(axis, values[i]);
        if (0.0..=1.0).contains(&t) {
            let b = ((t * BINS as f64) as usize).min(BINS - 1);
            bins[b] += w;
        }
    }
    bins
}

/// Kish's effective sample size of the weights: 1 / sum of squared weights.
fn effective_size(rows: &[(Vec<f64>, f64)]) -> f64 {
    1.0 / rows.iter().map(|r| r.1 * r.1).sum::<f64>()
}

/// Draws the chart.
pub fn paint<DB: Backend>(area: &Area<DB>, d: &PairPlotData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let k = d.keys.len();
    let rows = usable(d);
    if k == 0 || rows.is_empty() {
        return draw::no_data(area, "No data");
    }
    let axes: Vec<Option<Axis>> = (0..k)
        .map(|i| param_axis(d.ranges.get(i).copied(), rows.iter().map(|r| r.0[i])))
        .collect();
    let truth: Option<&Vec<f64>> = d.truth.as_ref().filter(|t| t.len() == k);

    // Caption and legend.
    let mut caption = format!(
        "{} particles (effective {}). {}: weighted histogram over the prior range ({BINS} bins).",
        st::thousands(rows.len() as f64, 0),
        st::thousands(effective_size(&rows), 0),
        if k > 1 { "Diagonal" } else { "Bars" }
    );
    if k > 1 {
        caption += " Below: particles, darker if heavier. Above: weighted correlation r.";
    }
    let cap = points_per_panel(k);
    if k > 1 && rows.len() > cap {
        caption += &format!(
            " The heaviest {} particles are drawn.",
            st::thousands(cap as f64, 0)
        );
    }
    let area = draw::caption(area, &caption, MARGIN_LEFT as i32 + 10)?;
    let area = match truth {
        Some(_) => draw::legend(
            &area,
            &[Item::new(
                Swatch::Dashed(TRUTH),
                if k > 1 {
                    "known value (line on the diagonal, cross below it)"
                } else {
                    "known value"
                },
            )],
            MARGIN_LEFT as i32 + 10,
        )?,
        None => area,
    };

    // Geometry: font sizes from a first estimate of the panel size, then the margins.
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let guess = ((w - 110).min(h - 110) / k as i32).max(20);
    let tick_size = (guess as f64 / 9.0).clamp(12.0, 16.0);
    let label_size = tick_size + 2.0;
    let tick_style = st::font(tick_size);
    let label_style = st::font(label_size);
    let gap = if k >= 8 { 8 } else { 12 };
    let header_size = tick_size;
    let top = header_size as i32 + 10;
    let bottom = GAP + tick_size as i32 + 8 + label_size as i32 + 12;
    // Panel height, then the y ticks, whose widest label sets the left margin.
    let ph = (h - top - bottom) / k as i32;
    let mut y_ticks: Vec<Option<Axis>> = vec![];
    let mut widest = 0;
    for a in &axes {
        y_ticks.push(match a {
            Some(a) => {
                let y = fitting_ticks(&area, a, ph - gap, &tick_style, false)?;
                for &t in &y.ticks {
                    widest =
                        widest.max(text::width(&area, &tick_label(&y, t), &tick_style)? as i32);
                }
                Some(y)
            }
            None => None,
        });
    }
    let left = MARGIN_LEFT as i32 + label_size as i32 + 10 + widest + GAP + 6;
    let pw = (w - left - RIGHT) / k as i32;
    // Square panels in a matrix (centred across), one wide panel for one parameter.
    let (pw, ph) = if k > 1 {
        (pw.min(ph), pw.min(ph))
    } else {
        (pw, ph)
    };
    let p = pw.min(ph);
    if p < 24 {
        return draw::no_data(&area, "No room to draw");
    }
    let left = left + (w - left - RIGHT - k as i32 * pw) / 2;
    let mut ticks: Vec<Option<(Axis, Axis)>> = vec![];
    for (a, y) in axes.iter().zip(y_ticks) {
        ticks.push(match (a, y) {
            (Some(a), Some(y)) => Some((fitting_ticks(&area, a, pw - gap, &tick_style, true)?, y)),
            _ => None,
        });
    }
    let cell = |i: usize, j: usize| {
        let (x, y) = (left + j as i32 * pw, top + i as i32 * ph);
        Cell {
            x0: x + gap / 2,
            y0: y + gap / 2,
            x1: x + pw - gap / 2,
            y1: y + ph - gap / 2,
        }
    };

    // The particles drawn in scatter panels: the heaviest, lightest first so heavy ones are on top.
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| rows[b].1.total_cmp(&rows[a].1).then(a.cmp(&b)));
    order.truncate(cap);
    order.reverse();
    let w_max = rows.iter().map(|r| r.1).fold(0.0, f64::max);
    let radius = if p < 160 || order.len() > 800 { 2 } else { 3 };

    let frame = st::AXIS.stroke_width(1);
    let grid = st::GRID.stroke_width(1);
    let muted = st::muted(tick_size);
    for i in 0..k {
        for j in 0..k {
            let c = cell(i, j);
            if i < j {
                // Upper triangle: weighted correlation, tinted by sign and strength.
                let Some(r) = weighted_correlation(&rows, i, j) else {
                    continue;
                };
                let tint = if r >= 0.0 { MAIN } else { NEGATIVE };
                area.draw(&Rectangle::new(
                    [(c.x0, c.y0), (c.x1, c.y1)],
                    tint.mix(0.05 + 0.3 * r.abs()).filled(),
                ))?;
                let size = (p as f64 / 6.0).clamp(13.0, 24.0);
                text::put(
                    &area,
                    &format!("r = {}", st::thousands(r, 2)),
                    &st::font(size),
                    c.centre(),
                    (HPos::Center, VPos::Center),
                    false,
                )?;
                continue;
            }
            area.draw(&Rectangle::new([(c.x0, c.y0), (c.x1, c.y1)], frame))?;
            let (Some((ax, _)), Some((_, ay))) = (&ticks[j], &ticks[i]) else {
                text::put(
                    &area,
                    "No data",
                    &muted,
                    c.centre(),
                    (HPos::Center, VPos::Center),
                    false,
                )?;
                continue;
            };
            for &t in &ax.ticks {
                let x = c.px(ax, t);
                area.draw(&PathElement::new(vec![(x, c.y0 + 1), (x, c.y1 - 1)], grid))?;
            }
            if i == j {
                let bins = histogram(&rows, i, ax);
                let top_share = bins.iter().copied().fold(0.0, f64::max);
                if top_share <= 0.0 {
                    text::put(
                        &area,
                        "No data in range",
                        &muted,
                        c.centre(),
                        (HPos::Center, VPos::Center),
                        false,
                    )?;
                }
                let height = (c.y1 - c.y0) as f64 * 0.9;
                let width = (c.x1 - c.x0) as f64 / BINS as f64;
                for (b, share) in bins.iter().enumerate().filter(|(_, s)| **s > 0.0) {
                    let x0 = c.x0 + (b as f64 * width).round() as i32;
                    let x1 = c.x0 + ((b + 1) as f64 * width).round() as i32;
                    // A thin white seam between bars, where they are wide enough.
                    let x1 = if x1 - x0 > 6 { x1 - 1 } else { x1 };
                    let y = c.y1 - (share / top_share * height).round().max(1.0) as i32;
                    area.draw(&Rectangle::new(
                        [(x0, y), (x1, c.y1)],
                        MAIN.mix(0.8).filled(),
                    ))?;
                }
                if let Some(v) = truth
                    .map(|t| t[i])
                    .filter(|v| (0.0..=1.0).contains(&frac(ax, *v)))
                {
                    let x = c.px(ax, v);
                    area.draw(&DashedPathElement::new(
                        vec![(x, c.y0), (x, c.y1)],
                        6,
                        4,
                        TRUTH.stroke_width(2),
                    ))?;
                }
            } else {
                for &t in &ay.ticks {
                    let y = c.py(ay, t);
                    area.draw(&PathElement::new(vec![(c.x0 + 1, y), (c.x1 - 1, y)], grid))?;
                }
                let inside = |x: f64, y: f64| {
                    (0.0..=1.0).contains(&frac(ax, x)) && (0.0..=1.0).contains(&frac(ay, y))
                };
                for &n in &order {
                    let (x, y) = (rows[n].0[j], rows[n].0[i]);
                    if !inside(x, y) {
                        continue;
                    }
                    let alpha = 0.12 + 0.78 * rows[n].1 / w_max;
                    area.draw(&Circle::new(
                        (c.px(ax, x), c.py(ay, y)),
                        radius,
                        MAIN.mix(alpha).filled(),
                    ))?;
                }
                if let Some(t) = truth.filter(|t| inside(t[j], t[i])) {
                    let (x, y) = (c.px(ax, t[j]), c.py(ay, t[i]));
                    let s = TRUTH.stroke_width(3);
                    let arm = 6;
                    area.draw(&PathElement::new(
                        vec![(x - arm, y - arm), (x + arm, y + arm)],
                        s,
                    ))?;
                    area.draw(&PathElement::new(
                        vec![(x - arm, y + arm), (x + arm, y - arm)],
                        s,
                    ))?;
                }
            }
        }
    }

    // Outer axes: ticks and short names under the bottom row and left of the first column.
    for (j, key) in d.keys.iter().enumerate() {
        let c = cell(k - 1, j);
        if let Some((ax, _)) = &ticks[j] {
            for &t in &ax.ticks {
                let x = c.px(ax, t);
                area.draw(&PathElement::new(vec![(x, c.y1), (x, c.y1 + 4)], frame))?;
                text::put(
                    &area,
                    &tick_label(ax, t),
                    &tick_style,
                    (x, c.y1 + GAP),
                    (HPos::Center, VPos::Top),
                    false,
                )?;
            }
        }
        let name = super::sweep::fit(&area, short_key(key), &label_style, (pw - 4).max(10) as u32)?;
        text::put(
            &area,
            &name,
            &label_style,
            ((c.x0 + c.x1) / 2, c.y1 + GAP + tick_size as i32 + 8),
            (HPos::Center, VPos::Top),
            false,
        )?;
        // The full key over the column, when it fits.
        let header = st::muted(header_size);
        if short_key(key) != key && text::width(&area, key, &header)? as i32 <= pw - 4 {
            text::put(
                &area,
                key,
                &header,
                ((c.x0 + c.x1) / 2, top - 6),
                (HPos::Center, VPos::Bottom),
                false,
            )?;
        }
    }
    for (i, key) in d.keys.iter().enumerate().skip(1) {
        let c = cell(i, 0);
        if let Some((_, ay)) = &ticks[i] {
            for &t in &ay.ticks {
                let y = c.py(ay, t);
                area.draw(&PathElement::new(vec![(c.x0 - 4, y), (c.x0, y)], frame))?;
                text::put(
                    &area,
                    &tick_label(ay, t),
                    &tick_style,
                    (c.x0 - GAP, y),
                    (HPos::Right, VPos::Center),
                    false,
                )?;
            }
        }
        let name = super::sweep::fit(&area, short_key(key), &label_style, (pw - 4).max(10) as u32)?;
        text::put(
            &area,
            &name,
            &label_style,
            (
                c.x0 - GAP - widest - 10 - label_size as i32,
                (c.y0 + c.y1) / 2,
            ),
            (HPos::Center, VPos::Top),
            true,
        )?;
    }
    Ok(())
}

/// The private helpers, for the chart tests.
#[cfg(test)]
pub(super) mod tests_support {
    use super::*;

    /// The usable particles with renormalised weights.
    pub fn usable(d: &PairPlotData) -> Vec<(Vec<f64>, f64)> {
        super::usable(d)
    }

    /// The axis of parameter `i`.
    pub fn axis(d: &PairPlotData, rows: &[(Vec<f64>, f64)], i: usize) -> Option<Axis> {
        param_axis(d.ranges.get(i).copied(), rows.iter().map(|r| r.0[i]))
    }

    /// Weighted correlation of parameters `i` and `j`.
    pub fn weighted_correlation(rows: &[(Vec<f64>, f64)], i: usize, j: usize) -> Option<f64> {
        super::weighted_correlation(rows, i, j)
    }

    /// Weighted histogram of parameter `i`.
    pub fn histogram(rows: &[(Vec<f64>, f64)], i: usize, axis: &Axis) -> Vec<f64> {
        super::histogram(rows, i, axis)
    }
}
