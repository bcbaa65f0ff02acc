//! `povsim compare --posterior`: posterior-predictive comparisons, end to end on the real binary.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{fixture, run_in, scenario, snapshot, stderr, SMALL};

/// Path as text.
fn text(path: &Path) -> &str {
    path.to_str().expect("utf8 path")
}

/// `args` followed by the small-world overrides.
fn small(mut args: Vec<String>) -> Vec<String> {
    args.extend(SMALL.iter().map(|s| s.to_string()));
    args
}

/// Run povsim in `dir` and insist on success.
fn ok(dir: &Path, args: &[String]) -> std::process::Output {
    let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let out = run_in(dir, &refs);
    assert!(out.status.success(), "{:?}\n{}", args, stderr(&out));
    out
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A posterior file with one column `key` and the given values, equal weights unless `weights`.
fn write_posterior(path: &Path, key: &str, values: &[&str], weights: Option<&[f64]>) {
    let mut text = format!("# written by the test\nparticle,weight,distance,{key}\n");
    for (k, v) in values.iter().enumerate() {
        let w = weights.map_or(1.0 / values.len() as f64, |w| w[k]);
        text.push_str(&format!("{k},{w},{}.5,{v}\n", k));
    }
    fs::write(path, text).expect("write posterior");
}

/// comparison.csv as indicator -> column -> value.
fn comparison(path: &Path) -> BTreeMap<String, BTreeMap<String, f64>> {
    let mut reader = csv::Reader::from_path(path).expect("comparison.csv");
    let headers = reader.headers().expect("header").clone();
    let mut out = BTreeMap::new();
    for row in reader.records() {
        let row = row.expect("row");
        let mut values = BTreeMap::new();
        for (h, v) in headers.iter().zip(row.iter()) {
            if let Ok(x) = v.parse::<f64>() {
                values.insert(h.to_string(), x);
            }
        }
        out.insert(row[2].to_string(), values);
    }
    out
}

fn manifest(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).expect("manifest")).expect("json")
}

/// The master seed of each draw, from the manifest.
fn draw_seeds(manifest: &serde_json::Value) -> Vec<u64> {
    manifest["posterior"]["draws"]
        .as_array()
        .expect("draws")
        .iter()
        .map(|d| d["seed"].as_u64().expect("seed"))
        .collect()
}

