//! Sweep files: parse the TOML with positions, check every problem at once, and resolve the
//! file into a [`SweepPlan`] (every point's overrides, validated through the scenario loader)
//! plus the parameters of every point. Nothing here runs the model or writes files.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};
use toml::{Spanned, Value};

use super::design::{
    grid_indices, interleaved_order, latin_hypercube, morris_trajectories, MorrisStep,
};
use super::{Factor, FactorKind, Method, PlanPoint, SweepError, SweepPlan, SweepProblem};
use crate::cmd::common::BASELINE_TEXT;
use crate::params::Params;
use crate::scenario::{
    self, found_name as found, line_column, to_value, Location, Source, BASELINE_LABEL,
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
const SAMPLE_KEYS: [&str; 5] = ["method", "points", "trajectories", "levels", "ranges"];

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
    ranges: Vec<(Written, Option<(f64, f64)>)>,
    line: usize,
    column: usize,
}

/// What the file says, before resolution.
#[derive(Debug, Default)]
struct SweepFile {
    name: Option<String>,
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
    problems: Vec<SweepProblem>,
}

impl Checker<'_> {
    fn at(&self, span: &Range<usize>) -> (usize, usize) {
        line_column(self.text, span.start)
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

/// Parse, check and resolve a sweep file. `path` is shown in messages and anchors `base`.
pub fn resolve(path: &Path) -> Result<Resolved, SweepError> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| SweepError {
        label: label.clone(),
        problems: vec![SweepProblem {
            line: 0,
            column: 0,
            key: String::new(),
            message: format!("cannot read the sweep file: {e}"),
        }],
        base_problems: Vec::new(),
    })?;
    resolve_text(&label, &text, path.parent().unwrap_or(Path::new(".")))
}

