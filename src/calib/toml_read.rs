//! Reading small TOML input files (targets files, calibration files) with positions: every
//! problem is collected with its line, column and key and reported at once, like scenario and
//! sweep files, so that a user fixes a file in one pass.

use std::fmt;
use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::scenario::{found_name, LineIndex};

/// Largest input file read (a guard against a wrong path to a huge file), bytes.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// One problem in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// 1-based line (0 = the file as a whole).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The key concerned (dotted, e.g. `target[3].sd`; empty for the file as a whole).
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// Everything wrong with one input file, reported at once (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FileError {
    /// What kind of file, e.g. "targets file" (starts the message).
    pub kind: &'static str,
    /// The file as given.
    pub label: String,
    /// The problems, in file order.
    pub problems: Vec<FileProblem>,
}

impl FileError {
    /// An error about the file as a whole (unreadable, too large).
    pub fn whole(kind: &'static str, label: &str, message: impl Into<String>) -> FileError {
        FileError {
            kind,
            label: label.to_string(),
            problems: vec![FileProblem {
                line: 0,
                column: 0,
                key: String::new(),
                message: message.into(),
            }],
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut problems = self.problems.clone();
        problems.sort_by_key(|p| (p.line, p.column));
        problems.dedup();
        let noun = if problems.len() == 1 {
            "problem"
        } else {
            "problems"
        };
        write!(
            f,
            "{} {} has {} {noun}:",
            self.kind,
            self.label,
            problems.len()
        )?;
        for p in &problems {
            let key = if p.key.is_empty() {
                String::new()
            } else {
                format!("`{}`: ", p.key)
            };
            if p.line == 0 {
                write!(f, "\n  {}: {key}{}", self.label, p.message)?;
            } else {
                write!(
                    f,
                    "\n  {}:{}:{}: {key}{}",
                    self.label, p.line, p.column, p.message
                )?;
            }
        }
        Ok(())
    }
}

/// Reads values out of one parsed file and collects the problems found.
pub struct Reader<'t> {
    text: &'t str,
    positions: LineIndex<'t>,
    /// The problems found so far.
    pub problems: Vec<FileProblem>,
}

impl<'t> Reader<'t> {
    /// A reader over `text`.
    pub fn new(text: &'t str) -> Reader<'t> {
        Reader {
            text,
            positions: LineIndex::new(text),
            problems: Vec::new(),
        }
    }

    /// The text being read.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// Parses the text; syntax errors become problems (parsing goes on where it can).
    pub fn parse(&mut self) -> Spanned<DeTable<'t>> {
        let (root, errors) = DeTable::parse_recoverable(self.text);
        for error in errors {
            let span = error.span().unwrap_or(0..0);
            self.push(&span, "", format!("not valid TOML: {}", error.message()));
        }
        root
    }

    /// 1-based line and column of a span's start.
    pub fn at(&self, span: &Range<usize>) -> (usize, usize) {
        self.positions.line_column(span.start)
    }

    /// Records a problem at `span`.
    pub fn push(&mut self, span: &Range<usize>, key: &str, message: impl Into<String>) {
        let (line, column) = self.at(span);
        self.problems.push(FileProblem {
            line,
            column,
            key: key.to_string(),
            message: message.into(),
        });
    }

    /// Records an unknown key, naming the allowed ones.
    pub fn unknown(&mut self, span: &Range<usize>, key: &str, allowed: &[&str]) {
        self.push(
            span,
            key,
            format!("unknown key; allowed here: {}", allowed.join(", ")),
        );
    }

    /// A string value, or a problem.
    pub fn string(&mut self, key: &str, value: &Spanned<DeValue<'_>>) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.push(
                    &value.span(),
                    key,
                    format!("expected a string, found {}", found_name(other)),
                );
                None
            }
        }
    }

    /// A number (integer or float), or a problem.
    pub fn number(&mut self, key: &str, value: &Spanned<DeValue<'_>>) -> Option<f64> {
        let parsed = match value.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(x) => x.as_str().parse::<f64>().ok(),
            _ => None,
        };
        match parsed {
            Some(x) if x.is_finite() => Some(x),
            _ => {
                let found = match value.get_ref() {
                    DeValue::Float(_) => "a float that is not finite",
                    other => found_name(other),
                };
                self.push(
                    &value.span(),
                    key,
                    format!("expected a finite number, found {found}"),
                );
                None
            }
        }
    }

    /// A whole number within `[low, high]`, or a problem.
    pub fn integer(
        &mut self,
        key: &str,
        value: &Spanned<DeValue<'_>>,
        low: i64,
        high: i64,
    ) -> Option<i64> {
        let parsed = match value.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
            _ => None,
        };
        match parsed {
            Some(n) if (low..=high).contains(&n) => Some(n),
            Some(n) => {
                self.push(
                    &value.span(),
                    key,
                    format!("{n} is out of range; allowed: a whole number from {low} to {high}"),
                );
                None
            }
            None => {
                self.push(
                    &value.span(),
                    key,
                    format!(
                        "expected a whole number from {low} to {high}, found {}",
                        found_name(value.get_ref())
                    ),
                );
                None
            }
        }
    }

    /// A boolean, or a problem.
    pub fn boolean(&mut self, key: &str, value: &Spanned<DeValue<'_>>) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.push(
                    &value.span(),
                    key,
                    format!("expected true or false, found {}", found_name(other)),
                );
                None
            }
        }
    }

    /// An array of exactly two numbers `[low, high]` with low < high, or a problem.
    pub fn pair(&mut self, key: &str, value: &Spanned<DeValue<'_>>) -> Option<(f64, f64)> {
        let DeValue::Array(items) = value.get_ref() else {
            self.push(
                &value.span(),
                key,
                format!(
                    "expected [low, high] (two numbers), found {}",
                    found_name(value.get_ref())
                ),
            );
            return None;
        };
        if items.len() != 2 {
            self.push(
                &value.span(),
                key,
                format!(
                    "expected [low, high] (two numbers), found {} items",
                    items.len()
                ),
            );
            return None;
        }
        let low = self.number(key, &items[0]);
        let high = self.number(key, &items[1]);
        let (low, high) = (low?, high?);
        if low >= high {
            self.push(
                &value.span(),
                key,
                format!("low ({low}) must be below high ({high})"),
            );
            return None;
        }
        Some((low, high))
    }

    /// The problems as an error, if any.
    pub fn finish(self, kind: &'static str, label: &str) -> Result<(), FileError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(FileError {
                kind,
                label: label.to_string(),
                problems: self.problems,
            })
        }
    }
}

/// Reads an input file of at most [`MAX_INPUT_BYTES`], as UTF-8.
pub fn read_input(kind: &'static str, path: &std::path::Path) -> Result<String, FileError> {
    let label = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| FileError::whole(kind, &label, format!("cannot read it: {e}")))?;
    if meta.len() as usize > MAX_INPUT_BYTES {
        return Err(FileError::whole(
            kind,
            &label,
            format!(
                "it is {} bytes; at most {MAX_INPUT_BYTES} bytes (1 MiB) are allowed",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| FileError::whole(kind, &label, format!("cannot read it: {e}")))?;
    String::from_utf8(bytes)
        .map_err(|_| FileError::whole(kind, &label, "it is not UTF-8 text".to_string()))
}