#[test]
fn a_posterior_at_the_defaults_gives_plain_compare_with_each_draws_seed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let post = dir.path().join("post.csv");
    // Three particles, all at the defaults, with uneven weights and two keys.
    let defaults = povsim::params::Params::default();
    let (rate, noise) = (
        defaults.economy.return_rate,
        defaults.identification.measurement_noise,
    );
    fs::write(
        &post,
        format!(
            "particle,weight,distance,economy.return_rate,identification.measurement_noise\n\
             4,0.2,1.5,{rate},{noise}\n9,0.3,1.2,{rate},{noise}\n11,0.5,0.9,{rate},{noise}\n"
        ),
    )
    .expect("write");
    let (base, relief) = (
        scenario("baseline.toml"),
        scenario("admin_burden_relief.toml"),
    );
    let pair = [text(&base), text(&relief)];
    let mut all = BTreeMap::new();
    for draws in ["1", "2"] {
        let out_dir = format!("p{draws}");
        let mut args = strings(&["compare", "--posterior", text(&post), "--draws", draws]);
        args.extend(strings(&pair));
        args.extend(strings(&["--out", &out_dir, "--quiet", "--seed", "7"]));
        ok(dir.path(), &small(args));
        let m = manifest(&dir.path().join(&out_dir).join("manifest.json"));
        assert_eq!(
            m["posterior"]["draws"].as_array().expect("draws").len(),
            draws.parse::<usize>().expect("n")
        );
        all.insert(
            draws,
            (
                comparison(&dir.path().join(&out_dir).join("comparison.csv")),
                m,
            ),
        );
    }
    let seeds = draw_seeds(&all["2"].1);
    assert_eq!(
        draw_seeds(&all["1"].1)[0],
        seeds[0],
        "draw 0's seed does not depend on --draws"
    );
    assert_ne!(seeds[0], seeds[1], "draws differ in luck");
    // Plain comparisons with each draw's seed.
    let mut plain = Vec::new();
    for (d, seed) in seeds.iter().enumerate() {
        let out_dir = format!("plain{d}");
        let mut args = strings(&["compare"]);
        args.extend(strings(&pair));
        args.extend(strings(&[
            "--out",
            &out_dir,
            "--quiet",
            "--seed",
            &seed.to_string(),
        ]));
        ok(dir.path(), &small(args));
        plain.push(comparison(
            &dir.path().join(&out_dir).join("comparison.csv"),
        ));
    }
    // One draw: every column a plain comparison has is the same, bit for bit.
    let one = &all["1"].0;
    assert_eq!(one.len(), plain[0].len());
    for (indicator, row) in &plain[0] {
        for (column, value) in row {
            assert_eq!(one[indicator][column], *value, "{indicator} {column}");
        }
        assert!(one[indicator]["pp_low"] <= one[indicator]["difference"] + 1e-9);
        assert!(one[indicator]["pp_high"] >= one[indicator]["difference"] - 1e-9);
    }
    // Two draws: the mean difference is the mean of the two plain comparisons' (equal pairs).
    let two = &all["2"].0;
    let mut checked = 0;
    for (indicator, row) in two {
        let (a, b) = (&plain[0][indicator], &plain[1][indicator]);
        if row["pairs"] != a["pairs"] + b["pairs"] || a["pairs"] != b["pairs"] {
            continue;
        }
        for column in ["difference", "scenario_mean", "reference_mean"] {
            let expected = (a[column] + b[column]) / 2.0;
            assert!(
                (row[column] - expected).abs() <= 1e-9 * (1.0 + expected.abs()),
                "{indicator} {column}: {} vs {expected}",
                row[column]
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} indicators had every pair");
}

/// Width of the 5-95% posterior-predictive band of an indicator.
fn band_width(rows: &BTreeMap<String, BTreeMap<String, f64>>, indicator: &str) -> f64 {
    rows[indicator]["pp_high"] - rows[indicator]["pp_low"]
}

#[test]
fn spread_in_a_parameter_that_matters_widens_the_predictive_band() {
    // Measurement noise decides how many households the standard exit rule lets out by error,
    // and so how much the strict rule (third-party check, 12 months above 1.1 x the line)
    // changes: uncertain noise must widen the band of that effect.
    let dir = tempfile::tempdir().expect("temp dir");
    let degenerate = dir.path().join("degenerate.csv");
    let spread = dir.path().join("spread.csv");
    let noise = |k: usize| format!("{:.2}", 0.05 * k as f64);
    let spread_values: Vec<String> = (0..10).map(noise).collect();
    let spread_refs: Vec<&str> = spread_values.iter().map(|s| s.as_str()).collect();
    write_posterior(
        &degenerate,
        "identification.measurement_noise",
        &["0.21"; 10],
        None,
    );
    write_posterior(
        &spread,
        "identification.measurement_noise",
        &spread_refs,
        None,
    );
    let (base, strict) = (scenario("baseline.toml"), scenario("strict_exit.toml"));
    let mut rows = BTreeMap::new();
    for (name, post) in [("degenerate", &degenerate), ("spread", &spread)] {
        let mut args = strings(&["compare", "--posterior", text(post), "--draws", "10"]);
        args.extend(strings(&[
            text(&base),
            text(&strict),
            "--out",
            name,
            "--quiet",
        ]));
        ok(dir.path(), &small(args));
        rows.insert(
            name,
            comparison(&dir.path().join(name).join("comparison.csv")),
        );
    }
    for (indicator, factor) in [("sustained_exits_to_deadline", 1.6), ("fake_exits", 1.3)] {
        let (d, s) = (
            band_width(&rows["degenerate"], indicator),
            band_width(&rows["spread"], indicator),
        );
        assert!(d > 0.0, "{indicator}: luck alone gives a band");
        assert!(
            s > factor * d,
            "{indicator}: spread band {s} not wider than {factor} x degenerate {d}"
        );
    }
    // Both posteriors share the draw seeds: only the parameter differs.
    let seeds = |name: &str| draw_seeds(&manifest(&dir.path().join(name).join("manifest.json")));
    assert_eq!(seeds("degenerate"), seeds("spread"));
}

#[test]
fn a_key_the_scenario_sets_itself_wins_over_the_posterior_with_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let post = dir.path().join("post.csv");
    write_posterior(&post, "cadres.admin_burden", &["0.9"], None);
    let (base, relief) = (
        scenario("baseline.toml"),
        scenario("admin_burden_relief.toml"),
    );
    let mut args = strings(&["compare", "--posterior", text(&post), "--draws", "1"]);
    args.extend(strings(&[
        text(&base),
        text(&relief),
        "--out",
        "p",
        "--quiet",
        "--report",
    ]));
    let out = ok(dir.path(), &small(args));
    let html = fs::read_to_string(dir.path().join("p/report.html")).expect("report.html");
    assert!(
        html.contains("<th>5-95% posterior-predictive band</th>"),
        "report table"
    );
    let err = stderr(&out);
    assert!(
        err.contains("warning:")
            && err.contains("admin_burden_relief.toml")
            && err.contains("`cadres.admin_burden` = 0.2"),
        "{err}"
    );
    assert!(
        !err.contains("baseline.toml: `cadres"),
        "the baseline copy pins nothing: {err}"
    );
    let m = manifest(&dir.path().join("p/manifest.json"));
    let kept = &m["posterior"]["kept_from_posterior"];
    assert_eq!(kept[0]["keys"].as_array().expect("list").len(), 0);
    assert_eq!(kept[1]["keys"][0], "cadres.admin_burden");
    assert_eq!(m["posterior"]["draws"][0]["particle"], 0);
    let seed = draw_seeds(&m)[0].to_string();
    // The reference ran with the posterior's 0.9, the relief with its own 0.2: each scenario's
    // tables equal `run` with those values and the draw's seed.
    let runs = [
        (text(&base), Some("cadres.admin_burden=0.9"), "baseline"),
        (text(&relief), None, "admin_burden_relief"),
    ];
    for (file, set, name) in runs {
        let mut args = strings(&["run", file, "--seed", &seed, "--out", name, "--quiet"]);
        if let Some(set) = set {
            args.extend(strings(&["--set", set]));
        }
        ok(dir.path(), &small(args));
        for table in ["annual.csv", "timeseries.csv"] {
            let a = fs::read(dir.path().join(name).join(table)).expect("run table");
            let b = fs::read(dir.path().join("p").join(name).join(table)).expect("compare table");
            assert!(a == b, "{name}/{table} differs from the plain run");
        }
    }
}

