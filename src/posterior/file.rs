//! Reading and checking `posterior.csv`:
//!
//! ```text
//! # comment lines start with '#'
//! particle,weight,distance,economy.migration_base,economy.return_rate
//! 0,0.0123,1.234,0.041,0.0022
//! ```
//!
//! Every problem is reported at once, each with the file, line and column of the cell at
//! fault: a header that does not begin `particle,weight,distance`, a column that is not a
//! numeric scenario key, a cell that is not a number (or not a whole number for an integer
//! key), a negative weight or weights summing to zero, and values the scenario loader refuses
//! (out of range, or not fitting together), checked particle by particle like `--set`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use toml::{Table, Value};

use super::{Cell, Particle, Posterior};
use crate::export::manifest::hash_bytes;
use crate::params::Params;
use crate::scenario::{self, Location, Source};

/// Largest posterior file read, bytes (64 MiB: a million particles of a dozen parameters).
pub const MAX_POSTERIOR_BYTES: u64 = 64 << 20;

/// Problems shown in full; the rest are counted.
const SHOWN_PROBLEMS: usize = 40;

/// The three columns every posterior begins with.
const FIXED: [&str; 3] = ["particle", "weight", "distance"];

/// Keys a posterior may not set: `compare` chooses the seeds and the replicates itself.
const RESERVED: [&str; 2] = ["simulation.seed", "simulation.replicates"];

/// One problem of a posterior file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosteriorProblem {
    /// 1-based line; 0 for a problem with the file as a whole (cannot be read).
    pub line: usize,
    /// 1-based column in characters; 0 with line 0.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Everything wrong with a posterior file (a user error: exit 2, nothing written).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PosteriorError {
    /// The file as named on the command line.
    pub label: String,
    /// The problems, in file order.
    pub problems: Vec<PosteriorProblem>,
}

impl fmt::Display for PosteriorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "posterior file {} has {n} problem{}:",
            self.label,
            if n == 1 { "" } else { "s" }
        )?;
        for p in self.problems.iter().take(SHOWN_PROBLEMS) {
            if p.line == 0 {
                write!(f, "\n  {}: {}", self.label, p.message)?;
            } else {
                write!(
                    f,
                    "\n  {}:{}:{}: {}",
                    self.label, p.line, p.column, p.message
                )?;
            }
        }
        if n > SHOWN_PROBLEMS {
            write!(f, "\n  ... and {} more", n - SHOWN_PROBLEMS)?;
        }
        Ok(())
    }
}

impl PosteriorError {
    fn whole(label: &str, message: impl Into<String>) -> PosteriorError {
        PosteriorError {
            label: label.to_string(),
            problems: vec![PosteriorProblem {
                line: 0,
                column: 0,
                message: message.into(),
            }],
        }
    }
}

