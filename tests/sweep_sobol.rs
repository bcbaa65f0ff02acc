//! `povsim sweep` with `[sample] method = "sobol"` on real sweep files: the Saltelli design's
//! outputs, the indices and their intervals in `sensitivity.csv`, resuming and sharding, the
//! warning about an inert swept key, refusals of bad Sobol sweep files; and the bootstrap
//! intervals Morris sweeps gained.

mod common;
mod sweep_helpers;

use std::fs;
use std::path::Path;

use common::{run_in, stderr, stdout};
use sweep_helpers::{run_shards, sweep, sweep_fixture};

fn read(dir: &Path, name: &str) -> Vec<u8> {
    fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
}

fn records(bytes: &[u8]) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| r.expect("valid CSV"))
        .collect()
}

fn header(bytes: &[u8]) -> Vec<String> {
    csv::Reader::from_reader(bytes)
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect()
}

/// One row of `sensitivity.csv` by indicator and parameter, as a map column -> number (NaN for
/// an empty cell).
fn row(bytes: &[u8], indicator: &str, parameter: &str) -> std::collections::HashMap<String, f64> {
    let h = header(bytes);
    let r = records(bytes)
        .into_iter()
        .find(|r| &r[0] == indicator && &r[1] == parameter)
        .unwrap_or_else(|| panic!("no row {indicator} {parameter}"));
    h.iter()
        .zip(r.iter())
        .skip(2)
        .map(|(c, v)| (c.clone(), v.parse().unwrap_or(f64::NAN)))
        .collect()
}

const INERT: &str = "cadres.training_learning_boost";

#[test]
fn a_sobol_sweep_writes_the_saltelli_design_and_indices_with_intervals() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = sweep(tmp.path(), "sobol_small.toml", &["--out", "s", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = tmp.path().join("s");

    // 8 base rows x (3 keys + 2) points, 2 replicates each; each point says where it sits.
    let sweep_csv = read(&dir, "sweep.csv");
    assert_eq!(
        header(&sweep_csv)[..7],
        [
            "point",
            "replicate",
            "row",
            "matrix",
            "cadres.admin_burden",
            INERT,
            "funding.spending_per_person"
        ]
    );
    let points = records(&read(&dir, "points.csv"));
    assert_eq!(points.len(), 40);
    assert_eq!(records(&sweep_csv).len(), 80);
    let mut matrices: Vec<String> = points
        .iter()
        .filter(|r| &r[1] == "3")
        .map(|r| r[2].to_string())
        .collect();
    matrices.sort();
    assert_eq!(matrices, ["A", "AB1", "AB2", "AB3", "B"]);
    // A_B^(1) of a row is A with the first key taken from B.
    let cell = |matrix: &str, k: usize| -> String {
        points
            .iter()
            .find(|r| &r[1] == "3" && &r[2] == matrix)
            .map(|r| r[3 + k].to_string())
            .expect("cell")
    };
    assert_eq!(cell("AB1", 0), cell("B", 0));
    assert_eq!(cell("AB1", 1), cell("A", 1));
    assert_eq!(cell("AB1", 2), cell("A", 2));
    assert_ne!(cell("A", 0), cell("B", 0));

    let sensitivity = read(&dir, "sensitivity.csv");
    assert_eq!(
        header(&sensitivity),
        [
            "indicator",
            "parameter",
            "S1",
            "S1_low",
            "S1_high",
            "ST",
            "ST_low",
            "ST_high",
            "rows"
        ]
    );
    // Three parameters per indicator that varies.
    assert_eq!(records(&sensitivity).len() % 3, 0);
    assert!(records(&sensitivity).len() >= 12);
    for indicator in ["poverty_household_years", "sustained_exits_to_deadline"] {
        // With training off the boost changes nothing: with common random numbers its A_B
        // points give exactly A's values, so both indices and their intervals are 0.
        let inert = row(&sensitivity, indicator, INERT);
        for c in ["S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"] {
            assert_eq!(inert[c], 0.0, "{indicator} {c}");
        }
        assert_eq!(inert["rows"], 8.0);
        // The admin burden matters: a total index well above 0, its interval too, and an
        // interval that brackets a value of plausible size (n = 8 is a coarse estimate).
        let burden = row(&sensitivity, indicator, "cadres.admin_burden");
        assert!(burden["ST"] > 0.2, "{indicator}: {burden:?}");
        assert!(burden["ST_low"] > 0.0, "{indicator}: {burden:?}");
        assert!(burden["ST_low"] <= burden["ST_high"]);
        assert!(burden["S1_low"] <= burden["S1_high"]);
        assert!(burden["ST"] < 3.0 && burden["S1"].abs() < 3.0, "{burden:?}");
        for p in ["cadres.admin_burden", "funding.spending_per_person"] {
            let r = row(&sensitivity, indicator, p);
            // Jansen's total index is a mean of squares: never negative.
            assert!(r["ST"] >= 0.0 && r["ST_low"] >= 0.0, "{p}: {r:?}");
        }
    }
    for indicator in ["poverty_household_years", "relapse_rate_mean"] {
        assert!(dir.join(format!("charts/sobol_{indicator}.png")).exists());
        assert!(dir.join(format!("charts/sobol_{indicator}.svg")).exists());
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&dir, "manifest.json")).expect("manifest");
    assert_eq!(manifest["plan"]["method"], "sobol");
    assert_eq!(manifest["plan"]["bootstrap"], 200);
}

