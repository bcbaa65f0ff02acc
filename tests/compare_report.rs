//! Charts, paired comparison and the HTML report, end to end on the real binary.

mod common;

use std::fs;
use std::path::Path;

use common::{run_in, scenario, stderr, SMALL};

fn small_args(mut args: Vec<&str>) -> Vec<&str> {
    args.extend_from_slice(&SMALL);
    args
}

/// The PNG decodes, has a sensible size and is not one flat colour.
fn assert_png(path: &Path) {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let image = image::load_from_memory(&bytes)
        .expect("a decodable PNG")
        .to_rgb8();
    assert!(
        image.width() >= 800 && image.height() >= 500,
        "{} is {}x{}",
        path.display(),
        image.width(),
        image.height()
    );
    let first = image.get_pixel(0, 0);
    let distinct = image.pixels().filter(|p| *p != first).count();
    assert!(distinct > 10_000, "{} is nearly blank", path.display());
}

/// The SVG is a whole document with text in it.
fn assert_svg(path: &Path) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        text.contains("<svg") && text.trim_end().ends_with("</svg>"),
        "{} is not a whole SVG",
        path.display()
    );
    assert!(text.contains("<text"), "{} has no text", path.display());
    assert!(
        text.len() > 5_000,
        "{} is suspiciously small",
        path.display()
    );
}

#[test]
fn run_draws_every_chart_as_png_and_svg() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(
        dir.path(),
        &small_args(vec!["run", "--out", "r", "--quiet"]),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for chart in [
        "poverty_fan",
        "exit_relapse_rates",
        "cadres",
        "funds_industries",
    ] {
        assert_png(&dir.path().join(format!("r/charts/{chart}.png")));
        assert_svg(&dir.path().join(format!("r/charts/{chart}.svg")));
    }
}

fn comparison_rows(path: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(path).expect("comparison.csv");
    reader.records().map(|r| r.expect("a row")).collect()
}

fn column(path: &Path, name: &str) -> usize {
    let mut reader = csv::Reader::from_path(path).expect("comparison.csv");
    reader
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == name)
        .expect("column")
}

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = scenario("baseline.toml");
    let base = base.to_str().expect("utf8");
    let out = run_in(
        dir.path(),
        &small_args(vec!["compare", base, base, "--out", "c", "--quiet"]),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let csv_path = dir.path().join("c/comparison.csv");
    let rows = comparison_rows(&csv_path);
    assert!(rows.len() >= 8, "one row per indicator");
    let (d, lo, hi) = (
        column(&csv_path, "difference"),
        column(&csv_path, "ci_low"),
        column(&csv_path, "ci_high"),
    );
    for row in &rows {
        for k in [d, lo, hi] {
            assert_eq!(row[k].parse::<f64>().expect("number"), 0.0, "row {row:?}");
        }
    }
    // Duplicate names get a suffix so each scenario keeps its own folder.
    assert!(dir.path().join("c/baseline/annual.csv").is_file());
    assert!(dir.path().join("c/baseline_2/annual.csv").is_file());
}

#[test]
fn comparison_writes_its_table_charts_and_scenario_folders_and_prints_the_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = scenario("baseline.toml");
    let relief = scenario("admin_burden_relief.toml");
    let out = run_in(
        dir.path(),
        &small_args(vec![
            "compare",
            base.to_str().expect("utf8"),
            relief.to_str().expect("utf8"),
            "--out",
            "c",
        ]),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("Paired differences vs baseline"),
        "{printed}"
    );
    assert!(printed.contains("truly poor at end of 2020"), "{printed}");
    for chart in ["compare_fan", "compare_differences", "compare_relapse"] {
        assert_png(&dir.path().join(format!("c/charts/{chart}.png")));
        assert_svg(&dir.path().join(format!("c/charts/{chart}.svg")));
    }
    for name in ["baseline", "admin_burden_relief"] {
        assert!(dir
            .path()
            .join(format!("c/{name}/charts/poverty_fan.png"))
            .is_file());
        assert!(dir.path().join(format!("c/{name}/scenario.toml")).is_file());
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("c/manifest.json")).expect("manifest"))
            .expect("json");
    assert_eq!(manifest["common_random_numbers"], true);
    assert_eq!(manifest["scenarios"].as_array().expect("list").len(), 2);
}