/// Read and check the posterior file at `path` (labelled as given).
pub fn read(path: &Path) -> Result<Posterior, PosteriorError> {
    use std::io::Read;
    let label = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|e| PosteriorError::whole(&label, format!("cannot read the file: {e}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_POSTERIOR_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| PosteriorError::whole(&label, format!("cannot read the file: {e}")))?;
    if bytes.len() as u64 > MAX_POSTERIOR_BYTES {
        return Err(PosteriorError::whole(
            &label,
            format!("the file is larger than {MAX_POSTERIOR_BYTES} bytes (64 MiB)"),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        PosteriorError::whole(
            &label,
            format!("the file is not UTF-8 text (invalid byte at offset {at})"),
        )
    })?;
    read_text(&label, &text)
}

/// A line split into cells: (1-based column of the cell's first non-blank character, the
/// trimmed text).
fn cells(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut column = 1;
    for cell in line.split(',') {
        let lead = cell.chars().take_while(|c| c.is_whitespace()).count();
        out.push((column + lead, cell.trim()));
        column += cell.chars().count() + 1;
    }
    out
}

/// What a calibrated key holds by default (decides how its cells are read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Float,
}

/// Collects problems in file order.
#[derive(Default)]
struct Problems(Vec<PosteriorProblem>);

impl Problems {
    fn push(&mut self, line: usize, column: usize, message: impl Into<String>) {
        self.0.push(PosteriorProblem {
            line,
            column,
            message: message.into(),
        });
    }
}

/// Check the posterior `text` (from the file labelled `label`).
pub fn read_text(label: &str, text: &str) -> Result<Posterior, PosteriorError> {
    let mut problems = Problems::default();
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(k, l)| (k + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((header_line, header)) = lines.next() else {
        return Err(PosteriorError::whole(
            label,
            "the file has no header line (expected `particle,weight,distance,<key>,...`)",
        ));
    };
    let header = cells(header);
    let kinds = check_header(&mut problems, header_line, &header);
    let keys: Vec<String> = header.iter().skip(3).map(|(_, k)| k.to_string()).collect();
    let mut particles = Vec::new();
    let mut ids: HashMap<u64, usize> = HashMap::new();
    for (line, row) in lines {
        if let Some(p) = read_row(&mut problems, line, &cells(row), &header, &kinds) {
            if let Some(first) = ids.insert(p.id, line) {
                problems.push(
                    line,
                    1,
                    format!("particle {} appears twice (first on line {first})", p.id),
                );
            }
            particles.push(p);
        }
    }
    let total: f64 = particles.iter().map(|p| p.weight).sum();
    if problems.0.is_empty() {
        if particles.is_empty() {
            problems.push(header_line, 1, "the file has no particles (no data rows)");
        } else if !(total > 0.0 && total.is_finite()) {
            let column = header.get(1).map_or(1, |c| c.0);
            problems.push(
                header_line,
                column,
                format!(
                    "the weights sum to {total}; at least one particle needs a positive weight"
                ),
            );
        }
    }
    if problems.0.is_empty() {
        check_ranges(&mut problems, &keys, &particles);
    }
    if !problems.0.is_empty() {
        problems.0.sort_by_key(|p| (p.line, p.column));
        return Err(PosteriorError {
            label: label.to_string(),
            problems: problems.0,
        });
    }
    for p in &mut particles {
        p.weight /= total;
    }
    Ok(Posterior {
        label: label.to_string(),
        sha256: hash_bytes(text.as_bytes()),
        keys,
        particles,
    })
}

/// The defaults as a TOML table (the schema of the keys).
fn defaults() -> Table {
    toml::Table::try_from(Params::default()).unwrap_or_default()
}

/// The value at a dotted key of a TOML table.
pub fn lookup<'t>(table: &'t Table, key: &str) -> Option<&'t Value> {
    let mut parts = key.split('.');
    let first = table.get(parts.next()?)?;
    parts.try_fold(first, |v, part| v.get(part))
}

/// Check the header; returns the kind of each key column (`None` for a column at fault).
fn check_header(
    problems: &mut Problems,
    line: usize,
    header: &[(usize, &str)],
) -> Vec<Option<Kind>> {
    for (k, want) in FIXED.iter().enumerate() {
        match header.get(k) {
            Some((_, got)) if got == want => {}
            Some((column, got)) => problems.push(
                line,
                *column,
                format!(
                    "column {} of the header is `{got}`, expected `{want}` (a posterior begins \
                     `particle,weight,distance`, then one column per calibrated key)",
                    k + 1
                ),
            ),
            None => {
                let column = header.last().map_or(1, |(c, t)| c + t.chars().count());
                problems.push(
                    line,
                    column,
                    format!(
                        "the header ends before column `{want}` (a posterior begins \
                         `particle,weight,distance`, then one column per calibrated key)"
                    ),
                );
                return Vec::new();
            }
        }
    }
    if header.len() == 3 {
        let (c, t) = header[2];
        problems.push(
            line,
            c + t.chars().count(),
            "the header names no calibrated key after `distance`",
        );
    }
    let schema = defaults();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    header
        .iter()
        .skip(3)
        .map(|&(column, key)| {
            let kind = key_kind(problems, &schema, line, column, key);
            if let Some(first) = seen.insert(key, column) {
                problems.push(
                    line,
                    column,
                    format!("key `{key}` appears twice in the header (first at column {first})"),
                );
                return None;
            }
            kind
        })
        .collect()
}

/// What a header key holds, or a problem saying why it cannot be calibrated.
fn key_kind(
    problems: &mut Problems,
    schema: &Table,
    line: usize,
    column: usize,
    key: &str,
) -> Option<Kind> {
    if key.is_empty() {
        problems.push(line, column, "empty column name in the header");
        return None;
    }
    if RESERVED.contains(&key) {
        problems.push(
            line,
            column,
            format!(
                "`{key}` cannot come from a posterior: compare sets the seeds and replicates \
                 itself (use --seed and --replicates)"
            ),
        );
        return None;
    }
    match lookup(schema, key) {
        Some(Value::Integer(_)) => Some(Kind::Integer),
        Some(Value::Float(_)) => Some(Kind::Float),
        Some(other) => {
            problems.push(
                line,
                column,
                format!(
                    "`{key}` is not a numeric parameter (it holds {}); a posterior column \
                     must be a number-valued scenario key",
                    type_name(other)
                ),
            );
            None
        }
        None => {
            // The loader's own message names the allowed keys (and the likely one meant).
            let why = scenario::load::<Params>(&Source::baseline(), &[format!("{key}=0")])
                .err()
                .and_then(|e| e.problems().first().map(|p| p.message().to_string()))
                .unwrap_or_else(|| format!("unknown key `{key}`"));
            problems.push(
                line,
                column,
                format!("`{key}` is not a scenario key: {why}"),
            );
            None
        }
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "true/false",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table of keys",
    }
}

/// One data row; `None` when it has problems (reported).
fn read_row(
    problems: &mut Problems,
    line: usize,
    row: &[(usize, &str)],
    header: &[(usize, &str)],
    kinds: &[Option<Kind>],
) -> Option<Particle> {
    if row.len() != header.len() {
        let column = if row.len() > header.len() {
            row[header.len()].0
        } else {
            row.last().map_or(1, |(c, t)| c + t.chars().count())
        };
        problems.push(
            line,
            column,
            format!(
                "the row has {} cells, the header {}",
                row.len(),
                header.len()
            ),
        );
        return None;
    }
    let before = problems.0.len();
    let (id_column, id_text) = row[0];
    let id = id_text.parse::<u64>().ok();
    if id.is_none() {
        problems.push(
            line,
            id_column,
            format!("particle id `{id_text}` is not a whole number >= 0"),
        );
    }
    let weight = number(problems, line, row[1], "weight");
    if let Some(w) = weight.filter(|w| *w < 0.0) {
        problems.push(
            line,
            row[1].0,
            format!("weight {w} is negative; weights must be >= 0"),
        );
    }
    let distance = number(problems, line, row[2], "distance");
    let mut values = Vec::new();
    for (k, &(column, text)) in row.iter().enumerate().skip(3) {
        let key = header[k].1;
        match kinds.get(k - 3).copied().flatten() {
            Some(Kind::Integer) => match text.parse::<i64>() {
                Ok(v) => values.push(Cell {
                    text: v.to_string(),
                    number: v as f64,
                    column,
                }),
                Err(_) => problems.push(
                    line,
                    column,
                    format!("`{key}` = `{text}`: expected a whole number (the key is an integer)"),
                ),
            },
            Some(Kind::Float) => {
                if let Some(v) = number(problems, line, (column, text), key) {
                    values.push(Cell {
                        text: format!("{v:?}"),
                        number: v,
                        column,
                    });
                }
            }
            None => {}
        }
    }
    if problems.0.len() > before || values.len() + 3 != row.len() {
        return None;
    }
    Some(Particle {
        id: id?,
        line,
        weight: weight?,
        distance: distance?,
        values,
    })
}

/// A finite number, or a problem.
fn number(
    problems: &mut Problems,
    line: usize,
    (column, text): (usize, &str),
    what: &str,
) -> Option<f64> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            problems.push(
                line,
                column,
                format!("`{what}` = `{text}` is not a finite number"),
            );
            None
        }
    }
}