/// [`resolve`] on text already read; `dir` is the folder `base` is relative to.
pub fn resolve_text(label: &str, text: &str, dir: &Path) -> Result<Resolved, SweepError> {
    let mut checker = Checker {
        text,
        problems: Vec::new(),
    };
    let file = parse(&mut checker);
    let fail = |checker: Checker<'_>, base_problems: Vec<String>| SweepError {
        label: label.to_string(),
        problems: checker.problems,
        base_problems,
    };
    let Some(file) = file else {
        return Err(fail(checker, Vec::new()));
    };

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
            match Source::from_file(&candidate) {
                Ok(source) => {
                    let shown = source.label.clone();
                    (source, shown)
                }
                Err(_) if base == "baseline" => (
                    Source::new(BASELINE_LABEL, BASELINE_TEXT),
                    BASELINE_LABEL.to_string(),
                ),
                Err(e) => {
                    checker.push(
                        (*line, *column),
                        "base",
                        format!(
                            "cannot read the base scenario {} ({e}); `base` is a path relative to the sweep file, or \"baseline\" for the built-in baseline",
                            candidate.display()
                        ),
                    );
                    return Err(fail(checker, Vec::new()));
                }
            }
        }
    };

    // Overrides applied at every point: [set], then seed and replicates.
    let mut common: Vec<(String, (usize, usize), String)> = file
        .set
        .iter()
        .map(|w| {
            (
                override_text(&w.key, &w.text),
                (w.line, w.column),
                w.key.clone(),
            )
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
            common.push((
                format!("simulation.seed={seed}"),
                (line, column),
                "seed".into(),
            ));
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
            common.push((
                format!("simulation.replicates={replicates}"),
                (line, column),
                "replicates".into(),
            ));
        }
    }
    let mut base_problems = Vec::new();
    // The overrides at every point that work on their own: later checks build on these, so
    // one bad `[set]` line does not hide the problems of the swept values.
    let good_common: Vec<(String, (usize, usize), String)> = common
        .iter()
        .filter(|entry| {
            match scenario::load::<Params>(&base_source, std::slice::from_ref(&entry.0)) {
                Ok(_) => true,
                Err(e) => {
                    place(&mut checker, &mut base_problems, &e, &common, &base_label);
                    false
                }
            }
        })
        .cloned()
        .collect();
    let good_texts: Vec<String> = good_common.iter().map(|(t, _, _)| t.clone()).collect();
    let base_params = match scenario::load::<Params>(&base_source, &good_texts) {
        Ok(p) => p,
        Err(e) => {
            // Problems of the base file itself, or of the overrides together.
            place(
                &mut checker,
                &mut base_problems,
                &e,
                &good_common,
                &base_label,
            );
            return Err(fail(checker, base_problems));
        }
    };
    let schema = Value::try_from(Params::default()).ok();

    // The design.
    if let (Some(sample), false) = (&file.sample, file.grid.is_empty()) {
        checker.push(
            (sample.line, sample.column),
            "sample",
            "a sweep has either [grid] or [sample], not both",
        );
    }
    let (method, factors, raw_points) = match (&file.sample, file.grid.is_empty()) {
        (Some(sample), true) => design_sample(
            &mut checker,
            sample,
            schema.as_ref(),
            base_params.simulation.seed,
        ),
        (_, false) => design_grid(&file),
        (None, true) => {
            checker.push(
                (1, 1),
                "",
                "the sweep varies nothing: add a [grid] of values (\"cadres.admin_burden\" = [0.2, 0.5, 0.8]) or a [sample] (method = \"lhs\" or \"morris\") with [sample.ranges]",
            );
            return Err(fail(checker, base_problems));
        }
    };
    for (i, f) in factors.iter().enumerate() {
        if factors[..i].iter().any(|g| g.key == f.key) {
            checker.push(f.at, &f.key, format!("`{}` is swept twice", f.key));
        }
        if let Some(w) = file.set.iter().find(|w| w.key == f.key) {
            checker.push(
                (w.line, w.column),
                &w.key,
                format!("`{}` is both fixed in [set] and swept; keep one", w.key),
            );
        }
    }

    // Each swept value on its own (grid values, range ends), reported at its line.
    for f in &factors {
        let values: Vec<(String, (usize, usize))> = match &f.factor.kind {
            FactorKind::Values { .. } => file
                .grid
                .iter()
                .filter(|(head, _)| head.key == f.key)
                .flat_map(|(_, vs)| vs.iter().map(|v| (v.text.clone(), (v.line, v.column))))
                .collect(),
            FactorKind::Range { low, high, integer } => vec![
                (value_at(*low, *high, *integer, 0.0), f.at),
                (value_at(*low, *high, *integer, 1.0), f.at),
            ],
        };
        for (text, at) in values {
            let mut overrides = good_common.clone();
            overrides.push((override_text(&f.key, &text), at, f.key.clone()));
            let texts: Vec<String> = overrides.iter().map(|(t, _, _)| t.clone()).collect();
            if let Err(e) = scenario::load::<Params>(&base_source, &texts) {
                place(
                    &mut checker,
                    &mut base_problems,
                    &e,
                    &overrides,
                    &base_label,
                );
            }
        }
    }
    if !checker.problems.is_empty() || !base_problems.is_empty() {
        return Err(fail(checker, base_problems));
    }
    let runs = raw_points.len() as u64 * u64::from(base_params.simulation.replicates);
    if runs > MAX_RUNS {
        checker.push((1, 1), "", format!("the sweep asks for {runs} runs (points x replicates); at most {MAX_RUNS} are allowed in one sweep: split it"));
        return Err(fail(checker, base_problems));
    }

    // Every point as a whole (values that are fine alone can clash, e.g. shares that must
    // sum to 1); the first few clashing points are named.
    let mut point_params = Vec::with_capacity(raw_points.len());
    let mut bad_points = 0;
    for (id, raw) in raw_points.iter().enumerate() {
        let mut texts = good_texts.clone();
        for (k, text) in raw.overrides.iter().enumerate() {
            texts.push(override_text(&factors[k].key, text));
        }
        match scenario::load::<Params>(&base_source, &texts) {
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

    let name = file.name.clone().unwrap_or_else(|| {
        Path::new(label)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sweep".into())
    });
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
        })
        .collect();
    let order = match method {
        Method::Morris => (0..points.len() as u32).collect(),
        _ => interleaved_order(points.len())
            .into_iter()
            .map(|p| p as u32)
            .collect(),
    };
    let plan = SweepPlan::new(
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
        points,
        order,
        &point_params,
    );
    Ok(Resolved {
        plan,
        points: point_params,
        base: base_params,
    })
}

/// A swept key with where it was written.
struct PlacedFactor {
    key: String,
    factor: Factor,
    at: (usize, usize),
}

/// A point before validation: the value text per factor, where each was written, and for
/// sampled designs the unit coordinates and Morris step.
struct RawPoint {
    overrides: Vec<String>,
    unit: Option<Vec<f64>>,
    morris: Option<MorrisStep>,
}

