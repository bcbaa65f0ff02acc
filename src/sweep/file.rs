//! Sweep files: parse the TOML with positions, check every problem at once, and resolve the
//! file into a [`SweepPlan`] (every point's overrides, validated through the scenario loader)
//! plus the parameters of every point. Nothing here runs the model or writes files.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use toml::de::{DeTable, DeValue};
use toml::{Spanned, Value};

use super::blame::{place, BaseProblems, Blame, Placed, Sites};
use super::bootstrap::{DEFAULT_RESAMPLES, RESAMPLES_RANGE};
use super::design::{
    grid_indices, interleaved_order, latin_hypercube, morris_trajectories, MorrisStep,
};
use super::inert::inert_warnings;
use super::names::check_name;
use super::sobol::{saltelli_design, SaltelliCell, MAX_FACTORS, MAX_ROWS};
use super::{Factor, FactorKind, Method, PlanPoint, SweepError, SweepPlan, SweepProblem};
use crate::cmd::common::BASELINE_TEXT;
use crate::params::Params;
use crate::scenario::LineIndex;
use crate::scenario::{
    self, found_name as found, to_value, Location, ScenarioError, Source, BASELINE_LABEL,
};

/// Keys allowed at the top of a sweep file.
const TOP_KEYS: [&str; 8] = [
    "name",
    "description",
    "base",
    "replicates",
    "seed",
    "set",
    "grid",
    "sample",
];

/// Keys allowed in `[sample]`.
const SAMPLE_KEYS: [&str; 7] = [
    "method",
    "points",
    "trajectories",
    "levels",
    "n",
    "bootstrap",
    "ranges",
];

/// Most runs (points x replicates) one sweep may ask for: a guard against a typo such as a
/// grid of 10^6 points, not a limit of the model.
pub const MAX_RUNS: u64 = 1_000_000;

/// One `key = value` written in the file, with where it was written.
#[derive(Debug, Clone)]
struct Written {
    key: String,
    /// The value as TOML text (for the override `key=value`).
    text: String,
    /// The value itself.
    value: Value,
    line: usize,
    column: usize,
}

/// A `[sample]` table as written.
#[derive(Debug, Default)]
struct SampleSection {
    method: Option<(Method, usize, usize)>,
    points: Option<(i64, usize, usize)>,
    trajectories: Option<(i64, usize, usize)>,
    levels: Option<(i64, usize, usize)>,
    n: Option<(i64, usize, usize)>,
    bootstrap: Option<(i64, usize, usize)>,
    ranges: Vec<(Written, Option<(f64, f64)>)>,
    line: usize,
    column: usize,
}

/// What the file says, before resolution.
#[derive(Debug, Default)]
struct SweepFile {
    name: Option<(String, usize, usize)>,
    base: Option<(String, usize, usize)>,
    replicates: Option<(i64, usize, usize)>,
    seed: Option<(i64, usize, usize)>,
    set: Vec<Written>,
    grid: Vec<(Written, Vec<Written>)>,
    grid_at: Option<(usize, usize)>,
    sample: Option<SampleSection>,
}

/// The problems found so far, with the file text to place spans.
struct Checker<'t> {
    text: &'t str,
    positions: LineIndex<'t>,
    problems: Vec<SweepProblem>,
}

impl<'t> Checker<'t> {
    fn new(text: &'t str) -> Checker<'t> {
        Checker {
            text,
            positions: LineIndex::new(text),
            problems: Vec::new(),
        }
    }

    fn at(&self, span: &Range<usize>) -> (usize, usize) {
        self.positions.line_column(span.start)
    }

    fn push(&mut self, (line, column): (usize, usize), key: &str, message: impl Into<String>) {
        self.problems.push(SweepProblem {
            line,
            column,
            key: key.to_string(),
            message: message.into(),
        });
    }

    fn written(&self, key: String, value: &Spanned<DeValue<'_>>) -> Option<Written> {
        let span = value.span();
        let (line, column) = self.at(&span);
        let text = self.text.get(span)?.trim().to_string();
        Some(Written {
            key,
            value: to_value(value.get_ref()).ok()?,
            text,
            line,
            column,
        })
    }

    fn integer(&mut self, key: &str, value: &Spanned<DeValue<'_>>) -> Option<(i64, usize, usize)> {
        let (line, column) = self.at(&value.span());
        match to_value(value.get_ref()).ok() {
            Some(Value::Integer(i)) => Some((i, line, column)),
            _ => {
                self.push(
                    (line, column),
                    key,
                    format!(
                        "`{key}` must be a whole number, not {}",
                        found(value.get_ref())
                    ),
                );
                None
            }
        }
    }

    fn string(
        &mut self,
        key: &str,
        value: &Spanned<DeValue<'_>>,
    ) -> Option<(String, usize, usize)> {
        let (line, column) = self.at(&value.span());
        match value.get_ref() {
            DeValue::String(s) => Some((s.to_string(), line, column)),
            other => {
                self.push(
                    (line, column),
                    key,
                    format!("`{key}` must be a string, not {}", found(other)),
                );
                None
            }
        }
    }

    fn unknown(&mut self, span: &Range<usize>, key: &str, allowed: &[&str], within: &str) {
        let at = self.at(span);
        self.push(
            at,
            key,
            format!(
                "unknown key `{key}`; allowed {within}: {}",
                allowed.join(", ")
            ),
        );
    }

    /// A table of dotted scenario keys (`[set]`, `[grid]`, `[sample.ranges]`): its entries in
    /// file order. Keys may be written quoted (`"cadres.admin_burden" = ...`) or as nested
    /// tables; both give the dotted key.
    fn dotted_entries<'a, 'i>(
        &mut self,
        prefix: &str,
        table: &'a DeTable<'i>,
        out: &mut Vec<(String, &'a Spanned<DeValue<'i>>)>,
    ) {
        for (key, value) in table.iter() {
            let dotted = if prefix.is_empty() {
                key.get_ref().to_string()
            } else {
                format!("{prefix}.{}", key.get_ref())
            };
            match value.get_ref() {
                DeValue::Table(inner) => self.dotted_entries(&dotted, inner, out),
                _ => out.push((dotted, value)),
            }
        }
    }
}

/// A resolved sweep file.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The plan: design, points, hash.
    pub plan: SweepPlan,
    /// The parameters of every point, by point id.
    pub points: Vec<Params>,
    /// The base scenario with `[set]`, seed and replicates applied (no swept values).
    pub base: Params,
}

