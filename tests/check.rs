//! `povsim check` on big generated scenarios: problem collection and location are linear in
//! the file's size, so files near the 1 MiB limit that hold a problem on every line or in
//! every array item finish (before, a 160,000-item array took over two minutes). The timeout
//! only detects a hang; it is not a speed assertion.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::povsim;

/// Far above the linear run time (under a second), far below a quadratic one (minutes).
const HANG: Duration = Duration::from_secs(120);

/// Runs `povsim check FILE` on `text`; the exit code and standard error, or a panic on a hang.
fn check_text(text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.toml");
    std::fs::write(&path, text).expect("write");
    let mut command: Command = povsim();
    let mut child = command
        .current_dir(dir.path())
        .args(["check", "big.toml"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("povsim runs");
    let reader = child.stderr.take().map(|mut err| {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut err, &mut out).ok();
            out
        })
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > HANG {
            child.kill().ok();
            panic!("povsim check hung on a {}-byte scenario", text.len());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let err = reader
        .and_then(|r| r.join().ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    (status.code(), err)
}

#[test]
fn a_160000_item_array_of_wrong_types_is_reported_item_by_item() {
    let items = vec!["\"x\""; 160_000].join(", ");
    let (code, err) = check_text(&format!("[economy]\npoverty_line = [{items}]\n"));
    assert_eq!(code, Some(2), "{}", &err[..err.len().min(500)]);
    assert!(err.contains("has 160000 problems"), "{}", &err[..300]);
    assert!(err.contains("big.toml:2:17: `economy.poverty_line[0]` = \"x\""));
    assert!(err.contains("big.toml:2:800012: `economy.poverty_line[159999]`"));
}

#[test]
fn a_file_of_unknown_keys_near_the_size_limit_is_reported_key_by_key() {
    let text: String = (0..80_000).map(|i| format!("k{i} = 1\n")).collect();
    assert!(text.len() < 1 << 20);
    let (code, err) = check_text(&text);
    assert_eq!(code, Some(2));
    assert!(err.contains("has 80000 problems"), "{}", &err[..300]);
    assert!(err.contains("big.toml:80000:1: unknown key `k79999`"));
}

#[test]
fn a_long_valid_series_is_accepted() {
    let items = vec!["3000.0"; 100_000].join(", ");
    let (code, err) = check_text(&format!("[economy]\npoverty_line = [{items}]\n"));
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn two_syntax_errors_on_each_of_40000_lines_are_each_reported() {
    let text: String = (0..40_000).map(|i| format!("k{i} = = 1\n")).collect();
    let (code, err) = check_text(&text);
    assert_eq!(code, Some(2));
    assert!(err.contains("has 80000 problems"), "{}", stderr_head(&err));
    assert!(
        err.contains("big.toml:40000:12: invalid TOML"),
        "{}",
        stderr_head(&err)
    );
}

fn stderr_head(err: &str) -> &str {
    &err[..err.len().min(300)]
}

#[test]
fn a_short_run_is_accepted_with_warnings_that_cadres_and_monitoring_never_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = common::run_in(dir.path(), &["check", "--set", "simulation.months=12"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(
        err.contains("warning: --set simulation.months=12: the run ends in 2014, before the first secretaries arrive in 2015"),
        "{err}"
    );
    assert!(err.contains("before monitoring starts in 2020"), "{err}");
}

#[test]
fn a_copy_of_the_baseline_with_a_short_run_is_not_refused_at_its_default_lines() {
    let baseline = common::scenario("baseline.toml");
    let dir = tempfile::tempdir().expect("temp dir");
    let args = [
        "check",
        baseline.to_str().expect("utf8"),
        "--set",
        "simulation.months=12",
    ];
    let out = common::run_in(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
}
