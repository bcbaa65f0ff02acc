//! Sweeps that cannot be turned against the user (issue 11): sizes refused before anything is
//! allocated, `[set]` validated as a whole, names and generated scripts that no typed text can
//! break out of, results folders that only ever hold povsim's sweep files, and `report` on a
//! sweep folder. Each test is named after the failure it guards against and asserts the exit
//! code, the message, and that no byte of the user's files changed.

mod common;
mod sweep_helpers;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use common::{fixture, run_in, snapshot, stderr, stdout};
use sweep_helpers::{run_shards, sweep, sweep_fixture};

/// Exit code 2, every expected text in the message, no panic.
fn assert_refused(out: &Output, expected: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for text in expected {
        assert!(err.contains(text), "missing {text:?} in\n{err}");
    }
}

/// A folder of the user's own: notes and files named like a sweep's outputs.
fn users_folder(root: &Path) -> PathBuf {
    let dir = root.join("mine");
    fs::create_dir_all(dir.join("charts")).expect("mkdir");
    fs::write(dir.join("notes.txt"), "my field notes\n").expect("write");
    fs::write(dir.join("points.csv"), "my,own\n1,2\n").expect("write");
    fs::write(dir.join("sweep.csv"), "my,sweep\n").expect("write");
    fs::write(dir.join("charts/map.png"), b"\x89PNG mine").expect("write");
    dir
}

#[test]
fn a_grid_of_120_to_the_6_points_is_refused_before_allocating_naming_the_limit() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let out = sweep(
        tmp.path(),
        "grid_of_120_to_the_6_points.toml",
        &["--out", "big"],
    );
    assert_refused(
        &out,
        &[
            "grid_of_120_to_the_6_points.toml:3:2: the sweep asks for 2985984000000 points",
            "120 x 120 x 120 x 120 x 120 x 120",
            "x 2 replicates = 5971968000000 runs",
            "at most 100000 points and 1000000 runs",
        ],
    );
    // A generous bound that only a hang or a huge allocation would exceed.
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(!tmp.path().join("big").exists());
}

#[test]
fn a_grid_of_2_to_the_64_points_is_refused_not_written_as_an_empty_complete_sweep() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = sweep(
        tmp.path(),
        "grid_of_2_to_the_64_points.toml",
        &["--out", "wrap"],
    );
    assert_refused(
        &out,
        &[
            "grid_of_2_to_the_64_points.toml:2:2: the sweep asks for more than 18446744073709551615 points",
            "16 x 16 x 16 x 16 x 16 x 16 x 16 x 16 x ... (16 keys)",
        ],
    );
    assert!(!tmp.path().join("wrap").exists());
}

#[test]
fn a_grid_of_3_times_2_to_the_63_points_is_refused_without_a_panic() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = sweep(
        tmp.path(),
        "grid_of_3_times_2_to_the_63_points.toml",
        &["--out", "x"],
    );
    assert_refused(
        &out,
        &["more than 18446744073709551615 points", "3 x 2 x 2"],
    );
    assert!(!tmp.path().join("x").exists());
}

#[test]
fn a_grid_of_64_million_points_is_refused_at_once() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let out = sweep(
        tmp.path(),
        "grid_of_64_million_points.toml",
        &["--out", "x"],
    );
    assert_refused(&out, &["the sweep asks for 67108864 points"]);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(!tmp.path().join("x").exists());
}

#[test]
fn sampled_designs_over_the_limits_are_refused_before_sampling() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = sweep(
        tmp.path(),
        "morris_with_too_many_points.toml",
        &["--out", "m"],
    );
    assert_refused(
        &out,
        &[
            "morris_with_too_many_points.toml:4:16: the sweep asks for 210000 points (`trajectories` = 10000 x (20 keys + 1))",
            "at most 100000 points",
        ],
    );
    let out = sweep(tmp.path(), "lhs_with_too_many_runs.toml", &["--out", "l"]);
    assert_refused(
        &out,
        &[
            "lhs_with_too_many_runs.toml:5:10: the sweep asks for 100000 points (`points` = 100000) x 20 replicates = 2000000 runs",
        ],
    );
    assert!(!tmp.path().join("m").exists() && !tmp.path().join("l").exists());
}

#[test]
fn set_entries_valid_only_together_are_accepted() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = sweep(
        tmp.path(),
        "set_valid_only_together.toml",
        &["--out", "s", "--quiet"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("s/manifest.json")).expect("manifest"))
            .expect("JSON");
    assert_eq!(manifest["base_scenario"]["population"]["villages"], 2);
    assert_eq!(manifest["base_scenario"]["population"]["counties"], 1);
}