/// Largest sweep file (and base scenario file) read, in bytes: checked before parsing, so a
/// huge or endless file (a device, a file still growing) is refused at once. Real sweep files
/// are a few hundred bytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Most points one sweep may have: every point's parameters are validated and kept in memory
/// (a few kilobytes each) before the first run starts.
pub const MAX_POINTS: u64 = 100_000;

/// Parse, check and resolve a sweep file. `path` is shown in messages and anchors `base`.
pub fn resolve(path: &Path) -> Result<Resolved, SweepError> {
    let label = path.display().to_string();
    let text = read_limited(path, "sweep file").map_err(|message| SweepError {
        label: label.clone(),
        problems: vec![SweepProblem {
            line: 0,
            column: 0,
            key: String::new(),
            message,
        }],
        base_problems: Vec::new(),
    })?;
    resolve_text(&label, &text, path.parent().unwrap_or(Path::new(".")))
}

/// Read a text file of at most [`MAX_FILE_BYTES`]: the size is checked before reading, and no
/// more than the limit is ever read (the file may grow while it is read, or be a device).
fn read_limited(path: &Path, what: &str) -> Result<String, String> {
    let cannot = |e: std::io::Error| format!("cannot read the {what} {}: {e}", path.display());
    let file = File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(format!(
            "cannot read the {what} {}: it is not a regular file",
            path.display()
        ));
    }
    let too_big = |size: String| {
        format!(
            "the {what} {} is {size} bytes; at most {MAX_FILE_BYTES} bytes (1 MiB) are allowed",
            path.display()
        )
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(meta.len().to_string()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(format!("more than {MAX_FILE_BYTES}")));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "cannot read the {what} {}: it is not UTF-8 text (at byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// How the points are chosen, before any point is made: enough to count them.
#[derive(Debug, Clone)]
enum Design {
    /// A full grid over these numbers of values per key.
    Grid { sizes: Vec<usize> },
    /// A Latin hypercube of `points` points.
    Lhs { points: usize },
    /// Morris trajectories.
    Morris { trajectories: usize, levels: u32 },
    /// A Saltelli design of `rows` base rows.
    Sobol { rows: usize },
    /// Nothing can be made (the problem is already reported).
    Broken,
}

impl Design {
    /// Points the design makes with `factors` swept keys; `None` when the count does not fit
    /// in 64 bits. Checked arithmetic: nothing is allocated to count.
    fn points(&self, factors: usize) -> Option<u64> {
        match self {
            Design::Grid { sizes } if sizes.is_empty() => Some(0),
            Design::Grid { sizes } => sizes.iter().try_fold(1u64, |n, &s| n.checked_mul(s as u64)),
            Design::Lhs { points } => Some(*points as u64),
            Design::Morris { trajectories, .. } => {
                (*trajectories as u64).checked_mul(factors as u64 + 1)
            }
            Design::Sobol { rows } => (*rows as u64).checked_mul(factors as u64 + 2),
            Design::Broken => Some(0),
        }
    }

    /// How the count comes about, for the message.
    fn explain(&self, factors: usize) -> String {
        match self {
            Design::Grid { sizes } => {
                let shown: Vec<String> = sizes.iter().take(8).map(|s| s.to_string()).collect();
                let more = if sizes.len() > 8 {
                    format!(" x ... ({} keys)", sizes.len())
                } else {
                    String::new()
                };
                format!("the [grid] values per key: {}{more}", shown.join(" x "))
            }
            Design::Lhs { points } => format!("`points` = {points}"),
            Design::Morris { trajectories, .. } => {
                format!("`trajectories` = {trajectories} x ({factors} keys + 1)")
            }
            Design::Sobol { rows } => format!("`n` = {rows} x ({factors} keys + 2)"),
            Design::Broken => String::new(),
        }
    }
}

/// [`resolve`] on text already read; `dir` is the folder `base` is relative to.
pub fn resolve_text(label: &str, text: &str, dir: &Path) -> Result<Resolved, SweepError> {
    let fail = |checker: Checker<'_>, base_problems: BaseProblems| SweepError {
        label: label.to_string(),
        problems: checker.problems,
        base_problems: base_problems.lines,
    };
    let mut checker = Checker::new(text);
    if text.len() as u64 > MAX_FILE_BYTES {
        checker.push(
            (0, 0),
            "",
            format!(
                "the sweep file is {} bytes; at most {MAX_FILE_BYTES} bytes (1 MiB) are allowed",
                text.len()
            ),
        );
        return Err(fail(checker, BaseProblems::default()));
    }
    let file = parse(&mut checker);
    let Some(file) = file else {
        return Err(fail(checker, BaseProblems::default()));
    };

    let name = sweep_name(&mut checker, &file, label);

    // The base scenario.
    let (base_source, base_label) = match &file.base {
        None => (
            Source::new(BASELINE_LABEL, BASELINE_TEXT),
            BASELINE_LABEL.to_string(),
        ),
        Some((base, line, column)) => {
            let candidate = if Path::new(base).is_absolute() {
                PathBuf::from(base)
            } else {
                dir.join(base)
            };
            match read_limited(&candidate, "base scenario") {
                Ok(text) => {
                    let shown = candidate.display().to_string();
                    (Source::new(shown.clone(), text), shown)
                }
                Err(_) if base == "baseline" => (
                    Source::new(BASELINE_LABEL, BASELINE_TEXT),
                    BASELINE_LABEL.to_string(),
                ),
                Err(why) => {
                    checker.push(
                        (*line, *column),
                        "base",
                        format!(
                            "{why}; `base` is a path relative to the sweep file, or \"baseline\" for the built-in baseline"
                        ),
                    );
                    return Err(fail(checker, BaseProblems::default()));
                }
            }
        }
    };

    let common = common_overrides(&mut checker, &file);
    let mut base_problems = BaseProblems::default();
    let Some((base_params, good_common)) = load_base(
        &mut checker,
        &mut base_problems,
        &base_source,
        &base_label,
        common,
    ) else {
        return Err(fail(checker, base_problems));
    };
    let good_texts: Vec<String> = good_common.iter().map(|p| p.text.clone()).collect();
    let set_sites = Sites::of(&good_common);
    // Every later load starts from the base as resolved with [set] (a text of fixed size), so
    // checking a value costs the same however long the sweep file is.
    let resolved = match scenario::to_toml(&base_params) {
        Ok(text) => Source::new(base_label.clone(), text),
        Err(e) => {
            checker.push(
                (0, 0),
                "",
                format!("internal error: cannot write the resolved base scenario: {e}"),
            );
            return Err(fail(checker, base_problems));
        }
    };
    let schema = Value::try_from(Params::default()).ok();

    // The design, counted before any point is made.
    if let (Some(sample), false) = (&file.sample, file.grid.is_empty()) {
        checker.push(
            (sample.line, sample.column),
            "sample",
            "a sweep has either [grid] or [sample], not both",
        );
    }
    let (method, factors, design, design_at) = match (&file.sample, file.grid.is_empty()) {
        (Some(sample), true) => design_sample(&mut checker, sample, schema.as_ref()),
        (_, false) => design_grid(&file),
        (None, true) => {
            checker.push(
                (1, 1),
                "",
                "the sweep varies nothing: add a [grid] of values (\"cadres.admin_burden\" = [0.2, 0.5, 0.8]) or a [sample] (method = \"lhs\", \"morris\" or \"sobol\") with [sample.ranges]",
            );
            return Err(fail(checker, base_problems));
        }
    };
    let sized = check_size(
        &mut checker,
        &design,
        factors.len(),
        base_params.simulation.replicates,
        design_at,
    );

    // Keys swept twice, or both fixed and swept.
    let set_keys: HashMap<&str, &Written> = file.set.iter().map(|w| (w.key.as_str(), w)).collect();
    let mut seen = HashSet::new();
    let mut checkable = Vec::with_capacity(factors.len());
    for (i, f) in factors.iter().enumerate() {
        let first = seen.insert(f.key.as_str());
        if !first {
            checker.push(f.at, &f.key, format!("`{}` is swept twice", f.key));
        }
        if let Some(w) = set_keys.get(f.key.as_str()) {
            checker.push(
                (w.line, w.column),
                &w.key,
                format!("`{}` is both fixed in [set] and swept; keep one", w.key),
            );
        }
        if first {
            checkable.push(i);
        }
    }

    // The points (their number is within the limits), each loaded as a whole: values that are
    // fine alone can clash (e.g. shares that must sum to 1). When every point loads, every
    // value is fine on its own too; otherwise each value is first checked alone, so that a bad
    // value is reported at its own line.
    let checkable = Checkable {
        file: &file,
        factors: &factors,
        which: &checkable,
        schema: schema.as_ref(),
        resolved: &resolved,
        set_sites: &set_sites,
        base_label: &base_label,
    };
    let each_value = if sized {
        check_unknown_keys(&mut checker, &mut base_problems, &checkable)
    } else {
        Vec::new()
    };
    let clean = checker.problems.is_empty() && base_problems.lines.is_empty();
    let loaded = (sized && clean).then(|| {
        let raw_points = make_points(&design, &file, &factors, base_params.simulation.seed);
        let results: Vec<Result<Params, ScenarioError>> = raw_points
            .par_iter()
            .map(|raw| scenario::load::<Params>(&resolved, &point_texts(&factors, raw)))
            .collect();
        (raw_points, results)
    });
    if sized
        && !loaded
            .as_ref()
            .is_some_and(|(_, r)| r.iter().all(Result::is_ok))
    {
        check_each_value(&mut checker, &mut base_problems, &checkable, &each_value);
    }
    if !checker.problems.is_empty() || !base_problems.lines.is_empty() {
        return Err(fail(checker, base_problems));
    }
    let Some((raw_points, results)) = loaded else {
        return Err(fail(checker, base_problems));
    };
    let mut point_params = Vec::with_capacity(results.len());
    let mut bad_points = 0;
    for (id, (raw, result)) in raw_points.iter().zip(results).enumerate() {
        match result {
            Ok(p) => point_params.push(p),
            Err(e) => {
                bad_points += 1;
                if bad_points <= 5 {
                    let described: Vec<String> = raw
                        .overrides
                        .iter()
                        .enumerate()
                        .map(|(k, v)| format!("{}={}", factors[k].key, v))
                        .collect();
                    for p in e.problems() {
                        checker.push(
                            (0, 0),
                            p.path(),
                            format!("point {id} ({}): {}", described.join(", "), p.message()),
                        );
                    }
                }
            }
        }
    }
    if bad_points > 5 {
        checker.push(
            (0, 0),
            "",
            format!("... and {} more points with problems", bad_points - 5),
        );
    }
    if !checker.problems.is_empty() {
        return Err(fail(checker, base_problems));
    }

    let points: Vec<PlanPoint> = raw_points
        .into_iter()
        .enumerate()
        .map(|(id, raw)| PlanPoint {
            id: id as u32,
            values: raw.overrides.iter().map(|t| csv_text(t)).collect(),
            overrides: raw
                .overrides
                .iter()
                .enumerate()
                .map(|(k, t)| override_text(&factors[k].key, t))
                .collect(),
            unit: raw.unit,
            morris: raw.morris,
            saltelli: raw.saltelli,
        })
        .collect();
    let order = match method {
        Method::Morris => (0..points.len() as u32).collect(),
        _ => interleaved_order(points.len())
            .into_iter()
            .map(|p| p as u32)
            .collect(),
    };
    let keys: Vec<String> = factors.iter().map(|f| f.key.clone()).collect();
    let bootstrap = match &file.sample {
        Some(s) if matches!(method, Method::Morris | Method::Sobol) => {
            Some(s.bootstrap.map_or(DEFAULT_RESAMPLES, |(b, _, _)| b as u32))
        }
        _ => None,
    };
    let mut plan = SweepPlan::new(
        label,
        name,
        &base_label,
        method,
        &base_params,
        good_texts,
        factors.into_iter().map(|f| f.factor).collect(),
        match &file.sample {
            Some(s) if method == Method::Morris => Some(s.levels.map_or(4, |l| l.0 as u32)),
            _ => None,
        },
        bootstrap,
        points,
        order,
        &point_params,
    );
    plan.warnings = inert_warnings(&keys, &point_params);
    Ok(Resolved {
        plan,
        points: point_params,
        base: base_params,
    })
}

