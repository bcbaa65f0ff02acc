//! Parameter sweeps: a sweep file names a base scenario and the keys to vary (a full grid of
//! values, a Latin hypercube, Morris trajectories or a Saltelli design for Sobol' indices over
//! ranges); every point x replicate runs with common random numbers (the same seed at every
//! point), and the results are reduced to `sweep.csv` (one row per point x replicate),
//! `points.csv` (per point: mean and 5-95% band), `sensitivity.csv` (Morris elementary effects
//! or Sobol' indices, with bootstrap intervals) and charts.
//!
//! The flow: [`file::resolve`] (parse, check every problem, validate every point through the
//! scenario loader) -> [`SweepPlan`] -> [`run`] (points in an interleaved order, each finished
//! point appended to a journal that survives interruption; shards for clusters) ->
//! [`output::finish`] (sorted by point and replicate, so the bytes do not depend on the order
//! points finished in, on the thread count or on sharding).

mod blame;
pub mod bootstrap;
pub mod charts;
pub mod command;
pub mod design;
pub mod file;
pub mod folder;
pub mod inert;
pub mod journal;
pub mod names;
pub mod output;
pub mod slurm;
pub mod sobol;

use serde::{Deserialize, Serialize};

use crate::export::manifest::hash_text;
use crate::params::Params;

pub use command::{merge_command, sweep_command};
use design::MorrisStep;
use sobol::SaltelliCell;

/// How the points were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Full factorial over listed values.
    Grid,
    /// Latin hypercube sample over ranges.
    Lhs,
    /// Morris elementary-effects trajectories over ranges.
    Morris,
    /// Saltelli design over ranges, for Sobol' first-order and total indices.
    Sobol,
}

impl Method {
    /// The name used in sweep files.
    pub fn key(self) -> &'static str {
        match self {
            Method::Grid => "grid",
            Method::Lhs => "lhs",
            Method::Morris => "morris",
            Method::Sobol => "sobol",
        }
    }
}

/// What a swept key takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FactorKind {
    /// Listed values (as written, strings unquoted).
    Values {
        /// The values in file order.
        values: Vec<String>,
    },
    /// A sampled range [low, high]; integer keys are rounded.
    Range {
        /// Low end.
        low: f64,
        /// High end.
        high: f64,
        /// The key takes whole numbers.
        integer: bool,
    },
}

/// One swept key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// Dotted scenario key, e.g. `cadres.admin_burden`.
    pub key: String,
    /// Its values or range.
    #[serde(flatten)]
    pub kind: FactorKind,
}

/// One point of the design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanPoint {
    /// Point id (0-based, the row order of the outputs).
    pub id: u32,
    /// The value of each factor, as shown in the CSVs.
    pub values: Vec<String>,
    /// The overrides that make this point (`key=value`, applied after `[set]`).
    pub overrides: Vec<String>,
    /// Unit-cube coordinates (sampled designs).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unit: Option<Vec<f64>>,
    /// Trajectory and step (Morris).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub morris: Option<MorrisStep>,
    /// Base row and matrix (Sobol).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub saltelli: Option<SaltelliCell>,
}

/// A resolved sweep: everything needed to run it and to merge its shards. Stored in every
/// manifest; its hash identifies the sweep (shards of different sweeps are never merged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPlan {
    /// povsim version that resolved it (shards of different versions are not merged).
    pub povsim_version: String,
    /// The sweep file as given.
    pub source: String,
    /// Sweep name (default: the file name), names the default results folder.
    pub name: String,
    /// The base scenario (file or built-in baseline).
    pub base: String,
    /// How points were chosen.
    pub method: Method,
    /// Replicates per point.
    pub replicates: u32,
    /// Master seed, the same at every point (common random numbers).
    pub seed: u64,
    /// Overrides applied at every point (`[set]`, seed, replicates).
    pub set: Vec<String>,
    /// The swept keys.
    pub factors: Vec<Factor>,
    /// Morris grid levels.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub levels: Option<u32>,
    /// Bootstrap resamples of the sensitivity intervals (Morris and Sobol).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bootstrap: Option<u32>,
    /// The points, by id.
    pub points: Vec<PlanPoint>,
    /// The order points run in (interleaved, so a partial sweep covers the space evenly).
    pub order: Vec<u32>,
    /// Indicator columns of `sweep.csv`, after the point, replicate and swept values.
    pub columns: Vec<String>,
    /// `sha256:` of the base scenario as resolved with `[set]` (its TOML).
    pub base_hash: String,
    /// `sha256:` of this plan without this field: the sweep's identity.
    pub hash: String,
    /// Swept keys that have no effect at any point, each with the switch that makes them inert
    /// (derived from the rest, so not part of the hash).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub warnings: Vec<String>,
}

