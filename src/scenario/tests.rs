//! End-to-end tests of [`load`](super::load) on a small toy parameter type
//! with nested tables, a map-like table, an enum, numbers, a bool and an array.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    load, load_with_warnings, to_toml, Advice, Location, Problem, RangeProblem, ScenarioError,
    Source, Validate,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Toy {
    seed: u32,
    verbose: bool,
    name: String,
    weights: Vec<f64>,
    population: Population,
    cadres: Cadres,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Population {
    villages: u32,
    households_per_village: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Cadres {
    admin_burden: f64,
    assignment: Assignment,
    mix: BTreeMap<String, f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Assignment {
    Random,
    Matched,
}

impl Default for Toy {
    fn default() -> Self {
        Self {
            seed: 7,
            verbose: false,
            name: "baseline".to_owned(),
            weights: vec![0.2, 0.3, 0.5],
            population: Population::default(),
            cadres: Cadres::default(),
        }
    }
}

impl Default for Population {
    fn default() -> Self {
        Self {
            villages: 3,
            households_per_village: 40,
        }
    }
}

impl Default for Cadres {
    fn default() -> Self {
        let mix = [("local", 0.2), ("veteran", 0.3), ("young_graduate", 0.5)];
        Self {
            admin_burden: 0.4,
            assignment: Assignment::Random,
            mix: mix.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
        }
    }
}

impl Validate for Toy {
    fn validate(&self) -> Vec<RangeProblem> {
        let mut problems = Vec::new();
        let burden = self.cadres.admin_burden;
        if !(0.0..=1.0).contains(&burden) {
            problems.push(RangeProblem::new(
                "cadres.admin_burden",
                burden.to_string(),
                "a number in [0, 1]",
            ));
        }
        let total: f64 = self.cadres.mix.values().sum();
        if (total - 1.0).abs() > 1e-9 {
            problems.push(RangeProblem::new(
                "cadres.mix",
                format!("shares summing to {total}"),
                "shares summing to 1",
            ));
        }
        let villages = self.population.villages as usize;
        if self.weights.len() != villages {
            problems.push(
                RangeProblem::new(
                    "weights",
                    format!("{} weights", self.weights.len()),
                    format!("one weight per village ({villages})"),
                )
                .depending_on("population.villages"),
            );
        }
        problems
    }

    fn warnings(&self) -> Vec<Advice> {
        match self.cadres.assignment {
            Assignment::Matched => vec![Advice::new("cadres.mix", "the mix is ignored")],
            Assignment::Random => Vec::new(),
        }
    }
}

fn file(text: &str) -> Source {
    Source::new("scen.toml", text)
}

fn sets(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

/// Loads and expects failure; returns the problems.
fn problems(source: &Source, overrides: &[&str]) -> Vec<Problem> {
    load::<Toy>(source, &sets(overrides))
        .expect_err("expected problems")
        .problems()
        .to_vec()
}

fn only_problem(source: &Source, overrides: &[&str]) -> Problem {
    let mut all = problems(source, overrides);
    assert_eq!(all.len(), 1, "expected exactly one problem: {all:#?}");
    all.remove(0)
}

fn at(line: usize, column: usize) -> Location {
    Location::File { line, column }
}

fn error_of(source: &Source, overrides: &[&str]) -> Option<ScenarioError> {
    load::<Toy>(source, &sets(overrides)).err()
}

#[test]
fn empty_and_baseline_sources_give_the_defaults() {
    assert_eq!(load::<Toy>(&file(""), &[]), Ok(Toy::default()));
    assert_eq!(load::<Toy>(&Source::baseline(), &[]), Ok(Toy::default()));
}

#[test]
fn valid_partial_file_resolves_with_defaults() {
    let text = "seed = 11\n\n[cadres]\nassignment = \"matched\"\n\n[cadres.mix]\nlocal = 0.1\nveteran = 0.4\n";
    let mut expected = Toy {
        seed: 11,
        ..Toy::default()
    };
    expected.cadres.assignment = Assignment::Matched;
    expected.cadres.mix.insert("local".to_owned(), 0.1);
    expected.cadres.mix.insert("veteran".to_owned(), 0.4);
    assert_eq!(load::<Toy>(&file(text), &[]), Ok(expected));
}

#[test]
fn unknown_top_level_key_lists_allowed_keys() {
    let problem = only_problem(&file("seed = 1\nsede = 2\n"), &[]);
    assert_eq!(problem.location(), &at(2, 1));
    assert_eq!(problem.path(), "sede");
    assert_eq!(
        problem.message(),
        "unknown key `sede`; allowed top-level keys: seed, verbose, name, weights, population, cadres"
    );
}

#[test]
fn unknown_nested_key_lists_sibling_keys_in_declared_order() {
    let problem = only_problem(&file("[population]\nvilages = 4\n"), &[]);
    assert_eq!(problem.location(), &at(2, 1));
    assert_eq!(problem.path(), "population.vilages");
    assert_eq!(
        problem.message(),
        "unknown key `population.vilages`; allowed keys in [population]: villages, households_per_village"
    );
}

#[test]
fn unknown_key_in_map_like_table() {
    let problem = only_problem(&file("cadres.mix.elder = 0.1\n"), &[]);
    assert_eq!(problem.location(), &at(1, 12));
    assert_eq!(
        problem.message(),
        "unknown key `cadres.mix.elder`; allowed keys in [cadres.mix]: local, veteran, young_graduate"
    );
}

#[test]
fn wrong_types_name_the_expected_type() {
    let text = "verbose = \"yes\"\nname = 3\npopulation = 5\n[cadres]\nadmin_burden = \"high\"\n";
    let all = problems(&file(text), &[]);
    let messages: Vec<_> = all.iter().map(Problem::message).collect();
    assert_eq!(
        messages,
        [
            "`verbose` = \"yes\" has the wrong type: expected true or false, found a string",
            "`name` = 3 has the wrong type: expected a string, found an integer",
            "`population` = 5 has the wrong type: expected a table, found an integer",
            "`cadres.admin_burden` = \"high\" has the wrong type: expected a number, found a string",
        ]
    );
    assert_eq!(all[0].location(), &at(1, 11));
    assert_eq!(all[3].location(), &at(5, 16));
}

#[test]
fn table_where_a_value_is_expected() {
    let problem = only_problem(&file("[cadres.admin_burden]\nx = 1\n"), &[]);
    assert_eq!(problem.path(), "cadres.admin_burden");
    assert_eq!(
        problem.message(),
        "`cadres.admin_burden` has the wrong type: expected a number, found a table"
    );
}

#[test]
fn integer_is_accepted_where_a_float_is_expected() {
    let text = "weights = [1, 0, 0]\n[cadres]\nadmin_burden = 1\n";
    let toy = load::<Toy>(&file(text), &[]);
    assert_eq!(toy.as_ref().map(|t| t.cadres.admin_burden), Ok(1.0));
    assert_eq!(toy.map(|t| t.weights), Ok(vec![1.0, 0.0, 0.0]));
}

#[test]
fn float_is_refused_where_an_integer_is_expected() {
    let problem = only_problem(&file("[population]\nvillages = 2.5\n"), &[]);
    assert_eq!(problem.location(), &at(2, 12));
    assert_eq!(
        problem.message(),
        "`population.villages` = 2.5 has the wrong type: expected an integer, found a float"
    );
}

#[test]
fn array_elements_are_checked() {
    let problem = only_problem(&file("weights = [0.5, \"x\", 0.5]\n"), &[]);
    assert_eq!(problem.location(), &at(1, 17));
    assert_eq!(problem.path(), "weights[1]");
    assert_eq!(
        problem.message(),
        "`weights[1]` = \"x\" has the wrong type: expected a number, found a string"
    );
}

#[test]
fn bad_enum_string_lists_the_variants() {
    let problem = only_problem(&file("[cadres]\nassignment = \"best\"\n"), &[]);
    assert_eq!(problem.location(), &at(2, 14));
    assert_eq!(problem.path(), "cadres.assignment");
    assert_eq!(
        problem.message(),
        "`cadres.assignment` = \"best\" is not allowed: expected one of \"random\", \"matched\""
    );
}

#[test]
fn negative_count_is_refused_by_serde() {
    let problem = only_problem(&file("seed = -3\n"), &[]);
    assert_eq!(problem.location(), &at(1, 8));
    assert!(problem
        .message()
        .starts_with("`seed` = -3 is not allowed: "));
    assert!(problem.message().contains("u32"), "{}", problem.message());
}

#[test]
fn several_problems_are_reported_at_once_in_file_order() {
    let text = "\
seed = 1.5
[population]
vilages = 4
[cadres]
assignment = \"best\"
admin_burden = 1.4
mix.young_graduate = \"half\"
";
    let all = problems(&file(text), &["verbose=maybe"]);
    let summary: Vec<_> = all
        .iter()
        .map(|p| (p.location().to_string(), p.path().to_owned()))
        .collect();
    let expected = [
        ("1:8", "seed"),
        ("3:1", "population.vilages"),
        ("5:14", "cadres.assignment"),
        ("6:16", "cadres.admin_burden"),
        ("7:22", "cadres.mix.young_graduate"),
        ("--set verbose=maybe", "verbose"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(l, p)| ((*l).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(summary, expected);
}

#[test]
fn syntax_error_is_reported_with_its_line() {
    let problem = only_problem(&file("seed = 1\nname = \"unterminated\n"), &[]);
    assert!(
        matches!(problem.location(), Location::File { line: 2, .. }),
        "{problem:?}"
    );
    assert_eq!(problem.path(), "");
    assert!(
        problem.message().starts_with("invalid TOML: "),
        "{problem:?}"
    );
}

#[test]
fn several_syntax_errors_and_override_problems_are_reported_together() {
    let all = problems(&file("a = \nb = [1,\n"), &["nope"]);
    assert!(all.len() >= 2, "{all:#?}");
    assert!(matches!(all[0].location(), Location::File { line: 1, .. }));
    assert_eq!(
        all.last().map(Problem::location),
        Some(&Location::Override("nope".to_owned()))
    );
}

#[test]
fn numeric_and_bare_word_overrides_apply() {
    let overrides = sets(&[
        "seed=42",
        "cadres.assignment=matched",
        "cadres.admin_burden = 0.25",
        "name=village study",
        "verbose=true",
        "weights=[0.1, 0.2, 0.7]",
    ]);
    let toy = load::<Toy>(&file("seed = 1\n"), &overrides);
    let mut expected = Toy {
        seed: 42,
        name: "village study".to_owned(),
        verbose: true,
        weights: vec![0.1, 0.2, 0.7],
        ..Toy::default()
    };
    expected.cadres.assignment = Assignment::Matched;
    expected.cadres.admin_burden = 0.25;
    assert_eq!(toy, Ok(expected));
}

#[test]
fn number_like_override_of_a_string_stays_a_string() {
    let toy = load::<Toy>(&file(""), &sets(&["name=2024"]));
    assert_eq!(toy.map(|t| t.name), Ok("2024".to_owned()));
}

#[test]
fn later_override_wins() {
    let toy = load::<Toy>(&file("seed = 1\n"), &sets(&["seed=2", "seed=3"]));
    assert_eq!(toy.map(|t| t.seed), Ok(3));
}

#[test]
fn override_with_unknown_key() {
    let problem = only_problem(&file(""), &["population.vilages=4"]);
    assert_eq!(
        problem.location(),
        &Location::Override("population.vilages=4".to_owned())
    );
    assert_eq!(
        problem.message(),
        "unknown key `population.vilages`; allowed keys in [population]: villages, households_per_village"
    );
}

#[test]
fn override_with_wrong_type_and_bad_enum() {
    let all = problems(&file(""), &["seed=high", "cadres.assignment=best"]);
    let messages: Vec<_> = all.iter().map(Problem::message).collect();
    assert_eq!(
        messages,
        [
            "`seed` = \"high\" has the wrong type: expected an integer, found a string",
            "`cadres.assignment` = \"best\" is not allowed: expected one of \"random\", \"matched\"",
        ]
    );
}

#[test]
fn malformed_overrides_are_reported() {
    let all = problems(&file(""), &["seed", "=3", "a..b=1", "weights[0]=1"]);
    let messages: Vec<_> = all.iter().map(Problem::message).collect();
    assert_eq!(
        messages,
        [
            "expected `key.path=value`, e.g. `--set cadres.admin_burden=0.3`",
            "the key before `=` is empty; expected `key.path=value`",
            "invalid key `a..b`: a key part is empty (check for `..` or a trailing `.`)",
            "`weights[0]`: array elements cannot be set one by one; set the whole array, e.g. `--set weights=[...]`",
        ]
    );
    assert_eq!(all[0].location(), &Location::Override("seed".to_owned()));
}

#[test]
fn display_shows_header_and_one_line_per_problem() {
    let text = "[population]\nvilages = 4\n[cadres]\nadmin_burden = 1.4\n";
    let shown = error_of(&file(text), &["cadres.assignment=best"]).map(|e| e.to_string());
    let expected = "\
scenario scen.toml has 3 problems:
  scen.toml:2:1: unknown key `population.vilages`; allowed keys in [population]: villages, households_per_village
  scen.toml:4:16: `cadres.admin_burden` = 1.4 is out of range: allowed a number in [0, 1]
  --set cadres.assignment=best: `cadres.assignment` = \"best\" is not allowed: expected one of \"random\", \"matched\"";
    assert_eq!(shown.as_deref(), Some(expected));
}

#[test]
fn display_uses_singular_for_one_problem() {
    let shown = error_of(&file("seed = \"x\"\n"), &[]).map(|e| e.to_string());
    let expected = "scenario scen.toml has 1 problem:\n  scen.toml:1:8: \
                    `seed` = \"x\" has the wrong type: expected an integer, found a string";
    assert_eq!(shown.as_deref(), Some(expected));
}

#[test]
fn range_problem_located_in_the_file() {
    let problem = only_problem(&file("[cadres]\nadmin_burden = 1.4\n"), &[]);
    assert_eq!(problem.location(), &at(2, 16));
    assert_eq!(problem.path(), "cadres.admin_burden");
}

#[test]
fn range_problem_on_a_table_points_at_where_it_was_written() {
    let text = "seed = 1\n[cadres.mix]\nyoung_graduate = 0.9\n";
    let problem = only_problem(&file(text), &[]);
    assert_eq!(problem.location(), &at(2, 9));
    assert_eq!(problem.path(), "cadres.mix");
    assert_eq!(
        problem.message(),
        "`cadres.mix` = shares summing to 1.4 is out of range: allowed shares summing to 1"
    );
}

#[test]
fn range_problem_located_at_the_override() {
    let problem = only_problem(
        &file("[cadres]\nadmin_burden = 0.5\n"),
        &["cadres.admin_burden=2"],
    );
    assert_eq!(
        problem.location(),
        &Location::Override("cadres.admin_burden=2".to_owned())
    );
    let shown = error_of(&file(""), &["cadres.mix.local=0.5"]).map(|e| e.to_string());
    assert_eq!(
        shown.as_deref(),
        Some(
            "scenario scen.toml has 1 problem:\n  --set cadres.mix.local=0.5: \
             `cadres.mix` = shares summing to 1.3 is out of range: allowed shares summing to 1"
        )
    );
}

#[test]
fn a_constraint_broken_by_another_key_is_located_at_that_key() {
    let problem = only_problem(&file("[population]\nvillages = 4\n"), &[]);
    assert_eq!(problem.location(), &at(2, 12));
    assert_eq!(problem.path(), "weights");
    let shown = error_of(&file("[population]\nvillages = 4\n"), &[]).map(|e| e.to_string());
    assert_eq!(
        shown.as_deref(),
        Some(
            "scenario scen.toml has 1 problem:\n  scen.toml:2:12: `weights` = 3 weights (the \
             default, limited by `population.villages`) is out of range: allowed one weight \
             per village (4)"
        )
    );
    let by_override = only_problem(&file(""), &["population.villages=5"]);
    assert_eq!(
        by_override.location(),
        &Location::Override("population.villages=5".to_owned())
    );
}

#[test]
fn a_constraint_is_located_at_the_value_itself_when_the_user_set_it() {
    let text = "weights = [1.0]\n[population]\nvillages = 4\n";
    assert_eq!(only_problem(&file(text), &[]).location(), &at(1, 11));
}

#[test]
fn a_key_written_with_its_default_value_does_not_take_the_blame() {
    let text = "weights = [0.2, 0.3, 0.5]\n[population]\nvillages = 4\n";
    assert_eq!(only_problem(&file(text), &[]).location(), &at(3, 12));
}

#[test]
fn a_value_set_by_an_override_is_blamed_at_the_override() {
    let problem = only_problem(&file(""), &["weights=[0.1, 0.9]"]);
    assert_eq!(
        problem.location(),
        &Location::Override("weights=[0.1, 0.9]".to_owned())
    );
}

#[test]
fn warnings_are_located_at_the_value_the_user_wrote() {
    let text = "[cadres]\nassignment = \"matched\"\n[cadres.mix]\nlocal = 0.5\nveteran = 0.0\n";
    let loaded = load_with_warnings::<Toy>(&file(text), &[]);
    let warnings = loaded.map(|(_, w)| w).unwrap_or_default();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].location(), &at(3, 9));
    assert_eq!(
        warnings[0].render("scen.toml"),
        "scen.toml:3:9: the mix is ignored"
    );
}

#[test]
fn warnings_about_values_left_at_their_default_are_dropped() {
    let unwritten = "[cadres]\nassignment = \"matched\"\n";
    let loaded = load_with_warnings::<Toy>(&file(unwritten), &[]);
    assert_eq!(loaded.map(|(_, w)| w.len()).ok(), Some(0));
    let same = "[cadres]\nassignment = \"matched\"\n[cadres.mix]\nlocal = 0.2\n";
    let loaded = load_with_warnings::<Toy>(&file(same), &[]);
    assert_eq!(loaded.map(|(_, w)| w.len()).ok(), Some(0));
}

#[test]
fn a_text_over_the_size_limit_is_refused_before_parsing() {
    let text = format!("seed = 1\n{}", "#".repeat(super::MAX_SCENARIO_BYTES));
    let problem = only_problem(&file(&text), &[]);
    assert_eq!(problem.location(), &at(1, 1));
    assert!(problem.message().contains("larger than 1048576 bytes"));
}

#[test]
fn to_toml_round_trips() {
    let mut toy = Toy::default();
    toy.cadres.assignment = Assignment::Matched;
    let text = to_toml(&toy).expect("serializable");
    assert!(text.contains("assignment = \"matched\""), "{text}");
    assert_eq!(load::<Toy>(&Source::new("resolved", text), &[]), Ok(toy));
}

#[test]
fn from_file_uses_the_path_as_label() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.toml");
    std::fs::write(&path, "seed = 5\n").expect("write");
    let source = Source::from_file(&path).expect("readable");
    assert_eq!(source.label, path.display().to_string());
    assert_eq!(source.text, "seed = 5\n");
    assert!(Source::from_file(dir.path().join("missing.toml")).is_err());
}

#[test]
fn each_override_is_checked_on_its_own() {
    let all = problems(
        &file(""),
        &["cadres.admin_burden.x=1", "cadres={admin_burden=5}"],
    );
    let shown: Vec<_> = all.iter().map(|p| p.render("scen.toml")).collect();
    assert_eq!(
        shown,
        [
            "--set cadres.admin_burden.x=1: `cadres.admin_burden` has the wrong type: \
             expected a number, found a table",
            "--set cadres={admin_burden=5}: `cadres.admin_burden` = 5 is out of range: \
             allowed a number in [0, 1]",
        ]
    );
}

#[test]
fn oversized_integer_is_refused() {
    let problem = only_problem(&file("seed = 99999999999999999999\n"), &[]);
    assert_eq!(problem.location(), &at(1, 8));
    assert_eq!(
        problem.message(),
        "`seed` = 99999999999999999999 is not allowed: the integer is too large"
    );
}