/// The sweep's name (its `name`, else the file's stem). It becomes a folder name and a Slurm
/// job name, so it must be from the safe set of [`check_name`]; a problem is reported at the
/// `name` line (or at the top, for a file name).
fn sweep_name(checker: &mut Checker<'_>, file: &SweepFile, label: &str) -> String {
    match &file.name {
        Some((name, line, column)) => {
            if let Err(why) = check_name(name) {
                checker.push((*line, *column), "name", format!("`name`: {why}"));
            }
            name.clone()
        }
        None => {
            let stem = Path::new(label)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "sweep".into());
            if let Err(why) = check_name(&stem) {
                checker.push(
                    (1, 1),
                    "name",
                    format!("the sweep is named after its file, and {why}; add `name = \"...\"` to the file"),
                );
            }
            stem
        }
    }
}

/// The overrides applied at every point, with their lines: `[set]` in file order, then `seed`
/// and `replicates` (each checked for its own range here).
fn common_overrides(checker: &mut Checker<'_>, file: &SweepFile) -> Vec<Placed> {
    let mut common: Vec<Placed> = file
        .set
        .iter()
        .map(|w| Placed {
            text: override_text(&w.key, &w.text),
            at: (w.line, w.column),
            key: w.key.clone(),
        })
        .collect();
    if let Some((seed, line, column)) = file.seed {
        if seed < 0 {
            checker.push(
                (line, column),
                "seed",
                format!("`seed` = {seed} must be a whole number >= 0"),
            );
        } else {
            common.push(Placed {
                text: format!("simulation.seed={seed}"),
                at: (line, column),
                key: "seed".into(),
            });
        }
    }
    if let Some((replicates, line, column)) = file.replicates {
        if !(1..=100_000).contains(&replicates) {
            checker.push(
                (line, column),
                "replicates",
                format!("`replicates` = {replicates} is out of range: allowed a whole number in [1, 100000]"),
            );
        } else {
            common.push(Placed {
                text: format!("simulation.replicates={replicates}"),
                at: (line, column),
                key: "replicates".into(),
            });
        }
    }
    common
}

