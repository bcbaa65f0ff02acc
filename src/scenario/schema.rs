//! The schema a scenario is checked against: the defaults of `T` as a TOML
//! tree (every allowed key exists in it, with a value of the allowed type),
//! plus the order in which `T` declares its keys, for friendlier listings.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use toml::de::{DeTable, DeValue};
use toml::{Table, Value};

use super::keypath::{KeyPath, Segment};

/// Defaults tree and declared key order of a parameter type.
#[derive(Clone, Debug)]
pub(crate) struct Schema {
    tree: Table,
    /// Keys of each table (by dotted path) in the order `T` serializes them.
    key_order: HashMap<String, Vec<String>>,
}

impl Schema {
    /// Builds the schema from `T::default()`; fails if the defaults cannot be
    /// represented as a TOML table (a bug in `T`, not in the scenario).
    pub(crate) fn of<T: Default + Serialize>() -> Result<Self, String> {
        let defaults = T::default();
        let tree = match Value::try_from(&defaults) {
            Ok(Value::Table(tree)) => tree,
            Ok(other) => {
                let kind = other.type_str();
                return Err(format!("defaults serialize to a {kind}, not a table"));
            }
            Err(e) => return Err(format!("defaults cannot be written as TOML: {e}")),
        };
        let key_order = toml::to_string(&defaults)
            .map(|text| declared_key_order(&text))
            .unwrap_or_default();
        Ok(Self { tree, key_order })
    }

    /// The defaults tree.
    pub(crate) fn tree(&self) -> &Table {
        &self.tree
    }

    /// The default value at `path`, if the schema has one.
    pub(crate) fn get(&self, path: &KeyPath) -> Option<&Value> {
        lookup(&self.tree, path)
    }

    /// The keys allowed in the table at `path` (whose defaults are `table`),
    /// in declaration order when known.
    pub(crate) fn allowed_keys(&self, path: &KeyPath, table: &Table) -> Vec<String> {
        let declared = self.key_order.get(&path.to_string());
        let mut keys: Vec<String> = declared
            .map(|order| {
                order
                    .iter()
                    .filter(|k| table.contains_key(k.as_str()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        for key in table.keys() {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
        keys
    }
}

/// The value at `path` inside `table` (`None` for the root or a missing path).
pub(crate) fn lookup<'v>(table: &'v Table, path: &KeyPath) -> Option<&'v Value> {
    let mut segments = path.segments().iter();
    let first = match segments.next()? {
        Segment::Key(key) => table.get(key)?,
        Segment::Index(_) => return None,
    };
    segments.try_fold(first, |value, segment| match segment {
        Segment::Key(key) => value.get(key.as_str()),
        Segment::Index(i) => value.get(*i),
    })
}

/// Every leaf of a TOML tree as (dotted path, value). Arrays are leaves: a
/// list such as `funding.schedule` is one parameter.
pub fn leaves(table: &Table) -> BTreeMap<String, Value> {
    fn walk(prefix: &str, table: &Table, out: &mut BTreeMap<String, Value>) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                Value::Table(inner) => walk(&path, inner, out),
                leaf => {
                    out.insert(path, leaf.clone());
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk("", table, &mut out);
    out
}

/// Reads key order from the serialized defaults, using the spans the parser
/// records (the tree itself is sorted alphabetically).
fn declared_key_order(text: &str) -> HashMap<String, Vec<String>> {
    let mut order = HashMap::new();
    if let Ok(root) = DeTable::parse(text) {
        collect_order(root.get_ref(), &KeyPath::root(), &mut order);
    }
    order
}

fn collect_order(table: &DeTable<'_>, path: &KeyPath, out: &mut HashMap<String, Vec<String>>) {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    let keys = entries
        .iter()
        .map(|(k, _)| k.get_ref().to_string())
        .collect();
    out.insert(path.to_string(), keys);
    for (key, value) in entries {
        if let DeValue::Table(child) = value.get_ref() {
            collect_order(child, &path.key(key.get_ref()), out);
        }
    }
}

/// How an expected type is named in messages, from its default value.
pub(crate) fn expected_name(default: &Value) -> String {
    match default {
        Value::Float(_) => "a number".to_owned(),
        Value::Integer(_) => "an integer".to_owned(),
        Value::String(_) => "a string".to_owned(),
        Value::Boolean(_) => "true or false".to_owned(),
        Value::Datetime(_) => "a date-time".to_owned(),
        Value::Table(_) => "a table".to_owned(),
        Value::Array(items) => match items.first() {
            None => "an array".to_owned(),
            Some(first) => format!("an array of {}", plural_name(first)),
        },
    }
}

/// The plural noun for elements of an array whose first default is `value`.
fn plural_name(value: &Value) -> &'static str {
    match value {
        Value::Float(_) => "numbers",
        Value::Integer(_) => "integers",
        Value::String(_) => "strings",
        Value::Boolean(_) => "booleans",
        Value::Datetime(_) => "date-times",
        Value::Table(_) => "tables",
        Value::Array(_) => "arrays",
    }
}

/// How the type of a value the user wrote is named in messages.
pub(crate) fn found_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Serialize)]
    struct Inner {
        zeta: u32,
        alpha: f64,
    }

    #[derive(Default, Serialize)]
    struct Outer {
        seed: u32,
        inner: Inner,
        list: Vec<f64>,
    }

    #[test]
    fn keys_come_in_declaration_order() {
        let schema = Schema::of::<Outer>().ok();
        let schema = schema.as_ref();
        let inner_path = KeyPath::root().key("inner");
        let inner = schema
            .and_then(|s| s.tree().get("inner"))
            .and_then(Value::as_table);
        let keys = schema
            .zip(inner)
            .map(|(s, t)| s.allowed_keys(&inner_path, t));
        assert_eq!(keys, Some(vec!["zeta".to_owned(), "alpha".to_owned()]));
    }

    #[test]
    fn non_table_defaults_are_refused() {
        assert!(Schema::of::<u32>().is_err());
    }
}
