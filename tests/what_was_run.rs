//! Titles, manifests and reports say what was run (issue 11, item 3): the scenario's file and
//! every override; a scenario file without a description does not borrow the baseline's.

mod common;

use std::fs;

use common::{povsim, stderr, stdout};

#[test]
fn a_run_with_overrides_is_titled_with_its_source_and_every_override() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let output = povsim()
        .current_dir(tmp.path())
        .args([
            "run",
            "--set",
            "cadres.admin_burden=0.2",
            "--replicates",
            "1",
            "--out",
            "relief",
            "--report",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", stderr(&output));
    let expected =
        "baseline (<built-in baseline>, --set cadres.admin_burden=0.2, --set simulation.replicates=1)";
    assert!(
        stdout(&output).contains(&format!("povsim {expected}:")),
        "{}",
        stdout(&output)
    );
    let manifest: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(tmp.path().join("relief/manifest.json")).expect("manifest"),
    )
    .expect("JSON");
    assert_eq!(manifest["title"], expected);
    let chart =
        fs::read_to_string(tmp.path().join("relief/charts/poverty_fan.svg")).expect("chart");
    assert!(
        chart.contains("baseline, --set cadres.admin_burden=0.2, --set simulation.replicates=1:"),
        "the chart's title names the overrides"
    );
    let report = fs::read_to_string(tmp.path().join("relief/report.html")).expect("report");
    let escaped = expected.replace('<', "&lt;").replace('>', "&gt;");
    assert!(
        report.contains(&format!("<h1>povsim: {escaped}</h1>")),
        "report title"
    );
}

#[test]
fn a_scenario_file_without_name_or_description_borrows_neither() {
    let tmp = tempfile::tempdir().expect("temp dir");
    fs::write(
        tmp.path().join("lean.toml"),
        "[cadres]\nadmin_burden = 0.3\n",
    )
    .expect("write");
    let baseline = povsim()
        .current_dir(tmp.path())
        .args(["check"])
        .output()
        .expect("runs");
    let baseline_description = stdout(&baseline)
        .lines()
        .find(|l| l.starts_with("description"))
        .expect("the baseline has a description")
        .to_string();
    assert!(baseline_description.len() > "description = \"\"".len());
    let output = povsim()
        .current_dir(tmp.path())
        .args(["check", "lean.toml"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("name = \"lean\""), "{text}");
    assert!(text.contains("description = \"\""), "{text}");
    assert!(!text.contains(&baseline_description), "{text}");
}

#[test]
fn a_comparison_lists_each_scenario_with_its_source_and_overrides() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let output = povsim()
        .current_dir(tmp.path())
        .args([
            "compare",
            "baseline",
            common::scenario("heavy_admin_burden.toml")
                .to_str()
                .expect("utf-8"),
            "--replicates",
            "2",
            "--set",
            "population.villages=8",
            "--out",
            "cmp",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("povsim compare: baseline (<built-in baseline>, --set population.villages=8"),
        "{text}"
    );
    assert!(
        text.contains("heavy_admin_burden.toml, --set population.villages=8"),
        "{text}"
    );
}