#[test]
fn an_inert_swept_key_is_warned_about_naming_its_switch() {
    let tmp = tempfile::tempdir().expect("temp dir");
    // Even with --quiet, like the warnings of `run`.
    let out = sweep(tmp.path(), "sobol_small.toml", &["--out", "w", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let warning = err
        .lines()
        .find(|l| l.starts_with("warning:") && l.contains(INERT))
        .unwrap_or_else(|| panic!("no warning about {INERT} in\n{err}"));
    assert!(warning.contains("cadres.training = false"), "{warning}");
    // Only the inert key is named.
    assert_eq!(err.lines().filter(|l| l.starts_with("warning:")).count(), 1);
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&tmp.path().join("w"), "manifest.json")).expect("manifest");
    let warnings = manifest["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].as_str().unwrap_or("").contains(INERT));

    // A sweep whose keys are all live warns about nothing.
    let quiet = sweep(tmp.path(), "lhs_small.toml", &["--out", "l", "--quiet"]);
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert!(!stderr(&quiet).contains("warning:"), "{}", stderr(&quiet));
}

#[test]
fn a_sobol_sweep_resumes_and_merges_to_the_bytes_of_one_run_whole_on_one_thread() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = sweep_fixture("sobol_small.toml");
    // Whole on one thread; the others on every core: the bytes do not depend on it.
    let whole = run_in(
        tmp.path(),
        &[
            "sweep",
            &file,
            "--out",
            "whole",
            "--quiet",
            "--threads",
            "1",
        ],
    );
    assert!(whole.status.success(), "{}", stderr(&whole));
    let outputs = ["sweep.csv", "points.csv", "sensitivity.csv"];

    // Interrupted after 7 points, then continued.
    let first = run_in(
        tmp.path(),
        &["sweep", &file, "--out", "part", "--max-points", "7"],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("Run the same command again"));
    assert!(!tmp.path().join("part/sensitivity.csv").exists());
    let rest = run_in(tmp.path(), &["sweep", &file, "--out", "part"]);
    assert!(rest.status.success(), "{}", stderr(&rest));
    assert!(
        stderr(&rest).contains("resuming, 7 points already done"),
        "{}",
        stderr(&rest)
    );

    // Three shards, merged.
    run_shards(tmp.path(), &file, 3, "sharded");
    let merged = run_in(tmp.path(), &["merge", "sharded", "--quiet"]);
    assert!(merged.status.success(), "{}", stderr(&merged));
    // The merge carries the sweep's warning too.
    assert!(stderr(&merged).contains(INERT), "{}", stderr(&merged));

    for f in outputs {
        let expected = read(&tmp.path().join("whole"), f);
        assert_eq!(read(&tmp.path().join("part"), f), expected, "resumed {f}");
        assert_eq!(read(&tmp.path().join("sharded"), f), expected, "merged {f}");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&tmp.path().join("sharded"), "manifest.json"))
            .expect("manifest");
    assert_eq!(manifest["shards"], 3);
    assert_eq!(manifest["warnings"].as_array().map(Vec::len), Some(1));
}

