//! Targets files: observed statistics (official figures) that the model is fitted to or
//! checked against, each with the model output it compares with, its uncertainty, its source
//! and whether it is for fitting or for validation only.
//!
//! A target's statistic is computed from `annual.csv` rows (one row per replicate and year):
//! - `mean`: the mean of a column over the years named and the replicates (empty cells, i.e.
//!   rates with a zero denominator, are skipped);
//! - `ratio`: the sum of a numerator column over its years divided by the sum of a denominator
//!   column over its years (by default the same years), over the replicates;
//! - `relative`: the mean of a column over the years named divided by its mean in a base year
//!   (e.g. the registered headcount relative to 2014).
//!
//! The model value of a target is the statistic pooled over all replicates (what the fit
//! scores); each replicate's own value gives the 5-95% band of `validate`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use toml::de::DeValue;

use super::toml_read::{read_input, FileError, Reader};
use crate::collect::YearRow;
use crate::export::codebook::CODEBOOK;
use crate::sim::RunOutput;

/// The kind of file named in messages.
pub const KIND: &str = "targets file";

/// The shipped targets file (MODEL.md's v2 calibration targets plus validation-only series).
pub const SHIPPED_TEXT: &str = include_str!("../../data/targets.toml");

/// How the shipped file is named in messages and manifests.
pub const SHIPPED_LABEL: &str = "data/targets.toml (built in)";

/// What a target is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Use {
    /// Scored by `calibrate` (and checked by `validate`).
    Fit,
    /// Checked by `validate` only; never used in a fit.
    Validation,
}

impl Use {
    /// The name used in targets files.
    pub fn key(self) -> &'static str {
        match self {
            Use::Fit => "fit",
            Use::Validation => "validation",
        }
    }
}

/// An inclusive range of calendar years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Years {
    /// First year.
    pub first: u32,
    /// Last year (>= first).
    pub last: u32,
}

impl Years {
    fn contains(self, year: u32) -> bool {
        (self.first..=self.last).contains(&year)
    }

    /// `2015` or `2015-2019`.
    pub fn text(self) -> String {
        if self.first == self.last {
            self.first.to_string()
        } else {
            format!("{}-{}", self.first, self.last)
        }
    }
}

/// How a target's model value is computed from `annual.csv` rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "statistic")]
pub enum Statistic {
    /// Mean of `column` over `years` and replicates.
    Mean {
        /// An `annual.csv` column.
        column: String,
        /// Years averaged.
        years: Years,
    },
    /// Sum of `numerator` over `years` / sum of `denominator` over `denominator_years`.
    Ratio {
        /// An `annual.csv` column summed on top.
        numerator: String,
        /// An `annual.csv` column summed below.
        denominator: String,
        /// Years of the numerator.
        years: Years,
        /// Years of the denominator.
        denominator_years: Years,
    },
    /// Mean of `column` over `years` / its mean in `base_year`.
    Relative {
        /// An `annual.csv` column.
        column: String,
        /// Years averaged on top.
        years: Years,
        /// The base year.
        base_year: u32,
    },
}

impl Statistic {
    /// A one-line description, e.g. `mean of registered_relative in 2015`.
    pub fn describe(&self) -> String {
        match self {
            Statistic::Mean { column, years } => format!("mean of {column} in {}", years.text()),
            Statistic::Ratio {
                numerator,
                denominator,
                years,
                denominator_years,
            } => {
                if years == denominator_years {
                    format!("{numerator} / {denominator} in {}", years.text())
                } else {
                    format!(
                        "{numerator} in {} / {denominator} in {}",
                        years.text(),
                        denominator_years.text()
                    )
                }
            }
            Statistic::Relative {
                column,
                years,
                base_year,
            } => format!("{column} in {} relative to {base_year}", years.text()),
        }
    }

    /// The last year the statistic reads (a run must reach it).
    pub fn last_year(&self) -> u32 {
        match self {
            Statistic::Mean { years, .. } => years.last,
            Statistic::Ratio {
                years,
                denominator_years,
                ..
            } => years.last.max(denominator_years.last),
            Statistic::Relative {
                years, base_year, ..
            } => years.last.max(*base_year),
        }
    }