/// Every file of a results folder but the manifest, and the manifest without what is allowed
/// to differ between runs (times, threads, the command line).
fn folder_contents(dir: &Path) -> (BTreeMap<std::path::PathBuf, Vec<u8>>, serde_json::Value) {
    let mut files = snapshot(dir);
    let mut m: serde_json::Value =
        serde_json::from_slice(&files.remove(Path::new("manifest.json")).expect("manifest"))
            .expect("json");
    for key in ["started_at", "finished_at", "threads", "command_line"] {
        m.as_object_mut().expect("object").remove(key);
    }
    (files, m)
}

#[test]
fn results_are_byte_identical_at_one_and_four_threads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let post = dir.path().join("post.csv");
    write_posterior(
        &post,
        "economy.return_rate",
        &["0.001", "0.0022", "0.004", "0.008"],
        Some(&[0.1, 0.4, 0.3, 0.2]),
    );
    let (base, strict) = (scenario("baseline.toml"), scenario("strict_exit.toml"));
    for threads in ["1", "4"] {
        let mut args = strings(&["compare", "--posterior", text(&post), "--draws", "5"]);
        args.extend(strings(&[
            text(&base),
            text(&strict),
            "--quiet",
            "--threads",
            threads,
        ]));
        args.extend(strings(&["--out", &format!("t{threads}")]));
        ok(dir.path(), &small(args));
    }
    let (files1, m1) = folder_contents(&dir.path().join("t1"));
    let (files4, m4) = folder_contents(&dir.path().join("t4"));
    assert_eq!(
        files1.keys().collect::<Vec<_>>(),
        files4.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &files1 {
        assert!(bytes == &files4[path], "{} differs", path.display());
    }
    assert_eq!(m1, m4);
    for file in [
        "comparison.csv",
        "comparison.json",
        "draws.csv",
        "charts/compare_differences.svg",
    ] {
        assert!(files1.contains_key(Path::new(file)), "{file} written");
    }
    assert_eq!(m1["posterior"]["draws"].as_array().expect("draws").len(), 5);
    assert!(m1["posterior"]["sha256"]
        .as_str()
        .expect("hash")
        .starts_with("sha256:"));
    // The chart shows the wider band beside the 95% CI.
    let svg =
        String::from_utf8_lossy(&files1[Path::new("charts/compare_differences.svg")]).into_owned();
    assert!(
        svg.contains("posterior-predictive band"),
        "legend names the band"
    );
}

