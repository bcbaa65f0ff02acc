//! `povsim check`: validate a scenario and print it fully resolved (every parameter, defaults
//! filled in), each value that differs from the default marked with the default and its
//! meaning and unit; `povsim check --explain KEY` prints what one key means instead. Writes
//! nothing. The documentation of every key comes from the comments of
//! `scenarios/baseline.toml` (meaning and unit; source), the allowed ranges from the
//! validation in `params.rs`.

use std::collections::BTreeMap;

use anyhow::Context;
use clap::Args;
use toml::{Table, Value};

use crate::cli::ScenarioArgs;
use crate::cmd::common::{load_scenario, BASELINE_TEXT};
use crate::error::UserError;
use crate::params::Params;
use crate::scenario::{self, KeyDoc};

/// Options of `povsim check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Print what KEY means, its unit, allowed range, default and source, then stop (e.g.
    /// `--explain cadres.admin_burden`); the scenario is not read.
    #[arg(long, value_name = "KEY")]
    pub explain: Option<String>,
}

/// Run the command.
pub fn run(args: &CheckArgs) -> anyhow::Result<()> {
    if let Some(key) = &args.explain {
        print!("{}", explain(key)?);
        return Ok(());
    }
    let loaded = load_scenario(&args.scenario)?;
    let docs = scenario::key_docs(BASELINE_TEXT);
    let text = scenario::annotated_toml(&loaded.params, &docs)
        .context("cannot print the resolved scenario")?;
    println!(
        "# {} is valid. Resolved scenario, every parameter with its value;\n\
         # a value that differs from the default ends in `# was DEFAULT (default); meaning, unit`.",
        loaded.source
    );
    print!("{text}");
    Ok(())
}

/// Everything known about one key, as printed by `--explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// Dotted key path.
    pub key: String,
    /// What it means (with its unit in words), from the baseline's comment.
    pub meaning: String,
    /// The unit, short.
    pub unit: String,
    /// What values are allowed.
    pub allowed: String,
    /// The default value as TOML.
    pub default: String,
    /// Where the default comes from.
    pub source: String,
}

/// Every leaf key of the scenario with its explanation, by dotted path.
pub fn explanations() -> BTreeMap<String, Explanation> {
    let docs = scenario::key_docs(BASELINE_TEXT);
    let ranges: BTreeMap<String, String> = Params::allowed_ranges().into_iter().collect();
    let defaults = match Value::try_from(Params::default()) {
        Ok(Value::Table(table)) => table,
        _ => Table::new(),
    };
    let mut out = BTreeMap::new();
    for (key, value) in scenario::leaves(&defaults) {
        let key = key.as_str();
        let value = &value;
        let doc = docs.get(key).cloned().unwrap_or_default();
        let explanation = Explanation {
            key: key.to_owned(),
            meaning: doc.meaning(),
            unit: unit_of(key, &doc, value),
            allowed: ranges
                .get(key)
                .cloned()
                .unwrap_or_else(|| allowed_by_type(&doc, value)),
            default: value.to_string(),
            source: doc.source(),
        };
        out.insert(key.to_owned(), explanation);
    }
    out
}

/// The `--explain` text for `key`; an unknown key is a user error naming close matches.
pub fn explain(key: &str) -> Result<String, UserError> {
    let all = explanations();
    let wanted = key.trim();
    let Some(e) = all.get(wanted) else {
        return Err(UserError::Usage(unknown_key_message(wanted, &all)));
    };
    Ok(format!(
        "{}\n  meaning: {}\n  unit:    {}\n  allowed: {}\n  default: {}\n  source:  {}\n",
        e.key, e.meaning, e.unit, e.allowed, e.default, e.source
    ))
}

/// "unknown key ...; did you mean ...?" with up to five close matches (or the keys of the
/// table named, when `key` is a table such as `cadres`).
fn unknown_key_message(key: &str, all: &BTreeMap<String, Explanation>) -> String {
    let prefix = format!("{key}.");
    let mut close: Vec<&str> = all
        .keys()
        .filter(|k| k.starts_with(&prefix))
        .map(String::as_str)
        .collect();
    if close.is_empty() {
        let mut scored: Vec<(f64, &str)> = all
            .keys()
            .map(|k| {
                let last = k.rsplit('.').next().unwrap_or(k);
                let score = strsim::jaro_winkler(key, k).max(strsim::jaro_winkler(key, last));
                (score, k.as_str())
            })
            .filter(|(score, _)| *score > 0.8)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        close = scored.into_iter().map(|(_, k)| k).collect();
    }
    close.truncate(5);
    let shown = crate::scenario::shorten(key);
    if close.is_empty() {
        format!(
            "--explain {shown}: unknown key; `povsim check` prints every key (e.g. --explain \
             cadres.admin_burden)"
        )
    } else {
        format!(
            "--explain {shown}: unknown key; did you mean {}?",
            close.join(", ")
        )
    }
}

