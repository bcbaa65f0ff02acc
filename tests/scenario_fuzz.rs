//! Fuzz of the scenario loader (proptest, bounded cases): the shipped scenario texts are
//! mutated (bytes replaced, lines dropped or repeated, keys set to odd values) and random
//! `--set` overrides are added; loading must return the parameters, or an error in which every
//! problem is located at a file position or an override. Never a panic, never a problem that
//! can only be placed at "default", never a value outside what validation allows.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use povsim::params::Params;
use povsim::scenario::{self, Location, Source};

/// Every shipped scenario's text.
fn shipped() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("scenarios/ lists") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).expect("readable");
            out.push((path.display().to_string(), text));
        }
    }
    out.sort();
    out
}

/// Every key path of the scenario (leaves), to aim mutations at real keys.
fn key_paths() -> Vec<String> {
    let value = toml::Value::try_from(Params::default()).expect("defaults serialize");
    let table = value.as_table().cloned().unwrap_or_default();
    scenario::leaves(&table).into_keys().collect()
}

/// Values a user might type, sensible or not.
fn odd_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        Just("nan".to_owned()),
        Just("-inf".to_owned()),
        Just("1e308".to_owned()),
        Just("0".to_owned()),
        Just("-1".to_owned()),
        Just("4294967296".to_owned()),
        Just("\"matched\"".to_owned()),
        Just("true".to_owned()),
        Just("[]".to_owned()),
        Just("[1e308, 2]".to_owned()),
        Just("[\"x\", 1]".to_owned()),
        Just("{ a = 1 }".to_owned()),
        Just("2030".to_owned()),
        "[a-z_\"\\[\\]{}=., 0-9-]{0,12}",
        prop::collection::vec(0.0f64..5000.0, 0..12).prop_map(|v| format!("{v:?}")),
    ]
}

/// One edit of a scenario text.
#[derive(Clone, Debug)]
enum Edit {
    /// Replace bytes `at..at+len` (clamped to character boundaries) by `with`.
    Replace { at: usize, len: usize, with: String },
    /// Drop line `line` (mod the number of lines).
    DropLine(usize),
    /// Repeat line `line`.
    RepeatLine(usize),
    /// Append a `[table]` header and `key = value` for a real key.
    SetKey { key: usize, value: String },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (
            any::<usize>(),
            0usize..8,
            "[a-z0-9_\"\\[\\]{}=.,# \n-]{0,6}"
        )
            .prop_map(|(at, len, with)| Edit::Replace { at, len, with }),
        any::<usize>().prop_map(Edit::DropLine),
        any::<usize>().prop_map(Edit::RepeatLine),
        (any::<usize>(), odd_value()).prop_map(|(key, value)| Edit::SetKey { key, value }),
    ]
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, edit: &Edit, keys: &[String]) -> String {
    match edit {
        Edit::Replace { at, len, with } => {
            let start = floor_boundary(text, at % (text.len() + 1));
            let end = floor_boundary(text, start + len);
            format!("{}{with}{}", &text[..start], &text[end..])
        }
        Edit::DropLine(line) | Edit::RepeatLine(line) => {
            let lines: Vec<&str> = text.lines().collect();
            if lines.is_empty() {
                return text.to_owned();
            }
            let pick = line % lines.len();
            let mut out = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                if i != pick || matches!(edit, Edit::RepeatLine(_)) {
                    out.push(*l);
                }
                if i == pick && matches!(edit, Edit::RepeatLine(_)) {
                    out.push(*l);
                }
            }
            out.join("\n")
        }
        Edit::SetKey { key, value } => {
            let path = &keys[key % keys.len()];
            let (table, leaf) = path.rsplit_once('.').unwrap_or(("", path));
            let header = if table.is_empty() {
                String::new()
            } else {
                format!("[{table}]\n")
            };
            // A key at the top must come before any table: put it first.
            if table.is_empty() {
                format!("{leaf} = {value}\n{text}")
            } else {
                format!("{text}\n{header}{leaf} = {value}\n")
            }
        }
    }
}

/// Loading gives parameters that pass their own validation, or problems all located.
fn check_outcome(label: &str, text: &str, overrides: &[String]) -> Result<(), TestCaseError> {
    let source = Source::new(label, text);
    match scenario::load_with_warnings::<Params>(&source, overrides) {
        Ok((params, warnings)) => {
            prop_assert!(params.problems().is_empty(), "accepted an invalid scenario");
            for w in &warnings {
                prop_assert!(w.is_located(), "unlocated warning {w:?}");
            }
        }
        Err(error) => {
            prop_assert!(!error.problems().is_empty(), "an error with no problem");
            for problem in error.problems() {
                prop_assert!(
                    !matches!(problem.location(), Location::Default),
                    "problem not located in\n{text}\n--set {overrides:?}\n{}",
                    problem.render(label)
                );
            }
        }
    }
    Ok(())
}

/// Runs `test` on `cases` values of `strategy`, panicking with proptest's minimal failure.
fn fuzz<S: Strategy>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>) {
    let mut runner = TestRunner::new(Config {
        cases: 2000,
        failure_persistence: None,
        ..Config::default()
    });
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{e}");
    }
}

#[test]
fn mutated_shipped_scenarios_load_or_report_located_problems() {
    let texts = shipped();
    let keys = key_paths();
    let mut runner = TestRunner::new(Config {
        cases: 2000,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..texts.len(), prop::collection::vec(edit(), 1..5));
    let result = runner.run(&strategy, |(which, edits)| {
        let (label, original) = &texts[which];
        let text = edits
            .iter()
            .fold(original.clone(), |t, e| apply(&t, e, &keys));
        check_outcome(label, &text, &[])
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn random_overrides_load_or_report_located_problems() {
    let texts = shipped();
    let keys = key_paths();
    let set = prop_oneof![
        (any::<usize>(), odd_value()).prop_map(|(k, v)| (Some(k), v)),
        "[a-z_.=\\[\\]0-9 \"-]{0,16}".prop_map(|raw| (None, raw)),
    ];
    let strategy = (0..texts.len(), prop::collection::vec(set, 1..4));
    fuzz(strategy, |(which, sets)| {
        let (label, text) = &texts[which];
        let overrides: Vec<String> = sets
            .into_iter()
            .map(|(key, value)| match key {
                Some(k) => format!("{}={value}", keys[k % keys.len()]),
                None => value,
            })
            .collect();
        check_outcome(label, text, &overrides)
    });
}
