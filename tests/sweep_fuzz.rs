//! Fuzzing the sweep file parser and planner: the shipped sweep files and the test fixtures,
//! mutated a few edits at a time (inserted tokens, deleted spans, duplicated or dropped lines),
//! must resolve to a plan or to problems that each name their place (file:line:column, or a
//! point of the design), never panic, never take unbounded time. The library's planning
//! function is called directly for speed; a few mutations also run through the binary, which
//! must exit 0 or 2 with a located message.

mod common;
mod sweep_helpers;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proptest::prelude::*;

use common::{run_in, stderr};
use povsim::sweep::file::resolve_text;

/// The sweep files mutated: every shipped one and every test fixture, except those whose
/// small mutations give a valid design of 10^4-10^5 points (validating that many points is
/// correct but takes seconds to a minute, too slow for many cases).
fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["scenarios/sweeps", "tests/fixtures/sweeps"] {
        for entry in fs::read_dir(root.join(dir)).expect("list") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let slow = [
                "lhs_with_too_many_runs.toml",
                "sobol_with_too_many_points.toml",
                "sobol_n_beyond_the_sequence.toml",
            ];
            if name.ends_with(".toml") && !slow.contains(&name.as_str()) {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 7, "{files:?}");
    files
}

/// Fragments worth inserting: numbers at and beyond every limit, TOML structure, quotes,
/// control and multi-byte characters, shell and path metacharacters.
const TOKENS: [&str; 28] = [
    "0",
    "9",
    "99999",
    "-1",
    "18446744073709551616",
    "1e308",
    "nan",
    "inf",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    ".",
    "\n",
    "\r",
    "\u{0}",
    "é",
    "[grid]\n",
    "[sample]\nmethod = \"morris\"\n",
    "[set]\n",
    "\"cadres.admin_burden\" = [0.1, 0.9]\n",
    "name = \"../x\"\n",
    "$(touch x)",
    "true",
];

/// One edit of a file's text.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, usize),
    Delete(usize, usize),
    DuplicateLine(usize),
    DropLine(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, t)| Edit::Insert(at, t)),
        (any::<usize>(), 1usize..12).prop_map(|(at, n)| Edit::Delete(at, n)),
        any::<usize>().prop_map(Edit::DuplicateLine),
        any::<usize>().prop_map(Edit::DropLine),
    ]
}

/// The byte offset nearest below `at % (len + 1)` that starts a character.
fn boundary(text: &str, at: usize) -> usize {
    let mut i = at % (text.len() + 1);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut out = text.to_string();
    match *edit {
        Edit::Insert(at, t) => out.insert_str(boundary(text, at), TOKENS[t]),
        Edit::Delete(at, n) => {
            let from = boundary(text, at);
            let to = boundary(text, from + n.min(text.len() - from));
            out.replace_range(from..to.max(from), "");
        }
        Edit::DuplicateLine(at) | Edit::DropLine(at) => {
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            if lines.is_empty() {
                return out;
            }
            let i = at % lines.len();
            let mut kept: Vec<&str> = lines.clone();
            if matches!(edit, Edit::DuplicateLine(_)) {
                kept.insert(i, lines[i]);
            } else {
                kept.remove(i);
            }
            out = kept.concat();
        }
    }
    out
}

/// Whether a problem line names its place: `label:LINE:COLUMN:`, a point of the design, or the
/// file as a whole (only for its size).
fn located(line: &str, label: &str) -> bool {
    let Some(rest) = line.trim_start().strip_prefix(&format!("{label}:")) else {
        return false;
    };
    let mut parts = rest.splitn(3, ':');
    let numbers = matches!(
        (parts.next(), parts.next()),
        (Some(l), Some(c)) if l.parse::<usize>().is_ok_and(|l| l > 0) && c.parse::<usize>().is_ok_and(|c| c > 0)
    );
    numbers
        || rest.starts_with(" point ")
        || rest.starts_with(" ... and ")
        || rest.contains("bytes (1 MiB) are allowed")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_sweep_files_resolve_or_give_located_problems(
        file in 0usize..64,
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let files = corpus();
        let path = &files[file % files.len()];
        let mut text = fs::read_to_string(path).expect("read");
        for e in &edits {
            text = apply(&text, e);
        }
        let label = "mutated.toml";
        let started = Instant::now();
        let result = resolve_text(label, &text, path.parent().expect("folder"));
        // A hang detector, not a speed test: the largest valid mutation plans a few
        // thousand points.
        prop_assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
        match result {
            Ok(resolved) => {
                prop_assert_eq!(resolved.plan.points.len(), resolved.points.len());
                prop_assert!(!resolved.plan.points.is_empty());
                prop_assert!(resolved.plan.runs() <= povsim::sweep::file::MAX_RUNS);
            }
            Err(error) => {
                let message = error.to_string();
                let mut lines = message.lines();
                let head = lines.next().unwrap_or("");
                prop_assert!(head.starts_with("sweep mutated.toml has "), "{}", message);
                let problems: Vec<&str> = lines.collect();
                prop_assert!(!problems.is_empty(), "{}", message);
                for problem in problems.iter().take(problems.len() - error.base_problems.len()) {
                    prop_assert!(located(problem, label), "not located: {:?}\nin\n{}", problem, message);
                }
            }
        }
    }
}

#[test]
fn mutated_sweep_files_through_the_binary_exit_0_or_2_with_a_located_message() {
    let tmp = tempfile::tempdir().expect("temp dir");
    // The fixture with its base scenario by absolute path, so the copies can live elsewhere.
    let baseline = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let original = fs::read_to_string(sweep_helpers::sweep_fixture("grid_small.toml"))
        .expect("read")
        .replace(
            "\"../../../scenarios/baseline.toml\"",
            &format!("{:?}", baseline.display().to_string()),
        );
    assert!(
        original.contains("scenarios/baseline.toml\"\n"),
        "{original}"
    );
    let half = original.len() / 2;
    let mutations = [
        original[..half].to_string(),
        original.replace("replicates = 3", "replicates = 99999999999999999999"),
        original.replace("replicates = 3", "replicates = -1"),
        original.replace("[0.1, 0.5, 0.9]", "[0.1, \u{0}, 0.9]"),
        original.replace("\"random\"", "\"random"),
        original.replace("[grid]", "[grid]\n\"cadres.admin_burden\" = [0.2]"),
        original.replace("seed = 11", "seed = 1e308"),
    ];
    for (i, text) in mutations.iter().enumerate() {
        let path = tmp.path().join(format!("mutation-{i}.toml"));
        fs::write(&path, text).expect("write");
        let out = run_in(
            tmp.path(),
            &[
                "sweep",
                path.to_str().expect("UTF-8"),
                "--out",
                &format!("o{i}"),
                "--max-points",
                "0",
                "--quiet",
            ],
        );
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{err}");
        match out.status.code() {
            Some(0) => {}
            Some(2) => {
                let label = path.display().to_string();
                assert!(
                    err.lines().skip(1).any(|l| located(l, &label)),
                    "mutation {i}: no located problem in\n{err}"
                );
            }
            other => panic!("mutation {i}: exit {other:?}\n{err}"),
        }
    }
}

#[test]
fn the_location_check_refuses_unlocated_lines() {
    assert!(located("  a.toml:3:14: bad", "a.toml"));
    assert!(located("  a.toml: point 4 (x=1): bad", "a.toml"));
    assert!(!located("  a.toml: bad", "a.toml"));
    assert!(!located("  a.toml:0:0: bad", "a.toml"));
    assert!(!located(
        "  default: `population.counties` = 4 is out of range",
        "a.toml"
    ));
}
