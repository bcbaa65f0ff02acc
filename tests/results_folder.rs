//! Results folders never destroy a user's files (issue 11, items 1 and 7): `--force` replaces
//! only a folder povsim wrote; a file, a link or a folder of the user's own at `--out` is
//! refused with exit 2 and left byte for byte as it was; `--out` problems are found before the
//! simulation; a replacement killed at any point leaves either the old results or the new
//! ones, complete, and the next run cleans up what the dead one left.

mod common;

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Output;

use common::{povsim, snapshot, stderr, SMALL};

/// Run povsim in `dir` with the small world and `args`.
fn small_run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = povsim();
    command.current_dir(dir).arg("run").args(SMALL).args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("povsim runs")
}

/// A user's folder with notes and a scenario file of their own.
fn users_folder(dir: &Path) {
    fs::create_dir_all(dir.join("drafts")).expect("mkdir");
    fs::write(dir.join("notes.md"), "my field notes\n").expect("write");
    fs::write(dir.join("drafts/my_scenario.toml"), "name = \"mine\"\n").expect("write");
}

/// Whether `dir` is a complete povsim results folder: every file its manifest lists exists.
fn complete(dir: &Path) -> bool {
    let Ok(text) = fs::read_to_string(dir.join("manifest.json")) else {
        return false;
    };
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("manifest is JSON");
    manifest["files"]
        .as_array()
        .expect("files listed")
        .iter()
        .all(|f| dir.join(f.as_str().expect("a name")).is_file())
}

/// The seed recorded in a results folder's manifest.
fn seed_of(dir: &Path) -> u64 {
    let text = fs::read_to_string(dir.join("manifest.json")).expect("manifest");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    manifest["seed"].as_u64().expect("seed")
}

#[test]
fn force_on_a_foreign_folder_is_refused_and_changes_no_byte() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mine = tmp.path().join("my-project");
    users_folder(&mine);
    let before = snapshot(tmp.path());
    for command in [&["run"][..], &["compare", "baseline", "baseline"][..]] {
        let output = povsim()
            .current_dir(tmp.path())
            .args(command)
            .args(["--replicates", "1", "--out", "my-project", "--force"])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let message = stderr(&output);
        assert!(
            message.contains("my-project is a folder that povsim did not write")
                && message.contains("--out DIR"),
            "{message}"
        );
        assert_eq!(
            snapshot(tmp.path()),
            before,
            "{command:?} changed the user's files"
        );
    }
}

#[test]
fn force_on_a_file_is_refused_and_changes_no_byte() {
    let tmp = tempfile::tempdir().expect("temp dir");
    fs::write(tmp.path().join("results.csv"), "a,b\n1,2\n").expect("write");
    let before = snapshot(tmp.path());
    let output = small_run(tmp.path(), &["--out", "results.csv", "--force"], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("results.csv is a file"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn force_on_a_symlink_is_refused_and_changes_no_byte() {
    let tmp = tempfile::tempdir().expect("temp dir");
    // A link to a real povsim results folder, and a dangling one: neither is followed.
    let made = small_run(tmp.path(), &["--out", "real"], &[]);
    assert!(made.status.success(), "{}", stderr(&made));
    std::os::unix::fs::symlink(tmp.path().join("real"), tmp.path().join("link")).expect("link");
    std::os::unix::fs::symlink(tmp.path().join("gone"), tmp.path().join("dangling")).expect("link");
    let before = snapshot(tmp.path());
    for name in ["link", "dangling"] {
        let output = small_run(tmp.path(), &["--out", name, "--force"], &[]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!("{name} is a symbolic link")),
            "{}",
            stderr(&output)
        );
        assert_eq!(snapshot(tmp.path()), before, "--out {name} changed files");
    }
}

#[test]
fn force_on_a_povsim_folder_with_the_users_own_files_added_is_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let made = small_run(tmp.path(), &["--out", "run"], &[]);
    assert!(made.status.success(), "{}", stderr(&made));
    fs::write(tmp.path().join("run/my-analysis.R"), "plot(x)\n").expect("write");
    let before = snapshot(tmp.path());
    let output = small_run(tmp.path(), &["--out", "run", "--force"], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("my-analysis.R"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot(tmp.path()), before);
    // A report povsim wrote into the folder is its own: replacing is allowed then.
    fs::remove_file(tmp.path().join("run/my-analysis.R")).expect("rm");
    let report = povsim()
        .current_dir(tmp.path())
        .args(["report", "run"])
        .output()
        .expect("runs");
    assert!(report.status.success(), "{}", stderr(&report));
    let again = small_run(tmp.path(), &["--out", "run", "--force"], &[]);
    assert!(again.status.success(), "{}", stderr(&again));
}

#[test]
fn out_problems_are_refused_before_the_simulation_starts() {
    let tmp = tempfile::tempdir().expect("temp dir");
    fs::write(tmp.path().join("a-file"), "x").expect("write");
    let long = "n".repeat(300);
    for (out, expected) in [
        ("a-file/run", "part of its path is a file, not a folder"),
        (long.as_str(), "at most 200 are allowed"),
    ] {
        let before = snapshot(tmp.path());
        // A world far too big to simulate quickly: a refusal that came after the run would
        // take minutes, so a prompt exit 2 shows the check came first.
        let output = povsim()
            .current_dir(tmp.path())
            .args(["run", "--set", "population.villages=20000", "--out", out])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
        assert_eq!(snapshot(tmp.path()), before);
    }
}

#[test]
fn a_replacement_killed_at_any_point_leaves_complete_results_and_the_next_run_cleans_up() {
    for point in ["staged", "swapped", "old-removed"] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let first = small_run(tmp.path(), &["--out", "run", "--seed", "1"], &[]);
        assert!(first.status.success(), "{}", stderr(&first));

        let killed = small_run(
            tmp.path(),
            &["--out", "run", "--seed", "2", "--force"],
            &[("POVSIM_CRASH_AT", point)],
        );
        assert_eq!(
            killed.status.signal(),
            Some(libc_sigabrt()),
            "{point}: {}",
            stderr(&killed)
        );
        let target = tmp.path().join("run");
        assert!(
            complete(&target),
            "{point}: --out is not a complete results folder"
        );
        let expected_seed = if point == "staged" { 1 } else { 2 };
        assert_eq!(seed_of(&target), expected_seed, "{point}");

        let next = small_run(tmp.path(), &["--out", "run", "--seed", "3", "--force"], &[]);
        assert!(next.status.success(), "{point}: {}", stderr(&next));
        assert_eq!(seed_of(&target), 3);
        let left: Vec<String> = fs::read_dir(tmp.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            left,
            vec!["run".to_string()],
            "{point}: leftovers beside the results"
        );
    }
}

/// SIGABRT's number (6 on Linux and the BSDs).
fn libc_sigabrt() -> i32 {
    6
}

#[test]
fn a_closed_standard_output_ends_the_command_quietly() {
    // The reader is gone before povsim writes (the sleep), so the write must meet a closed
    // pipe: povsim ends like `cat` would, by SIGPIPE (status 141), without a panic message.
    for command in ["check", "run --replicates 1 --out piped"] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let output = std::process::Command::new("bash")
            .current_dir(tmp.path())
            .arg("-c")
            .arg(format!(
                "{{ sleep 0.3; '{}' {command}; }} | true; echo \"${{PIPESTATUS[0]}}\"",
                env!("CARGO_BIN_EXE_povsim")
            ))
            .output()
            .expect("bash runs");
        assert_eq!(common::stdout(&output).trim(), "141", "{command}");
        assert_eq!(stderr(&output), "", "{command}");
    }
}
