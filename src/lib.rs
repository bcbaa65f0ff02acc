//! povsim: an agent-based simulation of how poor villages exit poverty and how households fall
//! back into it, under China's First Secretary programme (2015-2020 and after).
//!
//! A scenario flows one way: TOML file -> [`scenario`] (validated [`params::Params`]) ->
//! [`sim::run_replicate`] per replicate (in parallel) -> [`collect`] rows -> [`summary`] ->
//! [`export`] (CSV, JSON, manifest) and charts. [`serve`] is the classroom web app.

pub mod calib;
pub mod chartdata;
pub mod cli;
pub mod cmd;
pub mod collect;
pub mod compare;
pub mod error;
pub mod export;
pub mod finite;
pub mod invariants;
pub mod model;
pub mod params;
pub mod plot;
pub mod posterior;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod serve;
pub mod sim;
pub mod story;
pub mod summary;
pub mod sweep;
