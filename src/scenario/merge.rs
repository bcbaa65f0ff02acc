//! Walks a user-written TOML table (with spans) against the schema and
//! merges it into a copy of the defaults, reporting unknown keys and wrong
//! types and carrying on after each problem. Used for the scenario file and,
//! via a small synthetic table, for each `--set` override.

use std::ops::Range;

use toml::de::{DeArray, DeTable, DeValue};
use toml::{Spanned, Table, Value};

use super::keypath::KeyPath;
use super::problem::{Problem, Site};
use super::provenance::{Provenance, Writer};
use super::schema::{expected_name, found_name, Schema};
use super::text::{excerpt, LineIndex};

/// Problems found so far, and where each written path came from.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// Every problem found, in discovery order.
    pub(crate) problems: Vec<Problem>,
    /// Where each written path came from.
    pub(crate) provenance: Provenance,
}

/// Which input a table being walked comes from; turns spans into sites and
/// value excerpts.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Origin<'t> {
    /// The scenario file; spans index into its text.
    File {
        /// The whole file text, indexed by line.
        lines: &'t LineIndex<'t>,
    },
    /// The `index`-th `--set`; spans of values index into `value_text`.
    Override {
        /// Position among the overrides.
        index: usize,
        /// The whole override argument, `key=value`.
        arg: &'t str,
        /// The value as TOML text (a bare word is shown quoted).
        value_text: &'t str,
    },
}

impl Origin<'_> {
    /// The site of a span.
    pub(crate) fn site(&self, span: &Range<usize>) -> Site {
        match self {
            Origin::File { lines } => {
                let (line, column) = lines.line_column(span.start);
                Site::file(line, column)
            }
            Origin::Override { index, arg, .. } => Site::override_arg(*index, arg),
        }
    }

    /// The value written at `span`, as the user wrote it.
    fn given(&self, span: &Range<usize>) -> String {
        match self {
            Origin::File { lines } => excerpt(lines.text(), span.clone()),
            Origin::Override { value_text, .. } => excerpt(value_text, span.clone()),
        }
    }

    fn writer(&self) -> Writer {
        match self {
            Origin::File { .. } => Writer::File,
            Origin::Override { .. } => Writer::Override,
        }
    }
}

/// Merges `user` (the root table of one input) into `merged`, checking it against `schema`.
pub(crate) fn merge_root(
    origin: Origin<'_>,
    schema: &Schema,
    user: &DeTable<'_>,
    merged: &mut Table,
    report: &mut Report,
) {
    let walk = Walk { origin, schema };
    walk.table(report, &KeyPath::root(), schema.tree(), user, merged);
}

/// The read-only parts of one walk.
struct Walk<'a, 't> {
    origin: Origin<'t>,
    schema: &'a Schema,
}

impl Walk<'_, '_> {
    fn problem(&self, report: &mut Report, span: &Range<usize>, path: &KeyPath, msg: String) {
        let site = self.origin.site(span);
        report
            .problems
            .push(Problem::new(site, path.to_string(), msg));
    }

    fn record(&self, report: &mut Report, path: &KeyPath, span: &Range<usize>, leaf: bool) {
        let site = self.origin.site(span);
        report
            .provenance
            .record(self.origin.writer(), path, site, leaf);
    }

    /// Merges the keys of one user table; `defaults` is the schema table at `path`.
    fn table(
        &self,
        report: &mut Report,
        path: &KeyPath,
        defaults: &Table,
        user: &DeTable<'_>,
        merged: &mut Table,
    ) {
        for (key, value) in user.iter() {
            let child = path.key(key.get_ref());
            let Some(default) = defaults.get(key.get_ref().as_ref()) else {
                let msg = self.unknown_key_message(path, &child, defaults);
                self.problem(report, &key.span(), &child, msg);
                continue;
            };
            let slot = merged
                .entry(key.get_ref().to_string())
                .or_insert_with(|| default.clone());
            self.value(report, &child, &key.span(), default, value, slot);
        }
    }

    fn unknown_key_message(&self, parent: &KeyPath, child: &KeyPath, defaults: &Table) -> String {
        if let Some(gone) = super::removed::removed(&child.to_string()) {
            return format!(
                "`{child}` was removed in model v2: {}; delete it from the scenario",
                gone.replaced_by
            );
        }
        let allowed = self.schema.allowed_keys(parent, defaults).join(", ");
        match (parent.is_root(), allowed.is_empty()) {
            (true, _) => format!("unknown key `{child}`; allowed top-level keys: {allowed}"),
            (false, true) => format!("unknown key `{child}`; [{parent}] takes no keys"),
            (false, false) => {
                format!("unknown key `{child}`; allowed keys in [{parent}]: {allowed}")
            }
        }
    }

