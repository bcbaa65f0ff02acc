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

#[test]
fn a_yearly_series_with_one_value_is_refused_saying_how_many_years_are_needed() {
    let m = refused_file("series_with_one_value.toml");
    assert!(m.contains("series_with_one_value.toml:4:16:"), "{m}");
    assert!(
        m.contains("`economy.poverty_line` = [2800] (1 value)"),
        "{m}"
    );
    assert!(
        m.contains("allowed 7 values, one per year 2014-2020"),
        "{m}"
    );
    assert!(m.contains("the run ends in 2025"), "{m}");
}

#[test]
fn a_funding_schedule_with_two_values_is_refused() {
    let m = refused_file("schedule_with_two_values.toml");
    assert!(m.contains("schedule_with_two_values.toml:4:12:"), "{m}");
    assert!(
        m.contains("`funding.schedule` = [0.9, 1] (2 values)"),
        "{m}"
    );
    assert!(
        m.contains("allowed 7 values, one per year 2014-2020"),
        "{m}"
    );
}

#[test]
fn cadres_arriving_after_the_run_ends_are_refused_with_the_way_to_switch_them_off() {
    let m = refused_file("cadre_start_after_run_ends.toml");
    assert!(m.contains("cadre_start_after_run_ends.toml:6:14:"), "{m}");
    assert!(m.contains("`cadres.start_year` = 2022"), "{m}");
    assert!(m.contains("a year up to 2018, the run's last year"), "{m}");
    assert!(m.contains("set cadres.enabled = false"), "{m}");
}

#[test]
fn a_constraint_between_two_keys_points_at_the_key_the_user_set() {
    let m = refused_file("fewer_villages_than_counties.toml");
    assert!(m.contains("fewer_villages_than_counties.toml:4:12:"), "{m}");
    assert!(
        m.contains("`population.counties` = 4 (the default, limited by `population.villages`)"),
        "{m}"
    );
    assert!(m.contains("[1, 2]"), "{m}");
    assert!(!m.contains("default:"), "not located at a default: {m}");
    assert!(!m.contains("built-in baseline"), "not in the baseline: {m}");
}

#[test]
fn the_same_constraint_from_an_override_names_the_override() {
    let m = refused(&["run", "--set", "population.villages=2"]);
    assert!(
        m.contains("--set population.villages=2: `population.counties` = 4"),
        "{m}"
    );
    assert!(!m.contains("default:"), "{m}");
    assert!(!m.contains("<built-in baseline>:"), "{m}");
}

#[test]
fn zero_villages_is_reported_at_the_villages_line_only() {
    let m = refused_file("zero_villages.toml");
    assert!(m.contains("has 1 problem"), "{m}");
    assert!(
        m.contains("zero_villages.toml:4:12: `population.villages` = 0"),
        "{m}"
    );
    assert!(!m.contains("counties"), "{m}");
}

#[test]
fn a_funding_index_that_would_overflow_is_refused() {
    let m = refused_file("funding_schedule_overflow.toml");
    assert!(m.contains("funding_schedule_overflow.toml:4:12:"), "{m}");
    assert!(m.contains("(value 1 is 1e308)"), "{m}");
    assert!(m.contains("in [0, 100]"), "{m}");
}

#[test]
fn a_world_too_large_to_allocate_is_refused_with_the_limit_and_the_size() {
    let m = refused_file("world_too_large.toml");
    assert!(m.contains("world_too_large.toml:4:12:"), "{m}");
    assert!(
        m.contains("1000000 villages x 10000 households = 10000000000"),
        "{m}"
    );
    assert!(
        m.contains("at most 40000000 households in one world"),
        "{m}"
    );
}

#[test]
fn too_many_household_replicates_are_refused_at_the_override() {
    let m = refused(&[
        "run",
        "--set",
        "population.villages=100000",
        "--replicates",
        "200",
    ]);
    assert!(m.contains("--set simulation.replicates=200:"), "{m}");
    assert!(m.contains("at most 4000000000 household-replicates"), "{m}");
}

#[test]
fn unbounded_contacts_per_effort_are_refused() {
    let m = refused_file("contacts_per_effort_unbounded.toml");
    assert!(
        m.contains("contacts_per_effort_unbounded.toml:4:23:"),
        "{m}"
    );
    assert!(m.contains("`channels.contacts_per_effort` = 1e15"), "{m}");
    assert!(m.contains("[0, 1000]"), "{m}");
}

