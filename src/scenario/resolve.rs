//! Turns the merged TOML tree into `T`. Errors only serde can see (an enum
//! string that names no variant, an integer out of `u32` range, …) are found
//! one at a time with `serde_path_to_error`; each is reported, its path is
//! reset to the default, and deserialization is retried, so all are reported.

use serde::de::DeserializeOwned;
use toml::{Table, Value};

use super::keypath::{KeyPath, Segment};
use super::merge::Report;
use super::problem::{Problem, Site};
use super::schema::{lookup, Schema};
use super::text::shorten;

/// Deserializes `merged` into `T`, reporting every failure; returns `None`
/// only if even the defaults cannot be deserialized (a bug in `T`).
pub(crate) fn deserialize<T: DeserializeOwned>(
    merged: &mut Table,
    schema: &Schema,
    report: &mut Report,
) -> Option<T> {
    let attempts = count_leaves(merged) + 2;
    for _ in 0..attempts {
        let error = match serde_path_to_error::deserialize(Value::Table(merged.clone())) {
            Ok(value) => return Some(value),
            Err(error) => error,
        };
        let path = convert_path(error.path());
        let message = describe(&path, lookup(merged, &path), error.inner().message());
        let site = report.provenance.locate(&path);
        report
            .problems
            .push(Problem::new(site, path.to_string(), message));
        if !reset(merged, schema.tree(), &path) {
            break;
        }
    }
    let msg = "internal error: the built-in defaults are themselves rejected";
    report
        .problems
        .push(Problem::new(Site::default_value(), "", msg));
    None
}

/// Number of scalar values in a tree: a bound on how many resets can help.
fn count_leaves(table: &Table) -> usize {
    table
        .values()
        .map(|value| match value {
            Value::Table(child) => count_leaves(child),
            Value::Array(items) => items.len() + 1,
            _ => 1,
        })
        .sum()
}

/// Converts a serde path; stops at segments serde could not name.
fn convert_path(path: &serde_path_to_error::Path) -> KeyPath {
    let mut segments = Vec::new();
    for segment in path {
        match segment {
            serde_path_to_error::Segment::Seq { index } => segments.push(Segment::Index(*index)),
            serde_path_to_error::Segment::Map { key } => segments.push(Segment::Key(key.clone())),
            serde_path_to_error::Segment::Enum { variant } => {
                segments.push(Segment::Key(variant.clone()));
            }
            serde_path_to_error::Segment::Unknown => break,
        }
    }
    KeyPath::from_segments(segments)
}

/// The message for a serde failure at `path` on `value`.
fn describe(path: &KeyPath, value: Option<&Value>, serde_message: &str) -> String {
    let shown = match value {
        _ if path.is_root() => "the scenario".to_owned(),
        Some(value) if !value.is_table() => format!("`{path}` = {}", shorten(&value.to_string())),
        _ => format!("`{path}`"),
    };
    match variant_choices(serde_message) {
        Some(choices) => format!("{shown} is not allowed: expected one of {choices}"),
        None => format!("{shown} is not allowed: {serde_message}"),
    }
}

/// From serde's "unknown variant `x`, expected `a` or `b`", the list
/// `"a", "b"`; `None` for any other message.
fn variant_choices(serde_message: &str) -> Option<String> {
    let rest = serde_message.strip_prefix("unknown variant ")?;
    let (_, expected) = rest.split_once(", expected ")?;
    let names: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|name| format!("\"{name}\""))
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// Puts the default back at `path` (arrays are reset whole); false if that
/// changes nothing, i.e. the default itself is what failed.
fn reset(merged: &mut Table, defaults: &Table, path: &KeyPath) -> bool {
    let keys: Vec<&str> = path
        .segments()
        .iter()
        .map_while(|segment| match segment {
            Segment::Key(key) => Some(key.as_str()),
            Segment::Index(_) => None,
        })
        .collect();
    if keys.is_empty() {
        let changed = merged != defaults;
        *merged = defaults.clone();
        return changed;
    }
    reset_keys(merged, defaults, &keys)
}

fn reset_keys(merged: &mut Table, defaults: &Table, keys: &[&str]) -> bool {
    let Some((first, rest)) = keys.split_first() else {
        return false;
    };
    let Some(default) = defaults.get(*first) else {
        return false;
    };
    if let (Value::Table(sub_defaults), false) = (default, rest.is_empty()) {
        if let Some(Value::Table(sub_merged)) = merged.get_mut(*first) {
            if reset_keys(sub_merged, sub_defaults, rest) {
                return true;
            }
        }
    }
    if merged.get(*first) == Some(default) {
        return false;
    }
    merged.insert((*first).to_owned(), default.clone());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_lists_are_rewritten() {
        let two = variant_choices("unknown variant `best`, expected `random` or `matched`");
        assert_eq!(two.as_deref(), Some("\"random\", \"matched\""));
        let three = variant_choices("unknown variant `x`, expected one of `a`, `b`, `c`");
        assert_eq!(three.as_deref(), Some("\"a\", \"b\", \"c\""));
        assert_eq!(variant_choices("invalid type: string"), None);
    }
}