#[test]
fn a_set_entry_clashing_with_the_base_is_reported_at_the_sweep_files_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = sweep(
        tmp.path(),
        "set_clashing_with_the_base.toml",
        &["--out", "s"],
    );
    assert_refused(
        &out,
        &[
            "set_clashing_with_the_base.toml:4:25: `population.counties` = 4 (the default, \
             limited by `population.villages`) is out of range",
            "at most one county per village (`population.villages` = 2)",
        ],
    );
    assert!(!stderr(&out).contains("default:"), "{}", stderr(&out));
    assert!(!tmp.path().join("s").exists());
}

#[test]
fn a_name_with_a_newline_is_refused_at_its_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = sweep(tmp.path(), "name_with_a_newline.toml", &["--slurm"]);
    assert_refused(
        &out,
        &[
            "name_with_a_newline.toml:2:8: `name`: the name \"x\\ntouch INJECTED\" contains '\\n'",
            "allowed: 1 to 100 characters from A-Z a-z 0-9 . _ -",
        ],
    );
    assert_eq!(snapshot(tmp.path()).len(), 1, "nothing written");
}

#[test]
fn a_name_leaving_outputs_is_refused_and_nothing_is_written_outside() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let inner = tmp.path().join("work");
    fs::create_dir_all(&inner).expect("mkdir");
    let out = sweep(&inner, "name_leaving_outputs.toml", &[]);
    assert_refused(
        &out,
        &["name_leaving_outputs.toml:2:8: `name`: the name \"../escaped\" contains '/'"],
    );
    assert_eq!(snapshot(tmp.path()).len(), 2, "nothing written");
    // A file name that is not a safe name needs a `name`.
    let odd = tmp.path().join("my sweep.toml");
    fs::copy(fixture("sweeps/grid_small.toml"), &odd).expect("copy");
    let out = run_in(&inner, &["sweep", odd.to_str().expect("UTF-8")]);
    assert_refused(
        &out,
        &[
            "the sweep is named after its file, and the name \"my sweep\" contains ' '",
            "add `name = \"...\"`",
        ],
    );
}

#[test]
fn a_sweep_file_over_one_mib_or_endless_is_refused_before_parsing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let big = tmp.path().join("big.toml");
    let mut text = String::from("[grid]\n\"cadres.admin_burden\" = [0.2]\n");
    text.push_str(&"# padding\n".repeat(110_000));
    fs::write(&big, text).expect("write");
    let out = run_in(tmp.path(), &["sweep", "big.toml"]);
    assert_refused(
        &out,
        &["big.toml is 1100037 bytes; at most 1048576 bytes (1 MiB) are allowed"],
    );
    let out = run_in(tmp.path(), &["sweep", "/dev/zero"]);
    assert_refused(&out, &["/dev/zero: it is not a regular file"]);
    assert!(!tmp.path().join("outputs").exists());
}

#[test]
fn a_sweep_file_with_tens_of_thousands_of_entries_is_checked_in_linear_time() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut set = String::from("[set]\n");
    let mut grid = String::from("[grid]\n");
    for i in 0..15_000 {
        set.push_str(&format!("\"population.unknown{i}\" = {i}\n"));
        grid.push_str(&format!("\"cadres.unknown{i}\" = [{i}]\n"));
    }
    fs::write(tmp.path().join("many.toml"), format!("{set}{grid}")).expect("write");
    let started = Instant::now();
    let out = run_in(tmp.path(), &["sweep", "many.toml"]);
    assert_refused(
        &out,
        &[
            "many.toml has 30000 problems",
            "many.toml:15001:29: unknown key `population.unknown14999`",
            "many.toml:30002:26: unknown key `cadres.unknown14999`",
        ],
    );
    // Quadratic work (the former code) took minutes here; a hang detector, not a speed test.
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn sweep_into_a_users_non_empty_folder_is_refused_even_with_force_and_no_byte_changes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = users_folder(tmp.path());
    let before = snapshot(tmp.path());
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec!["--out", "mine", "--quiet"];
        args.extend_from_slice(extra);
        let out = sweep(tmp.path(), "grid_small.toml", &args);
        assert_refused(
            &out,
            &[
                "--out mine holds files that povsim's sweep did not write (charts/, notes.txt, points.csv, sweep.csv)",
                "--force does not change that",
            ],
        );
        assert_eq!(snapshot(tmp.path()), before, "{}", dir.display());
    }
}