/// Mean width of the 95% intervals in a comparison.
fn mean_interval_width(path: &Path) -> f64 {
    let (lo, hi) = (column(path, "ci_low"), column(path, "ci_high"));
    let ind = column(path, "indicator");
    let rows: Vec<_> = comparison_rows(path)
        .into_iter()
        .filter(|r| {
            [
                "truly_poor_2020",
                "poverty_household_years",
                "sustained_exits_to_deadline",
            ]
            .contains(&&r[ind])
        })
        .collect();
    assert_eq!(rows.len(), 3);
    rows.iter()
        .map(|r| r[hi].parse::<f64>().expect("hi") - r[lo].parse::<f64>().expect("lo"))
        .sum::<f64>()
        / rows.len() as f64
}

#[test]
fn common_random_numbers_give_narrower_intervals_than_independent_streams() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = scenario("baseline.toml");
    let relief = scenario("admin_burden_relief.toml");
    let (b, r) = (base.to_str().expect("utf8"), relief.to_str().expect("utf8"));
    for (out_dir, extra) in [("crn", None), ("ind", Some("--independent"))] {
        let mut args = vec![
            "compare",
            b,
            r,
            "--out",
            out_dir,
            "--quiet",
            "--replicates",
            "12",
        ];
        args.extend_from_slice(&SMALL[..6]);
        if let Some(flag) = extra {
            args.push(flag);
        }
        let out = run_in(dir.path(), &args);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let crn = mean_interval_width(&dir.path().join("crn/comparison.csv"));
    let independent = mean_interval_width(&dir.path().join("ind/comparison.csv"));
    assert!(
        crn < 0.7 * independent,
        "CRN width {crn} vs independent {independent}"
    );
}

#[test]
fn report_html_embeds_every_chart_and_references_nothing_outside() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(
        dir.path(),
        &small_args(vec!["run", "--out", "r", "--quiet", "--report"]),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let html = fs::read_to_string(dir.path().join("r/report.html")).expect("report.html");
    for chart in [
        "poverty_fan",
        "exit_relapse_rates",
        "cadres",
        "funds_industries",
    ] {
        assert!(
            html.contains(&format!("<figure id=\"{chart}\"><svg")),
            "report lacks {chart}"
        );
    }
    for needle in ["http://", "https://", "<script", "src=", "<link"] {
        assert!(!html.contains(needle), "report.html contains {needle:?}");
    }
    assert!(html.contains("Resolved parameters"));
    assert!(html.contains("admin_burden = 0.5"));
    assert!(html.contains("scenario_hash"));

    // `povsim report DIR` regenerates it for any results folder, here a comparison.
    let base = scenario("baseline.toml");
    let strict = scenario("strict_exit.toml");
    let out = run_in(
        dir.path(),
        &small_args(vec![
            "compare",
            base.to_str().expect("utf8"),
            strict.to_str().expect("utf8"),
            "--out",
            "c",
            "--quiet",
        ]),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run_in(dir.path(), &["report", "c"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = fs::read_to_string(dir.path().join("c/report.html")).expect("report.html");
    let comparison_at = html
        .find("<h2>Comparison</h2>")
        .expect("comparison section");
    let first_scenario_at = html.find("<h2>baseline</h2>").expect("scenario section");
    assert!(
        comparison_at < first_scenario_at,
        "the comparison figures lead"
    );
    for chart in [
        "compare_differences",
        "compare_fan",
        "compare_relapse",
        "poverty_fan",
    ] {
        assert!(
            html.contains(&format!("<figure id=\"{chart}\">")),
            "report lacks {chart}"
        );
    }
    assert!(!html.contains("http://") && !html.contains("https://"));
}

#[test]
fn report_on_a_folder_that_is_not_a_results_folder_is_a_user_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(dir.path(), &["report", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a povsim results folder"));
    // A manifest.json of some other tool does not make the folder povsim's: nothing written.
    std::fs::write(dir.path().join("manifest.json"), "{\"name\": \"my-app\"}").expect("write");
    let out = run_in(dir.path(), &["report", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!dir.path().join("report.html").exists());
}
