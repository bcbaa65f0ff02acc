//! The command line end to end: the real binary on real scenario files.

mod common;

use std::fs;

use common::{run_in, scenario, stderr, stdout, SMALL};

const RESULT_FILES: [&str; 5] = [
    "timeseries.csv",
    "annual.csv",
    "summary.json",
    "scenario.toml",
    "manifest.json",
];

fn header(path: &std::path::Path) -> Vec<String> {
    let text = fs::read_to_string(path).expect("csv readable");
    text.lines()
        .next()
        .expect("a header line")
        .split(',')
        .map(String::from)
        .collect()
}

#[test]
fn run_with_no_arguments_writes_the_baseline_results() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(dir.path(), &["run"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let results = dir.path().join("outputs/baseline");
    for file in RESULT_FILES {
        assert!(results.join(file).is_file(), "{file} missing");
    }
    let ts = header(&results.join("timeseries.csv"));
    for column in [
        "replicate",
        "month",
        "households",
        "truly_poor",
        "registered",
        "exits_cum",
        "relapses_cum",
        "new_poor_cum",
        "fake_exits_cum",
        "mean_income_pc",
        "mean_enthusiasm",
        "mean_knowledge",
        "funds_in",
        "funds_spent",
        "funds_leaked",
        "industries_producing",
        "industries_failed",
    ] {
        assert!(
            ts.iter().any(|c| c == column),
            "timeseries.csv lacks {column}"
        );
    }
    let annual = header(&results.join("annual.csv"));
    for column in [
        "replicate",
        "year",
        "registered_start",
        "exits",
        "true_exits",
        "fake_exits",
        "relapses",
        "new_poor",
        "exit_rate",
        "relapse_rate",
        "truly_poor_end",
        "registered_end",
        "sustained_exits",
    ] {
        assert!(
            annual.iter().any(|c| c == column),
            "annual.csv lacks {column}"
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(results.join("manifest.json")).expect("manifest"))
            .expect("json");
    for key in [
        "povsim_version",
        "scenario",
        "seed",
        "replicates",
        "command_line",
        "started_at",
        "finished_at",
        "scenario_hash",
    ] {
        assert!(manifest.get(key).is_some(), "manifest lacks {key}");
    }
    assert_eq!(manifest["scenario"]["name"], "baseline");
    assert!(manifest["scenario_hash"]
        .as_str()
        .expect("hash")
        .starts_with("sha256:"));
    // Months are YYYY-MM and the first is January 2014.
    let ts_text = fs::read_to_string(results.join("timeseries.csv")).expect("csv");
    let first = ts_text.lines().nth(1).expect("a data row");
    assert!(first.starts_with("0,2014-01,"), "{first}");
    assert!(stdout(&out).contains("outputs/baseline"));
}

#[test]
fn same_seed_gives_identical_bytes_at_one_two_and_eight_threads_and_on_rerun() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut outputs = Vec::new();
    for (k, threads) in ["1", "2", "8", "2"].iter().enumerate() {
        let out_dir = format!("run{k}");
        let mut args = vec!["run", "--threads", threads, "--out", &out_dir, "--quiet"];
        args.extend_from_slice(&SMALL);
        let out = run_in(dir.path(), &args);
        assert!(out.status.success(), "stderr: {}", stderr(&out));
        outputs.push(out_dir);
    }
    for file in [
        "timeseries.csv",
        "annual.csv",
        "summary.json",
        "scenario.toml",
    ] {
        let reference = fs::read(dir.path().join(&outputs[0]).join(file)).expect("read");
        for other in &outputs[1..] {
            let bytes = fs::read(dir.path().join(other).join(file)).expect("read");
            assert!(
                bytes == reference,
                "{file} differs between {} and {other}",
                outputs[0]
            );
        }
    }
}

#[test]
fn a_different_seed_gives_different_results() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (seed, out) in [("1", "a"), ("2", "b")] {
        let mut args = vec!["run", "--seed", seed, "--out", out, "--quiet"];
        args.extend_from_slice(&SMALL);
        assert!(run_in(dir.path(), &args).status.success());
    }
    let a = fs::read(dir.path().join("a/annual.csv")).expect("a");
    let b = fs::read(dir.path().join("b/annual.csv")).expect("b");
    assert_ne!(a, b);
}

