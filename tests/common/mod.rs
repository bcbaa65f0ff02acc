//! Helpers shared by the integration tests: run the real binary in a temporary folder.

#![allow(dead_code)]

pub mod bands;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The povsim binary built by cargo for these tests.
pub fn povsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_povsim"))
}

/// Run povsim with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    povsim()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the povsim binary runs")
}

/// Path of a fixture file.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Path of a shipped scenario file.
pub fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Overrides that make a run small and quick.
pub const SMALL: [&str; 8] = [
    "--set",
    "population.villages=8",
    "--set",
    "population.households_per_village=80",
    "--set",
    "simulation.months=84",
    "--replicates",
    "3",
];

/// Every file under `dir` (recursively, links not followed) with its bytes; links are recorded
/// with their target. For asserting that a command changed no byte of a user's files.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let meta = std::fs::symlink_metadata(&current).expect("stat");
        let relative = current.strip_prefix(dir).expect("inside").to_path_buf();
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&current).expect("read link");
            files.insert(relative, format!("-> {}", target.display()).into_bytes());
        } else if meta.is_dir() {
            files.insert(relative, b"<dir>".to_vec());
            for entry in std::fs::read_dir(&current).expect("list") {
                stack.push(entry.expect("entry").path());
            }
        } else {
            files.insert(relative, std::fs::read(&current).expect("read"));
        }
    }
    files
}
