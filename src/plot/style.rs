//! Colours, fonts, number formatting and axis ticks shared by every chart.

use plotters::style::{FontStyle, IntoFont, RGBColor, TextStyle};

/// Okabe-Ito palette (colourblind-safe). Yellow is last: it is hard to read on white.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub const BLACK: RGBColor = RGBColor(0x00, 0x00, 0x00);
pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);

/// Text, axes and grid greys.
pub const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const MUTED: RGBColor = RGBColor(0x77, 0x77, 0x77);
pub const AXIS: RGBColor = RGBColor(0x55, 0x55, 0x55);
pub const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);

/// Scenario k has colour `SCENARIO_PALETTE[k % 8]` in every comparison chart and the HTML report.
pub const SCENARIO_PALETTE: [RGBColor; 8] =
    [BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, BLACK, YELLOW];

/// Fixed colours of the series kinds of the run charts.
pub mod kind {
    use super::*;
    /// Registered poor and official exits (the official count).
    pub const REGISTERED: RGBColor = BLUE;
    /// Truly poor and true exits.
    pub const TRULY_POOR: RGBColor = VERMILLION;
    pub const EXIT_RATE: RGBColor = GREEN;
    pub const RELAPSE_RATE: RGBColor = VERMILLION;
    pub const FUNDS_IN: RGBColor = BLUE;
    pub const FUNDS_SPENT: RGBColor = GREEN;
    pub const FUNDS_LEAKED: RGBColor = VERMILLION;
    pub const BUILDING: RGBColor = ORANGE;
    pub const PRODUCING: RGBColor = GREEN;
    pub const FAILED: RGBColor = VERMILLION;
}

/// Colour of a cadre background, by its label (`chartdata::background_label`); unknown labels
/// take the remaining colours in order.
pub fn background_colour(label: &str, index: usize) -> RGBColor {
    match label {
        "Young graduate" => SKY,
        "Experienced" => BLUE,
        "Economic" => ORANGE,
        "Party building" => VERMILLION,
        "Social work" => PURPLE,
        _ => [GREEN, BLACK, YELLOW][index % 3],
    }
}

/// Colour of scenario `k`.
pub fn scenario_colour(k: usize) -> RGBColor {
    SCENARIO_PALETTE[k % SCENARIO_PALETTE.len()]
}

/// `#rrggbb`.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The registered font family.
pub const FAMILY: &str = "sans-serif";

/// Regular text of `size` pixels.
pub fn font(size: f64) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&TEXT)
}

/// Bold text of `size` pixels.
pub fn bold(size: f64) -> TextStyle<'static> {
    (FAMILY, size, FontStyle::Bold).into_font().color(&TEXT)
}

/// Grey text of `size` pixels.
pub fn muted(size: f64) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&MUTED)
}

/// `v` with `decimals` decimals and thousands separators: 12345.6 -> "12,345.6". NaN -> "NA".
pub fn thousands(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "NA".to_string();
    }
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::new();
    let is_zero = text.chars().all(|c| c == '0' || c == '.');
    if v < 0.0 && !is_zero {
        out.push('-');
    }
    let digits = int.len();
    for (k, ch) in int.chars().enumerate() {
        if k > 0 && (digits - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// How tick labels are written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    /// Calendar year, no separator.
    Year,
    /// Number with thousands separators.
    Number,
    /// Number followed by `%` (values already in percent).
    Percent,
}

/// One axis: range, tick positions and how to label them.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    pub decimals: usize,
    pub format: Format,
}

/// Options of a value axis.
#[derive(Debug, Clone, Copy)]
pub struct ValueOpts {
    /// Extend the range to 0.
    pub include_zero: bool,
    /// Ticks at whole numbers only (counts).
    pub integer: bool,
    /// Target number of ticks.
    pub target: usize,
    pub format: Format,
    /// Headroom beyond 0 too (for differences, whose zero line should not sit on the frame).
    pub pad_zero: bool,
}

impl ValueOpts {
    pub const COUNT: ValueOpts = ValueOpts {
        include_zero: true,
        integer: true,
        target: 6,
        format: Format::Number,
        pad_zero: false,
    };
    pub const AMOUNT: ValueOpts = ValueOpts {
        include_zero: true,
        integer: false,
        target: 6,
        format: Format::Number,
        pad_zero: false,
    };
    pub const PERCENT: ValueOpts = ValueOpts {
        include_zero: true,
        integer: false,
        target: 6,
        format: Format::Percent,
        pad_zero: false,
    };
}