/// What the value checks look at.
struct Checkable<'a> {
    file: &'a SweepFile,
    factors: &'a [PlacedFactor],
    /// Indices of the factors to check (each key once).
    which: &'a [usize],
    schema: Option<&'a Value>,
    /// The base scenario resolved with [set].
    resolved: &'a Source,
    set_sites: &'a Sites<'a>,
    base_label: &'a str,
}

impl Checkable<'_> {
    /// The values of factor `i` to check alone, with their lines: grid values, range ends.
    fn values_of(&self, i: usize) -> Vec<(String, (usize, usize))> {
        let f = &self.factors[i];
        match &f.factor.kind {
            FactorKind::Values { .. } => self.file.grid[f.source]
                .1
                .iter()
                .map(|v| (v.text.clone(), (v.line, v.column)))
                .collect(),
            FactorKind::Range { low, high, integer } => vec![
                (value_at(*low, *high, *integer, 0.0), f.at),
                (value_at(*low, *high, *integer, 1.0), f.at),
            ],
        }
    }
}

/// Check the swept keys the schema does not know in one load (each problem reported at its
/// line), before any point is loaded; returns the factors whose values are worth checking one
/// by one (the known keys and those the load accepted).
fn check_unknown_keys(
    checker: &mut Checker<'_>,
    base_problems: &mut BaseProblems,
    c: &Checkable<'_>,
) -> Vec<usize> {
    let (mut known, unknown): (Vec<usize>, Vec<usize>) = c.which.iter().partition(|&&i| {
        c.schema
            .and_then(|s| lookup(s, &c.factors[i].key))
            .is_some()
    });
    let batch: Vec<(usize, Placed)> = unknown
        .iter()
        .filter_map(|&i| {
            c.values_of(i).into_iter().next().map(|(text, at)| {
                let key = c.factors[i].key.clone();
                let text = override_text(&key, &text);
                (i, Placed { text, at, key })
            })
        })
        .collect();
    if batch.is_empty() {
        return known;
    }
    let texts: Vec<String> = batch.iter().map(|(_, p)| p.text.clone()).collect();
    let mut blamed = HashSet::new();
    if let Err(e) = scenario::load::<Params>(c.resolved, &texts) {
        for problem in e.problems() {
            if let Location::Override(text) = problem.location() {
                blamed.insert(text.clone());
            }
        }
        let sites = Sites::of(batch.iter().map(|(_, p)| p));
        place(
            &mut checker.problems,
            base_problems,
            &e,
            &[&sites],
            Blame::Sweep {
                base_label: c.base_label,
                fallback: batch[0].1.at,
            },
        );
    }
    known.extend(
        batch
            .iter()
            .filter(|(_, p)| !blamed.contains(&p.text))
            .map(|(i, _)| *i),
    );
    known
}