#[test]
fn existing_results_are_refused_without_force_and_replaced_with_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = vec!["run", "--out", "res", "--quiet"];
    args.extend_from_slice(&SMALL);
    assert!(run_in(dir.path(), &args).status.success());
    let marker = dir.path().join("res/annual.csv");
    fs::write(&marker, "earlier results").expect("write marker");

    let refused = run_in(dir.path(), &args);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("already exists"),
        "{}",
        stderr(&refused)
    );
    assert!(stderr(&refused).contains("--force"));
    assert_eq!(
        fs::read_to_string(&marker).expect("marker"),
        "earlier results"
    );

    args.push("--force");
    assert!(run_in(dir.path(), &args).status.success());
    assert_ne!(
        fs::read_to_string(&marker).expect("new results"),
        "earlier results"
    );
    // No staging folder is left behind.
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn a_scenario_file_writes_to_outputs_named_after_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("my_lever.toml");
    fs::write(&file, "[cadres]\nadmin_burden = 0.2\n").expect("write scenario");
    let mut args = vec!["run", "my_lever.toml", "--quiet"];
    args.extend_from_slice(&SMALL);
    let out = run_in(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let resolved =
        fs::read_to_string(dir.path().join("outputs/my_lever/scenario.toml")).expect("resolved");
    assert!(resolved.contains("admin_burden = 0.2"));
    assert!(resolved.contains("name = \"my_lever\""));
}

#[test]
fn set_overrides_reach_the_resolved_scenario_and_the_manifest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = vec![
        "run",
        "--out",
        "o",
        "--quiet",
        "--set",
        "cadres.assignment=matched",
    ];
    args.extend_from_slice(&SMALL);
    assert!(run_in(dir.path(), &args).status.success());
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("o/manifest.json")).expect("manifest"))
            .expect("json");
    assert_eq!(manifest["scenario"]["cadres"]["assignment"], "matched");
    assert_eq!(manifest["scenario"]["simulation"]["replicates"], 3);
    assert!(manifest["overrides"]
        .as_array()
        .expect("list")
        .iter()
        .any(|o| o == "cadres.assignment=matched"));
}

#[test]
fn check_prints_every_parameter_with_defaults_filled_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(
        dir.path(),
        &[
            "check",
            scenario("baseline.toml").to_str().expect("utf8 path"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for section in [
        "[simulation]",
        "[population]",
        "[cadres]",
        "[cadres.mix]",
        "[funding]",
        "[incentives]",
        "[policy]",
        "[shocks]",
        "[industries.tourism]",
    ] {
        assert!(text.contains(section), "check output lacks {section}");
    }
    assert!(text.contains("admin_burden = 0.5"));
    assert!(
        !dir.path().join("outputs").exists(),
        "check must write nothing"
    );
}

#[test]
fn per_village_rows_add_up_to_the_annual_totals() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = vec!["run", "--out", "pv", "--quiet", "--per-village"];
    args.extend_from_slice(&SMALL);
    let out = run_in(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let read = |name: &str| -> Vec<csv::StringRecord> {
        let mut r = csv::Reader::from_path(dir.path().join("pv").join(name)).expect("csv");
        r.records().map(|x| x.expect("row")).collect()
    };
    let villages = read("villages.csv");
    let annual = read("annual.csv");
    // 3 replicates x 7 years x 8 villages (SMALL).
    assert_eq!(villages.len(), 3 * 7 * 8);
    for row in &annual {
        let (replicate, year) = (&row[0], &row[1]);
        let matching: Vec<_> = villages
            .iter()
            .filter(|v| &v[0] == replicate && &v[1] == year)
            .collect();
        assert_eq!(matching.len(), 8);
        let sum = |k: usize| {
            matching
                .iter()
                .map(|v| v[k].parse::<u64>().expect("count"))
                .sum::<u64>()
        };
        // villages.csv columns 16 exits, 21 registered_end, 22 truly_poor_end; annual.csv 3, 11, 10.
        assert_eq!(
            sum(16),
            row[3].parse::<u64>().expect("exits"),
            "exits in {year}"
        );
        assert_eq!(
            sum(21),
            row[11].parse::<u64>().expect("registered_end"),
            "registered in {year}"
        );
        assert_eq!(
            sum(22),
            row[10].parse::<u64>().expect("truly_poor_end"),
            "truly poor in {year}"
        );
    }
    // Without the flag there is no villages.csv.
    let mut args = vec!["run", "--out", "nopv", "--quiet"];
    args.extend_from_slice(&SMALL);
    assert!(run_in(dir.path(), &args).status.success());
    assert!(!dir.path().join("nopv/villages.csv").exists());
}