    /// The statistic over the rows of any number of replicates (pooled), or `None` when no
    /// row has a value or a denominator is zero.
    pub fn evaluate(&self, rows: &[&Values]) -> Option<f64> {
        match self {
            Statistic::Mean { column, years } => mean_of(rows, column, *years),
            Statistic::Ratio {
                numerator,
                denominator,
                years,
                denominator_years,
            } => {
                let top = sum_of(rows, numerator, *years);
                let bottom = sum_of(rows, denominator, *denominator_years);
                (bottom != 0.0).then(|| top / bottom)
            }
            Statistic::Relative {
                column,
                years,
                base_year,
            } => {
                let base = mean_of(
                    rows,
                    column,
                    Years {
                        first: *base_year,
                        last: *base_year,
                    },
                )?;
                let top = mean_of(rows, column, *years)?;
                (base != 0.0).then(|| top / base)
            }
        }
    }
}

fn mean_of(rows: &[&Values], column: &str, years: Years) -> Option<f64> {
    let (mut sum, mut n) = (0.0, 0usize);
    for row in rows {
        for (year, values) in row.iter() {
            if years.contains(*year) {
                if let Some(Some(x)) = values.get(column) {
                    sum += x;
                    n += 1;
                }
            }
        }
    }
    (n > 0).then(|| sum / n as f64)
}

fn sum_of(rows: &[&Values], column: &str, years: Years) -> f64 {
    rows.iter()
        .flat_map(|row| row.iter())
        .filter(|(year, _)| years.contains(**year))
        .filter_map(|(_, values)| values.get(column).copied().flatten())
        .sum()
}

/// One replicate's `annual.csv` values: per year, per column, the number (`None` = empty).
pub type Values = BTreeMap<u32, BTreeMap<String, Option<f64>>>;

/// One replicate's annual rows as [`Values`] (every numeric column by its `annual.csv` name).
pub fn values_of(years: &[YearRow]) -> Values {
    years
        .iter()
        .map(|row| {
            let mut columns = BTreeMap::new();
            if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(row) {
                for (name, value) in map {
                    let number = match value {
                        serde_json::Value::Number(n) => n.as_f64(),
                        _ => None,
                    };
                    columns.insert(name, number);
                }
            }
            (row.year, columns)
        })
        .collect()
}

/// The values of every replicate of a run, in replicate order.
pub fn run_values(runs: &[RunOutput]) -> Vec<Values> {
    runs.iter().map(|run| values_of(&run.years)).collect()
}

/// The uncertainty of an observed value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Uncertainty {
    /// A standard deviation.
    Sd {
        /// The standard deviation, in the statistic's unit.
        sd: f64,
    },
    /// A range the value is believed to lie in, read as a 90% interval of a normal
    /// distribution (sd = width / 3.29); the observed value must lie within it.
    Interval {
        /// Low end.
        low: f64,
        /// High end.
        high: f64,
    },
}

/// Width of a central 90% interval of a standard normal distribution (2 x 1.645).
pub const INTERVAL_90_WIDTH_IN_SD: f64 = 3.289_707;

impl Uncertainty {
    /// The standard deviation used to standardise errors.
    pub fn sd(self) -> f64 {
        match self {
            Uncertainty::Sd { sd } => sd,
            Uncertainty::Interval { low, high } => (high - low) / INTERVAL_90_WIDTH_IN_SD,
        }
    }

    /// The range drawn on charts: ±1.645 sd, or the interval as given.
    pub fn range(self, observed: f64) -> (f64, f64) {
        match self {
            Uncertainty::Sd { sd } => (observed - 1.645 * sd, observed + 1.645 * sd),
            Uncertainty::Interval { low, high } => (low, high),
        }
    }
}

/// One observed statistic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// Short unique name, e.g. `headcount_2015`.
    pub name: String,
    /// What the model computes to compare with it.
    #[serde(flatten)]
    pub statistic: Statistic,
    /// The observed value, in the statistic's unit.
    pub observed: f64,
    /// Its uncertainty.
    pub uncertainty: Uncertainty,
    /// For fitting or for validation only.
    #[serde(rename = "use")]
    pub usage: Use,
    /// Where the figure comes from.
    pub source: String,
    /// How far the figure is trusted (free text, e.g. `high`, `medium`).
    pub confidence: String,
    /// Series the target belongs to (targets of one series share a chart), e.g. `headcount`.
    pub series: String,
}

impl Target {
    /// The standardised distance of a model value: (model - observed) / sd.
    pub fn z(&self, model: f64) -> f64 {
        (model - self.observed) / self.uncertainty.sd()
    }
}

/// A checked targets file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetSet {
    /// The file as given (or [`SHIPPED_LABEL`]).
    pub label: String,
    /// The file's text (kept for the manifest's hash).
    #[serde(skip)]
    pub text: String,
    /// The targets in file order.
    pub targets: Vec<Target>,
}

