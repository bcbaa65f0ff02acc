//! The scenario files shipped in `scenarios/`: each loads cleanly through the library's
//! scenario loader, names itself after its file, and changes something; the baseline file
//! equals the built-in defaults, states every parameter, and documents every line.
//!
//! The directory is listed at test time, so a new scenario file is covered without editing
//! this test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use povsim::params::Params;
use povsim::scenario::{load, Source};

const BASELINE_FILE: &str = "baseline.toml";

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Every `scenarios/*.toml`, sorted by file name, as (file stem, path).
fn scenario_files() -> Vec<(String, PathBuf)> {
    let dir = scenarios_dir();
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut files: Vec<(String, PathBuf)> = entries
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .map(|path| {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("scenario file names are UTF-8")
                .to_owned();
            (stem, path)
        })
        .collect();
    files.sort();
    assert!(
        files.iter().any(|(_, p)| p.ends_with(BASELINE_FILE)),
        "{} has no {BASELINE_FILE}",
        dir.display()
    );
    files
}

fn source(path: &Path) -> Source {
    Source::from_file(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Loads a scenario file with no overrides; panics with the loader's full report.
fn load_file(path: &Path) -> Params {
    load::<Params>(&source(path), &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// The scenario files that load, with their parameters. A file that does not load is left
/// out here and reported by `every_scenario_file_loads_without_problems`, so one broken file
/// fails one test instead of all of them.
fn loadable_files() -> Vec<(String, PathBuf, Params)> {
    scenario_files()
        .into_iter()
        .filter_map(|(stem, path)| {
            let params = load::<Params>(&source(&path), &[]).ok()?;
            Some((stem, path, params))
        })
        .collect()
}

/// The loadable scenario files other than the baseline.
fn lever_files() -> Vec<(String, PathBuf, Params)> {
    loadable_files()
        .into_iter()
        .filter(|(_, path, _)| !path.ends_with(BASELINE_FILE))
        .collect()
}

fn baseline_path() -> PathBuf {
    scenarios_dir().join(BASELINE_FILE)
}

fn baseline_text() -> String {
    let path = baseline_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every leaf of a TOML tree as (dotted path, value); arrays are leaves.
fn leaves(table: &toml::Table) -> BTreeMap<String, toml::Value> {
    povsim::scenario::leaves(table)
}

/// The parameters as a TOML tree, as the loader's schema sees them.
fn as_table(params: &Params) -> toml::Table {
    match toml::Value::try_from(params).expect("parameters serialize to TOML") {
        toml::Value::Table(table) => table,
        other => panic!(
            "parameters serialized to a {}, not a table",
            other.type_str()
        ),
    }
}

/// The file's own table, parsed as plain TOML (no defaults merged in).
fn parse_table(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", path.display()))
}

#[test]
fn every_scenario_file_loads_without_problems() {
    let failures: Vec<String> = scenario_files()
        .iter()
        .filter_map(|(_, path)| load::<Params>(&source(path), &[]).err())
        .map(|e| e.to_string())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_scenario_is_named_after_its_file() {
    let mismatches: Vec<String> = loadable_files()
        .iter()
        .filter(|(stem, _, params)| params.name != *stem)
        .map(|(stem, path, params)| {
            format!(
                "{}: name = {:?}, expected {stem:?} (the file stem names the results folder)",
                path.display(),
                params.name
            )
        })
        .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_lever_file_changes_at_least_one_parameter() {
    let mut defaults = Params::default();
    defaults.description.clear();
    let unchanged: Vec<String> = lever_files()
        .into_iter()
        .filter_map(|(_, path, mut params)| {
            params.name = defaults.name.clone();
            params.description.clear();
            (params == defaults).then(|| format!("{} changes nothing", path.display()))
        })
        .collect();
    assert!(unchanged.is_empty(), "{}", unchanged.join("\n"));
}

#[test]
fn every_lever_file_has_its_own_description() {
    let baseline = Params::default().description;
    let missing: Vec<String> = lever_files()
        .iter()
        .filter_map(|(_, path, params)| {
            let description = &params.description;
            (description.trim().is_empty() || *description == baseline).then(|| {
                format!(
                    "{} needs a description of what it changes and why",
                    path.display()
                )
            })
        })
        .collect();
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn lever_files_state_only_values_that_differ_from_the_defaults() {
    let defaults = leaves(&as_table(&Params::default()));
    let mut redundant = Vec::new();
    for (_, path, params) in lever_files() {
        // Compare resolved values, so `1` and `1.0` count as the same number.
        let resolved = leaves(&as_table(&params));
        for key in leaves(&parse_table(&path)).keys() {
            if key == "name" || key == "description" {
                continue;
            }
            if resolved.get(key) == defaults.get(key) {
                redundant.push(format!(
                    "{}: `{key}` repeats its default value",
                    path.display()
                ));
            }
        }
    }
    assert!(redundant.is_empty(), "{}", redundant.join("\n"));
}

#[test]
fn baseline_file_resolves_to_exactly_the_defaults() {
    let from_file = load_file(&baseline_path());
    let defaults = Params::default();
    if from_file != defaults {
        let file = leaves(&as_table(&from_file));
        let wanted = leaves(&as_table(&defaults));
        let drift: Vec<String> = wanted
            .iter()
            .filter(|(key, value)| file.get(*key) != Some(value))
            .map(|(key, value)| {
                let given = file
                    .get(key)
                    .map_or("nothing".to_owned(), |v| v.to_string());
                format!("  {key}: file gives {given}, default is {value}")
            })
            .collect();
        panic!(
            "scenarios/{BASELINE_FILE} has drifted from Params::default():\n{}",
            drift.join("\n")
        );
    }
}

#[test]
fn baseline_file_states_every_parameter() {
    let stated = leaves(&parse_table(&baseline_path()));
    let missing: Vec<String> = leaves(&as_table(&Params::default()))
        .into_keys()
        .filter(|key| !stated.contains_key(key))
        .collect();
    assert!(
        missing.is_empty(),
        "scenarios/{BASELINE_FILE} must state every parameter with its default, unit and source; \
         missing:\n  {}",
        missing.join("\n  ")
    );
}

/// Where a `#` starts a comment on a TOML line, skipping `#` inside quoted strings.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, ch) in line.char_indices() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if ch == '\\' => escaped = true,
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if ch == '"' || ch == '\'' => quote = Some(ch),
            None if ch == '#' => return Some(i),
            None => {}
        }
    }
    None
}

#[test]
fn every_setting_in_the_baseline_file_carries_a_comment() {
    let text = baseline_text();
    let mut previous_is_comment = false;
    let mut bare = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        let is_comment = trimmed.starts_with('#');
        let is_setting = !trimmed.is_empty() && !is_comment && !trimmed.starts_with('[');
        if is_setting {
            let commented =
                comment_start(trimmed).is_some_and(|at| !trimmed[at + 1..].trim().is_empty());
            if !commented && !previous_is_comment {
                bare.push(format!("  line {}: {trimmed}", number + 1));
            }
        }
        previous_is_comment = is_comment && trimmed.len() > 1;
    }
    assert!(
        bare.is_empty(),
        "scenarios/{BASELINE_FILE}: every setting needs a comment giving its unit and source \
         (on the same line or the line above):\n{}",
        bare.join("\n")
    );
}

#[test]
fn comment_detection_ignores_hashes_inside_strings() {
    assert_eq!(comment_start(r#"a = "x # y""#), None);
    assert_eq!(comment_start(r#"a = "x \" # y""#), None);
    assert_eq!(comment_start("a = 'x # y' # note"), Some(12));
    assert_eq!(comment_start("a = 1 # note"), Some(6));
}