fn design_grid(file: &SweepFile) -> (Method, Vec<PlacedFactor>, Vec<RawPoint>) {
    let factors: Vec<PlacedFactor> = file
        .grid
        .iter()
        .map(|(key, values)| PlacedFactor {
            key: key.key.clone(),
            factor: Factor {
                key: key.key.clone(),
                kind: FactorKind::Values {
                    values: values.iter().map(|v| csv_text(&v.text)).collect(),
                },
            },
            at: (key.line, key.column),
        })
        .collect();
    let sizes: Vec<usize> = file.grid.iter().map(|(_, v)| v.len()).collect();
    let points = grid_indices(&sizes)
        .into_iter()
        .map(|idx| RawPoint {
            overrides: idx
                .iter()
                .enumerate()
                .map(|(k, &i)| file.grid[k].1[i].text.clone())
                .collect(),
            unit: None,
            morris: None,
        })
        .collect();
    (Method::Grid, factors, points)
}

fn design_sample(
    checker: &mut Checker<'_>,
    sample: &SampleSection,
    schema: Option<&Value>,
    seed: u64,
) -> (Method, Vec<PlacedFactor>, Vec<RawPoint>) {
    let empty = (Method::Lhs, Vec::new(), Vec::new());
    let Some((method, mline, mcol)) = sample.method else {
        checker.push(
            (sample.line, sample.column),
            "sample.method",
            "[sample] needs `method = \"lhs\"` or `method = \"morris\"`",
        );
        return empty;
    };
    if sample.ranges.is_empty() {
        checker.push(
            (sample.line, sample.column),
            "sample.ranges",
            "[sample.ranges] must name at least one key with [low, high]",
        );
    }
    let mut factors = Vec::new();
    for (w, range) in &sample.ranges {
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
        });
    }
    let count = |field: &Option<(i64, usize, usize)>,
                 name: &str,
                 min: i64,
                 max: i64,
                 checker: &mut Checker<'_>|
     -> Option<usize> {
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
            Some((n, _, _)) => Some(*n as usize),
        }
    };
    let k = factors.len();
    let units: Vec<(Vec<f64>, Option<MorrisStep>)> = match method {
        Method::Lhs => {
            if let Some((_, line, column)) = sample.trajectories {
                checker.push(
                    (line, column),
                    "sample.trajectories",
                    "`trajectories` is for method = \"morris\"; a Latin hypercube takes `points`",
                );
            }
            let Some(n) = count(&sample.points, "points", 2, 100_000, checker) else {
                return (method, factors, Vec::new());
            };
            latin_hypercube(n, k, seed)
                .into_iter()
                .map(|u| (u, None))
                .collect()
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
            let Some(r) = count(&sample.trajectories, "trajectories", 2, 10_000, checker) else {
                return (method, factors, Vec::new());
            };
            morris_trajectories(r, k, levels, seed)
                .into_iter()
                .map(|(u, s)| (u, Some(s)))
                .collect()
        }
        Method::Grid => Vec::new(),
    };
    let points = units
        .into_iter()
        .map(|(unit, morris)| RawPoint {
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
        })
        .collect();
    (method, factors, points)
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
            "name" => file.name = checker.string("name", value).map(|(s, _, _)| s),
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
                                    other => checker.push((line, column), &path, format!("`sample.method` = \"{other}\" is not allowed: expected one of \"lhs\", \"morris\"")),
                                }
                            }
                        }
                        "points" => sample.points = checker.integer(&path, svalue),
                        "trajectories" => sample.trajectories = checker.integer(&path, svalue),
                        "levels" => sample.levels = checker.integer(&path, svalue),
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

/// Place each problem of a scenario load: problems caused by an override go to the line that
/// wrote it in the sweep file; problems in the base scenario file are listed under its label.
fn place(
    checker: &mut Checker<'_>,
    base_problems: &mut Vec<String>,
    error: &scenario::ScenarioError,
    overrides: &[(String, (usize, usize), String)],
    base_label: &str,
) {
    for problem in error.problems() {
        match problem.location() {
            Location::Override(text) => {
                let site = overrides.iter().find(|(t, _, _)| t == text);
                let (at, key) = match site {
                    Some((_, at, key)) => (*at, key.as_str()),
                    None => ((1, 1), problem.path()),
                };
                checker.push(at, key, problem.message());
            }
            _ => {
                let line = problem.render(base_label);
                if !base_problems.contains(&line) {
                    base_problems.push(line);
                }
            }
        }
    }
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