#[test]
fn sweep_into_a_run_results_folder_is_refused_even_with_force() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let run = run_in(
        tmp.path(),
        &[
            "run",
            "--out",
            "r",
            "--quiet",
            "--set",
            "population.villages=4",
            "--set",
            "population.households_per_village=20",
            "--set",
            "simulation.months=24",
            "--replicates",
            "1",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let before = snapshot(tmp.path());
    let out = sweep(tmp.path(), "grid_small.toml", &["--out", "r", "--force"]);
    assert_refused(
        &out,
        &[
            "--out r holds files that povsim's sweep did not write",
            "manifest.json",
        ],
    );
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn sweep_out_that_is_a_file_or_a_symlink_is_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    fs::write(tmp.path().join("file"), "mine").expect("write");
    fs::create_dir(tmp.path().join("elsewhere")).expect("mkdir");
    std::os::unix::fs::symlink(tmp.path().join("elsewhere"), tmp.path().join("link"))
        .expect("symlink");
    std::os::unix::fs::symlink(tmp.path().join("gone"), tmp.path().join("dangling"))
        .expect("symlink");
    let before = snapshot(tmp.path());
    for (out_dir, what) in [
        ("file", "is a file"),
        ("link", "is a symbolic link"),
        ("dangling", "is a symbolic link"),
    ] {
        for force in [false, true] {
            let mut args = vec!["--out", out_dir];
            if force {
                args.push("--force");
            }
            let out = sweep(tmp.path(), "grid_small.toml", &args);
            assert_refused(&out, &[&format!("--out {out_dir} {what}, not a folder")]);
        }
    }
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn force_removes_only_the_sweeps_files_and_keeps_the_users_files_in_charts() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let first = sweep(tmp.path(), "lhs_small.toml", &["--out", "f", "--quiet"]);
    assert!(first.status.success(), "{}", stderr(&first));
    fs::write(tmp.path().join("f/charts/my_notes.txt"), "keep me").expect("write");
    let forced = sweep(
        tmp.path(),
        "grid_small.toml",
        &["--out", "f", "--quiet", "--force"],
    );
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_eq!(
        fs::read(tmp.path().join("f/charts/my_notes.txt")).expect("kept"),
        b"keep me"
    );
    // The earlier sweep's own charts are gone, the new sweep's are there.
    assert!(!tmp
        .path()
        .join("f/charts/scatter_poverty_household_years.png")
        .exists());
    assert!(tmp
        .path()
        .join("f/charts/heatmap_poverty_household_years.png")
        .exists());
}

#[test]
fn a_symbolic_link_inside_a_sweep_folder_is_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let first = sweep(
        tmp.path(),
        "lhs_small.toml",
        &["--out", "f", "--quiet", "--max-points", "1"],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    fs::create_dir(tmp.path().join("elsewhere")).expect("mkdir");
    fs::write(tmp.path().join("elsewhere/precious.txt"), "mine").expect("write");
    std::os::unix::fs::symlink(tmp.path().join("elsewhere"), tmp.path().join("f/charts"))
        .expect("symlink");
    let before = snapshot(tmp.path());
    let out = sweep(tmp.path(), "lhs_small.toml", &["--out", "f", "--force"]);
    assert_refused(&out, &["charts (a symbolic link)"]);
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn merge_refuses_a_folder_with_the_users_files_and_a_symlink() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = sweep_fixture("lhs_small.toml");
    run_shards(tmp.path(), &file, 2, "x");
    fs::write(tmp.path().join("x/notes.txt"), "mine").expect("write");
    let before = snapshot(tmp.path());
    let out = run_in(tmp.path(), &["merge", "x", "--force"]);
    assert_refused(
        &out,
        &["merge x holds files that povsim's sweep did not write (notes.txt)"],
    );
    assert_eq!(snapshot(tmp.path()), before);
    std::os::unix::fs::symlink(tmp.path().join("x"), tmp.path().join("l")).expect("symlink");
    let out = run_in(tmp.path(), &["merge", "l"]);
    assert_refused(&out, &["merge l is a symbolic link, not a folder"]);
    // Without the user's file the shards merge.
    fs::remove_file(tmp.path().join("x/notes.txt")).expect("remove");
    let out = run_in(tmp.path(), &["merge", "x", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_crashed_sweeps_temporary_files_are_removed_by_the_next_sweep_when_their_process_is_gone() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let first = sweep(
        tmp.path(),
        "grid_small.toml",
        &["--out", "f", "--quiet", "--max-points", "2"],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    // A process that has ended: its id is free (and not reused this quickly).
    let mut child = std::process::Command::new("true").spawn().expect("spawn");
    let dead = child.id();
    child.wait().expect("wait");
    let stale = tmp.path().join(format!("f/.sweep.csv.tmp-{dead}"));
    let live = tmp
        .path()
        .join(format!("f/.points.csv.tmp-{}", std::process::id()));
    fs::write(&stale, "half").expect("write");
    fs::write(&live, "in progress").expect("write");
    let rest = sweep(tmp.path(), "grid_small.toml", &["--out", "f", "--quiet"]);
    assert!(rest.status.success(), "{}", stderr(&rest));
    assert!(!stale.exists(), "the dead process's file is removed");
    assert!(live.exists(), "a live process's file is left alone");
}

#[test]
fn report_on_a_sweep_folder_is_refused_with_exit_2_saying_where_the_charts_are() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = sweep(tmp.path(), "lhs_small.toml", &["--out", "s", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = snapshot(tmp.path());
    let report = run_in(tmp.path(), &["report", "s"]);
    assert_refused(
        &report,
        &[
            "s is a sweep folder; povsim report works on run and compare folders",
            "the sweep's charts are in s/charts",
        ],
    );
    assert_eq!(snapshot(tmp.path()), before);
}

/// A stub for `sbatch` and `srun` that leaves a marker if anything calls it.
fn stub_path(root: &Path) -> String {
    let bin = root.join("stubs");
    fs::create_dir_all(&bin).expect("mkdir");
    for name in ["sbatch", "srun"] {
        let path = bin.join(name);
        fs::write(
            &path,
            format!("#!/bin/sh\ntouch '{}/STUB_CALLED'\n", root.display()),
        )
        .expect("write");
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn typed_text_in_the_slurm_script_stays_inert_when_the_script_runs() {
    let tmp = tempfile::tempdir().expect("temp dir");
    // A sweep file in a folder whose name holds every shell metacharacter.
    let weird = tmp
        .path()
        .join("it's $(touch INJECTED1) `touch INJECTED2`; touch INJECTED3 \"q\" & x");
    fs::create_dir_all(&weird).expect("mkdir");
    let file = weird.join("lhs_small.toml");
    fs::copy(fixture("sweeps/lhs_small.toml"), &file).expect("copy");
    let out_dir = "out$(touch${IFS}INJECTED4);x|y&z";
    let out = run_in(
        tmp.path(),
        &[
            "sweep",
            file.to_str().expect("UTF-8"),
            "--slurm",
            "--shards",
            "2",
            "--out",
            out_dir,
            "--sbatch=--partition=short",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let script_path = tmp.path().join(out_dir).join("sweep.sbatch");
    let script = fs::read_to_string(&script_path).expect("script");
    assert!(script.contains("#SBATCH --partition=short\n"), "{script}");
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script_path)
        .output()
        .expect("bash runs");
    assert!(check.status.success(), "{}", stderr(&check));
    // Run the script as array task 0 would, with sbatch and srun stubbed.
    let task = std::process::Command::new("bash")
        .arg(&script_path)
        .current_dir(tmp.path())
        .env("PATH", stub_path(tmp.path()))
        .env("SLURM_ARRAY_TASK_ID", "0")
        .env("SLURM_CPUS_PER_TASK", "1")
        .output()
        .expect("bash runs");
    assert!(task.status.success(), "{}", stderr(&task));
    assert!(tmp
        .path()
        .join(out_dir)
        .join("shards/shard-0-of-2.csv")
        .exists());
    assert!(!tmp.path().join("STUB_CALLED").exists());
    for marker in ["INJECTED1", "INJECTED2", "INJECTED3", "INJECTED4"] {
        assert!(!tmp.path().join(marker).exists(), "{marker} was created");
        assert!(!weird.join(marker).exists(), "{marker} was created");
    }
}

#[test]
fn sbatch_options_or_paths_that_could_start_a_command_are_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for option in [
        "--partition=short\ntouch INJECTED",
        "--comment=$(touch INJECTED) x",
        "--x=`touch INJECTED`\"",
        "touch INJECTED",
    ] {
        let flag = format!("--sbatch={option}");
        let out = sweep(
            tmp.path(),
            "grid_small.toml",
            &["--slurm", "--out", "c", &flag],
        );
        assert_refused(
            &out,
            &[
                "--sbatch",
                "is refused: allowed one sbatch option per --sbatch",
            ],
        );
    }
    let out = sweep(
        tmp.path(),
        "grid_small.toml",
        &["--slurm", "--out", "c\ntouch INJECTED"],
    );
    assert_refused(&out, &["contains a control character"]);
    let out = sweep(tmp.path(), "grid_small.toml", &["--slurm", "--out", "c d"]);
    assert_refused(&out, &["cannot carry ' '"]);
    assert_eq!(snapshot(tmp.path()).len(), 1, "nothing written");
    assert!(stdout(&out).is_empty());
}