/// Check each value of the factors `which` on its own on top of the resolved base, reporting
/// each problem at the value's line; a value written twice is checked once.
fn check_each_value(
    checker: &mut Checker<'_>,
    base_problems: &mut BaseProblems,
    c: &Checkable<'_>,
    which: &[usize],
) {
    let mut checked = HashSet::new();
    for &i in which {
        for (text, at) in c.values_of(i) {
            let value = [Placed {
                text: override_text(&c.factors[i].key, &text),
                at,
                key: c.factors[i].key.clone(),
            }];
            if !checked.insert(value[0].text.clone()) {
                continue;
            }
            if let Err(e) = scenario::load::<Params>(c.resolved, &[value[0].text.clone()]) {
                let sites = Sites::of(&value);
                place(
                    &mut checker.problems,
                    base_problems,
                    &e,
                    &[&sites, c.set_sites],
                    Blame::Sweep {
                        base_label: c.base_label,
                        fallback: at,
                    },
                );
            }
        }
    }
}

/// The points of a design whose size is within the limits.
fn make_points(
    design: &Design,
    file: &SweepFile,
    factors: &[PlacedFactor],
    seed: u64,
) -> Vec<RawPoint> {
    let k = factors.len();
    match design {
        Design::Grid { sizes } => grid_indices(sizes)
            .into_iter()
            .map(|idx| RawPoint {
                overrides: idx
                    .iter()
                    .enumerate()
                    .map(|(f, &i)| file.grid[f].1[i].text.clone())
                    .collect(),
                unit: None,
                morris: None,
                saltelli: None,
            })
            .collect(),
        Design::Lhs { points } => sampled_points(
            factors,
            latin_hypercube(*points, k, seed)
                .into_iter()
                .map(|u| (u, None, None)),
        ),
        Design::Morris {
            trajectories,
            levels,
        } => sampled_points(
            factors,
            morris_trajectories(*trajectories, k, *levels, seed)
                .into_iter()
                .map(|(u, s)| (u, Some(s), None)),
        ),
        Design::Sobol { rows } => sampled_points(
            factors,
            saltelli_design(*rows, k, seed)
                .into_iter()
                .map(|(u, c)| (u, None, Some(c))),
        ),
        Design::Broken => Vec::new(),
    }
}

/// A point's overrides (`key=value`, one per factor).
fn point_texts(factors: &[PlacedFactor], raw: &RawPoint) -> Vec<String> {
    raw.overrides
        .iter()
        .enumerate()
        .map(|(k, text)| override_text(&factors[k].key, text))
        .collect()
}

