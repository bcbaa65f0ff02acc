//! Error types. A [`UserError`] is something the user can fix (bad scenario, bad option,
//! existing results folder): exit code 2. An [`InternalError`] is a bug in povsim (an invariant
//! of the model broke): exit code 1 with a message saying so. Anything else (I/O) is exit 1.

use std::path::PathBuf;

use crate::scenario::ScenarioError;

/// A problem the user can fix; reported before any work starts.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// The scenario has problems (unknown keys, wrong types, out-of-range values).
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// The scenario file cannot be read.
    #[error("cannot read scenario file {path}: {source}")]
    Unreadable {
        /// The path given.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The results folder exists (povsim's own) and `--force` was not given.
    #[error(
        "results folder {0} already exists; pass --force to replace it, or --out DIR to write elsewhere"
    )]
    OutputExists(PathBuf),
    /// Something at `--out` that povsim did not make: never replaced, even with `--force`.
    #[error(
        "{path} is {what}; povsim replaces only results folders it wrote itself, so it leaves this \
         as it is. Choose another place with --out DIR (or move it away yourself)"
    )]
    OutputNotOurs {
        /// The path given.
        path: PathBuf,
        /// What is there, e.g. "a file".
        what: String,
    },
    /// A results path that cannot be used (name too long, parent is a file, not writable).
    #[error("results folder {path} {problem}")]
    OutputPath {
        /// The path (or the part of it) at fault.
        path: PathBuf,
        /// What is wrong, as the rest of a sentence.
        problem: String,
    },
    /// The sweep file has problems.
    #[error("{0}")]
    Sweep(#[from] crate::sweep::SweepError),
    /// A targets file, calibration file or posterior file has problems.
    #[error("{0}")]
    Input(#[from] crate::calib::toml_read::FileError),
    /// The posterior file of `compare --posterior` has problems.
    #[error("{0}")]
    Posterior(#[from] crate::posterior::PosteriorError),
    /// A command-line value that clap cannot check by itself.
    #[error("{0}")]
    Usage(String),
}

/// A broken model invariant: a bug, never the user's fault.
#[derive(Debug, thiserror::Error)]
#[error("internal error (a bug in povsim, please report it with the manifest): {0}")]
pub struct InternalError(pub String);
