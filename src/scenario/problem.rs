//! The error side of scenario loading: where a problem is ([`Location`]),
//! one problem ([`Problem`]), and the whole report ([`ScenarioError`]) whose
//! `Display` is what the CLI prints.

use std::fmt;

/// Where a problem comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Location {
    /// A position in the scenario file (both 1-based; the column counts characters).
    File {
        /// 1-based line number.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
    },
    /// A command-line override; holds the text given to `--set`, e.g. `cadres.assignment=best`.
    Override(String),
    /// The offending value was never written by the user: it is a default.
    Default,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File { line, column } => write!(f, "{line}:{column}"),
            Location::Override(text) => write!(f, "--set {text}"),
            Location::Default => f.write_str("default"),
        }
    }
}

/// A location together with the key used to order problems: file positions
/// first (by line, column), then overrides (in command-line order), then defaults.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Site {
    location: Location,
    order: (u8, usize, usize),
}

impl Site {
    /// A position in the file.
    pub(crate) fn file(line: usize, column: usize) -> Self {
        let location = Location::File { line, column };
        Self {
            location,
            order: (0, line, column),
        }
    }

    /// The `index`-th `--set` override, whose text was `text`.
    pub(crate) fn override_arg(index: usize, text: &str) -> Self {
        Self {
            location: Location::Override(text.to_owned()),
            order: (1, index, 0),
        }
    }

    /// A value nobody wrote.
    pub(crate) fn default_value() -> Self {
        Self {
            location: Location::Default,
            order: (2, 0, 0),
        }
    }

    /// Where this site is.
    pub(crate) fn location(&self) -> &Location {
        &self.location
    }
}

/// One thing wrong with a scenario (or, as a [`Warning`], one thing that is
/// probably not what its author meant).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Problem {
    site: Site,
    path: String,
    message: String,
}

impl Problem {
    /// A problem at `site` about the value at dotted `path` ("" for the whole file).
    pub(crate) fn new(site: Site, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            site,
            path: path.into(),
            message: message.into(),
        }
    }

    /// Where the problem is: file position, `--set` text, or default.
    pub fn location(&self) -> &Location {
        &self.site.location
    }

    /// The dotted key path concerned (e.g. `cadres.admin_burden`); empty for
    /// problems about the file as a whole, such as syntax errors.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The human-readable description, without the location prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// True when the problem points at the file or an override, false when
    /// it could only be placed at a default.
    pub fn is_located(&self) -> bool {
        !matches!(self.location(), Location::Default)
    }

    /// The problem as one line, prefixed by its location; file positions are
    /// shown as `label:line:column`.
    pub fn render(&self, label: &str) -> String {
        match self.location() {
            Location::File { .. } => format!("{label}:{}: {}", self.location(), self.message),
            other => format!("{other}: {}", self.message),
        }
    }
}

/// A value the scenario accepts but that probably does not do what its
/// author meant (e.g. a key another key switches off); located like a
/// [`Problem`], at the value the user wrote.
pub type Warning = Problem;

/// Everything wrong with a scenario, reported at once.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", render_report(.label, .problems))]
pub struct ScenarioError {
    label: String,
    problems: Vec<Problem>,
}

impl ScenarioError {
    /// A report about the scenario labelled `label`; problems are put in
    /// order (file positions, then overrides, then defaults).
    pub(crate) fn new(label: &str, mut problems: Vec<Problem>) -> Self {
        problems.sort_by_key(|p| p.site.order);
        Self {
            label: label.to_owned(),
            problems,
        }
    }

    /// The label of the scenario source (usually its file path).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// All problems, in file order, then overrides, then defaults.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

/// Header line, then one indented line per problem.
fn render_report(label: &str, problems: &[Problem]) -> String {
    let count = problems.len();
    let noun = if count == 1 { "problem" } else { "problems" };
    let mut out = format!("scenario {label} has {count} {noun}:");
    for problem in problems {
        out.push_str("\n  ");
        out.push_str(&problem.render(label));
    }
    out
}
