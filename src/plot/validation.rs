//! The validation chart of one series of targets: per target, the model's pooled value with its
//! 5-95% band over replicates beside the observed value with its 90% uncertainty range, fitting
//! targets and validation-only targets told apart by colour.

use anyhow::Result;
use plotters::element::{Circle, TriangleMarker};
use plotters::style::Color;

use super::draw::{self, Area, Frame, Item, Swatch, Y_AREA};
use super::style as st;
use super::sweep::{category_axis, free_axis, plot_box, x_category_labels};
use super::text::Backend;

/// One target on a validation chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationPoint {
    /// Category label under the axis (the year, or the target's name).
    pub label: String,
    /// Model value pooled over replicates (NaN = cannot be computed).
    pub model: f64,
    /// 5% quantile over replicates.
    pub model_p5: f64,
    /// 95% quantile over replicates.
    pub model_p95: f64,
    /// Observed value.
    pub observed: f64,
    /// Low end of its 90% uncertainty range.
    pub observed_low: f64,
    /// High end of its 90% uncertainty range.
    pub observed_high: f64,
    /// A fitting target (false: validation only).
    pub fit: bool,
}

/// The data of one validation chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationChartData {
    /// File stem, e.g. `validation_headcount`.
    pub name: String,
    /// The series, e.g. `headcount`.
    pub series: String,
    /// Axis description: the statistic.
    pub y_desc: String,
    /// Scenario label.
    pub scenario: String,
    /// The targets, in file order.
    pub points: Vec<ValidationPoint>,
}

/// Colour of the model.
const MODEL: plotters::style::RGBColor = st::BLUE;
/// Colour of fitting targets.
const FIT: plotters::style::RGBColor = st::VERMILLION;
/// Colour of validation-only targets.
const VALIDATION: plotters::style::RGBColor = st::GREEN;

/// Title of the chart.
pub fn title(d: &ValidationChartData) -> String {
    format!(
        "Validation: {} ({}), model vs observed",
        d.series, d.scenario
    )
}

/// Draws the chart.
pub fn paint<DB: Backend>(area: &Area<DB>, d: &ValidationChartData) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let values = d.points.iter().flat_map(|p| {
        [
            p.model,
            p.model_p5,
            p.model_p95,
            p.observed,
            p.observed_low,
            p.observed_high,
        ]
    });
    let Some((lo, hi)) = draw::extent(values) else {
        return draw::no_data(area, "No data");
    };
    let items = vec![
        Item::new(
            Swatch::ErrorBar(MODEL),
            "model: dot pooled over replicates, bar 5-95% of replicates",
        ),
        Item::new(
            Swatch::ErrorBar(FIT),
            "observed, fitting target: triangle, bar 90% uncertainty",
        ),
        Item::new(Swatch::ErrorBar(VALIDATION), "observed, validation only"),
    ];
    let area = draw::legend(area, &items, (draw::MARGIN_LEFT + Y_AREA) as i32)?;
    let x = category_axis(d.points.len());
    let y = free_axis(lo, hi, 6);
    let f = Frame {
        x: x.clone(),
        y: y.clone(),
        x_desc: "",
        y_desc: &d.y_desc,
        x_labels: true,
        y_area: Y_AREA,
    };
    let mut chart = draw::frame(&area, &f)?;
    let (left, _, right, _) = plot_box(&area, &chart, &x, &y);
    let per_pixel = (x.hi - x.lo) / (right - left).max(1) as f64;
    let half = 8.0 * per_pixel;
    let offset = 18.0 * per_pixel;
    for (k, p) in d.points.iter().enumerate() {
        let at = k as f64;
        draw::error_bar(
            &mut chart,
            at - offset,
            p.model_p5,
            p.model_p95,
            half,
            MODEL,
        )?;
        if p.model.is_finite() {
            chart.draw_series(std::iter::once(Circle::new(
                (at - offset, p.model),
                6,
                MODEL.filled(),
            )))?;
        }
        let colour = if p.fit { FIT } else { VALIDATION };
        draw::error_bar(
            &mut chart,
            at + offset,
            p.observed_low,
            p.observed_high,
            half,
            colour,
        )?;
        if p.observed.is_finite() {
            chart.draw_series(std::iter::once(TriangleMarker::new(
                (at + offset, p.observed),
                8,
                colour.filled(),
            )))?;
        }
    }
    let labels: Vec<String> = d.points.iter().map(|p| p.label.clone()).collect();
    x_category_labels(&area, &chart, (&x, &y), &labels)?;
    Ok(())
}
