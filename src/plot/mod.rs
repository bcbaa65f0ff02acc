//! Charts of a run, of a comparison and of parameter sweeps, rendered as SVG text and PNG bytes
//! (no I/O here).
//!
//! Run and comparison charts see only [`crate::chartdata`]; sweep and sensitivity charts see the
//! plain structs of [`SweepLineData`], [`SweepHeatmapData`], [`MorrisData`], [`SobolData`] and
//! [`ScatterData`]; validation charts [`ValidationChartData`]; the posterior pair plot
//! [`PairPlotData`]. Every chart is drawn by one function generic over
//! the plotters backend, once on an SVG string and once on an RGB buffer encoded as PNG. Colours
//! are the Okabe-Ito palette: fixed per series kind in run charts, per scenario (scenario k has
//! colour k, see [`scenario_colour_hex`]) in comparison charts. Text uses DejaVu Sans, embedded
//! (Bitstream Vera licence with public-domain DejaVu changes; the notice ships with the `dejavu`
//! crate).

mod compare;
mod draw;
mod pairs;
mod run;
mod style;
mod sweep;
mod text;
mod validation;

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use anyhow::{anyhow, Result};
use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};
use plotters::style::{register_font, FontStyle, WHITE};

use crate::chartdata::{CompareChartData, RunChartData};
use draw::Area;
pub use pairs::PairPlotData;
pub use sweep::{
    MorrisData, MorrisEntry, ScatterData, SobolData, SobolEntry, SweepBand, SweepHeatmapData,
    SweepLineData, SweepValues,
};
pub use validation::{ValidationChartData, ValidationPoint};

/// One chart, rendered as both SVG text and PNG bytes.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem, e.g. "poverty_fan".
    pub name: String,
    /// The chart's title (as drawn).
    pub title: String,
    /// SVG document.
    pub svg: String,
    /// PNG file bytes.
    pub png: Vec<u8>,
}

/// Width of every chart but the pair plot, pixels.
pub const WIDTH: u32 = 1200;
/// Height of every chart but the pair plot, pixels.
pub const HEIGHT: u32 = 700;

/// The charts of one run: `poverty_fan`, `exit_relapse_rates`, `cadres`, `funds_industries`.
pub fn run_charts(data: &RunChartData) -> Result<Vec<Chart>> {
    [
        Figure::PovertyFan(data),
        Figure::ExitRelapse(data),
        Figure::Cadres(data),
        Figure::FundsIndustries(data),
    ]
    .into_iter()
    .map(render)
    .collect()
}

/// The charts of a comparison: `compare_fan`, `compare_differences`, `compare_relapse`.
pub fn compare_charts(data: &CompareChartData) -> Result<Vec<Chart>> {
    [
        Figure::CompareFan(data),
        Figure::CompareDifferences(data),
        Figure::CompareRelapse(data),
    ]
    .into_iter()
    .map(render)
    .collect()
}

/// An indicator over one swept key (the other keys averaged over): the mean line over its 5-95%
/// band on a numeric axis, or mean dots with 5-95% error bars for a categorical key. Shows how an
/// outcome responds to one parameter.
pub fn sweep_line_chart(data: &SweepLineData) -> Result<Chart> {
    render(Figure::SweepLine(data))
}

/// An indicator over two swept keys: a heatmap of cell means with the values printed and a
/// colour-blind-safe sequential scale. Shows how two parameters act together.
pub fn sweep_heatmap(data: &SweepHeatmapData) -> Result<Chart> {
    render(Figure::SweepHeatmap(data))
}

/// Morris elementary effects on one indicator: a tornado of mu* (largest on top, coloured by the
/// sign of mu) beside the mu*-sigma plane. Ranks the parameters by influence and flags
/// non-linear or interacting ones.
pub fn morris_chart(data: &MorrisData) -> Result<Chart> {
    render(Figure::Morris(data))
}

/// Sobol' indices on one indicator: per parameter a bar of the first-order index S1 and one of
/// the total index ST, each with its 95% bootstrap interval. Shows which parameters drive the
/// variance alone and which through interactions.
pub fn sobol_chart(data: &SobolData) -> Result<Chart> {
    render(Figure::Sobol(data))
}

/// A Latin hypercube sample: the indicator against each sampled parameter, one scatter panel per
/// parameter (the first 9) on a common vertical scale. Shows the shape of each parameter's effect
/// with the others varying.
pub fn sweep_scatter(data: &ScatterData) -> Result<Chart> {
    render(Figure::SweepScatter(data))
}

/// One series of targets against the model: per target the model's pooled value with its
/// 5-95% band over replicates beside the observed value with its 90% uncertainty (fitting and
/// validation-only targets in their own colours). Shows where the model meets the data.
pub fn validation_chart(data: &ValidationChartData) -> Result<Chart> {
    render(Figure::Validation(data))
}

/// A posterior pair plot of k calibrated parameters: weighted histograms over the prior ranges
/// on the diagonal, the particles of each pair below it (darker = heavier weight), their
/// weighted correlation above it, and the known values when given. Shows where the posterior
/// sits in the prior and which parameters trade off. The canvas grows with k (1600 x 1600 pixels
/// from 8 parameters) so that up to about 12 stay readable.
pub fn pair_plot(data: &PairPlotData) -> Result<Chart> {
    render(Figure::Pairs(data))
}

/// Colour of scenario k (consistent across every chart), as "#rrggbb".
pub fn scenario_colour_hex(k: usize) -> String {
    style::hex(style::scenario_colour(k))
}