/// Each particle's values through the scenario loader on the built-in defaults, like `--set`:
/// problems are placed at the cell whose override the loader blames (at the row's first key
/// cell when it blames none). A particle repeating another's values is checked once.
fn check_ranges(problems: &mut Problems, keys: &[String], particles: &[Particle]) {
    let mut checked: HashSet<Vec<String>> = HashSet::new();
    let baseline = Source::baseline();
    for p in particles {
        let texts = p.overrides(keys, &[]);
        if !checked.insert(texts.clone()) {
            continue;
        }
        if let Err(e) = scenario::load::<Params>(&baseline, &texts) {
            for problem in e.problems() {
                let column = match problem.location() {
                    Location::Override(text) => p.column_of(keys, text),
                    _ => None,
                }
                .or_else(|| p.values.first().map(|c| c.column))
                .unwrap_or(1);
                problems.push(
                    p.line,
                    column,
                    format!("particle {}: {}", p.id, problem.message()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# posterior of a test\n\
        particle,weight,distance,economy.return_rate,population.villages\n\
        0,0.25,1.5,0.002,8\n\
        \n\
        7,0.75,0.5,0.003,9\n";

    #[test]
    fn a_good_file_is_read_with_normalised_weights() {
        let p = read_text("p.csv", GOOD).expect("good");
        assert_eq!(p.keys, vec!["economy.return_rate", "population.villages"]);
        assert_eq!(p.particles.len(), 2);
        assert_eq!(p.particles[1].id, 7);
        assert_eq!(p.particles[1].line, 5);
        assert!((p.particles[1].weight - 0.75).abs() < 1e-12);
        assert_eq!(p.particles[0].values[1].text, "8");
        assert_eq!(p.particles[0].values[0].column, 12);
        assert!(p.sha256.starts_with("sha256:"));
        assert_eq!(
            p.particles[0].overrides(&p.keys, &[false, true]),
            vec!["economy.return_rate=0.002".to_string()]
        );
    }

    fn problems(text: &str) -> Vec<PosteriorProblem> {
        read_text("p.csv", text).expect_err("bad").problems
    }

    #[test]
    fn each_class_of_problem_is_located() {
        let p = problems("particle,weight,dist,economy.return_rate\n0,1,1,0.1\n");
        assert_eq!((p[0].line, p[0].column), (1, 17), "{p:?}");
        let p = problems("particle,weight,distance,economy.retrun_rate\n0,1,1,0.1\n");
        assert_eq!((p[0].line, p[0].column), (1, 26), "{p:?}");
        assert!(p[0].message.contains("not a scenario key"), "{p:?}");
        let p = problems("particle,weight,distance,cadres.assignment\n0,1,1,0.1\n");
        assert!(p[0].message.contains("not a numeric"), "{p:?}");
        let p = problems("particle,weight,distance,economy.return_rate\n0,1,1,abc\n");
        assert_eq!((p[0].line, p[0].column), (2, 7), "{p:?}");
        let p = problems("particle,weight,distance,population.villages\n0,1,1,8.5\n");
        assert!(p[0].message.contains("whole number"), "{p:?}");
        let p = problems("particle,weight,distance,economy.return_rate\n0,-1,1,0.1\n1,2,1,0.1\n");
        assert_eq!((p[0].line, p[0].column), (2, 3), "{p:?}");
        let p = problems("particle,weight,distance,economy.return_rate\n0,0,1,0.1\n1,0,1,0.1\n");
        assert!(p[0].message.contains("sum to 0"), "{p:?}");
        let p = problems("particle,weight,distance,cadres.admin_burden\n0,1,1,0.5\n1,1,1,1.5\n");
        assert_eq!((p[0].line, p[0].column), (3, 7), "{p:?}");
        assert!(p[0].message.contains("out of range"), "{p:?}");
        let p = problems("particle,weight,distance,economy.return_rate\n0,1,1\n");
        assert!(p[0].message.contains("cells"), "{p:?}");
        let p = problems("particle,weight,distance,simulation.seed\n0,1,1,5\n");
        assert!(
            p[0].message.contains("cannot come from a posterior"),
            "{p:?}"
        );
        let p = problems("particle,weight,distance,economy.return_rate\n0,1,1,0.1\n0,1,1,0.2\n");
        assert!(p[0].message.contains("twice"), "{p:?}");
        assert!(read_text("p.csv", "# only\n").is_err());
    }

    #[test]
    fn the_message_names_file_line_and_column() {
        let e = read_text(
            "post.csv",
            "particle,weight,distance,economy.return_rate\n0,1,1,x\n",
        )
        .expect_err("bad");
        let text = e.to_string();
        assert!(text.contains("post.csv:2:7:"), "{text}");
    }
}
