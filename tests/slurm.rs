//! The cluster paths of `povsim sweep` and `povsim calibrate`, on a real Slurm: `--slurm`
//! writes a job-array script, Slurm runs one array task per shard, `povsim merge` joins the
//! shards, and the merged outputs (`sweep.csv` and `points.csv`; the calibration's posterior,
//! summary, generations, fit and median scenario) are byte-identical to an unsharded run's.
//!
//! Needs a running Slurm (`.ci/slurm-up.sh`, then `export SLURM_CONF=...` as it prints;
//! `.ci/run` does both). The test is ignored (and reported as ignored) unless the build saw
//! `POVSIM_REQUIRE_SLURM=1` (see `build.rs`; CI sets it); then a missing Slurm is a failure.
//! `cargo test --release -- --ignored slurm` runs it by hand against a Slurm you started.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{povsim, scenario, stderr, stdout};

/// Shards (array tasks) the cluster sweep is split into.
const SHARDS: usize = 3;
/// Longest wait for the job array to finish.
const JOB_TIMEOUT: Duration = Duration::from_secs(300);
/// Slurm job states after which a job (or array task) will not change any more.
const FINAL_STATES: [&str; 9] = [
    "COMPLETED",
    "FAILED",
    "CANCELLED",
    "TIMEOUT",
    "NODE_FAIL",
    "PREEMPTED",
    "BOOT_FAIL",
    "DEADLINE",
    "OUT_OF_MEMORY",
];

/// A small sweep: 2 x 2 grid points, 2 replicates each, in a world small enough to run in
/// well under a second per replicate.
fn sweep_file(base: &Path) -> String {
    let base = base
        .to_str()
        .expect("repository path is UTF-8")
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    format!(
        r#"# Written by tests/slurm.rs
base = "{base}"
replicates = 2
seed = 1

[set]
"population.villages" = 6
"population.households_per_village" = 60
"simulation.months" = 36

[grid]
"cadres.admin_burden" = [0.2, 0.8]
"policy.strict_margin" = [1.1, 1.5]
"#
    )
}

/// The slurm.conf to use: `SLURM_CONF` if set, else the one `.ci/slurm-up.sh` writes by
/// default (`$POVSIM_SLURM_DIR/slurm.conf`, `/tmp/povsim-slurm/slurm.conf`) if it exists.
fn slurm_conf() -> Option<PathBuf> {
    if let Some(conf) = std::env::var_os("SLURM_CONF") {
        return Some(PathBuf::from(conf));
    }
    let dir = std::env::var_os("POVSIM_SLURM_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/povsim-slurm"));
    let conf = dir.join("slurm.conf");
    conf.is_file().then_some(conf)
}

/// A Slurm client command (`sbatch`, `squeue`...) pointed at our cluster.
fn slurm(program: &str) -> Command {
    let mut command = Command::new(program);
    if let Some(conf) = slurm_conf() {
        command.env("SLURM_CONF", conf);
    }
    command
}

fn run(mut command: Command) -> Output {
    let shown = format!("{command:?}");
    command
        .output()
        .unwrap_or_else(|e| panic!("could not run {shown}: {e}"))
}

/// True if `program` is an executable file in a directory on PATH.
fn on_path(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            fs::metadata(dir.join(program))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

/// Run `command`, killing it if it has not finished within `limit`.
fn output_within(mut command: Command, limit: Duration) -> Result<Output, String> {
    use std::process::Stdio;
    let shown = format!("{command:?}");
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run {shown}: {e}"))?;
    let start = Instant::now();
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{shown} did not answer within {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().map_err(|e| e.to_string())
}

/// `Ok` if sbatch is on PATH and sinfo answers with a node that can take jobs; else why not.
fn slurm_ready() -> Result<(), String> {
    for program in ["sbatch", "sinfo", "squeue"] {
        if !on_path(program) {
            return Err(format!("{program} is not on PATH"));
        }
    }
    // Without a config file the Slurm commands retry for a minute before giving up.
    let conf = slurm_conf().unwrap_or_else(|| PathBuf::from("/etc/slurm/slurm.conf"));
    if !conf.is_file() {
        return Err(format!(
            "no Slurm configuration ({} does not exist; SLURM_CONF is not set)",
            conf.display()
        ));
    }
    let mut sinfo = slurm("sinfo");
    sinfo.args(["-h", "-N", "-o", "%N %T"]);
    let out = output_within(sinfo, Duration::from_secs(30))?;
    if !out.status.success() {
        return Err(format!(
            "sinfo failed (is slurmctld running? config {}): {}",
            conf.display(),
            stderr(&out).trim()
        ));
    }
    let nodes = stdout(&out);
    let usable = nodes.lines().any(|line| {
        let state = line.split_whitespace().nth(1).unwrap_or("");
        ["idle", "mixed", "allocated", "completing"].contains(&state)
    });
    if !usable {
        return Err(format!("sinfo shows no node that can take jobs: {nodes:?}"));
    }
    Ok(())
}

/// Everything that helps to see why the cluster run failed, as text.
fn diagnostics(out_dir: &Path, job: Option<&str>) -> String {
    let mut text = String::new();
    let script = out_dir.join("sweep.sbatch");
    text += &format!(
        "===== {} =====\n{}\n",
        script.display(),
        fs::read_to_string(&script).unwrap_or_else(|e| format!("(unreadable: {e})"))
    );
    // Slurm's output files (slurm-%A_%a.out by default, or wherever the script put them).
    let mut stack = vec![out_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                stack.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("out" | "err" | "log")
            ) {
                text += &format!("===== {} =====\n{}\n", path.display(), tail(&path, 4000));
            }
        }
    }
    if let Some(job) = job {
        let out = slurm("scontrol").args(["show", "job", job]).output();
        if let Ok(out) = out {
            text += &format!(
                "===== scontrol show job {job} =====\n{}{}\n",
                stdout(&out),
                stderr(&out)
            );
        }
    }
    if let Some(log) = slurm_conf().and_then(|c| c.parent().map(|d| d.join("slurmd.log"))) {
        text += &format!("===== {} =====\n{}\n", log.display(), tail(&log, 3000));
    }
    text
}