/// Keys allowed in a `[[target]]` table.
const TARGET_KEYS: [&str; 15] = [
    "name",
    "series",
    "statistic",
    "column",
    "numerator",
    "denominator",
    "years",
    "denominator_years",
    "base_year",
    "observed",
    "sd",
    "interval",
    "use",
    "source",
    "confidence",
];

/// Statistic kinds allowed.
const STATISTICS: [&str; 3] = ["mean", "ratio", "relative"];

/// Years a target may name (the model's calendar).
const YEAR_RANGE: (i64, i64) = (2014, 2100);

/// The `annual.csv` columns a statistic may read (every numeric column of the codebook).
pub fn annual_columns() -> Vec<&'static str> {
    CODEBOOK
        .iter()
        .filter(|c| c.file == "annual.csv" && c.name != "replicate" && c.name != "year")
        .map(|c| c.name)
        .collect()
}

impl TargetSet {
    /// Reads and checks a targets file.
    pub fn load(path: &Path) -> Result<TargetSet, FileError> {
        let text = read_input(KIND, path)?;
        TargetSet::parse(&path.display().to_string(), &text)
    }

    /// The shipped targets file.
    pub fn shipped() -> TargetSet {
        TargetSet::parse(SHIPPED_LABEL, SHIPPED_TEXT)
            .expect("the shipped targets file is valid (tested)")
    }

    /// `path`'s targets, or the shipped ones when no path is given.
    pub fn load_or_shipped(path: Option<&Path>) -> Result<TargetSet, FileError> {
        match path {
            Some(path) => TargetSet::load(path),
            None => Ok(TargetSet::shipped()),
        }
    }

    /// The targets used in a fit.
    pub fn fitting(&self) -> Vec<&Target> {
        self.targets
            .iter()
            .filter(|t| t.usage == Use::Fit)
            .collect()
    }

    /// Checks that runs from `first_year` to `last_year` (inclusive, complete years) cover
    /// every target; names the targets they do not.
    pub fn check_covers(&self, first_year: u32, last_year: u32) -> Result<(), String> {
        let missing: Vec<String> = self
            .targets
            .iter()
            .filter(|t| t.statistic.last_year() > last_year || first_year_of(t) < first_year)
            .map(|t| format!("{} ({})", t.name, t.statistic.describe()))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "the scenario's run covers {first_year}-{last_year}, but these targets need other years: {}; \
                 lengthen simulation.months or drop the targets",
                missing.join(", ")
            ))
        }
    }

    /// Parses and checks the text of a targets file.
    pub fn parse(label: &str, text: &str) -> Result<TargetSet, FileError> {
        let mut reader = Reader::new(text);
        let root = reader.parse();
        let mut targets = Vec::new();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let columns = annual_columns();
        for (key, value) in root.get_ref().iter() {
            let name = key.get_ref().as_ref();
            if name != "target" {
                reader.unknown(
                    &key.span(),
                    name,
                    &["target (an array of [[target]] tables)"],
                );
                continue;
            }
            let DeValue::Array(items) = value.get_ref() else {
                reader.push(
                    &value.span(),
                    "target",
                    "expected [[target]] tables (an array of tables)",
                );
                continue;
            };
            for (index, item) in items.iter().enumerate() {
                let prefix = format!("target[{}]", index + 1);
                let DeValue::Table(table) = item.get_ref() else {
                    reader.push(&item.span(), &prefix, "expected a table");
                    continue;
                };
                if let Some(target) =
                    read_target(&mut reader, &prefix, table, &item.span(), &columns)
                {
                    if let Some(first) = seen.get(&target.name) {
                        reader.push(
                            &item.span(),
                            &format!("{prefix}.name"),
                            format!(
                                "the name `{}` is already used by target {first}; names must be unique",
                                target.name
                            ),
                        );
                    } else {
                        seen.insert(target.name.clone(), index + 1);
                        targets.push(target);
                    }
                }
            }
        }
        if reader.problems.is_empty() && targets.is_empty() {
            reader.push(&(0..0), "target", "the file has no [[target]] tables");
        }
        reader.finish(KIND, label)?;
        Ok(TargetSet {
            label: label.to_string(),
            text: text.to_string(),
            targets,
        })
    }
}