/// What is allowed for a key the range checks do not cover (choices, switches, text).
fn allowed_by_type(doc: &KeyDoc, value: &Value) -> String {
    match value {
        Value::Boolean(_) => "true or false".to_owned(),
        Value::String(_) if doc.comment.contains('"') => {
            "one of the quoted choices in the meaning".to_owned()
        }
        Value::String(_) => "any text".to_owned(),
        _ => "any value of the default's type".to_owned(),
    }
}

/// The unit of a key in a few words, read from its meaning (the baseline writes units in
/// words: "yuan per month", "0-1", "per year") and, failing that, from its type and name.
fn unit_of(key: &str, doc: &KeyDoc, value: &Value) -> String {
    let meaning = doc.meaning();
    let last = key.rsplit('.').next().unwrap_or(key);
    if let Some(start) = meaning.find("yuan") {
        let rest = &meaning[start..];
        let end = rest.find([',', ';', '(', ')', ':']).unwrap_or(rest.len());
        return rest[..end].trim().to_owned();
    }
    let number = matches!(value, Value::Float(_) | Value::Integer(_) | Value::Array(_));
    let phrases = [
        ("multiple of the line", "multiple of the poverty line"),
        ("multiplier", "multiplier (1 = no change)"),
        ("per household per year", "per household per year"),
        ("per month", "per month"),
        ("per year", "per year"),
        ("0-1", "share or probability, 0-1"),
        ("share", "share, 0-1"),
        ("index", "index (2015 = 1)"),
    ];
    match value {
        Value::Boolean(_) => "switch (true/false)".to_owned(),
        Value::Integer(_) if last == "seed" => "none (a random seed)".to_owned(),
        Value::String(_) => "text".to_owned(),
        Value::Integer(_) if last.ends_with("year") => "calendar year".to_owned(),
        Value::Integer(_) if last.ends_with("months") => "months".to_owned(),
        Value::Integer(_) if last.ends_with("years") => "years".to_owned(),
        _ if number => phrases
            .iter()
            .find(|(phrase, _)| meaning.contains(phrase))
            .map(|(_, unit)| (*unit).to_owned())
            .unwrap_or_else(|| match value {
                Value::Integer(_) => "count".to_owned(),
                _ => "number (no unit)".to_owned(),
            }),
        _ => "none".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_meaning_a_unit_an_allowed_range_and_a_source() {
        let all = explanations();
        assert!(all.len() > 100, "walked {} keys", all.len());
        for (key, e) in &all {
            assert!(
                !e.meaning.is_empty(),
                "{key} has no meaning in baseline.toml"
            );
            assert!(!e.source.is_empty(), "{key} has no source in baseline.toml");
            assert!(!e.unit.is_empty(), "{key} has no unit");
            assert!(!e.allowed.is_empty(), "{key} has no allowed range");
        }
    }

    #[test]
    fn every_numeric_key_has_a_range_from_the_validation() {
        let ranges: BTreeMap<String, String> = Params::allowed_ranges().into_iter().collect();
        for (key, e) in explanations() {
            let numeric = e
                .default
                .starts_with(|c: char| c.is_ascii_digit() || c == '[');
            if numeric && key != "name" {
                assert!(ranges.contains_key(&key), "{key} has no range check");
            }
        }
    }

    #[test]
    fn explain_prints_meaning_unit_range_default_and_source() {
        let text = explain("cadres.admin_burden").unwrap_or_default();
        assert!(
            text.contains("meaning: share of cadre effort lost to paperwork"),
            "{text}"
        );
        assert!(text.contains("allowed: a number in [0, 1]"), "{text}");
        assert!(text.contains("default: 0.5"), "{text}");
        assert!(
            text.contains("source:  MODEL.md section 7, seed 001"),
            "{text}"
        );
        let money = explain("incentives.subsidy").unwrap_or_default();
        assert!(money.contains("unit:    yuan per month"), "{money}");
    }

    #[test]
    fn an_unknown_key_suggests_close_matches() {
        let Err(UserError::Usage(message)) = explain("cadres.admin_burdn") else {
            panic!("an unknown key is a usage error");
        };
        assert!(
            message.contains("did you mean cadres.admin_burden"),
            "{message}"
        );
        let Err(UserError::Usage(table)) = explain("cadres.mix") else {
            panic!("a table is not a key");
        };
        assert!(table.contains("cadres.mix.economic"), "{table}");
    }
}
