//! Bad input is refused before any work starts: exit code 2, a message naming the file, line
//! and column, the key, the value given and what is allowed, and nothing written.

mod common;

use common::{fixture, run_in, stderr};

/// Run `povsim run <fixture>` in a fresh folder; return stderr after checking the exit code
/// and that nothing was written.
fn refused(args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(dir.path(), args);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing on stdout for a refused run");
    assert!(
        !dir.path().join("outputs").exists(),
        "a refused run must write nothing"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("list").count(),
        0,
        "no stray files"
    );
    stderr(&out)
}

fn refused_file(name: &str) -> String {
    let path = fixture(name);
    let message = refused(&["run", path.to_str().expect("utf8 path")]);
    assert!(
        message.contains(&format!("{}:", path.display())),
        "names the file: {message}"
    );
    message
}

#[test]
fn an_unknown_key_is_refused_with_its_line_and_the_allowed_keys() {
    let m = refused_file("unknown_key.toml");
    assert!(m.contains("unknown_key.toml:4:1:"), "{m}");
    assert!(m.contains("unknown key `population.vilages`"), "{m}");
    assert!(m.contains("allowed keys in [population]: villages"), "{m}");
}

#[test]
fn a_wrong_type_is_refused_naming_the_expected_type() {
    let m = refused_file("wrong_type.toml");
    assert!(m.contains("wrong_type.toml:4:16:"), "{m}");
    assert!(m.contains("`cadres.admin_burden` = \"high\""), "{m}");
    assert!(m.contains("expected a number"), "{m}");
}

#[test]
fn a_float_where_a_count_is_expected_is_refused() {
    let m = refused_file("float_where_count_expected.toml");
    assert!(m.contains("`population.villages` = 12.5"), "{m}");
    assert!(m.contains("expected an integer"), "{m}");
}

#[test]
fn an_admin_burden_above_one_is_refused_with_the_allowed_range() {
    let m = refused_file("admin_burden_above_one.toml");
    assert!(m.contains("admin_burden_above_one.toml:4:16:"), "{m}");
    assert!(m.contains("`cadres.admin_burden` = 1.4"), "{m}");
    assert!(m.contains("[0, 1]"), "{m}");
}

#[test]
fn a_probability_above_one_is_refused() {
    let m = refused_file("probability_above_one.toml");
    assert!(m.contains("`shocks.disaster_rate` = 1.5"), "{m}");
    assert!(m.contains("[0, 1]"), "{m}");
}

#[test]
fn cadre_mix_shares_not_summing_to_one_are_refused() {
    let m = refused_file("mix_shares_not_summing_to_one.toml");
    assert!(m.contains("`cadres.mix`"), "{m}");
    assert!(m.contains("shares summing to 1.3"), "{m}");
    assert!(m.contains("sum to 1"), "{m}");
}

#[test]
fn a_negative_count_is_refused() {
    let m = refused_file("negative_village_count.toml");
    assert!(m.contains("negative_village_count.toml:4:12:"), "{m}");
    assert!(m.contains("`population.villages` = -5"), "{m}");
}

#[test]
fn an_unknown_choice_is_refused_listing_the_choices() {
    let m = refused_file("unknown_assignment.toml");
    assert!(m.contains("`cadres.assignment` = \"best\""), "{m}");
    assert!(m.contains("\"random\", \"matched\""), "{m}");
}

#[test]
fn a_toml_syntax_error_is_refused_with_its_position() {
    let m = refused_file("syntax_error.toml");
    assert!(m.contains("syntax_error.toml:3:"), "{m}");
    assert!(m.contains("invalid TOML"), "{m}");
}

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    let m = refused_file("many_problems.toml");
    assert!(m.contains("has 4 problems"), "{m}");
    for needle in [
        "many_problems.toml:5:16: `cadres.admin_burden` = 1.4",
        "many_problems.toml:6:14: `cadres.assignment` = \"best\"",
        "many_problems.toml:9:1: unknown key `population.vilages`",
        "many_problems.toml:12:21: `policy.deadline_pressure` = -0.2",
    ] {
        assert!(m.contains(needle), "missing {needle:?} in {m}");
    }
}

#[test]
fn an_unreadable_file_is_refused() {
    let m = refused(&["run", "no/such/scenario.toml"]);
    assert!(
        m.contains("cannot read scenario file no/such/scenario.toml"),
        "{m}"
    );
}

#[test]
fn bad_overrides_are_refused_naming_the_override() {
    let m = refused(&[
        "run",
        "--set",
        "cadres.admin_burden=2",
        "--set",
        "nosuch.key=1",
        "--set",
        "badformat",
    ]);
    assert!(m.contains("has 3 problems"), "{m}");
    assert!(
        m.contains("--set cadres.admin_burden=2: `cadres.admin_burden` = 2 is out of range"),
        "{m}"
    );
    assert!(
        m.contains("--set nosuch.key=1: unknown key `nosuch`"),
        "{m}"
    );
    assert!(
        m.contains("--set badformat: expected `key.path=value`"),
        "{m}"
    );
}

#[test]
fn zero_replicates_from_the_command_line_is_refused() {
    let m = refused(&["run", "--replicates", "0"]);
    assert!(m.contains("`simulation.replicates` = 0"), "{m}");
    assert!(m.contains("[1, 10000]"), "{m}");
}

#[test]
fn an_unknown_option_is_a_usage_error() {
    let m = refused(&["run", "--no-such-option"]);
    assert!(m.contains("--no-such-option"), "{m}");
}

#[test]
fn check_reports_problems_with_exit_code_two() {
    let path = fixture("admin_burden_above_one.toml");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(dir.path(), &["check", path.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("admin_burden"));
}
