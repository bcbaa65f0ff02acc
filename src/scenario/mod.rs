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

mod docs;
mod keypath;
mod merge;
mod overrides;
mod problem;
mod provenance;
pub mod removed;
mod resolve;
mod schema;
mod text;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;
use toml::de::DeTable;
use toml::Table;

pub use docs::{annotated_toml, key_docs, KeyDoc};
pub use problem::{Location, Problem, ScenarioError, Warning};

pub(crate) use merge::to_value;
pub(crate) use schema::found_name;
pub use schema::leaves;
pub(crate) use text::shorten;
/// Line and column of byte offsets (also used for sweep files).
pub(crate) use text::LineIndex;

use keypath::{KeyPath, Segment};
use merge::{merge_root, Origin, Report};
use problem::Site;
use schema::Schema;

/// Label used for the scenario built into the program.
pub const BASELINE_LABEL: &str = "<built-in baseline>";

/// Largest scenario text accepted, in bytes (1 MiB). A scenario states only
/// what differs from the defaults, so even one listing every key with long
/// comments is a few tens of KiB; the limit is checked before parsing, so a
/// huge or endless file is refused at once instead of being read and walked.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;

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

    /// Reads a scenario file; its path (as given) becomes the label. Reads at
    /// most [`MAX_SCENARIO_BYTES`] + 1 bytes: a larger file is refused with an
    /// `InvalidData` error saying so, as is a file that is not UTF-8 text.
    pub fn from_file(path: impl AsRef<Path>) -> std::io::Result<Self> {
        use std::io::Read;
        let path = path.as_ref();
        let file = std::fs::File::open(path)?;
        let mut bytes = Vec::new();
        file.take(MAX_SCENARIO_BYTES as u64 + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() > MAX_SCENARIO_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                too_large_message(),
            ));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let msg = format!("the file is not UTF-8 text (invalid byte at offset {at})");
            std::io::Error::new(std::io::ErrorKind::InvalidData, msg)
        })?;
        Ok(Self::new(path.display().to_string(), text))
    }

    /// The built-in baseline: no text, so every value is a default.
    pub fn baseline() -> Self {
        Self::new(BASELINE_LABEL, "")
    }
}

/// What is said of a scenario text over [`MAX_SCENARIO_BYTES`].
fn too_large_message() -> String {
    format!(
        "the scenario is larger than {MAX_SCENARIO_BYTES} bytes (1 MiB), the most a scenario \
         file may hold; a scenario lists only the values that differ from the baseline"
    )
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
    /// Other keys whose values set the allowed range (e.g. `population.villages`
    /// for `population.counties`): when the user did not write `path` itself,
    /// the problem is located at the first of these the user wrote.
    pub related: Vec<String>,
    /// A contradiction that is a problem only when the user wrote `path`
    /// (e.g. a start year after the run's end): when `path` is a default the
    /// problem is dropped, and `T` may give a warning instead.
    pub only_if_written: bool,
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
            related: Vec::new(),
            only_if_written: false,
        }
    }

    /// The same problem, reported only when the user wrote its key.
    pub fn only_if_written(mut self) -> Self {
        self.only_if_written = true;
        self
    }

    /// The same problem, whose allowed range also depends on the key at `path`.
    pub fn depending_on(mut self, path: impl Into<String>) -> Self {
        self.related.push(path.into());
        self
    }
}

/// Something `T`'s own validation wants to tell the user about a value it
/// accepts: e.g. a key that another key switches off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Advice {
    /// Dotted key path of the value concerned, e.g. `cadres.mix`; the advice
    /// is given only when the user wrote this key (or something under it).
    pub path: String,
    /// The whole message, e.g. "`cadres.mix` is ignored under ...".
    pub message: String,
}

impl Advice {
    /// Advice about the value at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Range and consistency checks a parameter type runs on itself.
pub trait Validate {
    /// Every problem with the value; empty when it is usable.
    fn validate(&self) -> Vec<RangeProblem>;

