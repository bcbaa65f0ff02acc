//! Where a problem of a scenario load belongs in a sweep file: loads apply the sweep's
//! overrides (`[set]`, swept values) to the base scenario, and each problem found is placed at
//! the line of the sweep file that caused it, found in constant time by the override's text,
//! key or section, so placing every problem stays linear however many there are.

use std::collections::{HashMap, HashSet};

use super::SweepProblem;
use crate::scenario::{Location, ScenarioError};

/// An override applied while resolving, with where the sweep file wrote it.
#[derive(Debug, Clone)]
pub(super) struct Placed {
    /// `key=value` as given to the scenario loader.
    pub(super) text: String,
    /// Line and column in the sweep file.
    pub(super) at: (usize, usize),
    /// The key as the sweep file names it (`seed`, `cadres.admin_burden`).
    pub(super) key: String,
}

impl Placed {
    /// The scenario key the override sets.
    fn scenario_key(&self) -> &str {
        self.text.split_once('=').map_or("", |(k, _)| k)
    }
}

/// Overrides indexed by their text, their key and their section (the key's first part), so
/// each problem of a scenario load finds the line that caused it in constant time.
#[derive(Default)]
pub(super) struct Sites<'a> {
    by_text: HashMap<&'a str, &'a Placed>,
    by_key: HashMap<&'a str, &'a Placed>,
    by_section: HashMap<&'a str, &'a Placed>,
    first: Option<&'a Placed>,
}

impl<'a> Sites<'a> {
    /// Index `placed` (the first of equal texts, keys or sections wins).
    pub(super) fn of(placed: impl IntoIterator<Item = &'a Placed>) -> Sites<'a> {
        let mut sites = Sites::default();
        for p in placed {
            sites.by_text.entry(p.text.as_str()).or_insert(p);
            let key = p.scenario_key();
            sites.by_key.entry(key).or_insert(p);
            let section = key.split('.').next().unwrap_or(key);
            sites.by_section.entry(section).or_insert(p);
            sites.first.get_or_insert(p);
        }
        sites
    }
}

/// Problems of the base scenario file itself, rendered with its label, each listed once.
#[derive(Default)]
pub(super) struct BaseProblems {
    /// The problems, in the order found.
    pub(super) lines: Vec<String>,
    seen: HashSet<String>,
}

impl BaseProblems {
    /// Add a problem unless it is already listed.
    pub(super) fn add(&mut self, line: String) {
        if self.seen.insert(line.clone()) {
            self.lines.push(line);
        }
    }
}

/// Who is to blame for a problem of a scenario load that is not at an override (a value of the
/// base scenario that no longer fits, or a default).
#[derive(Clone, Copy)]
pub(super) enum Blame<'a> {
    /// The base scenario itself (it has problems on its own): listed under its label.
    Base(&'a str),
    /// The sweep's own values (the base alone is fine): placed at the sweep file's line that
    /// sets the key, else one that sets a key of the same section, else at `fallback`.
    Sweep {
        /// The base scenario's label, for the hint.
        base_label: &'a str,
        /// Where a problem goes that no override's key or section explains.
        fallback: (usize, usize),
    },
}

/// Place each problem of a scenario load: a problem at an override goes to the line that wrote
/// it in the sweep file; any other problem goes where `blame` says (the base scenario's own
/// list, or the sweep file's line of the same key or section, or `fallback`).
pub(super) fn place(
    problems: &mut Vec<SweepProblem>,
    base_problems: &mut BaseProblems,
    error: &ScenarioError,
    sites: &[&Sites<'_>],
    blame: Blame<'_>,
) {
    for problem in error.problems() {
        let path = problem.path();
        if let Location::Override(text) = problem.location() {
            let site = sites.iter().find_map(|s| s.by_text.get(text.as_str()));
            match site {
                Some(p) => push(problems, p.at, &p.key, problem.message()),
                None => push(problems, (1, 1), path, problem.message()),
            }
            continue;
        }
        match blame {
            Blame::Base(label) => base_problems.add(problem.render(label)),
            Blame::Sweep {
                base_label,
                fallback,
            } => {
                if let Some(p) = sites.iter().find_map(|s| s.by_key.get(path)) {
                    push(problems, p.at, &p.key, problem.message());
                    continue;
                }
                // One set of sites: the [set] entries, blamed by section. Several: one value
                // checked on top of [set], which is what does not fit.
                let at = match sites {
                    [only] => {
                        let section = path.split('.').next().unwrap_or(path);
                        only.by_section
                            .get(section)
                            .or(only.first.as_ref())
                            .map_or(fallback, |p| p.at)
                    }
                    _ => fallback,
                };
                push(
                    problems,
                    at,
                    path,
                    format!(
                        "{} (`{path}` is not set in the sweep file: its value comes from the base scenario {base_label} and does not fit the sweep's values; set `{path}` in [set] too, or change the value here)",
                        problem.message()
                    ),
                );
            }
        }
    }
}

/// Add one problem at (line, column).
fn push(
    problems: &mut Vec<SweepProblem>,
    (line, column): (usize, usize),
    key: &str,
    message: impl Into<String>,
) {
    problems.push(SweepProblem {
        line,
        column,
        key: key.to_string(),
        message: message.into(),
    });
}