/// The last `limit` bytes of a file, as text.
fn tail(path: &Path, limit: usize) -> String {
    match fs::read(path) {
        Ok(bytes) => {
            let start = bytes.len().saturating_sub(limit);
            String::from_utf8_lossy(&bytes[start..]).into_owned()
        }
        Err(e) => format!("(unreadable: {e})"),
    }
}

/// Wait until every task of array job `job` is in a final state; returns (task, state) pairs.
fn wait_for_job(job: &str, out_dir: &Path) -> Vec<(String, String)> {
    let start = Instant::now();
    let mut seen: Vec<(String, String)> = Vec::new();
    loop {
        // -t all also lists finished tasks (kept for MinJobAge seconds).
        let out = run({
            let mut c = slurm("squeue");
            c.args(["-h", "-t", "all", "-j", job, "-o", "%i|%T"]);
            c
        });
        if out.status.success() {
            seen = stdout(&out)
                .lines()
                .filter_map(|line| line.split_once('|'))
                .map(|(id, state)| (id.trim().to_string(), state.trim().to_string()))
                .collect();
            if !seen.is_empty() && seen.iter().all(|(_, s)| FINAL_STATES.contains(&s.as_str())) {
                return seen;
            }
        } else if !seen.is_empty() {
            // The job's record is gone (purged after MinJobAge): it finished.
            return seen;
        }
        if start.elapsed() > JOB_TIMEOUT {
            let _ = slurm("scancel").arg(job).output();
            panic!(
                "job {job} not finished after {JOB_TIMEOUT:?}; last seen {seen:?}\n{}",
                diagnostics(out_dir, Some(job))
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[test]
#[cfg_attr(
    not(povsim_require_slurm),
    ignore = "needs a running Slurm: .ci/run starts one and sets POVSIM_REQUIRE_SLURM=1"
)]
fn slurm_job_array_merges_to_the_unsharded_sweep() {
    if let Err(why) = slurm_ready() {
        panic!(
            "Slurm is not usable: {why}. Start it with .ci/slurm-up.sh and export the \
             SLURM_CONF it prints (or run .ci/run, which does both)."
        );
    }

    // Under /tmp: the job's processes (slurmd, same machine) must see these paths.
    let tmp = tempfile::Builder::new()
        .prefix("povsim-slurm-test-")
        .tempdir_in("/tmp")
        .expect("temp dir in /tmp");
    let sweep = tmp.path().join("sweep.toml");
    fs::write(&sweep, sweep_file(&scenario("baseline.toml"))).expect("write sweep file");
    let cluster = tmp.path().join("cluster");
    let local = tmp.path().join("local");

    // 1. povsim writes the job-array script.
    let shards = SHARDS.to_string();
    let out = run({
        let mut c = povsim();
        c.current_dir(tmp.path())
            .arg("sweep")
            .arg(&sweep)
            .args(["--slurm", "--shards", &shards]);
        c.arg("--out").arg(&cluster);
        c
    });
    assert!(
        out.status.success(),
        "povsim sweep --slurm failed:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    let script = cluster.join("sweep.sbatch");
    assert!(script.is_file(), "{} was not written", script.display());

    // 2. Slurm runs it: one array task per shard.
    let out = run({
        let mut c = slurm("sbatch");
        c.current_dir(&cluster).arg("--parsable").arg(&script);
        c
    });
    assert!(
        out.status.success(),
        "sbatch {} failed: {}\n{}",
        script.display(),
        stderr(&out),
        diagnostics(&cluster, None)
    );
    // --parsable prints "JOBID" or "JOBID;CLUSTER".
    let job = stdout(&out)
        .trim()
        .split(';')
        .next()
        .unwrap_or("")
        .to_string();
    assert!(
        !job.is_empty() && job.chars().all(|c| c.is_ascii_digit()),
        "sbatch printed no job id: {:?}",
        stdout(&out)
    );
    let tasks = wait_for_job(&job, &cluster);
    let failed: Vec<_> = tasks.iter().filter(|(_, s)| s != "COMPLETED").collect();
    assert!(
        failed.is_empty(),
        "array tasks did not complete: {failed:?}\n{}",
        diagnostics(&cluster, Some(&job))
    );
    assert_eq!(
        tasks.len(),
        SHARDS,
        "expected one array task per shard ({SHARDS}), Slurm ran {tasks:?}\n{}",
        diagnostics(&cluster, Some(&job))
    );

    // 3. Merge the shards.
    let out = run({
        let mut c = povsim();
        c.current_dir(tmp.path()).arg("merge").arg(&cluster);
        c
    });
    assert!(
        out.status.success(),
        "povsim merge failed:\n{}{}\n{}",
        stdout(&out),
        stderr(&out),
        diagnostics(&cluster, Some(&job))
    );

    // 4. The same sweep, unsharded, on this machine.
    let out = run({
        let mut c = povsim();
        c.current_dir(tmp.path()).arg("sweep").arg(&sweep);
        c.arg("--out").arg(&local);
        c
    });
    assert!(
        out.status.success(),
        "povsim sweep (unsharded) failed:\n{}{}",
        stdout(&out),
        stderr(&out)
    );

    // 5. Byte for byte the same.
    for file in ["sweep.csv", "points.csv"] {
        let merged = fs::read(cluster.join(file))
            .unwrap_or_else(|e| panic!("merged {file} unreadable: {e}"));
        let whole = fs::read(local.join(file))
            .unwrap_or_else(|e| panic!("unsharded {file} unreadable: {e}"));
        assert!(!whole.is_empty(), "unsharded {file} is empty");
        assert!(
            merged == whole,
            "merged {file} differs from the unsharded run's\n--- merged\n{}\n--- unsharded\n{}",
            String::from_utf8_lossy(&merged),
            String::from_utf8_lossy(&whole)
        );
    }
    let points = fs::read_to_string(local.join("points.csv")).expect("points.csv is text");
    assert!(
        points.lines().count() > 4,
        "points.csv should have a header and the 4 grid points:\n{points}"
    );
}

/// Shards of the cluster calibration: they must run at the same time, so no more than the
/// one-node test cluster's CPUs (two), one CPU each.
const CALIBRATION_SHARDS: usize = 2;

#[test]
#[cfg_attr(
    not(povsim_require_slurm),
    ignore = "needs a running Slurm: .ci/run starts one and sets POVSIM_REQUIRE_SLURM=1"
)]
fn slurm_calibration_array_merges_to_the_unsharded_calibration() {
    if let Err(why) = slurm_ready() {
        panic!(
            "Slurm is not usable: {why}. Start it with .ci/slurm-up.sh and export the \
             SLURM_CONF it prints (or run .ci/run, which does both)."
        );
    }
    let tmp = tempfile::Builder::new()
        .prefix("povsim-slurm-calibrate-")
        .tempdir_in("/tmp")
        .expect("temp dir in /tmp");
    let file = tmp.path().join("small.toml");
    fs::copy(common::fixture("calibration/good.toml"), &file).expect("copy the calibration");
    let cluster = tmp.path().join("cluster");
    let local = tmp.path().join("local");
    let shards = CALIBRATION_SHARDS.to_string();

    // 1. povsim writes the job-array script; Slurm runs it; task 0 merges.
    let out = run({
        let mut c = povsim();
        c.current_dir(tmp.path())
            .arg("calibrate")
            .arg(&file)
            .args(["--slurm", &shards])
            .arg("--out")
            .arg(&cluster);
        c
    });
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let script = cluster.join("calibrate.sbatch");
    let out = run({
        let mut c = slurm("sbatch");
        c.current_dir(&cluster).arg("--parsable").arg(&script);
        c
    });
    assert!(out.status.success(), "sbatch failed: {}", stderr(&out));
    let job = stdout(&out)
        .trim()
        .split(';')
        .next()
        .unwrap_or("")
        .to_string();
    let tasks = wait_for_job(&job, &cluster);
    let failed: Vec<_> = tasks.iter().filter(|(_, s)| s != "COMPLETED").collect();
    assert!(
        failed.is_empty() && tasks.len() == CALIBRATION_SHARDS,
        "array tasks: {tasks:?}\n{}",
        diagnostics(&cluster, Some(&job))
    );

    // 2. The same calibration, unsharded, here; byte for byte the same outputs.
    let out = run({
        let mut c = povsim();
        c.current_dir(tmp.path())
            .arg("calibrate")
            .arg(&file)
            .arg("--out")
            .arg(&local)
            .arg("-q");
        c
    });
    assert!(out.status.success(), "{}", stderr(&out));
    for name in [
        "posterior.csv",
        "posterior_summary.csv",
        "generations.csv",
        "fit.csv",
        "posterior_median.toml",
    ] {
        let merged = fs::read(cluster.join(name)).unwrap_or_else(|e| {
            panic!(
                "{name} of the cluster run: {e}\n{}",
                diagnostics(&cluster, Some(&job))
            )
        });
        let whole = fs::read(local.join(name)).expect("unsharded output");
        assert!(
            merged == whole,
            "{name} differs from the unsharded calibration's"
        );
    }
}