/// A "nice" step (1, 2, 2.5, 5 x 10^k) giving about `target` intervals over `span`.
pub fn nice_step(span: f64, target: usize) -> f64 {
    let raw = span / target.max(1) as f64;
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 2.5 {
        2.5
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Decimals needed to write multiples of `step`.
fn decimals_of(step: f64) -> usize {
    for d in 0..10usize {
        let scaled = step * 10f64.powi(d as i32);
        if (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0) {
            return d;
        }
    }
    10
}

impl Axis {
    /// A value axis covering `[min, max]` with about 5% headroom, ending on ticks.
    /// Non-finite bounds give the range 0-1.
    pub fn values(min: f64, max: f64, opts: ValueOpts) -> Axis {
        let (mut min, mut max) = if min.is_finite() && max.is_finite() {
            (min, max)
        } else {
            (0.0, 1.0)
        };
        if opts.include_zero {
            min = min.min(0.0);
            max = max.max(0.0);
        }
        if max - min <= 0.0 {
            // A flat series: show it in the middle of a small range (or 0-1 for zero).
            let pad = if max == 0.0 {
                1.0
            } else {
                (max.abs() * 0.2).max(if opts.integer { 1.0 } else { 0.0 })
            };
            if min == 0.0 && opts.include_zero {
                max += pad;
            } else if max == 0.0 && opts.include_zero {
                min -= pad;
            } else {
                min -= pad;
                max += pad;
            }
        }
        let span = max - min;
        let head = 0.05 * span;
        if opts.pad_zero || !(opts.include_zero && min == 0.0) {
            min -= head;
        }
        if opts.pad_zero || !(opts.include_zero && max == 0.0) {
            max += head;
        }
        let mut step = nice_step(max - min, opts.target);
        if opts.integer {
            step = step.max(1.0).round();
        }
        if opts.pad_zero {
            // Ends not snapped to ticks: the headroom stays small on both sides of zero.
            let first = (min / step).ceil() as i64;
            let last = (max / step).floor() as i64;
            let ticks = (first..=last).map(|k| k as f64 * step).collect();
            return Axis {
                lo: min,
                hi: max,
                ticks,
                decimals: decimals_of(step),
                format: opts.format,
            };
        }
        let lo = (min / step).floor() * step;
        let hi = (max / step).ceil() * step;
        let n = ((hi - lo) / step).round() as usize;
        let ticks = (0..=n).map(|k| lo + k as f64 * step).collect();
        Axis {
            lo,
            hi,
            ticks,
            decimals: decimals_of(step),
            format: opts.format,
        }
    }

    /// A time axis in fractional years, from the January before `min` to the January after `max`,
    /// with ticks at whole years (every 1, 2, 5 or 10 years).
    pub fn time(min: f64, max: f64, max_labels: usize) -> Axis {
        let (min, max) = if min.is_finite() && max.is_finite() {
            (min, max)
        } else {
            (2014.0, 2015.0)
        };
        let lo = min.floor();
        let hi = (max + 1.0 / 12.0 - 1e-9).ceil().max(lo + 1.0);
        let step = year_step(hi - lo, max_labels);
        let ticks = year_ticks(lo, hi, step);
        Axis {
            lo,
            hi,
            ticks,
            decimals: 0,
            format: Format::Year,
        }
    }

    /// A category axis of calendar years `first..=last`, each year centred on its integer.
    pub fn years(first: u32, last: u32, max_labels: usize) -> Axis {
        let (lo, hi) = (first as f64 - 0.5, last.max(first) as f64 + 0.5);
        let step = year_step(hi - lo - 1.0, max_labels);
        let ticks = year_ticks(first as f64, last.max(first) as f64, step);
        Axis {
            lo,
            hi,
            ticks,
            decimals: 0,
            format: Format::Year,
        }
    }

    /// The tick label of `v`.
    pub fn label(&self, v: f64) -> String {
        match self.format {
            Format::Year => format!("{:.0}", v),
            Format::Number => thousands(v, self.decimals),
            Format::Percent => format!("{}%", thousands(v, self.decimals)),
        }
    }
}

/// The smallest of 1, 2, 5, 10, 20, 50 years giving at most `max_labels` intervals over `span`.
fn year_step(span: f64, max_labels: usize) -> f64 {
    let max = max_labels.max(1) as f64;
    [1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
        .into_iter()
        .find(|s| span / s <= max)
        .unwrap_or(100.0)
}

fn year_ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let n = ((hi - lo) / step + 1e-9).floor() as usize;
    (0..=n).map(|k| lo + k as f64 * step).collect()
}

/// Money unit fitting values up to `max` yuan: (divisor, unit name).
pub fn money_unit(max: f64) -> (f64, &'static str) {
    if max.is_finite() && max >= 2e6 {
        (1e6, "million yuan")
    } else if max.is_finite() && max >= 2e3 {
        (1e3, "thousand yuan")
    } else {
        (1.0, "yuan")
    }
}

/// `sustained_exits` -> "Sustained exits".
pub fn pretty_name(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut c = words.trim().chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(12345.0, 0), "12,345");
        assert_eq!(thousands(-1234567.25, 1), "-1,234,567.2");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(thousands(-0.01, 0), "0");
        assert_eq!(thousands(f64::NAN, 0), "NA");
        assert_eq!(thousands(0.25, 2), "0.25");
    }

    #[test]
    fn axes_have_headroom_and_round_ticks() {
        let a = Axis::values(0.0, 973.0, ValueOpts::COUNT);
        assert_eq!(a.lo, 0.0);
        assert!(a.hi > 973.0 * 1.04);
        assert_eq!(a.ticks.first(), Some(&0.0));
        assert_eq!(a.label(1000.0), "1,000");
        let flat = Axis::values(0.0, 0.0, ValueOpts::COUNT);
        assert!(flat.hi > flat.lo);
        let neg = Axis::values(-3.2, 1.1, ValueOpts::AMOUNT);
        assert!(neg.lo < -3.2 && neg.hi > 1.1);
        let nan = Axis::values(f64::NAN, f64::NAN, ValueOpts::PERCENT);
        assert!(nan.hi > nan.lo);
    }

    #[test]
    fn time_axis_uses_whole_years() {
        let t = Axis::time(2014.0, 2025.0 + 11.0 / 12.0, 12);
        assert_eq!((t.lo, t.hi), (2014.0, 2026.0));
        assert!(t.ticks.iter().all(|v| v.fract() == 0.0));
        assert_eq!(t.label(2016.0), "2016");
        let one = Axis::time(2014.0, 2014.0, 12);
        assert!(one.hi > one.lo);
        let y = Axis::years(2014, 2014, 12);
        assert_eq!(y.ticks, vec![2014.0]);
    }
}
