//! `report.html`: one self-contained page (inline CSS and SVG, no scripts, no external URLs)
//! built from a results folder's files: what an analyst attaches to a brief and a teacher puts
//! on a projector. For a comparison the comparison figures lead.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::Context;
use html_escape::encode_text;
use num_format::{Locale, ToFormattedString};
use serde_json::Value;

use crate::compare::indicator_label;
use crate::error::UserError;

/// Charts of a run, in reading order.
const RUN_CHARTS: [&str; 4] = [
    "poverty_fan",
    "exit_relapse_rates",
    "cadres",
    "funds_industries",
];
/// Charts of a comparison, in reading order.
const COMPARE_CHARTS: [&str; 3] = ["compare_differences", "compare_fan", "compare_relapse"];

/// A number with thousands separators and a sensible precision.
pub fn format_number(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    if x.abs() >= 100.0 || x == x.trunc() {
        let rounded = x.round() as i64;
        rounded.to_formatted_string(&Locale::en)
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.4}")
    }
}

fn read_json(path: &Path) -> anyhow::Result<Value> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_slice(&bytes).with_context(|| format!("{} is not valid JSON", path.display()))
}

/// Inline an SVG file: drop the XML declaration and the namespace attribute (not needed
/// inline in HTML5), so the page references nothing outside itself.
fn inline_svg(path: &Path) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let start = text.find("<svg")?;
    Some(text[start..].replace(" xmlns=\"http://www.w3.org/2000/svg\"", ""))
}

fn charts_section(out: &mut String, dir: &Path, names: &[&str]) {
    for name in names {
        if let Some(svg) = inline_svg(&dir.join("charts").join(format!("{name}.svg"))) {
            let _ = writeln!(out, "<figure id=\"{name}\">{svg}</figure>");
        }
    }
}

