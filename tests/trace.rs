//! `povsim trace`: one household's story from the real binary, as text and JSON, and refusals.

mod common;

use common::{run_in, stderr, stdout, SMALL};

fn trace_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["trace"];
    args.extend_from_slice(&SMALL);
    args.extend_from_slice(extra);
    args
}

#[test]
fn trace_prints_a_story_and_the_same_story_as_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = run_in(
        dir.path(),
        &trace_args(&["--village", "2", "--household", "5"]),
    );
    assert!(text.status.success(), "{}", stderr(&text));
    let text = stdout(&text);
    assert!(text.starts_with("Household 5 of village 2"), "{text}");
    assert!(text.contains("new secretary"), "{text}");
    assert!(text.contains("Year end"), "{text}");

    let json = run_in(
        dir.path(),
        &trace_args(&["--village", "2", "--household", "5", "--json"]),
    );
    assert!(json.status.success(), "{}", stderr(&json));
    let story: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    assert_eq!(story["village"], 2);
    assert_eq!(story["household"], 5);
    assert_eq!(story["months"].as_array().map(Vec::len), Some(84));
    let events = story["events"].as_array().expect("events");
    // Every event in the JSON is a line of the text (same story, two forms).
    for e in events {
        let detail = e["detail"].as_str().expect("detail");
        assert!(text.contains(detail), "text lacks {detail}");
    }
    // Nothing was written.
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}

#[test]
fn trace_refuses_a_household_that_does_not_exist() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(
        dir.path(),
        &trace_args(&["--village", "8", "--household", "0"]),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("villages 0 to 7"), "{}", stderr(&out));
    let out = run_in(
        dir.path(),
        &trace_args(&["--village", "0", "--household", "9999"]),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("household 9999 does not exist"),
        "{}",
        stderr(&out)
    );
}