/// The base scenario with every override of `common` applied together (so values that only fit
/// together, such as `population.villages` with `population.counties`, are accepted). Each
/// problem is placed at the sweep file's line that caused it; an override that is wrong on its
/// own is dropped and the rest tried once more, so the swept values are still checked. Returns
/// the parameters and the overrides that were kept; `None` when nothing usable remains.
fn load_base(
    checker: &mut Checker<'_>,
    base_problems: &mut BaseProblems,
    base_source: &Source,
    base_label: &str,
    common: Vec<Placed>,
) -> Option<(Params, Vec<Placed>)> {
    let texts: Vec<String> = common.iter().map(|p| p.text.clone()).collect();
    let error = match scenario::load::<Params>(base_source, &texts) {
        Ok(params) => return Some((params, common)),
        Err(e) => e,
    };
    // Is the base scenario itself at fault, or the sweep's values?
    let blame = match scenario::load::<Params>(base_source, &[]) {
        Ok(_) => Blame::Sweep {
            base_label,
            fallback: common.first().map_or((1, 1), |p| p.at),
        },
        Err(_) => Blame::Base(base_label),
    };
    let sites = Sites::of(&common);
    place(
        &mut checker.problems,
        base_problems,
        &error,
        &[&sites],
        blame,
    );
    let culprits: HashSet<&str> = error
        .problems()
        .iter()
        .filter_map(|p| match p.location() {
            Location::Override(text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    if culprits.is_empty()
        || error
            .problems()
            .iter()
            .any(|p| !matches!(p.location(), Location::Override(_)))
    {
        return None;
    }
    let kept: Vec<Placed> = common
        .iter()
        .filter(|p| !culprits.contains(p.text.as_str()))
        .cloned()
        .collect();
    let texts: Vec<String> = kept.iter().map(|p| p.text.clone()).collect();
    match scenario::load::<Params>(base_source, &texts) {
        Ok(params) => Some((params, kept)),
        Err(e) => {
            let sites = Sites::of(&kept);
            place(&mut checker.problems, base_problems, &e, &[&sites], blame);
            None
        }
    }
}

/// Refuse a design whose points or runs (points x replicates) exceed the limits, naming the
/// user's numbers; counted with checked arithmetic before anything is allocated. True when the
/// size is within the limits (or cannot be known: that problem is already reported).
fn check_size(
    checker: &mut Checker<'_>,
    design: &Design,
    factors: usize,
    replicates: u32,
    at: (usize, usize),
) -> bool {
    if matches!(design, Design::Broken) {
        // Its count is already reported; the swept values can still be checked.
        return true;
    }
    let how = design.explain(factors);
    let Some(points) = design.points(factors) else {
        checker.push(
            at,
            "",
            format!(
                "the sweep asks for more than {} points ({how}); at most {MAX_POINTS} points and {MAX_RUNS} runs (points x replicates) are allowed in one sweep: split it, or sample the space with [sample] method = \"lhs\"",
                u64::MAX
            ),
        );
        return false;
    };
    let runs = points.checked_mul(u64::from(replicates));
    let runs_text = runs.map_or_else(|| format!("more than {}", u64::MAX), |r| r.to_string());
    if points > MAX_POINTS || runs.is_none_or(|r| r > MAX_RUNS) {
        checker.push(
            at,
            "",
            format!(
                "the sweep asks for {points} points ({how}) x {replicates} replicates = {runs_text} runs; at most {MAX_POINTS} points and {MAX_RUNS} runs (points x replicates) are allowed in one sweep: split it, or sample the space with [sample] method = \"lhs\""
            ),
        );
        return false;
    }
    true
}

/// A swept key with where it was written and, for a grid, its index in the file's [grid].
struct PlacedFactor {
    key: String,
    factor: Factor,
    at: (usize, usize),
    source: usize,
}

/// A point before validation: the value text per factor, and for sampled designs the unit
/// coordinates and Morris step or Saltelli cell.
struct RawPoint {
    overrides: Vec<String>,
    unit: Option<Vec<f64>>,
    morris: Option<MorrisStep>,
    saltelli: Option<SaltelliCell>,
}

fn design_grid(file: &SweepFile) -> (Method, Vec<PlacedFactor>, Design, (usize, usize)) {
    let factors: Vec<PlacedFactor> = file
        .grid
        .iter()
        .enumerate()
        .map(|(source, (key, values))| PlacedFactor {
            key: key.key.clone(),
            factor: Factor {
                key: key.key.clone(),
                kind: FactorKind::Values {
                    values: values.iter().map(|v| csv_text(&v.text)).collect(),
                },
            },
            at: (key.line, key.column),
            source,
        })
        .collect();
    let sizes: Vec<usize> = file.grid.iter().map(|(_, v)| v.len()).collect();
    (
        Method::Grid,
        factors,
        Design::Grid { sizes },
        file.grid_at.unwrap_or((1, 1)),
    )
}

/// The points of a sampled design from its unit coordinates.
fn sampled_points(
    factors: &[PlacedFactor],
    units: impl Iterator<Item = (Vec<f64>, Option<MorrisStep>, Option<SaltelliCell>)>,
) -> Vec<RawPoint> {
    units
        .map(|(unit, morris, saltelli)| RawPoint {
            overrides: factors
                .iter()
                .zip(&unit)
                .map(|(f, u)| match f.factor.kind {
                    FactorKind::Range { low, high, integer } => value_at(low, high, integer, *u),
                    FactorKind::Values { .. } => String::new(),
                })
                .collect(),
            unit: Some(unit),
            morris,
            saltelli,
        })
        .collect()
}

fn design_sample(
    checker: &mut Checker<'_>,
    sample: &SampleSection,
    schema: Option<&Value>,
) -> (Method, Vec<PlacedFactor>, Design, (usize, usize)) {
    let at = (sample.line, sample.column);
    let Some((method, mline, mcol)) = sample.method else {
        checker.push(
            at,
            "sample.method",
            "[sample] needs `method = \"lhs\"`, `method = \"morris\"` or `method = \"sobol\"`",
        );
        return (Method::Lhs, Vec::new(), Design::Broken, at);
    };
    if sample.ranges.is_empty() {
        checker.push(
            at,
            "sample.ranges",
            "[sample.ranges] must name at least one key with [low, high]",
        );
    }
    let mut factors = Vec::new();
    for (source, (w, range)) in sample.ranges.iter().enumerate() {
        let Some((lo, hi)) = range else { continue };
        let integer = match schema.and_then(|s| lookup(s, &w.key)) {
            Some(Value::Integer(_)) => true,
            Some(Value::Float(_)) => false,
            Some(other) => {
                checker.push((w.line, w.column), &w.key, format!("`{}` is a {} setting, and only numbers can be sampled; list its values in a [grid] instead", w.key, other.type_str()));
                continue;
            }
            None => false, // unknown keys are reported by the scenario loader
        };
        factors.push(PlacedFactor {
            key: w.key.clone(),
            factor: Factor {
                key: w.key.clone(),
                kind: FactorKind::Range {
                    low: *lo,
                    high: *hi,
                    integer,
                },
            },
            at: (w.line, w.column),
            source,
        });
    }
    let count = |field: &Option<(i64, usize, usize)>,
                 name: &str,
                 min: i64,
                 max: i64,
                 checker: &mut Checker<'_>|
     -> Option<(usize, (usize, usize))> {
        match field {
            None => {
                checker.push(
                    (mline, mcol),
                    &format!("sample.{name}"),
                    format!(
                        "method = \"{}\" needs `{name}` (a whole number in [{min}, {max}])",
                        method.key()
                    ),
                );
                None
            }
            Some((n, line, column)) if !(min..=max).contains(n) => {
                checker.push((*line, *column), &format!("sample.{name}"), format!("`sample.{name}` = {n} is out of range: allowed a whole number in [{min}, {max}]"));
                None
            }
            Some((n, line, column)) => Some((*n as usize, (*line, *column))),
        }
    };
    let misplaced =
        |field: &Option<(i64, usize, usize)>, name: &str, why: &str, checker: &mut Checker<'_>| {
            if let Some((_, line, column)) = field {
                checker.push((*line, *column), &format!("sample.{name}"), why);
            }
        };
    if method != Method::Sobol {
        let takes = if method == Method::Lhs {
            "a Latin hypercube takes `points`"
        } else {
            "Morris takes `trajectories`"
        };
        misplaced(
            &sample.n,
            "n",
            &format!("`n` is for method = \"sobol\"; {takes}"),
            checker,
        );
    }
    if method == Method::Lhs {
        misplaced(&sample.bootstrap, "bootstrap", "`bootstrap` is for method = \"morris\" or \"sobol\" (the resamples of their intervals); a Latin hypercube has no intervals", checker);
    } else if let Some((b, line, column)) = sample.bootstrap {
        let (min, max) = RESAMPLES_RANGE;
        if !(min..=max).contains(&b) {
            checker.push((line, column), "sample.bootstrap", format!("`sample.bootstrap` = {b} is out of range: allowed a whole number of resamples in [{min}, {max}] (default {DEFAULT_RESAMPLES})"));
        }
    }
    match method {
        Method::Lhs => {
            if let Some((_, line, column)) = sample.trajectories {
                checker.push(
                    (line, column),
                    "sample.trajectories",
                    "`trajectories` is for method = \"morris\"; a Latin hypercube takes `points`",
                );
            }
            match count(&sample.points, "points", 2, 100_000, checker) {
                Some((points, at)) => (method, factors, Design::Lhs { points }, at),
                None => (method, factors, Design::Broken, at),
            }
        }
        Method::Morris => {
            if let Some((_, line, column)) = sample.points {
                checker.push((line, column), "sample.points", "`points` is for method = \"lhs\"; Morris takes `trajectories` (each gives k + 1 points)");
            }
            let levels = match sample.levels {
                None => 4,
                Some((l, line, column)) if !(2..=20).contains(&l) || l % 2 != 0 => {
                    checker.push((line, column), "sample.levels", format!("`sample.levels` = {l} is out of range: allowed an even whole number in [2, 20]"));
                    4
                }
                Some((l, _, _)) => l as u32,
            };
            match count(&sample.trajectories, "trajectories", 2, 10_000, checker) {
                Some((trajectories, at)) => (
                    method,
                    factors,
                    Design::Morris {
                        trajectories,
                        levels,
                    },
                    at,
                ),
                None => (method, factors, Design::Broken, at),
            }
        }
        Method::Sobol => {
            let takes = "Sobol takes `n` base samples (each gives k + 2 points)";
            misplaced(
                &sample.points,
                "points",
                &format!("`points` is for method = \"lhs\"; {takes}"),
                checker,
            );
            misplaced(
                &sample.trajectories,
                "trajectories",
                &format!("`trajectories` is for method = \"morris\"; {takes}"),
                checker,
            );
            misplaced(
                &sample.levels,
                "levels",
                &format!("`levels` is for method = \"morris\"; {takes}"),
                checker,
            );
            if factors.len() > MAX_FACTORS {
                checker.push(
                    at,
                    "sample.ranges",
                    format!(
                        "method = \"sobol\" samples at most {MAX_FACTORS} keys, and [sample.ranges] names {}: split the sweep, or screen the keys with method = \"morris\" first",
                        factors.len()
                    ),
                );
                return (method, factors, Design::Broken, at);
            }
            match count(&sample.n, "n", 2, MAX_ROWS, checker) {
                Some((rows, at)) => (method, factors, Design::Sobol { rows }, at),
                None => (method, factors, Design::Broken, at),
            }
        }
        Method::Grid => (method, factors, Design::Broken, at),
    }
}

/// The value at unit coordinate `u` of [low, high], as override text (rounded for integer keys).
pub fn value_at(low: f64, high: f64, integer: bool, u: f64) -> String {
    let x = low + u * (high - low);
    if integer {
        format!("{}", x.round() as i64)
    } else {
        // Twelve significant digits: exact enough for any parameter, and short in the CSV.
        let rounded: f64 = format!("{x:.12e}").parse().unwrap_or(x);
        format!("{rounded:?}")
    }
}

/// Parse the file's structure (top keys, [set], [grid], [sample]); None if it is not TOML.
fn parse(checker: &mut Checker<'_>) -> Option<SweepFile> {
    let (root, errors) = DeTable::parse_recoverable(checker.text);
    if !errors.is_empty() {
        for error in errors {
            let at = checker.at(&error.span().unwrap_or(0..0));
            checker.push(at, "", format!("invalid TOML: {}", error.message().trim()));
        }
        return None;
    }
    let mut file = SweepFile::default();
    for (key, value) in root.get_ref().iter() {
        let name = key.get_ref().as_ref();
        match name {
            "name" => file.name = checker.string("name", value),
            "description" => {
                checker.string("description", value);
            }
            "base" => file.base = checker.string("base", value),
            "replicates" => file.replicates = checker.integer("replicates", value),
            "seed" => file.seed = checker.integer("seed", value),
            "set" | "grid" => {
                let DeValue::Table(table) = value.get_ref() else {
                    let at = checker.at(&value.span());
                    checker.push(
                        at,
                        name,
                        format!("`{name}` must be a table ([{name}]) of \"dotted.key\" = value"),
                    );
                    continue;
                };
                let mut entries = Vec::new();
                checker.dotted_entries("", table, &mut entries);
                entries.sort_by_key(|(_, v)| v.span().start);
                if name == "set" {
                    for (k, v) in entries {
                        if let Some(w) = checker.written(k, v) {
                            file.set.push(w);
                        }
                    }
                } else {
                    file.grid_at = Some(checker.at(&key.span()));
                    for (k, v) in entries {
                        let at = checker.at(&v.span());
                        let DeValue::Array(items) = v.get_ref() else {
                            checker.push(at, &k, format!("`{k}` in [grid] must be a list of values, e.g. [0.2, 0.5, 0.8]"));
                            continue;
                        };
                        if items.is_empty() {
                            checker.push(at, &k, format!("`{k}` in [grid] lists no values"));
                            continue;
                        }
                        let head = Written {
                            key: k.clone(),
                            text: String::new(),
                            value: Value::Boolean(false),
                            line: at.0,
                            column: at.1,
                        };
                        let values: Vec<Written> = items
                            .iter()
                            .filter_map(|item| checker.written(k.clone(), item))
                            .collect();
                        file.grid.push((head, values));
                    }
                }
            }
            "sample" => {
                let at = checker.at(&key.span());
                let DeValue::Table(table) = value.get_ref() else {
                    checker.push(
                        at,
                        "sample",
                        "`sample` must be a table: [sample] method = \"lhs\", points = 64",
                    );
                    continue;
                };
                let mut sample = SampleSection {
                    line: at.0,
                    column: at.1,
                    ..SampleSection::default()
                };
                for (skey, svalue) in table.iter() {
                    let sname = skey.get_ref().as_ref();
                    let path = format!("sample.{sname}");
                    match sname {
                        "method" => {
                            if let Some((m, line, column)) = checker.string(&path, svalue) {
                                match m.as_str() {
                                    "lhs" => sample.method = Some((Method::Lhs, line, column)),
                                    "morris" => sample.method = Some((Method::Morris, line, column)),
                                    "sobol" => sample.method = Some((Method::Sobol, line, column)),
                                    other => checker.push((line, column), &path, format!("`sample.method` = \"{other}\" is not allowed: expected one of \"lhs\", \"morris\", \"sobol\"")),
                                }
                            }
                        }
                        "points" => sample.points = checker.integer(&path, svalue),
                        "trajectories" => sample.trajectories = checker.integer(&path, svalue),
                        "levels" => sample.levels = checker.integer(&path, svalue),
                        "n" => sample.n = checker.integer(&path, svalue),
                        "bootstrap" => sample.bootstrap = checker.integer(&path, svalue),
                        "ranges" => {
                            let DeValue::Table(ranges) = svalue.get_ref() else {
                                let at = checker.at(&svalue.span());
                                checker.push(at, &path, "`sample.ranges` must be a table ([sample.ranges]) of \"dotted.key\" = [low, high]");
                                continue;
                            };
                            let mut entries = Vec::new();
                            checker.dotted_entries("", ranges, &mut entries);
                            entries.sort_by_key(|(_, v)| v.span().start);
                            for (k, v) in entries {
                                let Some(w) = checker.written(k.clone(), v) else {
                                    continue;
                                };
                                let bounds = match &w.value {
                                    Value::Array(items) if items.len() == 2 => {
                                        match (number(&items[0]), number(&items[1])) {
                                            (Some(lo), Some(hi)) if lo < hi => Some((lo, hi)),
                                            (Some(lo), Some(hi)) => {
                                                checker.push((w.line, w.column), &k, format!("`{k}` = [{lo}, {hi}]: the low end must be below the high end"));
                                                None
                                            }
                                            _ => {
                                                checker.push((w.line, w.column), &k, format!("`{k}` = {}: a range is two numbers [low, high]", w.text));
                                                None
                                            }
                                        }
                                    }
                                    _ => {
                                        checker.push(
                                            (w.line, w.column),
                                            &k,
                                            format!(
                                                "`{k}` = {}: a range is two numbers [low, high]",
                                                w.text
                                            ),
                                        );
                                        None
                                    }
                                };
                                sample.ranges.push((w, bounds));
                            }
                        }
                        _ => checker.unknown(&skey.span(), &path, &SAMPLE_KEYS, "in [sample]"),
                    }
                }
                file.sample = Some(sample);
            }
            _ => checker.unknown(&key.span(), name, &TOP_KEYS, "at the top of a sweep file"),
        }
    }
    Some(file)
}

/// `key=value` as the scenario loader's override.
fn override_text(key: &str, value_text: &str) -> String {
    format!("{key}={value_text}")
}

/// A value as a CSV cell: strings without their quotes, everything else as written.
fn csv_text(value_text: &str) -> String {
    let t = value_text.trim();
    t.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(t)
        .to_string()
}

/// A number (integer or float) from a TOML value.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) if f.is_finite() => Some(*f),
        _ => None,
    }
}

/// The default value at a dotted key of the schema tree.
fn lookup<'v>(tree: &'v Value, key: &str) -> Option<&'v Value> {
    key.split('.').try_fold(tree, |node, part| match node {
        Value::Table(t) => t.get(part),
        _ => None,
    })
}