    /// Merges one user value into `slot`, whose default is `default`.
    fn value(
        &self,
        report: &mut Report,
        path: &KeyPath,
        key_span: &Range<usize>,
        default: &Value,
        user: &Spanned<DeValue<'_>>,
        slot: &mut Value,
    ) {
        match (default, user.get_ref()) {
            (Value::Table(defaults), DeValue::Table(table)) => {
                self.record(report, path, key_span, false);
                if !slot.is_table() {
                    *slot = default.clone();
                }
                if let Some(merged) = slot.as_table_mut() {
                    self.table(report, path, defaults, table, merged);
                }
            }
            (Value::Array(defaults), DeValue::Array(items)) => {
                self.record(report, path, &user.span(), true);
                if let Some(array) = self.array(report, path, defaults.first(), items) {
                    *slot = Value::Array(array);
                }
            }
            _ => {
                self.record(report, path, &user.span(), true);
                match conform(default, user.get_ref()) {
                    Ok(value) => *slot = value,
                    Err(refusal) => self.refuse(report, path, &user.span(), user, refusal),
                }
            }
        }
    }

    /// Converts the elements of a user array, each checked against the first
    /// default element; `None` (with problems reported) if any is refused.
    fn array(
        &self,
        report: &mut Report,
        path: &KeyPath,
        element: Option<&Value>,
        items: &DeArray<'_>,
    ) -> Option<Vec<Value>> {
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let item_path = path.index(i);
            self.record(report, &item_path, &item.span(), true);
            let converted = match element {
                Some(expected) => conform(expected, item.get_ref()),
                None => to_value(item.get_ref()),
            };
            match converted {
                Ok(value) => out.push(value),
                Err(refusal) => {
                    ok = false;
                    self.refuse(report, &item_path, &item.span(), item, refusal);
                }
            }
        }
        ok.then_some(out)
    }

    fn refuse(
        &self,
        report: &mut Report,
        path: &KeyPath,
        span: &Range<usize>,
        user: &Spanned<DeValue<'_>>,
        refusal: Refusal,
    ) {
        let shown = match user.get_ref() {
            DeValue::Table(_) => format!("`{path}`"),
            _ => format!("`{path}` = {}", self.origin.given(span)),
        };
        let msg = match refusal {
            Refusal::WrongType { expected, found } => {
                format!("{shown} has the wrong type: expected {expected}, found {found}")
            }
            Refusal::Invalid(why) => format!("{shown} is not allowed: {why}"),
        };
        self.problem(report, span, path, msg);
    }
}

/// Why a user value could not be taken.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The value has another type than the default.
    WrongType {
        expected: String,
        found: &'static str,
    },
    /// The type is right but the value cannot be represented.
    Invalid(String),
}

/// Converts `user` to the type of `expected`: same type, or an integer where
/// a float is expected. Arrays check their elements against `expected`'s first
/// element; tables (only met inside arrays) are converted as they are.
fn conform(expected: &Value, user: &DeValue<'_>) -> Result<Value, Refusal> {
    match (expected, user) {
        (Value::Float(_), DeValue::Integer(_)) => {
            let Value::Integer(i) = to_value(user)? else {
                return Err(Refusal::Invalid("not a number".to_owned()));
            };
            Ok(Value::Float(i as f64))
        }
        (Value::Array(items), DeValue::Array(given)) => {
            let values = given
                .iter()
                .map(|item| match items.first() {
                    Some(first) => conform(first, item.get_ref()),
                    None => to_value(item.get_ref()),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::Array(values))
        }
        (Value::Float(_), DeValue::Float(_))
        | (Value::Integer(_), DeValue::Integer(_))
        | (Value::String(_), DeValue::String(_))
        | (Value::Boolean(_), DeValue::Boolean(_))
        | (Value::Datetime(_), DeValue::Datetime(_))
        | (Value::Table(_), DeValue::Table(_)) => to_value(user),
        _ => Err(Refusal::WrongType {
            expected: expected_name(expected),
            found: found_name(user),
        }),
    }
}

/// Converts a parsed value to a `toml::Value` without any schema.
pub(crate) fn to_value(user: &DeValue<'_>) -> Result<Value, Refusal> {
    Ok(match user {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => Value::Integer(
            i64::from_str_radix(i.as_str(), i.radix())
                .map_err(|_| Refusal::Invalid("the integer is too large".to_owned()))?,
        ),
        DeValue::Float(f) => Value::Float(
            f.as_str()
                .parse::<f64>()
                .map_err(|_| Refusal::Invalid("not a valid float".to_owned()))?,
        ),
        DeValue::Boolean(b) => Value::Boolean(*b),
        DeValue::Datetime(d) => Value::Datetime(*d),
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| to_value(item.get_ref()))
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(table) => {
            let mut out = Table::new();
            for (key, value) in table.iter() {
                out.insert(key.get_ref().to_string(), to_value(value.get_ref())?);
            }
            Value::Table(out)
        }
    })
}
