//! `--set key.path=value` overrides: splitting, parsing the value as TOML
//! (falling back to a plain string for bare words such as `matched`), and
//! applying them through the same checks as the file, located at the
//! override text rather than at a file position.

use std::borrow::Cow;

use toml::de::{DeTable, DeValue};
use toml::{Spanned, Table, Value};

use super::keypath::{KeyPath, Segment};
use super::merge::{merge_root, Origin, Report};
use super::problem::{Problem, Site};
use super::schema::Schema;

/// Applies every override, in order, on top of `merged`.
pub(crate) fn apply_overrides(
    overrides: &[String],
    schema: &Schema,
    merged: &mut Table,
    report: &mut Report,
) {
    for (index, arg) in overrides.iter().enumerate() {
        apply_one(index, arg, schema, merged, report);
    }
}

fn apply_one(index: usize, arg: &str, schema: &Schema, merged: &mut Table, report: &mut Report) {
    let (path, raw_value) = match split(arg) {
        Ok(parts) => parts,
        Err((path, msg)) => {
            let site = Site::override_arg(index, arg);
            report.problems.push(Problem::new(site, path, msg));
            return;
        }
    };
    let keys = match plain_keys(&path) {
        Ok(keys) => keys,
        Err(msg) => {
            let site = Site::override_arg(index, arg);
            report
                .problems
                .push(Problem::new(site, path.to_string(), msg));
            return;
        }
    };
    let wants_string = matches!(schema.get(&path), Some(Value::String(_)));
    let (value_text, value) = parse_value(raw_value, wants_string);
    let origin = Origin::Override {
        index,
        arg,
        value_text: &value_text,
    };
    merge_root(origin, schema, &nest(&keys, value), merged, report);
}

/// Splits `key.path=value` at the first `=`; on failure returns the path (if
/// any) and a message.
fn split(arg: &str) -> Result<(KeyPath, &str), (String, String)> {
    let Some((key, value)) = arg.split_once('=') else {
        let msg = "expected `key.path=value`, e.g. `--set cadres.admin_burden=0.3`".to_owned();
        return Err((String::new(), msg));
    };
    if key.trim().is_empty() {
        let msg = "the key before `=` is empty; expected `key.path=value`".to_owned();
        return Err((String::new(), msg));
    }
    match KeyPath::parse(key) {
        Ok(path) => Ok((path, value.trim())),
        Err(why) => Err((
            key.trim().to_owned(),
            format!("invalid key `{}`: {why}", key.trim()),
        )),
    }
}

/// The keys of `path`, refusing array indices (arrays are set whole).
fn plain_keys(path: &KeyPath) -> Result<Vec<String>, String> {
    path.segments()
        .iter()
        .map(|segment| match segment {
            Segment::Key(key) => Ok(key.clone()),
            Segment::Index(_) => Err(format!(
                "`{path}`: array elements cannot be set one by one; set the whole array, \
                 e.g. `--set {}=[...]`",
                path.parent()
            )),
        })
        .collect()
}

/// Parses the value as TOML; anything that is not valid TOML, or anything
/// but a quoted string where a string is expected, is taken as raw text.
/// Returns the value's display text (spans index into it) and the value.
fn parse_value(raw: &str, wants_string: bool) -> (String, Spanned<DeValue<'_>>) {
    if let Ok(parsed) = DeValue::parse(raw) {
        if !wants_string || parsed.get_ref().is_str() {
            return (raw.to_owned(), parsed);
        }
    }
    let shown = Value::String(raw.to_owned()).to_string();
    let value = DeValue::String(Cow::Owned(raw.to_owned()));
    let span = 0..shown.len();
    (shown, Spanned::new(span, value))
}

/// Wraps `value` in tables so that it sits at `keys` (never empty).
fn nest<'i>(keys: &[String], value: Spanned<DeValue<'i>>) -> DeTable<'i> {
    let mut inner = value;
    for key in keys.iter().skip(1).rev() {
        let mut table = DeTable::new();
        table.insert(spanned_key(key), inner);
        inner = Spanned::new(0..0, DeValue::Table(table));
    }
    let mut root = DeTable::new();
    if let Some(first) = keys.first() {
        root.insert(spanned_key(first), inner);
    }
    root
}

fn spanned_key<'i>(key: &str) -> Spanned<Cow<'i, str>> {
    Spanned::new(0..0, Cow::Owned(key.to_owned()))
}
