//! A calibration's posterior (`posterior.csv` from `povsim calibrate`) as `compare --posterior`
//! uses it: the particles of the final ABC-SMC generation with their weights, and the value of
//! every calibrated parameter in each.
//!
//! The flow: [`file::read`] (parse, check every cell, validate each particle's values through
//! the scenario loader like `--set`, every problem reported at once with file, line and column)
//! -> [`Posterior`] -> [`resample::systematic`] (which particles the draws use) ->
//! [`Particle::overrides`] (one `key=value` override per parameter, applied to each scenario)
//! -> [`predictive::predictive_differences`] (mean, confidence interval and 5-95%
//! posterior-predictive band of each paired difference).

pub mod file;
pub mod predictive;
pub mod resample;

pub use file::{read, read_text, PosteriorError, PosteriorProblem};

/// A validated posterior.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    /// The file as named on the command line (messages, manifest).
    pub label: String,
    /// `sha256:<hex>` of the file's bytes.
    pub sha256: String,
    /// Dotted scenario keys of the calibrated parameters, in column order.
    pub keys: Vec<String>,
    /// The particles, in file order.
    pub particles: Vec<Particle>,
}

/// One particle (a row of the file).
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    /// The particle's id (the `particle` column).
    pub id: u64,
    /// 1-based line of the row in the file.
    pub line: usize,
    /// Normalised weight: the file's weight divided by the sum of all weights (sums to 1).
    pub weight: f64,
    /// The particle's ABC distance, as written.
    pub distance: f64,
    /// One value per key, in key order.
    pub values: Vec<Cell>,
}

/// One parameter value of a particle.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The value as a TOML literal for an override (integers as written, floats in Rust's
    /// shortest round-trip form).
    pub text: String,
    /// The value as a number.
    pub number: f64,
    /// 1-based column (in characters) where the cell starts.
    pub column: usize,
}

impl Particle {
    /// `key=value` overrides of this particle, one per key, leaving out the keys `keep` says
    /// the scenario sets itself (same order as `keys`; `keep[k]` true means key k is skipped).
    pub fn overrides(&self, keys: &[String], keep: &[bool]) -> Vec<String> {
        keys.iter()
            .zip(&self.values)
            .enumerate()
            .filter(|(k, _)| !keep.get(*k).copied().unwrap_or(false))
            .map(|(_, (key, cell))| override_text(key, &cell.text))
            .collect()
    }

    /// The column of the cell whose override text is `text`, if it is one of this particle's.
    pub fn column_of(&self, keys: &[String], text: &str) -> Option<usize> {
        keys.iter()
            .zip(&self.values)
            .find(|(key, cell)| override_text(key, &cell.text) == text)
            .map(|(_, cell)| cell.column)
    }
}

/// The override text `key=value`.
pub fn override_text(key: &str, value: &str) -> String {
    format!("{key}={value}")
}