fn key_figures(out: &mut String, summary: &Value) {
    let Some(totals) = summary.get("totals").and_then(Value::as_object) else {
        return;
    };
    out.push_str("<table><thead><tr><th>indicator (whole run)</th><th>mean</th><th>5-95% band</th></tr></thead><tbody>\n");
    for (name, band) in totals {
        let get = |k: &str| band.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
        let label = match indicator_label(name) {
            "" => name.replace('_', " "),
            l => l.to_string(),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{} - {}</td></tr>",
            encode_text(&label),
            format_number(get("mean")),
            format_number(get("p5")),
            format_number(get("p95"))
        );
    }
    out.push_str("</tbody></table>\n");
    if let Some(rel) = summary
        .pointer("/annual/registered_relative")
        .and_then(Value::as_array)
    {
        out.push_str("<table><thead><tr><th>year</th>");
        for y in rel {
            let _ = write!(
                out,
                "<th>{}</th>",
                y.get("year").and_then(Value::as_u64).unwrap_or(0)
            );
        }
        out.push_str("</tr></thead><tbody>\n");
        for (name, label, pct) in [
            (
                "registered_relative",
                "registered, relative to the first year",
                false,
            ),
            ("exit_rate", "exit rate", true),
            ("relapse_rate", "relapse rate", true),
            (
                "truly_poor_end",
                "truly poor households, 31 December",
                false,
            ),
        ] {
            let _ = write!(out, "<tr><td>{label}</td>");
            for y in summary
                .pointer(&format!("/annual/{name}"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let cell = match y.get("mean").and_then(Value::as_f64) {
                    Some(v) if pct => format!("{:.1}%", 100.0 * v),
                    Some(v) if name == "registered_relative" => format!("{v:.3}"),
                    Some(v) => format_number(v),
                    None => "-".into(),
                };
                let _ = write!(out, "<td class=\"num\">{cell}</td>");
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table>\n");
    }
}

/// Model v2's headline indicators (`summary.json` `v2`), in reading order, with a label and
/// whether the value is a share (printed as a percentage).
const V2_ROWS: [(&str, &str, bool); 15] = [
    ("exit_share_work", "exits by work income, 2015-2020", true),
    (
        "exit_share_industry",
        "exits by industry dividends or jobs, 2015-2020",
        true,
    ),
    (
        "exit_share_public_job",
        "exits by a public-welfare job, 2015-2020",
        true,
    ),
    (
        "exit_share_dibao",
        "exits by dibao and special hardship, 2015-2020",
        true,
    ),
    (
        "exit_share_relocation",
        "exits of relocated households, 2015-2020",
        true,
    ),
    (
        "exit_share_numbers_only",
        "numbers-only exits, 2015-2020",
        true,
    ),
    (
        "cohort_income_2015",
        "2014-register cohort income per capita 2015, yuan (official 3,416)",
        false,
    ),
    (
        "cohort_income_2020",
        "2014-register cohort income per capita 2020, yuan (official 10,740)",
        false,
    ),
    (
        "relapse_rate_2016",
        "relapse rate 2016 (target about 1%)",
        true,
    ),
    (
        "relapse_no_fall_share",
        "relapses without an income fall, whole run",
        true,
    ),
    (
        "cost_per_person_lifted_out",
        "spending per person lifted out 2014-2020, all lines, yuan (about 16,000)",
        false,
    ),
    (
        "village_exit_year_median",
        "median village exit year",
        false,
    ),
    ("county_exit_year_median", "median county exit year", false),
    (
        "problem_funds_share_2017_2018",
        "problem funds / funds in, 2017-2018 (audits 6-8%)",
        true,
    ),
    (
        "dibao_households_2020",
        "dibao households, end of 2020",
        false,
    ),
];

/// The "Model v2 indicators" table: mean and 5-95% band over replicates of each v2 headline
/// indicator in `summary.json` (absent ones print "-"; exit years print without separators).
fn v2_indicators(out: &mut String, summary: &Value) {
    let Some(v2) = summary.get("v2").and_then(Value::as_object) else {
        return;
    };
    out.push_str("<table><thead><tr><th>indicator</th><th>mean</th><th>5-95% band</th></tr></thead><tbody>\n");
    for (name, label, share) in &V2_ROWS {
        let Some(band) = v2.get(*name) else {
            // No replicate has a value: a share with nothing to divide, or exit years when
            // half or more of the villages (counties) have not exited by the end of the run.
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">-</td><td class=\"num\">-</td></tr>",
                encode_text(label)
            );
            continue;
        };
        let get = |k: &str| band.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
        let show = |x: f64| {
            if *share {
                format!("{:.1}%", 100.0 * x)
            } else if name.contains("exit_year") {
                format!("{x:.0}")
            } else {
                format_number(x)
            }
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{} - {}</td></tr>",
            encode_text(label),
            show(get("mean")),
            show(get("p5")),
            show(get("p95"))
        );
    }
    out.push_str("</tbody></table>\n");
}

fn scenario_section(out: &mut String, dir: &Path, heading_level: u8) -> anyhow::Result<()> {
    let summary = read_json(&dir.join("summary.json"))?;
    let resolved = fs::read_to_string(dir.join("scenario.toml")).unwrap_or_default();
    let params: Option<toml::Table> = resolved.parse().ok();
    let description = params
        .as_ref()
        .and_then(|p| p.get("description"))
        .and_then(|d| d.as_str())
        .unwrap_or("");
    let name = summary
        .get("scenario")
        .and_then(Value::as_str)
        .unwrap_or("scenario");
    let h = heading_level;
    let _ = writeln!(
        out,
        "<h{h}>{}</h{h}>\n<p>{}</p>",
        encode_text(name),
        encode_text(description)
    );
    let _ = writeln!(
        out,
        "<h{}>Key figures (means over {} replicates)</h{}>",
        h + 1,
        summary
            .get("replicates")
            .and_then(Value::as_u64)
            .unwrap_or(0),
        h + 1
    );
    key_figures(out, &summary);
    if summary.get("v2").is_some() {
        let _ = writeln!(out, "<h{}>Model v2 indicators</h{}>", h + 1, h + 1);
        v2_indicators(out, &summary);
    }
    let _ = writeln!(out, "<h{}>Charts</h{}>", h + 1, h + 1);
    charts_section(out, dir, &RUN_CHARTS);
    let _ = writeln!(
        out,
        "<details><summary>Resolved parameters (every parameter with its value)</summary><pre>{}</pre></details>",
        encode_text(&resolved)
    );
    Ok(())
}

/// The "Validation" section of a `validate` folder: the table of validation.csv and the
/// validation charts.
fn validation_section(out: &mut String, dir: &Path) -> anyhow::Result<()> {
    let mut reader =
        csv::Reader::from_path(dir.join("validation.csv")).context("cannot read validation.csv")?;
    out.push_str("<h2>Validation</h2>\n<p class=\"meta\">Each target: the observed value (with its 90% uncertainty range), the model's value pooled over replicates and the 5-95% band of the replicates' own values; z = (model - observed) / sd. Validation-only targets were never used in a fit.</p>\n");
    out.push_str("<table><thead><tr><th>target</th><th>use</th><th>statistic</th><th>observed</th><th>model</th><th>model 5-95%</th><th>z</th><th>inside band</th><th>source</th></tr></thead><tbody>\n");
    let mut charts = Vec::new();
    for record in reader.deserialize::<std::collections::BTreeMap<String, String>>() {
        let r = record.context("validation.csv has a malformed row")?;
        let get = |k: &str| r.get(k).map(String::as_str).unwrap_or("");
        let num = |k: &str| get(k).parse::<f64>().map_or("-".to_string(), format_number);
        let series = get("series").to_string();
        if !charts.contains(&series) {
            charts.push(series);
        }
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\"><b>{}</b></td><td class=\"num\">{} to {}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            encode_text(get("name")),
            encode_text(get("use")),
            encode_text(get("statistic")),
            num("observed"),
            num("model"),
            num("model_p5"),
            num("model_p95"),
            get("z").parse::<f64>().map_or("-".to_string(), |z| format!("{z:+.2}")),
            encode_text(get("inside_band")),
            encode_text(get("source"))
        );
    }
    out.push_str("</tbody></table>\n");
    let names: Vec<String> = charts
        .iter()
        .map(|s| crate::cmd::validate::chart_name(s))
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    charts_section(out, dir, &refs);
    Ok(())
}

/// A row of `comparison.csv` as the report reads it: a plain comparison's columns, and the
/// 5-95% posterior-predictive band when the comparison ran over a posterior.
#[derive(Debug, serde::Deserialize)]
struct ComparisonRow {
    scenario: String,
    indicator: String,
    scenario_mean: f64,
    reference_mean: f64,
    difference: f64,
    ci_low: f64,
    ci_high: f64,
    #[serde(default)]
    pp_low: Option<f64>,
    #[serde(default)]
    pp_high: Option<f64>,
}

fn comparison_table(out: &mut String, dir: &Path) -> anyhow::Result<()> {
    let mut reader =
        csv::Reader::from_path(dir.join("comparison.csv")).context("cannot read comparison.csv")?;
    let posterior = reader
        .headers()
        .context("cannot read comparison.csv")?
        .iter()
        .any(|h| h == "pp_low");
    let band_head = if posterior {
        "<th>5-95% posterior-predictive band</th>"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<table><thead><tr><th>indicator</th><th>scenario</th><th>reference mean</th><th>scenario mean</th><th>paired difference</th><th>95% CI</th>{band_head}</tr></thead><tbody>"
    );
    for record in reader.deserialize::<ComparisonRow>() {
        let r = record.context("comparison.csv has a malformed row")?;
        let band = match (posterior, r.pp_low, r.pp_high) {
            (true, Some(lo), Some(hi)) => format!(
                "<td class=\"num\">{} to {}</td>",
                format_number(lo),
                format_number(hi)
            ),
            (true, _, _) => "<td></td>".to_string(),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\"><b>{}</b></td><td class=\"num\">{} to {}</td>{band}</tr>",
            encode_text(indicator_label(&r.indicator)),
            encode_text(&r.scenario),
            format_number(r.reference_mean),
            format_number(r.scenario_mean),
            format_number(r.difference),
            format_number(r.ci_low),
            format_number(r.ci_high)
        );
    }
    out.push_str("</tbody></table>\n");
    Ok(())
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1250px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.7em;border-bottom:2px solid #0072B2;padding-bottom:.2em}h2{margin-top:2em;color:#0072B2}\
table{border-collapse:collapse;margin:1em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left}\
th{background:#f2f6fa}td.num{text-align:right;font-variant-numeric:tabular-nums}\
figure{margin:1.5em 0}figure svg{max-width:100%;height:auto}pre{background:#f7f7f7;padding:1em;overflow-x:auto;font-size:.85em}\
.meta{color:#666;font-size:.9em}";

/// Render `report.html` for a results folder (a run's or a comparison's).
pub fn render(dir: &Path) -> anyhow::Result<String> {
    let manifest = read_json(&dir.join("manifest.json"))?;
    let command = manifest
        .get("command")
        .and_then(Value::as_str)
        .unwrap_or("run");
    let version = manifest
        .get("povsim_version")
        .and_then(Value::as_str)
        .unwrap_or("?");
    let mut body = String::new();
    let title;
    if command == "compare" {
        let names: Vec<String> = manifest
            .get("scenarios")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| {
                s.pointer("/scenario/name")
                    .and_then(Value::as_str)
                    .map(String::from)
            })
            .collect();
        title = format!("povsim comparison: {}", names.join(" vs "));
        let _ = writeln!(body, "<h1>{}</h1>", encode_text(&title));
        let what: Vec<String> = manifest
            .get("scenarios")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| s.get("title").and_then(Value::as_str).map(String::from))
            .collect();
        if !what.is_empty() {
            let _ = writeln!(
                body,
                "<p class=\"meta\">Scenarios run: {}</p>",
                encode_text(&what.join("; "))
            );
        }
        let crn = manifest
            .get("common_random_numbers")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let _ = writeln!(
            body,
            "<p class=\"meta\">Paired differences against <b>{}</b>, replicate by replicate, {}. Intervals are 95% confidence intervals of the mean paired difference (Student t).</p>",
            encode_text(names.first().map_or("", String::as_str)),
            if crn {
                "with common random numbers (replicate r of every scenario draws the same random streams, so differences come from the policy, not the luck of the draw)"
            } else {
                "with INDEPENDENT random streams (intervals are wider than with common random numbers)"
            }
        );
        body.push_str("<h2>Comparison</h2>\n");
        comparison_table(&mut body, dir)?;
        charts_section(&mut body, dir, &COMPARE_CHARTS);
        for name in &names {
            body.push_str("<hr>\n");
            scenario_section(&mut body, &dir.join(name), 2)?;
        }
    } else {
        let name = manifest
            .pointer("/scenario/name")
            .and_then(Value::as_str)
            .unwrap_or("scenario");
        title = format!(
            "povsim: {}",
            manifest
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or(name)
        );
        let _ = writeln!(body, "<h1>{}</h1>", encode_text(&title));
        if dir.join("validation.csv").is_file() {
            validation_section(&mut body, dir)?;
        }
        scenario_section(&mut body, dir, 2)?;
    }
    let _ = writeln!(
        body,
        "<h2>Manifest</h2><p class=\"meta\">Everything needed to reproduce these results: rerun the command line with this povsim version ({}).</p><pre>{}</pre>",
        encode_text(version),
        encode_text(&serde_json::to_string_pretty(&manifest)?)
    );
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        encode_text(&title)
    ))
}

/// Refuse a sweep's folder: a report is made from a run's or a comparison's files, which a
/// sweep does not write; say where the sweep's charts are.
fn refuse_sweep_folder(dir: &Path) -> Result<(), UserError> {
    let Ok(manifest) = read_json(&dir.join("manifest.json")) else {
        return Ok(());
    };
    let command = manifest.get("command").and_then(Value::as_str);
    if manifest.get("sweep_hash").is_none() && !matches!(command, Some("sweep" | "merge")) {
        return Ok(());
    }
    Err(UserError::Usage(format!(
        "{} is a sweep folder; povsim report works on run and compare folders; the sweep's charts are in {}, and its tables are sweep.csv and points.csv",
        dir.display(),
        dir.join("charts").display()
    )))
}

/// Write `report.html` into `dir` (via a temporary file renamed into place). A sweep's folder
/// is refused with a [`UserError`] that says where its charts are.
pub fn write(dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    refuse_sweep_folder(dir)?;
    let html = render(dir)?;
    let path = dir.join("report.html");
    let partial = dir.join(".report.html.partial");
    fs::write(&partial, html).with_context(|| format!("cannot write {}", partial.display()))?;
    fs::rename(&partial, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(format_number(1234567.4), "1,234,567");
        assert_eq!(format_number(12.0), "12");
        assert_eq!(format_number(0.01234), "0.0123");
        assert_eq!(format_number(f64::NAN), "-");
    }
}