fn first_year_of(target: &Target) -> u32 {
    match &target.statistic {
        Statistic::Mean { years, .. } => years.first,
        Statistic::Ratio {
            years,
            denominator_years,
            ..
        } => years.first.min(denominator_years.first),
        Statistic::Relative {
            years, base_year, ..
        } => years.first.min(*base_year),
    }
}

/// Reads `2015`, `"2015"` or `"2015-2019"`.
fn read_years(
    reader: &mut Reader<'_>,
    key: &str,
    value: &toml::Spanned<DeValue<'_>>,
) -> Option<Years> {
    let allowed = format!(
        "a year ({}-{}) or a range written \"2015-2019\"",
        YEAR_RANGE.0, YEAR_RANGE.1
    );
    let parse_year = |s: &str| {
        s.trim()
            .parse::<i64>()
            .ok()
            .filter(|y| (YEAR_RANGE.0..=YEAR_RANGE.1).contains(y))
    };
    let years = match value.get_ref() {
        DeValue::Integer(_) => {
            let year = reader.integer(key, value, YEAR_RANGE.0, YEAR_RANGE.1)?;
            (year, year)
        }
        DeValue::String(s) => {
            let parsed = match s.split_once('-') {
                Some((a, b)) => parse_year(a).zip(parse_year(b)),
                None => parse_year(s).map(|y| (y, y)),
            };
            match parsed {
                Some(pair) if pair.0 <= pair.1 => pair,
                _ => {
                    reader.push(
                        &value.span(),
                        key,
                        format!("`{s}` is not {allowed} (first year not after the last)"),
                    );
                    return None;
                }
            }
        }
        other => {
            reader.push(
                &value.span(),
                key,
                format!(
                    "expected {allowed}, found {}",
                    crate::scenario::found_name(other)
                ),
            );
            return None;
        }
    };
    Some(Years {
        first: years.0 as u32,
        last: years.1 as u32,
    })
}

