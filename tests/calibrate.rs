//! `povsim calibrate`: ABC-SMC recovers parameters the model itself produced the targets at;
//! interrupted and resumed equals uninterrupted, sharded plus merged equals whole, any thread
//! count gives the same bytes; bad calibration files are refused per class (exit 2, nothing
//! written); the posterior feeds `compare --posterior`.

mod common;

use std::fs;
use std::path::Path;

use common::{fixture, povsim, run_in, stderr};

/// The outputs that must not depend on how the calibration was run (the manifest records
/// times, threads and the command line, so it is left out).
const SAME: [&str; 8] = [
    "posterior.csv",
    "posterior_summary.csv",
    "generations.csv",
    "posterior_median.toml",
    "fit.csv",
    "generations/gen-000.csv",
    "generations/gen-001.csv",
    "generations/gen-002.csv",
];

fn calibrate(dir: &Path, file: &Path, out: &str, extra: &[&str]) {
    let mut args = vec!["calibrate", file.to_str().unwrap(), "--out", out, "-q"];
    args.extend_from_slice(extra);
    let result = run_in(dir, &args);
    assert!(result.status.success(), "{}", stderr(&result));
}

fn assert_same(a: &Path, b: &Path) {
    for name in SAME {
        let (x, y) = (fs::read(a.join(name)), fs::read(b.join(name)));
        assert!(x.is_ok(), "{} missing", a.join(name).display());
        assert_eq!(x.unwrap(), y.unwrap(), "{name} differs");
    }
}

#[test]
fn interrupted_and_resumed_equals_uninterrupted_at_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let file = fixture("calibration/good.toml");
    calibrate(tmp.path(), &file, "whole", &["--threads", "2"]);
    calibrate(tmp.path(), &file, "one_thread", &["--threads", "1"]);
    assert_same(&tmp.path().join("whole"), &tmp.path().join("one_thread"));
    // Interrupted after one generation: no outputs yet, only the journal.
    calibrate(
        tmp.path(),
        &file,
        "resumed",
        &["--stop-after-generations", "1"],
    );
    let resumed = tmp.path().join("resumed");
    assert!(resumed.join("generations/gen-000.csv").is_file());
    assert!(!resumed.join("generations/gen-001.csv").exists());
    assert!(!resumed.join("posterior.csv").exists());
    calibrate(tmp.path(), &file, "resumed", &[]);
    assert_same(&tmp.path().join("whole"), &resumed);
}

