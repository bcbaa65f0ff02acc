//! `povsim validate`: the shipped targets by default, zero error against the model's own
//! output, charts and the report's Validation section, and bad targets files refused with
//! file, line, key and what is allowed (exit 2, nothing written).

mod common;

use std::fs;

use common::{fixture, run_in, stderr, stdout, SMALL};

fn validate(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["validate", "-q"];
    args.extend_from_slice(&SMALL);
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

fn rows(path: &std::path::Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(path).expect("validation.csv");
    reader.records().map(|r| r.expect("row")).collect()
}

#[test]
fn shipped_targets_by_default_with_charts_and_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = validate(tmp.path(), &["--out", "v", "--report"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = tmp.path().join("v");
    let shipped = povsim::calib::targets::TargetSet::shipped();
    let table = rows(&dir.join("validation.csv"));
    assert_eq!(table.len(), shipped.targets.len());
    // Both uses appear, every z is finite and the band holds the pooled value's replicates.
    let header = csv::Reader::from_path(dir.join("validation.csv"))
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let uses: Vec<&str> = table.iter().map(|r| &r[col("use")]).collect();
    assert!(uses.contains(&"fit") && uses.contains(&"validation"));
    for r in &table {
        let z: f64 = r[col("z")].parse().expect("z is a number");
        assert!(z.is_finite());
        let (p5, p95): (f64, f64) = (
            r[col("model_p5")].parse().unwrap(),
            r[col("model_p95")].parse().unwrap(),
        );
        assert!(p5 <= p95);
    }
    assert!(dir.join("charts/validation_headcount.svg").is_file());
    assert!(dir.join("charts/validation_headcount.png").is_file());
    let report = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(report.contains("<h2>Validation</h2>"));
    assert!(report.contains("headcount_2017"));
    let manifest = fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"command\": \"validate\""));
    assert!(manifest.contains("\"targets_hash\": \"sha256:"));
}

#[test]
fn targets_equal_to_the_models_own_output_give_zero_error() {
    let tmp = tempfile::tempdir().unwrap();
    let first = validate(tmp.path(), &["--out", "first"]);
    assert!(first.status.success(), "{}", stderr(&first));
    // Write a targets file whose observed values are the model's pooled values.
    let shipped = fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/targets.toml"),
    )
    .unwrap();
    let table = rows(&tmp.path().join("first/validation.csv"));
    let mut own = String::new();
    for block in shipped.split("[[target]]").skip(1) {
        let name = block
            .lines()
            .find_map(|l| l.strip_prefix("name = "))
            .unwrap()
            .trim_matches('"');
        let model = &table.iter().find(|r| &r[0] == name).unwrap()[8];
        let lines: Vec<String> = block
            .lines()
            .map(|l| {
                if l.starts_with("observed = ") {
                    format!("observed = {model}")
                } else if l.starts_with("interval = ") {
                    "sd = 0.01".to_string()
                } else {
                    l.to_string()
                }
            })
            .collect();
        own.push_str("[[target]]");
        own.push_str(&lines.join("\n"));
        own.push('\n');
    }
    fs::write(tmp.path().join("own.toml"), own).unwrap();
    let second = validate(tmp.path(), &["--out", "second", "--targets", "own.toml"]);
    assert!(second.status.success(), "{}", stderr(&second));
    for r in rows(&tmp.path().join("second/validation.csv")) {
        assert_eq!(r[11].parse::<f64>().unwrap(), 0.0, "error of {}", &r[0]);
        assert_eq!(r[12].parse::<f64>().unwrap(), 0.0, "z of {}", &r[0]);
    }
}

#[test]
fn bad_targets_files_are_refused_per_class() {
    let cases = [
        (
            "unknown_key.toml",
            ":11:1:",
            "target[1].weight",
            "unknown key; allowed here: name,",
        ),
        (
            "wrong_type.toml",
            ":7:12:",
            "target[1].observed",
            "expected a finite number, found a string",
        ),
        (
            "out_of_range.toml",
            ":8:6:",
            "target[1].sd",
            "-0.05 is out of range; allowed: a number above 0",
        ),
        (
            "unknown_column.toml",
            ":5:10:",
            "target[1].column",
            "`exit_rates` is not a column of annual.csv; allowed:",
        ),
        (
            "missing_key.toml",
            ":2:1:",
            "target[1].source",
            "missing; where the figure comes from",
        ),
        ("syntax_error.toml", ":2:", "", "not valid TOML"),
        ("beyond_run.toml", "", "", "need other years: exit_2015"),
    ];
    for (file, at, key, message) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let path = fixture(&format!("targets/{file}"));
        let out = validate(
            tmp.path(),
            &["--out", "v", "--targets", path.to_str().unwrap()],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(
            err.contains(&format!("{}{at}", path.display())),
            "{file}: {err}"
        );
        assert!(err.contains(key), "{file}: {err}");
        assert!(err.contains(message), "{file}: {err}");
        assert!(!tmp.path().join("v").exists(), "{file}: nothing is written");
        assert!(stdout(&out).is_empty());
    }
}