#[test]
fn the_scramble_of_the_design_follows_the_seed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = sweep_fixture("sobol_small.toml");
    let text = fs::read_to_string(&file).expect("fixture");
    let other = tmp.path().join("other_seed.toml");
    fs::write(&other, text.replace("seed = 5", "seed = 6")).expect("write");
    for (f, out) in [(file.as_str(), "a"), (other.to_str().expect("path"), "b")] {
        let o = run_in(tmp.path(), &["sweep", f, "--out", out, "--quiet"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let points = |dir: &str| records(&read(&tmp.path().join(dir), "points.csv"));
    // Another seed scrambles the sequence differently: other sampled values.
    assert_ne!(points("a")[0][3].to_string(), points("b")[0][3].to_string());
}

#[test]
fn bad_sobol_sweep_files_are_refused_per_class_with_nothing_written() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let cases: [(&str, &[&str]); 7] = [
        (
            "sobol_misplaced_keys.toml",
            &[
                "has 4 problems",
                ":6:16: `trajectories` is for method = \"morris\"; Sobol takes `n`",
                ":7:10: `points` is for method = \"lhs\"; Sobol takes `n`",
                ":8:10: `levels` is for method = \"morris\"",
                ":9:1: unknown key `sample.base_samples`; allowed in [sample]: method, points, trajectories, levels, n, bootstrap, ranges",
            ],
        ),
        (
            "sobol_wrong_types.toml",
            &[
                ":5:5: `sample.n` must be a whole number, not a string",
                ":6:13: `sample.bootstrap` must be a whole number, not a float",
            ],
        ),
        (
            "sobol_out_of_range.toml",
            &[
                "has 2 problems",
                ":6:5: `sample.n` = 1 is out of range: allowed a whole number in [2, 65536]",
                ":7:13: `sample.bootstrap` = 10 is out of range: allowed a whole number of resamples in [100, 100000]",
            ],
        ),
        (
            "sobol_n_beyond_the_sequence.toml",
            &[":5:5: `sample.n` = 70000 is out of range: allowed a whole number in [2, 65536]"],
        ),
        (
            "sobol_without_n.toml",
            &[":4:10: method = \"sobol\" needs `n` (a whole number in [2, 65536])"],
        ),
        (
            "sobol_with_too_many_points.toml",
            &["160000 points (`n` = 40000 x (2 keys + 2))", "at most 100000 points"],
        ),
        (
            "n_in_a_latin_hypercube.toml",
            &[
                ":6:5: `n` is for method = \"sobol\"; a Latin hypercube takes `points`",
                ":7:13: `bootstrap` is for method = \"morris\" or \"sobol\"",
            ],
        ),
    ];
    for (name, expected) in cases {
        let out = sweep(tmp.path(), name, &["--out", "bad"]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(name), "{name}: {err}");
        for e in expected {
            assert!(err.contains(e), "{name}: missing {e:?} in\n{err}");
        }
        assert!(!tmp.path().join("bad").exists(), "{name} wrote a folder");
    }
}

#[test]
fn morris_sensitivity_gains_bootstrap_intervals_of_mu_star() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = sweep(tmp.path(), "morris_small.toml", &["--out", "m", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sensitivity = read(&tmp.path().join("m"), "sensitivity.csv");
    // The existing columns keep their order; the interval is appended.
    assert_eq!(
        header(&sensitivity),
        [
            "indicator",
            "parameter",
            "mu_star",
            "mu",
            "sigma",
            "effects",
            "mu_star_low",
            "mu_star_high"
        ]
    );
    let burden = row(
        &sensitivity,
        "poverty_household_years",
        "cadres.admin_burden",
    );
    // A percentile interval of means of |effects| lies within the effects' own range and, for
    // an influential parameter with 4 trajectories, above 0 and around mu*.
    assert!(burden["mu_star_low"] > 0.0, "{burden:?}");
    assert!(
        burden["mu_star_low"] <= burden["mu_star"] * 1.0001,
        "{burden:?}"
    );
    assert!(
        burden["mu_star_high"] >= burden["mu_star"] * 0.9999,
        "{burden:?}"
    );
    assert!(burden["mu_star_high"] > burden["mu_star_low"], "{burden:?}");
    let inert = row(&sensitivity, "poverty_household_years", INERT);
    assert_eq!((inert["mu_star_low"], inert["mu_star_high"]), (0.0, 0.0));
    // The Morris sweep warns about the inert key too.
    assert!(stderr(&out).contains(INERT), "{}", stderr(&out));
}

#[test]
fn force_replacing_a_sobol_sweep_removes_its_charts() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let first = sweep(tmp.path(), "sobol_small.toml", &["--out", "f", "--quiet"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let charts = tmp.path().join("f/charts");
    assert!(charts.join("sobol_poverty_household_years.svg").exists());
    let other = sweep(
        tmp.path(),
        "lhs_small.toml",
        &["--out", "f", "--quiet", "--force"],
    );
    assert!(other.status.success(), "{}", stderr(&other));
    let left: Vec<String> = fs::read_dir(&charts)
        .expect("charts")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("sobol_"))
        .collect();
    assert!(left.is_empty(), "stale Sobol charts: {left:?}");
}
