//! Helpers shared by the sweep tests (`tests/sweep.rs`, `tests/sweep_safety.rs`,
//! `tests/sweep_fuzz.rs`): the sweep fixtures and running them.

#![allow(dead_code)]

use std::path::Path;
use std::process::Output;

use crate::common::{fixture, run_in, stderr};

/// Path of `tests/fixtures/sweeps/NAME` as text.
pub fn sweep_fixture(name: &str) -> String {
    fixture(&format!("sweeps/{name}"))
        .to_str()
        .expect("UTF-8 path")
        .to_string()
}

/// Run `povsim sweep tests/fixtures/sweeps/NAME ARGS...` in `dir`.
pub fn sweep(dir: &Path, name: &str, args: &[&str]) -> Output {
    let file = sweep_fixture(name);
    let mut all = vec!["sweep", file.as_str()];
    all.extend_from_slice(args);
    run_in(dir, &all)
}

/// Run every shard of `count` of the sweep file `file` into `out` (in `dir`), each succeeding.
pub fn run_shards(dir: &Path, file: &str, count: u32, out: &str) {
    for i in 0..count {
        let shard = format!("{i}/{count}");
        let o = run_in(
            dir,
            &["sweep", file, "--out", out, "--shard", &shard, "--quiet"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
}