fn read_target(
    reader: &mut Reader<'_>,
    prefix: &str,
    table: &toml::de::DeTable<'_>,
    span: &std::ops::Range<usize>,
    columns: &[&str],
) -> Option<Target> {
    let mut name = None;
    let mut series = None;
    let mut kind: Option<(String, std::ops::Range<usize>)> = None;
    let mut column = None;
    let mut numerator = None;
    let mut denominator = None;
    let mut years = None;
    let mut denominator_years = None;
    let mut base_year = None;
    let mut observed = None;
    let mut sd = None;
    let mut interval = None;
    let mut usage = None;
    let mut source = None;
    let mut confidence = None;
    let before = reader.problems.len();
    let column_of = |reader: &mut Reader<'_>, key: &str, value: &toml::Spanned<DeValue<'_>>| {
        let name = reader.string(key, value)?;
        if columns.contains(&name.as_str()) {
            Some(name)
        } else {
            reader.push(
                &value.span(),
                key,
                format!(
                    "`{name}` is not a column of annual.csv; allowed: {}",
                    columns.join(", ")
                ),
            );
            None
        }
    };
    for (key, value) in table.iter() {
        let k = key.get_ref().as_ref();
        let path = format!("{prefix}.{k}");
        match k {
            "name" => {
                name = reader.string(&path, value).and_then(|n| {
                    let ok = !n.is_empty()
                        && n.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                    if !ok {
                        reader.push(
                            &value.span(),
                            &path,
                            format!("`{n}` is not a name; allowed: letters, digits, _ and -"),
                        );
                    }
                    ok.then_some(n)
                })
            }
            "series" => series = reader.string(&path, value),
            "statistic" => {
                if let Some(s) = reader.string(&path, value) {
                    if STATISTICS.contains(&s.as_str()) {
                        kind = Some((s, value.span()));
                    } else {
                        reader.push(
                            &value.span(),
                            &path,
                            format!(
                                "unknown statistic `{s}`; allowed: {}",
                                STATISTICS.join(", ")
                            ),
                        );
                    }
                }
            }
            "column" => column = column_of(reader, &path, value),
            "numerator" => numerator = column_of(reader, &path, value),
            "denominator" => denominator = column_of(reader, &path, value),
            "years" => years = read_years(reader, &path, value),
            "denominator_years" => denominator_years = read_years(reader, &path, value),
            "base_year" => {
                base_year = reader
                    .integer(&path, value, YEAR_RANGE.0, YEAR_RANGE.1)
                    .map(|y| y as u32)
            }
            "observed" => observed = reader.number(&path, value),
            "sd" => {
                sd = reader.number(&path, value).and_then(|x| {
                    if x > 0.0 {
                        Some(x)
                    } else {
                        reader.push(
                            &value.span(),
                            &path,
                            format!("{x} is out of range; allowed: a number above 0"),
                        );
                        None
                    }
                })
            }
            "interval" => interval = reader.pair(&path, value).map(|p| (p, value.span())),
            "use" => {
                usage = reader.string(&path, value).and_then(|u| match u.as_str() {
                    "fit" => Some(Use::Fit),
                    "validation" => Some(Use::Validation),
                    _ => {
                        reader.push(
                            &value.span(),
                            &path,
                            format!("unknown use `{u}`; allowed: fit, validation"),
                        );
                        None
                    }
                })
            }
            "source" => source = reader.string(&path, value),
            "confidence" => confidence = reader.string(&path, value),
            _ => reader.unknown(&key.span(), &path, &TARGET_KEYS),
        }
    }
    let missing = |reader: &mut Reader<'_>, key: &str, what: &str| {
        reader.push(span, &format!("{prefix}.{key}"), format!("missing; {what}"));
    };
    let present = |key: &str| table.get(key).is_some();
    for (key, what) in [
        ("name", "every target needs a unique name"),
        ("statistic", "allowed: mean, ratio, relative"),
        ("years", "a year or a range \"2015-2019\""),
        ("observed", "the observed value"),
        ("use", "allowed: fit, validation"),
        ("source", "where the figure comes from"),
    ] {
        if !present(key) {
            missing(reader, key, what);
        }
    }
    if !present("sd") && !present("interval") {
        missing(
            reader,
            "sd",
            "give the uncertainty as sd = NUMBER or interval = [low, high]",
        );
    }
    if present("sd") && present("interval") {
        reader.push(
            span,
            &format!("{prefix}.interval"),
            "give either sd or interval, not both",
        );
    }
    // Which keys each statistic needs and allows.
    let needs: (&[&str], &[&str]) = match kind.as_ref().map(|k| k.0.as_str()) {
        Some("mean") => (
            &["column"],
            &["numerator", "denominator", "denominator_years", "base_year"],
        ),
        Some("ratio") => (&["numerator", "denominator"], &["column", "base_year"]),
        Some("relative") => (
            &["column", "base_year"],
            &["numerator", "denominator", "denominator_years"],
        ),
        _ => (&[], &[]),
    };
    let statistic_name = kind.as_ref().map(|k| k.0.clone()).unwrap_or_default();
    for key in needs.0 {
        if !present(key) {
            missing(
                reader,
                key,
                &format!("statistic = \"{statistic_name}\" needs it"),
            );
        }
    }
    for key in needs.1 {
        if let Some(value) = table.get(*key) {
            reader.push(
                &value.span(),
                &format!("{prefix}.{key}"),
                format!("not used by statistic = \"{statistic_name}\"; remove it"),
            );
        }
    }
    if let (Some(((low, high), at)), Some(obs)) = (&interval, observed) {
        if !(*low..=*high).contains(&obs) {
            reader.push(
                at,
                &format!("{prefix}.interval"),
                format!("the observed value {obs} lies outside the interval [{low}, {high}]"),
            );
        }
    }
    if reader.problems.len() > before {
        return None;
    }
    let years = years?;
    let statistic = match kind?.0.as_str() {
        "mean" => Statistic::Mean {
            column: column?,
            years,
        },
        "ratio" => Statistic::Ratio {
            numerator: numerator?,
            denominator: denominator?,
            years,
            denominator_years: denominator_years.unwrap_or(years),
        },
        _ => Statistic::Relative {
            column: column?,
            years,
            base_year: base_year?,
        },
    };
    let uncertainty = match (sd, interval) {
        (Some(sd), _) => Uncertainty::Sd { sd },
        (None, Some(((low, high), _))) => Uncertainty::Interval { low, high },
        _ => return None,
    };
    let name = name?;
    Some(Target {
        series: series.unwrap_or_else(|| name.clone()),
        name,
        statistic,
        observed: observed?,
        uncertainty,
        usage: usage?,
        source: source?,
        confidence: confidence.unwrap_or_default(),
    })
}

/// The fit distance of pooled model values: the sum of squared standardised distances over
/// the fitting targets (a target the model cannot compute counts as [`MISSING_PENALTY`]).
pub fn fit_distance(targets: &[&Target], values: &[Values]) -> f64 {
    let rows: Vec<&Values> = values.iter().collect();
    targets
        .iter()
        .map(|t| match t.statistic.evaluate(&rows) {
            Some(model) => t.z(model).powi(2),
            None => MISSING_PENALTY,
        })
        .sum()
}