#[test]
fn sharded_plus_merged_equals_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let file = fixture("calibration/good.toml");
    calibrate(tmp.path(), &file, "whole", &[]);
    // Three shards at the same time, sharing the folder.
    let children: Vec<_> = (0..3)
        .map(|i| {
            povsim()
                .current_dir(tmp.path())
                .args([
                    "calibrate",
                    file.to_str().unwrap(),
                    "--out",
                    "sharded",
                    "-q",
                    "--shard",
                    &format!("{i}/3"),
                ])
                .spawn()
                .expect("a shard starts")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let sharded = tmp.path().join("sharded");
    assert!(
        !sharded.join("posterior.csv").exists(),
        "shards leave the outputs to merge"
    );
    let merged = run_in(tmp.path(), &["merge", "sharded", "-q"]);
    assert!(merged.status.success(), "{}", stderr(&merged));
    assert_same(&tmp.path().join("whole"), &sharded);
}

/// The fitting targets of the shipped file, re-observed at the model's own output for known
/// parameter values (same seed, so a particle at the truth has distance 0).
fn synthetic_targets(dir: &Path, truth: &[(&str, f64)]) -> String {
    let mut args = vec![
        "validate".to_string(),
        "-q".into(),
        "--out".into(),
        "truth".into(),
        "--seed".into(),
        "7".into(),
        "--replicates".into(),
        "2".into(),
    ];
    for set in [
        "population.villages=8",
        "population.households_per_village=80",
        "simulation.months=84",
    ] {
        args.push("--set".into());
        args.push(set.into());
    }
    for (key, value) in truth {
        args.push("--set".into());
        args.push(format!("{key}={value}"));
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_in(dir, &refs);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut reader = csv::Reader::from_path(dir.join("truth/validation.csv")).unwrap();
    let mut text = String::new();
    for row in reader.records() {
        let row = row.unwrap();
        if &row[2] != "fit" {
            continue;
        }
        let set = povsim::calib::targets::TargetSet::shipped();
        let target = set.targets.iter().find(|t| t.name == row[0]).unwrap();
        text.push_str(&format!(
            "[[target]]\nname = \"{}\"\n{}observed = {}\nsd = {}\nuse = \"fit\"\nsource = \"the model at known values\"\n\n",
            &row[0],
            statistic_lines(&target.statistic),
            &row[8],
            target.uncertainty.sd()
        ));
    }
    text
}

fn statistic_lines(statistic: &povsim::calib::targets::Statistic) -> String {
    use povsim::calib::targets::Statistic;
    match statistic {
        Statistic::Mean { column, years } => format!(
            "statistic = \"mean\"\ncolumn = \"{column}\"\nyears = \"{}\"\n",
            years.text()
        ),
        Statistic::Ratio {
            numerator,
            denominator,
            years,
            denominator_years,
        } => format!(
            "statistic = \"ratio\"\nnumerator = \"{numerator}\"\ndenominator = \"{denominator}\"\nyears = \"{}\"\ndenominator_years = \"{}\"\n",
            years.text(),
            denominator_years.text()
        ),
        Statistic::Relative {
            column,
            years,
            base_year,
        } => format!(
            "statistic = \"relative\"\ncolumn = \"{column}\"\nyears = \"{}\"\nbase_year = {base_year}\n",
            years.text()
        ),
    }
}

#[test]
fn recovers_known_parameters_and_the_posterior_narrows() {
    let tmp = tempfile::tempdir().unwrap();
    let truth = [
        ("identification.base_inclusion", 0.3),
        ("economy.migration_base", 0.06),
    ];
    fs::write(
        tmp.path().join("targets.toml"),
        synthetic_targets(tmp.path(), &truth),
    )
    .unwrap();
    let calibration = "name = \"synthetic\"\nseed = 7\nreplicates = 2\ntargets = \"targets.toml\"\n\
        [set]\n\"population.villages\" = 8\n\"population.households_per_village\" = 80\n\"simulation.months\" = 84\n\
        [abc]\nparticles = 40\ngenerations = 7\n\
        [parameters]\n\"identification.base_inclusion\" = [0.05, 0.6]\n\"economy.migration_base\" = [0.01, 0.12]\n";
    fs::write(tmp.path().join("synthetic.toml"), calibration).unwrap();
    calibrate(tmp.path(), &tmp.path().join("synthetic.toml"), "fit", &[]);
    let dir = tmp.path().join("fit");
    let mut summary = csv::Reader::from_path(dir.join("posterior_summary.csv")).unwrap();
    for (row, (key, value)) in summary.records().zip(truth) {
        let row = row.unwrap();
        assert_eq!(&row[0], key);
        let (q05, q95): (f64, f64) = (row[6].parse().unwrap(), row[7].parse().unwrap());
        assert!(
            q05 <= value && value <= q95,
            "{key}: truth {value} outside the 90% interval [{q05}, {q95}]"
        );
    }
    // The 90% intervals narrow from the prior generation to the last, by at least half.
    let mut generations = csv::Reader::from_path(dir.join("generations.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = generations.records().map(|r| r.unwrap()).collect();
    let width = |r: &csv::StringRecord, j: usize| {
        r[6 + 2 * j + 1].parse::<f64>().unwrap() - r[6 + 2 * j].parse::<f64>().unwrap()
    };
    let (first, last) = (&rows[0], rows.last().unwrap());
    for j in 0..2 {
        assert!(
            width(last, j) < 0.5 * width(first, j),
            "parameter {j}: width {} -> {}",
            width(first, j),
            width(last, j)
        );
    }
    // Tolerances shrink generation by generation.
    let tolerances: Vec<f64> = rows[1..].iter().map(|r| r[1].parse().unwrap()).collect();
    assert!(tolerances.windows(2).all(|w| w[1] < w[0]), "{tolerances:?}");
}

#[test]
fn bad_calibration_files_are_refused_per_class() {
    let cases = [
        (
            "unknown_key.toml",
            ":4:1:",
            "`colour`: unknown key; allowed here: name,",
        ),
        (
            "wrong_type.toml",
            ":10:13:",
            "`abc.particles`: expected a whole number from 10 to 100000, found a string",
        ),
        (
            "out_of_range.toml",
            ":10:13:",
            "`abc.particles`: 5 is out of range",
        ),
        (
            "not_a_key.toml",
            ":13:24:",
            "`economy.return_rat` is not a scenario key",
        ),
        (
            "prior_refused.toml",
            ":14:35:",
            "the prior range reaches 1.5, which the scenario refuses",
        ),
        (
            "reversed_range.toml",
            ":13:25:",
            "low (0.012) must be below high (0.001)",
        ),
        ("no_parameters.toml", ":9:", "no parameters to fit"),
        (
            "missing_targets.toml",
            ":1:11:",
            "`targets`: the targets file is refused",
        ),
    ];
    for (file, at, message) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let path = fixture(&format!("calibration/{file}"));
        let out = run_in(
            tmp.path(),
            &["calibrate", path.to_str().unwrap(), "--out", "c"],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(
            err.contains(&format!("{}{at}", path.display())),
            "{file}: {err}"
        );
        assert!(err.contains(message), "{file}: {err}");
        assert!(!tmp.path().join("c").exists(), "{file}: nothing written");
    }
}

#[test]
fn a_folder_with_the_users_files_is_never_used_and_the_posterior_feeds_compare() {
    let tmp = tempfile::tempdir().unwrap();
    let file = fixture("calibration/good.toml");
    fs::create_dir(tmp.path().join("mine")).unwrap();
    fs::write(tmp.path().join("mine/notes.txt"), "my notes").unwrap();
    let out = run_in(
        tmp.path(),
        &[
            "calibrate",
            file.to_str().unwrap(),
            "--out",
            "mine",
            "--force",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("notes.txt"));
    assert_eq!(
        fs::read_to_string(tmp.path().join("mine/notes.txt")).unwrap(),
        "my notes"
    );
    assert_eq!(fs::read_dir(tmp.path().join("mine")).unwrap().count(), 1);

    calibrate(tmp.path(), &file, "c", &[]);
    let posterior = tmp.path().join("c/posterior.csv");
    let mut args = vec![
        "compare",
        "baseline",
        "baseline",
        "--posterior",
        posterior.to_str().unwrap(),
        "--draws",
        "3",
        "--out",
        "cmp",
        "-q",
    ];
    args.extend_from_slice(&common::SMALL);
    let compared = run_in(tmp.path(), &args);
    assert!(compared.status.success(), "{}", stderr(&compared));
    assert!(tmp.path().join("cmp/comparison.csv").is_file());
    // The posterior median is a scenario `run` accepts.
    let median = tmp.path().join("c/posterior_median.toml");
    let run = run_in(
        tmp.path(),
        &["run", median.to_str().unwrap(), "--out", "r", "-q"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
}

#[test]
fn the_slurm_script_runs_shards_that_merge_to_the_whole() {
    // Runs the script povsim writes with bash, as Slurm would run its array tasks (at the same
    // time, SLURM_ARRAY_TASK_ID set); a real Slurm is not needed for what the script does.
    let tmp = tempfile::tempdir().unwrap();
    let file = fixture("calibration/good.toml");
    calibrate(tmp.path(), &file, "whole", &[]);
    let out = run_in(
        tmp.path(),
        &[
            "calibrate",
            file.to_str().unwrap(),
            "--out",
            "cluster",
            "--slurm",
            "3",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let cluster = tmp.path().join("cluster");
    let script = cluster.join("calibrate.sbatch");
    let text = fs::read_to_string(&script).unwrap();
    assert!(text.contains("#SBATCH --array=0-2\n"), "{text}");
    assert!(
        text.contains("--shard \"${SLURM_ARRAY_TASK_ID}/3\""),
        "{text}"
    );
    assert!(
        !cluster.join("generations").exists(),
        "--slurm runs nothing"
    );
    let tasks: Vec<_> = (0..3)
        .map(|i| {
            std::process::Command::new("bash")
                .arg(&script)
                .env("SLURM_ARRAY_TASK_ID", i.to_string())
                .env("SLURM_CPUS_PER_TASK", "1")
                .current_dir(tmp.path())
                .output_async()
        })
        .collect();
    for task in tasks {
        let output = task.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_same(&tmp.path().join("whole"), &cluster);
}

/// Spawning with captured output, for tasks that run at the same time.
trait OutputAsync {
    fn output_async(&mut self) -> std::process::Child;
}

impl OutputAsync for std::process::Command {
    fn output_async(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("bash runs")
    }
}

#[test]
fn a_calibration_killed_mid_run_resumes_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let file = fixture("calibration/good.toml");
    calibrate(tmp.path(), &file, "whole", &[]);
    // Killed (SIGKILL, no chance to clean up) as soon as its first generation is journalled.
    let mut child = povsim()
        .current_dir(tmp.path())
        .args(["calibrate", file.to_str().unwrap(), "--out", "killed", "-q"])
        .spawn()
        .expect("calibrate starts");
    let first = tmp.path().join("killed/generations/gen-000.csv");
    let started = std::time::Instant::now();
    while !first.exists() && started.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().expect("kill");
    child.wait().unwrap();
    assert!(first.is_file(), "the first generation was journalled");
    calibrate(tmp.path(), &file, "killed", &[]);
    assert_same(&tmp.path().join("whole"), &tmp.path().join("killed"));
}
