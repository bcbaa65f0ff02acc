//! The classroom page in a real browser: `povsim serve --port 0`, then
//! `node tests/e2e/classroom.mjs URL target/e2e` drives Debian's Chromium through
//! playwright-core (moves a slider, runs, opens a household's story, A/B mode) and saves
//! screenshots in `target/e2e/`.
//!
//! Needs `/usr/bin/chromium` (or `$POVSIM_CHROMIUM`), `node`, and `npm ci --prefix tests/e2e`;
//! `.ci/run` installs them and sets `POVSIM_REQUIRE_BROWSER=1`. The test is ignored (and
//! reported as ignored) unless the build saw that variable (see `build.rs`); then a missing
//! piece is a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::server::Server;

/// How long the browser script may take (it needs about 15 seconds).
const TIMEOUT: Duration = Duration::from_secs(240);

fn chromium() -> PathBuf {
    std::env::var_os("POVSIM_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e")
}

/// Where the screenshots go: `target/e2e/` (under `$CARGO_TARGET_DIR` when set).
fn out_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("e2e")
}

/// What is missing to run the browser test, if anything.
fn missing() -> Vec<String> {
    let mut missing = Vec::new();
    if !chromium().is_file() {
        missing.push(format!(
            "{} (apt-get install chromium)",
            chromium().display()
        ));
    }
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !node.is_ok_and(|s| s.success()) {
        missing.push("node (apt-get install nodejs npm)".into());
    }
    if !e2e_dir().join("node_modules/playwright-core").is_dir() {
        missing.push("tests/e2e/node_modules (npm ci --prefix tests/e2e)".into());
    }
    missing
}

#[test]
#[cfg_attr(
    not(povsim_require_browser),
    ignore = "needs Chromium and tests/e2e/node_modules: .ci/run installs them and sets POVSIM_REQUIRE_BROWSER=1"
)]
fn a_class_moves_a_slider_runs_the_world_and_opens_a_household_story_in_a_real_browser() {
    let missing = missing();
    if !missing.is_empty() {
        panic!(
            "the browser test cannot run: missing {}",
            missing.join(", ")
        );
    }
    let out = out_dir();
    std::fs::create_dir_all(&out).expect("screenshot folder");
    for old in [
        "classroom.png",
        "classroom-story.png",
        "classroom-ab.png",
        "failure.png",
    ] {
        let _ = std::fs::remove_file(out.join(old));
    }

    let server = Server::start(&[]);
    let mut script = Command::new("node")
        .arg(e2e_dir().join("classroom.mjs"))
        .arg(server.url())
        .arg(&out)
        .env("POVSIM_CHROMIUM", chromium())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = script.try_wait().expect("wait for node") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = script.kill();
            let _ = script.wait();
            panic!("the browser test took over {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = script.wait_with_output().expect("node output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        status.success(),
        "the browser test failed (screenshot in {}):\n{stdout}\n{stderr}",
        out.join("failure.png").display()
    );
    assert!(stdout.contains("story opened"), "{stdout}");
    for shot in ["classroom.png", "classroom-story.png", "classroom-ab.png"] {
        let len = std::fs::metadata(out.join(shot)).map_or(0, |m| m.len());
        assert!(len > 10_000, "{shot} missing or empty");
    }

    let (code, rest) = server.interrupt();
    assert_eq!(
        code,
        Some(0),
        "the server stops cleanly after the browser test"
    );
    assert!(rest.contains("stopped"), "{rest}");
}