/// (fixture, line, column, words the message must hold).
const BAD: [(&str, usize, usize, &str); 9] = [
    ("bad_header.csv", 2, 10, "expected `weight`"),
    ("unknown_key.csv", 1, 26, "not a scenario key"),
    ("string_key.csv", 1, 26, "not a numeric parameter"),
    ("non_numeric.csv", 4, 11, "not a finite number"),
    ("negative_weight.csv", 2, 3, "negative"),
    ("zero_weights.csv", 1, 10, "sum to 0"),
    ("out_of_range.csv", 3, 11, "out of range"),
    ("fractional_integer.csv", 2, 9, "whole number"),
    ("short_row.csv", 3, 16, "cells"),
];

#[test]
fn bad_posterior_files_are_refused_per_class_with_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = scenario("baseline.toml");
    let refuse = |post: &str, scenario: &str| {
        let mut args = strings(&["compare", "--posterior", post, text(&base), scenario]);
        args.extend(strings(&["--out", "never"]));
        let args = small(args);
        let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        let out = run_in(dir.path(), &refs);
        assert_eq!(out.status.code(), Some(2), "{post}: {}", stderr(&out));
        assert!(
            !dir.path().join("never").exists(),
            "{post}: nothing written"
        );
        stderr(&out)
    };
    for (name, line, column, words) in BAD {
        let path = fixture(&format!("posterior/{name}"));
        let err = refuse(text(&path), text(&base));
        let at = format!("{}:{line}:{column}:", text(&path));
        assert!(err.contains(&at), "{name}: expected {at} in\n{err}");
        assert!(err.contains(words), "{name}: expected {words:?} in\n{err}");
    }
    // A missing file names itself.
    let err = refuse("no_such_posterior.csv", text(&base));
    assert!(
        err.contains("no_such_posterior.csv") && err.contains("cannot read"),
        "{err}"
    );
    // Values fine on the defaults but not with a scenario (five villages, six counties): refused
    // before anything runs, at the particle's cell, naming the scenario. The small world's
    // `--set population.villages` would win over the posterior, so it is left out here.
    let post = fixture("posterior/villages_five.csv");
    let six = fixture("posterior/six_counties.toml");
    let args = strings(&[
        "compare",
        "--posterior",
        text(&post),
        text(&base),
        text(&six),
        "--out",
        "never",
    ]);
    let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let out = run_in(dir.path(), &refs);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:2:9:", text(&post))), "{err}");
    assert!(
        err.contains("does not fit scenario") && err.contains("six_counties.toml"),
        "{err}"
    );
    assert!(!dir.path().join("never").exists());
    // --draws needs --posterior.
    let out = run_in(
        dir.path(),
        &["compare", "--draws", "3", text(&base), text(&base)],
    );
    assert_eq!(out.status.code(), Some(2));
}