#[test]
fn a_scenario_file_over_one_mebibyte_is_refused_before_parsing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.toml");
    let line = "# padding padding padding padding padding padding padding padding\n";
    std::fs::write(&big, line.repeat((1 << 20) / line.len() + 1)).expect("write");
    let before = common::snapshot(dir.path());
    let out = run_in(dir.path(), &["run", "big.toml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let m = stderr(&out);
    assert!(m.contains("cannot read scenario file big.toml"), "{m}");
    assert!(m.contains("larger than 1048576 bytes (1 MiB)"), "{m}");
    assert_eq!(
        common::snapshot(dir.path()),
        before,
        "nothing written or changed"
    );
}

#[test]
fn a_matched_assignment_with_a_mix_is_accepted_with_a_located_warning() {
    let path = fixture("mix_ignored_under_matched.toml");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(dir.path(), &["check", path.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let m = stderr(&out);
    assert!(
        m.contains(&format!("warning: {}:5:", path.display())),
        "located at [cadres.mix]: {m}"
    );
    assert!(
        m.contains("`cadres.mix` is ignored under `cadres.assignment = \"matched\"`"),
        "{m}"
    );
    assert!(m.contains("set `cadres.assignment = \"random\"`"), "{m}");
}

#[test]
fn check_marks_each_changed_value_with_its_default_and_meaning() {
    let path = fixture("no_description.toml");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(dir.path(), &["check", path.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = common::stdout(&out);
    assert!(
        text.contains("admin_burden = 0.3  # was 0.5 (default); share of cadre effort lost"),
        "{text}"
    );
    assert!(
        text.contains("\nteam_size = 3\n"),
        "defaults stay bare: {text}"
    );
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("# "))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(body.parse::<toml::Table>().is_ok(), "still valid TOML");
}

#[test]
fn a_file_without_description_does_not_borrow_the_baselines() {
    let path = fixture("no_description.toml");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(dir.path(), &["check", path.to_str().expect("utf8")]);
    let text = common::stdout(&out);
    assert!(text.contains("name = \"no_description\""), "{text}");
    assert!(text.contains("description = \"\""), "{text}");
    assert!(
        !text.contains("calibrated to the national 2014-2016 headcount."),
        "{text}"
    );
}

#[test]
fn explain_prints_meaning_unit_range_default_and_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(
        dir.path(),
        &["check", "--explain", "policy.relocation_cost"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = common::stdout(&out);
    for needle in [
        "policy.relocation_cost\n",
        "meaning: yuan per relocated household",
        "unit:    yuan per relocated household",
        "allowed: a number in [0, 1e9]",
        "default: 60000.0",
        "source:  MODEL.md section 7",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
}

#[test]
fn explain_of_an_unknown_key_is_refused_with_close_matches() {
    let m = refused(&["check", "--explain", "cadres.admin_burdn"]);
    assert!(
        m.contains("--explain cadres.admin_burdn: unknown key"),
        "{m}"
    );
    assert!(m.contains("did you mean cadres.admin_burden"), "{m}");
}

/// Every key model v2 removed is refused, in a file and with --set, with exit 2, the file's
/// line, and the sentence saying what replaced it (not the generic "unknown key").
#[test]
fn removed_keys_are_refused_with_what_replaced_them() {
    use povsim::scenario::removed::REMOVED_KEYS;
    assert!(
        REMOVED_KEYS.len() >= 10,
        "model v2 removed more keys than this"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    for gone in REMOVED_KEYS {
        let (section, leaf) = gone.key.rsplit_once('.').expect("dotted key");
        let path = dir.path().join("old.toml");
        std::fs::write(&path, format!("name = \"old\"\n[{section}]\n{leaf} = 1\n")).expect("write");
        let out = run_in(dir.path(), &["check", path.to_str().expect("utf8")]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", gone.key);
        assert!(
            err.contains(&format!(
                "old.toml:3:1: `{}` was removed in model v2: ",
                gone.key
            )) && err.contains(gone.replaced_by),
            "{}: {err}",
            gone.key
        );
        let set = format!("{}=1", gone.key);
        let out = run_in(dir.path(), &["check", "--set", &set]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "--set {}: {err}", gone.key);
        assert!(
            err.contains("was removed in model v2"),
            "--set {}: {err}",
            gone.key
        );
    }
}