impl SweepPlan {
    /// Assemble a plan and compute its hash.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        source: &str,
        name: String,
        base: &str,
        method: Method,
        base_params: &Params,
        set: Vec<String>,
        factors: Vec<Factor>,
        levels: Option<u32>,
        bootstrap: Option<u32>,
        points: Vec<PlanPoint>,
        order: Vec<u32>,
        point_params: &[Params],
    ) -> SweepPlan {
        let base_toml = crate::scenario::to_toml(base_params).unwrap_or_default();
        let mut plan = SweepPlan {
            povsim_version: env!("CARGO_PKG_VERSION").to_string(),
            source: source.to_string(),
            name,
            base: base.to_string(),
            method,
            replicates: base_params.simulation.replicates,
            seed: base_params.simulation.seed,
            set,
            factors,
            levels,
            bootstrap,
            points,
            order,
            columns: output::indicator_columns(point_params),
            base_hash: hash_text(&base_toml),
            hash: String::new(),
            warnings: Vec::new(),
        };
        plan.hash = plan.identity_hash();
        plan
    }

    /// The hash of everything that determines the results (not the file's label or name, so
    /// moving the sweep file does not orphan its results).
    pub fn identity_hash(&self) -> String {
        let mut identity = serde_json::json!({
            "povsim_version": self.povsim_version,
            "method": self.method,
            "replicates": self.replicates,
            "seed": self.seed,
            "set": self.set,
            "factors": self.factors,
            "levels": self.levels,
            "points": self.points,
            "order": self.order,
            "columns": self.columns,
            "base_hash": self.base_hash,
        });
        // Only when set, so sweeps without intervals keep the identity they always had.
        if let Some(b) = self.bootstrap {
            identity["bootstrap"] = serde_json::json!(b);
        }
        hash_text(&identity.to_string())
    }

    /// A short form of the hash for file names.
    pub fn short_hash(&self) -> &str {
        let hex = self.hash.strip_prefix("sha256:").unwrap_or(&self.hash);
        &hex[..hex.len().min(12)]
    }

    /// Runs in the whole sweep (points x replicates).
    pub fn runs(&self) -> u64 {
        self.points.len() as u64 * u64::from(self.replicates)
    }
}

/// One problem in a sweep file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepProblem {
    /// 1-based line (0 = the file as a whole).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The key concerned (dotted; empty for the file as a whole).
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// Everything wrong with a sweep file (and its base scenario), reported at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct SweepError {
    /// The sweep file as given.
    pub label: String,
    /// Problems in the sweep file, in file order.
    pub problems: Vec<SweepProblem>,
    /// Problems in the base scenario file, already rendered with its label.
    pub base_problems: Vec<String>,
}

impl SweepError {
    fn render(&self) -> String {
        let mut problems = self.problems.clone();
        problems.sort_by_key(|p| (p.line, p.column));
        problems.dedup();
        let count = problems.len() + self.base_problems.len();
        let noun = if count == 1 { "problem" } else { "problems" };
        let mut out = format!("sweep {} has {count} {noun}:", self.label);
        for p in &problems {
            if p.line == 0 {
                out.push_str(&format!("\n  {}: {}", self.label, p.message));
            } else {
                out.push_str(&format!(
                    "\n  {}:{}:{}: {}",
                    self.label, p.line, p.column, p.message
                ));
            }
        }
        for line in &self.base_problems {
            out.push_str(&format!("\n  {line}"));
        }
        out
    }
}
