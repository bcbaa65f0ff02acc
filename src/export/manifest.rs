//! `manifest.json`: what produced a results folder, enough to reproduce and cite it.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::params::Params;

/// The manifest of one results folder.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// povsim version (Cargo package version).
    pub povsim_version: String,
    /// What was run: `run`, `compare`, ...
    pub command: String,
    /// The full command line as given.
    pub command_line: Vec<String>,
    /// What was run: the scenario's name, its source and every override.
    pub title: String,
    /// Where the scenario came from (file path or `<built-in baseline>`).
    pub scenario_source: String,
    /// `--set` overrides, in order.
    pub overrides: Vec<String>,
    /// Master seed.
    pub seed: u64,
    /// Replicates.
    pub replicates: u32,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Start time, UTC, RFC 3339.
    pub started_at: String,
    /// End time, UTC, RFC 3339.
    pub finished_at: String,
    /// `sha256:` of the resolved scenario as TOML (`scenario.toml` in this folder).
    pub scenario_hash: String,
    /// The resolved scenario, every parameter with its value.
    pub scenario: Params,
    /// Files in the folder besides the manifest.
    pub files: Vec<String>,
}

/// `sha256:<hex>` of a text.
pub fn hash_text(text: &str) -> String {
    hash_bytes(text.as_bytes())
}

/// `sha256:<hex>` of bytes (e.g. an input file, as read).
pub fn hash_bytes(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Current time as RFC 3339 (UTC, seconds).
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}