/// Squared distance charged for a target the model cannot compute (e.g. a rate whose
/// denominator is zero): large, so such particles lose, but finite, so that they can be ranked.
pub const MISSING_PENALTY: f64 = 1.0e6;

#[cfg(test)]
mod tests {
    use super::*;

    fn one(body: &str) -> Result<TargetSet, FileError> {
        TargetSet::parse("t.toml", &format!("[[target]]\n{body}"))
    }

    const GOOD: &str = "name = \"a\"\nstatistic = \"mean\"\ncolumn = \"exit_rate\"\nyears = \"2015-2016\"\nobserved = 0.2\nsd = 0.05\nuse = \"fit\"\nsource = \"x\"\n";

    #[test]
    fn shipped_file_is_valid_and_has_both_uses() {
        let set = TargetSet::shipped();
        assert!(set.fitting().len() >= 9, "{}", set.fitting().len());
        assert!(set.targets.iter().any(|t| t.usage == Use::Validation));
    }

    #[test]
    fn good_target_parses() {
        let set = one(GOOD).unwrap();
        assert_eq!(
            set.targets[0].statistic,
            Statistic::Mean {
                column: "exit_rate".into(),
                years: Years {
                    first: 2015,
                    last: 2016
                }
            }
        );
    }

    #[test]
    fn every_problem_reported_with_line_and_key() {
        let body = GOOD
            .replace("exit_rate", "exit_rat")
            .replace("0.05", "-1")
            .replace("\"fit\"", "\"fitting\"")
            + "colour = 1\n";
        let err = one(&body).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.problems.len(), 4, "{text}");
        assert!(
            text.contains("t.toml:4:10: `target[1].column`: `exit_rat` is not a column"),
            "{text}"
        );
        assert!(
            text.contains("t.toml:7:6: `target[1].sd`: -1 is out of range"),
            "{text}"
        );
        assert!(
            text.contains("unknown use `fitting`; allowed: fit, validation"),
            "{text}"
        );
        assert!(
            text.contains("t.toml:10:1: `target[1].colour`: unknown key"),
            "{text}"
        );
    }

    #[test]
    fn statistic_keys_checked() {
        let body = GOOD.replace("statistic = \"mean\"", "statistic = \"ratio\"");
        let text = one(&body).unwrap_err().to_string();
        assert!(text.contains("`target[1].numerator`: missing"), "{text}");
        assert!(
            text.contains("`target[1].column`: not used by statistic = \"ratio\""),
            "{text}"
        );
    }

    #[test]
    fn interval_must_hold_observed_and_sd_comes_from_it() {
        let body = GOOD.replace("sd = 0.05", "interval = [0.25, 0.35]");
        let text = one(&body).unwrap_err().to_string();
        assert!(text.contains("lies outside the interval"), "{text}");
        let body = GOOD.replace("sd = 0.05", "interval = [0.1, 0.3]");
        let set = one(&body).unwrap();
        let sd = set.targets[0].uncertainty.sd();
        assert!((sd - 0.2 / 3.289707).abs() < 1e-9);
    }

    #[test]
    fn statistics_pool_replicates() {
        let mut a = Values::new();
        let mut b = Values::new();
        for (values, x) in [(&mut a, 1.0), (&mut b, 3.0)] {
            for year in [2014u32, 2015] {
                let mut row = BTreeMap::new();
                row.insert("registered_end".to_string(), Some(x * year as f64));
                row.insert("exits".to_string(), Some(x));
                values.insert(year, row);
            }
        }
        let rows = [&a, &b];
        let mean = Statistic::Mean {
            column: "exits".into(),
            years: Years {
                first: 2015,
                last: 2015,
            },
        };
        assert_eq!(mean.evaluate(&rows), Some(2.0));
        let ratio = Statistic::Ratio {
            numerator: "exits".into(),
            denominator: "registered_end".into(),
            years: Years {
                first: 2015,
                last: 2015,
            },
            denominator_years: Years {
                first: 2014,
                last: 2014,
            },
        };
        assert_eq!(ratio.evaluate(&rows), Some(4.0 / (4.0 * 2014.0)));
        let relative = Statistic::Relative {
            column: "registered_end".into(),
            years: Years {
                first: 2015,
                last: 2015,
            },
            base_year: 2014,
        };
        assert_eq!(relative.evaluate(&rows), Some(2015.0 / 2014.0));
    }
}
