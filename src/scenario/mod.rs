//! Scenario loading: a TOML file that states only what differs from the
//! defaults, plus `--set key.path=value` overrides, resolved into a typed
//! parameter struct `T`, with *every* problem reported at once (file, line,
//! column, dotted key path, the value given, and what is allowed).
//!
//! The module is generic over `T` and knows nothing of the model. The schema
//! is `T::default()` serialized to TOML: every allowed key exists there with a
//! value of the allowed type. Loading runs in stages, each of which keeps
//! going after a problem:
//!
//! 1. parse the file with spans (syntax errors stop here, with positions);
//! 2. walk it against the defaults, merging into a copy: unknown keys and
//!    wrong types are reported (an integer is accepted where a float is
//!    expected, not the other way round);
//! 3. apply the overrides through the same checks;
//! 4. deserialize into `T`, reporting each serde failure (e.g. an unknown
//!    enum variant) and resetting it to the default to find the next;
//! 5. run [`Validate::validate`] and point each range problem back at the
//!    override or file position that wrote it, or at "default".
//!
//! ```text
//! scenario scenarios/bad.toml has 3 problems:
//!   scenarios/bad.toml:4:1: unknown key `population.vilages`; allowed keys in [population]: villages, households_per_village
//!   scenarios/bad.toml:9:16: `cadres.admin_burden` = 1.4 is out of range: allowed a number in [0, 1]
//!   --set cadres.assignment=best: `cadres.assignment` = "best" is not allowed: expected one of "random", "matched"
//! ```

mod keypath;
mod merge;
mod overrides;
mod problem;
mod provenance;
mod resolve;
mod schema;
mod text;

#[cfg(test)]
mod tests;

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;
use toml::de::DeTable;
use toml::Table;

pub use problem::{Location, Problem, ScenarioError};

pub(crate) use merge::to_value;
pub(crate) use schema::found_name;
/// Used by the sweep module's tests, to check its own position index against this one.
#[cfg(test)]
pub(crate) use text::line_column;

use keypath::{KeyPath, Segment};
use merge::{merge_root, Origin, Report};
use problem::Site;
use schema::Schema;

/// Label used for the scenario built into the program.
pub const BASELINE_LABEL: &str = "<built-in baseline>";

/// Where scenario text came from: a label shown in messages (usually the file
/// path, or [`BASELINE_LABEL`]) and the TOML text itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// Shown in messages, e.g. `scenarios/bad.toml`.
    pub label: String,
    /// The TOML text; empty text means "all defaults".
    pub text: String,
}

impl Source {
    /// A source with the given label and text.
    pub fn new(label: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            text: text.into(),
        }
    }

    /// Reads a scenario file; its path (as given) becomes the label.
    pub fn from_file(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)?;
        Ok(Self::new(path.display().to_string(), text))
    }

    /// The built-in baseline: no text, so every value is a default.
    pub fn baseline() -> Self {
        Self::new(BASELINE_LABEL, "")
    }
}

/// A range or consistency problem found by `T`'s own validation on the fully
/// merged value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeProblem {
    /// Dotted key path, e.g. `cadres.admin_burden` or `cadres.mix`.
    pub path: String,
    /// The value as given, e.g. `1.4`.
    pub value: String,
    /// What is allowed, e.g. `a number in [0, 1]`.
    pub allowed: String,
}

impl RangeProblem {
    /// A problem at `path` whose value `value` is outside `allowed`.
    pub fn new(
        path: impl Into<String>,
        value: impl Into<String>,
        allowed: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            value: value.into(),
            allowed: allowed.into(),
        }
    }
}

/// Range and consistency checks a parameter type runs on itself.
pub trait Validate {
    /// Every problem with the value; empty when it is usable.
    fn validate(&self) -> Vec<RangeProblem>;
}

/// Parses `source`, applies `overrides` (`key.path=value` strings from the
/// CLI's repeatable `--set`, applied in order after the file), validates, and
/// returns the resolved `T` or all problems found.
pub fn load<T>(source: &Source, overrides: &[String]) -> Result<T, ScenarioError>
where
    T: Default + Serialize + DeserializeOwned + Validate,
{
    let schema = Schema::of::<T>().map_err(|why| {
        let msg = format!("internal error: {why}");
        let problem = Problem::new(Site::default_value(), "", msg);
        ScenarioError::new(&source.label, vec![problem])
    })?;
    let mut merged = schema.tree().clone();
    let mut report = Report::default();
    let readable = merge_file(&source.text, &schema, &mut merged, &mut report);
    overrides::apply_overrides(overrides, &schema, &mut merged, &mut report);
    let value = if readable {
        resolve::deserialize::<T>(&mut merged, &schema, &mut report)
    } else {
        None
    };
    if let Some(value) = &value {
        check_ranges(value, &mut report);
    }
    match value {
        Some(value) if report.problems.is_empty() => Ok(value),
        _ => Err(ScenarioError::new(&source.label, report.problems)),
    }
}

/// The fully resolved scenario (defaults filled in) as TOML text, for `povsim check`.
pub fn to_toml<T: Serialize>(value: &T) -> Result<String, toml::ser::Error> {
    toml::to_string_pretty(value)
}

/// Parses and merges the file; on syntax errors reports each and returns false.
fn merge_file(text: &str, schema: &Schema, merged: &mut Table, report: &mut Report) -> bool {
    let origin = Origin::File { text };
    let (root, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        merge_root(origin, schema, root.get_ref(), merged, report);
        return true;
    }
    for error in errors {
        let site = origin.site(&error.span().unwrap_or(0..0));
        let problem = Problem::new(site, "", format!("invalid TOML: {}", error.message()));
        if !report.problems.contains(&problem) {
            report.problems.push(problem);
        }
    }
    false
}

/// Runs `T`'s own validation and locates each problem it reports; one
/// already reported at the same path and location is not repeated.
fn check_ranges<T: Validate>(value: &T, report: &mut Report) {
    for range in value.validate() {
        let path = KeyPath::parse(&range.path)
            .unwrap_or_else(|_| KeyPath::from_segments(vec![Segment::Key(range.path.clone())]));
        let site = report.provenance.locate(&path);
        let message = format!(
            "`{}` = {} is out of range: allowed {}",
            range.path, range.value, range.allowed
        );
        let problem = Problem::new(site, range.path, message);
        let repeated = report
            .problems
            .iter()
            .any(|p| p.path() == problem.path() && p.location() == problem.location());
        if !repeated {
            report.problems.push(problem);
        }
    }
}