    /// Advice on values that are allowed but probably not meant (inert keys,
    /// settings another setting overrides). Asked only of a value without
    /// problems; the default is none.
    fn warnings(&self) -> Vec<Advice> {
        Vec::new()
    }
}

/// Parses `source`, applies `overrides` (`key.path=value` strings from the
/// CLI's repeatable `--set`, applied in order after the file), validates, and
/// returns the resolved `T` or all problems found.
pub fn load<T>(source: &Source, overrides: &[String]) -> Result<T, ScenarioError>
where
    T: Default + Serialize + DeserializeOwned + Validate,
{
    load_with_warnings(source, overrides).map(|(value, _)| value)
}

/// [`load`], also returning the warnings `T` gives on the resolved value
/// ([`Validate::warnings`]), each located at the file position or override
/// that wrote the value concerned; advice about values the user did not write
/// is dropped.
pub fn load_with_warnings<T>(
    source: &Source,
    overrides: &[String],
) -> Result<(T, Vec<Warning>), ScenarioError>
where
    T: Default + Serialize + DeserializeOwned + Validate,
{
    if source.text.len() > MAX_SCENARIO_BYTES {
        let problem = Problem::new(Site::file(1, 1), "", too_large_message());
        return Err(ScenarioError::new(&source.label, vec![problem]));
    }
    let schema = Schema::of::<T>().map_err(|why| {
        let msg = format!("internal error: {why}");
        let problem = Problem::new(Site::default_value(), "", msg);
        ScenarioError::new(&source.label, vec![problem])
    })?;
    let mut merged = schema.tree().clone();
    let mut report = Report::default();
    let lines = LineIndex::new(&source.text);
    let readable = merge_file(&lines, &schema, &mut merged, &mut report);
    overrides::apply_overrides(overrides, &schema, &mut merged, &mut report);
    let value = if readable {
        resolve::deserialize::<T>(&mut merged, &schema, &mut report)
    } else {
        None
    };
    if let Some(value) = &value {
        check_ranges(value, &mut report, &merged, &schema);
    }
    match value {
        Some(value) if report.problems.is_empty() => {
            let warnings = locate_advice(value.warnings(), &report, &merged, &schema);
            let sorted = ScenarioError::new(&source.label, warnings);
            Ok((value, sorted.problems().to_vec()))
        }
        _ => Err(ScenarioError::new(&source.label, report.problems)),
    }
}

/// The fully resolved scenario (defaults filled in) as TOML text, for `povsim check`.
pub fn to_toml<T: Serialize>(value: &T) -> Result<String, toml::ser::Error> {
    toml::to_string_pretty(value)
}

/// Parses and merges the file; on syntax errors reports each and returns false.
fn merge_file(
    lines: &LineIndex<'_>,
    schema: &Schema,
    merged: &mut Table,
    report: &mut Report,
) -> bool {
    let origin = Origin::File { lines };
    let (root, errors) = DeTable::parse_recoverable(lines.text());
    if errors.is_empty() {
        merge_root(origin, schema, root.get_ref(), merged, report);
        return true;
    }
    let mut seen = HashSet::new();
    for error in errors {
        let site = origin.site(&error.span().unwrap_or(0..0));
        let problem = Problem::new(site, "", format!("invalid TOML: {}", error.message()));
        if seen.insert(problem.clone()) {
            report.problems.push(problem);
        }
    }
    false
}

/// The parsed form of a dotted path from `T`'s own validation.
fn parse_path(path: &str) -> KeyPath {
    KeyPath::parse(path)
        .unwrap_or_else(|_| KeyPath::from_segments(vec![Segment::Key(path.to_owned())]))
}

/// Runs `T`'s own validation and locates each problem it reports: at the
/// value itself when the user set it, else at the first related key the user
/// set (a constraint between two keys is the fault of the one set), else
/// where the value was written, else at "default". A key counts as set when
/// the user wrote it with a value other than its default: a file that writes
/// every default (a copy of the baseline) does not take the blame for a
/// constraint another key broke. One problem already reported at the same
/// path and location is not repeated.
fn check_ranges<T: Validate>(value: &T, report: &mut Report, merged: &Table, schema: &Schema) {
    let mut seen: HashSet<(String, Location)> = report
        .problems
        .iter()
        .map(|p| (p.path().to_owned(), p.location().clone()))
        .collect();
    let set_at = |path: &str| {
        let path = parse_path(path);
        let site = report.provenance.locate(&path);
        let changed = schema::lookup(merged, &path) != schema.get(&path);
        (site, changed)
    };
    let mut found = Vec::new();
    for range in value.validate() {
        let (own, own_set) = set_at(&range.path);
        let own_set = own_set && own.location() != &Location::Default;
        if !own_set && range.only_if_written {
            continue;
        }
        let related = range
            .related
            .iter()
            .map(|path| (path, set_at(path)))
            .find(|(_, (site, changed))| *changed && site.location() != &Location::Default);
        let (site, shown) = match related {
            Some((by, (site, _))) if !own_set => {
                let shown = format!(
                    "`{}` = {} (the default, limited by `{by}`)",
                    range.path, range.value
                );
                (site, shown)
            }
            _ => (own, format!("`{}` = {}", range.path, range.value)),
        };
        let message = format!("{shown} is out of range: allowed {}", range.allowed);
        let problem = Problem::new(site, range.path, message);
        if seen.insert((problem.path().to_owned(), problem.location().clone())) {
            found.push(problem);
        }
    }
    report.problems.extend(found);
}

/// Locates each piece of advice at the value the user wrote; advice about a
/// value nobody wrote, or that the user wrote equal to its default (as a
/// fully documented file such as the baseline does), is dropped.
fn locate_advice(
    advice: Vec<Advice>,
    report: &Report,
    merged: &Table,
    schema: &Schema,
) -> Vec<Warning> {
    advice
        .into_iter()
        .filter_map(|advice| {
            let path = parse_path(&advice.path);
            if schema::lookup(merged, &path) == schema.get(&path) {
                return None;
            }
            let site = report.provenance.locate(&path);
            let problem = Problem::new(site, advice.path, advice.message);
            problem.is_located().then_some(problem)
        })
        .collect()
}