/// Register DejaVu Sans (regular and bold) as "sans-serif", once.
fn ensure_fonts() -> Result<()> {
    static FONTS: OnceLock<Result<(), String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            register_font(style::FAMILY, FontStyle::Normal, dejavu::sans::regular())
                .map_err(|_| "DejaVu Sans (regular) could not be loaded".to_string())?;
            register_font(style::FAMILY, FontStyle::Bold, dejavu::sans::bold())
                .map_err(|_| "DejaVu Sans (bold) could not be loaded".to_string())
        })
        .clone()
        .map_err(|e| anyhow!(e))
}

/// The charts, each with the data it draws.
#[derive(Clone, Copy)]
enum Figure<'a> {
    PovertyFan(&'a RunChartData),
    ExitRelapse(&'a RunChartData),
    Cadres(&'a RunChartData),
    FundsIndustries(&'a RunChartData),
    CompareFan(&'a CompareChartData),
    CompareDifferences(&'a CompareChartData),
    CompareRelapse(&'a CompareChartData),
    SweepLine(&'a SweepLineData),
    SweepHeatmap(&'a SweepHeatmapData),
    Morris(&'a MorrisData),
    Sobol(&'a SobolData),
    SweepScatter(&'a ScatterData),
    Validation(&'a ValidationChartData),
    Pairs(&'a PairPlotData),
}

impl<'a> Figure<'a> {
    fn name(&self) -> &'a str {
        match self {
            Figure::PovertyFan(_) => "poverty_fan",
            Figure::ExitRelapse(_) => "exit_relapse_rates",
            Figure::Cadres(_) => "cadres",
            Figure::FundsIndustries(_) => "funds_industries",
            Figure::CompareFan(_) => "compare_fan",
            Figure::CompareDifferences(_) => "compare_differences",
            Figure::CompareRelapse(_) => "compare_relapse",
            Figure::SweepLine(d) => &d.name,
            Figure::SweepHeatmap(d) => &d.name,
            Figure::Morris(d) => &d.name,
            Figure::Sobol(d) => &d.name,
            Figure::SweepScatter(d) => &d.name,
            Figure::Validation(d) => &d.name,
            Figure::Pairs(d) => &d.name,
        }
    }

    fn title(&self) -> String {
        match self {
            Figure::PovertyFan(d) => run::poverty_fan_title(d),
            Figure::ExitRelapse(d) => run::exit_relapse_title(d),
            Figure::Cadres(d) => run::cadres_title(d),
            Figure::FundsIndustries(d) => run::funds_industries_title(d),
            Figure::CompareFan(d) => compare::fan_title(d),
            Figure::CompareDifferences(d) => compare::differences_title(d),
            Figure::CompareRelapse(d) => compare::relapse_title(d),
            Figure::SweepLine(d) => sweep::line_title(d),
            Figure::SweepHeatmap(d) => sweep::heatmap_title(d),
            Figure::Morris(d) => sweep::morris_title(d),
            Figure::Sobol(d) => sweep::sobol_title(d),
            Figure::SweepScatter(d) => sweep::scatter_title(d),
            Figure::Validation(d) => validation::title(d),
            Figure::Pairs(d) => pairs::title(d),
        }
    }

    /// Canvas size (width, height) in pixels.
    fn size(&self) -> (u32, u32) {
        match self {
            Figure::Pairs(d) => pairs::canvas(d.keys.len()),
            _ => (WIDTH, HEIGHT),
        }
    }

    fn paint<DB: text::Backend>(&self, root: &Area<DB>, title: &str) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let body = draw::title(root, title)?;
        match self {
            Figure::PovertyFan(d) => run::poverty_fan(&body, d),
            Figure::ExitRelapse(d) => run::exit_relapse(&body, d),
            Figure::Cadres(d) => run::cadres(&body, d),
            Figure::FundsIndustries(d) => run::funds_industries(&body, d),
            Figure::CompareFan(d) => compare::fan(&body, d),
            Figure::CompareDifferences(d) => compare::differences(&body, d),
            Figure::CompareRelapse(d) => compare::relapse(&body, d),
            Figure::SweepLine(d) => sweep::line(&body, d),
            Figure::SweepHeatmap(d) => sweep::heatmap(&body, d),
            Figure::Morris(d) => sweep::morris(&body, d),
            Figure::Sobol(d) => sweep::sobol(&body, d),
            Figure::SweepScatter(d) => sweep::scatter(&body, d),
            Figure::Validation(d) => validation::paint(&body, d),
            Figure::Pairs(d) => pairs::paint(&body, d),
        }
    }
}

/// Draw a figure on SVG and on a bitmap, encoded as PNG.
fn render(figure: Figure) -> Result<Chart> {
    ensure_fonts()?;
    let name = figure.name();
    let title = figure.title();
    let (width, height) = figure.size();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        figure
            .paint(&root, &title)
            .map_err(|e| e.context(format!("drawing chart {name} (SVG)")))?;
        root.present()?;
    }
    let mut rgb = vec![255u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        figure
            .paint(&root, &title)
            .map_err(|e| e.context(format!("drawing chart {name} (PNG)")))?;
        root.present()?;
    }
    let png = encode_png(&rgb, width, height)?;
    Ok(Chart {
        name: name.to_string(),
        title,
        svg,
        png,
    })
}

/// RGB pixels as PNG file bytes.
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>> {
    use image::ImageEncoder;
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png).write_image(
        rgb,
        width,
        height,
        image::ColorType::Rgb8,
    )?;
    Ok(png)
}
