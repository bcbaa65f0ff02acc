//! Helpers shared by the integration tests: run the real binary in a temporary folder.

#![allow(dead_code)]

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
